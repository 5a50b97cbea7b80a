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

use super::ingest::{Field, IngestSettings, Share, SniffReport, TextEncoding};

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
    /// Cut at the first line break in `from..from + CUT_WINDOW` for each of
    /// these offsets (see [`cut_at`]); the first part runs to the first cut.
    Parts { from: Vec<u64> },
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

/// Where a piece of streamed text goes when the text is cut at the first
/// line break from a given offset on (as [`cut_at`] cuts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Wholly before the cut.
    Before,
    /// Its first `usize` bytes before the cut, the rest after.
    Split(usize),
    /// Wholly after the cut.
    After,
}

/// Places the pieces of a text that arrives in pieces (a decompressor's
/// output) on either side of a cut: the first line break at or after
/// `cut_from`, not before a byte-order mark, as [`cut_at`] cuts.
#[derive(Debug, Clone)]
pub struct StreamCut {
    cut_from: u64,
    done: u64,
    cut: Option<u64>,
    /// The pieces so far end with a line break at or after `cut_from`
    /// whose next byte is not known yet.
    break_pending: bool,
}

impl StreamCut {
    pub fn new(cut_from: u64) -> Self {
        Self {
            cut_from,
            done: 0,
            cut: None,
            break_pending: false,
        }
    }

    /// Where the next piece, of `len` bytes, goes. `bytes_from(i)` gives the
    /// piece's bytes from index `i` on; it is called only for a piece that
    /// may hold the cut.
    pub fn place(&mut self, len: usize, bytes_from: impl FnOnce(usize) -> Vec<u8>) -> Placement {
        let start = self.done;
        self.done += len as u64;
        if self.cut.is_some() {
            return Placement::After;
        }
        if self.done <= self.cut_from || len == 0 {
            return Placement::Before;
        }
        let from = match self.break_pending {
            true => 0,
            false => self.cut_from.saturating_sub(start) as usize,
        };
        let window = bytes_from(from);
        let starts_line = |i: usize| window.get(i) != Some(&0xEF);
        let found = match self.break_pending && starts_line(0) {
            true => Some(0),
            false => window
                .iter()
                .enumerate()
                .find(|&(i, &byte)| byte == b'\n' && i + 1 < window.len() && starts_line(i + 1))
                .map(|(i, _)| i + 1),
        };
        match found {
            Some(i) => {
                let at = from + i;
                self.cut = Some(start + at as u64);
                Placement::Split(at)
            }
            None => {
                self.break_pending = window.last() == Some(&b'\n');
                Placement::Before
            }
        }
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
        assert_eq!(
            read_plan(1_000_000, Some(&report), &settings),
            ReadPlan::Parts {
                from: vec![500_000]
            }
        );
        // By size alone: 20 MiB in three parts, 10 GB in at most 32.
        assert_eq!(
            read_plan(20 << 20, Some(&report), &settings),
            ReadPlan::Parts {
                from: vec![(20 << 20) / 3, (20 << 20) / 3 * 2]
            }
        );
        let ReadPlan::Parts { from } = read_plan(10_000_000_000, Some(&report), &settings) else {
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

    /// Cuts a text streamed in pieces of `piece` bytes from `cut_from`.
    fn stream_cut(text: &[u8], piece: usize, cut_from: u64) -> (Vec<u8>, Vec<u8>, Option<u64>) {
        let mut cut = StreamCut::new(cut_from);
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for chunk in text.chunks(piece) {
            match cut.place(chunk.len(), |i| chunk[i..].to_vec()) {
                Placement::Before => before.extend_from_slice(chunk),
                Placement::Split(at) => {
                    before.extend_from_slice(&chunk[..at]);
                    after.extend_from_slice(&chunk[at..]);
                }
                Placement::After => after.extend_from_slice(chunk),
            }
        }
        (before, after, cut.cut())
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
