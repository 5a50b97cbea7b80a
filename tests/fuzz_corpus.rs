//! Replays every file of the fuzz corpus (`fuzz/corpus/<target>/`) through
//! the same body its fuzz target runs (`segmento::hostile`), on stable Rust:
//! CI checks each seed, each input the fuzzer kept and each crasher it
//! found without needing nightly or libFuzzer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::hostile;
use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no corpus", dir.display());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| body(&bytes));
        assert!(outcome.is_ok(), "{target}: {} panicked", file.display());
    }
}

#[test]
fn sniffer_corpus() {
    replay("sniffer", hostile::sniffer);
}

#[test]
fn ingest_corpus() {
    replay("ingest", hostile::ingest);
}

#[test]
fn rfm_table_corpus() {
    replay("rfm_table", hostile::rfm_table);
}

#[test]
fn model_apply_corpus() {
    replay("model_apply", hostile::model_apply);
}

#[test]
fn protocol_corpus() {
    replay("protocol", hostile::protocol);
}

#[test]
fn charts_corpus() {
    replay("charts", hostile::charts);
}

#[test]
fn container_corpus() {
    replay("container", hostile::container);
}
