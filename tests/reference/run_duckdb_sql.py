#!/usr/bin/env python3
"""Runs sql/duckdb.sql on a CSV file and writes the RFM table as CSV.

    python tests/reference/run_duckdb_sql.py --csv public/sample.csv --out out.csv

The SQL reads 'transactions.csv'; this points it at --csv instead.
"""

import argparse
import pathlib

import duckdb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    sql_path = pathlib.Path(__file__).resolve().parents[2] / "sql" / "duckdb.sql"
    sql = sql_path.read_text()
    if "'transactions.csv'" not in sql:
        raise SystemExit("sql/duckdb.sql no longer reads 'transactions.csv'")
    csv_literal = "'" + str(pathlib.Path(args.csv).resolve()).replace("'", "''") + "'"
    query = sql.replace("'transactions.csv'", csv_literal).strip().rstrip(";")
    out_literal = "'" + str(pathlib.Path(args.out).resolve()).replace("'", "''") + "'"

    con = duckdb.connect()
    # One thread: row_number() OVER () then follows file order exactly.
    con.execute("SET threads = 1")
    con.execute(f"COPY ({query}) TO {out_literal} (HEADER, DELIMITER ',')")


if __name__ == "__main__":
    main()
