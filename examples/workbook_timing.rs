//! Times `engine::workbook::to_csv` on a workbook, and (for .xlsx) compares
//! it with calamine's whole-sheet `worksheet_range`; run each mode in its own
//! process to read its peak memory:
//!
//!     cargo run --release --example workbook_timing -- FILE [convert|range]
//!     /usr/bin/time -v target/release/examples/workbook_timing FILE range

// A tool run by hand: a panic is its error message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::time::Instant;

use calamine::{Reader, Xlsx};
use segmento::engine::workbook::{sheets, to_csv, SheetChoice, DEFAULT_MAX_OUTPUT_BYTES};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: workbook_timing FILE [convert|range]");
    let mode = args.next().unwrap_or_else(|| "convert".into());
    let bytes = std::fs::read(&path).unwrap();
    let started = Instant::now();
    match mode.as_str() {
        "range" => {
            let mut book = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
            let name = book.sheet_names()[0].clone();
            let range = book.worksheet_range(&name).unwrap();
            println!(
                "worksheet_range: {} × {} cells in {:.0} ms",
                range.height(),
                range.width(),
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        _ => {
            let listed = sheets(&bytes).unwrap();
            let listed_at = started.elapsed();
            let converted = to_csv(
                &bytes,
                &SheetChoice::Index(0),
                DEFAULT_MAX_OUTPUT_BYTES,
                |_| {},
            )
            .unwrap();
            println!(
                "sheets: {} in {:.0} ms; to_csv: {} rows, {:.1} MB of CSV in {:.0} ms ({})",
                listed.len(),
                listed_at.as_secs_f64() * 1e3,
                converted.rows,
                converted.csv.len() as f64 / 1e6,
                (started.elapsed() - listed_at).as_secs_f64() * 1e3,
                converted.note
            );
        }
    }
}
