//! Times each stage of the engine natively on a CSV file (ingest, RFM,
//! clustering per k, silhouette), to see where the time goes:
//!     cargo run --release --example stage_timing -- path/to/transactions.csv

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clustering::{self, KMeansSettings, Point};
use segmento::engine::features::{raw_features, Scaler};
use segmento::engine::ingest::{IngestSettings, Ingestor};
use segmento::engine::rfm::{self, RfmSettings};
use std::io::Read;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: stage_timing <file.csv>")?;
    let t = Instant::now();
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
    let outcome = ingestor.finish()?;
    println!(
        "ingest      {:>8.3} s ({} rows)",
        t.elapsed().as_secs_f64(),
        outcome.report.rows_read
    );
    let t = Instant::now();
    let prepared = segmento::engine::pipeline::prepare(
        &outcome.ledger,
        &segmento::engine::pipeline::AnalysisSettings::default(),
    )?;
    println!(
        "prepare     {:>8.3} s (RFM, scores, segments, features, cohorts)",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    prepared.sweep_ks()?;
    println!(
        "sweep ks    {:>8.3} s (distinct points)",
        t.elapsed().as_secs_f64()
    );
    drop(prepared);
    let t = Instant::now();
    let table = rfm::compute(&outcome.ledger, &RfmSettings::default())?;
    let raw: Vec<Point> = table.rows.iter().map(raw_features).collect();
    let scaler = Scaler::fit(&raw);
    let features: Vec<Point> = raw.iter().map(|p| scaler.transform(p)).collect();
    println!(
        "rfm+scale   {:>8.3} s ({} customers)",
        t.elapsed().as_secs_f64(),
        features.len()
    );
    let settings = KMeansSettings::default();
    let all = Instant::now();
    for k in 2..=10 {
        let t = Instant::now();
        clustering::kmeans_fit(&features, k, &settings)?;
        println!("fit k={k:<2}    {:>8.3} s", t.elapsed().as_secs_f64());
    }
    println!("all fits    {:>8.3} s", all.elapsed().as_secs_f64());
    let t = Instant::now();
    clustering::sweep(&features, 2, 10, &settings, &mut |_, _| {})?;
    println!(
        "sweep       {:>8.3} s (fits + silhouettes)",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
