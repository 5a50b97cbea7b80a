//! Messages between the page and the analysis Web Worker, as JSON strings.
//!
//! The page posts `{ request: <WorkerRequest JSON>, file: Blob }`; the worker
//! reads the blob in slices, streams it through the engine and posts back
//! [`WorkerEvent`] JSON strings. The worker keeps no state between requests,
//! so cancelling is simply terminating it.

use crate::engine::clean::CleaningReport;
use crate::engine::clustering::{
    Clustering, ClusteringMethodSettings, DbscanSettings, GmmSettings, KMeansSettings,
    MethodComparison, MethodFit, Point,
};
use crate::engine::clv::{ClvReport, ClvSettings};
use crate::engine::ingest::{
    DetectedFormat, IngestRange, IngestSettings, IngestShare, Share, SniffReport,
};
use crate::engine::ledger::MonthlyRevenue;
use crate::engine::model::Assignment;
use crate::engine::pipeline::{Analysis, AnalysisSettings};
use crate::engine::rfm_import::RfmColumns;
use serde::{Deserialize, Serialize};

mod result_parts;
pub use result_parts::{split_result, CustomerRows, ResultAssembler, CUSTOMERS_PER_MESSAGE};

/// Size of the slices the worker reads from the file: large enough that
/// per-call overhead is negligible, small enough for smooth progress.
pub const CHUNK_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// Detect the format and columns from the start of the file.
    Sniff { settings: IngestSettings },
    /// Parse the attached file and run the whole analysis.
    Analyze {
        file_name: String,
        ingest: IngestSettings,
        analysis: Box<AnalysisSettings>,
    },
    /// Predict lifetime value and churn (BG/NBD + Gamma-Gamma) for the
    /// attached transactions file, as of the analysis' reference date.
    PredictClv {
        ingest: IngestSettings,
        reference_date: chrono::NaiveDate,
        settings: ClvSettings,
    },
    /// Cluster the analysis' standardised features with another method (no file).
    FitMethod {
        features: Vec<Point>,
        settings: ClusteringMethodSettings,
    },
    /// Metrics of k-means (the given clustering), the mixture and DBSCAN (no file).
    CompareMethods {
        features: Vec<Point>,
        kmeans: Box<Clustering>,
        gmm: GmmSettings,
        dbscan: DbscanSettings,
    },
    /// Fit these ks of a k sweep (with their silhouettes) on the attached
    /// features: the analysis worker hands half of its sweep to a second
    /// worker this way. The features travel as a flat `Float64Array` (x, y, z
    /// per customer) in the message's `features` field.
    FitKs {
        ks: Vec<usize>,
        settings: KMeansSettings,
    },
    /// Read and clean one share of the attached file's customers (the
    /// analysis worker reads the other share meanwhile).
    IngestShare {
        ingest: IngestSettings,
        share: Share,
    },
    /// Read and clean the attached file from byte `start` (just after a line
    /// break) to its end; the analysis worker reads the part before.
    IngestRange { ingest: IngestSettings, start: u64 },
    /// Label the attached file's customers with a saved model.
    ApplyModel {
        file_name: String,
        model_json: String,
        ingest: IngestSettings,
        /// Label by the model's decision rules instead of the nearest cluster centre.
        by_rules: bool,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerEvent {
    /// The worker's WASM is loaded and it listens for requests.
    Ready,
    /// `fraction` in 0..=1 of the whole run; `bytes_done` while reading.
    Progress {
        stage: String,
        fraction: f64,
        bytes_done: u64,
        bytes_total: u64,
    },
    Sniffed(Box<SniffReport>),
    /// The file is an RFM table (one row per customer), not transactions:
    /// no column mapping needed, analyse it directly.
    RfmTableDetected,
    Finished(Box<RunResult>),
    /// Customers of the `Finished` that follows (see [`split_result`]).
    CustomerRows(Box<CustomerRows>),
    /// The worker's warm-up result, before `Ready`: the page decodes it and
    /// drops it, so its decoding code is optimised before the first real
    /// result (which it otherwise decoded with the browser's baseline code).
    WarmUpResult(Box<RunResult>),
    ClvPredicted(Box<ClvReport>),
    MethodFitted(Box<MethodFit>),
    MethodsCompared(Box<MethodComparison>),
    Applied(Box<AppliedModel>),
    KsFitted(Vec<Clustering>),
    ShareIngested(Box<IngestShare>),
    RangeIngested(Box<IngestRange>),
    Failed {
        message: String,
    },
}

/// Everything the dashboard shows after a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub file_name: String,
    pub source: DataSource,
    /// Empty for an imported RFM table.
    pub monthly: Vec<MonthlyRevenue>,
    pub analysis: Analysis,
    /// Milliseconds spent reading + cleaning, and analysing.
    pub ingest_ms: f64,
    pub analysis_ms: f64,
    /// Workers that shared reading and the k sweep: 2 with the helper, 1 without.
    pub ingest_workers: u8,
    pub sweep_workers: u8,
    /// Size of the worker's WebAssembly memory after the run (it never
    /// shrinks, so this is the run's peak).
    pub worker_memory_bytes: f64,
}

/// What the run read: transactions (cleaned into a ledger) or an RFM table.
// One per run, so the variants' size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    Transactions {
        format: DetectedFormat,
        report: CleaningReport,
    },
    RfmTable {
        rows: usize,
        delimiter: u8,
        decimal_comma: bool,
        columns: RfmColumns,
        /// Where the reference date came from, in words.
        reference_from: String,
    },
}

impl DataSource {
    pub fn is_rfm_table(&self) -> bool {
        matches!(self, Self::RfmTable { .. })
    }
}

/// A saved model applied to a new file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedModel {
    pub file_name: String,
    pub model_trained_on: String,
    /// How customers were labelled (nearest cluster centre or the model's rules).
    pub method: String,
    pub assignments: Vec<Assignment>,
    pub rows_read: u64,
    pub rows_kept: u64,
}

/// Share of the progress bar given to reading the file (the rest is analysis).
pub const READING_SHARE: f64 = 0.6;

/// Encodes an event for `postMessage` (postcard: compact, and fast to decode
/// on the page, which must stay responsive while a large result arrives).
pub fn encode_event(event: &WorkerEvent) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(event).map_err(|e| format!("cannot encode worker event: {e}"))
}

pub fn decode_event(bytes: &[u8]) -> Result<WorkerEvent, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("unreadable worker event: {e}"))
}
