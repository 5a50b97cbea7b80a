//! Why another clustering method could not run, with what to change.

use crate::engine::error::AnalysisError;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum MethodError {
    /// k, distinct points and the like: the same checks as k-means.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error("at most {max} clusters are supported (got {got})")]
    TooManyClusters { got: usize, max: usize },
    #[error("{name} must be at least {min} (got {got})")]
    TooSmall {
        name: &'static str,
        min: f64,
        got: f64,
    },
    #[error("eps must be a positive number of standardised units (got {0})")]
    BadEps(f64),
    #[error("a feature value is not a finite number")]
    NonFinite,
    #[error("the Gaussian mixture could not be fitted: {0}")]
    Gmm(String),
    #[error("this clustering labels {labelled} customers but the analysis has {customers}")]
    WrongCustomers { labelled: usize, customers: usize },
    #[error("the clustering library failed: {0}")]
    Library(String),
    #[error("DBSCAN with eps = {eps:.3} found {found} cluster(s); it needs 2 to {max}. Try eps = {suggestion:.3}{hint}")]
    DbscanClusterCount {
        eps: f64,
        found: usize,
        max: usize,
        suggestion: f64,
        /// Which way to move eps when the suggestion is the eps already used.
        hint: String,
    },
}
