//! How the analysis worker shares reading a file and fitting the k sweep
//! with its helpers: the decisions, apart from the browser code that carries
//! them out.
//!
//! A file is cut into parts at line breaks, by its size alone (never by the
//! number of workers); the workers take the next part from a shared queue,
//! and the parts are joined in file order. When its format cannot be cut,
//! each worker reads every record and keeps its share of the customers, or
//! one worker reads it all. Whichever is chosen, the outcome does not depend
//! on how many workers there were or which one read what.

use super::ingest::records::RecordSplitter;
use super::ingest::{Field, IngestSettings, Share, SniffReport, TextEncoding};
use serde::{Deserialize, Serialize};

/// At most this many workers (the analysis worker and its helpers): beyond
/// it, joining the parts and posting the results outweighs another reader.
pub const MAX_WORKERS: usize = 8;

/// Each worker is counted at this much memory (a part's customers, the
/// slices being read, its own copy of the program) when the browser says how
/// much the device has.
pub const MEGABYTES_PER_WORKER: f64 = 512.0;

/// How many workers to run: one per logical core the browser reports, at
/// most [`MAX_WORKERS`] and at most what the device's memory (in GB, as
/// `navigator.deviceMemory` says; `None` when unknown) gives
/// [`MEGABYTES_PER_WORKER`] each; `forced` (the page's `?workers=`) wins,
/// within 1..=[`MAX_WORKERS`].
pub fn worker_count(cores: Option<f64>, memory_gb: Option<f64>, forced: Option<usize>) -> usize {
    if let Some(forced) = forced {
        return forced.clamp(1, MAX_WORKERS);
    }
    let cores = cores
        .filter(|c| c.is_finite() && *c >= 1.0)
        .map_or(2, |c| c.min(MAX_WORKERS as f64) as usize);
    let by_memory = memory_gb
        .filter(|m| m.is_finite() && *m > 0.0)
        .map_or(MAX_WORKERS, |m| {
            ((m * 1024.0 / MEGABYTES_PER_WORKER) as usize).clamp(1, MAX_WORKERS)
        });
    cores.min(by_memory).max(1)
}

/// Bytes read from a cut's offset on to find the line break to cut at: a
/// line longer than this drops that cut.
pub const CUT_WINDOW: u64 = 64 * 1024;

/// Files from this size on are read in parts.
pub const MIN_BYTES_FOR_PARTS: u64 = 256 * 1024;

/// A part's size, about: small enough that the workers share the file
/// evenly when one of them is slowed down, large enough that joining the
/// parts costs little beside reading them.
pub const PART_BYTES: u64 = 8 * 1024 * 1024;

/// At most this many parts: a very large file has larger parts.
pub const MAX_PARTS: u64 = 32;

/// The slices a file is read in after the first: large enough that per-call
/// overhead is negligible, small enough for smooth progress.
pub const CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// The first slice of a file is small, so processing starts as soon as it is
/// read; the next ones are read while the previous one is processed.
pub const FIRST_SLICE_BYTES: u64 = 256 * 1024;

/// How many requests a helper may have at once: the one it runs and the
/// next, already in its own inbox. Its next part or k then starts the moment
/// it answers, without waiting for the analysis worker's event loop, which
/// may be inside a long piece of its own work when the answer comes.
pub const MAX_WAITING: usize = 2;

