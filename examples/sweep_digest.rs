//! Prints each k of the default sweep on a file (inertia, silhouette and a
//! digest of the labels), to check that a speed-up changed no result:
//!     cargo run --release --example sweep_digest -- file.csv > before.txt
//! (`SILHOUETTES=1 bench/wasm_probe.sh file.csv` prints the WebAssembly
//! build's silhouettes in the same form.)

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

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
    for c in &analysis.sweep {
        let digest = c
            .labels
            .iter()
            .fold(0u64, |h, &l| h.wrapping_mul(31).wrapping_add(u64::from(l)));
        println!(
            "k {} inertia {:.9} labels {digest:x} silhouette {:.17e}",
            c.k, c.inertia, c.silhouette
        );
    }
    Ok(())
}
