#!/usr/bin/env bash
# Installs what building, serving and testing Segmento needs, then exports the
# environment for it. Source it (`. scripts/setup.sh`) or run it; re-running on
# a machine that has everything takes about a second.
#
# WASM toolchain, detected automatically:
#  1. rustup's wasm32-unknown-unknown target (added with `rustup target add` when
#     the network allows) — the normal path on a developer's machine;
#  2. otherwise Debian's rustc-web + rust-web-src, building std from source
#     (`-Zbuild-std`) — for machines whose rustup cannot download targets.
# Tools: trunk 0.21.14, wasm-bindgen-cli at the version in Cargo.lock, wasm-opt
# (npm `binaryen`), and for tests Debian's chromium + chromium-driver and the
# e2e suite's npm packages. Everything project-local lives in .tools/.
set -euo pipefail

SEGMENTO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$SEGMENTO_ROOT/.tools"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
mkdir -p "$TOOLS/bin"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=""
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { log "please install: ${missing[*]}"; return 1; }
  log "apt-get install ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The rustup cargo, remembered before our wrapper (below) shadows it.
RUSTUP_CARGO="$HOME/.cargo/bin/cargo"
[ -x "$RUSTUP_CARGO" ] || RUSTUP_CARGO="$(PATH="${PATH//$TOOLS\/bin:/}" command -v cargo)"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"

wasm_target_route() {
  log "adding rustup target wasm32-unknown-unknown"
  timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1
}

install_debian_wasm_route() {
  apt_install rustc-web cargo-web rust-web-src rust-web-clippy lld-19
  local linker
  linker="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  [ -x "$linker" ] || linker="$(command -v wasm-ld-19)"
  # Trunk runs whatever `cargo` is first on PATH: this wrapper sends wasm builds
  # to Debian's toolchain with build-std and everything else to rustup's cargo.
  cat > "$TOOLS/bin/cargo" <<WRAP
#!/usr/bin/env bash
for arg in "\$@"; do
  case "\$arg" in
    *wasm32-unknown-unknown*)
      export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
      export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$linker"
      # Debian's clippy with Debian's rustc: cargo runs the first cargo-clippy on PATH.
      export PATH="/usr/bin:\$PATH"
      exec /usr/bin/cargo "\$@" ;;
  esac
done
exec "$RUSTUP_CARGO" "\$@"
WRAP
  chmod +x "$TOOLS/bin/cargo"
}

if [ "${SEGMENTO_WASM_ROUTE:-}" = debian ]; then
  log "wasm32 target: Debian rustc-web with build-std (forced by SEGMENTO_WASM_ROUTE)"
  install_debian_wasm_route
elif rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rm -f "$TOOLS/bin/cargo" # the rustup target is there: no wrapper needed
elif [ -x "$TOOLS/bin/cargo" ] && [ -x /usr/bin/rustc ]; then
  install_debian_wasm_route # set up by an earlier run; brought up to date
elif wasm_target_route; then
  log "wasm32 target: rustup"
else
  log "wasm32 target unavailable from rustup; using Debian rustc-web with build-std"
  install_debian_wasm_route
fi

# Never let trunk reach for the network: every tool it needs is on PATH.
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  log "cargo install trunk $TRUNK_VERSION (a few minutes, once)"
  "$RUSTUP_CARGO" install --locked --quiet trunk --version "$TRUNK_VERSION"
fi

WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$SEGMENTO_ROOT/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WBG_VERSION (a few minutes, once)"
  # --locked fails for some versions (a locked dependency was yanked); retry without.
  "$RUSTUP_CARGO" install --locked --quiet wasm-bindgen-cli --version "$WBG_VERSION" 2>/dev/null ||
    "$RUSTUP_CARGO" install --quiet wasm-bindgen-cli --version "$WBG_VERSION"
fi

if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
  log "npm install binaryen@$BINARYEN_VERSION (wasm-opt)"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null)
fi
ln -sf "$TOOLS/node_modules/.bin/wasm-opt" "$TOOLS/bin/wasm-opt"

if [ "${SEGMENTO_SETUP_TESTS:-}" = 1 ]; then
  apt_install chromium chromium-driver nginx-light
  if [ ! -d "$SEGMENTO_ROOT/tests/e2e/node_modules" ] ||
     [ "$SEGMENTO_ROOT/tests/e2e/package-lock.json" -nt "$SEGMENTO_ROOT/tests/e2e/node_modules" ]; then
    log "npm ci (end-to-end test driver)"
    (cd "$SEGMENTO_ROOT/tests/e2e" && npm ci --silent --no-audit --no-fund >/dev/null && touch node_modules)
  fi
fi
