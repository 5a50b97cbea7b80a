#!/usr/bin/env bash
# Benchmark of the worker pool (not part of the test run), on one file in
# headless Chromium with the release build in dist/:
#  1. the pool forced to 1, 2, 3 and 4 workers (`?workers=N`), rounds
#     alternating between them, so a slow stretch of the machine hits all;
#  2. the default pool with the machine idle, then with one core kept busy by
#     another process (a shell busy loop), alternating.
# Prints the medians as markdown tables (every run on stderr).
#     scripts/bench_pool.sh file.csv [rounds]
set -euo pipefail
SEGMENTO_SETUP_TESTS=1 . "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"
file=$(realpath "$1")
rounds=${2:-3}
[ -s dist/index.html ] || trunk build --release >/dev/null 2>&1

run() { # query → one JSON line
  BENCH_QUERY="$1" node bench/browser_bench.mjs "$file"
}

declare -A results
for round in $(seq "$rounds"); do
  for workers in 1 2 3 4; do
    line=$(run "workers=$workers")
    echo "[pool] round $round, $workers workers: $line" >&2
    results[$workers]+="$line"$'\n'
  done
done

busy_loop() { while :; do :; done; }
for round in $(seq "$rounds"); do
  line=$(run "")
  echo "[pool] round $round, idle: $line" >&2
  results[idle]+="$line"$'\n'
  busy_loop &
  busy=$!
  line=$(run "")
  kill "$busy"
  wait "$busy" 2>/dev/null || true
  echo "[pool] round $round, one core busy: $line" >&2
  results[busy]+="$line"$'\n'
done

python3 - "$file" "${results[1]}" "${results[2]}" "${results[3]}" "${results[4]}" "${results[idle]}" "${results[busy]}" <<'PY'
import json, os, statistics, sys
file, *groups = sys.argv[1:]
runs = [[json.loads(l) for l in g.splitlines() if l.strip()] for g in groups]
med = lambda rs, key: statistics.median(r[key] for r in rs)
span = lambda rs, key: f"{min(r[key] for r in rs):.0f}–{max(r[key] for r in rs):.0f}"
print(f"File: {os.path.basename(file)}, {os.path.getsize(file):,} bytes, {runs[0][0]['customers']:,} customers; medians of {len(runs[0])} runs (range).")
print()
print("| workers | read ms | analyse ms | total s | read by | k sweep by |")
print("|---:|---:|---:|---:|---:|---:|")
for n, rs in zip([1, 2, 3, 4], runs[:4]):
    print(f"| {n} | {med(rs, 'read_ms'):.0f} ({span(rs, 'read_ms')}) | {med(rs, 'analyse_ms'):.0f} ({span(rs, 'analyse_ms')}) | {med(rs, 'seconds'):.2f} | {max(r['read_workers'] for r in rs)} | {max(r['sweep_workers'] for r in rs)} |")
print()
idle, busy = runs[4], runs[5]
print("| machine | read ms | analyse ms | total s |")
print("|---|---:|---:|---:|")
for name, rs in [("idle", idle), ("one core busy", busy)]:
    print(f"| {name} | {med(rs, 'read_ms'):.0f} ({span(rs, 'read_ms')}) | {med(rs, 'analyse_ms'):.0f} ({span(rs, 'analyse_ms')}) | {med(rs, 'seconds'):.2f} ({min(r['seconds'] for r in rs):.2f}–{max(r['seconds'] for r in rs):.2f}) |")
print()
print(f"One core busy ÷ idle (total, medians): {med(busy, 'seconds') / med(idle, 'seconds'):.2f}")
PY
