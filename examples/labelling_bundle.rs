//! Writes what the labelling-SQL checks run in DuckDB, Spark and (through
//! sqlglot) BigQuery's dialect, from the app's own analysis of a CSV:
//!     cargo run --example labelling_bundle -- public/sample.csv OUTDIR [k]
//! OUTDIR/rfm.csv            the app's RFM table (customer_id, recency_days,
//!                           frequency, monetary at full precision)
//! OUTDIR/model.json         the model, with segment and cluster names that
//!                           hold quotes, backslashes and line breaks
//! OUTDIR/labels_app.json    "Apply a saved model" on the same file
//! OUTDIR/labelling_<dialect>.sql  the downloads the studio offers
//! tests/reference/check_labelling.py compares the engines' labels with the app's.

// A tool run by the test scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::csv_cells::write_row;
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::model_sql::{labelling_sql, SqlDialect};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use segmento::engine::rfm;
use std::path::PathBuf;

/// Names a warehouse must keep intact: SQL quotes of every dialect, an
/// escape character, a line break, a tab and text that would end a query.
const HOSTILE_NAMES: [&str; 4] = [
    "Can't Lose Them \"VIP\"",
    "Lost'); DROP TABLE rfm_table; --",
    "Back\\slash \\' and\nnew line",
    "Tab\there, ünïcödé ✓",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let csv = args.next().expect("usage: labelling_bundle CSV OUTDIR [k]");
    let out = PathBuf::from(args.next().expect("usage: labelling_bundle CSV OUTDIR [k]"));
    let k = args.next().map_or(4, |k| k.parse().expect("k is a number"));
    std::fs::create_dir_all(&out).unwrap();

    let bytes = std::fs::read(&csv).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let mut settings = AnalysisSettings {
        chosen_k: Some(k),
        ..Default::default()
    };
    settings.grid.names[0][4] = HOSTILE_NAMES[0].into();
    settings.grid.names[0][0] = HOSTILE_NAMES[1].into();
    settings.grid.names[4][4] = HOSTILE_NAMES[2].into();
    let analysis = analyze(&outcome.ledger, &settings, &mut |_, _| {}).unwrap();
    let mut model = analysis.model().expect("a clustering");
    model.cluster_names[0] = HOSTILE_NAMES[2].into();
    model.cluster_names[1] = HOSTILE_NAMES[3].into();

    let table = rfm::compute(&outcome.ledger, &model.rfm_settings).unwrap();
    let mut rfm_csv = b"customer_id,recency_days,frequency,monetary\r\n".to_vec();
    for row in &table.rows {
        // `{}` writes the shortest text that reads back as the same double.
        write_row(
            &mut rfm_csv,
            [
                row.customer_id.clone(),
                row.recency_days.to_string(),
                row.frequency.to_string(),
                format!("{}", row.monetary),
            ]
            .into_iter(),
        )
        .unwrap();
    }
    std::fs::write(out.join("rfm.csv"), rfm_csv).unwrap();
    std::fs::write(out.join("model.json"), model.to_json()).unwrap();
    let labels = model.apply(&outcome.ledger).unwrap();
    std::fs::write(
        out.join("labels_app.json"),
        serde_json::to_string(&labels).unwrap(),
    )
    .unwrap();
    for dialect in SqlDialect::ALL {
        std::fs::write(
            out.join(format!("labelling_{}.sql", dialect.slug())),
            labelling_sql(&model, dialect),
        )
        .unwrap();
    }
    let clusters: std::collections::BTreeSet<usize> = labels.iter().map(|a| a.cluster).collect();
    let segments: std::collections::BTreeSet<&str> =
        labels.iter().map(|a| a.segment.as_str()).collect();
    println!(
        "{}: {} customers, {} clusters used, {} segments used",
        out.display(),
        labels.len(),
        clusters.len(),
        segments.len()
    );
}
