//! Chunk invariance and no-panic guarantees.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::{
    ingest_bytes, sniff, IngestError, IngestOutcome, IngestSettings, Ingestor,
};

/// xorshift64*: tiny, seeded, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A UCI-style file with the awkward parts: multi-byte characters, quoted
/// fields with newlines and doubled quotes, CRLF lines, cancellations,
/// duplicates and bad rows.
fn messy_file(seed: u64, target_len: usize) -> Vec<u8> {
    let mut rng = Rng(seed);
    let descriptions = [
        "WHITE HANGING HEART",
        "CRÈME BRÛLÉE SET €",
        "\"QUOTED, WITH COMMA\"",
        "\"TWO\nLINES\"",
        "\"SAY \"\"HI\"\"\"",
        "日本の茶碗",
        "PLAIN",
    ];
    let mut out = String::from(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
    );
    let mut previous = String::new();
    while out.len() < target_len {
        let invoice = 536_000 + rng.below(400);
        let cancel = if rng.below(30) == 0 { "C" } else { "" };
        let quantity = rng.below(20) as i64 - 2;
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(12);
        let customer = match rng.below(25) {
            0 => String::new(),
            _ => format!("{}.0", 12_000 + rng.below(150)),
        };
        let description = descriptions[rng.below(descriptions.len())];
        let price = format!("{}.{:02}", rng.below(20), rng.below(100));
        let date = if rng.below(200) == 0 {
            "not a date".to_string()
        } else {
            format!("{month}/{day}/2011 {}:{:02}", rng.below(24), rng.below(60))
        };
        let line = format!(
            "{cancel}{invoice},SKU{},{description},{quantity},{date},{price},{customer},Österreich",
            rng.below(90)
        );
        let ending = if rng.below(5) == 0 { "\r\n" } else { "\n" };
        if rng.below(40) == 0 && !previous.is_empty() {
            out.push_str(&previous.clone());
        }
        out.push_str(&line);
        out.push_str(ending);
        previous = format!("{line}{ending}");
    }
    out.into_bytes()
}

fn ingest_in_chunks(bytes: &[u8], cuts: &[usize]) -> Result<IngestOutcome, IngestError> {
    ingest_in_chunks_with(bytes, cuts, &IngestSettings::default())
}

fn ingest_in_chunks_with(
    bytes: &[u8],
    cuts: &[usize],
    settings: &IngestSettings,
) -> Result<IngestOutcome, IngestError> {
    let mut ingestor = Ingestor::new(settings.clone());
    let mut start = 0;
    for &cut in cuts {
        ingestor.push(&bytes[start..cut])?;
        start = cut;
    }
    ingestor.push(&bytes[start..])?;
    assert_eq!(ingestor.bytes_seen(), bytes.len() as u64);
    ingestor.finish()
}

