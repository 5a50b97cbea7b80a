//! How the analysis worker shares reading a file with its helper: the
//! decisions, apart from the browser code that carries them out.
//!
//! Either the file is cut in two at a line break (each worker reads one part,
//! then the parts are joined), or, when its format cannot be cut, each worker
//! reads every record and keeps half of the customers, or one worker reads it
//! all. Whichever is chosen, the outcome is the single pass's.

use super::ingest::{Field, IngestSettings, Share, SniffReport, TextEncoding};

/// The share of the file the analysis worker reads; the helper reads the
/// rest. More than half: after its part the helper still builds, encodes and
/// posts its outcome, which the analysis worker decodes before joining.
pub const OWN_PART: f64 = 0.53;

/// Bytes read from the cut on to find the line break to cut at: a line
/// longer than this leaves the file to the customer-share plan.
pub const CUT_WINDOW: u64 = 64 * 1024;

/// Files from this size on are read in two parts.
pub const MIN_BYTES_FOR_TWO_PARTS: u64 = 256 * 1024;

/// The slices a file is read in after the first: large enough that per-call
/// overhead is negligible, small enough for smooth progress.
pub const CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// The first slice of a file is small, so processing starts as soon as it is
/// read; the next ones are read while the previous one is processed.
pub const FIRST_SLICE_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPlan {
    /// Cut at the first line break in `from..from + CUT_WINDOW` (see [`cut_at`]).
    TwoParts { from: u64 },
    /// Both read everything; each keeps its [`Share`] of the customers.
    TwoShares,
    /// One worker reads everything.
    One,
}

/// How to read a file of `total` bytes whose start sniffed as `sniffed`
/// (`None`: it did not sniff, and the single pass reports why).
pub fn read_plan(total: u64, sniffed: Option<&SniffReport>, settings: &IngestSettings) -> ReadPlan {
    if let Some(sniffed) = sniffed {
        // UTF-16 cannot be cut at a byte; a status column's empty cells
        // inherit their order's earlier verdict, which may be in the other part.
        let byte_oriented = matches!(
            sniffed.encoding,
            TextEncoding::Utf8 | TextEncoding::Windows1252
        );
        if total >= MIN_BYTES_FOR_TWO_PARTS
            && byte_oriented
            && sniffed.mapping.index(Field::Status).is_none()
        {
            return ReadPlan::TwoParts {
                from: (total as f64 * OWN_PART) as u64,
            };
        }
    }
    match Share::exact_for(settings) {
        true => ReadPlan::TwoShares,
        false => ReadPlan::One,
    }
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
/// [`OWN_PART`]: the helper decompresses first.
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
            ReadPlan::TwoParts { from: 530_000 }
        );
        let small = read_plan(MIN_BYTES_FOR_TWO_PARTS - 1, Some(&report), &settings);
        assert_ne!(small, ReadPlan::TwoParts { from: 0 });
        assert!(matches!(small, ReadPlan::TwoShares | ReadPlan::One));
        // A head that does not sniff is never cut: the single pass says why.
        assert!(!matches!(
            read_plan(1_000_000, None, &settings),
            ReadPlan::TwoParts { .. }
        ));
    }

    #[test]
    fn a_status_column_keeps_the_file_whole() {
        let report = sniffed(
            "order_id,customer_id,date,amount,status\n1,a,2011-01-01,5,paid\n2,b,2011-01-02,6,\n",
        );
        assert!(report.mapping.index(Field::Status).is_some());
        assert!(!matches!(
            read_plan(10_000_000, Some(&report), &IngestSettings::default()),
            ReadPlan::TwoParts { .. }
        ));
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
