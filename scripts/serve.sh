#!/usr/bin/env bash
# Builds Segmento and serves it on http://127.0.0.1:8080 (installs what it needs first).
# Pass --release for the size-optimised build.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SEGMENTO_ROOT"
exec trunk serve "$@"
