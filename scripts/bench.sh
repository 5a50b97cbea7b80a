#!/usr/bin/env bash
# Benchmark (not part of the test run): for each file, one after the other on
# this machine, times (a) the engine natively, (b) the app in headless
# Chromium from choosing the file to the dashboard, with its own read and
# analyse times, (c) DuckDB's read + clean + RFM of the same file
# (bench/duckdb_read.py, 2 threads) and (d) the reference pandas +
# scikit-learn pipeline; then prints a table, the wasm sizes and the start-up
# time (cold profile, median of 3, bench/ready_bench.mjs).
#
# Each argument is a generated file: ROWS, then the generator's shape options
# after colons: `iso` (ISO dates; M/D/Y otherwise), `quoted` (descriptions
# quoted, with commas), `float` (every id like `17850.0`). The default:
#   scripts/bench.sh 541909:iso 541909 1000000 5000000:quoted:float
# BENCH_NO_REFERENCE=1 leaves out pandas + scikit-learn (for very large files).
set -euo pipefail
SEGMENTO_SETUP_TESTS=1 . "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"
files=("${@:-541909:iso 541909 1000000 5000000:quoted:float}")
read -r -a files <<< "${files[*]}"
data="$SEGMENTO_ROOT/.tools/bench"
mkdir -p "$data"
apt_install time # /usr/bin/time, for peak memory
tests/reference/check_fixture.sh >/dev/null # builds .tools/refvenv (pandas, scikit-learn) if missing
tests/reference/check_sql.sh >/dev/null     # builds .tools/duckvenv (DuckDB) if missing
cargo build --release --quiet --example engine_timing
trunk build --release >/dev/null 2>&1

rows=()
for spec in "${files[@]}"; do
  IFS=: read -r -a parts <<< "$spec"
  n=${parts[0]}
  options=() suffix="" shape=""
  for option in "${parts[@]:1}"; do
    case $option in
      iso) options+=(--dates iso) ;;
      quoted) options+=(--quoted-descriptions) ;;
      float) options+=(--float-ids) ;;
      *) echo "unknown shape option: $option (iso, quoted, float)" >&2; exit 2 ;;
    esac
    suffix+="-$option" shape+="$option "
  done
  csv="$data/transactions-$n$suffix.csv"
  [ -s "$csv" ] || python3 scripts/generate_transactions.py --rows "$n" --seed 11 "${options[@]}" --out "$csv"
  echo "[bench] $spec: native" >&2
  native=$( { /usr/bin/time -f "%e %M" target/release/examples/engine_timing "$csv" >/dev/null; } 2>&1 | tail -1)
  echo "[bench] $spec: Chromium" >&2
  browser=$(node bench/browser_bench.mjs "$csv")
  echo "[bench] $spec: DuckDB" >&2
  duck=$(.tools/duckvenv/bin/python bench/duckdb_read.py "$csv" --threads 2)
  if [ -n "${BENCH_NO_REFERENCE:-}" ]; then
    reference='{}'
  else
    echo "[bench] $spec: pandas + scikit-learn" >&2
    reference=$(.tools/refvenv/bin/python bench/reference_pipeline.py "$csv")
  fi
  rows+=("$n|${shape:-mdy }|$(stat -c %s "$csv")|$native|$browser|$duck|$reference")
done

python3 - "${rows[@]}" <<'PY'
import json, sys
print("| rows | shape | MB | customers | Segmento read / analyse ms (workers) | DuckDB read+clean+RFM ms | read ÷ DuckDB | Chromium total s | native s | pandas+sklearn s | pandas ÷ Chromium | analysis worker peak MB | native peak MB | Chromium rows/s | longest main-thread task ms |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for row in sys.argv[1:]:
    n, shape, size, native, browser, duck, reference = row.split("|")
    n, size = int(n), int(size)
    native_s, native_kb = (float(v) for v in native.split())
    b, d, r = json.loads(browser), json.loads(duck), json.loads(reference)
    pandas = f"{r['seconds']:.1f}" if r else "—"
    ratio = f"{r['seconds']/b['seconds']:.1f}×" if r else "—"
    duck_ms = d["seconds"] * 1000
    print(f"| {n:,} | {shape.strip()} | {size/1e6:.0f} | {b['customers']:,} | {b['read_ms']:,} / {b['analyse_ms']:,} ({b['read_workers']}) "
          f"| {duck_ms:,.0f} | {b['read_ms']/duck_ms:.2f} | {b['seconds']:.2f} | {native_s:.2f} | {pandas} | {ratio} "
          f"| {b['worker_memory_mb']:.0f} | {native_kb/1024:.0f} | {n/b['seconds']:,.0f} | {b['longest_task_ms']} |")
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
