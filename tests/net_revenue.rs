//! Returns as net revenue: each customer's set-aside cancellations and
//! returns subtracted from monetary (never below 0), said in the
//! definitions and the export's column name; hand-computed oracles.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use chrono::NaiveDate;
use segmento::engine::clean::CleaningRules;
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use segmento::engine::rfm::{self, ReferenceDate, RfmSettings, NET_OF_RETURNS};

/// A: buys 10 × 2.00 and 5 × 4.00, returns 3 × 2.00 (C-invoice) and 1 ×
/// 4.00 (plain negative quantity) — net 40 − 10 = 30.
/// B: buys 1 × 5.00, cancels 4 × 5.00 — net 5 − 20 < 0, so 0.
/// C: only a return — no customer, the return is unmatched.
/// D: buys 2 × 3.00 on 1 Dec, returns 1 × 3.00 on 9 Dec (after a reference of 5 Dec).
const FILE: &str = "\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1,X,Thing,10,2011-11-01 10:00,2.00,A,UK
2,Y,Other,5,2011-11-02 10:00,4.00,A,UK
C3,X,Thing,-3,2011-11-03 10:00,2.00,A,UK
4,Y,Other,-1,2011-11-04 10:00,4.00,A,UK
5,X,Thing,1,2011-11-05 10:00,5.00,B,UK
C6,X,Thing,-4,2011-11-06 10:00,5.00,B,UK
C7,X,Thing,-2,2011-11-07 10:00,1.00,C,UK
8,X,Thing,2,2011-12-01 10:00,3.00,D,UK
C9,X,Thing,-1,2011-12-09 10:00,3.00,D,UK
";

fn settings(net: bool) -> IngestSettings {
    IngestSettings {
        rules: CleaningRules {
            net_returns: net,
            ..CleaningRules::default()
        },
        ..IngestSettings::default()
    }
}

fn monetary(table: &rfm::RfmTable, id: &str) -> f64 {
    table
        .rows
        .iter()
        .find(|r| r.customer_id == id)
        .map(|r| r.monetary)
        .unwrap()
}

#[test]
fn returns_are_subtracted_per_customer_and_never_below_zero() {
    let gross = ingest_bytes(FILE.as_bytes(), settings(false)).unwrap();
    let net = ingest_bytes(FILE.as_bytes(), settings(true)).unwrap();
    // The same lines are set aside either way; only their value is kept.
    assert_eq!(gross.report.rows_kept, net.report.rows_kept);
    assert_eq!(gross.report.rows_kept, 4);
    assert!(!gross.ledger.net_returns && net.ledger.net_returns);
    assert_eq!(
        (net.report.returns_matched, net.report.returns_unmatched),
        (4, 1)
    );
    assert_eq!(
        (gross.report.returns_matched, gross.report.returns_unmatched),
        (0, 0)
    );

    let rfm_settings = RfmSettings::default();
    let g = rfm::compute(&gross.ledger, &rfm_settings).unwrap();
    let n = rfm::compute(&net.ledger, &rfm_settings).unwrap();
    assert!(!g.net_of_returns && n.net_of_returns);
    assert_eq!(monetary(&g, "A"), 40.0);
    assert_eq!(monetary(&n, "A"), 30.0);
    assert_eq!(monetary(&g, "B"), 5.0);
    assert_eq!(monetary(&n, "B"), 0.0);
    // Reference: the day after the last purchase (2 Dec), so D's return on 9 Dec is after it.
    assert_eq!(
        n.reference_date,
        NaiveDate::from_ymd_opt(2011, 12, 2).unwrap()
    );
    assert_eq!(monetary(&n, "D"), 6.0);
    assert!(n.rows.iter().all(|r| r.customer_id != "C"));
    // Frequency is purchases either way.
    let freq = |t: &rfm::RfmTable| t.rows.iter().map(|r| r.frequency).collect::<Vec<_>>();
    assert_eq!(freq(&g), freq(&n));

    // A fixed reference after D's return takes it off too.
    let later = RfmSettings {
        reference: ReferenceDate::Fixed(NaiveDate::from_ymd_opt(2011, 12, 10).unwrap()),
        ..RfmSettings::default()
    };
    assert_eq!(
        monetary(&rfm::compute(&net.ledger, &later).unwrap(), "D"),
        3.0
    );
}

#[test]
fn the_definitions_and_the_export_say_net() {
    // The sample, so there are customers enough to analyse.
    let sample = std::fs::read("public/sample.csv").unwrap();
    let net = ingest_bytes(&sample, settings(true)).unwrap();
    let gross = ingest_bytes(&sample, settings(false)).unwrap();
    assert!(net.report.returns_matched > 0);
    let analyse = |ledger| analyze(ledger, &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
    let (n, g) = (analyse(&net.ledger), analyse(&gross.ledger));
    assert!(
        n.overview.definitions.contains(NET_OF_RETURNS),
        "{}",
        n.overview.definitions
    );
    assert!(
        !g.overview.definitions.contains(NET_OF_RETURNS),
        "{}",
        g.overview.definitions
    );
    let csv = String::from_utf8(n.customers_csv()).unwrap();
    assert!(
        csv.lines().next().unwrap().contains(",monetary_net_total,"),
        "{}",
        csv.lines().next().unwrap()
    );
    // Net monetary is gross minus each customer's returns, floored at 0, customer by customer.
    let mut lowered = 0;
    for (net_row, gross_row) in n.rfm.rows.iter().zip(&g.rfm.rows) {
        assert_eq!(net_row.customer_id, gross_row.customer_id);
        let customer = net
            .ledger
            .customers
            .iter()
            .find(|c| c.id == net_row.customer_id)
            .unwrap();
        let returned: f64 = customer
            .returns
            .iter()
            .filter(|r| r.at.date() < n.rfm.reference_date)
            .map(|r| r.amount)
            .sum();
        let expected = (gross_row.monetary - returned).max(0.0);
        assert!(
            (net_row.monetary - expected).abs() < 1e-9,
            "{}",
            net_row.customer_id
        );
        lowered += usize::from(net_row.monetary < gross_row.monetary);
    }
    assert!(lowered > 0);
}
