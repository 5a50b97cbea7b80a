//! Why a lifetime-value prediction could not be made, in words a shop owner can act on.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ClvError {
    #[error("there are no customers with purchases before {reference}")]
    NoCustomers { reference: String },
    #[error("customer {customer} has an amount that is not a finite number")]
    NonFiniteAmount { customer: String },
    #[error("the reference date {reference} is out of range")]
    NoObservationPeriod { reference: String },
    #[error("predicting lifetime value needs at least {needed} customers who bought on two or more days; this data has {found}")]
    TooFewRepeatBuyers { found: usize, needed: usize },
    #[error("the {model} model did not converge ({detail}); the data may be too small or too regular for it")]
    NoConvergence { model: &'static str, detail: String },
    #[error("the spend model has no finite average (q = {q:.3} ≤ 1): repeat-purchase values vary too wildly to predict lifetime value")]
    UnboundedSpend { q: f64 },
    #[error("the prediction for customer {customer} is not a finite number")]
    NonFinitePrediction { customer: String },
    #[error("invalid setting: {0}")]
    BadSetting(String),
}
