#!/usr/bin/env bash
# Benchmark (not part of the test run): wrapped files against the plain CSV,
# in headless Chromium (bench/browser_bench.mjs: from choosing the file to
# the dashboard, with the mapping step's detection timed apart). Runs, in
# turn, `runs` times each: a generated CSV of `rows` rows and the same file
# gzipped (gzip -6); then a generated .xlsx of 540,000 rows × 8 columns
# (tests/reference/make_workbooks.py --big, openpyxl).
#     bench/wrapped_bench.sh [rows] [runs]      # defaults: 1750000 (20 MB gzipped), 3
set -euo pipefail
SEGMENTO_SETUP_TESTS=1 . "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
cd "$SEGMENTO_ROOT"
rows=${1:-1750000}
runs=${2:-3}
data="$SEGMENTO_ROOT/.tools/bench"
mkdir -p "$data"
tests/reference/check_fixture.sh >/dev/null # builds .tools/refvenv (pandas, openpyxl) if missing
trunk build --release >/dev/null 2>&1
csv="$data/transactions-$rows.csv"
[ -s "$csv" ] || python3 scripts/generate_transactions.py --rows "$rows" --seed 11 --out "$csv"
[ -s "$csv.gz" ] || gzip -6 -k -c "$csv" > "$csv.gz"
book="$data/transactions-540000.xlsx"
[ -s "$book" ] || .tools/refvenv/bin/python tests/reference/make_workbooks.py --big "$book" --rows 540000
echo "file bytes: csv $(stat -c %s "$csv"), gz $(stat -c %s "$csv.gz"), xlsx $(stat -c %s "$book")"
for i in $(seq "$runs"); do
  for file in "$csv" "$csv.gz" "$book"; do
    printf '%s\t' "$(basename "$file")"
    BENCH_VERBOSE=1 node bench/browser_bench.mjs "$file" 2>"$data/wrapped-bench.log" | tr -d '\n'
    printf '\t%s\n' "$(grep -o 'sniff [0-9.]* ms, run [0-9.]* ms; Read in [0-9]* ms' "$data/wrapped-bench.log")"
  done
done
