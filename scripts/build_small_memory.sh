#!/usr/bin/env bash
# Builds the site with its WebAssembly memory capped (default 64 MiB) into
# target/dist-small-memory, for the end-to-end test of a real out-of-memory
# (tests/e2e/memory.test.mjs): a file with more customers than fit must end in
# a clear message, and the next run must work. Its own target directory keeps
# the normal build's cache.
#     scripts/build_small_memory.sh [max memory in bytes]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"
max=${1:-67108864}
# RUSTFLAGS replaces .cargo/config.toml's flags: simd128 is repeated here.
CARGO_TARGET_DIR="$SEGMENTO_ROOT/target/small-memory" \
  RUSTFLAGS="-C target-feature=+simd128 -C link-arg=--max-memory=$max" \
  trunk build --release --dist "$SEGMENTO_ROOT/target/dist-small-memory" \
  > "$SEGMENTO_ROOT/target/small-memory.log" 2>&1 ||
  { tail -40 "$SEGMENTO_ROOT/target/small-memory.log" >&2; exit 1; }
echo "$SEGMENTO_ROOT/target/dist-small-memory (WebAssembly memory at most $max bytes)"
