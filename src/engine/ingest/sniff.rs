//! Sniffing the start of a file: encoding, delimiter, header, column mapping,
//! date format and decimal comma. Used by the UI's mapping step and, on the
//! exact same window, by the streaming [`super::Ingestor`].

use serde::{Deserialize, Serialize};

use crate::engine::container::SourceReport;

use super::columns::{detect_columns, detect_columns_from_values, ColumnMapping, Field};
use super::dates::{DateDetector, DateFormat};
use super::decode::{decode_all, detect_encoding, TextEncoding};
use super::error::IngestError;
use super::records::{split_all, WHITESPACE};
use super::values::{looks_decimal_comma, looks_decimal_point, parse_number};

/// Bytes examined before streaming starts. Always exactly this prefix (or the
/// whole file if smaller), so results never depend on chunk boundaries.
pub const SNIFF_WINDOW: usize = 64 * 1024;
pub const PREVIEW_ROWS: usize = 20;
pub const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Every delimiter a user can choose: the candidates, then runs of spaces
/// and tabs ([`WHITESPACE`]), which is detected only when no candidate fits.
pub const SELECTABLE_DELIMITERS: [u8; 5] = [b',', b';', b'\t', b'|', WHITESPACE];
/// Records looked at when scoring delimiters.
const DELIMITER_SAMPLE: usize = 50;
/// The share of the sampled rows with the first row's field count above
/// which a split explains the file.
const CONSISTENT: f64 = 0.9;

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
    /// Whether the first row is read as column names. Without one, the
    /// columns are named `column 1`, `column 2`, … and the first row is data.
    #[serde(default = "yes")]
    pub has_header: bool,
    /// Why the file is read without a header row (or with one that looks
    /// like data), for the mapping step; `None` for an ordinary header.
    #[serde(default)]
    pub header_note: Option<String>,
}

fn yes() -> bool {
    true
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
        WHITESPACE => "spaces",
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
    /// `None`: a first row of numbers and dates means there is no header.
    pub has_header: Option<bool>,
}

/// Pick the delimiter whose field count is most consistent over the first
/// records (csv-core parses, so delimiters inside quotes are ignored); ties go
/// to the wider split, then to the order of [`CANDIDATE_DELIMITERS`]. Runs of
/// spaces and tabs ([`WHITESPACE`]) are chosen only when no candidate splits
/// the rows consistently into two or more fields and they do: values with
/// spaces (`United Kingdom`, `12/1/2010 8:26`) keep a comma or tab file so.
pub fn detect_delimiter(text: &str, complete: bool) -> u8 {
    let mut best = (b',', 0.0_f64, 0_usize);
    for delimiter in CANDIDATE_DELIMITERS {
        let Some((consistency, width)) = fit(text, complete, delimiter) else {
            continue;
        };
        if consistency > best.1 || (consistency == best.1 && width > best.2) {
            best = (delimiter, consistency, width);
        }
    }
    if best.1 < CONSISTENT {
        if let Some((consistency, _)) = fit(text, complete, WHITESPACE) {
            if consistency >= CONSISTENT && consistency > best.1 {
                return WHITESPACE;
            }
        }
    }
    best.0
}

/// How well `delimiter` splits the sample: the share of rows after the
/// first with the first row's field count, and that count; `None` for
/// fewer than two fields.
fn fit(text: &str, complete: bool, delimiter: u8) -> Option<(f64, usize)> {
    let records = split_all(text, delimiter, complete, DELIMITER_SAMPLE).ok()?;
    let (_, header) = records.first()?;
    let width = header.len();
    if width < 2 {
        return None;
    }
    let rows = records.get(1..).unwrap_or_default();
    let consistency = if rows.is_empty() {
        1.0
    } else {
        rows.iter().filter(|(_, r)| r.len() == width).count() as f64 / rows.len() as f64
    };
    Some((consistency, width))
}

/// A header cell that is a number or a date means the "header" is data.
fn looks_like_value(cell: &str) -> bool {
    let mut detector = DateDetector::default();
    detector.observe(cell);
    parse_number(cell, false).is_ok()
        || parse_number(cell, true).is_ok()
        || detector.recognised() > 0
}

