//! Everything that can go wrong with work done in the worker, each engine
//! error folded in once (`#[from]`) and shown to the user by its message.

use crate::engine::clustering::MethodError;
use crate::engine::clv::ClvError;
use crate::engine::error::AnalysisError;
use crate::engine::explain::ExplainError;
use crate::engine::ingest::IngestError;
use crate::engine::rfm_import::RfmImportError;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum WorkerError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Container(#[from] crate::engine::container::ContainerError),
    #[error(transparent)]
    RfmImport(#[from] RfmImportError),
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Method(#[from] MethodError),
    #[error(transparent)]
    Explain(#[from] ExplainError),
    #[error(transparent)]
    Clv(#[from] ClvError),
    #[error(transparent)]
    Classify(#[from] crate::engine::classify::ClassifyError),
    #[error(transparent)]
    Embedding(#[from] crate::engine::embedding::EmbeddingError),
    #[error(transparent)]
    Migration(#[from] crate::engine::migration::MigrationError),
    #[error("internal error: {0}")]
    Protocol(#[from] crate::protocol::ProtocolError),
    /// The browser refused something: reading the file, starting a worker.
    #[error("{0}")]
    Browser(String),
    #[error("there is no analysis yet: analyse a file first")]
    NoSession,
    #[error("lifetime value needs transactions: an imported RFM table has no purchase history")]
    NoTransactions,
    #[error("segments over time need transactions: an imported RFM table has one row per customer and no purchase dates, so there are no earlier segments to compare with; analyse the transactions file instead")]
    MigrationNeedsTransactions,
    #[error("k-means needs no separate fit: choose a k instead")]
    KMeansIsTheSweep,
    #[error("predict lifetime value first: the predictions CSV holds its results")]
    NotPredicted,
    /// Never shown: the warm-up stops this way when the page sends a request.
    #[error("the warm-up gave way to a request")]
    WarmUpInterrupted,
    #[error("the saved analysis could not be restored: {0}")]
    BadSnapshot(String),
}
