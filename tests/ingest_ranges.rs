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
