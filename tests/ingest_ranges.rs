//! Ingesting a file cut in two at a line break (one part per worker) and
//! joining gives what one pass gives, or says it cannot (then the first
//! ingestor reads on).

use segmento::engine::ingest::{ingest_bytes, IngestOutcome, IngestSettings, Ingestor};
use serde_json::Value;

mod common;
use common::troubled_file;

/// Equal, numbers within a relative 1e-9 (a purchase with lines on both
/// sides of the cut sums them in another order).
fn assert_close(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(y.abs()),
                "{path}: {x} vs {y}"
            );
        }
        (Value::Array(xs), Value::Array(ys)) => {
            assert_eq!(xs.len(), ys.len(), "{path}: lengths");
            for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                assert_close(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(xs), Value::Object(ys)) => {
            assert_eq!(xs.len(), ys.len(), "{path}: keys");
            for (key, x) in xs {
                assert_close(x, &ys[key], &format!("{path}.{key}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Cut after the line break at `cut`, the parts fed in `chunk`-byte pieces;
/// `None` when the parts cannot be joined (then the first ingestor reads on
/// to exactly the single-pass result).
fn in_two_parts(
    bytes: &[u8],
    cut: usize,
    chunk: usize,
    settings: &IngestSettings,
) -> Option<IngestOutcome> {
    let (start, rest) = bytes.split_at(cut);
    let head = &bytes[..bytes.len().min(segmento::engine::ingest::SNIFF_WINDOW)];
    let mut first = Ingestor::new(settings.clone());
    for piece in start.chunks(chunk) {
        first.push(piece).unwrap();
    }
    let mut later = Ingestor::continuing(settings.clone(), head).unwrap();
    for piece in rest.chunks(chunk) {
        later.push(piece).unwrap();
    }
    let later = later.finish_range().unwrap();
    if first.can_join(&later) {
        return Some(first.join(later).unwrap());
    }
    for piece in rest.chunks(chunk) {
        first.push(piece).unwrap();
    }
    assert_eq!(
        first.finish().unwrap(),
        ingest_bytes(bytes, settings.clone()).unwrap(),
        "cut {cut}: read on"
    );
    None
}

#[test]
fn two_parts_join_into_the_single_pass_result_or_refuse() {
    let text = troubled_file(3000);
    let bytes = text.as_bytes();
    assert!(bytes.len() > 3 * segmento::engine::ingest::SNIFF_WINDOW);
    let settings = IngestSettings::default();
    let whole = serde_json::to_value(ingest_bytes(bytes, settings.clone()).unwrap()).unwrap();
    let (mut joined, mut refused) = (0, 0);
    let cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    for (n, &cut) in cuts.iter().enumerate().skip(cuts.len() / 4).step_by(29) {
        let chunk = [1000, 4096, 1 << 20][n % 3];
        match in_two_parts(bytes, cut, chunk, &settings) {
            Some(outcome) => {
                joined += 1;
                assert_close(
                    &serde_json::to_value(&outcome).unwrap(),
                    &whole,
                    &format!("cut {cut}"),
                );
            }
            None => refused += 1,
        }
    }
    // Every other line break is inside a quoted description, and some cuts
    // fall between a row and its duplicate: those are refused, the rest join.
    assert!(
        joined > refused && refused > 20,
        "{joined} joined, {refused} refused"
    );
}

#[test]
fn customers_first_seen_after_the_cut_join_like_one_pass() {
    // Customer i first appears at line ≈ 10·i, so the later part alone
    // holds the later customers: some lines without an invoice (purchases
    // named by their line), each customer's first line without a country,
    // and a quarter of the lines from an older customer.
    let mut text = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    for line in 0..3000u32 {
        let customer = match line % 4 {
            0 => line / 20,
            _ => line / 10,
        };
        let invoice = match line % 7 {
            0 => String::new(),
            _ => (1000 + line / 3).to_string(),
        };
        let country = if line % 10 == 0 { "" } else { "France" };
        text.push_str(&format!(
            "{invoice},S{line},Mug,{},2024-01-{:02} 10:00,2.50,C{customer},{country}\n",
            1 + line % 3,
            1 + line % 28
        ));
    }
    let bytes = text.as_bytes();
    // Both parts past the format-sniffing window, as in the app.
    assert!(bytes.len() > 2 * segmento::engine::ingest::SNIFF_WINDOW);
    let settings = IngestSettings::default();
    let whole = ingest_bytes(bytes, settings.clone()).unwrap();
    assert!(whole.ledger.customers.iter().all(|c| c.country.is_some()));
    let whole = serde_json::to_value(whole).unwrap();
    let cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    for &cut in cuts[cuts.len() / 2..cuts.len() - 1].iter().step_by(37) {
        let outcome = in_two_parts(bytes, cut, 4096, &settings)
            .unwrap_or_else(|| panic!("cut {cut}: no quotes or duplicates, yet refused"));
        assert_close(
            &serde_json::to_value(&outcome).unwrap(),
            &whole,
            &format!("cut {cut}"),
        );
    }
}
