//! Explains clusters with a shallow decision tree on raw recency (days),
//! frequency (purchases) and monetary, read as plain rules ("recency ≤ 30
//! days and frequency ≥ 5 purchases → Loyalists") with its accuracy. The
//! same tree, stored in the model file, labels new customers.

mod fit;
pub mod human;
pub mod rule_tree;
pub mod rules;

pub use rule_tree::{Feature, Leaf, RuleNode, RuleTree};
pub use rules::{Condition, Rule};

use super::rfm::RfmRow;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use rule_tree::{values, Values};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Validated tree settings (linfa-style: check once, then fit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TreeSettings {
    /// Splits along any path, 1..=6; 3 gives at most 8 rules.
    pub max_depth: usize,
    /// Smallest leaf as a share of training customers, in [0, 0.5).
    pub min_leaf_share: f64,
    /// Customers held out to measure accuracy on unseen data, in [0, 0.5].
    pub holdout_share: f64,
    /// Training customers at most (a seeded sample above this).
    pub max_training_customers: usize,
    pub seed: u64,
}

impl Default for TreeSettings {
    fn default() -> Self {
        Self {
            max_depth: 3,
            min_leaf_share: 0.01,
            holdout_share: 0.2,
            max_training_customers: 50_000,
            seed: 42,
        }
    }
}

pub const MAX_DEPTH: usize = 6;

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ExplainError {
    #[error("the tree depth must be between 1 and {MAX_DEPTH} (got {0})")]
    BadDepth(usize),
    #[error("the smallest rule must cover between 0% and 50% of customers (got {0})")]
    BadLeafShare(f64),
    #[error("the held-out share must be between 0% and 50% (got {0})")]
    BadHoldoutShare(f64),
    #[error("train on at least 100 customers (got {0})")]
    BadSampleSize(usize),
    #[error("there are no customers to explain")]
    NoCustomers,
    #[error("there is no clustering to explain")]
    NoClustering,
    #[error("{customers} customers but {labels} cluster labels")]
    LabelMismatch { customers: usize, labels: usize },
    #[error("customer {customer} has a monetary value that is not a finite number")]
    NonFiniteMonetary { customer: String },
    #[error("the decision tree could not be fitted: {0}")]
    Fit(String),
}

impl TreeSettings {
    pub fn check(&self) -> Result<(), ExplainError> {
        if !(1..=MAX_DEPTH).contains(&self.max_depth) {
            return Err(ExplainError::BadDepth(self.max_depth));
        }
        if !(0.0..0.5).contains(&self.min_leaf_share) {
            return Err(ExplainError::BadLeafShare(self.min_leaf_share));
        }
        if !(0.0..=0.5).contains(&self.holdout_share) {
            return Err(ExplainError::BadHoldoutShare(self.holdout_share));
        }
        if self.max_training_customers < 100 {
            return Err(ExplainError::BadSampleSize(self.max_training_customers));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub tree: RuleTree,
    /// One per leaf, in tree order.
    pub rules: Vec<Rule>,
    /// Share of training customers whose rule names their cluster.
    pub train_accuracy: f64,
    /// The same on held-out customers; `None` when too few to hold any out.
    pub holdout_accuracy: Option<f64>,
    /// Training customers (after sampling).
    pub customers_used: usize,
    pub holdout_customers: usize,
}

/// Explains a labelling of `rows` (`labels[i]` is row i's cluster, named by
/// `names`); an analysis explains the clustering it uses with
/// `Analysis::explain` (in `pipeline.rs`).
pub fn explain(
    rows: &[RfmRow],
    labels: &[usize],
    names: &[String],
    settings: &TreeSettings,
) -> Result<Explanation, ExplainError> {
    settings.check()?;
    if rows.is_empty() {
        return Err(ExplainError::NoCustomers);
    }
    if labels.len() != rows.len() {
        return Err(ExplainError::LabelMismatch {
            customers: rows.len(),
            labels: labels.len(),
        });
    }
    if let Some(row) = rows.iter().find(|r| !r.monetary.is_finite()) {
        return Err(ExplainError::NonFiniteMonetary {
            customer: row.customer_id.clone(),
        });
    }
    let (train, holdout) = split(rows.len(), settings);
    let pick = |idx: &[usize]| -> (Vec<Values>, Vec<usize>) {
        idx.iter()
            .map(|&i| {
                let r = &rows[i];
                (values(r.recency_days, r.frequency, r.monetary), labels[i])
            })
            .unzip()
    };
    let (train_x, train_y) = pick(&train);
    let (holdout_x, holdout_y) = pick(&holdout);
    let k = names.len().max(labels.iter().max().map_or(0, |&m| m + 1));
    let min_leaf = (settings.min_leaf_share * train.len() as f64).ceil() as usize;
    let tree = fit::fit(
        &train_x,
        &train_y,
        k,
        &fit::FitParams {
            max_depth: settings.max_depth,
            min_leaf,
        },
    )?;
    Ok(Explanation {
        rules: rules::rules(&tree, names),
        train_accuracy: accuracy(&tree, &train_x, &train_y).unwrap_or(0.0),
        holdout_accuracy: accuracy(&tree, &holdout_x, &holdout_y),
        customers_used: train.len(),
        holdout_customers: holdout.len(),
        tree,
    })
}

/// Seeded split into (training, held-out) row indices, both ascending; the
/// training part is capped at `max_training_customers`.
fn split(n: usize, settings: &TreeSettings) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Xoshiro256Plus::seed_from_u64(settings.seed);
    for i in (1..n).rev() {
        order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    let held = ((n as f64) * settings.holdout_share).floor() as usize;
    let mut holdout = order[..held].to_vec();
    let mut train: Vec<usize> = order[held..]
        .iter()
        .copied()
        .take(settings.max_training_customers)
        .collect();
    holdout.sort_unstable();
    train.sort_unstable();
    (train, holdout)
}

fn accuracy(tree: &RuleTree, x: &[Values], y: &[usize]) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    let right = x
        .iter()
        .zip(y)
        .filter(|(x, &y)| tree.predict_values(x) == y)
        .count();
    Some(right as f64 / x.len() as f64)
}

#[cfg(test)]
mod tests;
