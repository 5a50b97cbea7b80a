//! Sniffing the start of a file: encoding, delimiter, header, column mapping,
//! date format and decimal comma. Used by the UI's mapping step and, on the
//! exact same window, by the streaming [`super::Ingestor`].

use serde::{Deserialize, Serialize};

use crate::engine::container::SourceReport;

use super::columns::{detect_columns, ColumnMapping, Field};
use super::dates::{DateDetector, DateFormat};
use super::decode::{decode_all, detect_encoding, TextEncoding};
use super::error::IngestError;
use super::records::split_all;
use super::values::{looks_decimal_comma, looks_decimal_point, parse_number};

/// Bytes examined before streaming starts. Always exactly this prefix (or the
/// whole file if smaller), so results never depend on chunk boundaries.
pub const SNIFF_WINDOW: usize = 64 * 1024;
pub const PREVIEW_ROWS: usize = 20;
pub const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Records looked at when scoring delimiters.
const DELIMITER_SAMPLE: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SniffReport {
    pub delimiter: u8,
    pub encoding: TextEncoding,
    pub has_bom: bool,
    pub headers: Vec<String>,
    /// Up to [`PREVIEW_ROWS`] data rows, as text.
    pub preview: Vec<Vec<String>>,
    pub mapping: ColumnMapping,
    /// `None` when no date column is mapped.
    pub date_format: Option<DateFormat>,
    pub decimal_comma: bool,
    /// Things the user should fix or know before ingesting.
    pub problems: Vec<String>,
    /// How the text was unwrapped (gzip, a ZIP member, a workbook's sheet);
    /// set by the worker that opened the file.
    #[serde(default)]
    pub source: SourceReport,
}

impl SniffReport {
    pub fn delimiter_label(&self) -> &'static str {
        delimiter_label(self.delimiter)
    }
}

pub fn delimiter_label(delimiter: u8) -> &'static str {
    match delimiter {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

/// Overrides that change what sniffing concludes.
#[derive(Debug, Clone, Default)]
pub struct SniffOverrides<'a> {
    pub delimiter: Option<u8>,
    pub mapping: Option<&'a ColumnMapping>,
    pub day_first: Option<bool>,
    pub decimal_comma: Option<bool>,
}

/// Pick the delimiter whose field count is most consistent over the first
/// records (csv-core parses, so delimiters inside quotes are ignored); ties go
/// to the wider split, then to the order of [`CANDIDATE_DELIMITERS`].
pub fn detect_delimiter(text: &str, complete: bool) -> u8 {
    let mut best = (b',', 0.0_f64, 0_usize);
    for delimiter in CANDIDATE_DELIMITERS {
        let Ok(records) = split_all(text, delimiter, complete, DELIMITER_SAMPLE) else {
            continue;
        };
        let Some((_, header)) = records.first() else {
            continue;
        };
        let width = header.len();
        if width < 2 {
            continue;
        }
        let rows = records.get(1..).unwrap_or_default();
        let consistency = if rows.is_empty() {
            1.0
        } else {
            rows.iter().filter(|(_, r)| r.len() == width).count() as f64 / rows.len() as f64
        };
        if consistency > best.1 || (consistency == best.1 && width > best.2) {
            best = (delimiter, consistency, width);
        }
    }
    best.0
}

/// A header cell that is a number or a date means the "header" is data.
fn looks_like_value(cell: &str) -> bool {
    let mut detector = DateDetector::default();
    detector.observe(cell);
    parse_number(cell, false).is_ok()
        || parse_number(cell, true).is_ok()
        || detector.recognised() > 0
}

/// Sniff the start of a file (pass up to [`SNIFF_WINDOW`] bytes; more is
/// ignored). A head shorter than the window is taken to be the whole file.
pub fn sniff(head: &[u8]) -> Result<SniffReport, IngestError> {
    let window = head.get(..SNIFF_WINDOW).unwrap_or(head);
    analyze(
        window,
        head.len() < SNIFF_WINDOW,
        &SniffOverrides::default(),
    )
}

