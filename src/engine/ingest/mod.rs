//! Streaming ingest: CSV bytes in arbitrary chunks → cleaned [`Ledger`].
//!
//! ```text
//! push(bytes) ─► first 64 KiB buffered ─► sniff (encoding, delimiter, header,
//!                                          mapping, date order, decimal comma)
//!            └─► decode to UTF-8 ─► csv-core records ─► parse + clean ─► aggregate
//! ```
//!
//! The sniff window is always the exact first [`SNIFF_WINDOW`] bytes (or the
//! whole file if smaller), and every later stage is chunk-invariant, so the
//! outcome does not depend on how the file was split into chunks.
//!
//! Format notes:
//! - Amount of a line = quantity × unit price when both are mapped (Shopify's
//!   order `Total` only appears on an order's first line, so it is ignored),
//!   else the amount column, minus the refunded-amount column if mapped
//!   (Stripe: `Amount − Amount Refunded`; a fully refunded payment nets to 0
//!   and is dropped by the non-positive rule, and a `Refunded`/`Failed`
//!   status is dropped by the unpaid rule).
//! - A status column (Stripe `Status`, WooCommerce `Order Status`) keeps only
//!   paid-like values (paid, succeeded, completed, processing, …). An empty
//!   status cell inherits the verdict of its invoice's earlier lines.
//! - Without an invoice column, each line is its own purchase, named after
//!   its row number.
//! - Columns aligned with runs of spaces or tabs (CDNOW-style exports) are
//!   the delimiter `b' '` ("spaces"), one record a line. A first row of only
//!   numbers and dates, or with a written date or decimal number, is data: the file has no header row, its columns are
//!   named `column 1`, … and mapped from their values
//!   ([`columns::detect_columns_from_values`]); [`IngestSettings::has_header`]
//!   overrides the decision.

pub mod aggregate;
pub mod columns;
mod compact;
pub mod dates;
pub mod decode;
pub mod error;
pub mod format;
mod joining;
mod kept_lines;
pub(crate) mod name_key;
mod plain_line;
pub mod records;
pub mod sniff;
pub mod values;
mod whitespace;

use crate::engine::fast_hash::{self, FastHashSet};

use serde::{Deserialize, Serialize};

use crate::engine::clean::{is_cancellation, status_is_paid, CleaningReport, CleaningRules, Rule};
use crate::engine::container::SourceChoice;
use crate::engine::explore::lines::{month_key, LineStats, LineTotals, LinesPart, SetAside};
use crate::engine::explore::{self, Exploration};
use crate::engine::ledger::Ledger;

use aggregate::{first_lines, Aggregator, CustomerTotals, KeptLine, ReturnLine};
pub use columns::{ColumnMapping, Field, MappedColumn};
use dates::RepeatedDates;
pub use dates::{DateFormat, DateKind, DayMonthDecision};
use decode::StreamDecoder;
pub use decode::TextEncoding;
pub use error::IngestError;
pub use format::DetectedFormat;
pub use joining::Joining;
use records::{RecordSplitter, RecordView};
use sniff::{analyze, SniffOverrides};
pub use sniff::{sniff, SniffReport, SNIFF_WINDOW};
use values::{normalise_customer_id, parse_number};

/// Customer id used for rows without one when that rule is switched off.
pub const MISSING_CUSTOMER_ID: &str = "(no customer id)";

/// What the user chose in the mapping step; `None` means "detect".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestSettings {
    pub mapping: Option<ColumnMapping>,
    pub delimiter: Option<u8>,
    pub day_first: Option<bool>,
    pub decimal_comma: Option<bool>,
    /// Whether the first row names the columns; `None`: detect (a first row
    /// of numbers and dates, or with a written date or decimal, is data).
    pub has_header: Option<bool>,
    pub rules: CleaningRules,
    /// The archive member or workbook sheet to read, for wrapped files.
    pub source: SourceChoice,
}

impl IngestSettings {
    fn overrides(&self) -> SniffOverrides<'_> {
        SniffOverrides {
            delimiter: self.delimiter,
            mapping: self.mapping.as_ref(),
            day_first: self.day_first,
            decimal_comma: self.decimal_comma,
            has_header: self.has_header,
        }
    }
}

