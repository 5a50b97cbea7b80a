#!/usr/bin/env bash
# CPU time of every thread of headless Chromium during one run of
# bench/browser_bench.mjs (from choosing the file to the results on screen),
# read from /proc: the analysis worker and helpers ("DedicatedWorker"), the
# page ("chromium" main thread), V8's background compilation and the
# raster/IO pools ("ThreadPoolForeg"), the compositor. Shows what else runs
# on the machine's cores while the workers read. Linux only.
#     bench/thread_cpu.sh transactions.csv   (SEGMENTO_DIST, BENCH_QUERY as usual)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
file=$(realpath "$1")
before=$(mktemp) after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snapshot() { # "pid:tid:name cpu-ticks" per thread of every chromium process
  for pid in $(pgrep -f chrom); do
    for task in /proc/"$pid"/task/*; do
      read -r stat < "$task/stat" 2>/dev/null || continue
      name=$(tr ' ' _ < "$task/comm" 2>/dev/null) || continue
      set -- ${stat##*) }
      echo "$pid:${task##*/}:$name $(( ${12} + ${13} ))"
    done
  done 2>/dev/null
}
BENCH_MARK_RUN=1 node "$here/browser_bench.mjs" "$file" | while IFS= read -r line; do
  case "$line" in
    "run: start") snapshot > "$before" ;;
    "run: end") snapshot > "$after" ;;
    *) echo "$line" ;;
  esac
done
ticks=$(getconf CLK_TCK)
awk -v tick="$ticks" 'NR == FNR { start[$1] = $2; next }
  { ms = ($2 - start[$1]) * 1000 / tick; if (ms >= 20) printf "%7.0f ms  %s\n", ms, $1 }' "$before" "$after" | sort -rn | head -16
