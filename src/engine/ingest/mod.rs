//! Streaming ingest: bytes in any chunking → a cleaned [`Ledger`].
//!
//! The first [`SNIFF_BYTES`] are buffered to detect encoding, delimiter,
//! columns and date format; from then on chunks are decoded and parsed as
//! they arrive (csv-core is push-based), and rows are folded per customer.

mod aggregate;
pub mod columns;
pub mod dates;
pub mod decode;
pub mod error;
mod sniff;
pub mod values;

pub use aggregate::MISSING_CUSTOMER_ID;
pub use columns::{ColumnMapping, Field};
pub use error::IngestError;
pub use sniff::{sniff, DetectedFormat, SniffReport, SNIFF_BYTES};

use crate::engine::clean::{CleaningReport, CleaningRules, Rule};
use crate::engine::ledger::Ledger;
use aggregate::Aggregator;
use csv_core::{ReadRecordResult, ReaderBuilder};
use decode::TextDecoder;
use serde::{Deserialize, Serialize};

/// A record longer than this is an error, not an unbounded allocation.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;
const MAX_FIELDS: usize = 10_000;

/// What the user can override; `None` means "detect".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestSettings {
    pub mapping: Option<ColumnMapping>,
    pub delimiter: Option<u8>,
    /// `Some(true)` forces D/M/Y, `Some(false)` M/D/Y.
    pub day_first: Option<bool>,
    pub rules: CleaningRules,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestOutcome {
    pub ledger: Ledger,
    pub report: CleaningReport,
    pub format: DetectedFormat,
}

enum State {
    Sniffing(Vec<u8>),
    Parsing(Box<Parser>),
}

pub struct Ingestor {
    settings: IngestSettings,
    state: State,
    bytes_seen: u64,
}

impl Ingestor {
    pub fn new(settings: IngestSettings) -> Self {
        Self { settings, state: State::Sniffing(Vec::new()), bytes_seen: 0 }
    }

    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    /// Feeds the next bytes of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        self.bytes_seen += chunk.len() as u64;
        match &mut self.state {
            State::Parsing(parser) => parser.feed(chunk, false),
            State::Sniffing(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= SNIFF_BYTES {
                    let head = std::mem::take(head);
                    self.start_parsing(&head, false)?;
                }
                Ok(())
            }
        }
    }

    /// Ends the input and returns the ledger and the cleaning report.
    pub fn finish(mut self) -> Result<IngestOutcome, IngestError> {
        if let State::Sniffing(head) = &mut self.state {
            let head = std::mem::take(head);
            self.start_parsing(&head, true)?;
        }
        let State::Parsing(mut parser) = self.state else {
            return Err(IngestError::Empty);
        };
        parser.feed(&[], true)?;
        let Parser { aggregator, format, .. } = *parser;
        let Some(aggregator) = aggregator else {
            return Err(IngestError::Empty);
        };
        let (ledger, report) = aggregator.finish();
        if report.rows_read == 0 {
            return Err(IngestError::NoDataRows);
        }
        if ledger.customers.is_empty() {
            return Err(IngestError::NothingKept { rows: report.rows_read, reasons: report.summary() });
        }
        Ok(IngestOutcome { ledger, report, format })
    }

    fn start_parsing(&mut self, head: &[u8], is_whole_file: bool) -> Result<(), IngestError> {
        let sniffed = sniff(head, is_whole_file, &self.settings)?;
        let format = sniffed.format;
        format.mapping.validate(&format.headers)?;
        let mut parser = Box::new(Parser::new(format, self.settings.rules.clone()));
        parser.feed(head, is_whole_file)?;
        self.state = State::Parsing(parser);
        Ok(())
    }
}

/// Decoding + CSV parsing + aggregation, fed chunk by chunk.
struct Parser {
    decoder: TextDecoder,
    csv: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    /// File line where the record being read started.
    record_line: u64,
    format: DetectedFormat,
    rules: CleaningRules,
    /// Created once the header row has been read.
    aggregator: Option<Aggregator>,
}

impl Parser {
    fn new(format: DetectedFormat, rules: CleaningRules) -> Self {
        Self {
            decoder: TextDecoder::new(format.encoding),
            csv: ReaderBuilder::new().delimiter(format.delimiter).build(),
            output: vec![0; 64 * 1024],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
            record_line: 1,
            format,
            rules,
            aggregator: None,
        }
    }

    fn feed(&mut self, bytes: &[u8], last: bool) -> Result<(), IngestError> {
        // The decoder's buffer is reused, so take the text out before parsing.
        let text = self.decoder.decode(bytes, last).to_string();
        let mut input = text.as_bytes();
        loop {
            let (result, nin, nout, nend) =
                self.csv.read_record(input, &mut self.output[self.out_len..], &mut self.ends[self.ends_len..]);
            input = input.get(nin..).unwrap_or(&[]);
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                ReadRecordResult::InputEmpty if !last => return Ok(()),
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.output.len() >= MAX_RECORD_BYTES {
                        return Err(IngestError::RecordTooLong { row: self.record_line, limit_mib: MAX_RECORD_BYTES >> 20 });
                    }
                    self.output.resize(self.output.len() * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= MAX_FIELDS {
                        return Err(IngestError::RecordTooLong { row: self.record_line, limit_mib: MAX_RECORD_BYTES >> 20 });
                    }
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                ReadRecordResult::Record => {
                    self.record();
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.record_line = self.csv.line() + 1;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    fn record(&mut self) {
        let fields: Vec<&str> = sniff::fields(&self.output[..self.out_len], &self.ends[..self.ends_len]).collect();
        match &mut self.aggregator {
            Some(aggregator) => aggregator.push(&fields, self.record_line),
            // The first record is the header, already understood by the sniffer.
            None => self.aggregator = Some(Aggregator::new(&self.format, self.rules.clone())),
        }
    }
}

impl IngestOutcome {
    /// Rows removed by `rule`.
    pub fn removed(&self, rule: Rule) -> u64 {
        self.report.removed(rule)
    }
}
