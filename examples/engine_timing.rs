//! Times the engine natively on a CSV file, streaming it in 4 MiB chunks like
//! the browser worker does:
//!     cargo run --release --example engine_timing -- path/to/transactions.csv [k]

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::explain::TreeSettings;
use segmento::engine::ingest::{IngestSettings, Ingestor};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use std::io::Read;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: engine_timing <file.csv>")?;
    let started = Instant::now();
    let mut file = std::fs::File::open(&path)?;
    let mut ingestor = Ingestor::new(IngestSettings::default());
    let mut chunk = vec![0u8; 4 * 1024 * 1024];
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        ingestor.push(&chunk[..n])?;
    }
    let bytes = ingestor.bytes_seen();
    let outcome = ingestor.finish()?;
    let ingest = started.elapsed();
    let settings = AnalysisSettings {
        chosen_k: std::env::args().nth(2).and_then(|k| k.parse().ok()),
        ..Default::default()
    };
    let analysis = analyze(&outcome.ledger, &settings, &mut |_, _| {})?;
    let total = started.elapsed();
    println!(
        "{path}: {} rows ({:.1} MB) → {} customers, {} purchases; ingest {:.2} s ({:.0} rows/s), analysis {:.2} s, total {:.2} s; recommended k = {}",
        outcome.report.rows_read,
        bytes as f64 / 1e6,
        analysis.overview.customers,
        analysis.overview.purchases,
        ingest.as_secs_f64(),
        outcome.report.rows_read as f64 / ingest.as_secs_f64(),
        (total - ingest).as_secs_f64(),
        total.as_secs_f64(),
        analysis.recommendation.k,
    );
    if std::env::var_os("SWEEP_ONLY").is_some() {
        let fastest = (0..3)
            .map(|_| {
                let started = Instant::now();
                segmento::engine::clustering::sweep(
                    &analysis.features,
                    2,
                    10,
                    &settings.kmeans,
                    &mut |_, _| {},
                )
                .map(|_| started.elapsed().as_secs_f64())
            })
            .collect::<Result<Vec<f64>, _>>()?
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        println!("sweep alone: {:.0} ms (fastest of 3)", fastest * 1e3);
        // The analysis' own sweep: same features and settings as the timed runs.
        for c in &analysis.sweep {
            println!(
                "k={} inertia {:.3} silhouette {:.4}",
                c.k, c.inertia, c.silhouette
            );
        }
        return Ok(());
    }
    for max_depth in [3, 6] {
        let started = Instant::now();
        let e = analysis.explain(&TreeSettings {
            max_depth,
            ..Default::default()
        })?;
        println!(
            "explain (depth {max_depth}, k = {}): {:.0} ms, {} rules, train accuracy {:.3}, holdout {:.3} ({} + {} customers)",
            analysis.chosen_k,
            started.elapsed().as_secs_f64() * 1e3,
            e.rules.len(),
            e.train_accuracy,
            e.holdout_accuracy.unwrap_or(f64::NAN),
            e.customers_used,
            e.holdout_customers,
        );
        if max_depth == 3 {
            for rule in &e.rules {
                println!("  {}  [{}]", rule.text, rule.summary);
            }
        }
    }
    Ok(())
}
