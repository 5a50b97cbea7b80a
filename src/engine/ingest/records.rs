//! Push-based CSV record splitting on decoded UTF-8 text, with the 1-based
//! line number where each record starts. Lines without quotes or stray
//! carriage returns — nearly all lines of an export — are split on the
//! delimiter in place; anything else goes through csv-core's state machine
//! (which copies every byte and was the largest single cost of ingest).
//!
//! The delimiter `b' '` means columns separated by runs of spaces or tabs,
//! one record a line (see [`super::whitespace`]).
//!
//! Memory is bounded by the longest record (capped at [`MAX_RECORD_BYTES`]),
//! never by the file size.

use std::borrow::Cow;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::error::IngestError;
use super::plain_line::{scan_plain_line, PlainLine, Quotes};
use super::whitespace;

/// The delimiter that stands for runs of spaces and tabs.
pub const WHITESPACE: u8 = b' ';

/// A longer record almost certainly means an unclosed quote or a non-CSV file.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// One parsed record, borrowed from the splitter's buffer.
pub struct RecordView<'a> {
    text: Cow<'a, str>,
    ends: &'a [usize],
    /// Bytes between a field's end and the next field's start in `text`: 0
    /// in csv-core's unescaped output, 1 (the delimiter) in a line split in
    /// place.
    gap: usize,
    /// A line split in place with quoted fields: such a field's text is
    /// between its quotes (none of them holds a doubled quote).
    quotes: Quotes,
    /// Line (1-based, counting `\n`) where the record starts.
    pub line: u64,
}

impl RecordView<'_> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(previous) => *self.ends.get(previous)? + self.gap,
            None => 0,
        };
        let field = self.text.get(start..end)?;
        if self.quotes.quoted {
            // The scanner only lets a quote through as a field's first and
            // last byte.
            if let Some(inner) = field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
                return Some(inner);
            }
        }
        Some(field)
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// The fields as one byte string that two records share exactly when
    /// their fields are equal, for hashing whole rows: the fields joined by
    /// `delimiter` (a plain line as it stands, no copy) and, when a quoted
    /// field holds the delimiter itself, 0xFF (never in UTF-8) and the
    /// fields' lengths, so `"a,b",c` and `a,"b,c"` stay apart. With
    /// [`WHITESPACE`] the fields are joined by one space whatever separated
    /// them, so `1  a` and `1 a` are the same line.
    pub fn canonical_bytes<'b>(&'b self, delimiter: u8, scratch: &'b mut Vec<u8>) -> &'b [u8] {
        let text = self.text.as_bytes();
        let line_end = self.ends.last().copied().unwrap_or(0);
        if self.gap == 1 && !self.quotes.quoted {
            return text.get(..line_end).unwrap_or_default();
        }
        scratch.clear();
        if self.quotes.quoted {
            // The line without its fields' quotes, copied between them.
            let mut copied = 0;
            let mut start = 0;
            for &end in self.ends {
                if text.get(start) == Some(&b'"') && end >= start + 2 {
                    scratch.extend_from_slice(text.get(copied..start).unwrap_or_default());
                    scratch.extend_from_slice(text.get(start + 1..end - 1).unwrap_or_default());
                    copied = end;
                }
                start = end + 1;
            }
            scratch.extend_from_slice(text.get(copied..line_end).unwrap_or_default());
            if self.quotes.delimiter_inside {
                self.push_lengths(scratch);
            }
            return scratch;
        }
        let mut ambiguous = false;
        let mut start = 0;
        for (index, &end) in self.ends.iter().enumerate() {
            if index > 0 {
                scratch.push(delimiter);
            }
            let field = text.get(start..end).unwrap_or_default();
            ambiguous |= field.contains(&delimiter);
            scratch.extend_from_slice(field);
            start = end + self.gap;
        }
        if ambiguous {
            self.push_lengths(scratch);
        }
        scratch
    }

    /// 0xFF and each field's length, for [`RecordView::canonical_bytes`].
    fn push_lengths(&self, scratch: &mut Vec<u8>) {
        scratch.push(0xff);
        for field in self.fields() {
            scratch.extend_from_slice(&(field.len() as u32).to_le_bytes());
        }
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.fields().map(str::to_owned).collect()
    }
}

