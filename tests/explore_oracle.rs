//! Exploration of tiny files, checked against figures worked out by hand,
//! and merged from customer shares and from two parts of a file.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::explore::{
    self, Exploration, Facet, ItemsMeasure, NEEDS_COUNTRY, NEEDS_PRODUCT, NEEDS_QUANTITY,
};
use segmento::engine::ingest::{
    ingest_bytes, merge_shares, IngestSettings, Ingestor, Share, SNIFF_WINDOW,
};

/// Header = line 1. By hand (2011-01-03 and 2011-02-07 are Mondays):
/// C1 (France): order 1 = 2×1.50 + 1×4.00 = 7 (3 units, Mon 09:15),
///              order 4 = 3×4.00 = 12 (Mon 16:30);
/// C2 (Spain):  order 2 = 4×1.50 = 6 (Wed 14:00);
/// C3 (no country): order 5 = 10 (Tue 11:00), its second line a duplicate.
/// Set aside: a cancellation in January, a return in February; a line
/// without a customer parses in February.
const TINY: &str = "\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1,A,Apple,2,2011-01-03 09:15,1.50,C1,France
1,B,,1,2011-01-03 09:20,4.00,C1,France
2,A,Apple red,4,2011-01-05 14:00,1.50,C2,Spain
C3,A,Apple,-1,2011-01-06 10:00,1.50,C1,France
3,B,Banana,-2,2011-02-01 10:00,4.00,C2,Spain
4,B,Banana,3,2011-02-07 16:30,4.00,C1,France
5,C,Cherry,1,2011-02-08 11:00,10.00,C3,
5,C,Cherry,1,2011-02-08 11:00,10.00,C3,
6,A,Apple,1,2011-02-09 08:00,1.50,,France
";

fn explore(csv: &str) -> Exploration {
    ingest_bytes(csv.as_bytes(), IngestSettings::default())
        .unwrap()
        .exploration
}

#[test]
fn countries_by_hand() {
    let table = explore(TINY).countries.available().cloned().unwrap();
    let rows: Vec<(&str, f64, u64, u64)> = table
        .rows
        .iter()
        .map(|r| (r.country.as_str(), r.revenue, r.orders, r.customers))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("France", 19.0, 2, 1),
            ("(no country)", 10.0, 1, 1),
            ("Spain", 6.0, 1, 1)
        ]
    );
    assert_eq!(table.rows[0].revenue_share, 19.0 / 35.0);
    assert_eq!(table.other, None);
    assert_eq!(table.other_countries, 0);
}

#[test]
fn countries_beyond_the_top_ten_are_other() {
    let mut csv = String::from("InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    for i in 1..=12 {
        csv.push_str(&format!("{i},1,2011-01-03 10:00,{i},C{i},Land {i:02}\n"));
    }
    let table = explore(&csv).countries.available().cloned().unwrap();
    assert_eq!(table.rows.len(), 10);
    assert_eq!(table.rows[0].country, "Land 12");
    assert_eq!(table.rows[9].country, "Land 03");
    let other = table.other.unwrap();
    assert_eq!(
        (
            other.country.as_str(),
            other.revenue,
            other.orders,
            other.customers
        ),
        ("Other", 3.0, 2, 2)
    );
    assert_eq!(table.other_countries, 2);
    assert_eq!(other.revenue_share, 3.0 / 78.0);
}

#[test]
fn products_by_hand() {
    let products = explore(TINY).products.available().cloned().unwrap();
    assert_eq!(products.products, 3);
    let rows = |list: &[explore::ProductRow]| -> Vec<(String, String, f64, f64, u64)> {
        list.iter()
            .map(|r| {
                let (p, d) = (r.product.clone(), r.description.clone());
                (p, d, r.revenue, r.quantity, r.customers)
            })
            .collect()
    };
    let a = ("A".to_string(), "Apple".to_string(), 9.0, 6.0, 2);
    // B's first line has no description: the first non-empty one is kept.
    let b = ("B".to_string(), "Banana".to_string(), 16.0, 4.0, 1);
    let c = ("C".to_string(), "Cherry".to_string(), 10.0, 1.0, 1);
    assert_eq!(
        rows(&products.by_revenue),
        vec![b.clone(), c.clone(), a.clone()]
    );
    let by_quantity = products.by_quantity.available().unwrap();
    assert_eq!(rows(by_quantity), vec![a.clone(), b.clone(), c.clone()]);
    assert_eq!(rows(&products.by_customers), vec![a, b, c]);
}

#[test]
fn orders_by_hand() {
    let exploration = explore(TINY);
    // Order values 7, 6, 12, 10: whole numbers, cap 12 (the 99th
    // percentile of four), bins of width 1.
    let values = &exploration.order_values;
    let mut expected = vec![0u64; 13];
    for v in [6, 7, 10, 12] {
        expected[v] = 1;
    }
    assert_eq!(values.counts, expected);
    assert_eq!(values.overflow, 0);
    assert_eq!(values.max, 12.0);
    // Units per order: 3, 4, 3, 1.
    let items = &exploration.items_per_order;
    assert_eq!(items.measure, ItemsMeasure::Quantity);
    assert_eq!(items.histogram.counts, vec![0, 1, 0, 2, 1]);
    let grid = exploration.weekday_hour.available().unwrap();
    let mut expected = [[0u64; 24]; 7];
    expected[0][9] = 1;
    expected[0][16] = 1;
    expected[2][14] = 1;
    expected[1][11] = 1;
    assert_eq!(grid.counts, expected);
}

