//! Importing a ready RFM table (one row per customer) instead of
//! transactions: the output of the warehouse SQL in `sql/`, Segmento's own
//! customers export, or any CSV with customer, recency, frequency and
//! monetary columns.
//!
//! Streaming like ingest: bytes in any chunking → the same table. Memory grows
//! with customers (the rows, plus one id → line entry for duplicate checks).
//! Unlike transactions, every row matters, so a bad value is an error naming
//! its line and column, not a skipped row.

mod header;
mod seen;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::csv_cells::unguard;
use super::ingest::decode::StreamDecoder;
use super::ingest::records::{RecordSplitter, RecordView};
use super::ingest::values::{looks_decimal_comma, normalise_customer_id, parse_number, trim};
use super::rfm::{ReferenceDate, RfmRow, RfmSettings, RfmTable};
use header::guess_delimiter;
pub use header::RfmColumns;
use seen::SeenIds;

/// A header line longer than this is not the header of an RFM table.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// What the user can set; `None` means "detect".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RfmImportSettings {
    /// The date recency was counted to. Overrides a date found in the file
    /// (`recency_days_to_…` header or `reference_date` column); required when
    /// the file has none.
    pub reference_date: Option<NaiveDate>,
    pub delimiter: Option<u8>,
    pub decimal_comma: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RfmImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header row but no customers")]
    NoRows,
    #[error("this is not an RFM table: no {} column; columns are: {}", missing.join(", no "), found.join(", "))]
    MissingColumns {
        missing: Vec<String>,
        found: Vec<String>,
    },
    #[error("line {line}, column {column}: \"{value}\" is not {expected}")]
    BadValue {
        line: u64,
        column: String,
        value: String,
        expected: String,
    },
    #[error("line {line}: expected {expected} fields like the header, found {found}")]
    FieldCount {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("line {line}: customer {customer} appears twice (first on line {first_line}); an RFM table has one row per customer")]
    DuplicateCustomer {
        line: u64,
        customer: String,
        first_line: u64,
    },
    #[error("the file does not say which date recency counts to; set the reference date")]
    NoReferenceDate,
    #[error("the first line has no end within its first {limit} bytes, so it is not a header row")]
    HeaderTooLong { limit: usize },
    #[error(
        "the record starting at line {line} is longer than {limit} bytes; is a quote left open?"
    )]
    RecordTooLong { line: u64, limit: usize },
}

/// Where the reference date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceSource {
    Settings,
    /// Segmento's export header `recency_days_to_YYYY-MM-DD`.
    Header,
    /// A `reference_date` column (the warehouse SQL's output).
    Column,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmImportOutcome {
    pub table: RfmTable,
    pub columns: RfmColumns,
    pub delimiter: u8,
    pub decimal_comma: bool,
    pub reference_from: ReferenceSource,
}

/// Does this start of a file look like an RFM table (recency, frequency and
/// monetary columns in its header)? For choosing between this import and
/// transactions ingest.
pub fn looks_like_rfm_table(first_bytes: &[u8]) -> bool {
    let mut text = String::new();
    StreamDecoder::undecided().decode(first_bytes, true, &mut text);
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = guess_delimiter(header_line);
    let mut headers = Vec::new();
    let mut splitter = RecordSplitter::new(delimiter);
    let mut collect = |record: &RecordView| {
        if headers.is_empty() {
            headers = record.to_strings();
        }
        Ok(())
    };
    let parsed = splitter
        .feed(header_line, &mut collect)
        .and_then(|()| splitter.finish(&mut collect));
    parsed.is_ok() && RfmColumns::from_headers(headers).has_rfm()
}

/// Import a whole in-memory file.
pub fn import_rfm_bytes(
    bytes: &[u8],
    settings: &RfmImportSettings,
) -> Result<RfmImportOutcome, RfmImportError> {
    let mut ingestor = RfmTableIngestor::new(settings.clone());
    ingestor.push(bytes)?;
    ingestor.finish()
}

/// Push-based import: [`RfmTableIngestor::push`] chunks, then
/// [`RfmTableIngestor::finish`]. After an error every call returns it.
pub struct RfmTableIngestor {
    settings: RfmImportSettings,
    decoder: StreamDecoder,
    decoded: String,
    /// Text before the header line is complete.
    head: String,
    reader: Option<Reader>,
    failed: Option<RfmImportError>,
}