/// A plain count, so it compiles to vector compares (a byte-by-byte state
/// machine here was a noticeable share of ingest).
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

pub struct RecordSplitter {
    reader: Reader,
    output: Vec<u8>,
    output_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    newlines_consumed: u64,
    at_record_start: bool,
    record_line: u64,
    /// csv-core strips a BOM only if its first call sees ≥ 3 bytes; holding
    /// back the first bytes keeps that decision independent of chunking.
    started: bool,
    held_back: String,
    max_record_bytes: usize,
    /// csv-core has just ended a record, so the next line may be split in
    /// place (after a record csv-core skips blank lines and a `\n` following
    /// `\r`, exactly what the plain-line path does with them).
    csv_core_between_records: bool,
    /// Off only in tests, to compare against csv-core alone.
    plain_lines_allowed: bool,
    delimiter: u8,
    plain_ends: Vec<usize>,
    /// A line's fields with doubled quotes, unescaped.
    unescaped: Unescaped,
    /// Set for [`WHITESPACE`]: lines are split by [`whitespace::split_line`]
    /// instead of csv-core.
    whitespace: Option<WhitespaceLines>,
}

/// Fields back to back and their ends, like csv-core's output.
#[derive(Default)]
struct Unescaped {
    text: String,
    ends: Vec<usize>,
}

/// The fields of `line` (ending at `ends`, as [`scan_plain_line`] found
/// them) without their quotes and with each doubled quote made one.
fn unescape_fields(line: &str, ends: &[usize], out: &mut Unescaped) {
    out.text.clear();
    out.ends.clear();
    let mut start = 0;
    for &end in ends {
        let field = line.get(start..end).unwrap_or_default();
        match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
            Some(mut inner) => {
                // Every quote inside is the first of a doubled pair.
                while let Some(at) = inner.find('"') {
                    out.text.push_str(inner.get(..=at).unwrap_or_default());
                    inner = inner.get(at + 2..).unwrap_or_default();
                }
                out.text.push_str(inner);
            }
            None => out.text.push_str(field),
        }
        out.ends.push(out.text.len());
        start = end + 1;
    }
}

/// The state of splitting on runs of spaces and tabs.
#[derive(Default)]
struct WhitespaceLines {
    /// The start of a line whose end has not come yet.
    pending: String,
    /// No line has ended yet (a BOM may start the next one).
    started_lines: bool,
    /// The current record's fields, back to back, and their ends.
    text: String,
    ends: Vec<usize>,
}

impl RecordSplitter {
    pub fn new(delimiter: u8) -> Self {
        Self::with_limit(delimiter, MAX_RECORD_BYTES)
    }

