#!/usr/bin/env python3
"""Every Spark check, in one local Spark session (its start is the slow part):

1. sql/spark.sql on the sample and the edge cases, with ANSI mode off (Spark
   3's default) and on (Spark 4's and Databricks' default): both must give the
   same table, written to OUT/sql_spark_<name>.csv for check_spark.sh to diff
   against tests/fixtures (tests/sql_reference.rs compares those with the app,
   customer by customer). Also the sample as of 2011-09-01 (a fixed reference
   date) through the job's --reference-date.
2. The PySpark job sql/spark_rfm.py through its command line (main), in this
   session: CSV in, CSV out; the sample as Parquet in, Parquet out. Both must
   equal step 1's table, row for row and in order.
3. The model's Spark labelling SQL (the studio's download, from
   `cargo run --example labelling_bundle`) on the app's RFM table, ANSI off and
   on: every customer's scores, segment and cluster must be the app's.

    python run_spark_checks.py --bundle DIR --out DIR
"""

import argparse
import csv
import pathlib
import shutil
import sys
import time

from warehouse import (
    MISSING_VALUE_ROWS,
    ROOT,
    compare_labels,
    hostile_names_used,
    load_bundle,
    unlabelled_problems,
    write_rfm_csv,
)

sys.path.insert(0, str(ROOT / "sql"))
import spark_rfm  # noqa: E402  (sql/spark_rfm.py, the job under test)

FILES = {"sample": ROOT / "public" / "sample.csv", "edge_cases": ROOT / "tests" / "fixtures" / "sql_edge_cases.csv"}
AS_OF = "2011-09-01"


def session():
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("segmento-checks")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def plain(rows):
    return [tuple(r) for r in rows]


def read_csv_rows(path):
    """The job's CSV read back as text cells, in file order."""
    with open(path, newline="") as f:
        return [tuple(r) for r in csv.reader(f)]


def as_text(rows):
    """Rows as the job's CSV writer writes them (header first)."""
    header = ("customer_id", "recency_days", "frequency", "monetary", "country", "reference_date")
    return [header] + [
        (r[0], str(r[1]), str(r[2]), str(r[3]), "" if r[4] is None else r[4], str(r[5])) for r in rows
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    problems = []
    started = time.time()
    spark = session()
    print(f"[spark] {spark.version}, local[2], session started in {time.time() - started:.1f} s")
    sql_text = (ROOT / "sql" / "spark.sql").read_text()

    # 1. The query, ANSI off and on.
    tables = {}
    for name, path in FILES.items():
        results = {}
        for ansi in ("false", "true"):
            spark.conf.set("spark.sql.ansi.enabled", ansi)
            results[ansi] = plain(spark_rfm.rfm_table(spark, str(path), "csv", sql_text).collect())
        if results["false"] != results["true"]:
            problems.append(f"{name}: ANSI mode changes the table")
        tables[name] = results["false"]
        write_rfm_csv(tables[name], out / f"sql_spark_{name}.csv")
        print(f"[spark] spark.sql on {name}: {len(tables[name])} customers")

    # 2. The job's command line, in this session.
    spark.conf.set("spark.sql.ansi.enabled", "false")
    job_csv = work / "job_csv"
    spark_rfm.main(["--input", str(FILES["sample"]), "--format", "csv", "--output", str(job_csv)])
    if read_csv_rows(job_csv / "rfm.csv") != as_text(tables["sample"]):
        problems.append("the job's CSV differs from spark.sql's table")
    parquet_in = work / "sample_parquet"
    spark_rfm.read_transactions(spark, str(FILES["sample"]), "csv").repartition(3).write.mode("overwrite").parquet(
        str(parquet_in)
    )
    # repartition(3) scatters the lines; their file order is lost, as in a
    # real lake. Compare as sets, order aside (sql/README.md, line order).
    job_parquet = work / "job_parquet"
    spark_rfm.main(
        ["--input", str(parquet_in), "--format", "parquet", "--output", str(job_parquet), "--output-format", "parquet"]
    )
    from_parquet = plain(spark.read.parquet(str(job_parquet)).collect())
    if sorted(r[:4] for r in from_parquet) != sorted(r[:4] for r in tables["sample"]):
        problems.append("the job on Parquet gives other R, F, M than on CSV")
    print(f"[spark] job: CSV → {job_csv / 'rfm.csv'}, Parquet → {len(from_parquet)} customers")
    as_of = work / "job_as_of"
    spark_rfm.main(["--input", str(FILES["sample"]), "--output", str(as_of), "--reference-date", AS_OF])
    shutil.copy(as_of / "rfm.csv", out / "sql_spark_sample_as_of.csv")

    # 3. The labelling SQL.
    app, sql = load_bundle(args.bundle)
    if hostile_names_used(app) == 0:
        problems.append("no customer carries one of the planted names with quotes: the escaping is not tested")
    schema = "customer_id STRING, recency_days BIGINT, frequency BIGINT, monetary DOUBLE"
    rfm = spark.read.csv(str(pathlib.Path(args.bundle) / "rfm.csv"), header=True, schema=schema, escape='"')
    rfm.createOrReplaceTempView("rfm_table")
    for ansi in ("false", "true"):
        spark.conf.set("spark.sql.ansi.enabled", ansi)
        labelled = spark.sql(sql["spark"].strip().rstrip(";")).select(
            "customer_id", "r_score", "f_score", "m_score", "rfm_segment", "cluster", "cluster_name"
        )
        rows = plain(labelled.collect())
        found = compare_labels(f"spark (ansi {ansi})", app, rows)
        print(f"[spark] labelling SQL, ANSI {ansi}: {len(rows)} customers, {len(found)} differences")
        problems += found
    spark.createDataFrame(MISSING_VALUE_ROWS, schema).createOrReplaceTempView("rfm_table")
    for ansi in ("false", "true"):
        spark.conf.set("spark.sql.ansi.enabled", ansi)
        rows = plain(
            spark.sql(sql["spark"].strip().rstrip(";"))
            .select("customer_id", "r_score", "f_score", "m_score", "rfm_segment", "cluster", "cluster_name")
            .collect()
        )
        problems += unlabelled_problems(f"spark (ansi {ansi})", rows)

    spark.stop()
    print(f"[spark] all checks in {time.time() - started:.1f} s")
    for p in problems[:20]:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
