#!/usr/bin/env bash
# Runs sql/duckdb.sql with DuckDB, and sql/bigquery.sql translated to DuckDB
# by sqlglot (the proxy for BigQuery, which cannot run here), on the bundled
# sample and on the SQL edge cases; checks the outputs equal the committed
# fixtures that tests/sql_reference.rs compares against the engine's own RFM
# table; runs the model's DuckDB and BigQuery labelling SQL against the app's
# labels (check_labelling.py); parses the three dialect files with sqlglot.
# Spark's files run on a real Spark: check_spark.sh.
#   tests/reference/check_sql.sh            check
#   tests/reference/check_sql.sh --update   rewrite the fixtures
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/duckvenv"
requirements="$root/tests/reference/sql_requirements.txt"
# (Re)built when missing or when the pinned versions changed.
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
  echo "[sql] creating $venv ($(grep -v '^#' "$requirements" | tr '\n' ' '))"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
passed=0
failed=0
for dialect in duckdb bigquery; do
  for pair in "sample:public/sample.csv" "edge_cases:tests/fixtures/sql_edge_cases.csv"; do
    name="${pair%%:*}"
    csv="${pair#*:}"
    fixture="$root/tests/fixtures/sql_${dialect}_$name.csv"
    "$venv/bin/python" "$root/tests/reference/run_duckdb_sql.py" --dialect "$dialect" --csv "$root/$csv" --out "$out/$dialect-$name.csv"
    if [ "${1:-}" = "--update" ]; then
      cp "$out/$dialect-$name.csv" "$fixture"
      echo "[sql] wrote $fixture"
    fi
    if diff -q "$fixture" "$out/$dialect-$name.csv" >/dev/null 2>&1; then
      passed=$((passed + 1))
    else
      diff -u "$fixture" "$out/$dialect-$name.csv" | head -40 || true
      failed=$((failed + 1))
    fi
  done
done
# The model's labelling SQL, as the studio downloads it, against the app's labels.
(cd "$root" && cargo run --quiet --example labelling_bundle -- public/sample.csv "$out/bundle")
if "$venv/bin/python" "$root/tests/reference/check_labelling.py" --bundle "$out/bundle"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
# Every dialect file must parse with sqlglot too.
if "$venv/bin/python" - "$root" <<'PY'
import sys, sqlglot
root = sys.argv[1]
for name, dialect in [("duckdb", "duckdb"), ("bigquery", "bigquery"), ("spark", "spark")]:
    sqlglot.parse_one(open(f"{root}/sql/{name}.sql").read(), read=dialect)
PY
then
  passed=$((passed + 1))
else
  echo "[sql] a dialect file does not parse"
  failed=$((failed + 1))
fi
echo "sql: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || { echo "(regenerate with --update if the SQL or data changed on purpose)"; exit 1; }