/// Sniff with the user's overrides applied (e.g. after they fixed the mapping).
pub fn sniff_with_settings(
    head: &[u8],
    settings: &IngestSettings,
) -> Result<SniffReport, IngestError> {
    let (window, complete) = sniff_window(head);
    analyze(window, complete, &settings.overrides())
}

/// The part of a file's `head` that is sniffed, and whether it is the whole file.
fn sniff_window(head: &[u8]) -> (&[u8], bool) {
    (
        head.get(..SNIFF_WINDOW).unwrap_or(head),
        head.len() < SNIFF_WINDOW,
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestOutcome {
    pub ledger: Ledger,
    pub report: CleaningReport,
    pub format: DetectedFormat,
    /// What the file looks like beyond RFM, from the same pass.
    pub exploration: Exploration,
}

/// Push-based ingest. Feed chunks with [`Ingestor::push`], then call
/// [`Ingestor::finish`]. After an error every call returns that error.
pub struct Ingestor {
    settings: IngestSettings,
    share: Option<Share>,
    bytes_seen: u64,
    state: State,
}

/// Part `index` of `count` of a file's customers, for ingesting one file
/// in several workers at once: each reads every record but parses and folds
/// only the rows of its customers (by a hash of the normalised id). A
/// customer's rows, duplicates and orders then all land in one share, so
/// merging is concatenation. Rows without a usable customer id go to share 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub index: u32,
    pub count: u32,
}

impl Share {
    /// Whether splitting by customer gives exactly the single-pass result with
    /// these settings: rows kept without a customer id share one placeholder
    /// customer whose orders may inherit a status from another share's rows.
    pub fn exact_for(settings: &IngestSettings) -> bool {
        settings.rules.drop_missing_customer
    }

    fn owns(&self, record: &RecordView, columns: &Columns) -> bool {
        let owner = match record.get(columns.customer).map(normalise_customer_id) {
            Some(Some(id)) if record.len() == columns.width => {
                fast_hash::hash_str(&id) % u64::from(self.count.max(1))
            }
            _ => 0,
        };
        owner == u64::from(self.index)
    }
}

/// What one share of a file's ingest produced (see [`Share`]); merge them
/// with [`merge_shares`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestShare {
    customers: Vec<CustomerTotals>,
    returns: Vec<ReturnLine>,
    report: CleaningReport,
    format: DetectedFormat,
    rules: CleaningRules,
    lines: LinesPart,
}

/// The later part of a file cut in two at a line break (see
/// [`Ingestor::continuing`]), to be joined to the ingest of its start with
/// [`Ingestor::join`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestRange {
    customers: Vec<CustomerTotals>,
    returns: Vec<ReturnLine>,
    report: CleaningReport,
    /// Hashes of its kept lines, per purchase in the order of its customers'
    /// purchases (how many each, then all): a line that repeats one kept
    /// before the cut would have been dropped by a single pass.
    lines_per_purchase: Vec<u32>,
    #[serde(with = "compact::hashes")]
    kept_lines: Vec<u64>,
    encoding: Option<TextEncoding>,
    lines: LinesPart,
    /// Line breaks in the part: the next part's lines are counted from here.
    newlines: u64,
    /// Whether the part ends with a whole record (a cut inside a quoted
    /// field leaves the next part unjoinable).
    ends_at_record_boundary: bool,
}

/// The outcome of the whole file from all its shares: the same as one
/// [`Ingestor`] over the file.
pub fn merge_shares(shares: Vec<IngestShare>) -> Result<IngestOutcome, IngestError> {
    let mut shares = shares.into_iter();
    let Some(first) = shares.next() else {
        return Err(IngestError::NoDataRows);
    };
    let IngestShare {
        customers,
        mut returns,
        mut report,
        format,
        rules,
        lines,
    } = first;
    let mut totals = LineTotals::default();
    totals.absorb(lines, &first_lines(&customers));
    let mut parts = vec![customers];
    for share in shares {
        report.absorb(share.report);
        totals.absorb(share.lines, &first_lines(&share.customers));
        parts.push(share.customers);
        returns.extend(share.returns);
    }
    let aggregator = Aggregator::from_shares(parts).with_returns(returns);
    finish_ingest(aggregator, totals, report, format, &rules)
}

