#!/usr/bin/env bash
# Recomputes the reference figures for the bundled sample with pandas +
# scikit-learn and checks they equal the committed fixture, which
# tests/sample_reference.rs compares the Rust engine against; the same for
# the whitespace-separated fixture (tests/ingest_whitespace.rs), the
# cluster classifier's reference (tests/classifier.rs), the exploration
# figures (tests/explore_reference.rs) and the Gaussian mixture's EM
# (tests/gmm_reference.rs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/refvenv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pandas, sklearn, openpyxl" 2>/dev/null; then
  echo "[reference] creating $venv (pandas, scikit-learn, openpyxl)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/reference/requirements.txt"
fi
out="$(mktemp)"
text="$(mktemp)"
trap 'rm -f "$out" "$text"' EXIT
passed=0
failed=0
# Compares a committed file with what was just computed into "$out".
same() {
  if diff -q "$1" "$2" >/dev/null; then
    passed=$((passed + 1))
  else
    diff -u "$1" "$2" | head -40 || true
    echo "[reference] $1 differs (regenerate it if the data or definitions changed on purpose)"
    failed=$((failed + 1))
  fi
}
"$venv/bin/python" "$root/tests/reference/rfm_reference.py" --csv "$root/public/sample.csv" --out "$out"
same "$root/tests/fixtures/sample_reference.json" "$out"
# The whitespace-separated, headerless fixture: made from a seed, then
# computed by pandas from the text alone (tests/ingest_whitespace.rs).
"$venv/bin/python" "$root/tests/reference/make_whitespace_fixture.py" --out "$text"
same "$root/tests/fixtures/cdnow_like.txt" "$text"
"$venv/bin/python" "$root/tests/reference/rfm_reference.py" --layout cdnow --csv "$root/tests/fixtures/cdnow_like.txt" --out "$out"
same "$root/tests/fixtures/cdnow_like_reference.json" "$out"
# The random forest's cross-validated accuracy on k-means clusters of the sample.
"$venv/bin/python" "$root/tests/reference/classifier_reference.py" --csv "$root/public/sample.csv" --out "$out"
same "$root/tests/fixtures/classifier_reference.json" "$out"
# The exploration figures of the sample (tests/explore_reference.rs).
"$venv/bin/python" "$root/tests/reference/explore_reference.py" --csv "$root/public/sample.csv" --out "$out"
same "$root/tests/fixtures/explore_reference.json" "$out"
# The Gaussian mixture's EM from given starts (tests/gmm_reference.rs).
"$venv/bin/python" "$root/tests/reference/gmm_reference.py" --csv "$root/public/sample.csv" --out "$out"
same "$root/tests/fixtures/gmm_reference.json" "$out"
echo "reference: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