impl RfmTableIngestor {
    pub fn new(settings: RfmImportSettings) -> RfmTableIngestor {
        RfmTableIngestor {
            settings,
            decoder: StreamDecoder::undecided(),
            decoded: String::new(),
            head: String::new(),
            reader: None,
            failed: None,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), RfmImportError> {
        let result = self.push_inner(chunk, false);
        self.remember(result)
    }

    pub fn finish(mut self) -> Result<RfmImportOutcome, RfmImportError> {
        let result = self.push_inner(&[], true);
        self.remember(result)?;
        match self.reader.take() {
            Some(reader) => reader.finish(&self.settings),
            None => Err(RfmImportError::Empty),
        }
    }

    fn remember(&mut self, result: Result<(), RfmImportError>) -> Result<(), RfmImportError> {
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    fn push_inner(&mut self, chunk: &[u8], last: bool) -> Result<(), RfmImportError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        self.decoded.clear();
        self.decoder.decode(chunk, last, &mut self.decoded);
        if let Some(reader) = &mut self.reader {
            return reader.feed(&self.decoded, last);
        }
        self.head.push_str(&self.decoded);
        // The delimiter is read off the complete header line.
        let header_line = match self.head.find('\n') {
            Some(end) => self.head.get(..end).unwrap_or_default(),
            None if last => self.head.as_str(),
            None if self.head.len() > MAX_HEADER_BYTES => {
                return Err(RfmImportError::HeaderTooLong {
                    limit: MAX_HEADER_BYTES,
                })
            }
            None => return Ok(()),
        };
        if header_line.trim_start_matches('\u{feff}').trim().is_empty() && last {
            return Err(RfmImportError::Empty);
        }
        let delimiter = self
            .settings
            .delimiter
            .unwrap_or_else(|| guess_delimiter(header_line));
        let mut reader = Reader::new(delimiter, self.settings.decimal_comma);
        let head = std::mem::take(&mut self.head);
        reader.feed(&head, last)?;
        self.reader = Some(reader);
        Ok(())
    }
}

/// Record splitting and row parsing once the delimiter is known.
struct Reader {
    splitter: RecordSplitter,
    rows: Rows,
}

impl Reader {
    fn new(delimiter: u8, decimal_comma: Option<bool>) -> Reader {
        Reader {
            splitter: RecordSplitter::new(delimiter),
            rows: Rows {
                delimiter,
                decimal_comma,
                columns: None,
                rows: Vec::new(),
                seen: SeenIds::default(),
                column_reference: None,
                reference_text: String::new(),
                error: None,
            },
        }
    }

    fn feed(&mut self, text: &str, last: bool) -> Result<(), RfmImportError> {
        let rows = &mut self.rows;
        let mut on_record = |record: &RecordView| {
            if rows.error.is_none() {
                if let Err(error) = rows.process(record) {
                    rows.error = Some(error);
                }
            }
            Ok(())
        };
        let split = self.splitter.feed(text, &mut on_record).and_then(|()| {
            if last {
                self.splitter.finish(&mut on_record)
            } else {
                Ok(())
            }
        });
        if let Some(error) = self.rows.error.take() {
            return Err(error);
        }
        split.map_err(|error| match error {
            super::ingest::IngestError::RecordTooLong { line, limit } => {
                RfmImportError::RecordTooLong { line, limit }
            }
            _ => RfmImportError::Empty,
        })
    }

