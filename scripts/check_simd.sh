#!/usr/bin/env bash
# The WebAssembly build's k sweep (simd128 vector code in the k-means restarts
# and the silhouette) against the native build's (the portable code): every
# k's inertia, silhouette, Calinski-Harabasz, Davies-Bouldin, labels and
# centres, bit for bit, as the vector code promises. Run in Node (V8, as in
# Chromium) on the bundled sample and two generated benchmark-style files.
#     scripts/check_simd.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"
out="$SEGMENTO_ROOT/target/simd_check"
mkdir -p "$out"
cargo build --release --quiet --example wasm_probe --target wasm32-unknown-unknown
wasm-bindgen --target nodejs --out-dir "$out" target/wasm32-unknown-unknown/release/examples/wasm_probe.wasm
# The check means something only if the build has vector instructions.
wasm-opt --enable-simd --print "$out/wasm_probe_bg.wasm" 2>/dev/null | grep -q 'f32x4\|f64x2' ||
  { echo "the wasm build has no vector instructions: is simd128 on (.cargo/config.toml)?" >&2; exit 1; }
cargo build --release --quiet --example sweep_digest
[ -s "$out/generated-120000.csv" ] || python3 scripts/generate_transactions.py --rows 120000 --seed 5 --out "$out/generated-120000.csv" >/dev/null
[ -s "$out/generated-400000.csv" ] || python3 scripts/generate_transactions.py --rows 400000 --seed 9 --out "$out/generated-400000.csv" >/dev/null
failed=0
for file in public/sample.csv "$out/generated-120000.csv" "$out/generated-400000.csv"; do
  target/release/examples/sweep_digest "$file" > "$out/native.txt"
  node -e 'const { digest } = require(process.argv[1] + "/wasm_probe.js");
    console.log(digest(require("fs").readFileSync(process.argv[2])));' "$out" "$file" > "$out/wasm.txt"
  if diff -u "$out/native.txt" "$out/wasm.txt"; then
    echo "simd: $(basename "$file"): $(wc -l < "$out/native.txt") ks identical"
  else
    failed=1
  fi
done
exit "$failed"
