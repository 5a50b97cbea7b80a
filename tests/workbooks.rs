//! Workbooks written by openpyxl/odfpy (tests/reference/make_workbooks.py)
//! converted by `engine::workbook`, then read by the app's ingest.

// A panic here is a failing test, not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use segmento::engine::workbook::{
    sheets, to_csv, SheetChoice, WorkbookError, DEFAULT_MAX_OUTPUT_BYTES,
};
use std::collections::BTreeMap;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn convert(name: &str, choice: SheetChoice) -> (String, String) {
    let converted = to_csv(&fixture(name), &choice, DEFAULT_MAX_OUTPUT_BYTES, |_| {}).unwrap();
    (String::from_utf8(converted.csv).unwrap(), converted.note)
}

/// Per customer: (recency days, frequency, monetary rounded to the cent).
fn rfm(csv: &[u8]) -> (BTreeMap<String, (i64, u32, i64)>, u64, u64) {
    let outcome = ingest_bytes(csv, IngestSettings::default()).unwrap();
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let rows = analysis
        .rfm
        .rows
        .iter()
        .map(|r| {
            (
                r.customer_id.clone(),
                (
                    r.recency_days,
                    r.frequency,
                    (r.monetary * 100.0).round() as i64,
                ),
            )
        })
        .collect();
    (rows, outcome.report.rows_read, outcome.report.rows_kept)
}

