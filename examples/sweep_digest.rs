//! Prints each k of the default sweep on a file, every figure to the last
//! bit (`engine::clustering::sweep_digest`), to check that a speed-up
//! changed no result, and that the WebAssembly build agrees with this one
//! (`scripts/check_simd.sh`):
//!     cargo run --release --example sweep_digest -- file.csv > before.txt

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clustering::sweep_digest;
use segmento::engine::ingest::{IngestSettings, Ingestor};
use segmento::engine::pipeline::{analyze, AnalysisSettings};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: sweep_digest <file.csv>")?;
    let bytes = std::fs::read(&path)?;
    let mut ingestor = Ingestor::new(IngestSettings::default());
    for chunk in bytes.chunks(4 << 20) {
        ingestor.push(chunk)?;
    }
    let outcome = ingestor.finish()?;
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )?;
    println!("{}", sweep_digest(&analysis.sweep));
    Ok(())
}