/// Whether a helper with `sent` requests unanswered is given another item
/// from a queue where `waiting` items are left: up to [`MAX_WAITING`], but a
/// second one only while at least two wait, so the last item goes to
/// whoever is free first rather than waiting behind a helper's running one.
pub fn send_another(sent: usize, waiting: usize) -> bool {
    waiting > 0 && (sent == 0 || (sent < MAX_WAITING && waiting >= 2))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadPlan {
    /// Cut in `from..from + CUT_WINDOW` for each of these offsets, between
    /// two purchases where the window shows one (see [`PurchaseKey::cut`]);
    /// the first part runs to the first cut.
    Parts {
        from: Vec<u64>,
        purchase: PurchaseKey,
    },
    /// Every worker reads everything and keeps its [`Share`] of the customers.
    Shares,
    /// One worker reads everything.
    One,
}

/// How to read a file of `total` bytes whose start sniffed as `sniffed`
/// (`None`: it did not sniff, and the single pass reports why).
pub fn read_plan(total: u64, sniffed: Option<&SniffReport>, settings: &IngestSettings) -> ReadPlan {
    if let Some(sniffed) = sniffed {
        // UTF-16 cannot be cut at a byte; a status column's empty cells
        // inherit their order's earlier verdict, which may be in another part.
        let byte_oriented = matches!(
            sniffed.encoding,
            TextEncoding::Utf8 | TextEncoding::Windows1252
        );
        if total >= MIN_BYTES_FOR_PARTS
            && byte_oriented
            && sniffed.mapping.index(Field::Status).is_none()
        {
            let parts = total.div_ceil(PART_BYTES).clamp(2, MAX_PARTS);
            return ReadPlan::Parts {
                from: (1..parts).map(|i| total / parts * i).collect(),
                purchase: PurchaseKey::of(sniffed),
            };
        }
    }
    match Share::exact_for(settings) {
        true => ReadPlan::Shares,
        false => ReadPlan::One,
    }
}

/// The byte ranges of the parts after the first, from the cuts found
/// (ascending, each after the previous one's start), up to `total`.
pub fn later_parts(cuts: &[u64], total: u64) -> Vec<(u64, u64)> {
    let mut cuts: Vec<u64> = cuts.iter().copied().filter(|&c| c < total).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let ends = cuts.iter().skip(1).copied().chain(std::iter::once(total));
    cuts.iter().copied().zip(ends).collect()
}

/// Where to cut: just after the first line break of `window` (the bytes
/// from `from` on), not before a byte-order mark (the later part's reader
/// would drop it). `None` when the window has none or the cut is the end.
pub fn cut_at(window: &[u8], from: u64, total: u64) -> Option<u64> {
    window
        .windows(2)
        .position(|pair| pair[0] == b'\n' && pair[1] != 0xEF)
        .map(|i| from + i as u64 + 1)
        .filter(|&cut| cut < total)
}

/// What tells one purchase's lines from the next one's where a file is cut:
/// the raw text of the customer and invoice columns (the customer and date
/// without an invoice column). The duplicate rule compares lines within a
/// purchase, so a cut inside a purchase may leave a line on one side and its
/// repeat on the other; the parts then cannot be joined and the whole file
/// is read again in one pass. Exports list a purchase's lines together, so
/// cutting where the key changes avoids that. The default has no columns:
/// its cuts are at the first line break.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseKey {
    delimiter: u8,
    columns: Vec<usize>,
}

/// What a window says about a cut.
enum Search {
    /// Cut here (`None`: nowhere in this window).
    Cut(Option<u64>),
    /// The window may still grow, and more bytes could move the cut.
    NeedMore,
}

/// How far a window has been searched for a cut.
#[derive(Debug, Clone, Default)]
struct Scan {
    /// The first line break's cut, once found.
    first: Option<u64>,
    /// How much of the window was searched for it.
    break_searched: usize,
    /// Where the next line to look at starts, in the window.
    line_start: usize,
    /// The key of the line before it.
    previous: Option<Vec<String>>,
    /// Lines looked at.
    searched: usize,
}

/// A cut looks at most this many lines past the first line break for a
/// change of purchase: enough for any ordinary order.
const MAX_LINES_SEARCHED: usize = 1_000;

impl PurchaseKey {
    pub fn of(sniffed: &SniffReport) -> Self {
        let mapping = &sniffed.mapping;
        let third = match mapping.index(Field::Invoice) {
            Some(invoice) => Some(invoice),
            None => mapping.index(Field::Date),
        };
        Self {
            delimiter: sniffed.delimiter,
            columns: mapping
                .index(Field::CustomerId)
                .into_iter()
                .chain(third)
                .collect(),
        }
    }

