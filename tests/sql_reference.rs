//! sql/duckdb.sql against the engine: the DuckDB outputs committed under
//! tests/fixtures/sql_duckdb_*.csv (regenerated and diffed by
//! tests/reference/check_sql.sh) must equal the engine's RFM table customer
//! by customer, so the warehouse SQL and the app agree on the definitions.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::rfm::{self, RfmRow, RfmSettings};
use std::collections::BTreeMap;

struct SqlRow {
    recency_days: i64,
    frequency: u32,
    monetary: f64,
    country: String,
    reference_date: String,
}

/// Customer ids in file order, and the rows by id.
fn read_sql_output(name: &str) -> (Vec<String>, BTreeMap<String, SqlRow>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text =
        std::fs::read_to_string(format!("{root}/tests/fixtures/sql_duckdb_{name}.csv")).unwrap();
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
fn engine_rfm(csv: &str) -> (String, Vec<String>, BTreeMap<String, RfmRow>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let bytes = std::fs::read(format!("{root}/{csv}")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let table = rfm::compute(&outcome.ledger, &RfmSettings::default()).unwrap();
    let order = table.rows.iter().map(|r| r.customer_id.clone()).collect();
    let rows = table
        .rows
        .into_iter()
        .map(|r| (r.customer_id.clone(), r))
        .collect();
    (table.reference_date.to_string(), order, rows)
}

fn assert_same(csv: &str, fixture: &str) {
    let (sql_order, sql) = read_sql_output(fixture);
    let (reference_date, engine_order, engine) = engine_rfm(csv);
    // Same order too: k-means seeding depends on it (see sql/README.md).
    assert_eq!(
        sql_order, engine_order,
        "customers in order of first appearance"
    );
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
    assert_same("public/sample.csv", "sample");
}

#[test]
fn duckdb_sql_matches_the_engine_on_the_edge_cases() {
    assert_same("tests/fixtures/sql_edge_cases.csv", "edge_cases");
}
