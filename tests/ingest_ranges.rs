//! Ingesting a file cut in two at a line break (one part per worker) and
//! joining gives what one pass gives, or says it cannot (then the first
//! ingestor reads on).

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::{ingest_bytes, IngestOutcome, IngestSettings, Ingestor};
use segmento::engine::work_split::{cut_at, read_plan, ReadPlan, CUT_WINDOW};
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

/// Asserts that the parts cut after `cut` join, into `whole` (the single
/// pass's outcome as JSON); `why` says why they must.
fn joins_like_one_pass(
    bytes: &[u8],
    cut: usize,
    settings: &IngestSettings,
    whole: &Value,
    why: &str,
) {
    let outcome = in_two_parts(bytes, cut, 4096, settings)
        .unwrap_or_else(|| panic!("cut {cut}: {why}, yet refused"));
    assert_close(
        &serde_json::to_value(&outcome).unwrap(),
        whole,
        &format!("cut {cut}"),
    );
}

#[test]
fn two_parts_join_into_the_single_pass_result_or_refuse() {
    let text = troubled_file(3000);
    let bytes = text.as_bytes();
    assert!(bytes.len() > 3 * segmento::engine::ingest::SNIFF_WINDOW);
    // Plain, and with the set-aside returns kept for net revenue.
    let net = IngestSettings {
        rules: segmento::engine::clean::CleaningRules {
            net_returns: true,
            ..Default::default()
        },
        ..IngestSettings::default()
    };
    for settings in [IngestSettings::default(), net] {
        parts_join_or_refuse(bytes, &text, &settings);
    }
}

fn parts_join_or_refuse(bytes: &[u8], text: &str, settings: &IngestSettings) {
    let settings = settings.clone();
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
        joins_like_one_pass(bytes, cut, &settings, &whole, "no quotes or duplicates");
    }
}

/// A seeded xorshift generator: `next(n)` is in `0..n`.
fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}

/// Lines of 37 customers' invoices, a 150-line order (invoice 999) and lines
/// without an invoice, with one line in 12 repeating a random earlier line
/// of the same half; the halves have different items, so a line of the
/// second half repeats one of the first only when `across` adds one.
fn file_with_repeats(across: Option<usize>) -> (String, Vec<String>) {
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    let mut lines: Vec<String> = Vec::new();
    let mut first_half_end = 0;
    for half in 0..2u64 {
        let start = lines.len();
        for i in 0..2000u64 {
            let item = half * 100_000 + i;
            let line = match next(12) {
                0 if lines.len() > start => {
                    lines[start + next((lines.len() - start) as u64) as usize].clone()
                }
                1 => format!(
                    ",S{item},Mug,{},2024-01-05 10:00,2.50,C{},France",
                    1 + next(5),
                    next(37)
                ),
                2 | 3 => format!(
                    "999,S{item},Mug,{},2024-01-07 10:00,2.50,C5,France",
                    1 + next(5)
                ),
                _ => {
                    let invoice = 1000 + next(200);
                    format!(
                        "{invoice},S{item},Mug,{},2024-01-09 10:00,2.50,C{},France",
                        1 + next(5),
                        invoice % 37
                    )
                }
            };
            lines.push(line);
        }
        if half == 0 {
            first_half_end = lines.len();
        }
    }
    if let Some(index) = across {
        lines.insert(first_half_end + 500, lines[index].clone());
    }
    let header =
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
    let mut text = format!("{header}\n");
    for line in &lines[..first_half_end] {
        text.push_str(line);
        text.push('\n');
    }
    let cut = text.len();
    for line in &lines[first_half_end..] {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!("#cut {cut}"));
    (text, lines)
}