    /// Where to cut `window` (the bytes from `from` on, of a file of `total`
    /// bytes): at the start of the first line whose key differs from the
    /// line's before, both lines wholly after the first line break. Falls
    /// back to [`cut_at`] (the first line break) when the window shows no
    /// change, a line may be part of a multi-line record (an odd number of
    /// quotes), or a line has none of the key's columns.
    pub fn cut(&self, window: &[u8], from: u64, total: u64) -> Option<u64> {
        match self.search(window, from, true, &mut Scan::default()) {
            Search::Cut(cut) => cut.filter(|&cut| cut < total),
            Search::NeedMore => None,
        }
    }

    /// [`PurchaseKey::cut`] on a window that may still grow (`complete`:
    /// it will not): `NeedMore` when more bytes could change the answer.
    /// `scan` carries how far the window was searched, so a growing window
    /// is searched once.
    fn search(&self, window: &[u8], from: u64, complete: bool, scan: &mut Scan) -> Search {
        let first = match scan.first {
            Some(first) => first,
            None => {
                // From the last byte looked at before: a line break there
                // waited for its next byte.
                let seen = scan.break_searched.saturating_sub(1).min(window.len());
                let found = window
                    .get(seen..)
                    .and_then(|new| cut_at(new, from + seen as u64, u64::MAX));
                scan.break_searched = window.len();
                match found {
                    Some(first) => {
                        scan.first = Some(first);
                        scan.line_start = usize::try_from(first - from).unwrap_or(usize::MAX);
                        first
                    }
                    None if complete => return Search::Cut(None),
                    None => return Search::NeedMore,
                }
            }
        };
        if self.columns.is_empty() {
            return Search::Cut(Some(first));
        }
        let rest = window.get(scan.line_start..).unwrap_or_default();
        // One splitter for the lines of this search: each line is a whole
        // record (an odd number of quotes ends the search), so it is always
        // at a record's start.
        let mut splitter = RecordSplitter::new(self.delimiter);
        for line in rest.split_inclusive(|&b| b == b'\n') {
            if scan.searched == MAX_LINES_SEARCHED {
                return Search::Cut(Some(first));
            }
            // The window's last line may be cut short.
            if line.last() != Some(&b'\n') {
                break;
            }
            // A line with a byte-order mark (never cut before, as `cut_at`
            // does) or of under 3 bytes is read differently by a splitter
            // that has not started yet: it ends the search, so that the
            // search gives the same cut however the window grew.
            if line.len() < 3 || line.first() == Some(&0xEF) {
                return Search::Cut(Some(first));
            }
            let Some(key) = self.key_of(line, &mut splitter) else {
                return Search::Cut(Some(first));
            };
            if scan.previous.as_ref().is_some_and(|before| *before != key) {
                return Search::Cut(Some(from + scan.line_start as u64));
            }
            scan.previous = Some(key);
            scan.line_start += line.len();
            scan.searched += 1;
        }
        match complete {
            true => Search::Cut(Some(first)),
            false => Search::NeedMore,
        }
    }

    /// The key's fields of one line; `None` when the line may not be a whole
    /// record or lacks a column.
    fn key_of(&self, line: &[u8], splitter: &mut RecordSplitter) -> Option<Vec<String>> {
        if line.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let mut key = None;
        let mut records = 0;
        splitter
            .feed(&text, &mut |record| {
                records += 1;
                key = self
                    .columns
                    .iter()
                    .map(|&i| record.get(i).map(str::to_string))
                    .collect();
                Ok(())
            })
            .ok()?;
        match records {
            1 => key,
            _ => None,
        }
    }
}

/// The byte ranges a file of `total` bytes is read in: a small first slice,
/// then [`CHUNK_BYTES`] each.
pub fn slices(total: u64) -> impl Iterator<Item = (u64, u64)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= total {
            return None;
        }
        let size = if start == 0 {
            FIRST_SLICE_BYTES
        } else {
            CHUNK_BYTES
        };
        let end = (start + size).min(total);
        let range = (start, end);
        start = end;
        Some(range)
    })
}

/// The share of a compressed file's text the analysis worker reads while
/// its helper decompresses the file (and sends it that text); the helper
/// reads the rest once it has decompressed everything. More than
/// half: the helper decompresses first.
pub const INFLATING_OWN_PART: f64 = 0.80;

