#!/usr/bin/env python3
"""Runs the model's labelling SQL (the studio's "Labelling SQL" downloads)
with DuckDB, and BigQuery's through sqlglot into DuckDB, on the app's RFM
table, and compares every customer's scores, segment and cluster with the
app's own labels ("Apply a saved model"):

    cargo run --example labelling_bundle -- public/sample.csv DIR
    python tests/reference/check_labelling.py --bundle DIR

Spark's labelling SQL is run by run_spark_checks.py, in its one session.
"""

import argparse
import pathlib
import sys

import duckdb

from warehouse import (
    MISSING_VALUE_ROWS,
    bigquery_to_duckdb,
    compare_labels,
    hostile_names_used,
    load_bundle,
    rfm_table_sql_for_duckdb,
    unlabelled_problems,
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundle", required=True)
    args = parser.parse_args()
    bundle = pathlib.Path(args.bundle)
    app, sql = load_bundle(bundle)
    problems = []
    if hostile_names_used(app) == 0:
        problems.append("no customer carries one of the planted names with quotes: the escaping is not tested")
    for engine, query in [("duckdb", sql["duckdb"]), ("bigquery via duckdb", bigquery_to_duckdb(sql["bigquery"]))]:
        con = duckdb.connect()
        con.execute(rfm_table_sql_for_duckdb(bundle / "rfm.csv"))
        rows = con.execute(
            f"SELECT customer_id, r_score, f_score, m_score, rfm_segment, cluster, cluster_name FROM ({query.strip().rstrip(';')})"
        ).fetchall()
        found = compare_labels(engine, app, rows)
        print(f"[labelling] {engine}: {len(rows)} customers, {len(found)} differences")
        problems += found
        con.execute("DROP VIEW rfm_table")
        con.execute("CREATE TABLE rfm_table (customer_id VARCHAR, recency_days BIGINT, frequency BIGINT, monetary DOUBLE)")
        con.executemany("INSERT INTO rfm_table VALUES (?, ?, ?, ?)", MISSING_VALUE_ROWS)
        problems += unlabelled_problems(
            engine,
            con.execute(
                f"SELECT customer_id, r_score, f_score, m_score, rfm_segment, cluster, cluster_name FROM ({query.strip().rstrip(';')})"
            ).fetchall(),
        )
    for p in problems[:20]:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
