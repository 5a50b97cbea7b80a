//! Times the Gaussian mixture natively at one or more k, with its quality:
//!     cargo run --release --example gmm_timing -- transactions.csv [k ...]
//!     cargo run --release --example gmm_timing -- --features points.csv [k ...]
//! A transactions file is ingested and its standardised features computed
//! (`--features-out points.csv` writes them, one `r,f,m` row per customer,
//! for a later `--features` run or another tool). Without k: 8, 9 and 10.
//! Each k prints the fit's time (the mixture on its sample; then labelling
//! everyone with the quality metrics), the mean log-likelihood and BIC over
//! all customers and the silhouette.

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::clustering::{gmm, GmmSettings, Point};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{prepare, AnalysisSettings};
use std::time::Instant;

fn read_features(path: &str) -> Result<Vec<Point>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Vec<f64> = line.split(',').map(str::parse).collect::<Result<_, _>>()?;
            Ok([v[0], v[1], v[2]])
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut input = None;
    let mut features_in = false;
    let mut features_out = None;
    let mut ks = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--features" => features_in = true,
            "--features-out" => features_out = args.next(),
            _ if input.is_none() => input = Some(arg),
            _ => ks.push(arg.parse::<usize>()?),
        }
    }
    let path = input.ok_or("usage: gmm_timing [--features] <file.csv> [k ...]")?;
    if ks.is_empty() {
        ks = vec![8, 9, 10];
    }
    let started = Instant::now();
    let points = if features_in {
        read_features(&path)?
    } else {
        let outcome = ingest_bytes(&std::fs::read(&path)?, IngestSettings::default())?;
        prepare(&outcome.ledger, &AnalysisSettings::default())?
            .features()
            .to_vec()
    };
    println!(
        "{path}: {} customers read in {:.2} s",
        points.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(out) = features_out {
        let mut csv = String::from("r,f,m\n");
        for p in &points {
            csv.push_str(&format!("{:?},{:?},{:?}\n", p[0], p[1], p[2]));
        }
        std::fs::write(&out, csv)?;
    }
    for k in ks {
        let settings = GmmSettings {
            k,
            ..Default::default()
        };
        let t = Instant::now();
        let mixture = gmm::fit_mixture(&points, &settings, gmm::GMM_SAMPLE);
        let fitted = t.elapsed().as_secs_f64();
        match mixture {
            Ok(mixture) => {
                let t = Instant::now();
                let fit = gmm::assign(&points, &mixture, &settings);
                let assigned = t.elapsed().as_secs_f64();
                let (found, silhouette) = match &fit {
                    Ok(f) => (f.clustering.k.to_string(), f.clustering.silhouette),
                    Err(e) => (format!("error: {e}"), f64::NAN),
                };
                let em = mixture.report();
                println!(
                    "k={k}: fit {fitted:.3} s, assign+metrics {assigned:.3} s; clusters {found}, mean log-likelihood {:.5}, BIC {:.1}, silhouette {silhouette:.4}; EM {} iterations{}",
                    mixture.mean_log_likelihood(&points),
                    mixture.bic(&points),
                    em.iterations,
                    if em.converged { "" } else { " (not converged)" },
                );
            }
            Err(e) => println!("k={k}: fit {fitted:.3} s, error: {e}"),
        }
    }
    Ok(())
}