/// The full analysis; `complete` says whether `head` is the whole file.
pub fn analyze(
    head: &[u8],
    complete: bool,
    overrides: &SniffOverrides,
) -> Result<SniffReport, IngestError> {
    if head.is_empty() {
        return Err(IngestError::Empty);
    }
    let guess = detect_encoding(head, complete)?;
    let text = decode_all(head, guess.encoding, complete);
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    let delimiter = overrides
        .delimiter
        .unwrap_or_else(|| detect_delimiter(&text, complete));
    let records = split_all(&text, delimiter, complete, usize::MAX)?;
    let mut records = records.into_iter().map(|(_, fields)| fields);
    // Text but no complete first line in the whole window: not an empty file,
    // a header line too long to be a CSV header (or an unclosed quote).
    let headers = records
        .next()
        .ok_or(IngestError::HeaderTooLong { limit: head.len() })?;
    let non_empty: Vec<&String> = headers.iter().filter(|h| !h.trim().is_empty()).collect();
    if !non_empty.is_empty() && non_empty.iter().all(|h| looks_like_value(h)) {
        return Err(IngestError::HeaderLooksLikeData {
            first_row: super::clean_excerpt(&headers, delimiter),
        });
    }
    let rows: Vec<Vec<String>> = records.collect();
    if rows.is_empty() && complete {
        return Err(IngestError::NoDataRows);
    }

    let mapping = match overrides.mapping {
        Some(mapping) => validated_mapping(mapping, &headers)?,
        None => detect_columns(&headers),
    };
    let mut problems = Vec::new();
    let missing = mapping.missing_required();
    if !missing.is_empty() {
        problems.push(format!(
            "no {} column found; columns are: {}",
            missing.join(", no "),
            headers.join(", ")
        ));
    }

    let cell = |row: &Vec<String>, field: Field| -> Option<String> {
        row.get(mapping.index(field)?).cloned()
    };
    let date_format = mapping.date.as_ref().map(|date_column| {
        let mut detector = DateDetector::default();
        rows.iter()
            .filter_map(|row| cell(row, Field::Date))
            .for_each(|value| detector.observe(&value));
        if detector.observed() > 0 && detector.recognised() * 2 < detector.observed() {
            problems.push(format!(
                "most values of the date column \"{}\" are not recognised dates (e.g. \"{}\")",
                date_column.header,
                rows.iter()
                    .filter_map(|row| cell(row, Field::Date))
                    .next()
                    .unwrap_or_default()
            ));
        }
        detector.resolve(overrides.day_first)
    });

    let decimal_comma = overrides.decimal_comma.unwrap_or_else(|| {
        let numeric: Vec<usize> = [
            Field::Quantity,
            Field::UnitPrice,
            Field::Amount,
            Field::Refunded,
        ]
        .iter()
        .filter_map(|field| mapping.index(*field))
        .collect();
        // Before the user has mapped the numbers, any column is evidence.
        let values: Vec<&String> = rows
            .iter()
            .flat_map(|row| {
                row.iter()
                    .enumerate()
                    .filter(|(index, _)| numeric.is_empty() || numeric.contains(index))
                    .map(|(_, value)| value)
            })
            .collect();
        let comma_like = values.iter().filter(|v| looks_decimal_comma(v)).count();
        let point_like = values.iter().filter(|v| looks_decimal_point(v)).count();
        // `12,50` with a comma delimiter would have been split, so only other
        // delimiters can carry decimal commas.
        delimiter != b',' && comma_like > 0 && comma_like >= point_like
    });

    Ok(SniffReport {
        delimiter,
        encoding: guess.encoding,
        has_bom: guess.has_bom,
        preview: rows.iter().take(PREVIEW_ROWS).cloned().collect(),
        headers,
        mapping,
        date_format,
        decimal_comma,
        problems,
        source: SourceReport::default(),
    })
}

