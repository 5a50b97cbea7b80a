//! Times the t-SNE customer map natively on a transactions file (the map's
//! default sample of 5,000 customers, perplexity 30, 1,000 iterations):
//!     python3 scripts/generate_transactions.py --rows 1000000 --seed 11 --out /tmp/clv-bench.csv
//!     cargo run --release --example tsne_timing -- /tmp/clv-bench.csv

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::embedding::{embed, EmbeddingSettings};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: tsne_timing <file.csv>")?;
    let bytes = std::fs::read(&path)?;
    let outcome = ingest_bytes(&bytes, IngestSettings::default())?;
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )?;
    let settings = EmbeddingSettings::default();
    let started = Instant::now();
    let map = embed(&analysis.features, &settings, &mut |_| {})?;
    println!(
        "{path}: {} of {} customers mapped in {:.2} s (perplexity {}, {} iterations); KL {:.3}; trustworthiness(10) {:?}",
        map.customers.len(),
        map.out_of,
        started.elapsed().as_secs_f64(),
        map.perplexity,
        settings.iterations,
        map.kl_divergence,
        map.trustworthiness,
    );
    Ok(())
}
