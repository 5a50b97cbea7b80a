//! Sniffing the start of a file: delimiter, header, preview, column mapping,
//! date format and decimal separator — before any row is aggregated.

use super::columns::{self, ColumnMapping};
use super::dates::{self, DateFormat, DayMonthOrder};
use super::decode::{self, TextDecoder, TextEncoding};
use super::error::IngestError;
use super::values;
use super::IngestSettings;
use csv_core::{ReadRecordResult, ReaderBuilder};
use serde::{Deserialize, Serialize};

/// How many bytes are looked at before parsing starts.
pub const SNIFF_BYTES: usize = 64 * 1024;
const PREVIEW_ROWS: usize = 20;
const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Everything decided about the file's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectedFormat {
    pub encoding: TextEncoding,
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub mapping: ColumnMapping,
    pub date_format: DateFormat,
    pub decimal_comma: bool,
}

impl DetectedFormat {
    pub fn delimiter_label(&self) -> &'static str {
        match self.delimiter {
            b',' => "comma",
            b';' => "semicolon",
            b'\t' => "tab",
            b'|' => "pipe",
            _ => "other",
        }
    }
}

/// What the column-mapping step shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SniffReport {
    pub format: DetectedFormat,
    /// First rows after the header, as text.
    pub preview: Vec<Vec<String>>,
    /// Set when the mapping is incomplete: what is missing, in words.
    pub problem: Option<String>,
}

/// Sniffs `head` (the first bytes of the file; `is_whole_file` when that is all of it).
pub fn sniff(head: &[u8], is_whole_file: bool, settings: &IngestSettings) -> Result<SniffReport, IngestError> {
    let encoding = decode::detect(head, is_whole_file)?;
    let text = TextDecoder::new(encoding).decode(head, is_whole_file).to_string();
    let delimiter = settings.delimiter.unwrap_or_else(|| detect_delimiter(text.as_bytes()));
    let mut records = parse_records(text.as_bytes(), delimiter, is_whole_file, usize::MAX);
    if records.is_empty() {
        return Err(IngestError::Empty);
    }
    let headers = records.remove(0);
    if looks_like_data(&headers) {
        return Err(IngestError::NoHeader(headers.iter().take(4).cloned().collect::<Vec<_>>().join(", ")));
    }
    let mapping = settings.mapping.clone().unwrap_or_else(|| columns::detect(&headers));
    let problem = mapping.validate(&headers).err().map(|e| e.to_string());
    let column = |index: Option<usize>| -> Vec<&str> {
        index.map_or_else(Vec::new, |i| records.iter().filter_map(|r| r.get(i).map(String::as_str)).collect())
    };
    let forced_order = settings.day_first.map(|d| if d { DayMonthOrder::DayFirst } else { DayMonthOrder::MonthFirst });
    let date_format = dates::detect_format(&column(mapping.date), forced_order);
    let mut money = column(mapping.unit_price);
    money.extend(column(mapping.amount));
    let decimal_comma = delimiter != b',' && values::looks_like_decimal_comma(money);
    records.truncate(PREVIEW_ROWS);
    Ok(SniffReport {
        format: DetectedFormat { encoding, delimiter, headers, mapping, date_format, decimal_comma },
        preview: records,
        problem,
    })
}

/// The delimiter whose field count is most consistent with the header's
/// over the first lines (quotes respected), preferring more columns.
fn detect_delimiter(text: &[u8]) -> u8 {
    let mut best = (b',', 0.0, 0usize);
    for delimiter in CANDIDATE_DELIMITERS {
        let records = parse_records(text, delimiter, false, 50);
        let Some(header_len) = records.first().map(Vec::len).filter(|&n| n >= 2) else { continue };
        let rows = &records[1..];
        let consistent = if rows.is_empty() {
            1.0
        } else {
            rows.iter().filter(|r| r.len() == header_len).count() as f64 / rows.len() as f64
        };
        if consistent > best.1 || (consistent == best.1 && header_len > best.2) {
            best = (delimiter, consistent, header_len);
        }
    }
    best.0
}

/// Parses up to `limit` records; without `complete`, the last (possibly cut) record is dropped.
pub(crate) fn parse_records(text: &[u8], delimiter: u8, complete: bool, limit: usize) -> Vec<Vec<String>> {
    let mut reader = ReaderBuilder::new().delimiter(delimiter).build();
    let mut records = Vec::new();
    let mut input = text;
    let mut output = vec![0u8; 4096];
    let mut ends = vec![0usize; 64];
    let (mut out_len, mut ends_len) = (0, 0);
    while records.len() < limit {
        let (result, nin, nout, nend) = reader.read_record(input, &mut output[out_len..], &mut ends[ends_len..]);
        input = &input[nin..];
        out_len += nout;
        ends_len += nend;
        match result {
            ReadRecordResult::InputEmpty if input.is_empty() && !complete => break,
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => output.resize(output.len() * 2, 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record => {
                records.push(fields(&output[..out_len], &ends[..ends_len]).map(str::to_string).collect());
                out_len = 0;
                ends_len = 0;
            }
            ReadRecordResult::End => break,
        }
    }
    records
}

/// The fields of a record parsed by csv-core into `output` with field `ends`.
pub(crate) fn fields<'a>(output: &'a [u8], ends: &'a [usize]) -> impl Iterator<Item = &'a str> + 'a {
    let mut start = 0;
    ends.iter().map(move |&end| {
        let field = output.get(start..end).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("");
        start = end;
        field
    })
}

/// A header row names things; a first row of numbers and dates is data.
fn looks_like_data(cells: &[String]) -> bool {
    let non_empty: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
    !non_empty.is_empty()
        && non_empty.iter().all(|c| {
            values::number(c, false).is_some() || dates::parse(c, DayMonthOrder::MonthFirst).is_some()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_text(text: &str) -> Result<SniffReport, IngestError> {
        sniff(text.as_bytes(), true, &IngestSettings::default())
    }

    #[test]
    fn sniffs_delimiters_with_quotes() {
        let r = sniff_text("customer_id;date;amount\n1;2011-01-01;\"3,50\"\n2;2011-01-02;4,25\n").unwrap();
        assert_eq!(r.format.delimiter, b';');
        assert!(r.format.decimal_comma);
        assert_eq!(r.preview.len(), 2);
        let r = sniff_text("a\tb\tc\n\"x,y\"\t2\t3\n").unwrap();
        assert_eq!(r.format.delimiter, b'\t');
        let r = sniff_text("a|b|c\n1|2|3\n").unwrap();
        assert_eq!(r.format.delimiter, b'|');
        let r = sniff_text("Description,Qty\n\"Mug, \"\"red\"\"\n(large)\",2\n").unwrap();
        assert_eq!(r.format.delimiter, b',');
        assert_eq!(r.preview[0][0], "Mug, \"red\"\n(large)");
    }

    #[test]
    fn reports_missing_columns_and_headerless_files() {
        let r = sniff_text("foo,bar\n1,2\n").unwrap();
        assert!(r.problem.unwrap().contains("customer id"));
        assert!(matches!(sniff_text("17850,2011-01-01,3.5\n"), Err(IngestError::NoHeader(_))));
        assert_eq!(sniff_text("").unwrap_err(), IngestError::Empty);
    }

    #[test]
    fn decides_dates_from_the_window() {
        let r = sniff_text("customer_id,date,amount\n1,01/02/2011,3\n2,25/02/2011,4\n").unwrap();
        assert_eq!(r.format.date_format.order, DayMonthOrder::DayFirst);
        assert!(r.format.date_format.decided_by_data);
    }
}