/// A cell no header has: a number or date written with more than digits
/// (`2011-01-01`, `12/1/2010 8:26`, `12.50`, `-3`), so one such cell makes
/// the first row data even beside text (`17850 2011-01-01 12.5 France`).
/// Bare digits (`2011`, `19970101`) may be a column named after a year.
fn unmistakably_a_value(cell: &str) -> bool {
    let cell = cell.trim();
    cell.chars().any(|c| !c.is_ascii_digit()) && looks_like_value(cell)
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
    let first = records
        .next()
        .ok_or(IngestError::HeaderTooLong { limit: head.len() })?;
    let header = read_header(first, overrides.has_header);
    let (headers, rows) = match header.names {
        Some(names) => (names, records.collect::<Vec<_>>()),
        None => {
            let rows: Vec<Vec<String>> = std::iter::once(header.first_row).chain(records).collect();
            (numbered_columns(&rows), rows)
        }
    };
    let has_header = header.has_header;
    if rows.is_empty() && complete {
        return Err(IngestError::NoDataRows);
    }

    let mapping = match overrides.mapping {
        Some(mapping) => validated_mapping(mapping, &headers)?,
        None if has_header => detect_columns(&headers),
        None => detect_columns_from_values(&headers, &rows),
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
        has_header,
        header_note: header.note,
    })
}

/// What the first record is.
struct Header {
    has_header: bool,
    /// The column names when it is a header.
    names: Option<Vec<String>>,
    /// The first record when it is data.
    first_row: Vec<String>,
    note: Option<String>,
}

/// Decides whether `first` names the columns: as the user chose, else
/// unless every non-empty cell is a number or a date, or one is
/// [`unmistakably_a_value`].
fn read_header(first: Vec<String>, chosen: Option<bool>) -> Header {
    let non_empty: Vec<&String> = first.iter().filter(|h| !h.trim().is_empty()).collect();
    let looks_like_data = !non_empty.is_empty()
        && (non_empty.iter().all(|h| looks_like_value(h))
            || non_empty.iter().any(|h| unmistakably_a_value(h)));
    let shown = || {
        let cells: Vec<&str> = non_empty.iter().take(4).map(|c| c.trim()).collect();
        let more = if non_empty.len() > 4 { ", …" } else { "" };
        format!("{}{more}", cells.join(", "))
    };
    let (has_header, note) = match (chosen, looks_like_data) {
        (Some(true), true) => (
            true,
            Some(format!(
                "the first row ({}) is read as column names, as chosen, though it looks like data",
                shown()
            )),
        ),
        (Some(true), false) | (None, false) => (true, None),
        (Some(false), _) => (
            false,
            Some(
                "the file is read as having no header row, as chosen; its first row is data \
                 and the columns are numbered"
                    .to_string(),
            ),
        ),
        (None, true) => (
            false,
            Some(format!(
                "the first row looks like data ({}), so the file is read as having no header \
                 row; columns are numbered",
                shown()
            )),
        ),
    };
    match has_header {
        true => Header {
            has_header,
            names: Some(first),
            first_row: Vec::new(),
            note,
        },
        false => Header {
            has_header,
            names: None,
            first_row: first,
            note,
        },
    }
}