#[test]
fn months_by_hand() {
    let exploration = explore(TINY);
    let customers: Vec<(String, u64, u64)> = exploration
        .customers_by_month
        .iter()
        .map(|m| (m.month.to_string(), m.new, m.returning))
        .collect();
    assert_eq!(
        customers,
        vec![
            ("2011-01-01".to_string(), 2, 0),
            ("2011-02-01".to_string(), 1, 1)
        ]
    );
    let set_aside: Vec<(String, u64, u64, u64, f64)> = exploration
        .set_aside_by_month
        .iter()
        .map(|m| {
            let month = m.month.to_string();
            (month, m.parsed_lines, m.cancellations, m.returns, m.share)
        })
        .collect();
    assert_eq!(
        set_aside,
        vec![
            ("2011-01-01".to_string(), 4, 1, 0, 0.25),
            ("2011-02-01".to_string(), 5, 0, 1, 0.2)
        ]
    );
}

#[test]
fn missing_columns_say_what_they_need() {
    let csv = "CustomerID,InvoiceDate,Amount\nC1,2011-01-03,5\nC2,2011-01-04,7\nC1,2011-02-03,2\n";
    let exploration = explore(csv);
    let countries = match &exploration.countries {
        Facet::Missing { needs } => Some(needs.as_str()),
        Facet::Available(_) => None,
    };
    assert_eq!(countries, Some(NEEDS_COUNTRY));
    let products = match &exploration.products {
        Facet::Missing { needs } => Some(needs.as_str()),
        Facet::Available(_) => None,
    };
    assert_eq!(products, Some(NEEDS_PRODUCT));
    let time = match &exploration.weekday_hour {
        Facet::Missing { needs } => Some(needs.as_str()),
        Facet::Available(_) => None,
    };
    assert_eq!(
        time,
        Some(
            "dates with a time of day, e.g. 2011-12-09 12:50 (this file's dates are \
             YYYY-MM-DD, the day only)"
        )
    );
    // Lines per order without a quantity column; the months still count.
    assert_eq!(exploration.items_per_order.measure, ItemsMeasure::Lines);
    assert_eq!(exploration.items_per_order.histogram.counts, vec![0, 3]);
    assert_eq!(exploration.customers_by_month.len(), 2);
    // A product column without a quantity: no ranking by quantity.
    let csv = "CustomerID,InvoiceDate,Amount,SKU\nC1,2011-01-03 10:00,5,X\n";
    let products = explore(csv).products.available().cloned().unwrap();
    let by_quantity = match products.by_quantity {
        Facet::Missing { needs } => Some(needs),
        Facet::Available(_) => None,
    };
    assert_eq!(by_quantity.as_deref(), Some(NEEDS_QUANTITY));
}

fn in_shares(bytes: &[u8], count: u32) -> Exploration {
    let shares = (0..count)
        .map(|index| {
            let share = Share { index, count };
            let mut ingestor = Ingestor::for_share(IngestSettings::default(), share);
            for piece in bytes.chunks(4096) {
                ingestor.push(piece).unwrap();
            }
            ingestor.finish_share().unwrap()
        })
        .collect();
    merge_shares(shares).unwrap().exploration
}

fn in_two_parts(bytes: &[u8], cut: usize) -> Option<Exploration> {
    let (start, rest) = bytes.split_at(cut);
    let head = &bytes[..bytes.len().min(SNIFF_WINDOW)];
    let mut first = Ingestor::new(IngestSettings::default());
    first.push(start).unwrap();
    let mut later = Ingestor::continuing(IngestSettings::default(), head).unwrap();
    later.push(rest).unwrap();
    let later = later.finish_range().unwrap();
    first
        .can_join(&later)
        .then(|| first.join(later).unwrap().exploration)
}

/// Equal but for the last bits of sums (an order or a (customer, product)
/// pair with lines on both sides of a cut sums them in another order).
fn assert_close(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(y.abs()),
                "{path}: {x} vs {y}"
            );
        }
        (Value::Array(xs), Value::Array(ys)) => {
            assert_eq!(xs.len(), ys.len(), "{path}");
            for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                assert_close(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(xs), Value::Object(ys)) => {
            assert_eq!(xs.len(), ys.len(), "{path}");
            for (key, x) in xs {
                assert_close(x, &ys[key], &format!("{path}.{key}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

#[test]
fn shares_and_ranges_explore_like_one_pass() {
    let sample = std::fs::read("public/sample.csv").unwrap();
    for bytes in [TINY.as_bytes(), &sample[..]] {
        let whole = ingest_bytes(bytes, IngestSettings::default())
            .unwrap()
            .exploration;
        for count in [1, 2, 3] {
            assert_eq!(in_shares(bytes, count), whole, "{count} shares");
        }
        let whole = serde_json::to_value(&whole).unwrap();
        // A part must hold the sniff window to be joined.
        let cuts: Vec<usize> = bytes
            .iter()
            .enumerate()
            .filter(|(i, &b)| b == b'\n' && *i >= SNIFF_WINDOW)
            .map(|(i, _)| i + 1)
            .collect();
        if cuts.is_empty() {
            continue;
        }
        let mut joined = 0;
        for &cut in cuts.iter().skip(1).step_by(cuts.len() / 7 + 1) {
            if let Some(parts) = in_two_parts(bytes, cut) {
                joined += 1;
                let parts = serde_json::to_value(&parts).unwrap();
                assert_close(&parts, &whole, &format!("cut {cut}"));
            }
        }
        assert!(joined >= 3, "{joined} cuts joined");
    }
    // The sample really has every figure.
    let exploration = ingest_bytes(&sample, IngestSettings::default())
        .unwrap()
        .exploration;
    assert!(exploration.countries.available().is_some());
    assert!(exploration.products.available().is_some());
    assert!(exploration.weekday_hour.available().is_some());
}
