#!/usr/bin/env bash
# Runs every Spark check in one local Spark session (run_spark_checks.py):
# sql/spark.sql on the sample and the edge cases (ANSI off and on), the PySpark
# job sql/spark_rfm.py on CSV and Parquet, and the model's Spark labelling SQL
# against the app's own labels. The RFM tables it writes must equal the
# committed fixtures, which tests/sql_reference.rs compares with the app.
#   tests/reference/check_spark.sh            check
#   tests/reference/check_spark.sh --update   rewrite the fixtures
# Needs Java 17+ (installed from Debian when missing) and pyspark (pinned in
# spark_requirements.txt); if either cannot be had, it says so and fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/sparkvenv"
requirements="$root/tests/reference/spark_requirements.txt"

java_major() { java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
  echo "[spark] Java 17+ not found: apt-get install openjdk-17-jre-headless"
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } ||
    { echo "[spark] could not install Java 17 (openjdk-17-jre-headless): the Spark checks cannot run" >&2; exit 1; }
  command -v java >/dev/null && [ "$(java_major)" -ge 17 ] ||
    { echo "[spark] Java 17+ is still not on PATH after installing openjdk-17-jre-headless" >&2; exit 1; }
fi
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
  echo "[spark] creating $venv ($(grep -v '^#' "$requirements" | tr '\n' ' '))"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" ||
    { echo "[spark] could not install pyspark: the Spark checks cannot run" >&2; exit 1; }
  cp "$requirements" "$venv/requirements.txt"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
(cd "$root" && cargo run --quiet --example labelling_bundle -- public/sample.csv "$out/bundle")
# Spark's own log goes to a file; the checks' lines and any error stay on screen.
if ! (cd "$root/tests/reference" && "$venv/bin/python" run_spark_checks.py --bundle "$out/bundle" --out "$out" 2>"$out/spark.log"); then
  grep -v '^\s*$' "$out/spark.log" | grep -iv 'WARN' | tail -40 >&2 || true
  echo "spark: the checks failed" >&2
  exit 1
fi
failed=0
for name in sample edge_cases sample_as_of; do
  fixture="$root/tests/fixtures/sql_spark_$name.csv"
  if [ "${1:-}" = "--update" ]; then
    cp "$out/sql_spark_$name.csv" "$fixture"
    echo "[spark] wrote $fixture"
  fi
  if ! cmp -s "$fixture" "$out/sql_spark_$name.csv"; then
    diff -u "$fixture" "$out/sql_spark_$name.csv" | head -40 || true
    failed=$((failed + 1))
  fi
done
echo "spark: $((3 - failed)) of 3 tables equal their fixtures"
[ "$failed" -eq 0 ] || { echo "(regenerate with --update if the SQL or data changed on purpose)"; exit 1; }
