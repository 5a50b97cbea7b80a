//! A random forest that assigns a customer's cluster from raw recency (days),
//! frequency (purchases) and monetary: trees need no scaling, so a saved
//! model labels new customers without the standardisation, and its seeded,
//! stratified k-fold cross-validation says how often it agrees with the
//! clustering on customers it did not see.
//!
//! The forest is grown here rather than with `linfa-ensemble`: with
//! linfa-trees 0.8 the same seed gives different trees from run to run (class
//! counts live in `std` hash maps with random keys: tied leaves and the f32
//! Gini sums depend on their order), and linfa-ensemble 0.8 unwraps each
//! tree's fit and draws each tree's features with replacement.

pub mod cross_validation;
pub mod forest;
pub mod metrics;
pub mod sampling;

pub use cross_validation::{fold_of, folds};
pub use forest::{Forest, Node, Row, Tree};
pub use metrics::Metrics;
pub use sampling::sample_indices;

use forest::{grow_forest, GrowParams};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const MAX_FOLDS: usize = 10;
pub const MAX_TREES: usize = 500;
pub const MAX_DEPTH: usize = 32;
/// The smallest `max_training_customers`.
pub const MIN_TRAINING_CUSTOMERS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassifierSettings {
    /// Trees in the forest, 1..=500.
    pub trees: usize,
    /// Splits along any path, 1..=32; `None`: grow until leaves are pure.
    pub max_depth: Option<usize>,
    /// Cross-validation folds, 2..=10.
    pub folds: usize,
    pub seed: u64,
    /// Customers trained on at most (a seeded sample of larger files), ≥ 100.
    pub max_training_customers: usize,
}

