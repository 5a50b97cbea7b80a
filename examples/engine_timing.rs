//! Times the engine natively on a CSV file, streaming it in 4 MiB chunks like
//! the browser worker does:
//!     cargo run --release --example engine_timing -- path/to/transactions.csv

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
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )?;
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
    Ok(())
}
