//! A non-linear 2-D map of the customers: t-SNE (Barnes–Hut) on the
//! standardised clustering features of a seeded sample. Customers that are
//! close in R, F and M stay close on the map, which shows groups the
//! straight PCA projection folds onto each other.
//!
//! Written here rather than taken from `linfa-tsne`: that crate runs the
//! whole optimisation in one call (no progress, no way to stop between
//! iterations) and seeds its start from the thread RNG in `bhtsne`.

pub mod affinities;
pub mod quadtree;
pub mod trust;
pub mod tsne;

use crate::engine::clustering::sample_indices;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Neighbours the trustworthiness figure shown with the map looks at.
pub const TRUST_NEIGHBOURS: usize = 10;
/// Points the trustworthiness figure is computed on at most (it is O(n²)).
const TRUST_POINTS: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingSettings {
    /// Customers embedded at most: a seeded sample of larger files.
    pub max_customers: usize,
    /// Effective number of neighbours each customer's Gaussian spans.
    pub perplexity: f64,
    /// Barnes–Hut accuracy: a cell narrower than `theta` × its distance
    /// acts as one body (0 is exact and slow).
    pub theta: f64,
    pub iterations: usize,
    pub seed: u64,
}

impl Default for EmbeddingSettings {
    fn default() -> Self {
        Self {
            max_customers: 5_000,
            perplexity: 30.0,
            theta: 0.5,
            iterations: 750,
            seed: 42,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum EmbeddingError {
    #[error("the map needs at least {needed} customers; this file has {customers}")]
    TooFewCustomers { customers: usize, needed: usize },
    #[error("perplexity must be between 2 and 100 (got {0})")]
    Perplexity(f64),
    #[error("theta must be between 0 and 1.5 (got {0})")]
    Theta(f64),
    #[error("iterations must be between {min} and 5000 (got {got})", min = tsne::EXAGGERATION_ITERATIONS + 50)]
    Iterations { got: usize },
    #[error("the sample must hold between 100 and 20000 customers (got {0})")]
    SampleSize(usize),
}

/// Fewest customers a map is drawn for.
pub const MIN_CUSTOMERS: usize = 20;

impl EmbeddingSettings {
    /// The settings, checked (linfa's `ParamGuard` idea).
    pub fn check(&self) -> Result<&Self, EmbeddingError> {
        if !(2.0..=100.0).contains(&self.perplexity) {
            return Err(EmbeddingError::Perplexity(self.perplexity));
        }
        if !(0.0..=1.5).contains(&self.theta) {
            return Err(EmbeddingError::Theta(self.theta));
        }
        if !(tsne::EXAGGERATION_ITERATIONS + 50..=5_000).contains(&self.iterations) {
            return Err(EmbeddingError::Iterations {
                got: self.iterations,
            });
        }
        if !(100..=20_000).contains(&self.max_customers) {
            return Err(EmbeddingError::SampleSize(self.max_customers));
        }
        Ok(self)
    }
}

/// The map: for each embedded customer its row in the RFM table and its
/// position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Embedding {
    pub customers: Vec<usize>,
    pub points: Vec<[f64; 2]>,
    /// Of all customers, how many the sample holds.
    pub out_of: usize,
    /// The perplexity used: the one asked for, lowered for small files
    /// (a customer's Gaussian cannot span more than a third of the others).
    pub perplexity: f64,
    pub kl_divergence: f64,
    /// Trustworthiness at [`TRUST_NEIGHBOURS`] on up to 1,000 of the points.
    pub trustworthiness: Option<f64>,
    pub settings: EmbeddingSettings,
}

/// Seeded sample of `max` of `n` rows (all when n ≤ max), ascending: the
/// clustering's own sampling.
pub fn sample_rows(n: usize, max: usize, seed: u64) -> Vec<usize> {
    sample_indices(n, max, seed)
}

/// Maps `features` (one row per customer) to 2-D. `progress` gets the
/// fraction done, after the similarities and then every few iterations.
pub fn embed<const D: usize>(
    features: &[[f64; D]],
    settings: &EmbeddingSettings,
    progress: &mut dyn FnMut(f64),
) -> Result<Embedding, EmbeddingError> {
    settings.check()?;
    if features.len() < MIN_CUSTOMERS {
        return Err(EmbeddingError::TooFewCustomers {
            customers: features.len(),
            needed: MIN_CUSTOMERS,
        });
    }
    let customers = sample_rows(features.len(), settings.max_customers, settings.seed);
    let sample: Vec<[f64; D]> = customers.iter().map(|&i| features[i]).collect();
    let perplexity = settings.perplexity.min((sample.len() - 1) as f64 / 3.0);
    let p = affinities::joint_probabilities(&sample, perplexity);
    // Similarities take about a tenth of the time.
    const SIMILARITIES: f64 = 0.1;
    progress(SIMILARITIES);
    let mut optimiser = tsne::Optimiser::new(p, settings.theta, settings.seed);
    for i in 0..settings.iterations {
        optimiser.step();
        if i % 20 == 19 {
            progress(
                SIMILARITIES + (1.0 - SIMILARITIES) * (i + 1) as f64 / settings.iterations as f64,
            );
        }
    }
    let kl_divergence = optimiser.kl_divergence();
    let points = optimiser.points().to_vec();
    let checked = sample_rows(sample.len(), TRUST_POINTS, settings.seed);
    let trust_original: Vec<[f64; D]> = checked.iter().map(|&i| sample[i]).collect();
    let trust_map: Vec<[f64; 2]> = checked.iter().map(|&i| points[i]).collect();
    Ok(Embedding {
        out_of: features.len(),
        customers,
        points,
        perplexity,
        kl_divergence,
        trustworthiness: trust::trustworthiness(&trust_original, &trust_map, TRUST_NEIGHBOURS),
        settings: *settings,
    })
}