    fn finish(self, settings: &RfmImportSettings) -> Result<RfmImportOutcome, RfmImportError> {
        let rows = self.rows;
        let Some(columns) = rows.columns else {
            return Err(RfmImportError::Empty);
        };
        if rows.rows.is_empty() {
            return Err(RfmImportError::NoRows);
        }
        let (reference_date, reference_from) = match (
            settings.reference_date,
            columns.reference_in_header(),
            rows.column_reference,
        ) {
            (Some(date), _, _) => (date, ReferenceSource::Settings),
            (None, Some(date), _) => (date, ReferenceSource::Header),
            (None, None, Some((date, _))) => (date, ReferenceSource::Column),
            (None, None, None) => return Err(RfmImportError::NoReferenceDate),
        };
        let table = RfmTable {
            // Day-after-last keeps a model trained on an import usable on
            // later transactions (a fixed date would freeze it in time).
            settings: RfmSettings {
                purchase: columns.purchase_unit(),
                monetary: columns.monetary_mode(),
                reference: ReferenceDate::DayAfterLast,
            },
            reference_date,
            rows: rows.rows,
            skipped_after_reference: 0,
            net_of_returns: columns.monetary_is_net(),
        };
        Ok(RfmImportOutcome {
            table,
            columns,
            delimiter: rows.delimiter,
            decimal_comma: rows.decimal_comma.unwrap_or(false),
            reference_from,
        })
    }
}

struct Rows {
    delimiter: u8,
    /// `None` until the first monetary cell decides it.
    decimal_comma: Option<bool>,
    columns: Option<RfmColumns>,
    rows: Vec<RfmRow>,
    /// The ids so far, for duplicate errors.
    seen: SeenIds,
    /// The `reference_date` column's value and the line it was first read on.
    column_reference: Option<(NaiveDate, u64)>,
    /// The last `reference_date` cell, as written: it held that date.
    reference_text: String,
    error: Option<RfmImportError>,
}

/// A number cell: plain `123` / `45.67` directly (most cells of a machine-
/// written table), anything else through ingest's lenient parser.
fn number(cell: &str, decimal_comma: bool) -> Result<f64, &'static str> {
    let plain =
        !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !decimal_comma;
    match plain.then(|| cell.parse::<f64>().ok()).flatten() {
        Some(value) => Ok(value),
        None => parse_number(cell, decimal_comma),
    }
}

impl Rows {
    fn process(&mut self, record: &RecordView) -> Result<(), RfmImportError> {
        let Some(columns) = &self.columns else {
            let columns = RfmColumns::from_headers(record.to_strings());
            let missing = columns.missing();
            if !missing.is_empty() {
                return Err(RfmImportError::MissingColumns {
                    missing,
                    found: columns.headers,
                });
            }
            self.columns = Some(columns);
            return Ok(());
        };
        let line = record.line;
        if record.len() != columns.headers.len() {
            return Err(RfmImportError::FieldCount {
                line,
                expected: columns.headers.len(),
                found: record.len(),
            });
        }
        let cell = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .map(trim)
                .unwrap_or_default()
        };
        let bad = |index: Option<usize>, expected: &str| RfmImportError::BadValue {
            line,
            column: index
                .and_then(|i| columns.headers.get(i))
                .cloned()
                .unwrap_or_default(),
            value: crate::engine::clean::truncate_chars(cell(index), 40),
            expected: expected.to_string(),
        };

        let customer_id = normalise_customer_id(unguard(cell(columns.customer)))
            .ok_or_else(|| bad(columns.customer, "a customer id"))?;
        let decimal_comma = *self.decimal_comma.get_or_insert_with(|| {
            self.delimiter != b',' && looks_decimal_comma(cell(columns.monetary))
        });
        let whole = |index: Option<usize>, min: f64, expected: &str| {
            number(cell(index), decimal_comma)
                .ok()
                .filter(|v| v.fract() == 0.0 && *v >= min && *v <= f64::from(u32::MAX))
                .ok_or_else(|| bad(index, expected))
        };
        let recency_days = whole(columns.recency, 0.0, "a whole number of days ≥ 0")? as i64;
        let frequency = whole(columns.frequency, 1.0, "a whole number of purchases ≥ 1")? as u32;
        let monetary = number(cell(columns.monetary), decimal_comma)
            .ok()
            .filter(|v| *v >= 0.0)
            .ok_or_else(|| bad(columns.monetary, "an amount ≥ 0"))?;
        let reference_text = cell(columns.reference_date);
        // Every row repeats the same date: the text the last row's date was
        // checked from needs no parsing again (chrono's parser was a third
        // of reading a large table).
        if columns.reference_date.is_some() && reference_text != self.reference_text {
            let date = NaiveDate::parse_from_str(reference_text, "%Y-%m-%d")
                .map_err(|_| bad(columns.reference_date, "a date like 2011-12-10"))?;
            match self.column_reference {
                None => self.column_reference = Some((date, line)),
                Some((first, first_line)) if first != date => {
                    return Err(bad(
                        columns.reference_date,
                        &format!("{first}, the reference date of line {first_line}"),
                    ))
                }
                Some(_) => {}
            }
            self.reference_text.clear();
            self.reference_text.push_str(reference_text);
        }
        let country = Some(unguard(cell(columns.country)))
            .filter(|c| !c.is_empty())
            .map(str::to_string);

