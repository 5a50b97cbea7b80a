#!/usr/bin/env python3
"""DuckDB's read + clean + RFM of a UCI-layout transactions CSV, timed inside
Python: the bar the app's reading is held to. Prints one JSON line,
{"seconds", "customers", "threads", "date_format", "duckdb", "query"}.

    .tools/duckvenv/bin/python bench/duckdb_read.py FILE.csv [--threads 2] [--full]

DuckDB is the version pinned in tests/reference/sql_requirements.txt (the
venv tests/reference/check_sql.sh builds).

Default query (`lean`): DuckDB's own CSV reader with the columns typed up
front (no sniffing) and the date format of the file (`%m/%d/%Y %H:%M` or
`%Y-%m-%d %H:%M:%S`, from its first data line, or --date-format), then the
app's default cleaning rules that decide who is a customer — missing
customer id, dates outside 1990-01-01 … 2100-12-31 (the app's native
default), cancellations (invoice `C`/`c` + digit), negative quantity, price
≤ 0 — one purchase per customer and invoice, and the RFM table (recency
from the day after the last purchase, frequency, monetary) materialised in
memory. CustomerID is read as DOUBLE, so `17850` and `17850.0` are one
customer, as the app's normalisation makes them (fine for these numeric-id
files, not for ids with letters). Exact duplicate lines are not looked for:
dropping them changes no customer, only amounts.

`--full` runs the repository's sql/duckdb.sql instead (every column read as
text, the app's normalisation of ids, the duplicate rule as a window over the
eight columns): the same customers, a heavier query.
"""

import argparse
import json
import pathlib
import time

import duckdb

ROOT = pathlib.Path(__file__).resolve().parent.parent

LEAN = """
CREATE OR REPLACE TEMP TABLE rfm AS
WITH kept AS (
    SELECT CustomerID AS customer, InvoiceNo AS invoice, InvoiceDate AS ts,
           Quantity * UnitPrice AS amount
    FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                  timestampformat = $date_format,
                  columns = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR',
                             'Quantity': 'DOUBLE', 'InvoiceDate': 'TIMESTAMP', 'UnitPrice': 'DOUBLE',
                             'CustomerID': 'DOUBLE', 'Country': 'VARCHAR'})
    WHERE CustomerID IS NOT NULL
      AND InvoiceDate IS NOT NULL AND Quantity IS NOT NULL AND UnitPrice IS NOT NULL
      AND CAST(InvoiceDate AS DATE) BETWEEN DATE '1990-01-01' AND DATE '2100-12-31'
      AND NOT regexp_matches(COALESCE(InvoiceNo, ''), '^[Cc][0-9]+$')
      AND Quantity >= 0
      AND UnitPrice > 0
),
purchases AS (
    SELECT customer, min(ts) AS ts, sum(amount) AS amount
    FROM kept
    GROUP BY customer, invoice
),
reference AS (
    SELECT CAST(max(ts) AS DATE) + 1 AS day FROM purchases
)
SELECT customer,
       date_diff('day', max(CAST(ts AS DATE)), (SELECT day FROM reference)) AS recency_days,
       count(*) AS frequency,
       sum(amount) AS monetary
FROM purchases
GROUP BY customer
"""


def date_format_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        f.readline()
        line = f.readline()
    # InvoiceDate is the 5th field; the 3rd (Description) may be quoted with
    # commas, so look at the shape of any field instead of its position.
    if any(len(part) >= 10 and part[4] == "-" and part[:4].isdigit() for part in line.split(",")):
        return "%Y-%m-%d %H:%M:%S"
    return "%m/%d/%Y %H:%M"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--date-format", help="strptime format of InvoiceDate (default: from the first data line)")
    parser.add_argument("--full", action="store_true", help="run sql/duckdb.sql (duplicate rule included) instead")
    args = parser.parse_args()

    path = str(pathlib.Path(args.csv).resolve())
    date_format = args.date_format or date_format_of(path)
    connection = duckdb.connect()
    connection.execute(f"SET threads = {int(args.threads)}")
    started = time.perf_counter()
    if args.full:
        sql = (ROOT / "sql" / "duckdb.sql").read_text().replace("'transactions.csv'", "$path").strip().rstrip(";")
        connection.execute(f"CREATE OR REPLACE TEMP TABLE rfm AS {sql}", {"path": path})
    else:
        connection.execute(LEAN, {"path": path, "date_format": date_format})
    customers = connection.execute("SELECT count(*) FROM rfm").fetchone()[0]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 4), "customers": customers, "threads": args.threads,
                      "date_format": None if args.full else date_format, "duckdb": duckdb.__version__,
                      "query": "full" if args.full else "lean"}))


if __name__ == "__main__":
    main()
