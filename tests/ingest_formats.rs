//! Export formats and cleaning rules, each with a hand-computed oracle.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use chrono::{NaiveDate, NaiveDateTime};
use segmento::engine::clean::{CleaningRules, Rule};
use segmento::engine::ingest::{
    ingest_bytes, Field, IngestError, IngestOutcome, IngestSettings, TextEncoding,
};
use segmento::engine::ledger::CustomerHistory;

fn ingest(csv: &[u8]) -> IngestOutcome {
    ingest_bytes(csv, IngestSettings::default()).unwrap_or_else(|e| panic!("ingest failed: {e}"))
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn month(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn customer<'a>(outcome: &'a IngestOutcome, id: &str) -> &'a CustomerHistory {
    outcome
        .ledger
        .customers
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no customer {id}"))
}

/// (invoice, amount) of a customer's purchases, in file order.
fn purchases(outcome: &IngestOutcome, id: &str) -> Vec<(String, f64)> {
    customer(outcome, id)
        .purchases
        .iter()
        .map(|p| (p.invoice.to_string(), (p.amount * 100.0).round() / 100.0))
        .collect()
}

fn ids(outcome: &IngestOutcome) -> Vec<&str> {
    outcome
        .ledger
        .customers
        .iter()
        .map(|c| c.id.as_str())
        .collect()
}

// Line numbers in comments: the header is line 1.
const UCI: &str = "\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850.0,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047.0,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527.0,United Kingdom
536380,22961,JAM MAKING SET PRINTED,24,12/1/2010 9:41,1.45,,United Kingdom
536381,22139,RETROSPOT TEA SET,-2,12/13/2010 10:00,4.95,13047.0,United Kingdom
536382,22140,FREE GIFT,1,1/5/2011 10:00,0,13047.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom
536383,22141,\"MUG, \"\"HOME\"\"\",2,13/45/2011 10:00,1.00,13047.0,United Kingdom
536384,22142,CANDLE,abc,1/5/2011 10:00,1.00,13047.0,United Kingdom
536385,22143,SHORT ROW,1
536386,22144,LATE ITEM,3,1/10/2011 12:00,2.00,12583,France
";

#[test]
fn uci_online_retail_oracle() {
    let outcome = ingest(UCI.as_bytes());
    // 17850: 536365 = 6×2.55 + 6×3.39 = 15.30 + 20.34 = 35.64; 536366 = 6×1.85 = 11.10.
    assert_eq!(ids(&outcome), vec!["17850", "13047", "12583"]);
    assert_eq!(
        purchases(&outcome, "17850"),
        vec![("536365".into(), 35.64), ("536366".into(), 11.10)]
    );
    let first = &customer(&outcome, "17850").purchases[0];
    assert_eq!(first.at, at("2010-12-01 08:26"));
    // 13047: only 536367 = 32×1.69 = 54.08 survives.
    assert_eq!(purchases(&outcome, "13047"), vec![("536367".into(), 54.08)]);
    assert_eq!(
        customer(&outcome, "12583").country.as_deref(),
        Some("France")
    );
    assert_eq!(
        customer(&outcome, "17850").country.as_deref(),
        Some("United Kingdom")
    );

    let report = &outcome.report;
    assert_eq!((report.rows_read, report.rows_kept), (13, 5));
    assert_eq!((report.customers, report.invoices), (3, 4));
    for (rule, count, line) in [
        (Rule::Cancellation, 1, 6),
        (Rule::MissingCustomer, 1, 7),
        (Rule::Return, 1, 8),
        (Rule::NonPositivePrice, 1, 9),
        (Rule::Duplicate, 1, 10),
        (Rule::Unparseable, 3, 11),
    ] {
        let rule_report = report.rule(rule).unwrap();
        assert_eq!(rule_report.count, count, "{rule:?}");
        assert_eq!(rule_report.examples[0].row, Some(line), "{rule:?}");
        assert!(rule_report.enabled);
    }
    let unparseable = &report.rule(Rule::Unparseable).unwrap().examples;
    assert!(
        unparseable[0]
            .reason
            .starts_with("InvoiceDate = \"13/45/2011 10:00\": expected a valid calendar date"),
        "{}",
        unparseable[0].reason
    );
    assert!(unparseable[0].excerpt.contains("MUG, \"HOME\""));
    assert_eq!(unparseable[1].row, Some(12));
    assert!(unparseable[1]
        .reason
        .starts_with("Quantity = \"abc\": expected a number"));
    assert_eq!(
        (unparseable[2].row, unparseable[2].reason.as_str()),
        (Some(13), "expected 8 fields, found 4")
    );

    // Dec 2010: 15.30 + 20.34 + 11.10 + 54.08 = 100.82 over 3 invoices; Jan 2011: 6.00.
    let monthly = &outcome.ledger.monthly;
    assert_eq!(monthly.len(), 2);
    assert_eq!((monthly[0].month, monthly[0].orders), (month(2010, 12), 3));
    assert!(close(monthly[0].revenue, 100.82));
    assert_eq!((monthly[1].month, monthly[1].orders), (month(2011, 1), 1));
    assert!(close(monthly[1].revenue, 6.0));

    let format = &outcome.format;
    assert_eq!(format.delimiter, b',');
    assert_eq!(format.date_format.description, "M/D/YYYY H:MM");
    assert!(!format.date_format.day_first);
    assert!(!format.decimal_comma);
}

