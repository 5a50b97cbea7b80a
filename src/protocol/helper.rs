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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HelperReply {
    Ready,
    KsFitted(Vec<Clustering>),
    ShareIngested(Box<IngestShare>),
    RangeIngested(Box<IngestRange>),
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