    pub fn with_limit(delimiter: u8, max_record_bytes: usize) -> Self {
        RecordSplitter {
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; 4096.min(max_record_bytes.max(1))],
            output_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            newlines_consumed: 0,
            at_record_start: true,
            record_line: 1,
            started: false,
            held_back: String::new(),
            max_record_bytes,
            csv_core_between_records: false,
            plain_lines_allowed: true,
            delimiter,
            plain_ends: Vec::with_capacity(64),
            unescaped: Unescaped::default(),
            whitespace: (delimiter == WHITESPACE).then(WhitespaceLines::default),
        }
    }

    /// Whether everything fed so far ends exactly at the end of a record (no
    /// partial field or record pending). Only meaningful after input ending
    /// in `\n`: a `\n` inside a quoted field is itself field content, so a
    /// pending quoted field always has output.
    pub fn at_record_boundary(&self) -> bool {
        match &self.whitespace {
            Some(lines) => self.started && lines.pending.is_empty(),
            None => self.started && self.output_len == 0 && self.ends_len == 0,
        }
    }

    /// Line breaks (`\n`) consumed so far.
    pub fn newlines_consumed(&self) -> u64 {
        self.newlines_consumed
    }

    /// Feed more text; `on_record` is called for every complete record.
    pub fn feed<F>(&mut self, input: &str, on_record: &mut F) -> Result<(), IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        if self.whitespace.is_some() {
            self.started = true;
            return self.feed_whitespace(input, on_record);
        }
        if !self.started {
            self.held_back.push_str(input);
            if self.held_back.len() < 3 {
                return Ok(());
            }
            self.started = true;
            let held = std::mem::take(&mut self.held_back);
            return self.feed_started(&held, on_record);
        }
        self.feed_started(input, on_record)
    }

    /// Signal end of input, flushing a final record without a line terminator.
    pub fn finish<F>(&mut self, on_record: &mut F) -> Result<(), IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        if let Some(lines) = self.whitespace.as_mut() {
            self.started = true;
            let last = std::mem::take(&mut lines.pending);
            return self.whitespace_line(&last, on_record);
        }
        if !self.started {
            self.started = true;
            let held = std::mem::take(&mut self.held_back);
            self.feed_started(&held, on_record)?;
        }
        // csv-core reads an empty input as end of data; a handful of calls
        // suffice (flush the last record, then End), the bound guards loops.
        for _ in 0..8 {
            let (result, _, _, ends_written) = self.reader.read_record(
                &[],
                self.output.get_mut(self.output_len..).unwrap_or_default(),
                self.ends.get_mut(self.ends_len..).unwrap_or_default(),
            );
            self.ends_len += ends_written;
            match result {
                ReadRecordResult::Record => self.emit(on_record)?,
                ReadRecordResult::OutputEndsFull => self.grow_ends(),
                ReadRecordResult::End => return Ok(()),
                ReadRecordResult::InputEmpty | ReadRecordResult::OutputFull => {}
            }
        }
        Ok(())
    }

    fn feed_started<F>(&mut self, mut input: &str, on_record: &mut F) -> Result<(), IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        while !input.is_empty() {
            if self.csv_core_between_records && self.plain_lines_allowed {
                input = self.split_plain_lines(input, on_record)?;
                if input.is_empty() {
                    break;
                }
            }
            let bytes = input.as_bytes();
            let mut read = self.parse_some(bytes, on_record)?;
            // csv-core may stop inside a character when its output fills up.
            while !input.is_char_boundary(read) {
                read += self.parse_some(bytes.get(read..).unwrap_or_default(), on_record)?;
            }
            input = input.get(read..).unwrap_or_default();
        }
        Ok(())
    }

    /// One csv-core step over `input` (never empty: that would mean "end of
    /// data" to csv-core); returns how many bytes it consumed.
    fn parse_some<F>(&mut self, input: &[u8], on_record: &mut F) -> Result<usize, IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        if input.is_empty() {
            return Ok(0);
        }
        let (result, read, written, ends_written) = self.reader.read_record(
            input,
            self.output.get_mut(self.output_len..).unwrap_or_default(),
            self.ends.get_mut(self.ends_len..).unwrap_or_default(),
        );
        let read = read.min(input.len());
        self.track_lines(input.get(..read).unwrap_or_default());
        self.output_len += written;
        self.ends_len += ends_written;
        self.csv_core_between_records = result == ReadRecordResult::Record;
        match result {
            ReadRecordResult::InputEmpty | ReadRecordResult::End => {}
            ReadRecordResult::OutputFull => self.grow_output()?,
            ReadRecordResult::OutputEndsFull => self.grow_ends(),
            ReadRecordResult::Record => self.emit(on_record)?,
        }
        Ok(read)
    }

    /// Emits the complete lines at the start of `input` that need no
    /// unquoting, straight from `input`; returns the rest, which starts with
    /// a line for csv-core (quoted, with a lone `\r`, too long, or cut off
    /// by the end of `input`).
    fn split_plain_lines<'i, F>(
        &mut self,
        mut input: &'i str,
        on_record: &mut F,
    ) -> Result<&'i str, IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        loop {
            let (length, consumed, quotes) =
                match scan_plain_line(input.as_bytes(), self.delimiter, &mut self.plain_ends) {
                    PlainLine::Line {
                        length,
                        consumed,
                        quotes,
                    } if length <= self.max_record_bytes => (length, consumed, quotes),
                    _ => return Ok(input),
                };
            // Line breaks are ASCII, so these are character boundaries.
            let (Some(line), Some(rest)) = (input.get(..length), input.get(consumed..)) else {
                return Ok(input);
            };
            self.newlines_consumed += 1;
            if quotes.doubled {
                unescape_fields(line, &self.plain_ends, &mut self.unescaped);
                let record = RecordView {
                    text: Cow::Borrowed(&self.unescaped.text),
                    ends: &self.unescaped.ends,
                    gap: 0,
                    quotes: Quotes::default(),
                    line: self.newlines_consumed,
                };
                on_record(&record)?;
            } else if !line.is_empty() {
                let record = RecordView {
                    text: Cow::Borrowed(line),
                    ends: &self.plain_ends,
                    gap: 1,
                    quotes,
                    line: self.newlines_consumed,
                };
                on_record(&record)?;
            }
            input = rest;
        }
    }

    /// Emits the lines of `input` that end in it and keeps the start of a
    /// line that does not. A line ends at `\n` or `\r` (so `\r\n` is a
    /// line and an empty one, and old Mac files with lone `\r` split too);
    /// lines are numbered by `\n`, as csv-core's records are.
    fn feed_whitespace<F>(&mut self, mut input: &str, on_record: &mut F) -> Result<(), IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        while let Some(end) = input.bytes().position(|b| b == b'\n' || b == b'\r') {
            let newline = input.as_bytes().get(end) == Some(&b'\n');
            // Line breaks are ASCII, so these are character boundaries.
            let (line, rest) = (
                input.get(..end).unwrap_or_default(),
                input.get(end + 1..).unwrap_or_default(),
            );
            let mut pending = self
                .whitespace
                .as_mut()
                .map(|lines| std::mem::take(&mut lines.pending))
                .unwrap_or_default();
            let result = if pending.is_empty() {
                self.whitespace_line(line, on_record)
            } else {
                pending.push_str(line);
                self.whitespace_line(&pending, on_record)
            };
            pending.clear();
            if let Some(lines) = self.whitespace.as_mut() {
                // Kept for its capacity.
                lines.pending = pending;
            }
            result?;
            if newline {
                self.newlines_consumed += 1;
            }
            input = rest;
        }
        let Some(lines) = self.whitespace.as_mut() else {
            return Ok(());
        };
        if lines.pending.len() + input.len() > self.max_record_bytes {
            return Err(IngestError::RecordTooLong {
                line: self.newlines_consumed + 1,
                limit: self.max_record_bytes,
            });
        }
        lines.pending.push_str(input);
        Ok(())
    }

    /// Splits one whole line (without its line break) and emits it unless blank.
    fn whitespace_line<F>(&mut self, line: &str, on_record: &mut F) -> Result<(), IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        let number = self.newlines_consumed + 1;
        if line.len() > self.max_record_bytes {
            return Err(IngestError::RecordTooLong {
                line: number,
                limit: self.max_record_bytes,
            });
        }
        let Some(lines) = self.whitespace.as_mut() else {
            return Ok(());
        };
        let line = match std::mem::replace(&mut lines.started_lines, true) {
            false => line.strip_prefix('\u{feff}').unwrap_or(line),
            true => line,
        };
        whitespace::split_line(line, &mut lines.text, &mut lines.ends);
        if lines.ends.is_empty() {
            return Ok(());
        }
        on_record(&RecordView {
            text: Cow::Borrowed(&lines.text),
            ends: &lines.ends,
            gap: 0,
            quotes: Quotes::default(),
            line: number,
        })
    }

    fn track_lines(&mut self, consumed: &[u8]) {
        let mut rest = consumed;
        if self.at_record_start {
            // The record starts at its first byte that is not a line break.
            let Some(start) = rest.iter().position(|&b| b != b'\n' && b != b'\r') else {
                self.newlines_consumed += count_newlines(rest);
                return;
            };
            let (blank, record) = rest.split_at(start);
            self.newlines_consumed += count_newlines(blank);
            self.record_line = self.newlines_consumed + 1;
            self.at_record_start = false;
            rest = record;
        }
        self.newlines_consumed += count_newlines(rest);
    }

    fn grow_output(&mut self) -> Result<(), IngestError> {
        if self.output.len() >= self.max_record_bytes {
            return Err(IngestError::RecordTooLong {
                line: self.record_line,
                limit: self.max_record_bytes,
            });
        }
        let new_len = (self.output.len() * 2).clamp(1, self.max_record_bytes);
        self.output.resize(new_len, 0);
        Ok(())
    }

    fn grow_ends(&mut self) {
        let new_len = (self.ends.len() * 2).max(64);
        self.ends.resize(new_len, 0);
    }

    fn emit<F>(&mut self, on_record: &mut F) -> Result<(), IngestError>
    where
        F: FnMut(&RecordView) -> Result<(), IngestError>,
    {
        let bytes = self.output.get(..self.output_len).unwrap_or_default();
        let record = RecordView {
            // `from_utf8` has a fast ASCII path; lossy only for the rare bad record.
            text: std::str::from_utf8(bytes).map_or_else(
                |_| String::from_utf8_lossy(bytes),
                std::borrow::Cow::Borrowed,
            ),
            ends: self.ends.get(..self.ends_len).unwrap_or_default(),
            gap: 0,
            quotes: Quotes::default(),
            line: self.record_line,
        };
        let result = on_record(&record);
        self.output_len = 0;
        self.ends_len = 0;
        self.at_record_start = true;
        result
    }
}

