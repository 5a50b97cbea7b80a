#!/usr/bin/env python3
"""Runs the warehouse RFM query on a CSV file with DuckDB and writes the RFM
table as CSV:

    python tests/reference/run_duckdb_sql.py --csv public/sample.csv --out out.csv
    python tests/reference/run_duckdb_sql.py --dialect bigquery --csv ... --out ...

--dialect duckdb runs sql/duckdb.sql, whose 'transactions.csv' is pointed at
--csv. --dialect bigquery runs sql/bigquery.sql translated to DuckDB by
sqlglot (warehouse.bigquery_to_duckdb) on a view `transactions` of --csv, all
columns text, as a BigQuery table loaded from the CSV would hold them: the
proxy for BigQuery, which cannot run here.
"""

import argparse
import pathlib

import duckdb

from warehouse import ROOT, bigquery_to_duckdb, write_rfm_csv


def quoted(path):
    return "'" + str(pathlib.Path(path).resolve()).replace("'", "''") + "'"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--dialect", choices=["duckdb", "bigquery"], default="duckdb")
    args = parser.parse_args()

    con = duckdb.connect()
    # One thread: row_number() OVER () then follows file order exactly.
    con.execute("SET threads = 1")
    if args.dialect == "duckdb":
        sql = (ROOT / "sql" / "duckdb.sql").read_text()
        if "'transactions.csv'" not in sql:
            raise SystemExit("sql/duckdb.sql no longer reads 'transactions.csv'")
        query = sql.replace("'transactions.csv'", quoted(args.csv)).strip().rstrip(";")
    else:
        con.execute(
            "CREATE VIEW transactions AS SELECT * FROM "
            f"read_csv({quoted(args.csv)}, header = true, all_varchar = true)"
        )
        query = bigquery_to_duckdb((ROOT / "sql" / "bigquery.sql").read_text()).strip().rstrip(";")
    write_rfm_csv(con.execute(query).fetchall(), args.out)


if __name__ == "__main__":
    main()