        if let Some(first_line) = self.seen.first_line(&customer_id, &self.rows, line) {
            return Err(RfmImportError::DuplicateCustomer {
                line,
                customer: customer_id.into_owned(),
                first_line,
            });
        }
        self.rows.push(RfmRow {
            customer_id: customer_id.into_owned(),
            country,
            recency_days,
            frequency,
            monetary,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::csv_cells::recency_header;
    use crate::engine::rfm::{MonetaryMode, PurchaseUnit};

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn import(text: &str) -> Result<RfmImportOutcome, RfmImportError> {
        import_rfm_bytes(text.as_bytes(), &RfmImportSettings::default())
    }

    const SQL_OUTPUT: &str = "customer_id,recency_days,frequency,monetary,country,reference_date\n\
        12346,99,1,107.27,United Kingdom,2011-12-10\n\
        12347.0,2,7,4310.00,,2011-12-10\n";

    #[test]
    fn reads_the_warehouse_sql_output() {
        let outcome = import(SQL_OUTPUT).unwrap();
        let t = &outcome.table;
        assert_eq!(t.reference_date, date("2011-12-10"));
        assert_eq!(outcome.reference_from, ReferenceSource::Column);
        assert_eq!(t.settings.purchase, PurchaseUnit::Invoice);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            (
                t.rows[0].recency_days,
                t.rows[0].frequency,
                t.rows[0].monetary
            ),
            (99, 1, 107.27)
        );
        assert_eq!(t.rows[0].country.as_deref(), Some("United Kingdom"));
        assert_eq!(t.rows[1].customer_id, "12347");
        assert_eq!(t.rows[1].country, None);
    }

    #[test]
    fn same_table_for_any_chunking() {
        let whole = import(SQL_OUTPUT).unwrap();
        for size in 1..SQL_OUTPUT.len() {
            let mut ingestor = RfmTableIngestor::new(RfmImportSettings::default());
            for chunk in SQL_OUTPUT.as_bytes().chunks(size) {
                ingestor.push(chunk).unwrap();
            }
            assert_eq!(ingestor.finish().unwrap(), whole, "chunk size {size}");
        }
    }

    #[test]
    fn segmento_export_with_semicolons_decimal_commas_and_guards() {
        let text = "\u{feff}customer_id;country;recency_days_to_2012-01-01;frequency_days;monetary_mean_per_purchase;cluster\r\n\
            '=cmd;'-x;3;2;12,50;0\r\n\
            b;;10;1;0,99;1\r\n";
        let outcome = import(text).unwrap();
        assert_eq!(outcome.delimiter, b';');
        assert!(outcome.decimal_comma);
        assert_eq!(outcome.reference_from, ReferenceSource::Header);
        let t = &outcome.table;
        assert_eq!(t.reference_date, date("2012-01-01"));
        assert_eq!(t.settings.purchase, PurchaseUnit::Day);
        assert_eq!(t.settings.monetary, MonetaryMode::MeanPerPurchase);
        assert_eq!(t.rows[0].customer_id, "=cmd");
        assert_eq!(t.rows[0].country.as_deref(), Some("-x"));
        assert_eq!(t.rows[0].monetary, 12.5);
        assert_eq!(t.rows[1].monetary, 0.99);
    }

    #[test]
    fn settings_reference_date_wins_and_is_required_without_one() {
        let text = "customer,recency,frequency,monetary\na,1,1,5\n";
        assert_eq!(import(text), Err(RfmImportError::NoReferenceDate));
        let settings = RfmImportSettings {
            reference_date: Some(date("2020-02-02")),
            ..Default::default()
        };
        let outcome = import_rfm_bytes(text.as_bytes(), &settings).unwrap();
        assert_eq!(outcome.table.reference_date, date("2020-02-02"));
        assert_eq!(outcome.reference_from, ReferenceSource::Settings);
        let with_column = import_rfm_bytes(SQL_OUTPUT.as_bytes(), &settings).unwrap();
        assert_eq!(with_column.table.reference_date, date("2020-02-02"));
    }

    #[test]
    fn bad_values_name_line_column_value_and_expectation() {
        let header = "customer_id,recency_days,frequency,monetary,reference_date\n";
        let cases = [
            ("a,-1,1,5,2011-12-10", "recency_days", "-1", "≥ 0"),
            ("a,1.5,1,5,2011-12-10", "recency_days", "1.5", "whole"),
            ("a,1,0,5,2011-12-10", "frequency", "0", "≥ 1"),
            ("a,1,x,5,2011-12-10", "frequency", "x", "purchases"),
            ("a,1,1,-5,2011-12-10", "monetary", "-5", "amount ≥ 0"),
            ("a,1,1,five,2011-12-10", "monetary", "five", "amount"),
            (
                "a,1,1,5,10/12/2011",
                "reference_date",
                "10/12/2011",
                "2011-12-10",
            ),
            (",1,1,5,2011-12-10", "customer_id", "", "customer id"),
        ];
        for (row, column, value, expected) in cases {
            let text = format!("{header}ok,1,1,1,2011-12-10\n{row}\n");
            match import(&text) {
                Err(RfmImportError::BadValue {
                    line,
                    column: c,
                    value: v,
                    expected: e,
                }) => {
                    assert_eq!((line, c.as_str(), v.as_str()), (3, column, value), "{row}");
                    assert!(e.contains(expected), "{row}: {e}");
                }
                other => panic!("{row}: {other:?}"),
            }
        }
        let mixed = format!("{header}a,1,1,5,2011-12-10\nb,1,1,5,2011-12-11\n");
        assert!(matches!(
            import(&mixed),
            Err(RfmImportError::BadValue { line: 3, .. })
        ));
        // After rows repeating the date, another date or a bad one is still caught.
        for last in ["2011-12-11", "2011-13-10", "2011-12-10x"] {
            let text = format!("{header}a,1,1,5,2011-12-10\nb,1,1,5,2011-12-10\nc,1,1,5,{last}\n");
            assert!(
                matches!(import(&text), Err(RfmImportError::BadValue { line: 4, .. })),
                "{last}"
            );
        }
        // The same date written with a space around it is the same date.
        let spaced =
            format!("{header}a,1,1,5,2011-12-10\nb,1,1,5, 2011-12-10\nc,1,1,5,2011-12-10\n");
        assert_eq!(import(&spaced).unwrap().table.rows.len(), 3);
    }

    #[test]
    fn structural_errors() {
        let dup = "customer_id,recency,frequency,monetary\n1,1,1,1\n2,1,1,1\n1.0,2,2,2\n";
        assert_eq!(
            import(dup),
            Err(RfmImportError::DuplicateCustomer {
                line: 4,
                customer: "1".into(),
                first_line: 2
            })
        );
        match import("customer_id,recency,monetary\n1,1,1\n") {
            Err(RfmImportError::MissingColumns { missing, found }) => {
                assert_eq!(missing, ["frequency"]);
                assert_eq!(found.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            import("customer_id,recency,frequency,monetary\n1,1,1\n"),
            Err(RfmImportError::FieldCount {
                line: 2,
                expected: 4,
                found: 3
            })
        ));
        assert_eq!(import(""), Err(RfmImportError::Empty));
        assert_eq!(
            import("customer_id,recency_days_to_2011-12-10,frequency,monetary\n"),
            Err(RfmImportError::NoRows)
        );
        let long = "x".repeat(MAX_HEADER_BYTES + 10);
        let mut ingestor = RfmTableIngestor::new(RfmImportSettings::default());
        assert!(matches!(
            ingestor.push(long.as_bytes()),
            Err(RfmImportError::HeaderTooLong { .. })
        ));
        assert!(ingestor.push(b"\n").is_err(), "errors stick");
    }

    #[test]
    fn plain_number_fast_path_agrees_with_the_lenient_parser() {
        for cell in [
            "0", "7", "107.27", "4310.00", ".5", "1.2.3", "12.", "£3", "1,234.5",
        ] {
            assert_eq!(number(cell, false), parse_number(cell, false), "{cell}");
        }
        assert_eq!(number("12,50", true), Ok(12.5));
    }

    #[test]
    fn sniffs_rfm_tables_not_transactions() {
        assert!(looks_like_rfm_table(SQL_OUTPUT.as_bytes()));
        assert!(looks_like_rfm_table(
            b"customer_id,country,recency_days_to_2011-12-10,frequency_invoices,monetary_total,r_score"
        ));
        assert!(looks_like_rfm_table(
            b"Customer;Recency;Frequency;Monetary\r\n1;2;3;4,5"
        ));
        assert!(!looks_like_rfm_table(
            b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        ));
        assert!(!looks_like_rfm_table(b""));
        assert!(!looks_like_rfm_table(&[0xff, 0xfe, 0, 0]));
        assert_eq!(
            recency_header(date("2011-12-10")),
            "recency_days_to_2011-12-10"
        );
    }
}