fn sample_csv() -> String {
    std::fs::read_to_string(format!("{}/public/sample.csv", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The sample's results when its customer ids are read as a workbook holds
/// them: numbers. The sample writes 217 ids as `17850.0` (as pandas exports
/// a float column); a workbook cannot keep `13417` and `13417.0` apart, so
/// the sample's one pair of lines that differ only that way (invoice 537695)
/// is an exact duplicate once in a workbook.
fn sample_rfm() -> (BTreeMap<String, (i64, u32, i64)>, u64, u64) {
    let numeric_ids: String = sample_csv()
        .lines()
        .map(|line| {
            // The last two fields (CustomerID, Country) hold no commas.
            let mut fields: Vec<&str> = line.rsplitn(3, ',').collect();
            if let Some(id) = fields.get_mut(1) {
                *id = id.strip_suffix(".0").unwrap_or(id);
            }
            fields.reverse();
            fields.join(",") + "\n"
        })
        .collect();
    rfm(numeric_ids.as_bytes())
}

#[test]
fn the_sample_with_numeric_ids_differs_from_the_sample_by_one_duplicate_only() {
    let (raw, raw_read, raw_kept) = rfm(sample_csv().as_bytes());
    let (numeric, read, kept) = sample_rfm();
    assert_eq!((read, kept + 1), (raw_read, raw_kept));
    let differing: Vec<_> = raw
        .iter()
        .filter(|(id, r)| numeric.get(*id) != Some(r))
        .map(|(id, r)| (id.as_str(), *r, numeric[id]))
        .collect();
    // 3 × 0.57 less for customer 13417, same recency and frequency.
    assert_eq!(differing, [("13417", (11, 28, 365_315), (11, 28, 365_144))]);
}

#[test]
fn sample_xlsx_gives_the_same_customers_as_sample_csv() {
    let (csv, note) = convert("sample.xlsx", SheetChoice::Index(0));
    assert_eq!(note, "sheet Online Retail: 6,001 rows");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country")
    );
    assert_eq!(
        lines.next(),
        Some("536365,85582B,RED HANGING HEART T-LIGHT HOLDER,4,2010-12-01 15:20:00,3.29,16239,Germany")
    );
    assert!(csv.contains(",\"RETRO LUNCH BAG, SET OF 8\","));
    assert!(csv.contains(",\"\"\"Wooden\"\" PINK TEACUP AND SAUCER, SET OF 8\","));
    let expected = sample_rfm();
    assert_eq!(rfm(csv.as_bytes()), expected);
    assert!(expected.0.len() > 100);
}

#[test]
fn sample_ods_gives_the_same_customers_as_sample_csv() {
    let (csv, note) = convert("sample.ods", SheetChoice::Index(0));
    assert_eq!(note, "sheet Online Retail: 6,001 rows");
    assert_eq!(
        csv.lines().nth(1),
        Some("536365,85582B,RED HANGING HEART T-LIGHT HOLDER,4,2010-12-01 15:20:00,3.29,16239,Germany")
    );
    assert_eq!(rfm(csv.as_bytes()), sample_rfm());
}

#[test]
fn two_sheets_all_concatenates_to_the_sample() {
    let bytes = fixture("two_sheets.xlsx");
    let listed = sheets(&bytes).unwrap();
    let names: Vec<(usize, &str, Option<u64>)> = listed
        .iter()
        .map(|s| (s.index, s.name.as_str(), s.rows))
        .collect();
    // The hidden "Lookup" sheet is not offered.
    assert_eq!(
        names,
        [(0, "Year 2010", Some(779)), (1, "Year 2011", Some(5222))]
    );
    assert_eq!(listed[0].header, listed[1].header);
    assert_eq!(listed[0].header[0], "InvoiceNo");

    let mut fractions = Vec::new();
    let converted = to_csv(&bytes, &SheetChoice::All, DEFAULT_MAX_OUTPUT_BYTES, |f| {
        fractions.push(f);
    })
    .unwrap();
    assert_eq!(
        converted.note,
        "sheets Year 2010 and Year 2011 concatenated: 779 + 5,222 rows"
    );
    assert_eq!(converted.rows, 6001);
    assert_eq!(fractions.first(), Some(&0.0));
    assert_eq!(fractions.last(), Some(&1.0));
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    let csv = String::from_utf8(converted.csv).unwrap();
    assert_eq!(csv.matches("InvoiceNo,").count(), 1, "header written once");
    // Same lines as the one-sheet sample, in the same order (split by year).
    let (single, _) = convert("sample.xlsx", SheetChoice::Index(0));
    let mut a: Vec<&str> = csv.lines().collect();
    let mut b: Vec<&str> = single.lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    assert_eq!(rfm(csv.as_bytes()), sample_rfm());

    let (second, note) = convert("two_sheets.xlsx", SheetChoice::Index(1));
    assert_eq!(note, "sheet Year 2011: 5,222 rows");
    assert_eq!(second.lines().count(), 5223);
}

#[test]
fn quirks_are_converted_as_expected() {
    let (csv, note) = convert("quirks.xlsx", SheetChoice::Index(0));
    assert_eq!(
        csv,
        "Invoice,Customer,Amount,Amount 2,When,Note\n\
         536365,17850,12.50,3.5,2010-12-01 08:26:00,plain\n\
         536366,17850,,2.55,2010-12-02 00:00:00,\"has, comma\"\n\
         536367,17850,0.3,-4,2010-12-03 09:05:07.250,\"say \"\"hi\"\"\"\n\
         C536368,100000000000000000000,0.00000015,TRUE,,\"two\nlines\"\n"
    );
    assert_eq!(
        note,
        "sheet Quirks: 4 rows; Quirks: 1 row(s) above the header left out \
         (\"Sales export, December 2010\"); header cell D3 named \"Amount 2\" from the merged \"Amount\""
    );
}

#[test]
fn quirks_sheets_skip_hidden_and_chart_sheets() {
    let listed = sheets(&fixture("quirks.xlsx")).unwrap();
    let names: Vec<(usize, &str)> = listed.iter().map(|s| (s.index, s.name.as_str())).collect();
    assert_eq!(names, [(0, "Quirks"), (1, "Summary")]);
    assert_eq!(
        listed[0].header,
        ["Invoice", "Customer", "Amount", "Amount 2", "When", "Note"]
    );
    // Declared used range A1:J15, header on row 3: 12 rows below (blank ones included).
    assert_eq!(listed[0].rows, Some(12));
    assert_eq!(listed[1].header, ["Customer", "Total"]);
}

#[test]
fn all_leaves_out_a_sheet_with_another_header_and_says_so() {
    let (csv, note) = convert("quirks.xlsx", SheetChoice::All);
    assert_eq!(csv, convert("quirks.xlsx", SheetChoice::Index(0)).0);
    assert!(
        note.ends_with(
            "; sheet Summary left out: its header (Customer, Total) differs from \
             (Invoice, Customer, Amount, Amount 2, When, Note)"
        ),
        "{note}"
    );
    let (summary, note) = convert("quirks.xlsx", SheetChoice::Index(1));
    assert_eq!(summary, "Customer,Total\n17850,18.55\n");
    assert_eq!(note, "sheet Summary: 1 rows");
}

#[test]
fn the_1904_date_system_is_honoured() {
    let (csv, _) = convert("quirks_1904.xlsx", SheetChoice::Index(0));
    assert_eq!(
        csv,
        "Invoice,When\n1,2010-12-01 15:20:00\n2,1904-01-02 00:00:00\n"
    );
}

#[test]
fn broken_inputs_give_specific_errors() {
    let sample = fixture("sample.xlsx");
    let err = |bytes: &[u8]| {
        to_csv(
            bytes,
            &SheetChoice::Index(0),
            DEFAULT_MAX_OUTPUT_BYTES,
            |_| {},
        )
        .unwrap_err()
    };
    assert_eq!(
        err(b"InvoiceNo,Quantity\n1,2\n"),
        WorkbookError::NotAWorkbook {
            found: "text (drop it as CSV)"
        }
    );
    assert_eq!(err(b""), WorkbookError::NotAWorkbook { found: "empty" });
    assert_eq!(
        err(&[0xFF, 0x00, 0x13, 0x37]),
        WorkbookError::NotAWorkbook {
            found: "in an unknown binary format"
        }
    );
    // Cut short: the zip's central directory is gone.
    assert_eq!(err(&sample[..sample.len() / 2]), WorkbookError::Truncated);
    // A zip archive that holds something else.
    let mut zip = Vec::new();
    zip.extend_from_slice(b"PK\x03\x04");
    zip.extend_from_slice(&[0; 26]);
    zip.extend_from_slice(b"PK\x05\x06");
    zip.extend_from_slice(&[0; 18]);
    assert_eq!(
        err(&zip),
        WorkbookError::NotAWorkbook {
            found: "a zip archive"
        }
    );
    // Bytes damaged in the middle of the sheet's compressed XML.
    let mut damaged = sample.clone();
    let middle = damaged.len() / 2;
    for b in &mut damaged[middle..middle + 2000] {
        *b = 0x55;
    }
    assert!(
        matches!(err(&damaged), WorkbookError::Corrupt { .. }),
        "{:?}",
        err(&damaged)
    );
    // An encrypted OOXML workbook is an OLE file with an EncryptedPackage stream.
    let mut encrypted = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    encrypted.extend_from_slice(&[0; 504]);
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(err(&encrypted), WorkbookError::PasswordProtected);
    assert_eq!(
        to_csv(
            &sample,
            &SheetChoice::Index(3),
            DEFAULT_MAX_OUTPUT_BYTES,
            |_| {}
        )
        .unwrap_err(),
        WorkbookError::NoSuchSheet { index: 3, count: 1 }
    );
    // Every prefix of a real workbook: an error, never a panic.
    let quirks = fixture("quirks.xlsx");
    for cut in (0..quirks.len()).step_by(97) {
        assert!(to_csv(
            &quirks[..cut],
            &SheetChoice::All,
            DEFAULT_MAX_OUTPUT_BYTES,
            |_| {}
        )
        .is_err());
    }
}

#[test]
fn output_past_the_limit_is_too_large() {
    let error = to_csv(
        &fixture("sample.xlsx"),
        &SheetChoice::Index(0),
        100_000,
        |_| {},
    )
    .unwrap_err();
    let WorkbookError::TooLarge {
        limit_mb,
        rows,
        ref sheet,
    } = error
    else {
        panic!("{error:?}");
    };
    assert_eq!((limit_mb, sheet.as_str()), (1, "Online Retail"));
    assert!(rows > 500 && rows < 2000, "{rows}");
    assert!(error.to_string().contains("save the sheet as CSV"));
}

#[test]
fn legacy_xls_is_read_too() {
    let (csv, note) = convert("legacy.xls", SheetChoice::Index(0));
    assert_eq!(
        csv,
        "Invoice,Amount,Amount 2,When\n\
         536365,3.5,17850,2010-12-01 08:26:00\n\
         536366,2.55,\"a, b\",2010-12-02 00:00:00\n"
    );
    assert_eq!(
        note,
        "sheet Legacy: 2 rows; Legacy: 1 row(s) above the header left out (\"Old export\"); \
         header cell C3 named \"Amount 2\" from the merged \"Amount\""
    );
}
