#!/usr/bin/env bash
# Runs sql/duckdb.sql with DuckDB on the bundled sample and on the SQL edge
# cases, checks the outputs equal the committed fixtures that
# tests/sql_reference.rs compares against the engine's own RFM table, and
# parses the BigQuery and Spark files with sqlglot.
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
for pair in "sample:public/sample.csv" "edge_cases:tests/fixtures/sql_edge_cases.csv"; do
  name="${pair%%:*}"
  csv="${pair#*:}"
  fixture="$root/tests/fixtures/sql_duckdb_$name.csv"
  "$venv/bin/python" "$root/tests/reference/run_duckdb_sql.py" --csv "$root/$csv" --out "$out/$name.csv"
  if [ "${1:-}" = "--update" ]; then
    cp "$out/$name.csv" "$fixture"
    echo "[sql] wrote $fixture"
  fi
  if diff -q "$fixture" "$out/$name.csv" >/dev/null 2>&1; then
    passed=$((passed + 1))
  else
    diff -u "$fixture" "$out/$name.csv" | head -40 || true
    failed=$((failed + 1))
  fi
done
# BigQuery and Spark files cannot run here: at least they must parse.
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