/// The end of every ingest: checks that rows were kept, then the
/// customer-level outlier rule and the ledger.
fn finish_ingest(
    aggregator: Aggregator,
    lines: LineTotals,
    mut report: CleaningReport,
    format: DetectedFormat,
    rules: &CleaningRules,
) -> Result<IngestOutcome, IngestError> {
    if report.rows_read == 0 {
        return Err(IngestError::NoDataRows);
    }
    if report.rows_kept == 0 {
        return Err(IngestError::AllRowsRejected {
            rows: report.rows_read,
            breakdown: report.breakdown(),
        });
    }
    let quantile_cut = rules.drop_outliers.then_some(rules.outlier_quantile);
    let (mut ledger, facts) = aggregator.into_ledger_with_facts(quantile_cut, &mut report);
    ledger.net_returns = rules.net_returns;
    let exploration = explore::explore(&ledger, &facts, lines, &format);
    Ok(IngestOutcome {
        ledger,
        report,
        format,
        exploration,
    })
}

enum State {
    Sniffing { head: Vec<u8> },
    Streaming(Box<Pipeline>),
    Failed(IngestError),
}

impl Ingestor {
    pub fn new(settings: IngestSettings) -> Ingestor {
        Ingestor {
            settings,
            share: None,
            bytes_seen: 0,
            state: State::Sniffing { head: Vec::new() },
        }
    }

    /// An ingestor for one [`Share`] of the file's customers; end it with
    /// [`Ingestor::finish_share`].
    pub fn for_share(settings: IngestSettings, share: Share) -> Ingestor {
        Ingestor {
            share: Some(share),
            ..Ingestor::new(settings)
        }
    }

    /// An ingestor for the part of a file after a cut at a line break, for
    /// reading one file in two workers at once: the format comes from `head`
    /// (the file's first [`SNIFF_WINDOW`] bytes, or all of a smaller file),
    /// then [`Ingestor::push`] the bytes from the cut on and end with
    /// [`Ingestor::finish_range`]. Lines are counted from the cut.
    pub fn continuing(settings: IngestSettings, head: &[u8]) -> Result<Ingestor, IngestError> {
        let (window, complete) = sniff_window(head);
        let mut pipeline = Pipeline::start(window, complete, &settings, None)?;
        pipeline.rows.header_done = true;
        Ok(Ingestor {
            settings,
            share: None,
            bytes_seen: 0,
            state: State::Streaming(Box::new(pipeline)),
        })
    }

    /// Ends the ingest of a file's later part (see [`Ingestor::continuing`]).
    pub fn finish_range(self) -> Result<IngestRange, IngestError> {
        let ends_at_record_boundary = match &self.state {
            State::Streaming(pipeline) => pipeline.splitter.at_record_boundary(),
            _ => false,
        };
        let pipeline = self.flush()?;
        let encoding = pipeline.decoder.encoding();
        let newlines = pipeline.splitter.newlines_consumed();
        let (aggregator, report, _, _, lines) = pipeline.into_parts();
        let (lines_per_purchase, kept_lines) = aggregator.kept_lines();
        let (customers, returns) = aggregator.into_customers();
        Ok(IngestRange {
            customers,
            returns,
            report,
            lines_per_purchase,
            kept_lines,
            encoding,
            lines: lines.into_part(),
            newlines,
            ends_at_record_boundary,
        })
    }

