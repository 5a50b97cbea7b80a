#!/usr/bin/env python3
"""Writes the Parquet fixtures with DuckDB (as a warehouse would export them):

    tests/fixtures/rfm_table.parquet       the DuckDB RFM table of the sample
                                           (sql_duckdb_sample.csv), typed: ids
                                           as text, days and counts as BIGINT,
                                           monetary DOUBLE, reference date DATE;
                                           Snappy (DuckDB's default)
    tests/fixtures/rfm_table_gzip.parquet  the same, gzip, two row groups
    tests/fixtures/rfm_table_zstd.parquet  the same, zstd (the page refuses it
                                           with a message)
    tests/fixtures/nested.parquet          a list column (refused with its name)
    tests/fixtures/transactions_sample.parquet  public/sample.csv, every column
                                           text: opens like the CSV

    python tests/reference/make_parquet.py      (from .tools/duckvenv)
"""

import pathlib

import duckdb

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def main():
    con = duckdb.connect()
    con.execute("SET threads = 1")
    rfm = FIXTURES / "sql_duckdb_sample.csv"
    con.execute(
        f"CREATE TABLE rfm AS SELECT * FROM read_csv('{rfm}', header = true, columns = {{"
        "'customer_id': 'VARCHAR', 'recency_days': 'BIGINT', 'frequency': 'BIGINT', "
        "'monetary': 'DOUBLE', 'country': 'VARCHAR', 'reference_date': 'DATE'})"
    )
    con.execute(f"COPY rfm TO '{FIXTURES / 'rfm_table.parquet'}' (FORMAT parquet)")
    con.execute(
        f"COPY rfm TO '{FIXTURES / 'rfm_table_gzip.parquet'}' (FORMAT parquet, COMPRESSION gzip, ROW_GROUP_SIZE 100)"
    )
    con.execute(f"COPY rfm TO '{FIXTURES / 'rfm_table_zstd.parquet'}' (FORMAT parquet, COMPRESSION zstd)")
    con.execute(
        f"COPY (SELECT customer_id, [recency_days, frequency] AS both_counts FROM rfm) "
        f"TO '{FIXTURES / 'nested.parquet'}' (FORMAT parquet)"
    )
    sample = ROOT / "public" / "sample.csv"
    con.execute(
        f"COPY (SELECT * FROM read_csv('{sample}', header = true, all_varchar = true)) "
        f"TO '{FIXTURES / 'transactions_sample.parquet'}' (FORMAT parquet)"
    )


if __name__ == "__main__":
    main()
