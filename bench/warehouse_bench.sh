#!/usr/bin/env bash
# Benchmark (not part of the test run): the warehouse path beside the browser,
# one after the other on the same generated UCI-layout file:
#   DuckDB     sql/duckdb.sql, all threads, COPY to a CSV (DuckDB's own reading);
#   PySpark    spark-submit sql/spark_rfm.py, local[*], CSV in, CSV out: the
#              whole job (JVM start included) and the query alone as the job logs;
#   Chromium   the app, from choosing the file to the dashboard (bench/browser_bench.mjs).
# Rows default to 5,000,000: `bench/warehouse_bench.sh 1000000`. Prints a table.
set -euo pipefail
SEGMENTO_SETUP_TESTS=1 . "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
cd "$SEGMENTO_ROOT"
rows="${1:-5000000}"
data="$SEGMENTO_ROOT/.tools/bench"
csv="$data/transactions-$rows.csv"
mkdir -p "$data"
[ -s "$csv" ] || python3 scripts/generate_transactions.py --rows "$rows" --seed 11 --out "$csv"
tests/reference/check_sql.sh >/dev/null   # builds .tools/duckvenv if missing
tests/reference/check_spark.sh >/dev/null # builds .tools/sparkvenv (and Java) if missing
trunk build --release >/dev/null 2>&1
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }

echo "[bench] DuckDB" >&2
start=$(now)
.tools/duckvenv/bin/python - "$csv" "$out/duckdb.csv" <<'PY'
import pathlib, sys, duckdb
csv, out = sys.argv[1], sys.argv[2]
sql = pathlib.Path("sql/duckdb.sql").read_text().replace("'transactions.csv'", "'" + csv + "'").strip().rstrip(";")
duckdb.connect().execute(f"COPY ({sql}) TO '{out}' (HEADER)")
PY
duckdb_s=$(echo "$(now) - $start" | bc)

echo "[bench] PySpark job (spark-submit)" >&2
start=$(now)
# spark-submit finds Spark through the python3 on PATH: the venv's.
PATH="$SEGMENTO_ROOT/.tools/sparkvenv/bin:$PATH" spark-submit --master "local[*]" --driver-memory 4g \
  --conf spark.ui.enabled=false sql/spark_rfm.py --input "$csv" --format csv --output "$out/spark" \
  >"$out/spark.out" 2>"$out/spark.log" || { tail -30 "$out/spark.log" >&2; exit 1; }
spark_s=$(echo "$(now) - $start" | bc)

echo "[bench] Chromium" >&2
browser=$(node bench/browser_bench.mjs "$csv")

python3 - "$rows" "$csv" "$duckdb_s" "$spark_s" "$browser" "$out/duckdb.csv" "$out/spark/rfm.csv" <<'PY'
import json, os, sys
rows, csv, duckdb_s, spark_s, browser, duck_out, spark_out = sys.argv[1:]
rows, duckdb_s, spark_s, b = int(rows), float(duckdb_s), float(spark_s), json.loads(browser)
customers = {name: sum(1 for _ in open(path)) - 1 for name, path in [("duckdb", duck_out), ("spark", spark_out)]}
mb = os.path.getsize(csv) / 1e6
print(f"{rows:,} rows, {mb:.0f} MB; customers: DuckDB {customers['duckdb']:,}, Spark {customers['spark']:,}, app {b['customers']:,}")
print("| engine | seconds | rows/s |")
print("|---|---:|---:|")
for name, s in [("DuckDB, sql/duckdb.sql (2 threads)", duckdb_s), ("PySpark job, spark-submit local[*] (JVM start included)", spark_s), ("Segmento in Chromium (drop to dashboard, clusters included)", b["seconds"])]:
    print(f"| {name} | {s:.2f} | {rows / s:,.0f} |")
PY