    /// Whether this ingestor, fed a file up to a cut at a line break, joined
    /// with `later` (the rest, see [`Ingestor::continuing`]) gives what
    /// reading on would: the cut ends a record, both parts decode alike, and
    /// no row kept after the cut repeats one kept before it. When not, push
    /// the rest here instead.
    pub fn can_join(&self, later: &IngestRange) -> bool {
        let State::Streaming(pipeline) = &self.state else {
            return false;
        };
        let decoded_alike = match (pipeline.decoder.encoding(), later.encoding) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => true,
        };
        pipeline.splitter.at_record_boundary()
            && decoded_alike
            && !pipeline.rows.aggregator.repeats_any(
                &later.customers,
                &later.lines_per_purchase,
                &later.kept_lines,
            )
    }

    /// The outcome of the whole file from this ingestor (fed up to the cut)
    /// and the rest; check [`Ingestor::can_join`] first. Amounts of an
    /// invoice with lines on both sides of the cut are summed in another
    /// order than in one pass (they may differ in the last bit).
    pub fn join(self, later: IngestRange) -> Result<IngestOutcome, IngestError> {
        let mut joining = self.into_joining()?;
        joining.take(later, true);
        joining.finish()
    }

    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        self.bytes_seen += chunk.len() as u64;
        let result = self.push_inner(chunk);
        self.fail_on_error(result)
    }

    fn push_inner(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        match &mut self.state {
            State::Failed(error) => Err(error.clone()),
            State::Streaming(pipeline) => pipeline.feed(chunk, false),
            State::Sniffing { head } => {
                let wanted = SNIFF_WINDOW.saturating_sub(head.len()).min(chunk.len());
                let (into_head, rest) = chunk.split_at(wanted);
                head.extend_from_slice(into_head);
                if head.len() < SNIFF_WINDOW {
                    return Ok(());
                }
                let head = std::mem::take(head);
                let mut pipeline = Pipeline::start(&head, false, &self.settings, self.share)?;
                pipeline.feed(&head, false)?;
                pipeline.feed(rest, false)?;
                self.state = State::Streaming(Box::new(pipeline));
                Ok(())
            }
        }
    }

    fn fail_on_error(&mut self, result: Result<(), IngestError>) -> Result<(), IngestError> {
        if let Err(error) = &result {
            self.state = State::Failed(error.clone());
        }
        result
    }

    pub fn finish(self) -> Result<IngestOutcome, IngestError> {
        let pipeline = self.flush()?;
        let (aggregator, report, format, rules, lines) = pipeline.into_parts();
        let mut totals = LineTotals::default();
        totals.absorb_stats(lines, &aggregator.first_lines());
        finish_ingest(aggregator, totals, report, format, &rules)
    }

    /// Ends a share's ingest (see [`Ingestor::for_share`]): its customers
    /// and report, to be merged with the other shares'.
    pub fn finish_share(self) -> Result<IngestShare, IngestError> {
        let (aggregator, report, format, rules, lines) = self.flush()?.into_parts();
        let (customers, returns) = aggregator.into_customers();
        Ok(IngestShare {
            customers,
            returns,
            report,
            format,
            rules,
            lines: lines.into_part(),
        })
    }

    fn flush(self) -> Result<Pipeline, IngestError> {
        let mut pipeline = match self.state {
            State::Failed(error) => return Err(error),
            State::Streaming(pipeline) => *pipeline,
            State::Sniffing { head } => {
                let mut pipeline = Pipeline::start(&head, true, &self.settings, self.share)?;
                pipeline.feed(&head, false)?;
                pipeline
            }
        };
        pipeline.feed(&[], true)?;
        Ok(pipeline)
    }
}

/// Ingest a whole in-memory file (tests, small files).
pub fn ingest_bytes(bytes: &[u8], settings: IngestSettings) -> Result<IngestOutcome, IngestError> {
    let mut ingestor = Ingestor::new(settings);
    ingestor.push(bytes)?;
    ingestor.finish()
}

pub(crate) fn clean_excerpt<S: AsRef<str>>(fields: &[S], delimiter: u8) -> String {
    let separator = char::from(delimiter).to_string();
    fields
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(&separator)
}

struct Pipeline {
    decoder: StreamDecoder,
    splitter: RecordSplitter,
    decoded: String,
    rows: RowProcessor,
    format: DetectedFormat,
}

