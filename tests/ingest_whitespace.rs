//! Whitespace-separated text without a header row (CDNOW-style exports):
//! a small file against hand-computed recency, frequency and monetary, and
//! a generated one (tests/reference/make_whitespace_fixture.py) customer by
//! customer against pandas (tests/reference/rfm_reference.py --layout cdnow
//! → tests/fixtures/cdnow_like_reference.json), read in one pass, in
//! chunks, cut in two parts and in customer shares.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "common/reference.rs"]
mod reference;

use segmento::engine::clean::{CleaningRules, Rule};
use segmento::engine::file_defaults::FileDefaults;
use segmento::engine::ingest::{
    ingest_bytes, merge_shares, sniff, Field, IngestOutcome, IngestSettings, Ingestor, Share,
    SNIFF_WINDOW,
};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use segmento::engine::rfm::{compute, PurchaseUnit, RfmSettings};
use serde_json::Value;
use std::collections::BTreeMap;

/// Lines (1-based) as numbered in the comments: 4 repeats 2, 12 has a zero
/// amount, 14 is blank, 15 has tabs and trailing spaces.
const SMALL: &str = "   00001 19970101  1  11.77\r\n\
                     \x20  00002 19970112  1  12.00\r\n\
                     \x20  00002 19970112  5  77.00\r\n\
                     \x20  00002 19970112  1  12.00\r\n\
                     \x20  00003 19970102  2  20.76\r\n\
                     \x20  00003 19970330  2  20.76\r\n\
                     \x20  00003 19970402  2  19.54\r\n\
                     \x20  00003 19971125  4  20.96\r\n\
                     \x20  00003 19980528  1  16.99\r\n\
                     \x20  00004 19970101  2  29.33\r\n\
                     \x20  00004 19970118  2  29.73\r\n\
                     \x20  00004 19970802  1   0.00\r\n\
                     \x20  00004 19971212  2  26.48\r\n\
                     \r\n\
                     \t00005\t19980630 \t 3  36.00  \r\n";

