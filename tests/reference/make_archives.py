"""Writes the archive fixtures of the wrapped-file tests with Python's own
zipfile (independent of the app's ZIP reader):

- tests/fixtures/sample_export.zip: the bundled sample deflated under a
  folder, beside a small stored CSV and a readme, as a shop's export bundle.

Run from the repository root: python3 tests/reference/make_archives.py
"""

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "public" / "sample.csv"
OUT = ROOT / "tests" / "fixtures" / "sample_export.zip"


def main() -> None:
    sample = SAMPLE.read_bytes()
    refunds = b"customer_id,date,amount\n12347,2011-01-05,10.00\n12348,2011-02-07,22.50\n"
    with zipfile.ZipFile(OUT, "w") as archive:
        # Fixed timestamps: the same bytes on every run.
        def add(name: str, data: bytes, method: int) -> None:
            info = zipfile.ZipInfo(name, date_time=(2011, 12, 9, 12, 0, 0))
            info.compress_type = method
            archive.writestr(info, data)

        add("README.txt", b"Orders export.\n", zipfile.ZIP_STORED)
        add("export/orders.csv", sample, zipfile.ZIP_DEFLATED)
        add("export/refunds.csv", refunds, zipfile.ZIP_STORED)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
