//! Ingesting a file in shares of its customers (one per worker) and merging
//! gives exactly what one pass over the file gives.

use segmento::engine::clean::CleaningRules;
use segmento::engine::ingest::{
    ingest_bytes, merge_shares, IngestError, IngestOutcome, IngestSettings, Ingestor, Share,
};

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

/// UCI-layout rows with every kind of trouble, repeated for many customers.
fn troubled_file() -> String {
    let mut csv = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    for i in 0..400u32 {
        let customer = 12000 + i % 97;
        let invoice = 500000 + i / 3;
        let day = 1 + i % 28;
        csv.push_str(&format!(
            "{invoice},A{i},\"MUG, RED\",{},{}/{day}/2011 10:{:02},{}.5,{customer}.0,Country {}\n",
            1 + i % 7,
            1 + i % 12,
            i % 60,
            i % 9,
            i % 5
        ));
        match i % 11 {
            // An exact duplicate, a cancellation, a return, a missing customer, a bad date, a short row, a free item.
            0 => csv.push_str(&format!("{invoice},A{i},\"MUG, RED\",{},{}/{day}/2011 10:{:02},{}.5,{customer}.0,Country {}\n", 1 + i % 7, 1 + i % 12, i % 60, i % 9, i % 5)),
            1 => csv.push_str(&format!("C{invoice},D,Discount,-1,{}/{day}/2011 11:00,2.5,{customer},X\n", 1 + i % 12)),
            2 => csv.push_str(&format!("{invoice},B,RETURN,-2,{}/{day}/2011 11:00,2.5,{customer},X\n", 1 + i % 12)),
            3 => csv.push_str(&format!("{invoice},B,NOBODY,2,{}/{day}/2011 11:00,2.5,,X\n", 1 + i % 12)),
            4 => csv.push_str(&format!("{invoice},B,BAD DATE,2,13/45/2011 11:00,2.5,{customer},X\n")),
            5 => csv.push_str(&format!("{invoice},B,SHORT,2\n")),
            6 => csv.push_str(&format!("{invoice},B,FREE,2,{}/{day}/2011 11:00,0,{customer},X\n", 1 + i % 12)),
            _ => {}
        }
    }
    csv
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
    let troubled = troubled_file();
    let outliers = IngestSettings {
        rules: CleaningRules {
            drop_outliers: true,
            outlier_quantile: 0.9,
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
    }
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
