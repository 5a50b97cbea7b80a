//! The exploration of the bundled sample equals the independent pandas
//! reference (`tests/reference/explore_reference.py` →
//! `tests/fixtures/explore_reference.json`): counts exactly, money to 1e-9
//! relative.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::explore::{CountryRow, Exploration, Histogram, ProductRow};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use serde_json::Value;

fn exploration() -> Exploration {
    let bytes = std::fs::read("public/sample.csv").unwrap();
    ingest_bytes(&bytes, IngestSettings::default())
        .unwrap()
        .exploration
}

fn reference() -> Value {
    let text = std::fs::read_to_string("tests/fixtures/explore_reference.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(ours: f64, theirs: &Value, what: &str) {
    let theirs = theirs.as_f64().unwrap();
    // The reference rounds to 10 decimals.
    let tolerance = (1e-9 * ours.abs().max(theirs.abs())).max(1e-10);
    assert!(
        (ours - theirs).abs() <= tolerance,
        "{what}: {ours} vs {theirs}"
    );
}

fn count(value: &Value) -> u64 {
    value.as_u64().unwrap()
}

fn check_country(ours: &CountryRow, theirs: &Value) {
    let what = &ours.country;
    assert_eq!(ours.country, theirs["country"].as_str().unwrap());
    close(ours.revenue, &theirs["revenue"], what);
    close(ours.revenue_share, &theirs["revenue_share"], what);
    assert_eq!(ours.orders, count(&theirs["orders"]), "{what}");
    assert_eq!(ours.customers, count(&theirs["customers"]), "{what}");
}

fn check_products(ours: &[ProductRow], theirs: &Value, list: &str) {
    let theirs = theirs.as_array().unwrap();
    assert_eq!(ours.len(), theirs.len(), "{list}");
    for (ours, theirs) in ours.iter().zip(theirs) {
        let what = format!("{list} {}", ours.product);
        assert_eq!(ours.product, theirs["product"].as_str().unwrap(), "{list}");
        assert_eq!(
            ours.description,
            theirs["description"].as_str().unwrap(),
            "{what}"
        );
        close(ours.revenue, &theirs["revenue"], &what);
        close(ours.quantity, &theirs["quantity"], &what);
        assert_eq!(ours.customers, count(&theirs["customers"]), "{what}");
    }
}

fn check_histogram(ours: &Histogram, theirs: &Value, what: &str) {
    let counts: Vec<u64> = theirs["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(count)
        .collect();
    assert_eq!(ours.counts, counts, "{what}");
    assert_eq!(ours.overflow, count(&theirs["overflow"]), "{what}");
    let edges = theirs["edges"].as_array().unwrap();
    assert_eq!(ours.edges.len(), edges.len(), "{what}");
    for (edge, theirs) in ours.edges.iter().zip(edges) {
        close(*edge, theirs, what);
    }
}

#[test]
fn countries_match_the_reference() {
    let ours = exploration();
    let theirs = reference();
    let table = ours.countries.available().unwrap();
    let rows = theirs["countries"]["rows"].as_array().unwrap();
    assert_eq!(table.rows.len(), rows.len());
    for (ours, theirs) in table.rows.iter().zip(rows) {
        check_country(ours, theirs);
    }
    assert_eq!(
        table.other_countries as u64,
        count(&theirs["countries"]["other_countries"])
    );
    match (&table.other, &theirs["countries"]["other"]) {
        (None, Value::Null) => {}
        (Some(ours), theirs) => check_country(ours, theirs),
        (None, theirs) => panic!("no Other row, the reference has {theirs}"),
    }
}

#[test]
fn top_products_match_the_reference() {
    let ours = exploration();
    let theirs = reference();
    let products = ours.products.available().unwrap();
    assert_eq!(
        products.products as u64,
        count(&theirs["products"]["products"])
    );
    check_products(
        &products.by_revenue,
        &theirs["products"]["by_revenue"],
        "revenue",
    );
    check_products(
        products.by_quantity.available().unwrap(),
        &theirs["products"]["by_quantity"],
        "quantity",
    );
    check_products(
        &products.by_customers,
        &theirs["products"]["by_customers"],
        "customers",
    );
}

#[test]
fn orders_match_the_reference() {
    let ours = exploration();
    let theirs = reference();
    check_histogram(&ours.order_values, &theirs["order_values"], "order values");
    check_histogram(
        &ours.items_per_order.histogram,
        &theirs["items_per_order"],
        "items per order",
    );
    let grid = ours.weekday_hour.available().unwrap();
    let expected: Vec<Vec<u64>> = theirs["weekday_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().unwrap().iter().map(count).collect())
        .collect();
    let ours: Vec<Vec<u64>> = grid.counts.iter().map(|row| row.to_vec()).collect();
    assert_eq!(ours, expected);
}

#[test]
fn months_match_the_reference() {
    let ours = exploration();
    let theirs = reference();
    let customers: Vec<(String, u64, u64)> = ours
        .customers_by_month
        .iter()
        .map(|m| (m.month.format("%Y-%m").to_string(), m.new, m.returning))
        .collect();
    let expected: Vec<(String, u64, u64)> = theirs["customers_by_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let month = m["month"].as_str().unwrap().to_string();
            (month, count(&m["new"]), count(&m["returning"]))
        })
        .collect();
    assert_eq!(customers, expected);
    let set_aside: Vec<(String, u64, u64, u64)> = ours
        .set_aside_by_month
        .iter()
        .map(|m| {
            let month = m.month.format("%Y-%m").to_string();
            (month, m.parsed_lines, m.cancellations, m.returns)
        })
        .collect();
    let expected: Vec<(String, u64, u64, u64)> = theirs["set_aside_by_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let month = m["month"].as_str().unwrap().to_string();
            let counts = (&m["parsed_lines"], &m["cancellations"], &m["returns"]);
            (month, count(counts.0), count(counts.1), count(counts.2))
        })
        .collect();
    assert_eq!(set_aside, expected);
}
