#!/usr/bin/env bash
# Runs the engine as WebAssembly in Node (the V8 of Chromium) and natively on
# the same file, printing each one's stage timings: where wasm loses time.
#     bench/wasm_probe.sh path/to/transactions.csv [--cpu-prof]
# SWEEP_ONLY=1 / INGEST_ONLY=1 add the fastest of a few runs of that stage alone;
# SILHOUETTES=1 prints each k's silhouette (compare with examples/sweep_digest.rs);
# SHARES=1 times the two workers' shares of the sweep and each k alone.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
cd "$SEGMENTO_ROOT"
csv="$1"
shift
out="$SEGMENTO_ROOT/target/wasm_probe"
cargo build --release --quiet --example wasm_probe --target wasm32-unknown-unknown
wasm-bindgen --target nodejs --out-dir "$out" target/wasm32-unknown-unknown/release/examples/wasm_probe.wasm
cargo build --release --quiet --example engine_timing
native=$(target/release/examples/engine_timing "$csv")
echo "native: ${native%%$'\n'*}"
[ -z "${SWEEP_ONLY:-}" ] || SWEEP_ONLY=1 target/release/examples/engine_timing "$csv" | tail -1
node "$@" -e '
const { run, sweep, ingest, silhouettes, shares } = require(process.argv[1] + "/wasm_probe.js");
const bytes = require("fs").readFileSync(process.argv[2]);
console.log("wasm:   " + run(bytes));
if (process.env.SWEEP_ONLY) console.log("wasm sweep alone: " + sweep(bytes) + " ms (fastest of 3)");
if (process.env.SILHOUETTES) console.log(silhouettes(bytes));
if (process.env.SHARES) console.log(shares(bytes));
if (process.env.INGEST_ONLY) console.log("wasm ingest alone: " + ingest(bytes) + " ms (fastest of 5)");
' "$out" "$csv"