#[test]
fn cancellations_switched_off_flow_into_the_ledger() {
    let settings = IngestSettings {
        rules: CleaningRules {
            drop_cancellations: false,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    };
    let outcome = ingest_bytes(UCI.as_bytes(), settings).unwrap();
    // The cancellation is kept as is: −1 × 27.50, not re-judged as a return.
    assert_eq!(ids(&outcome), vec!["17850", "13047", "14527", "12583"]);
    assert_eq!(
        purchases(&outcome, "14527"),
        vec![("C536379".into(), -27.5)]
    );
    let cancellations = outcome.report.rule(Rule::Cancellation).unwrap();
    assert_eq!(
        (
            cancellations.enabled,
            cancellations.count,
            cancellations.matched_but_kept
        ),
        (false, 0, 1)
    );
    assert!(close(outcome.ledger.monthly[0].revenue, 100.82 - 27.5));
}

#[test]
fn other_rules_switched_off() {
    let settings = IngestSettings {
        rules: CleaningRules {
            drop_missing_customer: false,
            drop_returns: false,
            drop_non_positive_price: false,
            drop_duplicates: false,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    };
    let outcome = ingest_bytes(UCI.as_bytes(), settings).unwrap();
    // Duplicate line 10 is folded into 536365: 35.64 + 20.34.
    assert_eq!(
        purchases(&outcome, "17850"),
        vec![("536365".into(), 55.98), ("536366".into(), 11.10)]
    );
    // 536381 = −2×4.95, 536382 = 1×0.
    assert_eq!(
        purchases(&outcome, "13047"),
        vec![
            ("536367".into(), 54.08),
            ("536381".into(), -9.9),
            ("536382".into(), 0.0)
        ]
    );
    // 24 × 1.45 = 34.80 under the placeholder id.
    assert_eq!(
        purchases(&outcome, "(no customer id)"),
        vec![("536380".into(), 34.8)]
    );
    assert_eq!(outcome.report.rows_kept, 9);
}

#[test]
fn online_retail_ii_oracle() {
    let csv = "\
Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
489434,85048,15CM CHRISTMAS GLASS BALL,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom
489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom
489435,22350,CAT BOWL,12,2009-12-01 07:46:00,2.55,13085.0,United Kingdom
489436,48173C,DOOR MAT,10,2010-01-01 09:06:00,5.95,13078.0,United Kingdom
";
    let outcome = ingest(csv.as_bytes());
    // 489434 = 12×6.95 + 12×6.75 = 83.40 + 81.00 = 164.40; 489435 = 30.60.
    assert_eq!(
        purchases(&outcome, "13085"),
        vec![("489434".into(), 164.4), ("489435".into(), 30.6)]
    );
    assert_eq!(purchases(&outcome, "13078"), vec![("489436".into(), 59.5)]);
    assert_eq!(
        outcome.format.mapping.get(Field::UnitPrice).unwrap().header,
        "Price"
    );
    assert_eq!(outcome.format.date_format.description, "YYYY-MM-DD H:MM:SS");
}

#[test]
fn shopify_orders_oracle() {
    let csv = "\
Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Billing Country,Id
#1001,ann@example.com,paid,2023-03-01 10:00:00 +0100,EUR,30.00,35.00,2023-03-01 10:00:00 +0100,2,Mug,10.00,DE,5001
#1001,ann@example.com,,,,,,2023-03-01 10:00:00 +0100,1,Plate,10.00,,5001
#1002,Bob@Example.com,paid,2023-04-02 11:30:00 -0500,USD,16.50,16.50,2023-04-02 11:30:00 -0500,3,Cup,5.50,US,5002
#1003,ANN@example.com,paid,2023-04-15 09:00:00 +0100,EUR,12.00,17.00,2023-04-15 09:00:00 +0100,1,Bowl,12.00,DE,5003
#1004,carl@example.com,refunded,2023-05-01 08:00:00 +0200,EUR,35.00,35.00,2023-05-01 08:00:00 +0200,1,Vase,20.00,FR,5004
#1004,carl@example.com,,,,,,2023-05-01 08:00:00 +0200,1,Lamp,15.00,,5004
";
    let outcome = ingest(csv.as_bytes());
    // Amount = Lineitem quantity × Lineitem price; the order Total (35.00) is ignored.
    assert_eq!(ids(&outcome), vec!["ann@example.com", "bob@example.com"]);
    assert_eq!(
        purchases(&outcome, "ann@example.com"),
        vec![("#1001".into(), 30.0), ("#1003".into(), 12.0)]
    );
    assert_eq!(
        purchases(&outcome, "bob@example.com"),
        vec![("#1002".into(), 16.5)]
    );
    // Wall time is kept; the offset is dropped.
    assert_eq!(
        customer(&outcome, "bob@example.com").purchases[0].at,
        at("2023-04-02 11:30")
    );
    assert_eq!(
        customer(&outcome, "ann@example.com").country.as_deref(),
        Some("DE")
    );
    // Both lines of the refunded order go: the second inherits the first's status.
    assert_eq!(outcome.report.removed(Rule::Unpaid), 2);
}

#[test]
fn woocommerce_orders_oracle() {
    let csv = "\
Order ID,Order Number,Order Status,Order Date,Customer User ID,Billing Email,Billing Country,Item Name,Quantity,Item Cost,Order Total
101,101,completed,2023-01-05 14:00,0,guest@example.com,GB,T-shirt,2,15.00,30.00
102,102,processing,2023-01-06 09:15,7,jo@example.com,GB,Hoodie,1,40.00,55.00
102,102,processing,2023-01-06 09:15,7,jo@example.com,GB,Socks,3,5.00,55.00
103,103,cancelled,2023-01-07 10:00,7,jo@example.com,GB,Cap,1,12.00,12.00
104,104,completed,2023-02-10 16:45,0,guest@example.com,GB,Mug,1,8.50,8.50
";
    let outcome = ingest(csv.as_bytes());
    assert_eq!(
        purchases(&outcome, "guest@example.com"),
        vec![("101".into(), 30.0), ("104".into(), 8.5)]
    );
    // 102 = 1×40 + 3×5 = 55; 103 was cancelled.
    assert_eq!(
        purchases(&outcome, "jo@example.com"),
        vec![("102".into(), 55.0)]
    );
    assert_eq!(outcome.report.removed(Rule::Unpaid), 1);
    let monthly = &outcome.ledger.monthly;
    assert_eq!((monthly[0].orders, monthly[1].orders), (2, 1));
    assert!(close(monthly[0].revenue, 85.0));
}

#[test]
fn stripe_payments_oracle() {
    let csv = "\
id,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Customer Email
ch_1,2023-06-01 12:00:00,100.00,0.00,usd,Paid,cus_A,a@x.com
ch_2,2023-06-03 08:30:00,50.00,20.00,usd,Paid,cus_A,a@x.com
ch_3,2023-06-04 09:00:00,70.00,70.00,usd,Refunded,cus_B,b@x.com
ch_4,2023-06-05 10:00:00,25.00,0.00,usd,Failed,cus_B,b@x.com
ch_5,2023-07-01 00:00:00,40.00,0.00,usd,succeeded,cus_B,b@x.com
ch_6,2023-07-02 00:00:00,15.00,15.00,usd,Paid,cus_C,c@x.com
";
    let outcome = ingest(csv.as_bytes());
    // ch_2 nets 50 − 20 = 30; ch_6 nets 0 and is dropped as non-positive.
    assert_eq!(ids(&outcome), vec!["cus_A", "cus_B"]);
    assert_eq!(
        purchases(&outcome, "cus_A"),
        vec![("ch_1".into(), 100.0), ("ch_2".into(), 30.0)]
    );
    assert_eq!(purchases(&outcome, "cus_B"), vec![("ch_5".into(), 40.0)]);
    assert_eq!(outcome.report.removed(Rule::Unpaid), 2);
    assert_eq!(outcome.report.removed(Rule::NonPositivePrice), 1);
    assert_eq!(
        outcome.report.removed(Rule::Cancellation),
        0,
        "ch_ ids are not cancellations"
    );
}

#[test]
fn plain_customer_date_amount() {
    let csv = "customer_id,date,amount\nc1,2024-01-15,10\nc2,2024-01-20,5.5\nc1,2024-02-01,7.25\n";
    let outcome = ingest(csv.as_bytes());
    // No invoice column: each line is a purchase named by its row number.
    assert_eq!(
        purchases(&outcome, "c1"),
        vec![("2".into(), 10.0), ("4".into(), 7.25)]
    );
    assert_eq!(purchases(&outcome, "c2"), vec![("3".into(), 5.5)]);
    let monthly = &outcome.ledger.monthly;
    assert_eq!((monthly[0].month, monthly[0].orders), (month(2024, 1), 2));
    assert!(close(monthly[0].revenue, 15.5));
    assert_eq!((monthly[1].month, monthly[1].orders), (month(2024, 2), 1));
}

#[test]
fn semicolon_decimal_comma_latin1() {
    let csv: &[u8] = b"Kunde;Rechnung;Datum;Menge;Preis;Land\n\
M\xFCller;R1;01.02.2011;2;12,50;Deutschland\n\
M\xFCller;R1;01.02.2011;1;\"1.234,50\";Deutschland\n\
Dupont;R2;13.02.2011;3;0,99 \x80;Frankreich\n";
    let outcome = ingest(csv);
    assert_eq!(outcome.format.encoding, TextEncoding::Windows1252);
    assert_eq!(outcome.format.delimiter, b';');
    assert!(outcome.format.decimal_comma);
    assert!(outcome.format.date_format.day_first);
    // R1 = 2×12.50 + 1×1234.50 = 1259.50; R2 = 3×0.99 (the € is 0x80 in Windows-1252).
    assert_eq!(purchases(&outcome, "Müller"), vec![("R1".into(), 1259.5)]);
    assert_eq!(purchases(&outcome, "Dupont"), vec![("R2".into(), 2.97)]);
    assert_eq!(
        customer(&outcome, "Dupont").purchases[0].at,
        at("2011-02-13 00:00")
    );
}

#[test]
fn bom_crlf_and_multiline_quoted_fields() {
    let csv = "\u{feff}CustomerID,InvoiceNo,InvoiceDate,Description,Quantity,UnitPrice\r\n\
17850,536365,2010-12-01 08:26,\"Line one\r\nline two, with comma\",2,1.50\r\n\
17850,536366,2010-12-02 09:00,\"He said \"\"hi\"\"\",1,4.00\r\n\
17850,536367,yesterday,plain,1,4.00\r\n";
    let outcome = ingest(csv.as_bytes());
    assert!(outcome.format.has_bom);
    assert_eq!(
        purchases(&outcome, "17850"),
        vec![("536365".into(), 3.0), ("536366".into(), 4.0)]
    );
    // Record 2 spans lines 2–3, so the bad record starts on line 5.
    let bad = &outcome.report.rule(Rule::Unparseable).unwrap().examples[0];
    assert_eq!(bad.row, Some(5));
    assert!(bad.reason.contains("InvoiceDate = \"yesterday\""));
}

#[test]
fn day_month_contradiction_after_sniff_window() {
    // Ambiguous dates fill more than the 64 KiB window, then 13/02 appears.
    let mut csv = String::from("customer_id,date,amount\n");
    while csv.len() < 70_000 {
        csv.push_str("c1,01/02/2011,1\n");
    }
    csv.push_str("c2,13/02/2011,5\n");
    let outcome = ingest(csv.as_bytes());
    assert!(!outcome.format.date_format.day_first);
    assert!(outcome
        .format
        .date_format
        .explanation
        .contains("ambiguous, assumed month-first"));
    let unparseable = outcome.report.rule(Rule::Unparseable).unwrap();
    assert_eq!(unparseable.count, 1);
    assert!(
        unparseable.examples[0].reason.contains("assumed"),
        "{}",
        unparseable.examples[0].reason
    );
    assert_eq!(
        customer(&outcome, "c1").purchases[0].at,
        at("2011-01-02 00:00")
    );

    // Telling the engine the order re-reads everything day-first.
    let settings = IngestSettings {
        day_first: Some(true),
        ..IngestSettings::default()
    };
    let outcome = ingest_bytes(csv.as_bytes(), settings).unwrap();
    assert_eq!(outcome.report.removed(Rule::Unparseable), 0);
    assert_eq!(
        customer(&outcome, "c1").purchases[0].at,
        at("2011-02-01 00:00")
    );
    assert_eq!(
        customer(&outcome, "c2").purchases[0].at,
        at("2011-02-13 00:00")
    );
}

#[test]
fn outlier_customers_above_quantile() {
    let mut csv = String::from("customer_id,date,amount\n");
    for i in 1..=100 {
        csv.push_str(&format!("c{i},2024-03-01,{i}\n"));
    }
    let settings = IngestSettings {
        rules: CleaningRules {
            drop_outliers: true,
            outlier_quantile: 0.99,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    };
    let outcome = ingest_bytes(csv.as_bytes(), settings).unwrap();
    // Nearest-rank 0.99 quantile of 1..=100 is 99: only c100 goes.
    assert_eq!(outcome.report.outlier_threshold, Some(99.0));
    assert_eq!(outcome.report.removed(Rule::Outlier), 1);
    assert_eq!(outcome.report.customers, 99);
    assert!(!ids(&outcome).contains(&"c100"));
    assert!(close(outcome.ledger.monthly[0].revenue, 4950.0));
    assert_eq!(outcome.ledger.monthly[0].orders, 99);
    // Off by default.
    assert_eq!(ingest(csv.as_bytes()).report.customers, 100);
}

#[test]
fn user_mapping_override() {
    let csv = "who,when,what,how many,each\nx,2024-01-01,tea,2,3.5\n";
    let mut mapping = segmento::engine::ingest::sniff(csv.as_bytes())
        .unwrap()
        .mapping;
    mapping.set(Field::CustomerId, Some(0));
    mapping.set(Field::Date, Some(1));
    mapping.set(Field::Quantity, Some(3));
    mapping.set(Field::UnitPrice, Some(4));
    let settings = IngestSettings {
        mapping: Some(mapping),
        ..IngestSettings::default()
    };
    let outcome = ingest_bytes(csv.as_bytes(), settings.clone()).unwrap();
    assert_eq!(purchases(&outcome, "x"), vec![("2".into(), 7.0)]);
    assert_eq!(
        outcome.format.mapping.get(Field::Quantity).unwrap().header,
        "how many"
    );
    // Settings and outcome cross the worker boundary as JSON.
    let json = serde_json::to_string(&settings).unwrap();
    assert_eq!(
        serde_json::from_str::<IngestSettings>(&json).unwrap(),
        settings
    );
    let json = serde_json::to_string(&outcome).unwrap();
    assert_eq!(
        serde_json::from_str::<IngestOutcome>(&json).unwrap(),
        outcome
    );
    assert_eq!(
        serde_json::from_str::<IngestSettings>("{}").unwrap(),
        IngestSettings::default()
    );
}

#[test]
fn fatal_errors() {
    let run = |bytes: &[u8]| ingest_bytes(bytes, IngestSettings::default()).unwrap_err();
    assert_eq!(run(b""), IngestError::Empty);
    assert!(matches!(
        run(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        IngestError::NotText { .. }
    ));
    assert_eq!(run(b"customer_id,date,amount\n"), IngestError::NoDataRows);
    match run(b"name,city\nann,paris\n") {
        IngestError::MissingColumns { missing, found } => {
            assert!(missing.contains(&"customer id".to_string()));
            assert_eq!(found, vec!["name".to_string(), "city".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    match run(b"customer_id,date,amount\nc1,2024-01-01,-5\nc2,2024-01-02,-1\n") {
        IngestError::AllRowsRejected { rows, breakdown } => {
            assert_eq!(rows, 2);
            assert!(breakdown.starts_with("2 by returns"), "{breakdown}");
        }
        other => panic!("{other:?}"),
    }
    let mut unclosed = b"customer_id,date,amount\nc1,2024-01-01,\"".to_vec();
    unclosed.extend(std::iter::repeat_n(b'9', 1_100_000));
    assert!(matches!(
        run(&unclosed),
        IngestError::RecordTooLong { line: 2, .. }
    ));
    // Errors render as readable messages.
    assert_eq!(
        run(b"name,city\nann,paris\n").to_string(),
        "no customer id, no date, no amount (or quantity and unit price) column found; columns are: name, city"
    );
}

#[test]
fn a_row_is_a_duplicate_when_its_fields_are_equal_however_quoted() {
    let csv = "\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1,A,\"Mug, blue\",1,2024-01-05 10:00,2.00,C1,UK
1,A,\"Mug\",1,2024-01-05 10:00,3.00,C1,UK
1,A,\"Mug, blue\",1,2024-01-05 10:00,2.00,C1,UK
1,A,Mug,1,2024-01-05 10:00,3.00,C1,UK
\"1\",\"A\",\"Mug\",\"1\",\"2024-01-05 10:00\",\"3.00\",\"C1\",\"UK\"
2,\"A,B\",C,1,2024-01-06 10:00,5.00,C1,UK
2,A,\"B,C\",1,2024-01-06 10:00,5.00,C1,UK
2,A,B,C,2024-01-06 10:00,5.00,C1
";
    let outcome = ingest(csv.as_bytes());
    // Lines 4–6 repeat lines 2–3 (quoted or not); lines 7 and 8 differ in
    // where a comma sits, and line 9 is a different (unparseable) row.
    assert_eq!(
        purchases(&outcome, "C1"),
        vec![("1".into(), 5.0), ("2".into(), 10.0)]
    );
    assert_eq!(outcome.report.removed(Rule::Duplicate), 3);
}
