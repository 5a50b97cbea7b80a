//! The helper's side of reading a compressed file while it is decompressed
//! ([`HelperRequest::InflateRange`](crate::protocol::helper::HelperRequest)):
//! the text before the cut is copied into batches that are sent to the
//! analysis worker as they fill (their buffers transferred: a blob would be
//! copied to the browser and back), the text after it is kept and read here.

use super::inflate::inflate_into;
use super::messages::{mark, post_to_parent_with};
use crate::engine::ingest::{IngestSettings, Ingestor, SNIFF_WINDOW};
use crate::engine::work_split::{Placement, StreamCut, CHUNK_BYTES};
use crate::protocol::helper::{HelperReply, TextPart};
use crate::session::WorkerError;
use js_sys::Uint8Array;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Blob;

const BATCH_BYTES: u32 = CHUNK_BYTES as u32;

/// Text copied into batches of [`BATCH_BYTES`].
#[derive(Default)]
struct Batches {
    current: Option<(Uint8Array, u32)>,
}

impl Batches {
    /// Copies `piece` in; returns the batches it filled.
    fn add(&mut self, piece: &Uint8Array) -> Vec<Uint8Array> {
        let mut full = Vec::new();
        let (len, mut from) = (piece.length(), 0);
        while from < len {
            let (batch, fill) = self
                .current
                .get_or_insert_with(|| (Uint8Array::new_with_length(BATCH_BYTES), 0));
            let take = (BATCH_BYTES - *fill).min(len - from);
            batch.set(&piece.subarray(from, from + take), *fill);
            *fill += take;
            from += take;
            if *fill == BATCH_BYTES {
                full.extend(self.take());
            }
        }
        full
    }

    /// The batch being filled, as far as it is.
    fn take(&mut self) -> Option<Uint8Array> {
        self.current
            .take()
            .filter(|&(_, fill)| fill > 0)
            .map(|(batch, fill)| batch.subarray(0, fill))
    }
}

/// The decompressed text as it is placed around the cut.
struct Splitting {
    cut: StreamCut,
    /// Pieces from the one that reaches the cut's offset on, until the cut
    /// is decided.
    held: Vec<Uint8Array>,
    before: Batches,
    after: Batches,
    /// Text after the cut, read here once all of it is decompressed.
    kept: Vec<Uint8Array>,
    /// The text's first bytes: how the rest is read (delimiter, columns).
    head: Vec<u8>,
    up_to_cut_sent: bool,
}

/// Sends `text` as `part`, transferring its buffer.
fn send(part: TextPart, text: &Uint8Array) {
    let transfer = js_sys::Array::of1(&text.buffer());
    post_to_parent_with(&HelperReply::Text(part), text, &transfer);
}

impl Splitting {
    fn take(&mut self, piece: &Uint8Array, fed: u64) {
        let len = piece.length();
        if self.head.len() < SNIFF_WINDOW {
            let take = (SNIFF_WINDOW - self.head.len()).min(len as usize);
            self.head.extend(piece.subarray(0, take as u32).to_vec());
        }
        let placement = self.cut.place(len as usize, |range| {
            piece
                .subarray(range.start as u32, range.end as u32)
                .to_vec()
        });
        self.held.push(piece.clone());
        self.place_held(placement, fed);
    }

    /// Sends or keeps the held pieces as `placement` says.
    fn place_held(&mut self, placement: Placement, fed: u64) {
        let before = TextPart::Before {
            compressed_done: fed,
        };
        let mut split_at = match placement {
            Placement::Hold => return,
            Placement::Before => usize::MAX,
            Placement::Split(at) => at,
            Placement::After => 0,
        };
        for piece in std::mem::take(&mut self.held) {
            let len = piece.length();
            let at = u32::try_from(split_at).unwrap_or(u32::MAX).min(len);
            if at > 0 {
                for batch in self.before.add(&piece.subarray(0, at)) {
                    send(before, &batch);
                }
            }
            split_at = split_at.saturating_sub(len as usize);
            if at < len {
                if !self.up_to_cut_sent {
                    self.send_up_to_cut(fed);
                }
                let rest = self.after.add(&piece.subarray(at, len));
                self.kept.extend(rest);
            }
        }
    }

    fn send_up_to_cut(&mut self, fed: u64) {
        let text = self
            .before
            .take()
            .unwrap_or_else(|| Uint8Array::new_with_length(0));
        send(
            TextPart::UpToCut {
                compressed_done: fed,
            },
            &text,
        );
        self.up_to_cut_sent = true;
    }
}

/// Decompresses `compressed`, sending the text before `cut` to the
/// analysis worker as it comes; reads the text after it here, then sends
/// that too (so the analysis worker can read it when the parts cannot be
/// joined) and replies with what it read.
pub async fn inflate_range(
    compressed: &Blob,
    ingest: IngestSettings,
    format: &str,
    cut: StreamCut,
) -> Result<HelperReply, WorkerError> {
    mark("helper: inflating");
    let splitting = Rc::new(RefCell::new(Splitting {
        cut,
        held: Vec::new(),
        before: Batches::default(),
        after: Batches::default(),
        kept: Vec::new(),
        head: Vec::new(),
        up_to_cut_sent: false,
    }));
    let taking = Rc::clone(&splitting);
    inflate_into(compressed, format, move |piece, fed| {
        taking.borrow_mut().take(&piece, fed);
    })
    .await?;
    mark("helper: inflated");
    let (head, kept, cut) = {
        let mut splitting = splitting.borrow_mut();
        let placement = splitting.cut.finish();
        splitting.place_held(placement, compressed.size() as u64);
        if !splitting.up_to_cut_sent {
            splitting.send_up_to_cut(compressed.size() as u64);
        }
        let last = splitting.after.take();
        splitting.kept.extend(last);
        (
            std::mem::take(&mut splitting.head),
            std::mem::take(&mut splitting.kept),
            splitting.cut.cut(),
        )
    };
    let read = match cut {
        Some(_) => {
            read_kept(ingest, &head, &kept).map(|range| HelperReply::RangeIngested(Box::new(range)))
        }
        None => Err(WorkerError::Browser(
            "the text had no line break to cut at".into(),
        )),
    };
    mark("helper: read");
    let texts: js_sys::Array = kept.iter().collect();
    let transfer: js_sys::Array = kept.iter().map(|text| text.buffer()).collect();
    post_to_parent_with(&HelperReply::Text(TextPart::FromCut), &texts, &transfer);
    read
}

fn read_kept(
    ingest: IngestSettings,
    head: &[u8],
    kept: &[Uint8Array],
) -> Result<crate::engine::ingest::IngestRange, WorkerError> {
    let mut ingestor = Ingestor::continuing(ingest, head)?;
    for text in kept {
        ingestor.push(&text.to_vec())?;
    }
    Ok(ingestor.finish_range()?)
}
