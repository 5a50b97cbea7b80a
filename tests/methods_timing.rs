//! Fit times of the Gaussian mixture and DBSCAN on a large file (ignored by
//! default; needs a generated file):
//!
//!     python3 scripts/generate_transactions.py --rows 1000000 --seed 11 --out /tmp/tx1m.csv
//!     SEGMENTO_TIMING_CSV=/tmp/tx1m.csv cargo test --release --test methods_timing -- --ignored --nocapture

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clustering::{
    dbscan, gmm, ClusteringMethodSettings, DbscanSettings, GmmSettings,
};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use std::time::Instant;

#[test]
#[ignore = "needs SEGMENTO_TIMING_CSV; run in release"]
fn fit_times_on_a_large_file() {
    let path = std::env::var("SEGMENTO_TIMING_CSV").expect("SEGMENTO_TIMING_CSV");
    let bytes = std::fs::read(path).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let start = Instant::now();
    let mut analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    println!(
        "{} customers; k-means sweep 2..=10 + silhouettes: {:?}",
        analysis.features.len(),
        start.elapsed()
    );
    let features = analysis.features.clone();
    for sample in [5_000, 10_000, 20_000] {
        for k in [analysis.chosen_k, 4, 8] {
            let t = Instant::now();
            let settings = GmmSettings {
                k,
                ..Default::default()
            };
            let fit = gmm::fit_on_sample(&features, &settings, sample);
            let took = t.elapsed();
            match fit {
                Ok(f) => println!(
                    "GMM k={k} on {}: {took:?} (silhouette {:.3}, CH {:.0}, DB {:.3})",
                    f.fitted_on,
                    f.clustering.silhouette,
                    f.clustering.calinski_harabasz,
                    f.clustering.davies_bouldin
                ),
                Err(e) => println!("GMM k={k} on {sample}: {took:?} error: {e}"),
            }
        }
    }
    let t = Instant::now();
    let eps = dbscan::suggest_eps(&features, 6, 42).unwrap();
    println!("eps suggestion: {eps:.3} in {:?}", t.elapsed());
    for settings in [
        DbscanSettings::default(),
        DbscanSettings {
            eps: Some(eps * 0.5),
            ..Default::default()
        },
        DbscanSettings {
            eps: Some(eps * 0.7),
            ..Default::default()
        },
        DbscanSettings {
            eps: Some(eps * 1.5),
            ..Default::default()
        },
    ] {
        let t = Instant::now();
        let fit = dbscan::fit(&features, &settings);
        let took = t.elapsed();
        match fit {
            Ok(f) => println!(
                "DBSCAN eps={:?}: {took:?} ({} clusters, noise {:.1}%, silhouette {:.3})",
                settings.eps,
                f.clustering.k,
                100.0 * f.noise_share,
                f.clustering.silhouette
            ),
            Err(e) => println!("DBSCAN eps={:?}: {took:?} error: {e}", settings.eps),
        }
    }
    let t = Instant::now();
    let c = analysis.compare_methods(
        &GmmSettings {
            k: analysis.chosen_k,
            ..Default::default()
        },
        &DbscanSettings::default(),
    );
    println!("compare: {:?}\n{c:#?}", t.elapsed());
    let t = Instant::now();
    analysis
        .use_method(&ClusteringMethodSettings::GaussianMixture(GmmSettings {
            k: analysis.chosen_k,
            ..Default::default()
        }))
        .unwrap();
    println!("use_method(GMM) incl. profiles: {:?}", t.elapsed());
}
