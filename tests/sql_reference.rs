//! The warehouse SQL against the engine: what the real engines wrote, committed
//! under tests/fixtures/sql_<engine>_*.csv, must equal the engine's RFM table
//! customer by customer, so the warehouse and the app agree on the
//! definitions. DuckDB runs sql/duckdb.sql and sqlglot's DuckDB translation of
//! sql/bigquery.sql (tests/reference/check_sql.sh); a local Spark runs
//! sql/spark.sql and the PySpark job (tests/reference/check_spark.sh). Both
//! scripts regenerate and diff the fixtures.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use chrono::NaiveDate;
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::rfm::{self, ReferenceDate, RfmRow, RfmSettings};
use std::collections::BTreeMap;

struct SqlRow {
    recency_days: i64,
    frequency: u32,
    monetary: f64,
    country: String,
    reference_date: String,
}

/// Customer ids in file order, and the rows by id.
fn read_sql_output(fixture: &str) -> (Vec<String>, BTreeMap<String, SqlRow>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/tests/fixtures/{fixture}.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,recency_days,frequency,monetary,country,reference_date")
    );
    let rows: Vec<(String, SqlRow)> = lines
        .map(|line| {
            assert!(
                !line.contains('"'),
                "fixture cells are never quoted: {line}"
            );
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 6, "{line}");
            (
                cells[0].to_string(),
                SqlRow {
                    recency_days: cells[1].parse().unwrap(),
                    frequency: cells[2].parse().unwrap(),
                    monetary: cells[3].parse().unwrap(),
                    country: cells[4].to_string(),
                    reference_date: cells[5].to_string(),
                },
            )
        })
        .collect();
    let order = rows.iter().map(|(id, _)| id.clone()).collect();
    (order, rows.into_iter().collect())
}

/// The reference date, customer ids in table order, and the rows by id.
fn engine_rfm(
    csv: &str,
    settings: &RfmSettings,
) -> (String, Vec<String>, BTreeMap<String, RfmRow>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let bytes = std::fs::read(format!("{root}/{csv}")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let table = rfm::compute(&outcome.ledger, settings).unwrap();
    let order = table.rows.iter().map(|r| r.customer_id.clone()).collect();
    let rows = table
        .rows
        .into_iter()
        .map(|r| (r.customer_id.clone(), r))
        .collect();
    (table.reference_date.to_string(), order, rows)
}

/// Whether the engine keeps the file's line order (BigQuery tables have none).
#[derive(PartialEq)]
enum Order {
    File,
    Any,
}

fn assert_same(csv: &str, fixture: &str, order: Order) {
    assert_same_with(csv, fixture, order, &RfmSettings::default());
}

fn assert_same_with(csv: &str, fixture: &str, order: Order, settings: &RfmSettings) {
    let (sql_order, sql) = read_sql_output(fixture);
    let (reference_date, engine_order, engine) = engine_rfm(csv, settings);
    assert!(!engine.is_empty());
    // Same order too: k-means seeding depends on it (see sql/README.md).
    if order == Order::File {
        assert_eq!(
            sql_order, engine_order,
            "customers in order of first appearance"
        );
    }
    assert_eq!(
        sql.keys().collect::<Vec<_>>(),
        engine.keys().collect::<Vec<_>>(),
        "same customers"
    );
    for (id, row) in &engine {
        let s = &sql[id];
        assert_eq!(s.reference_date, reference_date, "{id}");
        assert_eq!(s.recency_days, row.recency_days, "{id} recency");
        assert_eq!(s.frequency, row.frequency, "{id} frequency");
        assert!(
            (s.monetary - row.monetary).abs() <= 0.01 + 1e-9,
            "{id} monetary: sql {} engine {}",
            s.monetary,
            row.monetary
        );
        assert_eq!(
            s.country,
            row.country.clone().unwrap_or_default(),
            "{id} country"
        );
    }
}

#[test]
fn duckdb_sql_matches_the_engine_on_the_sample() {
    assert_same("public/sample.csv", "sql_duckdb_sample", Order::File);
}

#[test]
fn duckdb_sql_matches_the_engine_on_the_edge_cases() {
    assert_same(
        "tests/fixtures/sql_edge_cases.csv",
        "sql_duckdb_edge_cases",
        Order::File,
    );
}

#[test]
fn spark_sql_matches_the_engine_on_the_sample() {
    assert_same("public/sample.csv", "sql_spark_sample", Order::File);
}

#[test]
fn spark_sql_matches_the_engine_on_the_edge_cases() {
    assert_same(
        "tests/fixtures/sql_edge_cases.csv",
        "sql_spark_edge_cases",
        Order::File,
    );
}

#[test]
fn spark_job_with_a_fixed_reference_date_matches_the_engine() {
    let settings = RfmSettings {
        reference: ReferenceDate::Fixed(NaiveDate::from_ymd_opt(2011, 9, 1).unwrap()),
        ..RfmSettings::default()
    };
    assert_same_with(
        "public/sample.csv",
        "sql_spark_sample_as_of",
        Order::File,
        &settings,
    );
}

#[test]
fn bigquery_sql_through_duckdb_matches_the_engine_on_the_sample() {
    assert_same("public/sample.csv", "sql_bigquery_sample", Order::Any);
}

#[test]
fn bigquery_sql_through_duckdb_matches_the_engine_on_the_edge_cases() {
    assert_same(
        "tests/fixtures/sql_edge_cases.csv",
        "sql_bigquery_edge_cases",
        Order::Any,
    );
}
