//! Times importing an RFM table natively (in 4 MiB chunks, like the worker)
//! and analysing one, on synthetic customers:
//!     cargo run --release --example rfm_import_timing -- [import_customers] [analyze_customers]
//! Defaults: import 1,000,000 customers, analyse 100,000.

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use segmento::engine::pipeline::{analyze_table, AnalysisSettings};
use segmento::engine::rfm_import::{RfmImportSettings, RfmTableIngestor};
use std::fmt::Write;
use std::time::Instant;

/// A warehouse-SQL-shaped CSV with `customers` rows of plausible R, F, M.
fn synthetic_table(customers: usize) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut csv =
        String::from("customer_id,recency_days,frequency,monetary,country,reference_date\n");
    for id in 0..customers {
        let recency = 1 + rng.next_u64() % 700;
        // Skewed like real shops: most customers buy once or twice.
        let frequency = 1 + (rng.next_u64() % 1000).pow(3) / 20_000_000;
        let monetary = frequency as f64 * (5.0 + (rng.next_u64() % 40_000) as f64 / 100.0);
        let _ = writeln!(
            csv,
            "C{id:07},{recency},{frequency},{monetary:.2},United Kingdom,2011-12-10"
        );
    }
    csv
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let import_customers: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let analyze_customers: usize = args.next().map_or(Ok(100_000), |a| a.parse())?;

    let csv = synthetic_table(import_customers);
    let started = Instant::now();
    let mut ingestor = RfmTableIngestor::new(RfmImportSettings::default());
    for chunk in csv.as_bytes().chunks(4 * 1024 * 1024) {
        ingestor.push(chunk)?;
    }
    let outcome = ingestor.finish()?;
    let import = started.elapsed().as_secs_f64();
    println!(
        "import: {} customers ({:.1} MB) in {:.2} s ({:.0} customers/s, {:.0} MB/s)",
        outcome.table.rows.len(),
        csv.len() as f64 / 1e6,
        import,
        outcome.table.rows.len() as f64 / import,
        csv.len() as f64 / 1e6 / import
    );

    let mut table = outcome.table;
    table.rows.truncate(analyze_customers);
    let customers = table.rows.len();
    let started = Instant::now();
    let analysis = analyze_table(table, &AnalysisSettings::default(), &mut |_, _| {})?;
    println!(
        "analyze_table: {customers} customers in {:.2} s (k sweep {}..={}, recommended k = {})",
        started.elapsed().as_secs_f64(),
        analysis.settings.k_min,
        analysis.settings.k_max,
        analysis.recommendation.k
    );
    Ok(())
}
