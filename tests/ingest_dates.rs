//! Date forms end to end: each form read from a small file with a
//! hand-computed oracle, and rows after the sniff window in another form
//! reported as unparseable with a reason.

// A panic here is a failing test, not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveDateTime};
use segmento::engine::clean::Rule;
use segmento::engine::ingest::{
    ingest_bytes, sniff, DateKind, DayMonthDecision, IngestOutcome, IngestSettings,
};

fn ingest(csv: &str) -> IngestOutcome {
    ingest_bytes(csv.as_bytes(), IngestSettings::default())
        .unwrap_or_else(|e| panic!("ingest failed: {e}"))
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, s)
        .unwrap()
}

/// The purchase times of a customer, in file order.
fn times(outcome: &IngestOutcome, id: &str) -> Vec<NaiveDateTime> {
    outcome
        .ledger
        .customers
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no customer {id}"))
        .purchases
        .iter()
        .map(|p| p.at)
        .collect()
}

#[test]
fn each_form_with_an_oracle() {
    let cases: [(&str, DateKind, &str, NaiveDateTime); 7] = [
        (
            "c1,20111209,10\nc1,20111210,5\n",
            DateKind::Compact,
            "YYYYMMDD",
            at(2011, 12, 9, 0, 0, 0),
        ),
        (
            "c1,20111209125000,10\n",
            DateKind::Compact,
            "YYYYMMDDHHMMSS",
            at(2011, 12, 9, 12, 50, 0),
        ),
        (
            "c1,1323435000,10\nc1,1323521400,5\n",
            DateKind::EpochSeconds,
            "Unix time (seconds, UTC)",
            at(2011, 12, 9, 12, 50, 0),
        ),
        (
            "c1,1323435000000,10\n",
            DateKind::EpochMillis,
            "Unix time (milliseconds, UTC)",
            at(2011, 12, 9, 12, 50, 0),
        ),
        (
            "c1,40886.5,10\nc1,40887,5\n",
            DateKind::ExcelSerial,
            "Excel serial day number (1900 system)",
            at(2011, 12, 9, 12, 0, 0),
        ),
        (
            "c1,09-Dec-2011 12:50,10\nc1,10-Dec-2011 08:00,5\n",
            DateKind::MonthName,
            "D-Mon-YYYY H:MM",
            at(2011, 12, 9, 12, 50, 0),
        ),
        (
            "c1,\"December 9, 2011\",10\nc1,\"December 10, 2011\",5\n",
            DateKind::MonthName,
            "Month D, YYYY",
            at(2011, 12, 9, 0, 0, 0),
        ),
    ];
    for (rows, kind, description, first) in cases {
        let csv = format!("customer_id,date,amount\n{rows}");
        let report = sniff(csv.as_bytes()).unwrap();
        assert!(report.problems.is_empty(), "{rows}: {:?}", report.problems);
        let outcome = ingest(&csv);
        let format = &outcome.format.date_format;
        assert_eq!(
            (format.kind, format.description.as_str()),
            (kind, description),
            "{rows}"
        );
        assert_eq!(format.decision, DayMonthDecision::NotNeeded);
        assert_eq!(outcome.report.removed(Rule::Unparseable), 0, "{rows}");
        assert_eq!(times(&outcome, "c1").first(), Some(&first), "{rows}");
    }
}

/// The sniff window filled with `row`, then `later` rows.
fn past_the_window(row: &str, later: &str) -> String {
    let mut csv = String::from("customer_id,date,amount\n");
    while csv.len() < 70_000 {
        csv.push_str(row);
    }
    csv.push_str(later);
    csv
}

#[test]
fn another_form_after_the_sniff_window_is_unparseable() {
    let cases = [
        (
            "c1,20111209,1\n",
            "c2,2011-12-10,5\nc3,20111210,2\n",
            DateKind::Compact,
            "date = \"2011-12-10\": expected a compact date YYYYMMDD",
            "this value is an ISO or day/month date",
            at(2011, 12, 10, 0, 0, 0),
        ),
        (
            "c1,40886,1\n",
            "c2,1323435000,5\nc3,40887.25,2\n",
            DateKind::ExcelSerial,
            "date = \"1323435000\": expected an Excel serial day number",
            "this value is Unix time in seconds",
            at(2011, 12, 10, 6, 0, 0),
        ),
        (
            "c1,1323435000,1\n",
            "c2,1323435000000,5\nc3,1323521400,2\n",
            DateKind::EpochSeconds,
            "date = \"1323435000000\": expected Unix time in seconds",
            "this value is Unix time in milliseconds",
            at(2011, 12, 10, 12, 50, 0),
        ),
        (
            "c1,9 Dec 2011,1\n",
            "c2,12/10/2011,5\nc3,\"Dec 10, 2011\",2\n",
            DateKind::MonthName,
            "date = \"12/10/2011\": expected a date with an English month name",
            "this value is an ISO or day/month date",
            at(2011, 12, 10, 0, 0, 0),
        ),
    ];
    for (row, later, kind, starts, contains, c3) in cases {
        let outcome = ingest(&past_the_window(row, later));
        assert_eq!(outcome.format.date_format.kind, kind);
        let unparseable = outcome.report.rule(Rule::Unparseable).unwrap();
        assert_eq!(unparseable.count, 1, "{later}");
        let reason = &unparseable.examples[0].reason;
        assert!(reason.starts_with(starts), "{reason}");
        assert!(
            reason.contains("as decided from the first 64 KiB"),
            "{reason}"
        );
        assert!(reason.contains(contains), "{reason}");
        assert!(outcome.ledger.customers.iter().all(|c| c.id != "c2"));
        assert_eq!(times(&outcome, "c3"), vec![c3], "{later}");
    }
}

#[test]
fn numbers_that_fit_no_single_form_are_not_dates() {
    // Ids in the date column: nothing is read as a date, and the sniff says why.
    let csv = "customer_id,date,amount\nc1,20111209,1\nc2,123,1\n";
    let report = sniff(csv.as_bytes()).unwrap();
    let format = report.date_format.unwrap();
    assert_eq!(format.kind, DateKind::Separated);
    assert_eq!(
        format.explanation,
        "not read as a compact YYYYMMDD date: 1 of the 2 numbers in the first 64 KiB are \
         (e.g. 20111209), but not all (e.g. 123)"
    );
    assert!(
        report.problems[0]
            .starts_with("most values of the date column \"date\" are not recognised"),
        "{:?}",
        report.problems
    );
}