/// Where a piece of streamed text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Wholly before the cut, as are the pieces held so far.
    Before,
    /// Kept aside, after those held so far: where the cut falls is not known
    /// yet.
    Hold,
    /// The pieces held so far and this one, back to back: their first
    /// `usize` bytes before the cut, the rest after.
    Split(usize),
    /// Wholly after the cut.
    After,
}

/// Places the pieces of a text that arrives in pieces (a decompressor's
/// output) on either side of the cut [`PurchaseKey::cut`] would choose in
/// the [`CUT_WINDOW`] bytes from `cut_from` on, whatever the pieces: from
/// the piece holding `cut_from`, pieces are held until the window decides.
#[derive(Debug, Clone)]
pub struct StreamCut {
    cut_from: u64,
    done: u64,
    cut: Option<u64>,
    purchase: PurchaseKey,
    /// The text from `cut_from` on while the cut is not decided.
    window: Vec<u8>,
    scan: Scan,
    /// Where the first held piece starts, while pieces are held.
    held_from: Option<u64>,
    /// The window was searched to its end and holds no cut.
    no_cut: bool,
}

impl StreamCut {
    pub fn new(cut_from: u64, purchase: PurchaseKey) -> Self {
        Self {
            cut_from,
            done: 0,
            cut: None,
            purchase,
            window: Vec::new(),
            scan: Scan::default(),
            held_from: None,
            no_cut: false,
        }
    }

    /// Where the next piece, of `len` bytes, goes. `bytes(range)` gives
    /// those of the piece's bytes; it is called only while the cut is not
    /// decided.
    pub fn place(
        &mut self,
        len: usize,
        bytes: impl FnOnce(std::ops::Range<usize>) -> Vec<u8>,
    ) -> Placement {
        let start = self.done;
        self.done += len as u64;
        if self.cut.is_some() {
            return Placement::After;
        }
        if self.no_cut || self.done <= self.cut_from || len == 0 {
            return match self.held_from {
                Some(_) => Placement::Hold,
                None => Placement::Before,
            };
        }
        let held_from = *self.held_from.get_or_insert(start);
        let from = usize::try_from(self.cut_from.saturating_sub(start)).unwrap_or(len);
        let room = (CUT_WINDOW as usize).saturating_sub(self.window.len());
        let to = from.saturating_add(room).min(len);
        if from < to {
            self.window.extend(bytes(from..to));
        }
        let complete = self.window.len() >= CUT_WINDOW as usize;
        self.decide(held_from, complete).unwrap_or(Placement::Hold)
    }

    /// Where the pieces still held go once the text has ended.
    pub fn finish(&mut self) -> Placement {
        match self.held_from {
            Some(held_from) if self.cut.is_none() => {
                self.decide(held_from, true).unwrap_or(Placement::Before)
            }
            _ => Placement::Before,
        }
    }

    fn decide(&mut self, held_from: u64, complete: bool) -> Option<Placement> {
        let searched = self
            .purchase
            .search(&self.window, self.cut_from, complete, &mut self.scan);
        let cut = match searched {
            Search::NeedMore => return None,
            Search::Cut(cut) => cut,
        };
        self.window = Vec::new();
        self.held_from = None;
        Some(match cut {
            Some(cut) => {
                self.cut = Some(cut);
                Placement::Split(usize::try_from(cut - held_from).unwrap_or(usize::MAX))
            }
            None => {
                self.no_cut = true;
                Placement::Before
            }
        })
    }