fn random_cuts(rng: &mut Rng, len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (0..1 + rng.below(60)).map(|_| rng.below(len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

#[test]
fn outcome_is_identical_for_any_chunking() {
    for (seed, size) in [(1_u64, 90_000_usize), (2, 150_000), (3, 20_000)] {
        let bytes = messy_file(seed, size);
        let whole = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
        assert!(whole.report.rows_kept > 0);
        assert!(
            whole
                .report
                .removed(segmento::engine::clean::Rule::Duplicate)
                > 0
        );
        let mut rng = Rng(seed * 7919);
        for round in 0..25 {
            let cuts = random_cuts(&mut rng, bytes.len());
            let chunked = ingest_in_chunks(&bytes, &cuts).unwrap();
            assert_eq!(chunked, whole, "seed {seed}, round {round}, cuts {cuts:?}");
        }
        // Cuts right around the sniff window boundary.
        for cut in [65_535, 65_536, 65_537] {
            if cut < bytes.len() {
                assert_eq!(ingest_in_chunks(&bytes, &[cut]).unwrap(), whole);
            }
        }
    }
}

/// A CDNOW-style file, its awkward parts included: columns aligned with
/// runs of spaces, leading blanks, tabs among the spaces, CRLF or LF, blank
/// and whitespace-only lines, quoted names with spaces and multi-byte
/// characters, a header line or none, repeated lines and bad rows.
fn aligned_file(seed: u64, target_len: usize, header: bool) -> Vec<u8> {
    let mut rng = Rng(seed);
    let names = [
        "\"New  York\"",
        "Österreich",
        "\"日本 の 茶碗\"",
        "plain",
        "\"say \"\"hi\"\"\"",
    ];
    let mut out = String::new();
    if header {
        out.push_str("  customer_id   date  number_of_items  amount  place\r\n");
    }
    let mut previous = String::new();
    while out.len() < target_len {
        let gap = |rng: &mut Rng| [" ", "  ", "\t", " \t ", "   "][rng.below(5)];
        let date = match rng.below(150) {
            0 => "1997x101".to_string(),
            _ => format!("1997{:02}{:02}", 1 + rng.below(12), 1 + rng.below(28)),
        };
        let amount = format!("{}.{:02}", rng.below(90), rng.below(100));
        let mut line = format!(
            "{}{:05}",
            ["   ", "", "\t", " "][rng.below(4)],
            rng.below(300)
        );
        for field in [date, (1 + rng.below(9)).to_string(), amount] {
            line.push_str(gap(&mut rng));
            line.push_str(&field);
        }
        line.push_str(gap(&mut rng));
        line.push_str(names[rng.below(names.len())]);
        if rng.below(80) == 0 {
            line.push_str(" extra");
        }
        if rng.below(10) == 0 {
            line.push_str("  ");
        }
        let ending = if rng.below(3) == 0 { "\r\n" } else { "\n" };
        match rng.below(50) {
            0 => out.push_str("\r\n"),
            1 => out.push_str(" \t \n"),
            2 if !previous.is_empty() => out.push_str(&previous.clone()),
            _ => {}
        }
        out.push_str(&line);
        out.push_str(ending);
        previous = format!("{line}{ending}");
    }
    out.into_bytes()
}

#[test]
fn aligned_text_is_identical_for_any_chunking() {
    for (seed, size, header) in [
        (11_u64, 150_000_usize, false),
        (12, 90_000, true),
        (13, 3_000, false),
    ] {
        let bytes = aligned_file(seed, size, header);
        // A first row with a name in it reads as a header unless told not to.
        let settings = IngestSettings {
            has_header: (!header).then_some(false),
            ..IngestSettings::default()
        };
        let whole = ingest_bytes(&bytes, settings.clone()).unwrap();
        assert_eq!(whole.format.delimiter, b' ', "seed {seed}");
        assert_eq!(whole.format.has_header, header, "seed {seed}");
        assert!(whole.report.rows_kept > 0);
        assert!(
            whole
                .report
                .removed(segmento::engine::clean::Rule::Unparseable)
                > 0
        );
        assert!(
            whole
                .report
                .removed(segmento::engine::clean::Rule::Duplicate)
                > 0
        );
        let mut rng = Rng(seed * 7919);
        for round in 0..20 {
            let cuts = random_cuts(&mut rng, bytes.len());
            let chunked = ingest_in_chunks_with(&bytes, &cuts, &settings).unwrap();
            assert_eq!(chunked, whole, "seed {seed}, round {round}, cuts {cuts:?}");
        }
        for cut in [65_535, 65_536, 65_537] {
            if cut < bytes.len() {
                assert_eq!(
                    ingest_in_chunks_with(&bytes, &[cut], &settings).unwrap(),
                    whole
                );
            }
        }
    }
    let bytes = aligned_file(14, 70_000, true);
    let whole = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let mut ingestor = Ingestor::new(IngestSettings::default());
    for byte in &bytes {
        ingestor.push(std::slice::from_ref(byte)).unwrap();
    }
    assert_eq!(ingestor.finish().unwrap(), whole);
}

#[test]
fn one_byte_chunks() {
    let bytes = messy_file(4, 70_000);
    let whole = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let mut ingestor = Ingestor::new(IngestSettings::default());
    for byte in &bytes {
        ingestor.push(std::slice::from_ref(byte)).unwrap();
    }
    assert_eq!(ingestor.finish().unwrap(), whole);
}

#[test]
fn latin1_file_is_chunk_invariant() {
    let text = String::from_utf8(messy_file(5, 80_000))
        .unwrap()
        .replace("日本の茶碗", "TEA BOWL");
    let (latin1, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let bytes = latin1.into_owned();
    let whole = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    assert!(whole
        .ledger
        .customers
        .iter()
        .any(|c| c.country.as_deref() == Some("Österreich")));
    let mut rng = Rng(55);
    for _ in 0..10 {
        let cuts = random_cuts(&mut rng, bytes.len());
        assert_eq!(ingest_in_chunks(&bytes, &cuts).unwrap(), whole);
    }
}

/// Fragments that steer random inputs towards the parser's edge cases.
const TOKENS: &[&[u8]] = &[
    b",",
    b";",
    b"\t",
    b"|",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"customer_id",
    b"CustomerID",
    b"date",
    b"InvoiceDate",
    b"amount",
    b"Quantity",
    b"UnitPrice",
    b"InvoiceNo",
    b"C536",
    b"12/13/2010 8:26",
    b"2011-12-09T12:50:00Z",
    b"31.02.2011",
    b"1,234.50",
    b"12,50",
    b"-3",
    b"nan",
    b"17850.0",
    b"\xEF\xBB\xBF",
    b"\xFC",
    b"\xC3",
    b"\xE2\x82",
    b"\x00",
    b"\x89PNG",
    b"99999999999999999999999",
    b"1e308",
    b"(5)",
    b"\xFF\xFE",
];

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0x5EED);
    for case in 0..3000 {
        let mut input = Vec::new();
        let pieces = rng.below(60);
        for _ in 0..pieces {
            if rng.below(3) == 0 {
                input.push(rng.next() as u8);
            } else {
                input.extend_from_slice(TOKENS[rng.below(TOKENS.len())]);
            }
        }
        // Some cases start with a valid header so deeper stages are reached.
        if case % 3 == 0 {
            let mut with_header = b"InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n".to_vec();
            with_header.extend_from_slice(&input);
            input = with_header;
        }
        let _ = sniff(&input);
        let _ = ingest_bytes(&input, IngestSettings::default());
        let cuts = random_cuts(&mut rng, input.len());
        let chunked = ingest_in_chunks(&input, &cuts);
        assert_eq!(
            chunked,
            ingest_bytes(&input, IngestSettings::default()),
            "case {case}"
        );
    }
}

#[test]
fn random_settings_never_panic() {
    let bytes = messy_file(6, 5_000);
    let mut rng = Rng(77);
    for _ in 0..300 {
        let mut settings = IngestSettings {
            delimiter: [
                None,
                Some(b','),
                Some(b';'),
                Some(b'"'),
                Some(b'\n'),
                Some(b' '),
            ][rng.below(6)],
            has_header: [None, Some(true), Some(false)][rng.below(3)],
            day_first: [None, Some(true), Some(false)][rng.below(3)],
            decimal_comma: [None, Some(true), Some(false)][rng.below(3)],
            ..IngestSettings::default()
        };
        settings.rules.drop_outliers = rng.below(2) == 0;
        settings.rules.outlier_quantile = [0.0, 0.5, 1.0, 2.0, -1.0, f64::NAN][rng.below(6)];
        if rng.below(2) == 0 {
            let mut mapping = segmento::engine::ingest::ColumnMapping::default();
            for field in segmento::engine::ingest::Field::ALL {
                if rng.below(2) == 0 {
                    mapping.set(field, Some(rng.below(12)));
                }
            }
            settings.mapping = Some(mapping);
        }
        let _ = ingest_bytes(&bytes, settings.clone());
        let _ = segmento::engine::ingest::sniff_with_settings(&bytes, &settings);
    }
}

#[test]
fn latin1_byte_after_the_sniff_window() {
    let mut bytes = b"customer_id,date,amount,country\n".to_vec();
    while bytes.len() < 70_000 {
        bytes.extend_from_slice(b"c1,2024-01-01,1,Austria\n");
    }
    bytes.extend_from_slice(b"c2,2024-01-02,2,\xD6sterreich\n");
    let whole = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    assert_eq!(
        whole.format.encoding,
        segmento::engine::ingest::TextEncoding::Windows1252
    );
    let c2 = whole
        .ledger
        .customers
        .iter()
        .find(|c| c.id == "c2")
        .unwrap();
    assert_eq!(c2.country.as_deref(), Some("Österreich"));
    let mut rng = Rng(9);
    for _ in 0..10 {
        let cuts = random_cuts(&mut rng, bytes.len());
        assert_eq!(ingest_in_chunks(&bytes, &cuts).unwrap(), whole);
    }
}
