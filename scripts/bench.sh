#!/usr/bin/env bash
# Benchmark (not part of the test run): for each size, times (a) the engine
# natively, (b) the app in headless Chromium from choosing the file to the
# dashboard, (c) the reference pandas + scikit-learn pipeline — on the same
# generated UCI-layout file, one after the other on this machine — and prints
# a table; then the wasm sizes and the start-up time (cold profile, median of
# 3, bench/ready_bench.mjs). Sizes (rows) default to 100k, 1M and 5M:
# `scripts/bench.sh 100000 1000000`.
set -euo pipefail
SEGMENTO_SETUP_TESTS=1 . "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"
sizes=("${@:-100000 1000000 5000000}")
read -r -a sizes <<< "${sizes[*]}"
data="$SEGMENTO_ROOT/.tools/bench"
mkdir -p "$data"
apt_install time # /usr/bin/time, for peak memory
tests/reference/check_fixture.sh >/dev/null # builds .tools/refvenv (pandas, scikit-learn) if missing
cargo build --release --quiet --example engine_timing
trunk build --release >/dev/null 2>&1

rows=()
for n in "${sizes[@]}"; do
  csv="$data/transactions-$n.csv"
  [ -s "$csv" ] || python3 scripts/generate_transactions.py --rows "$n" --seed 11 --out "$csv"
  echo "[bench] $n rows: native" >&2
  native=$( { /usr/bin/time -f "%e %M" target/release/examples/engine_timing "$csv" >/dev/null; } 2>&1 | tail -1)
  echo "[bench] $n rows: Chromium" >&2
  browser=$(node bench/browser_bench.mjs "$csv")
  echo "[bench] $n rows: pandas + scikit-learn" >&2
  reference=$(.tools/refvenv/bin/python bench/reference_pipeline.py "$csv")
  rows+=("$n|$native|$browser|$reference")
done

python3 - "${rows[@]}" <<'PY'
import json, sys
print("| rows | customers | native s | Chromium s | pandas+sklearn s | reference ÷ native | reference ÷ Chromium | native peak MB | worker wasm MB | reference peak MB | native rows/s | Chromium rows/s | longest main-thread task ms |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for row in sys.argv[1:]:
    n, native, browser, reference = row.split("|")
    n = int(n)
    native_s, native_kb = (float(v) for v in native.split())
    b, r = json.loads(browser), json.loads(reference)
    print(f"| {n:,} | {b['customers']:,} | {native_s:.2f} | {b['seconds']:.2f} | {r['seconds']:.2f} | {r['seconds']/native_s:.1f}× | {r['seconds']/b['seconds']:.1f}× "
          f"| {native_kb/1024:.0f} | {b['worker_memory_mb']:.0f} | {r['peak_mb']:.0f} | {n/native_s:,.0f} | {n/b['seconds']:,.0f} | {b['longest_task_ms']} |")
PY

echo
echo "| wasm | bytes | gzipped (-9) |"
echo "|---|---:|---:|"
for f in segmento worker; do
  echo "| $f | $(stat -c %s dist/${f}_bg.wasm) | $(gzip -9 -c dist/${f}_bg.wasm | wc -c) |"
done
echo
echo "[bench] start-up on a cold profile" >&2
node bench/ready_bench.mjs 3 | python3 -c '
import json, sys
r = json.load(sys.stdin)
button, ready, warm = r["median_button_ms"], r["median_ready_ms"], r["median_warm_ms"]
runs = ", ".join(str(x["ready_ms"]) for x in r["runs"])
warms = ", ".join(str(x["warm_ms"]) for x in r["runs"])
print(f"first button {button} ms, engine ready {ready} ms (takes a file; runs {runs} ms), warmed up {warm} ms (runs {warms} ms) after navigation, medians of 3")'
