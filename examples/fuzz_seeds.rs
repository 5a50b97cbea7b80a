//! Writes the seed inputs of the fuzz corpus (`fuzz/corpus/<target>/seed-*`)
//! from the bundled sample, the test fixtures and the bad inputs the E2E
//! suite refuses; encoded messages, a snapshot and a dashboard come from a
//! small analysis of the sample. Seeds are inputs, never expected outputs.
//!     cargo run --release --example fuzz_seeds
//! scripts/fuzz.sh then grows the corpus and minimises it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::ingest::IngestSettings;
use segmento::engine::pipeline::AnalysisSettings;
use segmento::hostile::SPLIT;
use segmento::protocol::encode;
use segmento::protocol::page::{PageMessage, PageRequest, WorkerEvent, WorkerMessage};
use segmento::session::run::analyse_bytes;
use segmento::session::{ExportKind, SessionReply, SessionRequest};
use std::fs;
use std::path::Path;

const HEADER: &str =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

/// The first `limit` bytes of `text`, ending at a line break.
fn head(text: &[u8], limit: usize) -> Vec<u8> {
    let end = text[..limit.min(text.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(text.len().min(limit), |i| i + 1);
    text[..end].to_vec()
}

fn line(invoice: &str, quantity: &str, date: &str, price: &str, customer: &str) -> String {
    format!("{invoice},85123A,MUG,{quantity},{date},{price},{customer},United Kingdom")
}

/// Transactions files, plain and hostile.
fn transactions(root: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let sample = fs::read(root.join("public/sample.csv")).unwrap();
    let lines = |rows: &[String]| format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes();
    let many = |f: &dyn Fn(usize) -> String| lines(&(0..40).map(f).collect::<Vec<_>>());
    vec![
        ("sample-head", head(&sample, 6_000)),
        ("cdnow-like", head(&fs::read(root.join("tests/fixtures/cdnow_like.txt")).unwrap(), 3_000)),
        ("sql-edge-cases", fs::read(root.join("tests/fixtures/sql_edge_cases.csv")).unwrap()),
        ("empty", Vec::new()),
        ("binary", vec![0, 1, 2, 3, 255, 254, 0, 7, 8, 0]),
        ("png", vec![0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]),
        ("header-only", format!("{HEADER}\n").into_bytes()),
        ("all-cancelled", lines(&[line("C1", "-1", "12/1/2010 8:26", "2.5", "17850"), line("C2", "-2", "12/2/2010 8:26", "2.5", "17851")])),
        ("one-customer", lines(&[line("1", "1", "12/1/2010 8:26", "2.5", "17850"), line("2", "3", "12/5/2010 8:26", "4", "17850")])),
        ("unclosed-quote", format!("{HEADER}\n1,A,\"never closed,1,12/1/2010 8:26,2.5,17850,UK\n{}", "x,".repeat(500)).into_bytes()),
        ("nul-bytes", b"InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,A\0B,2011-01-01,1,2\n2,C,2011-01-02,1,\x003\n".to_vec()),
        ("wide", format!("{}\n{}\n", (0..300).map(|i| format!("c{i}")).collect::<Vec<_>>().join(","), (0..300).map(|i| i.to_string()).collect::<Vec<_>>().join(",")).into_bytes()),
        ("currency-decimal-comma", b"Invoice;Customer;Date;Qty;Price\n1;A;01.02.2011;1;\xe2\x82\xac1.234,50\n2;B;02.02.2011;2;$3,25\n3;A;03.02.2011;1;\xc2\xa34,00\n".to_vec()),
        ("long-ids", lines(&[line("1", "1", "12/1/2010 8:26", "2.5", &"9".repeat(5000)), line("2", "1", "12/2/2010 8:26", "2.5", &"8".repeat(5000))])),
        ("all-negative", lines(&[line("1", "-1", "12/1/2010 8:26", "-2.5", "-17850"), line("2", "-3", "12/5/2010 8:26", "-4", "-17851")])),
        ("dates-1900-9999", many(&|i| line(&i.to_string(), "1", ["1/1/1900 00:00", "3/4/2011 10:00", "12/31/9999 23:59"][i % 3], "2", &(1000 + i % 13).to_string()))),
        ("unix-and-serial", b"order,customer,time,amount\n1,a,0,5\n2,b,253402300799,6\n3,a,1299196800,7\n4,c,2958465,8\n5,c,1,9\n".to_vec()),
        ("whitespace-aligned", b"  00001   19970101   1   11.77\r\n  00002   19970112   1   12.00\r\n  00001   19970325   2   89.00\r\n".to_vec()),
    ]
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("fuzz/corpus");
    let files = transactions(root);
    for (name, bytes) in &files {
        write(&corpus.join("sniffer"), name, bytes);
        // Settings byte 0 (defaults), slices cut at a quarter and at half the rest.
        write(
            &corpus.join("ingest"),
            name,
            &[&[0_u8, 64, 128][..], bytes].concat(),
        );
    }
    write(
        &corpus.join("ingest"),
        "sample-day-first-tab",
        &[&[0b1110_u8, 3, 250][..], &files[0].1].concat(),
    );

    for name in [
        "sample_export.zip",
        "quirks.xlsx",
        "quirks_1904.xlsx",
        "legacy.xls",
    ] {
        let bytes = fs::read(root.join("tests/fixtures").join(name)).unwrap();
        write(&corpus.join("container"), name, &bytes);
    }

    let table = fs::read(root.join("tests/fixtures/sql_duckdb_sample.csv")).unwrap();
    write(
        &corpus.join("rfm_table"),
        "duckdb-output",
        &[&[100_u8][..], &table].concat(),
    );
    write(
        &corpus.join("rfm_table"),
        "duckdb-edge-cases",
        &[
            &[7_u8][..],
            &fs::read(root.join("tests/fixtures/sql_duckdb_edge_cases.csv")).unwrap(),
        ]
        .concat(),
    );

    // A small analysis of the sample: its model, snapshot, dashboard and messages.
    let sample = head(&fs::read(root.join("public/sample.csv")).unwrap(), 60_000);
    let ingest = IngestSettings::default();
    let analysis = AnalysisSettings::default();
    let mut session = analyse_bytes("sample.csv", &sample, &ingest, &analysis).unwrap();
    let Ok(SessionReply::Download(model)) =
        session.handle(SessionRequest::Export(ExportKind::ModelJson))
    else {
        panic!("a model download")
    };
    write(
        &corpus.join("model_apply"),
        "sample-model",
        &[&model.bytes[..], SPLIT, &files[0].1].concat(),
    );
    write(&corpus.join("model_apply"), "model-alone", &model.bytes);
    write(
        &corpus.join("charts"),
        "sample-dashboard",
        &encode(&session.dashboard()).unwrap(),
    );
    write(
        &corpus.join("protocol"),
        "snapshot",
        &session.to_bytes().unwrap(),
    );
    let analyse = PageMessage {
        id: 7,
        request: PageRequest::Analyze {
            file_name: "orders.csv".into(),
            ingest,
            analysis: Box::new(analysis),
        },
    };
    write(
        &corpus.join("protocol"),
        "analyze",
        &encode(&analyse).unwrap(),
    );
    let progress = WorkerMessage {
        id: 7,
        event: WorkerEvent::Progress {
            stage: "Reading and cleaning".into(),
            fraction: 0.5,
            bytes_done: 10,
            bytes_total: 20,
        },
    };
    write(
        &corpus.join("protocol"),
        "progress",
        &encode(&progress).unwrap(),
    );
    println!("seeds written under {}", corpus.display());
}
