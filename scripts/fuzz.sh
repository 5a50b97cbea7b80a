#!/usr/bin/env bash
# A time-bounded fuzzing campaign (not part of the test run): every target of
# fuzz/ in turn under libFuzzer, two at a time, growing fuzz/corpus/<target>/;
# then the corpus is minimised (cargo fuzz cmin) and replayed on stable
# (tests/fuzz_corpus.rs). Crashers land in fuzz/artifacts/<target>/: fix the
# bug, then copy the crasher into the corpus so CI replays it for good.
#     scripts/fuzz.sh [time per target: 90s, 10m, 1h; default 2m] [targets...]
# Nightly is used for this only (libFuzzer's instrumentation); without a
# nightly toolchain, stable is told to allow it (RUSTC_BOOTSTRAP=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration=${1:-2m}
shift || true
case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sniffer ingest rfm_table model_apply protocol charts container)

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi
(cd fuzz && cargo "${toolchain[@]}" fuzz build --release)

log=fuzz/artifacts/campaign.log
mkdir -p fuzz/artifacts
: > "$log"
# Crashers of an earlier campaign were fixed and copied into the corpus.
find fuzz/artifacts -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) -delete
run() {
  local target=$1
  mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
  # -rss_limit_mb: an allocation sized by the input shows as a crash, not a slow machine.
  (cd fuzz && cargo "${toolchain[@]}" fuzz run --release "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=20 \
      -print_final_stats=1 2>&1) | tee "fuzz/artifacts/$target/run.log" |
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+== ERROR|SUMMARY|Done)' |
    sed "s/^/$target: /" >> "$log" || true
}
i=0
for target in "${targets[@]}"; do
  run "$target" &
  i=$((i + 1))
  if [ $((i % 2)) -eq 0 ]; then wait; fi
done
wait
# Minimised, then kept within a budget that can live in git: the seeds and
# crashers always, then the smallest inputs up to KEEP_KB per target.
keep_kb=${KEEP_KB:-512}
for target in "${targets[@]}"; do
  (cd fuzz && cargo "${toolchain[@]}" fuzz cmin --release "$target" "corpus/$target" >/dev/null 2>&1) || true
  budget=$((keep_kb * 1024))
  find "fuzz/corpus/$target" -type f ! -name 'seed-*' ! -name 'crash-*' -printf '%s %p\n' | sort -n |
    while read -r size path; do
      if [ "$size" -le "$budget" ]; then budget=$((budget - size)); else rm -f "$path"; fi
    done
done
cat "$log"
crashers=$(find fuzz/artifacts -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
echo "corpus: $(find fuzz/corpus -type f | wc -l) files; crashers, out-of-memory and timeouts found: $crashers"
cargo test --quiet --test fuzz_corpus
[ "$crashers" -eq 0 ]
