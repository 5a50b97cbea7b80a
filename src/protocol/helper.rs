//! Analysis worker ↔ its helper (a second worker running the same binary,
//! which reads part of the file and fits part of the k sweep meanwhile).

use crate::engine::clustering::{Clustering, KMeansSettings};
use crate::engine::ingest::{IngestRange, IngestSettings, IngestShare, Share};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HelperRequest {
    /// Fit these ks of the sweep (with their silhouettes) on the features
    /// attached as a flat `Float64Array` under [`super::FEATURES`].
    FitKs {
        ks: Vec<usize>,
        settings: KMeansSettings,
    },
    /// Read and clean one share of the attached file's customers.
    IngestShare {
        ingest: IngestSettings,
        share: Share,
    },
    /// Read and clean the attached file from byte `start` (just after a line
    /// break) to its end.
    IngestRange { ingest: IngestSettings, start: u64 },
    /// Decompress the attached compressed text (`format`: "gzip" or
    /// "deflate-raw"), sending the text up to a cut (the first line break
    /// from `cut_from` on) as [`HelperReply::Text`] parts while going on;
    /// then read and clean the rest, as [`HelperRequest::IngestRange`]
    /// would, send it too, and reply.
    InflateRange {
        ingest: IngestSettings,
        format: String,
        cut_from: u64,
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
    KsFitted(Vec<Clustering>),
    ShareIngested(Box<IngestShare>),
    RangeIngested(Box<IngestRange>),
    Text(TextPart),
    Failed { message: String },
}

/// The helper's clusterings, if they are a full answer for `ks` on `customers` customers.
pub fn accept_ks(reply: HelperReply, ks: &[usize], customers: usize) -> Option<Vec<Clustering>> {
    let HelperReply::KsFitted(clusterings) = reply else {
        return None;
    };
    let fitted: Vec<usize> = clusterings.iter().map(|c| c.k).collect();
    (fitted == ks && clusterings.iter().all(|c| c.labels.len() == customers)).then_some(clusterings)
}
