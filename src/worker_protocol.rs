//! Messages between the page and the analysis Web Worker, as JSON strings.
//!
//! The page posts `{ request: <WorkerRequest JSON>, file: Blob }`; the worker
//! reads the blob in slices, streams it through the engine and posts back
//! [`WorkerEvent`] JSON strings. The worker keeps no state between requests,
//! so cancelling is simply terminating it.

use serde::{Deserialize, Serialize};

/// Size of the slices the worker reads from the file: large enough that
/// per-call overhead is negligible, small enough for smooth progress.
pub const CHUNK_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// Parse the attached file and run the whole analysis.
    Analyze { file_name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Reading,
    Analysing,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading and cleaning the file",
            Stage::Analysing => "Computing RFM and clusters",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerEvent {
    /// The worker's WASM is loaded and it listens for requests.
    Ready,
    Progress { stage: Stage, done: u64, total: u64 },
    Finished(Box<RunSummary>),
    Failed { message: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSummary {
    pub file_name: String,
    pub bytes: u64,
    pub lines: u64,
}