impl Pipeline {
    fn start(
        head: &[u8],
        complete: bool,
        settings: &IngestSettings,
        share: Option<Share>,
    ) -> Result<Pipeline, IngestError> {
        let sniffed = analyze(head, complete, &settings.overrides())?;
        let missing = sniffed.mapping.missing_required();
        let date_format = match (missing.is_empty(), sniffed.date_format) {
            (true, Some(date_format)) => date_format,
            _ => {
                return Err(IngestError::MissingColumns {
                    missing,
                    found: sniffed.headers,
                })
            }
        };
        let format = DetectedFormat {
            delimiter: sniffed.delimiter,
            encoding: sniffed.encoding,
            has_bom: sniffed.has_bom,
            mapping: sniffed.mapping,
            date_format,
            decimal_comma: sniffed.decimal_comma,
            has_header: sniffed.has_header,
        };
        // A pure-ASCII window decides nothing: the first non-ASCII byte will.
        let decoder = if format.encoding == TextEncoding::Utf8 && !format.has_bom && head.is_ascii()
        {
            StreamDecoder::undecided()
        } else {
            StreamDecoder::new(format.encoding)
        };
        Ok(Pipeline {
            decoder,
            splitter: RecordSplitter::new(format.delimiter),
            decoded: String::new(),
            rows: RowProcessor::new(&format, settings.rules.clone(), share),
            format,
        })
    }

    fn feed(&mut self, bytes: &[u8], last: bool) -> Result<(), IngestError> {
        let text = match self.decoder.pass_through(bytes) {
            Some(text) => text,
            None => {
                self.decoded.clear();
                self.decoder.decode(bytes, last, &mut self.decoded);
                self.decoded.as_str()
            }
        };
        let rows = &mut self.rows;
        let mut on_record = |record: &RecordView| {
            rows.process(record);
            Ok(())
        };
        self.splitter.feed(text, &mut on_record)?;
        if last {
            self.splitter.finish(&mut on_record)?;
        }
        Ok(())
    }

    fn into_parts(
        self,
    ) -> (
        Aggregator,
        CleaningReport,
        DetectedFormat,
        CleaningRules,
        LineStats,
    ) {
        let mut format = self.format;
        if let Some(encoding) = self.decoder.encoding() {
            format.encoding = encoding;
        }
        let RowProcessor {
            rules,
            report,
            aggregator,
            explore,
            ..
        } = self.rows;
        (aggregator, report, format, rules, explore)
    }
}

/// Column indices resolved once, so per-row work is plain lookups.
struct Columns {
    width: usize,
    customer: usize,
    date: usize,
    invoice: Option<usize>,
    quantity_price: Option<(usize, usize)>,
    amount: Option<usize>,
    refunded: Option<usize>,
    country: Option<usize>,
    status: Option<usize>,
    product: Option<usize>,
    /// A product description column beside the product code, if any.
    description: Option<usize>,
    names: Vec<String>,
}

struct RowProcessor {
    columns: Columns,
    delimiter: u8,
    dates: RepeatedDates,
    decimal_comma: bool,
    rules: CleaningRules,
    report: CleaningReport,
    aggregator: Aggregator,
    /// What exploration needs from single lines.
    explore: LineStats,
    header_done: bool,
    /// Scratch for a quoted row's fields while hashing it.
    row_bytes: Vec<u8>,
    /// Invoices whose status said "not paid", for their status-less lines.
    unpaid_invoices: FastHashSet<String>,
    /// Only this share's customers' rows are processed (`None`: every row).
    share: Option<Share>,
}

/// Why a row could not be used: (column, value, expected).
struct Unparseable {
    column: String,
    value: String,
    expected: String,
}

/// A row's parsed values.
struct ParsedRow<'a> {
    customer: Option<std::borrow::Cow<'a, str>>,
    invoice: Option<&'a str>,
    at: chrono::NaiveDateTime,
    quantity: Option<f64>,
    unit_price: Option<f64>,
    amount: f64,
    status: Option<&'a str>,
    country: Option<&'a str>,
    product: Option<&'a str>,
}

impl RowProcessor {
    fn new(format: &DetectedFormat, rules: CleaningRules, share: Option<Share>) -> RowProcessor {
        let mapping = &format.mapping;
        let quantity_price = match (
            mapping.index(Field::Quantity),
            mapping.index(Field::UnitPrice),
        ) {
            (Some(quantity), Some(price)) => Some((quantity, price)),
            _ => None,
        };
        RowProcessor {
            columns: Columns {
                width: mapping.headers.len(),
                customer: mapping.index(Field::CustomerId).unwrap_or(0),
                date: mapping.index(Field::Date).unwrap_or(0),
                invoice: mapping.index(Field::Invoice),
                quantity_price,
                amount: mapping.index(Field::Amount),
                refunded: mapping.index(Field::Refunded),
                country: mapping.index(Field::Country),
                status: mapping.index(Field::Status),
                product: mapping.index(Field::Product),
                description: explore::description_column(mapping),
                names: mapping.headers.clone(),
            },
            delimiter: format.delimiter,
            dates: RepeatedDates::new(format.date_format.parser()),
            decimal_comma: format.decimal_comma,
            report: CleaningReport::new(&rules),
            rules,
            aggregator: Aggregator::default(),
            explore: LineStats::default(),
            header_done: !format.has_header,
            row_bytes: Vec::new(),
            unpaid_invoices: FastHashSet::default(),
            share,
        }
    }

