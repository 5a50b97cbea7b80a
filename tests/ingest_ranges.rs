//! Ingesting a file cut in two at a line break (one part per worker) and
//! joining gives what one pass gives, or says it cannot (then the first
//! ingestor reads on).

use segmento::engine::ingest::{ingest_bytes, IngestOutcome, IngestSettings, Ingestor};
use serde_json::Value;

/// UCI-layout rows with every kind of trouble (an exact duplicate right
/// after its row, cancellations, returns, missing customers, bad dates,
/// short rows, free items, lines without an invoice), larger than the
/// sniff window so the first part is past sniffing at most cuts.
fn troubled_file(rows: u32) -> String {
    let mut csv = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    for i in 0..rows {
        let customer = 12000 + i % 97;
        let invoice = 500000 + i / 3;
        let day = 1 + i % 28;
        let month = 1 + i % 12;
        let line =
            format!(
            "{invoice},A{i},\"MUG,\nRED\",{},{month}/{day}/2011 10:{:02},{}.3,{customer}.0,{}\n",
            1 + i % 7,
            i % 60,
            i % 9,
            if i % 13 == 0 { String::new() } else { format!("Country {}", i % 5) }
        );
        csv.push_str(&line);
        match i % 11 {
            0 => csv.push_str(&line),
            1 => csv.push_str(&format!(
                "C{invoice},D,Discount,-1,{month}/{day}/2011 11:00,2.5,{customer},X\n"
            )),
            2 => csv.push_str(&format!(
                "{invoice},B,RETURN,-2,{month}/{day}/2011 11:00,2.5,{customer},X\n"
            )),
            3 => csv.push_str(&format!(
                "{invoice},B,NOBODY,2,{month}/{day}/2011 11:00,2.5,,X\n"
            )),
            4 => csv.push_str(&format!(
                "{invoice},B,BAD DATE,2,13/45/2011 11:00,2.5,{customer},X\n"
            )),
            5 => csv.push_str(&format!("{invoice},B,SHORT,2\n")),
            6 => csv.push_str(&format!(
                "{invoice},B,FREE,2,{month}/{day}/2011 11:00,0,{customer},X\n"
            )),
            7 => csv.push_str(&format!(
                ",B,NO INVOICE,1,{month}/{day}/2011 12:00,4.1,{customer},X\n"
            )),
            _ => {}
        }
    }
    csv
}

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