#[test]
fn lines_repeated_anywhere_are_dropped_and_refuse_a_join_across_the_cut() {
    let settings = IngestSettings::default();
    let split = |text: &str| -> (String, usize) {
        let (body, cut) = text.rsplit_once("#cut ").unwrap();
        (body.to_string(), cut.parse().unwrap())
    };
    let (text, lines) = file_with_repeats(None);
    let (body, cut) = split(&text);
    let whole = ingest_bytes(body.as_bytes(), settings.clone()).unwrap();
    // Exactly the lines seen before are dropped, and the totals are those of
    // the distinct lines.
    let distinct: std::collections::BTreeSet<&String> = lines.iter().collect();
    let repeats = lines.len() - distinct.len();
    assert!(repeats > 200, "{repeats} repeated lines");
    assert_eq!(
        whole
            .report
            .removed(segmento::engine::clean::Rule::Duplicate),
        repeats as u64
    );
    let big_order_lines = distinct.iter().filter(|l| l.starts_with("999,")).count();
    assert!(big_order_lines > 200, "the big order is big");
    let quantity = |line: &str| line.split(',').nth(3).unwrap().parse::<f64>().unwrap();
    let expected: f64 = distinct.iter().map(|l| quantity(l) * 2.5).sum();
    let total: f64 = whole
        .ledger
        .customers
        .iter()
        .flat_map(|c| &c.purchases)
        .map(|p| p.amount)
        .sum();
    assert!((total - expected).abs() < 1e-6, "{total} vs {expected}");
    // Cut between the halves: no line repeats across, so the parts join.
    let joined = in_two_parts(body.as_bytes(), cut, 4096, &settings)
        .expect("nothing repeats across the cut");
    assert_close(
        &serde_json::to_value(&joined).unwrap(),
        &serde_json::to_value(&whole).unwrap(),
        "joined",
    );
    // A line of the first half repeated after the cut: an order's early
    // line, the big order's 100th line, a line without an invoice.
    let first_half = &lines[..2000];
    let pick = |wanted: &dyn Fn(&String) -> bool| first_half.iter().position(wanted).unwrap();
    let regular = pick(&|l: &String| !l.starts_with("999,") && !l.starts_with(','));
    let deep_in_big_order = first_half
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("999,"))
        .nth(100)
        .unwrap()
        .0;
    let lone = pick(&|l: &String| l.starts_with(','));
    for index in [regular, deep_in_big_order, lone] {
        let (text, _) = file_with_repeats(Some(index));
        let (body, cut) = split(&text);
        assert!(
            in_two_parts(body.as_bytes(), cut, 4096, &settings).is_none(),
            "line {index} repeated after the cut: refused"
        );
    }
}

/// Cut after the line breaks at `cuts` (ascending), the first part read
/// from the file's start and each later one on its own (as a worker of the
/// pool reads it), then joined in file order; `None` when a part cannot be
/// joined (the worker then reads the file in one pass).
fn in_parts(
    bytes: &[u8],
    cuts: &[usize],
    chunk: usize,
    settings: &IngestSettings,
) -> Option<IngestOutcome> {
    let head = &bytes[..bytes.len().min(segmento::engine::ingest::SNIFF_WINDOW)];
    let mut first = Ingestor::new(settings.clone());
    for piece in bytes[..cuts[0]].chunks(chunk) {
        first.push(piece).unwrap();
    }
    let mut joining = first.into_joining().unwrap();
    for (i, &start) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).copied().unwrap_or(bytes.len());
        let mut part = Ingestor::continuing(settings.clone(), head).unwrap();
        for piece in bytes[start..end].chunks(chunk) {
            part.push(piece).unwrap();
        }
        let part = part.finish_range().unwrap();
        if !joining.can_join(&part) {
            return None;
        }
        joining.take(part, i + 1 == cuts.len());
    }
    Some(joining.finish().unwrap())
}

#[test]
fn many_parts_join_into_the_single_pass_result_or_refuse() {
    let text = troubled_file(3000);
    let bytes = text.as_bytes();
    let settings = IngestSettings::default();
    let whole = serde_json::to_value(ingest_bytes(bytes, settings.clone()).unwrap()).unwrap();
    let breaks: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let (mut joined, mut refused) = (0, 0);
    for round in 0..60 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let parts = 2 + (rng % 5) as usize;
        // Cuts past the sniffing window, spread over the rest of the file.
        let eligible: Vec<usize> = breaks
            .iter()
            .copied()
            .filter(|&b| b > segmento::engine::ingest::SNIFF_WINDOW && b < bytes.len())
            .collect();
        let mut cuts: Vec<usize> = (1..parts)
            .map(|i| {
                let spread = eligible.len() * i / parts;
                eligible[(spread + (rng >> (8 * i)) as usize % 40).min(eligible.len() - 1)]
            })
            .collect();
        cuts.dedup();
        let chunk = [1000, 4096, 1 << 20][round % 3];
        match in_parts(bytes, &cuts, chunk, &settings) {
            Some(outcome) => {
                joined += 1;
                assert_close(
                    &serde_json::to_value(&outcome).unwrap(),
                    &whole,
                    &format!("cuts {cuts:?}"),
                );
            }
            None => refused += 1,
        }
    }
    assert!(
        joined > 15 && refused > 5,
        "{joined} joined, {refused} refused"
    );
}

/// Three blocks of 1500 distinct lines (orders spanning the blocks, a big
/// order, lines without an invoice), with the line breaks ending blocks 0
/// and 1; `copied` repeats that line of block 1 in block 2.
fn three_blocks(copied: Option<usize>) -> (String, [usize; 2], Vec<String>) {
    let mut text = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    let mut cuts = [0; 2];
    let mut middle = Vec::new();
    for block in 0..3u64 {
        for i in 0..1500u64 {
            let item = block * 100_000 + i;
            let line = match i % 9 {
                0 => format!(
                    ",S{item},Mug,{},2024-01-05 10:00,2.50,C{},France",
                    1 + i % 5,
                    i % 37
                ),
                1 | 2 => format!(
                    "999,S{item},Mug,{},2024-01-07 10:00,2.50,C5,France",
                    1 + i % 5
                ),
                _ => {
                    let invoice = 1000 + i % 200;
                    format!(
                        "{invoice},S{item},Mug,{},2024-01-09 10:00,2.50,C{},France",
                        1 + i % 5,
                        invoice % 37
                    )
                }
            };
            if block == 1 {
                middle.push(line.clone());
            }
            text.push_str(&line);
            text.push('\n');
            if block == 2 && i == 700 {
                if let Some(index) = copied {
                    text.push_str(&middle[index]);
                    text.push('\n');
                }
            }
        }
        if block < 2 {
            cuts[block as usize] = text.len();
        }
    }
    (text, cuts, middle)
}

