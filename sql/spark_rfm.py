#!/usr/bin/env python3
"""Segmento's RFM table on Spark: runs sql/spark.sql on a transactions file
(CSV or Parquet, UCI Online Retail layout) and writes the table the studio
imports.

    spark-submit sql/spark_rfm.py --input transactions.csv --format csv --output out/rfm
    spark-submit sql/spark_rfm.py --input s3://bucket/tx/ --format parquet \
        --output s3://bucket/rfm --output-format parquet --reference-date 2011-12-01

--output is a folder. CSV output is one file, OUTPUT/rfm.csv (one writer, in
the customers' order of first appearance, which the studio's k-means seeding
follows); Parquet output keeps Spark's parts, in the same order by part name,
for tables too large for one file. See sql/README.md for Databricks, EMR and
Dataproc.
"""

import argparse
import datetime
import pathlib

SQL_FILE = pathlib.Path(__file__).resolve().with_name("spark.sql")
NO_REFERENCE_DATE = "CAST(NULL AS DATE) AS reference_date"


def rfm_query(sql_text, reference_date=None):
    """sql/spark.sql without its final semicolon, with params.reference_date
    fixed to a validated date when one is given."""
    query = sql_text.strip().rstrip(";")
    if reference_date is not None:
        day = datetime.date.fromisoformat(reference_date)  # refuses anything but a date
        if NO_REFERENCE_DATE not in query:
            raise SystemExit(f"{SQL_FILE.name} no longer has '{NO_REFERENCE_DATE}' in params")
        query = query.replace(NO_REFERENCE_DATE, f"DATE '{day.isoformat()}' AS reference_date")
    return query


def read_transactions(spark, path, file_format):
    if file_format == "csv":
        # RFC 4180 quoting: a quote inside a quoted field is doubled. Spark's
        # default escape is a backslash, which misreads `"""Retro"" NAPKINS"`.
        return spark.read.csv(path, header=True, inferSchema=False, escape='"', multiLine=False)
    return spark.read.parquet(path)


def rfm_table(spark, path, file_format, sql_text, reference_date=None):
    read_transactions(spark, path, file_format).createOrReplaceTempView("transactions")
    return spark.sql(rfm_query(sql_text, reference_date))


def write_table(spark, table, output, output_format):
    if output_format == "parquet":
        table.write.mode("overwrite").parquet(output)
        return output
    # One partition keeps the query's order in one file; then it is renamed
    # rfm.csv through Hadoop's file system, so this works on dbfs:, s3:, gs:.
    table.coalesce(1).write.mode("overwrite").csv(output, header=True)
    jvm = spark.sparkContext._jvm
    folder = jvm.org.apache.hadoop.fs.Path(output)
    fs = folder.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    parts = [s.getPath() for s in fs.listStatus(folder) if s.getPath().getName().startswith("part-")]
    if len(parts) != 1:
        raise SystemExit(f"expected one CSV part in {output}, found {len(parts)}")
    target = jvm.org.apache.hadoop.fs.Path(output + "/rfm.csv")
    if not fs.rename(parts[0], target):
        raise SystemExit(f"could not rename {parts[0]} to {target}")
    return str(target)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True, help="transactions: a file or a folder of parts")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv", help="of the input")
    parser.add_argument("--output", required=True, help="a folder (replaced)")
    parser.add_argument("--output-format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--reference-date", help="YYYY-MM-DD; default: the day after the last purchase")
    parser.add_argument("--sql", default=str(SQL_FILE), help="the query (default: spark.sql beside this file)")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    # Timestamps without a zone are read in the session zone: UTC has no
    # daylight-saving gap that would drop a 02:30 purchase.
    spark = SparkSession.builder.appName("segmento-rfm").config("spark.sql.session.timeZone", "UTC").getOrCreate()
    sql_text = pathlib.Path(args.sql).read_text()
    table = rfm_table(spark, args.input, args.format, sql_text, args.reference_date)
    written = write_table(spark, table, args.output, args.output_format)
    print(f"segmento-rfm: wrote {written}")


if __name__ == "__main__":
    main()
