"""What the warehouse checks share: the RFM table's CSV form, BigQuery's
dialect run through DuckDB (there is no BigQuery here), and the comparison of
an engine's labels with the app's ("Apply a saved model").

Used by check_sql.py (DuckDB and the BigQuery proxy) and run_spark_checks.py
(Spark). Nothing here decides what is right: the expected labels are the
app's, written by `cargo run --example labelling_bundle`.
"""

import csv
import json
import pathlib


ROOT = pathlib.Path(__file__).resolve().parents[2]
RFM_HEADER = ["customer_id", "recency_days", "frequency", "monetary", "country", "reference_date"]
LABEL_COLUMNS = ["r_score", "f_score", "m_score", "rfm_segment", "cluster", "cluster_name"]
BIGQUERY_TABLES = {
    "`my_project.my_dataset.transactions`": "transactions",
    "`my_project.my_dataset.rfm_table`": "rfm_table",
}


def write_rfm_csv(rows, path):
    """Rows of (customer_id, recency_days, frequency, monetary, country,
    reference_date) as the fixtures store them: dates as YYYY-MM-DD,
    monetary as Python writes a float."""
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(RFM_HEADER)
        for customer, recency, frequency, monetary, country, reference in rows:
            writer.writerow([
                customer,
                int(recency),
                int(frequency),
                repr(float(monetary)),
                "" if country is None else country,
                str(reference)[:10],
            ])


def bigquery_to_duckdb(sql):
    """BigQuery's SQL in DuckDB's dialect, by sqlglot. Two shims, both for
    things sqlglot 30 leaves as BigQuery wrote them: the placeholder table
    names become local views, and `SAFE.` parse calls (NULL instead of an
    error) become DuckDB's TRY_STRPTIME."""
    import sqlglot

    for name, local in BIGQUERY_TABLES.items():
        sql = sql.replace(name, local)
    out = sqlglot.transpile(sql, read="bigquery", write="duckdb")
    if len(out) != 1:
        raise SystemExit(f"expected one statement from BigQuery's SQL, got {len(out)}")
    return out[0].replace("SAFE.STRPTIME(", "TRY_STRPTIME(")


def load_bundle(bundle):
    """The app's labels by customer id, and the labelling SQL per dialect."""
    bundle = pathlib.Path(bundle)
    app = {}
    for a in json.loads((bundle / "labels_app.json").read_text()):
        app[a["customer_id"]] = (
            a["scores"][0], a["scores"][1], a["scores"][2], a["segment"], a["cluster"], a["cluster_name"]
        )
    sql = {d: (bundle / f"labelling_{d}.sql").read_text() for d in ("duckdb", "spark", "bigquery")}
    return app, sql


def hostile_names_used(app):
    """How many customers carry a name with a quote, a backslash or a line
    break (labelling_bundle plants them): the escaping is only tested if some do."""
    return sum(
        1 for labels in app.values() if any(c in labels[3] + labels[5] for c in "'\\\n")
    )


def compare_labels(engine, app, rows):
    """rows: (customer_id, r_score, f_score, m_score, rfm_segment, cluster,
    cluster_name). Returns the differences in words (empty when all agree)."""
    problems = []
    seen = {}
    for row in rows:
        customer = str(row[0])
        got = (int(row[1]), int(row[2]), int(row[3]), row[4], int(row[5]), row[6])
        if customer in seen:
            problems.append(f"{engine}: customer {customer!r} appears twice")
        seen[customer] = got
    if set(seen) != set(app):
        problems.append(
            f"{engine}: customers differ (only in the engine: {sorted(set(seen) - set(app))[:5]}, "
            f"only in the app: {sorted(set(app) - set(seen))[:5]})"
        )
    for customer, expected in app.items():
        got = seen.get(customer)
        if got is not None and got != expected:
            problems.append(f"{engine}: customer {customer!r}: engine {got} app {expected}")
    return problems


# Rows with a missing value: every label must be NULL (the header's promise).
MISSING_VALUE_ROWS = [("no-recency", None, 3, 10.0), ("no-frequency", 5, None, 10.0), ("no-monetary", 5, 3, None)]


def unlabelled_problems(engine, rows):
    """rows: (customer_id, r_score, f_score, m_score, rfm_segment, cluster,
    cluster_name) of the MISSING_VALUE_ROWS customers."""
    problems = []
    if sorted(r[0] for r in rows) != sorted(m[0] for m in MISSING_VALUE_ROWS):
        problems.append(f"{engine}: rows with a missing value were not all returned: {rows}")
    for row in rows:
        labels = row[4:]  # segment, cluster and its name; a present value's score may stay
        if any(v is not None for v in labels):
            problems.append(f"{engine}: {row[0]} has a missing value but got labels {row}")
    return problems


def rfm_table_sql_for_duckdb(rfm_csv):
    """A DuckDB view of the bundle's rfm.csv with the warehouse's types."""
    literal = "'" + str(pathlib.Path(rfm_csv).resolve()).replace("'", "''") + "'"
    return (
        "CREATE OR REPLACE VIEW rfm_table AS SELECT * FROM read_csv("
        f"{literal}, header = true, delim = ',', quote = '\"', escape = '\"', columns = {{'customer_id': 'VARCHAR', 'recency_days': 'BIGINT', "
        "'frequency': 'BIGINT', 'monetary': 'DOUBLE'})"
    )
