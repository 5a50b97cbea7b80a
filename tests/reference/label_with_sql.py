#!/usr/bin/env python3
"""Runs a labelling SQL file downloaded from the studio on the studio's own
customers CSV (its RFM columns renamed to the warehouse's), with DuckDB, or
for BigQuery's through sqlglot into DuckDB; prints one JSON object: customer
id → [rfm_segment, cluster, cluster_name]. Used by the E2E suite
(tests/e2e/warehouse.test.mjs), which compares it with the CSV's own labels.

    python label_with_sql.py --sql sample-labelling-duckdb.sql --dialect duckdb --customers sample-segments.csv
"""

import argparse
import json
import pathlib

import duckdb

from warehouse import bigquery_to_duckdb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sql", required=True)
    parser.add_argument("--dialect", choices=["duckdb", "bigquery"], required=True)
    parser.add_argument("--customers", required=True)
    args = parser.parse_args()
    query = pathlib.Path(args.sql).read_text()
    if args.dialect == "bigquery":
        query = bigquery_to_duckdb(query)
    con = duckdb.connect()
    literal = "'" + str(pathlib.Path(args.customers).resolve()).replace("'", "''") + "'"
    con.execute(f"CREATE TABLE export AS SELECT * FROM read_csv({literal}, header = true, all_varchar = true)")
    recency = [c for (c,) in con.execute("SELECT name FROM pragma_table_info('export')").fetchall() if c.startswith("recency_days_to_")]
    if len(recency) != 1:
        raise SystemExit(f"the customers CSV has no single recency_days_to_ column: {recency}")
    con.execute(
        "CREATE VIEW rfm_table AS SELECT customer_id, "
        f'CAST("{recency[0]}" AS BIGINT) AS recency_days, CAST(frequency_invoices AS BIGINT) AS frequency, '
        "CAST(monetary_total AS DOUBLE) AS monetary FROM export"
    )
    rows = con.execute(f"SELECT customer_id, rfm_segment, cluster, cluster_name FROM ({query.strip().rstrip(';')})").fetchall()
    print(json.dumps({r[0]: [r[1], r[2], r[3]] for r in rows}))


if __name__ == "__main__":
    main()
