#!/usr/bin/env bash
# Recomputes the reference figures for the bundled sample with pandas +
# scikit-learn and checks they equal the committed fixture, which
# tests/sample_reference.rs compares the Rust engine against.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/refvenv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pandas, sklearn" 2>/dev/null; then
  echo "[reference] creating $venv (pandas, scikit-learn)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/reference/requirements.txt"
fi
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$venv/bin/python" "$root/tests/reference/rfm_reference.py" --csv "$root/public/sample.csv" --out "$out"
if diff -q "$root/tests/fixtures/sample_reference.json" "$out" >/dev/null; then
  echo "reference: 1 passed, 0 failed"
else
  diff -u "$root/tests/fixtures/sample_reference.json" "$out" | head -40
  echo "reference: 0 passed, 1 failed (regenerate it if the sample or definitions changed on purpose)"
  exit 1
fi