    fn process(&mut self, record: &RecordView) {
        if !self.header_done {
            self.header_done = true;
            return;
        }
        if self
            .share
            .is_some_and(|share| !share.owns(record, &self.columns))
        {
            return;
        }
        self.report.rows_read += 1;
        let line = record.line;
        let delimiter = self.delimiter;
        let excerpt = || clean_excerpt(&record.fields().collect::<Vec<_>>(), delimiter);

        let mut row = match self.parse(record) {
            Ok(row) => row,
            Err(problem) => {
                self.report.record_drop(Rule::Unparseable, Some(line), || {
                    let reason = if problem.column.is_empty() {
                        problem.expected
                    } else {
                        format!(
                            "{} = \"{}\": expected {}",
                            problem.column,
                            crate::engine::clean::truncate_chars(&problem.value, 40),
                            problem.expected
                        )
                    };
                    (excerpt(), reason)
                });
                return;
            }
        };

        let month = month_key(row.at);
        self.explore.count_parsed(month);

        let customer = match row.customer.take() {
            Some(customer) => customer,
            None if self.rules.drop_missing_customer => {
                self.report
                    .record_drop(Rule::MissingCustomer, Some(line), || {
                        (excerpt(), "customer id is empty".into())
                    });
                return;
            }
            None => {
                self.report.record_kept_anyway(Rule::MissingCustomer);
                MISSING_CUSTOMER_ID.into()
            }
        };

        let date = row.at.date();
        if self.rules.out_of_range(date) {
            if self.rules.drop_out_of_range_dates {
                let (earliest, latest) = (self.rules.earliest_date, self.rules.latest_date);
                self.report
                    .record_drop(Rule::OutOfRangeDate, Some(line), || {
                        (
                            excerpt(),
                            format!("date {date} is not within {earliest} … {latest}"),
                        )
                    });
                return;
            }
            self.report.record_kept_anyway(Rule::OutOfRangeDate);
        }

        if let Some((rule, reason)) = self.classify(&row) {
            if self.rules.enabled(rule) {
                match rule {
                    Rule::Cancellation => self.explore.mark_set_aside(SetAside::Cancellation),
                    Rule::Return => self.explore.mark_set_aside(SetAside::Return),
                    _ => {}
                }
                let given_back = matches!(rule, Rule::Cancellation | Rule::Return)
                    && row.amount < 0.0
                    && row.amount.is_finite();
                if self.rules.net_returns && given_back {
                    self.aggregator.add_return(&customer, row.at, -row.amount);
                }
                self.report
                    .record_drop(rule, Some(line), || (excerpt(), reason));
                return;
            }
            self.report.record_kept_anyway(rule);
        }

        let hash = self
            .rules
            .drop_duplicates
            .then(|| hash_record(record, delimiter, &mut self.row_bytes));
        let added = self.aggregator.add_to(KeptLine {
            customer: &customer,
            invoice: row.invoice,
            line,
            at: row.at,
            amount: row.amount,
            country: row.country,
            hash,
            items: row.quantity.unwrap_or(1.0),
        });
        let Some(customer_slot) = added else {
            self.report.record_drop(Rule::Duplicate, Some(line), || {
                (excerpt(), "same line as an earlier kept row".into())
            });
            return;
        };
        if let Some(product) = row.product {
            let description = self.columns.description;
            self.explore.add_kept(
                customer_slot,
                product,
                || description.and_then(|index| record.get(index)),
                line,
                row.amount,
                row.quantity.unwrap_or(0.0),
            );
        }
        self.report.rows_kept += 1;
    }

