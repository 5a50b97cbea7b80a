//! Times the cluster classifier natively on planted customers (4 groups in
//! raw R, F, M): cross-validation (5 folds) plus the final fit, 100 trees.
//!     cargo run --release --example classifier_timing -- [customers...]

// A tool run by hand: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use segmento::engine::classify::{cross_validate, fit_forest, ClassifierSettings, Row};
use std::time::Instant;

fn planted(n: usize, seed: u64) -> (Vec<Row>, Vec<usize>) {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let groups = [
        ((0.0, 40.0), (8.0, 30.0), (2000.0, 9000.0)),
        ((20.0, 120.0), (3.0, 9.0), (400.0, 2100.0)),
        ((100.0, 300.0), (1.0, 4.0), (50.0, 450.0)),
        ((280.0, 700.0), (1.0, 2.0), (5.0, 120.0)),
    ];
    (0..n)
        .map(|i| {
            let ((r0, r1), (f0, f1), (m0, m1)) = groups[i % 4];
            let r = (r0 + uniform() * (r1 - r0)).round();
            let f = (f0 + uniform() * (f1 - f0)).round();
            let m = ((m0 + uniform() * (m1 - m0)) * 100.0).round() / 100.0;
            ([r, f, m], i % 4)
        })
        .unzip()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number of customers"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![5_000, 20_000]
    } else {
        sizes
    };
    let settings = ClassifierSettings::default();
    for n in sizes {
        let (x, y) = planted(n, 1);
        let started = Instant::now();
        let cv = cross_validate(&x, &y, 4, &settings, &mut |_| {}).unwrap();
        let cv_time = started.elapsed();
        let started = Instant::now();
        let forest = fit_forest(&x, &y, 4, &settings, &mut |_| {}).unwrap();
        let fit_time = started.elapsed();
        let nodes: usize = forest.trees.iter().map(|t| t.nodes.len()).sum();
        let json = serde_json::to_string(&forest).unwrap().len();
        println!(
            "{n} customers, {} trees, {} folds, max depth {:?}: cross-validation {:.2} s (accuracy {:.4}, macro-F1 {:.4}), final fit {:.2} s, total {:.2} s; {nodes} nodes, {:.1} MB as JSON",
            settings.trees,
            settings.folds,
            settings.max_depth,
            cv_time.as_secs_f64(),
            cv.metrics.accuracy,
            cv.metrics.macro_f1,
            fit_time.as_secs_f64(),
            (cv_time + fit_time).as_secs_f64(),
            json as f64 / 1e6
        );
    }
}