impl Default for ClassifierSettings {
    fn default() -> Self {
        Self {
            trees: 100,
            max_depth: Some(12),
            folds: 5,
            seed: 42,
            max_training_customers: 20_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ClassifyError {
    #[error("cross-validation needs between 2 and {MAX_FOLDS} folds (got {0})")]
    BadFolds(usize),
    #[error("the forest needs between 1 and {MAX_TREES} trees (got {0})")]
    BadTrees(usize),
    #[error("the tree depth must be between 1 and {MAX_DEPTH}, or unlimited (got {0})")]
    BadDepth(usize),
    #[error("train on at least {MIN_TRAINING_CUSTOMERS} customers (got {0})")]
    BadSampleSize(usize),
    #[error("there is no clustering to learn")]
    NoClustering,
    #[error("there are no customers to learn from")]
    NoCustomers,
    #[error("{customers} customers but {labels} cluster labels")]
    LabelMismatch { customers: usize, labels: usize },
    #[error("a customer is in cluster {label}, but there are only {classes} clusters")]
    LabelOutOfRange { label: usize, classes: usize },
    #[error("the classifier needs at least 2 clusters (got {0})")]
    TooFewClasses(usize),
    #[error("{customers} customers are too few for {folds} folds; use fewer folds")]
    TooFewCustomers { customers: usize, folds: usize },
    #[error("cluster {class} has {customers} customer(s), fewer than the {folds} folds; use fewer folds or another number of clusters")]
    ClassTooSmall {
        class: usize,
        customers: usize,
        folds: usize,
    },
    #[error("customer {customer} has a recency, frequency or monetary value that is not a finite number")]
    NonFinite { customer: String },
}

impl ClassifierSettings {
    /// The settings if valid (linfa's `ParamGuard::check_ref` style).
    pub fn check(&self) -> Result<&Self, ClassifyError> {
        if !(2..=MAX_FOLDS).contains(&self.folds) {
            return Err(ClassifyError::BadFolds(self.folds));
        }
        if !(1..=MAX_TREES).contains(&self.trees) {
            return Err(ClassifyError::BadTrees(self.trees));
        }
        if let Some(d) = self.max_depth.filter(|d| !(1..=MAX_DEPTH).contains(d)) {
            return Err(ClassifyError::BadDepth(d));
        }
        if self.max_training_customers < MIN_TRAINING_CUSTOMERS {
            return Err(ClassifyError::BadSampleSize(self.max_training_customers));
        }
        Ok(self)
    }

    fn grow(&self, classes: usize, seed: u64) -> GrowParams {
        GrowParams {
            trees: self.trees,
            max_depth: self.max_depth,
            classes,
            seed,
        }
    }
}

/// Out-of-fold quality of the forest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidation {
    /// Every customer predicted by the forest trained without its fold.
    pub metrics: Metrics,
    /// Accuracy on each held-out fold, in fold order.
    pub fold_accuracy: Vec<f64>,
    /// Each customer's out-of-fold prediction (input order).
    pub predicted: Vec<usize>,
    pub customers: usize,
    pub folds: usize,
}

/// Checks the data: as many labels as rows, labels `< classes`, finite
/// values, at least 2 clusters, and (with `folds`) every cluster at least as
/// large as the number of folds.
fn check_data(
    features: &[Row],
    labels: &[usize],
    classes: usize,
    folds: Option<usize>,
) -> Result<(), ClassifyError> {
    if features.is_empty() {
        return Err(ClassifyError::NoCustomers);
    }
    if labels.len() != features.len() {
        return Err(ClassifyError::LabelMismatch {
            customers: features.len(),
            labels: labels.len(),
        });
    }
    if classes < 2 {
        return Err(ClassifyError::TooFewClasses(classes));
    }
    if let Some(&label) = labels.iter().find(|&&l| l >= classes) {
        return Err(ClassifyError::LabelOutOfRange { label, classes });
    }
    if let Some(i) = features
        .iter()
        .position(|r| r.iter().any(|v| !v.is_finite()))
    {
        return Err(ClassifyError::NonFinite {
            customer: format!("in row {}", i + 1),
        });
    }
    let Some(folds) = folds else { return Ok(()) };
    if features.len() < folds {
        return Err(ClassifyError::TooFewCustomers {
            customers: features.len(),
            folds,
        });
    }
    let mut support = vec![0usize; classes];
    for &l in labels {
        support[l] += 1;
    }
    if let Some((class, &customers)) = support.iter().enumerate().find(|(_, &n)| n < folds) {
        return Err(ClassifyError::ClassTooSmall {
            class,
            customers,
            folds,
        });
    }
    Ok(())
}

/// Seeded stratified k-fold cross-validation of the forest on all the rows
/// given (no sampling: [`crate::engine::pipeline::Analysis::classify`]
/// samples first). `features[i]` is customer i's raw [recency days,
/// frequency, monetary], `labels[i] < classes` its cluster. `progress` gets
/// the fraction done, 0..=1.
pub fn cross_validate(
    features: &[Row],
    labels: &[usize],
    classes: usize,
    settings: &ClassifierSettings,
    progress: &mut dyn FnMut(f64),
) -> Result<CrossValidation, ClassifyError> {
    settings.check()?;
    check_data(features, labels, classes, Some(settings.folds))?;
    let k = settings.folds;
    let fold_of = fold_of(labels, classes, k, settings.seed);
    let mut seeds = Xoshiro256Plus::seed_from_u64(settings.seed);
    let mut predicted = vec![0usize; features.len()];
    let mut fold_accuracy = Vec::with_capacity(k);
    let step = (settings.trees / 10).max(1);
    for f in 0..k {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (i, row) in features.iter().enumerate() {
            if fold_of[i] != f {
                x.push(*row);
                y.push(labels[i]);
            }
        }
        let forest = grow_forest(&x, &y, settings.grow(classes, seeds.next_u64()), &mut |t| {
            if t % step == 0 {
                progress((f as f64 + t as f64 / settings.trees as f64) / k as f64);
            }
        });
        let (mut right, mut held) = (0usize, 0usize);
        for (i, row) in features
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of[*i] == f)
        {
            predicted[i] = forest.predict_row(row);
            held += 1;
            right += usize::from(predicted[i] == labels[i]);
        }
        fold_accuracy.push(right as f64 / held.max(1) as f64);
        progress((f + 1) as f64 / k as f64);
    }
    Ok(CrossValidation {
        metrics: Metrics::from_confusion(metrics::confusion(labels, &predicted, classes)),
        fold_accuracy,
        predicted,
        customers: features.len(),
        folds: k,
    })
}

/// The forest trained on all the rows given (same inputs as
/// [`cross_validate`]; the folds setting is not used).
pub fn fit_forest(
    features: &[Row],
    labels: &[usize],
    classes: usize,
    settings: &ClassifierSettings,
    progress: &mut dyn FnMut(f64),
) -> Result<Forest, ClassifyError> {
    settings.check()?;
    check_data(features, labels, classes, None)?;
    let step = (settings.trees / 10).max(1);
    Ok(grow_forest(
        features,
        labels,
        settings.grow(classes, settings.seed),
        &mut |t| {
            if t % step == 0 || t == settings.trees {
                progress(t as f64 / settings.trees as f64);
            }
        },
    ))
}

#[cfg(test)]
mod tests;
