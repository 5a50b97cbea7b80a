//! Joining a file read in several parts at once: the first part's ingest
//! (from the file's start to a cut at a line break) takes in the later parts
//! one by one, in file order, each read separately with
//! [`Ingestor::continuing`]. Each part is checked before it is taken in, so
//! the outcome is the single pass's or the join says it cannot be had.

use super::aggregate::Aggregator;
use super::{
    finish_ingest, CleaningReport, CleaningRules, DetectedFormat, IngestError, IngestOutcome,
    IngestRange, Ingestor, LineTotals, State, TextEncoding,
};

/// The outcome of a file's parts so far, taking in the next ones (see the
/// module notes).
pub struct Joining {
    aggregator: Aggregator,
    totals: LineTotals,
    report: CleaningReport,
    format: DetectedFormat,
    rules: CleaningRules,
    /// Line breaks before the next part.
    line_offset: u64,
    /// Whether the parts so far end with a whole record.
    at_record_boundary: bool,
    /// The encoding decided by a part so far (`None`: all ASCII so far).
    encoding: Option<TextEncoding>,
}

impl Ingestor {
    /// The first part's ingest, fed from the file's start up to a cut at a
    /// line break, ready to take in the later parts.
    pub fn into_joining(self) -> Result<Joining, IngestError> {
        let pipeline = match self.state {
            State::Failed(error) => return Err(error),
            State::Streaming(pipeline) => *pipeline,
            State::Sniffing { .. } => return Err(IngestError::NoDataRows),
        };
        let line_offset = pipeline.splitter.newlines_consumed();
        let at_record_boundary = pipeline.splitter.at_record_boundary();
        let encoding = pipeline.decoder.encoding();
        let (aggregator, report, format, rules, lines) = pipeline.into_parts();
        let mut totals = LineTotals::default();
        totals.absorb_stats(lines, &aggregator.first_lines());
        Ok(Joining {
            aggregator,
            totals,
            report,
            format,
            rules,
            line_offset,
            at_record_boundary,
            encoding,
        })
    }
}

impl Joining {
    /// Whether taking in `later` (the part right after those so far) gives
    /// what reading on would: the parts so far end a record, both decode
    /// alike, and no row kept in `later` repeats one kept before it.
    pub fn can_join(&self, later: &IngestRange) -> bool {
        let decoded_alike = match (self.encoding, later.encoding) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => true,
        };
        self.at_record_boundary
            && decoded_alike
            && !self.aggregator.repeats_any(
                &later.customers,
                &later.lines_per_purchase,
                &later.kept_lines,
            )
    }

    /// Takes in the next part (check [`Joining::can_join`] first). Amounts
    /// of a purchase with lines on both sides of a cut are summed in another
    /// order than in one pass (they may differ in the last bit), so the
    /// cuts, not the number of workers, decide the last bits. `last`: no
    /// part follows (its purchases need not be indexed for another).
    pub fn take(&mut self, later: IngestRange, last: bool) {
        let IngestRange {
            customers,
            returns,
            mut report,
            lines_per_purchase,
            kept_lines,
            encoding,
            lines,
            newlines,
            ends_at_record_boundary,
        } = later;
        if self.encoding.is_none() {
            self.encoding = encoding;
        }
        report.shift_rows(self.line_offset);
        self.report.absorb(report);
        let aggregator = std::mem::take(&mut self.aggregator);
        let (aggregator, places) = match last {
            true => aggregator.absorb_later(customers, self.line_offset),
            false => aggregator.absorb_part(
                customers,
                &lines_per_purchase,
                &kept_lines,
                self.line_offset,
            ),
        };
        self.aggregator = aggregator.with_returns(returns);
        self.totals.absorb_at(lines, &places, self.line_offset);
        self.line_offset += newlines;
        self.at_record_boundary = ends_at_record_boundary;
    }

    /// The outcome of the whole file, once its last part is taken in.
    pub fn finish(self) -> Result<IngestOutcome, IngestError> {
        let mut format = self.format;
        if let Some(encoding) = self.encoding {
            format.encoding = encoding;
        }
        finish_ingest(
            self.aggregator,
            self.totals,
            self.report,
            format,
            &self.rules,
        )
    }
}
