//! Ingesting a file in shares of its customers (one per worker) and merging
//! gives exactly what one pass over the file gives.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clean::CleaningRules;
use segmento::engine::ingest::{
    ingest_bytes, merge_shares, IngestError, IngestOutcome, IngestSettings, Ingestor, Share,
};

mod common;
use common::troubled_file;

/// Both workers read the whole file in chunks of `chunk` bytes.
fn in_shares(
    bytes: &[u8],
    settings: &IngestSettings,
    count: u32,
    chunk: usize,
) -> Result<IngestOutcome, IngestError> {
    let shares = (0..count)
        .map(|index| {
            let mut ingestor = Ingestor::for_share(settings.clone(), Share { index, count });
            for piece in bytes.chunks(chunk) {
                ingestor.push(piece)?;
            }
            ingestor.finish_share()
        })
        .collect::<Result<Vec<_>, _>>()?;
    merge_shares(shares)
}

fn check(name: &str, bytes: &[u8], settings: &IngestSettings) {
    let whole = ingest_bytes(bytes, settings.clone());
    for count in [2, 3] {
        for chunk in [7, 4096, 1 << 20] {
            let shared = in_shares(bytes, settings, count, chunk);
            assert_eq!(shared, whole, "{name}: {count} shares, {chunk}-byte chunks");
        }
    }
}

#[test]
fn shares_merge_into_the_single_pass_result() {
    let sample = std::fs::read("public/sample.csv").unwrap();
    let edge = std::fs::read("tests/fixtures/sql_edge_cases.csv").unwrap();
    let troubled = troubled_file(400);
    let outliers = IngestSettings {
        rules: CleaningRules {
            drop_outliers: true,
            outlier_quantile: 0.9,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    };
    let net = IngestSettings {
        rules: CleaningRules {
            net_returns: true,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    };
    for (name, bytes) in [
        ("sample", &sample[..]),
        ("edge cases", &edge[..]),
        ("troubled", troubled.as_bytes()),
    ] {
        check(name, bytes, &IngestSettings::default());
        check(name, bytes, &outliers);
        check(name, bytes, &net);
    }
    // Net revenue keeps returns from every share: the sample has matched ones.
    let sample_net = ingest_bytes(&sample, net.clone()).unwrap();
    assert!(sample_net.report.returns_matched > 0);
    // The troubled file really exercises the rules and both shares.
    let outcome = ingest_bytes(troubled.as_bytes(), IngestSettings::default()).unwrap();
    let dropped: Vec<u64> = outcome.report.rules.iter().map(|r| r.count).collect();
    assert!(
        dropped.iter().filter(|&&c| c > 0).count() >= 5,
        "{dropped:?}"
    );
    let mut first = Ingestor::for_share(IngestSettings::default(), Share { index: 0, count: 2 });
    first.push(troubled.as_bytes()).unwrap();
    let first = merge_shares(vec![first.finish_share().unwrap()]).unwrap();
    let share = first.ledger.customers.len() as f64 / outcome.ledger.customers.len() as f64;
    assert!(
        (0.3..0.7).contains(&share),
        "share 0 has {share:.2} of the customers"
    );
}

#[test]
fn errors_are_the_single_pass_errors() {
    let header_only =
        b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    let all_cancelled = b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\nC1,A,X,-1,12/1/2010 9:00,1.0,17850,UK\nC2,A,X,-1,12/1/2010 9:00,1.0,13047,UK\n";
    for bytes in [
        &header_only[..],
        &all_cancelled[..],
        b"",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    ] {
        let whole = ingest_bytes(bytes, IngestSettings::default());
        assert!(whole.is_err());
        assert_eq!(in_shares(bytes, &IngestSettings::default(), 2, 4096), whole);
    }
}