/// Re-derive header names for a user mapping and check its indices.
fn validated_mapping(
    mapping: &ColumnMapping,
    headers: &[String],
) -> Result<ColumnMapping, IngestError> {
    let mut checked = ColumnMapping {
        headers: headers.to_vec(),
        ..ColumnMapping::default()
    };
    for field in Field::ALL {
        if let Some(column) = mapping.get(field) {
            if column.index >= headers.len() {
                return Err(IngestError::InvalidMapping {
                    field: field.label().to_string(),
                    index: column.index,
                    columns: headers.len(),
                });
            }
            checked.set(field, Some(column.index));
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::dates::DayMonthDecision;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n", true), b',');
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3\n", true), b';');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n", true), b'\t');
        assert_eq!(detect_delimiter("a|b\n1|2\n", true), b'|');
        // Semicolons inside quotes do not count.
        assert_eq!(
            detect_delimiter("a,b\n\"x;y;z\",2\n\"p;q\",3\n", true),
            b','
        );
    }

    #[test]
    fn uci_head() {
        let head = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n\
                    536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n\
                    536366,22633,HAND WARMER,6,12/13/2010 8:28,1.85,17850.0,United Kingdom\n";
        let report = sniff(head.as_bytes()).unwrap();
        assert_eq!(report.delimiter, b',');
        assert_eq!(report.encoding, TextEncoding::Utf8);
        assert_eq!(report.headers.len(), 8);
        assert_eq!(report.preview.len(), 2);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let date = report.date_format.unwrap();
        assert!(!date.day_first);
        assert_eq!(date.decision, DayMonthDecision::FromData);
        assert!(!report.decimal_comma);
        // The report crosses a Web Worker boundary as JSON.
        let json = serde_json::to_string(&sniff(head.as_bytes()).unwrap()).unwrap();
        assert!(serde_json::from_str::<SniffReport>(&json).is_ok());
    }

    #[test]
    fn semicolon_decimal_comma_latin1() {
        let head = b"Kunde;Datum;Betrag\nM\xFCller;01.02.2011;12,50\n";
        let report = sniff(head).unwrap();
        assert_eq!(report.delimiter, b';');
        assert_eq!(report.encoding, TextEncoding::Windows1252);
        assert!(report.decimal_comma);
        assert_eq!(report.preview[0][0], "Müller");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.mapping.index(Field::Amount), Some(2));
        assert!(report.date_format.unwrap().day_first);
        // Unknown headers: the decimal comma is still found, from any column.
        let report = sniff(
            b"Wer;Wann;Wieviel
A;01.02.2011;12,50
",
        )
        .unwrap();
        assert!(report.decimal_comma);
        assert!(
            report.problems[0].starts_with("no customer id"),
            "{:?}",
            report.problems
        );
        assert!(report.problems[0].contains("Wer, Wann, Wieviel"));
    }

    #[test]
    fn header_checks() {
        assert_eq!(
            sniff(b"17850,2011-01-01,12.5\n1,2011-01-02,3\n"),
            Err(IngestError::HeaderLooksLikeData {
                first_row: "17850,2011-01-01,12.5".into()
            })
        );
        assert_eq!(
            sniff(b"customer_id,date,amount\n"),
            Err(IngestError::NoDataRows)
        );
        assert_eq!(sniff(b""), Err(IngestError::Empty));
        assert_eq!(sniff(b"\xEF\xBB\xBF \r\n"), Err(IngestError::Empty));
        // A window of text with no line end is not "empty".
        let long_line = vec![b'x'; SNIFF_WINDOW + 10];
        assert_eq!(
            sniff(&long_line),
            Err(IngestError::HeaderTooLong {
                limit: SNIFF_WINDOW
            })
        );
    }

    #[test]
    fn bom_and_missing_columns() {
        let report = sniff(b"\xEF\xBB\xBFfoo,bar\n1,2\n").unwrap();
        assert!(report.has_bom);
        assert_eq!(report.headers, vec!["foo".to_string(), "bar".to_string()]);
        assert_eq!(
            report.problems,
            vec!["no customer id, no date, no amount (or quantity and unit price) column found; columns are: foo, bar".to_string()]
        );
    }

    #[test]
    fn user_mapping_is_validated() {
        let mut mapping = ColumnMapping::default();
        mapping.set(Field::CustomerId, Some(7));
        let overrides = SniffOverrides {
            mapping: Some(&mapping),
            ..SniffOverrides::default()
        };
        assert!(matches!(
            analyze(b"a,b\n1,2\n", true, &overrides),
            Err(IngestError::InvalidMapping {
                index: 7,
                columns: 2,
                ..
            })
        ));
    }
}