    fn parse<'a>(&self, record: &'a RecordView) -> Result<ParsedRow<'a>, Unparseable> {
        let columns = &self.columns;
        if record.len() != columns.width {
            return Err(Unparseable {
                column: String::new(),
                value: String::new(),
                expected: format!("expected {} fields, found {}", columns.width, record.len()),
            });
        }
        let name = |index: usize| columns.names.get(index).cloned().unwrap_or_default();
        let cell = |index: usize| record.get(index).unwrap_or_default();
        let number = |index: usize| {
            parse_number(cell(index), self.decimal_comma).map_err(|expected| Unparseable {
                column: name(index),
                value: cell(index).to_string(),
                expected: expected.to_string(),
            })
        };

        let at = self
            .dates
            .parse(cell(columns.date))
            .map_err(|expected| Unparseable {
                column: name(columns.date),
                value: cell(columns.date).to_string(),
                expected,
            })?;
        let (quantity, unit_price, amount) = match (columns.quantity_price, columns.amount) {
            (Some((quantity_column, price_column)), _) => {
                let quantity = number(quantity_column)?;
                let price = number(price_column)?;
                (Some(quantity), Some(price), quantity * price)
            }
            (None, Some(amount_column)) => {
                let mut amount = number(amount_column)?;
                if let Some(refunded_column) = columns.refunded {
                    // An empty refund cell means nothing was refunded.
                    if !values::trim(cell(refunded_column)).is_empty() {
                        amount -= number(refunded_column)?;
                    }
                }
                (None, None, amount)
            }
            (None, None) => {
                return Err(Unparseable {
                    column: String::new(),
                    value: String::new(),
                    expected: "an amount or quantity and unit price column".into(),
                })
            }
        };
        let non_empty =
            |index: Option<usize>| index.map(cell).map(values::trim).filter(|v| !v.is_empty());
        Ok(ParsedRow {
            customer: normalise_customer_id(cell(columns.customer)),
            invoice: non_empty(columns.invoice),
            at,
            quantity,
            unit_price,
            amount,
            status: non_empty(columns.status),
            country: non_empty(columns.country),
            product: non_empty(columns.product),
        })
    }

    /// The row's kind, if it is not a plain sale (first match wins).
    fn classify(&mut self, row: &ParsedRow) -> Option<(Rule, String)> {
        if let Some(invoice) = row.invoice.filter(|i| is_cancellation(i)) {
            return Some((
                Rule::Cancellation,
                format!("invoice {invoice} is a cancellation"),
            ));
        }
        if self.columns.status.is_some() {
            let verdict = match row.status {
                Some(status) => status_is_paid(status).map(|paid| (paid, status.to_string())),
                None => row
                    .invoice
                    .filter(|invoice| self.unpaid_invoices.contains(*invoice))
                    .map(|_| (false, "(inherited from the order's first line)".to_string())),
            };
            if let Some((false, status)) = verdict {
                if let Some(invoice) = row.invoice {
                    if !self.unpaid_invoices.contains(invoice) {
                        self.unpaid_invoices.insert(invoice.to_string());
                    }
                }
                return Some((
                    Rule::Unpaid,
                    format!("status {status} is not a completed payment"),
                ));
            }
        }
        if row.quantity.is_some_and(|q| q < 0.0) || row.amount < 0.0 {
            return Some((
                Rule::Return,
                format!("negative quantity or amount ({})", row.amount),
            ));
        }
        match row.unit_price {
            Some(price) if price <= 0.0 => {
                Some((Rule::NonPositivePrice, format!("unit price is {price}")))
            }
            None if row.amount <= 0.0 => {
                Some((Rule::NonPositivePrice, format!("amount is {}", row.amount)))
            }
            _ => None,
        }
    }
}

/// A hash of the fields (see [`RecordView::canonical_bytes`]), eight bytes
/// at a time: stable across runs and platforms, 8 bytes per kept row. A
/// plain line is hashed as it stands: field by field this was a sizeable
/// share of ingest in WebAssembly (as was a byte-at-a-time FNV natively).
fn hash_record(record: &RecordView, delimiter: u8, scratch: &mut Vec<u8>) -> u64 {
    fast_hash::hash_line(record.canonical_bytes(delimiter, scratch))
}
