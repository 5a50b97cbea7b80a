//! Times importing an RFM table natively (in 4 MiB chunks, like the worker)
//! and analysing it stage by stage, then what the worker sends the page
//! after a run (the dashboard and its follow-ups, encoded as posted, and
//! decoded as the page does):
//!     cargo run --release --example rfm_import_timing -- [customers | table.csv] [analyze_customers]
//! Defaults: 1,000,000 synthetic customers, all of them analysed.

// A tool run by hand or by the benchmark scripts: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use segmento::engine::clustering::fit_ks;
use segmento::engine::pipeline::{prepare_table, AnalysisSettings};
use segmento::engine::rfm_import::{RfmImportSettings, RfmTableIngestor};
use segmento::protocol::page::{WorkerEvent, WorkerMessage};
use segmento::protocol::{decode, encode};
use segmento::session::{Session, SessionRequest};
use segmento::views::chart_inputs::ScatterView;
use segmento::views::customer_table::TableQuery;
use segmento::views::dashboard::{DataSource, RunInfo, RunStats};
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

fn seconds(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// Encodes `event` as the worker posts it and decodes it as the page does.
fn post(name: &str, event: WorkerEvent) {
    let started = Instant::now();
    let bytes = encode(&WorkerMessage { id: 1, event }).unwrap();
    let encoded = seconds(started);
    let started = Instant::now();
    let _: WorkerMessage = decode(&bytes).unwrap();
    println!(
        "  {name:<28} {:>9.1} kB  encode {:.3} s  decode {:.3} s",
        bytes.len() as f64 / 1e3,
        encoded,
        seconds(started)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let source = args.next().unwrap_or_else(|| "1000000".into());
    let analyze_customers: usize = args.next().map_or(Ok(usize::MAX), |a| a.parse())?;
    let csv = match source.parse::<usize>() {
        Ok(customers) => synthetic_table(customers).into_bytes(),
        Err(_) => std::fs::read(&source)?,
    };

    let started = Instant::now();
    let mut ingestor = RfmTableIngestor::new(RfmImportSettings::default());
    for chunk in csv.chunks(4 * 1024 * 1024) {
        ingestor.push(chunk)?;
    }
    let outcome = ingestor.finish()?;
    let import = seconds(started);
    println!(
        "import          {import:.3} s  {} customers ({:.1} MB, {:.0} customers/s)",
        outcome.table.rows.len(),
        csv.len() as f64 / 1e6,
        outcome.table.rows.len() as f64 / import
    );

    let mut table = outcome.table;
    table.rows.truncate(analyze_customers);
    let customers = table.rows.len();
    let settings = AnalysisSettings::default();
    let all = Instant::now();
    let started = Instant::now();
    let prepared = prepare_table(table, &settings)?;
    println!(
        "prepare_table   {:.3} s  (scores, segments, features)",
        seconds(started)
    );
    let started = Instant::now();
    let ks = prepared.sweep_ks()?;
    println!(
        "sweep_ks        {:.3} s  (distinct points)",
        seconds(started)
    );
    // One worker's sweep: every k, then the silhouettes of all in one pass.
    let started = Instant::now();
    let mut last = Instant::now();
    let sweep = fit_ks(
        prepared.features(),
        &ks,
        prepared.kmeans(),
        &mut |done, total| {
            let stage = match ks.get(done - 1) {
                Some(k) if done < total => format!("fit k = {k}"),
                _ => "silhouettes".into(),
            };
            println!("  {stage:<13} {:.3} s", seconds(last));
            last = Instant::now();
        },
    )?;
    println!("sweep           {:.3} s", seconds(started));
    let started = Instant::now();
    let analysis = prepared.finish(sweep)?;
    println!(
        "finish          {:.3} s  (recommendation, profiles at k = {})",
        seconds(started),
        analysis.chosen_k
    );
    println!(
        "analysis        {:.3} s  {customers} customers",
        seconds(all)
    );

    let run = RunInfo {
        file_name: "table.csv".into(),
        read_from: String::new(),
        source: DataSource::RfmTable {
            rows: customers,
            delimiter: b',',
            decimal_comma: false,
            columns: outcome.columns,
            reference_from: String::new(),
        },
        monthly: Vec::new(),
        stats: RunStats::default(),
    };
    let mut session = Session::new(run, analysis, None);
    let started = Instant::now();
    let dashboard = session.dashboard();
    println!("dashboard       {:.3} s  (view model)", seconds(started));
    post(
        "Finished(dashboard)",
        WorkerEvent::Finished(Box::new(dashboard)),
    );

    println!("follow-ups (worker time, then what the page receives):");
    let follow_ups = [
        ("rules", SessionRequest::Rules { depth: 3 }),
        (
            "scatter recency–monetary",
            SessionRequest::Scatter(ScatterView::RecencyMonetary),
        ),
        ("scatter PCA", SessionRequest::Scatter(ScatterView::Pca)),
        (
            "customer page",
            SessionRequest::CustomerPage(TableQuery::default()),
        ),
        (
            "customer page 2",
            SessionRequest::CustomerPage(TableQuery {
                page: 1,
                ..TableQuery::default()
            }),
        ),
    ];
    for (name, request) in follow_ups {
        let started = Instant::now();
        let reply = session.handle(request)?;
        println!("  {name:<28} {:.3} s", seconds(started));
        post(name, WorkerEvent::Session(reply));
    }
    Ok(())
}
