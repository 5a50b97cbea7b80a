//! Dates at the ends of what the parsers accept (the year 1900 beside the
//! year 9999, Unix seconds, Excel serial days) through the whole analysis
//! and every view. With the date rule on they are set aside and reported;
//! with it off every result is still bounded (a century of months once made
//! the cohort table take all memory) and every view answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::clean::Rule;
use segmento::engine::clv::ClvSettings;
use segmento::engine::cohorts::MAX_COHORT_MONTHS;
use segmento::engine::ingest::IngestSettings;
use segmento::engine::pipeline::AnalysisSettings;
use segmento::session::run::analyse_bytes;
use segmento::session::{ExportKind, Session, SessionReply, SessionRequest};
use segmento::views::chart_inputs::ScatterView;
use segmento::views::customer_table::TableQuery;
use segmento::views::dashboard::{Dashboard, DataSource};

/// 40 lines on each of `dates` (as the file writes them), 60 customers.
fn with_dates(dates: &[&str]) -> Vec<u8> {
    let mut csv = String::from("InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n");
    for (i, date) in dates.iter().enumerate() {
        for c in 0..40 {
            let customer = 1000 + (c * 7 + i) % 60;
            csv.push_str(&format!(
                "{},{customer},{date},{},{}.5\n",
                i * 100 + c,
                1 + c % 5,
                c % 9 + 1
            ));
        }
    }
    csv.into_bytes()
}

fn settings(drop_out_of_range_dates: bool) -> IngestSettings {
    let mut settings = IngestSettings::default();
    settings.rules.drop_out_of_range_dates = drop_out_of_range_dates;
    settings
}

/// Every view and download of `session`: each answers.
fn every_view(session: &mut Session) {
    for request in [
        SessionRequest::PredictClv(ClvSettings::default()),
        SessionRequest::Rules { depth: 3 },
        SessionRequest::Scatter(ScatterView::Pca),
        SessionRequest::Scatter(ScatterView::RecencyMonetary),
        SessionRequest::CustomerPage(TableQuery::default()),
        SessionRequest::Customer { index: 0 },
        SessionRequest::Export(ExportKind::CustomersCsv),
        SessionRequest::Export(ExportKind::ModelJson),
        SessionRequest::Export(ExportKind::PredictionsCsv),
    ] {
        let predicts = matches!(
            request,
            SessionRequest::PredictClv(_) | SessionRequest::Export(ExportKind::PredictionsCsv)
        );
        match session.handle(request.clone()) {
            Ok(_) => {}
            // A fit that does not converge on a few customers is said, not drawn.
            Err(e) if predicts => assert!(e.to_string().len() > 20, "{request:?}: {e}"),
            Err(e) => panic!("{request:?}: {e}"),
        }
    }
}

fn out_of_range(dashboard: &Dashboard) -> (u64, u64, Vec<String>) {
    let DataSource::Transactions { report, .. } = &dashboard.source else {
        panic!("transactions expected")
    };
    let rule = report.rule(Rule::OutOfRangeDate).unwrap();
    let reasons = rule.examples.iter().map(|e| e.reason.clone()).collect();
    (rule.count, rule.matched_but_kept, reasons)
}

#[test]
fn the_years_1900_and_9999_are_set_aside_and_said() {
    let file = with_dates(&["1900-01-01", "2011-03-04", "2011-06-07", "9999-12-31"]);
    let mut session = analyse_bytes(
        "dates.csv",
        &file,
        &settings(true),
        &AnalysisSettings::default(),
    )
    .unwrap();
    let dashboard = session.dashboard();
    let (count, kept, reasons) = out_of_range(&dashboard);
    assert_eq!((count, kept), (80, 0));
    assert!(
        reasons[0].starts_with("date 1900-01-01 is not within 1990-01-01 … 2100-12-31"),
        "{reasons:?}"
    );
    // The reference date follows the plausible purchases, not the typo.
    assert_eq!(dashboard.overview.first_purchase, "2011-03-04");
    assert_eq!(dashboard.overview.reference_date, "2011-06-08");
    every_view(&mut session);
}

#[test]
fn with_the_rule_off_every_result_stays_bounded() {
    let file = with_dates(&["1900-01-01", "2011-03-04", "2011-06-07", "9999-12-31"]);
    let mut session = analyse_bytes(
        "dates.csv",
        &file,
        &settings(false),
        &AnalysisSettings::default(),
    )
    .unwrap();
    let dashboard = session.dashboard();
    assert_eq!(
        out_of_range(&dashboard).1,
        80,
        "matched, kept as the user asked"
    );
    assert_eq!(dashboard.overview.reference_date, "+10000-01-01");
    let cohorts = dashboard
        .distributions
        .cohorts
        .as_ref()
        .map_or(0, |c| c.rows.len());
    assert!(cohorts as i64 <= MAX_COHORT_MONTHS, "{cohorts} cohort rows");
    every_view(&mut session);
    let Ok(SessionReply::Download(csv)) =
        session.handle(SessionRequest::Export(ExportKind::CustomersCsv))
    else {
        panic!("a customers CSV")
    };
    assert_eq!(String::from_utf8(csv.bytes).unwrap().lines().count(), 61);
}

#[test]
fn unix_seconds_and_excel_serials_at_their_extremes() {
    // 0 s is 1970-01-01; 253,402,300,799 s is 9999-12-31 23:59:59.
    // Excel serial 1 is 1900-01-01 and 2,958,465 is 9999-12-31.
    for dates in [
        ["0", "1299196800", "1307404800", "253402300799"],
        ["1", "40606", "40701", "2958465"],
    ] {
        for rule in [true, false] {
            let file = with_dates(&dates);
            let outcome = analyse_bytes(
                "numbers.csv",
                &file,
                &settings(rule),
                &AnalysisSettings::default(),
            );
            let Ok(mut session) = outcome else {
                // A clear refusal is fine (numbers that are not dates); a panic is not.
                continue;
            };
            if rule {
                assert_eq!(out_of_range(&session.dashboard()).0, 80, "{dates:?}");
            }
            every_view(&mut session);
        }
    }
}
