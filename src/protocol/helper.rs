//! Analysis worker ↔ its helpers (workers running the same binary, which
//! take parts of the file and ks of the sweep from a shared queue).

use crate::engine::clustering::{BlockSums, Clustering, KMeansSettings};
use crate::engine::ingest::{IngestRange, IngestSettings, IngestShare, Share};
use crate::engine::work_split::PurchaseKey;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HelperRequest {
    /// The run's features, attached as a flat `Float64Array` under
    /// [`super::FEATURES`], kept for the [`HelperRequest::FitK`] requests
    /// that follow (no reply).
    Features,
    /// Fit this k of the sweep (without its silhouette) on the features
    /// last sent.
    FitK { k: usize, settings: KMeansSettings },
    /// The sweep's labels on the silhouettes' sample, kept for the
    /// [`HelperRequest::SilhouetteBlock`] requests that follow (no reply):
    /// with the features last sent, the silhouette pass.
    SilhouettePass {
        ks: Vec<usize>,
        labels: Vec<Vec<u8>>,
        seed: u64,
    },
    /// Measure this block of the silhouette pass last sent.
    SilhouetteBlock { block: usize },
    /// Read and clean one share of the attached file's customers.
    IngestShare {
        ingest: IngestSettings,
        share: Share,
    },
    /// Read and clean the attached file from byte `start` (just after a line
    /// break) to byte `end` (just after one, or the file's end).
    IngestRange {
        ingest: IngestSettings,
        start: u64,
        end: u64,
    },
    /// Decompress the attached compressed text (`format`: "gzip" or
    /// "deflate-raw"), sending the text up to a cut (from `cut_from` on,
    /// between two purchases as `purchase` tells them apart; see
    /// [`StreamCut`](crate::engine::work_split::StreamCut)) as
    /// [`HelperReply::Text`] parts while going on; then read and clean the
    /// rest, as [`HelperRequest::IngestRange`] would, send it too, and reply.
    InflateRange {
        ingest: IngestSettings,
        format: String,
        cut_from: u64,
        purchase: PurchaseKey,
    },
}

/// A part of the text a helper decompresses, attached as bytes whose
/// buffer is transferred (a `Uint8Array`; for [`TextPart::FromCut`] an
/// array of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextPart {
    /// Text before the cut; more follows. `compressed_done`: the compressed
    /// bytes decompressed so far.
    Before { compressed_done: u64 },
    /// The last text before the cut (all the text when it had no cut).
    UpToCut { compressed_done: u64 },
    /// The text from the cut on, sent just before the helper's reply: the
    /// analysis worker reads it when the parts cannot be joined.
    FromCut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HelperReply {
    Ready,
    KFitted(Box<Clustering>),
    SilhouetteSums(BlockSums),
    ShareIngested(Box<IngestShare>),
    RangeIngested(Box<IngestRange>),
    Text(TextPart),
    Failed { message: String },
}

/// A helper's clustering, if it is an answer for `k` on `customers` customers.
pub fn accept_k(reply: HelperReply, k: usize, customers: usize) -> Option<Clustering> {
    let HelperReply::KFitted(clustering) = reply else {
        return None;
    };
    (clustering.k == k && clustering.labels.len() == customers).then_some(*clustering)
}
