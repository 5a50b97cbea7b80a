//! Times the CLV prediction (BG/NBD + Gamma-Gamma fits and per-customer
//! predictions) natively on a CSV file:
//!     python3 scripts/generate_transactions.py --rows 1000000 --seed 11 --out /tmp/clv-bench.csv
//!     cargo run --release --example clv_timing -- /tmp/clv-bench.csv

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clv::{self, ClvSettings};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::rfm::{self, RfmSettings};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: clv_timing <file.csv>")?;
    let bytes = std::fs::read(&path)?;
    let outcome = ingest_bytes(&bytes, IngestSettings::default())?;
    let reference = rfm::compute(&outcome.ledger, &RfmSettings::default())?.reference_date;
    let started = Instant::now();
    let summaries = clv::summarize(&outcome.ledger, reference)?;
    let summarized = started.elapsed();
    let bg = clv::purchase_model::fit(clv::PurchaseModel::BgNbd, &summaries, 0.0)?;
    let bg_time = started.elapsed() - summarized;
    let spend: Vec<(u32, f64)> = summaries
        .iter()
        .map(|s| (s.frequency, s.monetary_value))
        .collect();
    clv::gamma_gamma::fit(&spend, 0.0)?;
    let gg_time = started.elapsed() - summarized - bg_time;
    let started = Instant::now();
    let report = clv::predict(&outcome.ledger, reference, &ClvSettings::default())?;
    let full = started.elapsed();
    let p = &report.params;
    println!(
        "{path}: {} customers ({} repeat buyers); summaries {:.3} s, BG/NBD fit {:.3} s, Gamma-Gamma fit {:.3} s; clv::predict (all of it + predictions) {:.3} s",
        report.customers.len(),
        report.repeat_buyers,
        summarized.as_secs_f64(),
        bg_time.as_secs_f64(),
        gg_time.as_secs_f64(),
        full.as_secs_f64(),
    );
    println!(
        "BG/NBD r={:.4} α={:.4} a={:.4} b={:.4} (LL {:.1}); Gamma-Gamma p={:.4} q={:.4} v={:.4}; total 12-month CLV {:.0}; churn candidates {}",
        bg.r,
        bg.alpha,
        bg.a,
        bg.b,
        bg.log_likelihood,
        p.gamma_gamma.p,
        p.gamma_gamma.q,
        p.gamma_gamma.v,
        report.total_clv(),
        report.churn_list(usize::MAX).len(),
    );
    Ok(())
}
