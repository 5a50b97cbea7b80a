//! Why an analysis could not run, in words a shop owner can act on.

use super::clustering::kmeans_settings::KMeansSettingsError;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum AnalysisError {
    #[error("there are no customers to analyse")]
    NoCustomers,
    #[error("clustering needs at least 2 customers who differ; this file has {0} distinct customer profile(s)")]
    TooFewDistinct(usize),
    #[error("k = {k} but only {distinct} distinct customers; choose k between 2 and {distinct}")]
    KTooLarge { k: usize, distinct: usize },
    #[error("k must be at least 2 (got {0})")]
    KTooSmall(usize),
    #[error("score bins must be 3, 4 or 5 (got {0})")]
    BadBins(u8),
    #[error("the reference date {reference} is before the first purchase ({first}); choose a later date")]
    ReferenceTooEarly { reference: String, first: String },
    #[error("customer {customer} has an amount that is not a finite number")]
    NonFiniteAmount { customer: String },
    #[error("k-means failed: {0}")]
    Clustering(String),
    #[error("this is not a Segmento model file: {0}")]
    BadModel(String),
    #[error("the k chosen ({0}) was not part of the sweep")]
    UnknownK(usize),
    #[error("this model was saved without rules; save it again with its rules to label by rules")]
    ModelHasNoRules,
    #[error("this model was saved without a classifier; train the classifier, then save the model again to label with it")]
    ModelHasNoClassifier,
    #[error(transparent)]
    KMeansSettings(#[from] KMeansSettingsError),
    #[error(transparent)]
    CutPoints(#[from] super::cut_points::CutPointsError),
}
