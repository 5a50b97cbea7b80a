//! Runs one fuzz target's body on one file and prints how long it took:
//! for a libFuzzer timeout or crash (`fuzz/artifacts/`).
//!     cargo run --release --example replay_one -- charts fuzz/artifacts/charts/timeout-…

#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::hostile;

fn main() {
    let mut args = std::env::args().skip(1);
    let (target, path) = (args.next().expect("a target"), args.next().expect("a file"));
    let body: fn(&[u8]) = match target.as_str() {
        "sniffer" => hostile::sniffer,
        "ingest" => hostile::ingest,
        "rfm_table" => hostile::rfm_table,
        "model_apply" => hostile::model_apply,
        "protocol" => hostile::protocol,
        "charts" => hostile::charts,
        "container" => hostile::container,
        other => panic!("no target {other}"),
    };
    let bytes = std::fs::read(&path).unwrap();
    let started = std::time::Instant::now();
    body(&bytes);
    println!(
        "{target} {path}: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}