/// Split a whole in-memory text; `complete = false` drops the last record,
/// which may be cut off by the end of the sniff window.
pub fn split_all(
    text: &str,
    delimiter: u8,
    complete: bool,
    max_records: usize,
) -> Result<Vec<(u64, Vec<String>)>, IngestError> {
    let mut records = Vec::new();
    let mut splitter = RecordSplitter::new(delimiter);
    // Past max_records we stop collecting but still parse: cheap for 64 KiB.
    let mut collect = |record: &RecordView| {
        if records.len() <= max_records {
            records.push((record.line, record.to_strings()));
        }
        Ok(())
    };
    splitter.feed(text, &mut collect)?;
    // Without `finish`, an unterminated last record is simply never emitted.
    if complete {
        splitter.finish(&mut collect)?;
    }
    records.truncate(max_records);
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, chunk: usize) -> Vec<(u64, Vec<String>)> {
        split_with(RecordSplitter::new(b','), text, &[chunk])
    }

    /// Records and their lines, feeding `text` in pieces of the given sizes (cycled).
    fn split_with(
        mut splitter: RecordSplitter,
        text: &str,
        chunks: &[usize],
    ) -> Vec<(u64, Vec<String>)> {
        let mut records = Vec::new();
        let mut collect = |r: &RecordView| {
            records.push((r.line, r.to_strings()));
            Ok(())
        };
        let mut rest = text;
        for &size in chunks.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            // Text comes in whole characters.
            let mut cut = size.clamp(1, rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (piece, after) = rest.split_at(cut);
            splitter.feed(piece, &mut collect).unwrap();
            rest = after;
        }
        splitter.finish(&mut collect).unwrap();
        records
    }

    #[test]
    fn plain_lines_split_exactly_as_csv_core_does() {
        const PIECES: [&str; 14] = [
            "a", "bc", ",", ",", "\"", "\"\"", "\r", "\n", "\r\n", "é", " ", "12345678", "\t", ";",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let mut plain_records = 0;
        for case in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(60) {
                text.push_str(PIECES[next(PIECES.len() as u64)]);
                if next(4) == 0 {
                    text.push('\n');
                }
            }
            let chunks = [1 + next(40), 1 + next(7), 1 + next(200)];
            let delimiter = [b',', b'\t', b';'][case % 3];
            let mut parser_only = RecordSplitter::new(delimiter);
            parser_only.plain_lines_allowed = false;
            let mut splitter = RecordSplitter::new(delimiter);
            if case % 2 == 0 {
                // Output growing from one byte: csv-core stops inside characters.
                splitter.output = vec![0; 1];
            }
            let expected = split_hashed(parser_only, &text, &chunks, delimiter).0;
            let got = split_hashed(splitter, &text, &chunks, delimiter).0;
            assert_eq!(got, expected, "case {case}: {text:?} in pieces {chunks:?}");
            plain_records += got.len();
        }
        assert!(plain_records > 10_000, "{plain_records}");
    }

    /// Records, their lines and their bytes for the duplicate rule, and how
    /// many came from quoted lines split in place.
    #[allow(clippy::type_complexity)]
    fn split_hashed(
        mut splitter: RecordSplitter,
        text: &str,
        chunks: &[usize],
        delimiter: u8,
    ) -> (Vec<(u64, Vec<String>, Vec<u8>)>, usize) {
        let mut records = Vec::new();
        let mut quoted_in_place = 0;
        let mut scratch = Vec::new();
        let mut collect = |r: &RecordView| {
            quoted_in_place += usize::from(r.quotes.quoted);
            let bytes = r.canonical_bytes(delimiter, &mut scratch).to_vec();
            records.push((r.line, r.to_strings(), bytes));
            Ok(())
        };
        let mut rest = text;
        for &size in chunks.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let mut cut = size.clamp(1, rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (piece, after) = rest.split_at(cut);
            splitter.feed(piece, &mut collect).unwrap();
            rest = after;
        }
        splitter.finish(&mut collect).unwrap();
        (records, quoted_in_place)
    }

    #[test]
    fn quoted_lines_split_in_place_exactly_as_csv_core_does() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let (mut in_place, mut records) = (0, 0);
        for case in 0..3000 {
            let delimiter = [b',', b'\t', b';'][case % 3];
            let d = char::from(delimiter);
            // Fields as exports quote them, and now and then a quote that
            // only csv-core reads (text after a closing quote, a quote
            // inside an unquoted field, a line break inside quotes).
            let shapes = [
                "plain".to_string(),
                String::new(),
                "\"\"".to_string(),
                format!("\"HEART{d} SET OF 6\""),
                "\"é ok\"".to_string(),
                "\"say \"\"hi\"\"\"".to_string(),
                "\"\"\"\"".to_string(),
                format!("\"{d}\"\"{d}\""),
                "\"a\"b".to_string(),
                "a\"b".to_string(),
                "\"two\nlines\"".to_string(),
                "\"cr\r\"".to_string(),
                " \"lead\"".to_string(),
            ];
            let mut text = String::from("h1,h2,h3\n");
            for _ in 0..1 + next(30) {
                for field in 0..3 {
                    if field > 0 {
                        text.push(d);
                    }
                    let shape = if next(6) == 0 {
                        next(shapes.len() as u64)
                    } else {
                        next(8)
                    };
                    text.push_str(&shapes[shape]);
                }
                text.push_str(["\n", "\r\n", "\n", "\n\n"][next(4)]);
            }
            let chunks = [1 + next(40), 1 + next(7), 1 + next(300)];
            let mut parser_only = RecordSplitter::new(delimiter);
            parser_only.plain_lines_allowed = false;
            let (expected, _) = split_hashed(parser_only, &text, &chunks, delimiter);
            let (got, quoted) =
                split_hashed(RecordSplitter::new(delimiter), &text, &chunks, delimiter);
            assert_eq!(got, expected, "case {case}: {text:?} in pieces {chunks:?}");
            in_place += quoted;
            records += got.len();
        }
        assert!(
            in_place * 10 > records,
            "{in_place} of {records} records were quoted lines split in place"
        );
    }

    #[test]
    fn canonical_bytes_tell_fields_apart_not_quoting() {
        let canonical = |text: &str| {
            let (records, _) = split_hashed(RecordSplitter::new(b','), text, &[text.len()], b',');
            records
                .into_iter()
                .map(|(_, _, bytes)| bytes)
                .collect::<Vec<_>>()
        };
        // The header goes through csv-core, the rest are split in place.
        let lines = canonical("h\n\"a,b\",c\na,\"b,c\"\n\"a\",b\na,b\n\"a\"\"\",b\na\"\"\n");
        assert_eq!(lines.len(), 7);
        assert_ne!(lines[1], lines[2]);
        assert_eq!(lines[3], lines[4]);
        assert_eq!(lines[4], b"a,b");
        assert_ne!(lines[5], lines[3]);
        assert_eq!(lines[5], b"a\",b");
    }

    #[test]
    fn quotes_newlines_and_line_numbers() {
        let text = "a,b\r\n\"x\ny\",\"say \"\"hi\"\"\"\n\n3,4";
        let expected = vec![
            (1, vec!["a".to_string(), "b".to_string()]),
            (2, vec!["x\ny".to_string(), "say \"hi\"".to_string()]),
            (5, vec!["3".to_string(), "4".to_string()]),
        ];
        for chunk in 1..=text.len() {
            assert_eq!(split(text, chunk), expected, "chunk size {chunk}");
        }
    }

    /// Text with quoted fields holding line breaks, doubled quotes, CRLF and
    /// blank lines, from a seed.
    fn tricky_csv(seed: u64) -> String {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut text = String::from("a,b,c\n");
        for _ in 0..60 {
            for field in 0..3 {
                if field > 0 {
                    text.push(',');
                }
                match next(6) {
                    0 => text.push_str("\"x\ny\""),
                    1 => text.push_str("\"\n\""),
                    2 => text.push_str("\"say \"\"hi\"\"\n\""),
                    3 => {}
                    _ => text.push_str("plain"),
                }
            }
            text.push_str(match next(4) {
                0 => "\r\n",
                1 => "\n\n",
                _ => "\n",
            });
        }
        text
    }

    #[test]
    fn a_cut_after_a_record_boundary_splits_into_the_same_records() {
        let mut boundaries = 0;
        for seed in 1..40 {
            let text = tricky_csv(seed);
            let whole = split(&text, text.len());
            for (cut, _) in text.match_indices('\n') {
                let (head, tail) = text.split_at(cut + 1);
                let mut first = Vec::new();
                let mut splitter = RecordSplitter::new(b',');
                let mut collect = |r: &RecordView| {
                    first.push((r.line, r.to_strings()));
                    Ok(())
                };
                splitter.feed(head, &mut collect).unwrap();
                if !splitter.at_record_boundary() {
                    // Not a boundary: some record of the whole spans the cut.
                    let line_after_cut = splitter.newlines_consumed() + 1;
                    assert!(
                        !whole.iter().any(|(line, _)| *line == line_after_cut)
                            || tail.starts_with('\n')
                            || tail.starts_with('\r')
                            || tail.is_empty(),
                        "seed {seed}, cut {cut}: a boundary was missed"
                    );
                    continue;
                }
                boundaries += 1;
                let offset = splitter.newlines_consumed();
                let mut rest = split(tail, tail.len().max(1));
                for (line, _) in &mut rest {
                    *line += offset;
                }
                first.extend(rest);
                assert_eq!(first, whole, "seed {seed}, cut after byte {cut}");
            }
        }
        assert!(boundaries > 1000, "only {boundaries} boundaries checked");
    }

    /// Hand-split: CRLF, leading and trailing spaces, tabs among the
    /// spaces, a quoted field with spaces, blank lines (one of spaces), a BOM
    /// and a last line without a line break.
    const ALIGNED: &str = "\u{feff}   00001 19970101  1  11.77\r\n\
                           \t00002\t19970112 \t1  12.00   \r\n\
                           \r\n\
                           \x20  \t \n\
                           \x20  00003 19970102  \"New  York\"  \"say \"\"hi\"\"\"\n\
                           \x20  00002 19970112  5  77.00";

    fn aligned_records() -> Vec<(u64, Vec<String>)> {
        let row = |line: u64, fields: [&str; 4]| (line, fields.map(str::to_string).to_vec());
        vec![
            row(1, ["00001", "19970101", "1", "11.77"]),
            row(2, ["00002", "19970112", "1", "12.00"]),
            row(5, ["00003", "19970102", "New  York", "say \"hi\""]),
            row(6, ["00002", "19970112", "5", "77.00"]),
        ]
    }

    fn split_spaces(text: &str, chunks: &[usize]) -> Vec<(u64, Vec<String>)> {
        split_with(RecordSplitter::new(WHITESPACE), text, chunks)
    }

    #[test]
    fn runs_of_spaces_and_tabs_in_any_chunks() {
        let expected = aligned_records();
        for chunk in 1..=ALIGNED.len() {
            assert_eq!(
                split_spaces(ALIGNED, &[chunk]),
                expected,
                "chunk size {chunk}"
            );
        }
        // Every single cut, and uneven pieces.
        for cut in 1..ALIGNED.len() {
            if ALIGNED.is_char_boundary(cut) {
                let rest = ALIGNED.len() - cut;
                assert_eq!(split_spaces(ALIGNED, &[cut, rest]), expected, "cut {cut}");
            }
        }
        assert_eq!(split_spaces(ALIGNED, &[3, 1, 7, 2]), expected);
        // The same text ending in a line break, and nothing but blank lines.
        let terminated = format!("{ALIGNED}\r\n\n");
        assert_eq!(split_spaces(&terminated, &[5]), expected);
        assert!(split_spaces(" \r\n\t\n\n  ", &[1]).is_empty());
        // Lone carriage returns end lines too (lines still count `\n`s).
        let old_mac = split_spaces("\u{feff}a  b\r \"c d\" e\r\rf g\n\u{feff}h i", &[1]);
        let fields = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            old_mac,
            vec![
                (1, fields(&["a", "b"])),
                (1, fields(&["c d", "e"])),
                (1, fields(&["f", "g"])),
                (2, fields(&["\u{feff}h", "i"])),
            ]
        );
    }

    #[test]
    fn whitespace_records_cut_at_any_line_break_join_up() {
        let text = format!("{ALIGNED}\n");
        let whole = split_spaces(&text, &[text.len()]);
        let mut cuts = 0;
        for (cut, _) in text.match_indices('\n') {
            let (head, tail) = text.split_at(cut + 1);
            let mut first = Vec::new();
            let mut splitter = RecordSplitter::new(WHITESPACE);
            splitter
                .feed(head, &mut |r: &RecordView| {
                    first.push((r.line, r.to_strings()));
                    Ok(())
                })
                .unwrap();
            // Every line break ends a record in this mode.
            assert!(splitter.at_record_boundary(), "cut {cut}");
            let offset = splitter.newlines_consumed();
            let mut rest = split_spaces(tail, &[tail.len().max(1)]);
            for (line, _) in &mut rest {
                *line += offset;
            }
            first.extend(rest);
            assert_eq!(first, whole, "cut after byte {cut}");
            cuts += 1;
        }
        assert_eq!(cuts, 6);
        // Inside a line there is a record pending.
        let mut splitter = RecordSplitter::new(WHITESPACE);
        splitter.feed("a b\nc", &mut |_| Ok(())).unwrap();
        assert!(!splitter.at_record_boundary());
    }

    #[test]
    fn whitespace_canonical_bytes_are_equal_exactly_when_fields_are() {
        let canonical = |line: &str| {
            let mut out = Vec::new();
            let mut scratch = Vec::new();
            let mut splitter = RecordSplitter::new(WHITESPACE);
            let mut keep = |r: &RecordView| {
                out.push(r.canonical_bytes(WHITESPACE, &mut scratch).to_vec());
                Ok(())
            };
            splitter.feed(line, &mut keep).unwrap();
            splitter.finish(&mut keep).unwrap();
            assert_eq!(out.len(), 1, "{line:?}");
            out.remove(0)
        };
        // Same fields, different spacing: equal.
        assert_eq!(canonical("  1 a\t2.5\r\n"), canonical("1    a 2.5"));
        assert_eq!(canonical("\"a\" b"), canonical("a b"));
        // Different fields: different bytes, also when spaces are quoted.
        let distinct = [
            "a b c",
            "\"a b\" c",
            "a \"b c\"",
            "\"a b c\"",
            "ab c",
            "a bc",
        ];
        for (i, x) in distinct.iter().enumerate() {
            for y in distinct.iter().skip(i + 1) {
                assert_ne!(canonical(x), canonical(y), "{x:?} vs {y:?}");
            }
        }
    }

    #[test]
    fn overlong_whitespace_line_is_an_error_however_it_is_fed() {
        let text = format!("a b\n{}\nc d\n", "x ".repeat(80));
        for chunk in [1, 7, 50, text.len()] {
            let mut splitter = RecordSplitter::with_limit(WHITESPACE, 100);
            let mut records = 0;
            let mut count = |_: &RecordView| {
                records += 1;
                Ok(())
            };
            let result = text
                .as_bytes()
                .chunks(chunk)
                .map(|piece| std::str::from_utf8(piece).unwrap())
                .try_for_each(|piece| splitter.feed(piece, &mut count));
            assert_eq!(
                result,
                Err(IngestError::RecordTooLong {
                    line: 2,
                    limit: 100
                }),
                "chunk {chunk}"
            );
            assert_eq!(records, 1);
        }
        // A line of exactly the limit is fine.
        let fits = format!("{}\n", "y".repeat(100));
        assert_eq!(
            split_with(RecordSplitter::with_limit(WHITESPACE, 100), &fits, &[9]).len(),
            1
        );
    }

    #[test]
    fn overlong_record_is_an_error() {
        let mut splitter = RecordSplitter::with_limit(b',', 100);
        let long = format!("\"{}", "x".repeat(500));
        let result = splitter.feed(&long, &mut |_| Ok(()));
        assert_eq!(
            result,
            Err(IngestError::RecordTooLong {
                line: 1,
                limit: 100
            })
        );
    }
}
