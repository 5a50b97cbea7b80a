#!/usr/bin/env bash
# Runs every test: formatting and lints, the engine's native tests, the
# pandas/scikit-learn reference check, a release build, and the end-to-end
# suite in headless Chromium. Installs what it needs first.
set -euo pipefail
SEGMENTO_SETUP_TESTS=1 . "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, -D warnings)"
cargo clippy --all-targets --quiet -- -D warnings

step "cargo clippy (wasm32: the page, the worker and the simd128 paths, -D warnings)"
cargo clippy --target wasm32-unknown-unknown --lib --bins --examples --quiet -- -D warnings

step "engine tests (native)"
cargo test --quiet

# The references are not optional: a missing tool fails the run, never skips a check.
command -v python3 >/dev/null || { echo "python3 is required for the reference checks (pandas, DuckDB, Spark, lifetimes)" >&2; exit 1; }
python3 -m venv --help >/dev/null 2>&1 || { echo "python3's venv module is required (Debian: apt-get install python3-venv)" >&2; exit 1; }
for check in check_fixture check_sql check_spark check_clv; do
  [ -x "tests/reference/$check.sh" ] || { echo "tests/reference/$check.sh is missing or not executable" >&2; exit 1; }
done

step "reference fixture matches pandas + scikit-learn"
tests/reference/check_fixture.sh

step "warehouse SQL: DuckDB and BigQuery's (through sqlglot into DuckDB) match their committed outputs; labelling SQL matches the app"
tests/reference/check_sql.sh

step "warehouse SQL on a local Spark: spark.sql, the PySpark job, labelling SQL (one Spark session)"
tests/reference/check_spark.sh

step "CLV fixture matches lifetimes (BG/NBD + Gamma-Gamma)"
tests/reference/check_clv.sh

step "the WebAssembly sweep (simd128) matches the native one bit for bit"
scripts/check_simd.sh

step "trunk build --release"
trunk build --release
wasm_raw=$(stat -c %s dist/segmento_bg.wasm)
wasm_gz=$(gzip -9 -c dist/segmento_bg.wasm | wc -c)
worker_raw=$(stat -c %s dist/worker_bg.wasm)
worker_gz=$(gzip -9 -c dist/worker_bg.wasm | wc -c)
echo "page wasm: $wasm_raw bytes ($wasm_gz gzipped); worker wasm: $worker_raw bytes ($worker_gz gzipped)"

step "trunk build --release with the WebAssembly memory capped (the out-of-memory test)"
export SEGMENTO_SMALL_MEMORY_DIST
SEGMENTO_SMALL_MEMORY_DIST="$(scripts/build_small_memory.sh | cut -d' ' -f1)"

step "end-to-end tests (headless Chromium)"
(cd tests/e2e && npm test)
