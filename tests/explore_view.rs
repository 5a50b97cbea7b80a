//! The exploration's view model: what the dashboard sends the page, built
//! from the sample's exploration, small and whole after postcard.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::explore::{Facet, NEEDS_COUNTRY, NEEDS_PRODUCT};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, Analysis, AnalysisSettings};
use segmento::views::explore::ExploreView;

fn sample_view() -> ExploreView {
    let bytes = std::fs::read("public/sample.csv").unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    ExploreView::build(&outcome.exploration)
}

#[test]
fn the_sample_view_has_every_section_and_is_small() {
    let view = sample_view();
    let countries = view.countries.available().unwrap();
    assert_eq!(countries.rows.len(), 9);
    assert_eq!(countries.rows[0].country, "United Kingdom");
    assert_eq!(countries.revenue_share.bars.len(), 9);
    let products = view.products.available().unwrap();
    assert_eq!(products.by_revenue.rows.len(), 10);
    assert_eq!(products.by_revenue.bars.bars.len(), 10);
    assert!(products.by_quantity.available().is_some());
    // The histograms' bins and the note on what they leave out.
    let orders = view.order_values.chart.histogram.as_ref().unwrap();
    assert_eq!(orders.bins.len(), 20);
    let note = view.order_values.note.as_deref().unwrap();
    assert!(
        note.starts_with("11 of 1,130 orders above 1,242.22"),
        "{note}"
    );
    assert_eq!(view.items_per_order.chart.x_label, "Units per order");
    let grid = view.weekday_hour.available().unwrap();
    assert_eq!(grid.counts.iter().flatten().sum::<u64>(), 1130);
    assert_eq!(view.customers_by_month.series.len(), 2);
    assert_eq!(
        view.customers_by_month.months.len(),
        view.customers_by_month.series[0].values.len()
    );
    assert_eq!(view.set_aside_by_month.series.len(), 1);
    let bytes = postcard::to_allocvec(&view).unwrap();
    assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
    let back: ExploreView = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, view);
}

#[test]
fn missing_columns_reach_the_view() {
    let csv = "CustomerID,InvoiceDate,Amount\nC1,2011-01-03,5\nC2,2011-01-04,7\n";
    let outcome = ingest_bytes(csv.as_bytes(), IngestSettings::default()).unwrap();
    let view = ExploreView::build(&outcome.exploration);
    assert_eq!(
        view.countries,
        Facet::Missing {
            needs: NEEDS_COUNTRY.into()
        }
    );
    assert_eq!(
        view.products,
        Facet::Missing {
            needs: NEEDS_PRODUCT.into()
        }
    );
    assert!(view.weekday_hour.available().is_none());
    assert_eq!(view.items_per_order.chart.x_label, "Lines per order");
}

#[test]
fn the_analysis_carries_the_exploration() {
    let bytes = std::fs::read("public/sample.csv").unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(analysis.exploration, None, "set by the caller");
    let analysis = analysis.with_exploration(outcome.exploration.clone());
    assert_eq!(analysis.exploration.as_ref(), Some(&outcome.exploration));
    let bytes = postcard::to_allocvec(&analysis).unwrap();
    let back: Analysis = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, analysis);
}
