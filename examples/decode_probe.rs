//! Times encoding and decoding a finished analysis (postcard, as the worker
//! posts it to the page), whole and field by field:
//!     cargo run --release --example decode_probe -- path/to/transactions.csv

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use std::time::Instant;

fn time<T: serde::Serialize + serde::de::DeserializeOwned>(name: &str, value: &T) {
    let t = Instant::now();
    let bytes = postcard::to_allocvec(value).unwrap();
    let encode = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    for _ in 0..5 {
        let _v: T = postcard::from_bytes(&bytes).unwrap();
    }
    println!(
        "{name:12} {:>10} bytes  encode {encode:.1} ms, decode {:.1} ms",
        bytes.len(),
        t.elapsed().as_secs_f64() * 1e3 / 5.0
    );
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: decode_probe <file.csv>");
    let bytes = std::fs::read(&path).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let a = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    time("all", &a);
    time("rfm", &a.rfm);
    time("scores", &a.scores);
    time("segments", &a.segments);
    time("features", &a.features);
    time("sweep", &a.sweep);
    time("profiles", &a.profiles);
    time("cohorts", &a.cohorts);
    time("monthly", &outcome.ledger.monthly);
}