    /// The offset of the cut, once it has been placed.
    pub fn cut(&self) -> Option<u64> {
        self.cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::sniff_with_settings;

    fn sniffed(text: &str) -> SniffReport {
        sniff_with_settings(text.as_bytes(), &IngestSettings::default()).unwrap()
    }

    const CSV: &str = "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID,Country\n\
        1,A,2,2011-01-01 10:00,1.5,17850,United Kingdom\n";

    #[test]
    fn large_byte_files_are_cut_small_ones_are_not() {
        let report = sniffed(CSV);
        let settings = IngestSettings::default();
        let purchase = PurchaseKey::of(&report);
        assert_eq!(
            read_plan(1_000_000, Some(&report), &settings),
            ReadPlan::Parts {
                from: vec![500_000],
                purchase: purchase.clone(),
            }
        );
        // By size alone: 20 MiB in three parts, 10 GB in at most 32.
        assert_eq!(
            read_plan(20 << 20, Some(&report), &settings),
            ReadPlan::Parts {
                from: vec![(20 << 20) / 3, (20 << 20) / 3 * 2],
                purchase,
            }
        );
        let ReadPlan::Parts { from, .. } = read_plan(10_000_000_000, Some(&report), &settings)
        else {
            panic!("a large file is cut");
        };
        assert_eq!(from.len() as u64, MAX_PARTS - 1);
        let small = read_plan(MIN_BYTES_FOR_PARTS - 1, Some(&report), &settings);
        assert!(matches!(small, ReadPlan::Shares | ReadPlan::One));
        // A head that does not sniff is never cut: the single pass says why.
        assert!(!matches!(
            read_plan(1_000_000, None, &settings),
            ReadPlan::Parts { .. }
        ));
    }

    #[test]
    fn a_helper_holds_one_item_ahead_but_never_the_last() {
        // Nothing left: nothing to send.
        assert!(!send_another(0, 0));
        assert!(!send_another(1, 0));
        // An idle helper takes even the last item.
        assert!(send_another(0, 1));
        // A busy one takes a second while two or more wait ...
        assert!(send_another(1, 2));
        assert!(send_another(1, 30));
        // ... but leaves the last to whoever is free first,
        assert!(!send_another(1, 1));
        // and never holds more than MAX_WAITING.
        assert!(!send_another(MAX_WAITING, 30));
    }

    #[test]
    fn a_status_column_keeps_the_file_whole() {
        let report = sniffed(
            "order_id,customer_id,date,amount,status\n1,a,2011-01-01,5,paid\n2,b,2011-01-02,6,\n",
        );
        assert!(report.mapping.index(Field::Status).is_some());
        assert!(!matches!(
            read_plan(10_000_000, Some(&report), &IngestSettings::default()),
            ReadPlan::Parts { .. }
        ));
    }

    #[test]
    fn workers_follow_the_cores_within_the_memory_and_the_cap() {
        assert_eq!(worker_count(Some(2.0), None, None), 2);
        assert_eq!(worker_count(Some(16.0), Some(8.0), None), MAX_WORKERS);
        assert_eq!(worker_count(Some(16.0), Some(2.0), None), 4);
        assert_eq!(worker_count(Some(4.0), Some(0.5), None), 1);
        assert_eq!(worker_count(Some(1.0), None, None), 1);
        assert_eq!(worker_count(None, None, None), 2);
        assert_eq!(worker_count(Some(f64::NAN), Some(-1.0), None), 2);
        assert_eq!(worker_count(Some(2.0), None, Some(4)), 4);
        assert_eq!(worker_count(Some(2.0), None, Some(0)), 1);
        assert_eq!(worker_count(Some(2.0), None, Some(99)), MAX_WORKERS);
    }

    #[test]
    fn later_parts_run_from_each_cut_to_the_next() {
        assert_eq!(
            later_parts(&[10, 20, 30], 40),
            vec![(10, 20), (20, 30), (30, 40)]
        );
        // A cut found twice (a long line) or at the end is dropped.
        assert_eq!(later_parts(&[10, 10, 40], 40), vec![(10, 40)]);
        assert_eq!(later_parts(&[], 40), vec![]);
    }

    #[test]
    fn cuts_after_a_line_break_never_before_a_bom() {
        assert_eq!(cut_at(b"abc\ndef", 100, 1000), Some(104));
        assert_eq!(cut_at(b"abc\n\xEF\xBB\xBFx\ny", 100, 1000), Some(109));
        assert_eq!(cut_at(b"no line break", 100, 1000), None);
        // A cut at the very end leaves nothing for the helper.
        assert_eq!(cut_at(b"abc\nd", 996, 1000), None);
    }

    #[test]
    fn cuts_fall_between_purchases_not_inside_one() {
        let key = PurchaseKey::of(&sniffed(CSV));
        // Columns: Invoice 0, Customer ID 5.
        let window = b"tail of a line\n\
            7,A,1,2011-01-01 10:00,1.5,17850,UK\n\
            7,B,1,2011-01-01 10:00,1.5,17850,UK\n\
            7,A,1,2011-01-01 10:00,1.5,17850,UK\n\
            8,A,1,2011-01-02 10:00,1.5,17850,UK\n\
            8,C,1,2011-01-02 10:00,1.5,17850,UK\n";
        let second_invoice = window
            .windows(2)
            .position(|w| w == b"\n8")
            .map(|i| 100 + i as u64 + 1);
        assert!(second_invoice.is_some());
        assert_eq!(key.cut(window, 100, 10_000), second_invoice);
        // The same invoice of another customer is another purchase.
        let other_customer = b"x\n7,A,1,d,1,17850,UK\n7,A,1,d,1,12346,UK\n7,B,1,d,1,12346,UK\n";
        assert_eq!(key.cut(other_customer, 0, 1000), Some(21));
        // One purchase all through the window: the first line break.
        let one = b"x\n7,A,1,d,1,17850,UK\n7,B,1,d,1,17850,UK\n7,C,1,d,1,17850,UK";
        assert_eq!(key.cut(one, 0, 1000), Some(2));
        // The change after an unfinished last line is not trusted.
        let unfinished = b"x\n7,A,1,d,1,17850,UK\n8,B,1,d";
        assert_eq!(key.cut(unfinished, 0, 1000), Some(2));
        // A line with an open quote may be part of a multi-line record.
        let quoted = b"x\n7,\"A\n,1,d,1,17850,UK\n8,B,1,d,1,17850,UK\n";
        assert_eq!(key.cut(quoted, 0, 1000), Some(2));
        // A short line (missing the customer column): the first line break.
        let short = b"x\n7,A\n8,B,1,d,1,17850,UK\n";
        assert_eq!(key.cut(short, 0, 1000), Some(2));
        // The last line of the file can start a purchase; nothing past the
        // end is ever a cut.
        let at_end = b"x\n7,A,1,d,1,1,UK\n8,A,1,d,1,1,UK\n";
        assert_eq!(key.cut(at_end, 0, 32), Some(17));
        assert_eq!(key.cut(b"x\n", 0, 2), None);
        // Without an invoice column, the customer and the date.
        let no_invoice = PurchaseKey::of(&sniffed(
            "customer,date,amount\na,2011-01-01,5\na,2011-01-02,6\n",
        ));
        let days = b"x\na,2011-01-01,5\na,2011-01-01,5\na,2011-01-02,6\n";
        assert_eq!(no_invoice.cut(days, 0, 1000), Some(32));
        // Aligned text without a header (CDNOW's layout): runs of spaces.
        let aligned = std::fs::read("tests/fixtures/cdnow_like.txt").unwrap();
        let key =
            PurchaseKey::of(&sniff_with_settings(&aligned, &IngestSettings::default()).unwrap());
        let window = b"9 19970106  1  1.00\r\n   00001 19970106  4  77.23\r\n   00001 19970106  1  14.15  \r\n   00001 19970114  3  47.25\r\n";
        let second_day = window
            .windows(2)
            .rposition(|w| w == b"\n ")
            .map(|i| i as u64 + 1);
        assert_eq!(key.cut(window, 0, 1000), second_day);
    }

    /// Cuts a text streamed in pieces of `piece` bytes from `cut_from`, as
    /// the helper does: held pieces wait for the cut's decision.
    fn stream_cut_by(
        mut cut: StreamCut,
        text: &[u8],
        piece: usize,
    ) -> (Vec<u8>, Vec<u8>, Option<u64>) {
        let (mut before, mut after, mut held) = (Vec::new(), Vec::new(), Vec::new());
        let mut place = |placement: Placement, held: &mut Vec<u8>| match placement {
            Placement::Hold => {}
            Placement::Before => before.append(held),
            Placement::Split(at) => {
                before.extend_from_slice(&held[..at]);
                after.extend_from_slice(&held[at..]);
                held.clear();
            }
            Placement::After => after.append(held),
        };
        for chunk in text.chunks(piece) {
            let placement = cut.place(chunk.len(), |range| chunk[range].to_vec());
            held.extend_from_slice(chunk);
            place(placement, &mut held);
        }
        let placement = cut.finish();
        place(placement, &mut held);
        assert!(held.is_empty());
        (before, after, cut.cut())
    }

    fn stream_cut(text: &[u8], piece: usize, cut_from: u64) -> (Vec<u8>, Vec<u8>, Option<u64>) {
        stream_cut_by(
            StreamCut::new(cut_from, PurchaseKey::default()),
            text,
            piece,
        )
    }

    #[test]
    fn streamed_text_is_cut_between_purchases_as_a_file_is() {
        let mut text = String::from(CSV);
        for line in 0..2_000u32 {
            // Invoices of a few lines, one of 1,201 lines (longer than a
            // search), a few lines with a quoted line break.
            let invoice = match line {
                500..=1_700 => 5000,
                _ => line / 4,
            };
            let description = match line % 53 {
                0 => "\"two\nlines\"",
                _ => "MUG",
            };
            let customer = 17_000 + invoice % 11;
            // Now and then a byte-order mark or a near-empty line.
            match line % 97 {
                5 => text.push('\u{feff}'),
                9 => text.push_str("7\n"),
                _ => {}
            }
            text.push_str(&format!(
                "{invoice},{description},1,2011-01-01 10:00,1.5,{customer},UK\n"
            ));
        }
        let text = text.repeat(3);
        let text = text.as_bytes();
        let key = PurchaseKey::of(&sniffed(CSV));
        let total = text.len() as u64;
        for cut_from in (150..text.len() as u64 - 100).step_by(4_999) {
            let window = &text[cut_from as usize..text.len().min((cut_from + CUT_WINDOW) as usize)];
            let expected = key.cut(window, cut_from, total);
            assert!(expected.is_some());
            for piece in [1, 7, 100, 4096, 70_000, text.len()] {
                let cut = StreamCut::new(cut_from, key.clone());
                let (before, after, found) = stream_cut_by(cut, text, piece);
                assert_eq!(found, expected, "from {cut_from}, pieces of {piece}");
                assert_eq!(before.len() as u64, found.unwrap_or(total));
                assert_eq!([before, after].concat(), text);
            }
        }
    }

    #[test]
    fn streamed_text_is_cut_at_a_line_start_whatever_the_pieces() {
        let text = b"h\nline one\nline two\n\xEF\xBB\xBFbom line\nlast";
        for piece in 1..text.len() + 2 {
            let (before, after, cut) = stream_cut(text, piece, 3);
            assert_eq!([before.as_slice(), &after].concat(), text.to_vec());
            let cut = cut.unwrap() as usize;
            assert_eq!(before.len(), cut);
            assert_eq!(text[cut - 1], b'\n', "piece {piece}");
            // The first line break from offset 3 on, as `cut_at` finds it.
            assert_eq!(
                Some(cut as u64),
                cut_at(&text[3..], 3, 1000),
                "piece {piece}"
            );
            // Never before the byte-order mark: the next line break.
            let (_, _, late) = stream_cut(text, piece, 12);
            assert_eq!(late, Some(32), "piece {piece}");
        }
        // Past the last line break: no cut, everything before.
        let (before, after, cut) = stream_cut(text, 4, 32);
        assert_eq!((before.len(), after.len(), cut), (text.len(), 0, None));
    }

    #[test]
    fn slices_cover_the_file_once() {
        let total = FIRST_SLICE_BYTES + 2 * CHUNK_BYTES + 7;
        let ranges: Vec<_> = slices(total).collect();
        assert_eq!(ranges.len(), 4);
        assert_eq!(ranges[0], (0, FIRST_SLICE_BYTES));
        assert!(ranges.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(ranges.last().map(|r| r.1), Some(total));
        assert_eq!(slices(0).count(), 0);
        assert_eq!(slices(10).collect::<Vec<_>>(), vec![(0, 10)]);
    }
}
