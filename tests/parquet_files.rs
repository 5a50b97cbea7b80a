//! Parquet files as a warehouse exports them (written by DuckDB:
//! tests/reference/make_parquet.py) open like their CSV: the RFM table's
//! cells equal DuckDB's CSV of the same table, and it imports to the same
//! customers; the sample's transactions give the CSV sample's RFM; zstd,
//! nested columns and damaged files are refused with a message, never a panic.

// A panic here is a failing test, not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::parquet_file::{to_csv, ParquetFileError};
use segmento::engine::rfm::{self, RfmSettings};
use segmento::engine::rfm_import::looks_like_rfm_table;

const LIMIT: usize = 64 * 1024 * 1024;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn converted(name: &str) -> String {
    String::from_utf8(to_csv(fixture(name).into(), LIMIT, |_| {}).unwrap().csv).unwrap()
}

/// DuckDB's CSV of the same table, line by line, as text cells.
fn duckdb_csv_rows() -> Vec<Vec<String>> {
    String::from_utf8(fixture("sql_duckdb_sample.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn rows_of(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn an_rfm_table_in_parquet_reads_as_duckdb_wrote_it_in_csv() {
    for name in ["rfm_table.parquet", "rfm_table_gzip.parquet"] {
        let ours = rows_of(&converted(name));
        let theirs = duckdb_csv_rows();
        assert_eq!(ours.len(), theirs.len(), "{name}");
        assert_eq!(ours[0], theirs[0], "{name}: header");
        for (a, b) in ours.iter().zip(&theirs).skip(1) {
            // Same id, days, count, country and date; the same double.
            assert_eq!(a[..3], b[..3], "{name}");
            assert_eq!(
                a[3].parse::<f64>().unwrap(),
                b[3].parse::<f64>().unwrap(),
                "{name}"
            );
            assert_eq!(a[4..], b[4..], "{name}");
        }
    }
    assert!(looks_like_rfm_table(
        converted("rfm_table.parquet").as_bytes()
    ));
}

#[test]
fn transactions_in_parquet_give_the_csv_samples_rfm_table() {
    let from_parquet = ingest_bytes(
        converted("transactions_sample.parquet").as_bytes(),
        IngestSettings::default(),
    )
    .unwrap();
    let sample =
        std::fs::read(format!("{}/public/sample.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let from_csv = ingest_bytes(&sample, IngestSettings::default()).unwrap();
    let settings = RfmSettings::default();
    let a = rfm::compute(&from_parquet.ledger, &settings).unwrap();
    let b = rfm::compute(&from_csv.ledger, &settings).unwrap();
    assert_eq!(a.rows.len(), 198);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.reference_date, b.reference_date);
}

#[test]
fn zstd_nested_and_damaged_files_get_a_message() {
    let zstd = to_csv(fixture("rfm_table_zstd.parquet").into(), LIMIT, |_| {}).unwrap_err();
    assert!(
        matches!(&zstd, ParquetFileError::Codec { codec } if codec == "ZSTD"),
        "{zstd:?}"
    );
    assert!(zstd.to_string().contains("Snappy"), "{zstd}");
    let nested = to_csv(fixture("nested.parquet").into(), LIMIT, |_| {}).unwrap_err();
    assert_eq!(
        nested,
        ParquetFileError::Nested {
            column: "both_counts".into()
        }
    );
    // Every cut of the file fails, and every byte set to a few values fails
    // or converts (a changed value can still be valid). The parquet crate
    // panics on some damaged files (an assertion in its bit reader): in the
    // browser that stops the Parquet reader's own worker, which the analysis
    // worker reports as "the file may be damaged" (E2E: damaged Parquet), so
    // here a panic is caught and counted, and must not be the common case.
    let full = fixture("rfm_table.parquet");
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut panics = 0;
    let mut tries = 0;
    let mut attempt = |bytes: Vec<u8>| -> Option<Result<usize, ParquetFileError>> {
        tries += 1;
        let outcome =
            std::panic::catch_unwind(|| to_csv(bytes.into(), LIMIT, |_| {}).map(|c| c.csv.len()));
        if outcome.is_err() {
            panics += 1;
        }
        outcome.ok()
    };
    for end in 0..full.len() {
        if let Some(Ok(_)) = attempt(full[..end].to_vec()) {
            panic!("a cut at {end} converted");
        }
    }
    for at in 0..full.len() {
        for value in [0x00, 0xFF, full[at] ^ 0x01] {
            let mut damaged = full.clone();
            damaged[at] = value;
            attempt(damaged);
        }
    }
    std::panic::set_hook(quiet);
    assert!(
        panics * 10 < tries,
        "{panics} panics in {tries} damaged files"
    );
    eprintln!(
        "damaged Parquet files: {panics} panics (contained in the reader's worker) in {tries}"
    );
}

#[test]
fn the_text_is_bounded() {
    let error = to_csv(fixture("rfm_table.parquet").into(), 1_000, |_| {}).unwrap_err();
    assert!(
        matches!(error, ParquetFileError::TooLarge { .. }),
        "{error:?}"
    );
}