/// The settings a user who never opens them gets for this file: those of
/// a file without order ids (a purchase is a day, identical lines kept).
fn file_defaults(bytes: &[u8]) -> (IngestSettings, RfmSettings) {
    let head = &bytes[..bytes.len().min(SNIFF_WINDOW)];
    let defaults = FileDefaults::for_mapping(&sniff(head).unwrap().mapping);
    let ingest = IngestSettings {
        rules: CleaningRules {
            drop_duplicates: defaults.drop_duplicates,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    };
    let rfm = RfmSettings {
        purchase: defaults.purchase,
        ..RfmSettings::default()
    };
    (ingest, rfm)
}

/// Customer id → (recency days, frequency, monetary rounded to cents).
fn rfm(outcome: &IngestOutcome, settings: &RfmSettings) -> BTreeMap<String, (i64, u32, f64)> {
    let table = compute(&outcome.ledger, settings).unwrap();
    table
        .rows
        .iter()
        .map(|r| {
            let cents = (r.monetary * 100.0).round() / 100.0;
            (r.customer_id.clone(), (r.recency_days, r.frequency, cents))
        })
        .collect()
}

fn expected(rows: &[(&str, i64, u32, f64)]) -> BTreeMap<String, (i64, u32, f64)> {
    rows.iter()
        .map(|&(id, r, f, m)| (id.to_string(), (r, f, m)))
        .collect()
}

#[test]
fn a_headerless_aligned_file_gives_hand_computed_rfm() {
    let bytes = SMALL.as_bytes();
    let (settings, rfm_settings) = file_defaults(bytes);
    assert_eq!(rfm_settings.purchase, PurchaseUnit::Day);
    assert!(!settings.rules.drop_duplicates);
    for chunk in [1, 5, 64, bytes.len()] {
        let mut ingestor = Ingestor::new(settings.clone());
        for piece in bytes.chunks(chunk) {
            ingestor.push(piece).unwrap();
        }
        let outcome = ingestor.finish().unwrap();
        let format = &outcome.format;
        assert_eq!(format.delimiter, b' ');
        assert!(!format.has_bom && !format.has_header);
        assert_eq!(format.mapping.index(Field::CustomerId), Some(0));
        assert_eq!(format.mapping.index(Field::Date), Some(1));
        assert_eq!(format.mapping.index(Field::Amount), Some(3));
        assert_eq!(format.mapping.index(Field::Quantity), None);
        // The first line is data; the blank line is no row.
        let report = &outcome.report;
        assert_eq!(
            (report.rows_read, report.rows_kept),
            (14, 13),
            "chunk {chunk}"
        );
        let zero = report.rule(Rule::NonPositivePrice).unwrap();
        assert_eq!((zero.count, zero.examples[0].row), (1, Some(12)));
        assert_eq!(report.removed(Rule::Duplicate), 0);
        // Reference date 1998-07-01, the day after the last purchase.
        // 00001: 1997-01-01 is 365 + 181 days before it; 11.77 on one day.
        // 00002: three lines on 1997-01-12 (546 − 11 days), one purchase:
        //        12.00 + 77.00 + 12.00 (the repeated line is kept).
        // 00003: five days; last 1998-05-28, 34 days before;
        //        20.76 + 20.76 + 19.54 + 20.96 + 16.99 = 99.01.
        // 00004: the 0.00 line is dropped: three days, last 1997-12-12
        //        (20 + 181 days); 29.33 + 29.73 + 26.48 = 85.54.
        // 00005: 1998-06-30, one day before; 36.00.
        assert_eq!(
            rfm(&outcome, &rfm_settings),
            expected(&[
                ("00001", 546, 1, 11.77),
                ("00002", 535, 1, 101.0),
                ("00003", 34, 5, 99.01),
                ("00004", 201, 3, 85.54),
                ("00005", 1, 1, 36.0),
            ]),
            "chunk {chunk}"
        );
    }
    // Dropping duplicates (the settings' default with order ids) drops line 4.
    let outcome = ingest_bytes(bytes, IngestSettings::default()).unwrap();
    let duplicates = outcome.report.rule(Rule::Duplicate).unwrap();
    assert_eq!((duplicates.count, duplicates.examples[0].row), (1, Some(4)));
    assert_eq!(rfm(&outcome, &rfm_settings)["00002"], (535, 1, 89.0));
    // Each line its own purchase: 00002 bought three times that day.
    let lines = RfmSettings {
        purchase: PurchaseUnit::Invoice,
        ..rfm_settings
    };
    let outcome = ingest_bytes(bytes, settings.clone()).unwrap();
    assert_eq!(rfm(&outcome, &lines)["00002"], (535, 3, 101.0));
    assert_eq!(rfm(&outcome, &lines)["00003"], (34, 5, 99.01));
}

#[test]
fn a_header_line_or_the_users_choice_give_the_same_customers() {
    let (settings, rfm_settings) = file_defaults(SMALL.as_bytes());
    let whole = rfm(
        &ingest_bytes(SMALL.as_bytes(), settings.clone()).unwrap(),
        &rfm_settings,
    );
    let with_header = format!("  customer_id  date  number_of_items  amount\r\n{SMALL}");
    let outcome = ingest_bytes(with_header.as_bytes(), settings.clone()).unwrap();
    assert!(outcome.format.has_header);
    assert_eq!(outcome.format.mapping.index(Field::Quantity), None);
    assert_eq!(outcome.report.rows_read, 14);
    // Lines count from the header now.
    let zero = outcome.report.rule(Rule::NonPositivePrice).unwrap();
    assert_eq!(zero.examples[0].row, Some(13));
    assert_eq!(rfm(&outcome, &rfm_settings), whole);
    // Saying the first row is a header makes it one: a customer fewer.
    let told = IngestSettings {
        has_header: Some(true),
        ..settings.clone()
    };
    let outcome = ingest_bytes(SMALL.as_bytes(), told);
    // "00001", "19970101", "1", "11.77" name no columns it knows.
    assert!(outcome.is_err(), "{outcome:?}");
    let mut mapping = sniff(SMALL.as_bytes()).unwrap().mapping;
    mapping.set(Field::CustomerId, Some(0));
    let told = IngestSettings {
        has_header: Some(true),
        mapping: Some(mapping),
        ..settings
    };
    let outcome = ingest_bytes(SMALL.as_bytes(), told).unwrap();
    assert_eq!(outcome.report.rows_read, 13);
    let mut fewer = whole.clone();
    fewer.remove("00001");
    assert_eq!(rfm(&outcome, &rfm_settings), fewer);
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn the_generated_fixture_matches_pandas_customer_by_customer() {
    let bytes = fixture("cdnow_like.txt");
    assert!(bytes.len() > 2 * SNIFF_WINDOW, "past the sniff window");
    let reference: Value = serde_json::from_slice(&fixture("cdnow_like_reference.json")).unwrap();
    let (settings, rfm_settings) = file_defaults(&bytes);
    let outcome = ingest_bytes(&bytes, settings.clone()).unwrap();
    let cleaning = &reference["cleaning"];
    let report = &outcome.report;
    assert_eq!(report.rows_read, cleaning["rows_read"].as_u64().unwrap());
    assert_eq!(report.rows_kept, cleaning["rows_kept"].as_u64().unwrap());
    for (rule, key) in [
        (Rule::Unparseable, "unparseable"),
        (Rule::NonPositivePrice, "non_positive_price"),
        (Rule::Duplicate, "duplicate"),
    ] {
        assert_eq!(
            report.removed(rule),
            cleaning[key].as_u64().unwrap(),
            "{key}"
        );
    }

    let analysis_settings = AnalysisSettings {
        rfm: rfm_settings,
        ..AnalysisSettings::default()
    };
    let analysis = analyze(&outcome.ledger, &analysis_settings, &mut |_, _| {}).unwrap();
    assert_eq!(
        analysis.overview.customers as u64,
        reference["customers"].as_u64().unwrap()
    );
    assert_eq!(
        analysis.overview.purchases,
        reference["purchases"].as_u64().unwrap()
    );
    assert!((analysis.overview.revenue - reference["revenue"].as_f64().unwrap()).abs() < 0.01);
    assert_eq!(
        analysis.overview.reference_date,
        reference["reference_date"].as_str().unwrap()
    );
    reference::assert_customers_match(&analysis, reference["rows"].as_array().unwrap());
}

#[test]
fn the_fixture_read_in_parts_or_shares_gives_the_single_pass_result() {
    let bytes = fixture("cdnow_like.txt");
    let (settings, rfm_settings) = file_defaults(&bytes);
    let whole = ingest_bytes(&bytes, settings.clone()).unwrap();
    let expected = rfm(&whole, &rfm_settings);
    let head = &bytes[..bytes.len().min(SNIFF_WINDOW)];
    let breaks: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    // Cuts inside and past the sniff window, in uneven chunks.
    let (mut joined, mut past_window) = (0, 0);
    for (k, cut) in breaks.iter().step_by(breaks.len() / 7).enumerate() {
        // Before the end of the sniff window the first part is still being
        // sniffed: it reads on instead.
        past_window += usize::from(*cut >= SNIFF_WINDOW);
        let chunk = [7, 4096, 1 << 20][k % 3];
        let (start, rest) = bytes.split_at(*cut);
        let mut first = Ingestor::new(settings.clone());
        for piece in start.chunks(chunk) {
            first.push(piece).unwrap();
        }
        let mut later = Ingestor::continuing(settings.clone(), head).unwrap();
        for piece in rest.chunks(chunk) {
            later.push(piece).unwrap();
        }
        let later = later.finish_range().unwrap();
        let outcome = if first.can_join(&later) {
            joined += 1;
            first.join(later).unwrap()
        } else {
            for piece in rest.chunks(chunk) {
                first.push(piece).unwrap();
            }
            first.finish().unwrap()
        };
        assert_eq!(
            outcome.report.rows_read, whole.report.rows_read,
            "cut {cut}"
        );
        assert_eq!(
            outcome.report.rows_kept, whole.report.rows_kept,
            "cut {cut}"
        );
        assert_eq!(rfm(&outcome, &rfm_settings), expected, "cut {cut}");
    }
    assert!(past_window >= 3);
    assert_eq!(joined, past_window, "every cut past the window joins");
    // Shares of the customers merge into exactly the single pass.
    for count in [2, 3] {
        let shares = (0..count)
            .map(|index| {
                let mut ingestor = Ingestor::for_share(settings.clone(), Share { index, count });
                for piece in bytes.chunks(10_000) {
                    ingestor.push(piece).unwrap();
                }
                ingestor.finish_share().unwrap()
            })
            .collect();
        assert_eq!(merge_shares(shares).unwrap(), whole, "{count} shares");
    }
}