#[test]
fn a_middle_part_remembers_its_lines_for_the_parts_after_it() {
    let settings = IngestSettings::default();
    let (text, cuts, middle) = three_blocks(None);
    let bytes = text.as_bytes();
    assert!(cuts[0] > segmento::engine::ingest::SNIFF_WINDOW);
    let whole = ingest_bytes(bytes, settings.clone()).unwrap();
    let joined = in_parts(bytes, &cuts, 4096, &settings).expect("nothing repeats across");
    assert_close(
        &serde_json::to_value(&joined).unwrap(),
        &serde_json::to_value(&whole).unwrap(),
        "three parts",
    );
    // A line of the middle part (an order's line, the big order's 200th
    // line, a line without an invoice) repeated in the last part: one pass
    // drops it, and the join refuses.
    let find = |wanted: &dyn Fn(&String) -> bool| middle.iter().position(wanted).unwrap();
    let big_order = middle
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("999,"))
        .nth(200)
        .unwrap()
        .0;
    for index in [
        find(&|l: &String| !l.starts_with("999,") && !l.starts_with(',')),
        big_order,
        find(&|l: &String| l.starts_with(',')),
    ] {
        let (text, cuts, _) = three_blocks(Some(index));
        let once = ingest_bytes(text.as_bytes(), settings.clone()).unwrap();
        assert_eq!(
            once.report
                .removed(segmento::engine::clean::Rule::Duplicate),
            1
        );
        assert!(
            in_parts(text.as_bytes(), &cuts, 4096, &settings).is_none(),
            "line {index} of the middle part repeated after it: refused"
        );
    }
}

/// Invoices listed line by line, as exports list them, where one line in
/// eight repeats an earlier line of its invoice (right after it or later):
/// the app's cuts fall between invoices, so every part joins, where cutting
/// at the first line break would often separate a line from its repeat.
#[test]
fn the_workers_cuts_keep_an_invoices_repeated_lines_together() {
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    let mut text = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    for invoice in 0..400u64 {
        let customer = next(90);
        let mut lines: Vec<String> = Vec::new();
        for item in 0..1 + next(25) {
            let line = match next(8) {
                0 if !lines.is_empty() => lines[next(lines.len() as u64) as usize].clone(),
                _ => format!(
                    "{},S{item},Mug,{},2024-02-{:02} 10:00,{}.25,{},France",
                    536_000 + invoice,
                    1 + next(5),
                    1 + invoice % 28,
                    1 + next(9),
                    12_000 + customer
                ),
            };
            lines.push(line);
        }
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
    }
    let bytes = text.as_bytes();
    let head = &bytes[..segmento::engine::ingest::SNIFF_WINDOW];
    assert!(bytes.len() > 2 * head.len());
    let settings = IngestSettings::default();
    let sniffed = segmento::engine::ingest::sniff_with_settings(head, &settings).unwrap();
    let ReadPlan::Parts { purchase, .. } = read_plan(1 << 30, Some(&sniffed), &settings) else {
        panic!("a large CSV is read in parts");
    };
    let whole = serde_json::to_value(ingest_bytes(bytes, settings.clone()).unwrap()).unwrap();
    let total = bytes.len() as u64;
    let (mut tried, mut first_breaks_refused) = (0, 0);
    for from in (bytes.len() / 2..bytes.len() - 2000).step_by(997) {
        let window = &bytes[from..(from + CUT_WINDOW as usize).min(bytes.len())];
        let cut = purchase.cut(window, from as u64, total).unwrap() as usize;
        // At the start of an invoice: the line before belongs to another.
        let invoice_of = |line_start: usize| &bytes[line_start..line_start + 6];
        let before = bytes[..cut - 1].iter().rposition(|&b| b == b'\n').unwrap() + 1;
        assert_ne!(invoice_of(before), invoice_of(cut), "from {from}");
        joins_like_one_pass(bytes, cut, &settings, &whole, "between invoices");
        tried += 1;
        let first_break = cut_at(window, from as u64, total).unwrap() as usize;
        if in_two_parts(bytes, first_break, 4096, &settings).is_none() {
            first_breaks_refused += 1;
        }
    }
    assert!(tried > 50, "{tried} cuts");
    // The file does put repeats across first line breaks.
    assert!(first_breaks_refused > 5, "{first_breaks_refused} refused");
}
