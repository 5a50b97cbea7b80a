//! Importing an RFM table gives the same analysis as the transactions it
//! came from: the DuckDB SQL's output on the sample (tests/fixtures/
//! sql_duckdb_sample.csv) and Segmento's own customers export.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, analyze_table, Analysis, AnalysisSettings};
use segmento::engine::rfm_import::{import_rfm_bytes, looks_like_rfm_table, RfmImportSettings};
use std::collections::HashMap;

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn full_analysis() -> Analysis {
    let outcome = ingest_bytes(&read("public/sample.csv"), IngestSettings::default()).unwrap();
    analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap()
}

fn imported_analysis(bytes: &[u8]) -> Analysis {
    assert!(looks_like_rfm_table(bytes));
    let outcome = import_rfm_bytes(bytes, &RfmImportSettings::default()).unwrap();
    analyze_table(outcome.table, &AnalysisSettings::default(), &mut |_, _| {}).unwrap()
}

/// Customer id → (recency, frequency, monetary, segment, cluster).
fn by_customer(a: &Analysis) -> HashMap<String, (i64, u32, f64, String, usize)> {
    a.rfm
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                r.customer_id.clone(),
                (
                    r.recency_days,
                    r.frequency,
                    r.monetary,
                    a.segments[i].clone(),
                    a.cluster_of(i),
                ),
            )
        })
        .collect()
}

/// Same RFM, segments, k and clusters (cluster numbers may be permuted, but
/// the partition and the cluster names must agree).
fn assert_same_analysis(full: &Analysis, imported: &Analysis) {
    assert_eq!(imported.overview.customers, full.overview.customers);
    assert_eq!(
        imported.overview.reference_date,
        full.overview.reference_date
    );
    assert_eq!(imported.overview.purchases, full.overview.purchases);
    assert!((imported.overview.revenue - full.overview.revenue).abs() < 0.01 * 200.0);
    assert_eq!(imported.chosen_k, full.chosen_k);
    let full_rows = by_customer(full);
    let imported_rows = by_customer(imported);
    let mut cluster_map: HashMap<usize, usize> = HashMap::new();
    for (id, f) in &full_rows {
        let i = &imported_rows[id];
        assert_eq!((i.0, i.1), (f.0, f.1), "{id}");
        assert!((i.2 - f.2).abs() <= 0.01, "{id}: {} vs {}", i.2, f.2);
        assert_eq!(i.3, f.3, "{id} segment");
        let mapped = *cluster_map.entry(f.4).or_insert(i.4);
        assert_eq!(mapped, i.4, "{id}: the partitions differ");
        assert_eq!(
            imported.profiles[i.4].name, full.profiles[f.4].name,
            "{id} cluster name"
        );
    }
}

#[test]
fn duckdb_output_imports_to_the_same_analysis() {
    let full = full_analysis();
    let imported = imported_analysis(&read("tests/fixtures/sql_duckdb_sample.csv"));
    assert_same_analysis(&full, &imported);
    assert!(imported
        .overview
        .definitions
        .starts_with("imported RFM table"));
    // No transactions: the span is what the recencies show (the oldest
    // *last* purchase stands in for the first purchase).
    let max_recency = imported.rfm.rows.iter().map(|r| r.recency_days).max();
    assert_eq!(max_recency, Some(365));
    assert_eq!(imported.overview.first_purchase, "2010-12-10");
    assert_eq!(imported.overview.last_purchase, full.overview.last_purchase);
}

#[test]
fn our_own_export_re_imports() {
    let full = full_analysis();
    let export = full.customers_csv();
    let imported = imported_analysis(&export);
    assert_same_analysis(&full, &imported);
    // The model of an import keeps working on transactions.
    let model = imported.model().unwrap();
    assert_eq!(model.trained_on.customers, full.overview.customers);
}

#[test]
fn cohorts_come_with_transactions_only() {
    use segmento::views::chart_inputs::cohort_heatmap;
    let full = full_analysis();
    let cohorts = full.cohorts.as_ref().unwrap();
    // The sample runs from December 2010 to December 2011.
    assert_eq!(cohorts.months.first().map(String::as_str), Some("2010-12"));
    assert_eq!(cohorts.months.last().map(String::as_str), Some("2011-12"));
    assert_eq!(cohorts.months.len(), 13);
    assert_eq!(cohorts.sizes.iter().sum::<usize>(), full.overview.customers);
    for (size, row) in cohorts.sizes.iter().zip(&cohorts.retention) {
        if *size > 0 {
            assert_eq!(row[0], Some(1.0));
        }
    }
    // The last cohort can only be observed in its own month.
    assert!(cohorts.retention[12][1..].iter().all(Option::is_none));
    assert!(cohort_heatmap(&full).is_some());

    let imported = imported_analysis(&read("tests/fixtures/sql_duckdb_sample.csv"));
    assert_eq!(imported.cohorts, None);
    assert_eq!(cohort_heatmap(&imported), None);
    // Analyses saved before cohorts existed still load.
    let mut json: serde_json::Value = serde_json::to_value(&imported).unwrap();
    json.as_object_mut().unwrap().remove("cohorts");
    let loaded: Analysis = serde_json::from_value(json).unwrap();
    assert_eq!(loaded.cohorts, None);
}
