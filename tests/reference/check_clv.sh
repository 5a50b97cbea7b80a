#!/usr/bin/env bash
# Recomputes the CLV reference figures for the bundled sample with lifetimes
# (BG/NBD + Gamma-Gamma) and checks they equal the committed fixture, which
# tests/clv_reference.rs compares the Rust engine against.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/clvvenv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import lifetimes, sklearn" 2>/dev/null; then
  echo "[clv reference] creating $venv (lifetimes, pandas, scikit-learn)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/reference/clv_requirements.txt"
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$venv/bin/python" "$root/tests/reference/clv_reference.py" --csv "$root/public/sample.csv" --out "$dir/clv_reference.json"
if diff -q "$root/tests/fixtures/clv_reference.json" "$dir/clv_reference.json" >/dev/null; then
  echo "clv reference: 1 passed, 0 failed"
else
  diff -u "$root/tests/fixtures/clv_reference.json" "$dir/clv_reference.json" | head -40
  echo "clv reference: 0 passed, 1 failed (regenerate it if the sample or definitions changed on purpose)"
  exit 1
fi
