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
    #[error(
        "the {model} model did not converge ({detail}). The data may be too small or too \
         regular for it: when b keeps growing, no customer is seen to drop out and P(alive) \
         would be 1 for everyone. Try a penalizer (lifetimes' penalizer_coef, e.g. 0.001), or a \
         shorter window (an earlier reference date under RFM definitions)"
    )]
    NoConvergence { model: &'static str, detail: String },
    #[error("the spend model has no finite average (q = {q:.3} ≤ 1): repeat-purchase values vary too wildly to predict lifetime value")]
    UnboundedSpend { q: f64 },
    #[error("the prediction for customer {customer} is not a finite number")]
    NonFinitePrediction { customer: String },
    #[error(
        "with penalizer {penalizer} the purchase model's a and b shrank to about zero \
         (a = {a:.2e}, b = {b:.2e}) and its predictions are not finite numbers: the penalty \
         outweighs this data. Use a smaller penalizer (e.g. {smaller}) or none"
    )]
    PenalizerTooStrong {
        penalizer: f64,
        a: f64,
        b: f64,
        smaller: f64,
    },
    #[error(
        "the {model} fit has a + b = {sum:.3}, below 1, where its formula for customers \
         without a repeat purchase has no value (lifetimes returns NaN there too): use MBG/NBD, \
         or change the window or the holdout"
    )]
    NoValueWithoutRepeats { model: &'static str, sum: f64 },
    #[error("invalid setting: {0}")]
    BadSetting(String),
}