/// `column 1`, `column 2`, … for the most common field count of the first
/// rows (the first row's on a tie).
fn numbered_columns(rows: &[Vec<String>]) -> Vec<String> {
    let sample = rows.iter().take(DELIMITER_SAMPLE);
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for row in sample {
        match counts.iter_mut().find(|(width, _)| *width == row.len()) {
            Some((_, count)) => *count += 1,
            None => counts.push((row.len(), 1)),
        }
    }
    // `max_by_key` keeps the last of equals: look from the back.
    let width = counts
        .iter()
        .rev()
        .max_by_key(|(_, count)| *count)
        .map_or(0, |(width, _)| *width);
    (1..=width).map(|i| format!("column {i}")).collect()
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
    use crate::engine::ingest::dates::{DateKind, DayMonthDecision};

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

    const CDNOW: &str = "   00001 19970101  1  11.77\r\n\
                         \x20  00002 19970112  1  12.00\r\n\
                         \x20  00002 19970112  5  77.00\r\n\
                         \x20  00003 19970102  2  20.76\r\n\
                         \x20  00003 19970330  2  20.76\r\n";

    fn names(report: &SniffReport) -> Vec<&str> {
        report.headers.iter().map(String::as_str).collect()
    }

    #[test]
    fn aligned_columns_without_a_header() {
        let report = sniff(CDNOW.as_bytes()).unwrap();
        assert_eq!(report.delimiter, WHITESPACE);
        assert_eq!(report.delimiter_label(), "spaces");
        assert!(!report.has_header);
        assert_eq!(
            report.header_note.as_deref(),
            Some(
                "the first row looks like data (00001, 19970101, 1, 11.77), so the file is read \
                 as having no header row; columns are numbered"
            )
        );
        assert_eq!(
            names(&report),
            ["column 1", "column 2", "column 3", "column 4"]
        );
        // The first row is data.
        assert_eq!(report.preview.len(), 5);
        assert_eq!(report.preview[0], ["00001", "19970101", "1", "11.77"]);
        let m = &report.mapping;
        assert_eq!(m.index(Field::CustomerId), Some(0));
        assert_eq!(m.index(Field::Date), Some(1));
        // Column 3 counts items: not a quantity to multiply a price by.
        assert_eq!(m.index(Field::Quantity), None);
        assert_eq!(m.index(Field::Amount), Some(3));
        assert_eq!(m.invoice, None);
        assert_eq!(report.date_format.unwrap().kind, DateKind::Compact);
        assert!(!report.decimal_comma);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    #[test]
    fn aligned_columns_with_a_header() {
        let head = format!("  customer_id   date  number_of_items  amount  \r\n{CDNOW}");
        let report = sniff(head.as_bytes()).unwrap();
        assert_eq!(report.delimiter, WHITESPACE);
        assert!(report.has_header);
        assert_eq!(report.header_note, None);
        assert_eq!(
            names(&report),
            ["customer_id", "date", "number_of_items", "amount"]
        );
        assert_eq!(report.preview.len(), 5);
        let m = &report.mapping;
        assert_eq!(
            [
                Field::CustomerId,
                Field::Date,
                Field::Quantity,
                Field::Amount
            ]
            .map(|f| m.index(f)),
            [Some(0), Some(1), None, Some(3)]
        );
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        // Tabs among the spaces, a quoted name, trailing blanks.
        let mixed = "id\t date \t country  amount\n\
                     17850\t2011-01-01  \"United Kingdom\"\t12.50 \t\n\
                     \t13047 2011-01-02\t\tFrance  3.00\n";
        let report = sniff(mixed.as_bytes()).unwrap();
        assert_eq!(report.delimiter, WHITESPACE);
        assert_eq!(
            report.preview[0],
            ["17850", "2011-01-01", "United Kingdom", "12.50"]
        );
        assert_eq!(report.mapping.index(Field::Country), Some(2));
    }

    #[test]
    fn spaces_inside_values_keep_a_comma_or_tab_file() {
        let uci =
            "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n\
                   536366,22633,HAND WARMER,6,12/13/2010 8:28,1.85,17850.0,United Kingdom\n";
        // Every row here splits alike on spaces too; commas win all the same.
        assert_eq!(detect_delimiter(uci, true), b',');
        let tabs = uci.replace(',', "\t");
        assert_eq!(detect_delimiter(&tabs, true), b'\t');
        let header = "Invoice\tDate\tCountry\n";
        assert_eq!(
            detect_delimiter(
                &format!("{header}1\t2011-01-01 08:00\tUnited Kingdom\n"),
                true
            ),
            b'\t'
        );
        // Spaces after commas: still a comma file.
        assert_eq!(detect_delimiter("a, b, c\n1, 2, 3\n", true), b',');
        // One column, or ragged spacing: no split explains it.
        assert_eq!(detect_delimiter("word\nother\n", true), b',');
        assert_eq!(detect_delimiter("a b c\nd e\nf\ng h i j\n", true), b',');
        assert_eq!(detect_delimiter("a b c\nd e f\n", true), WHITESPACE);
    }

    #[test]
    fn a_written_date_or_decimal_beside_text_makes_the_first_row_data() {
        let report = sniff(b"17850,2011-01-01,12.5,France\n13047,2011-01-02,3.25,EIRE\n").unwrap();
        assert!(!report.has_header);
        assert_eq!(report.preview.len(), 2);
        assert_eq!(report.preview[0], ["17850", "2011-01-01", "12.5", "France"]);
        let m = &report.mapping;
        assert_eq!(
            [Field::CustomerId, Field::Date, Field::Amount].map(|f| m.index(f)),
            [Some(0), Some(1), Some(2)]
        );
        let uci_line =
            "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n";
        let report = sniff(format!("{uci_line}{uci_line}").as_bytes()).unwrap();
        assert!(!report.has_header);
        // Bare digits beside names may be a column named after a year: a header.
        for head in [
            "customer,2011,2012\n1,3.5,4\n",
            "customer_id,date,amount\n1,2011-01-01,3\n",
            "InvoiceNo,StockCode,Description\n536365,85123A,HEART\n",
        ] {
            assert!(sniff(head.as_bytes()).unwrap().has_header, "{head}");
        }
    }

    #[test]
    fn the_header_decision_can_be_overridden() {
        let data_first = b"17850,2011-01-01,12.5\n1,2011-01-02,3\n";
        let report = sniff(data_first).unwrap();
        assert!(!report.has_header);
        assert_eq!(report.preview.len(), 2);
        assert_eq!(
            [Field::CustomerId, Field::Date, Field::Amount].map(|f| report.mapping.index(f)),
            [Some(0), Some(1), Some(2)]
        );
        let forced = |has_header: bool, bytes: &[u8]| {
            let overrides = SniffOverrides {
                has_header: Some(has_header),
                ..SniffOverrides::default()
            };
            analyze(bytes, true, &overrides).unwrap()
        };
        // Told it is a header: its values name the columns.
        let report = forced(true, data_first);
        assert!(report.has_header);
        assert_eq!(names(&report), ["17850", "2011-01-01", "12.5"]);
        assert_eq!(report.preview.len(), 1);
        assert!(report
            .header_note
            .unwrap()
            .contains("as chosen, though it looks like data"));
        // Told there is none: the names are a data row, and with "date" among
        // the dates no column is clearly a date.
        let named = b"customer_id,date,amount\nc1,2024-01-01,5.5\n";
        let report = forced(false, named);
        assert!(!report.has_header);
        assert_eq!(names(&report), ["column 1", "column 2", "column 3"]);
        assert_eq!(report.preview[0], ["customer_id", "date", "amount"]);
        assert_eq!(report.mapping.index(Field::Date), None);
        assert!(
            report.problems[0].starts_with("no date"),
            "{:?}",
            report.problems
        );
        assert!(report.problems[0].ends_with("columns are: column 1, column 2, column 3"));
        // An ordinary header is left alone.
        let report = forced(true, named);
        assert_eq!((report.has_header, report.header_note), (true, None));
    }

    #[test]
    fn value_mapping_leaves_unclear_columns_unmapped() {
        // Two decimal columns: either could be the amount.
        let report = sniff(b"17850;2011-01-01;2.50;5.00\n13047;2011-01-02;1.25;2.50\n").unwrap();
        assert_eq!(report.mapping.index(Field::Amount), None);
        assert_eq!(report.mapping.index(Field::CustomerId), Some(0));
        assert!(
            report.problems[0].starts_with("no amount"),
            "{:?}",
            report.problems
        );
        // Decimal commas count; text ids count; the date can come first.
        let report = sniff(b"01.02.2011;17850;12,50\n03.02.2011;13047;7,00\n").unwrap();
        assert!(!report.has_header);
        assert!(report.decimal_comma);
        assert_eq!(
            [Field::Date, Field::CustomerId, Field::Amount].map(|f| report.mapping.index(f)),
            [Some(0), Some(1), Some(2)]
        );
        // Text beside a written date is data too; the user can say otherwise.
        let text_ids = b"01.02.2011;M\xFCller;12,50\n03.02.2011;Schmidt;7,00\n";
        let overrides = SniffOverrides {
            has_header: Some(true),
            ..SniffOverrides::default()
        };
        assert!(analyze(text_ids, true, &overrides).unwrap().has_header);
        let report = sniff(text_ids).unwrap();
        assert!(!report.has_header);
        assert_eq!(report.preview[0][1], "Müller");
        assert_eq!(
            [Field::Date, Field::CustomerId, Field::Amount].map(|f| report.mapping.index(f)),
            [Some(0), Some(1), Some(2)]
        );
        // A written date wins over numbers that could be Excel serials.
        let report = sniff(b"40886 2011-12-09 3.50\n40887 2011-12-10 1.50\n").unwrap();
        assert_eq!(report.mapping.index(Field::Date), Some(1));
        assert_eq!(report.mapping.index(Field::CustomerId), Some(0));
        // The most common width names the columns, not a short first row.
        let report = sniff(b"1,20110101\n2,20110102,3.5\n3,20110103,4.5\n").unwrap();
        assert_eq!(names(&report), ["column 1", "column 2", "column 3"]);
    }

    #[test]
    fn header_checks() {
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
