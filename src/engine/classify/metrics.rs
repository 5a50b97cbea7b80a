//! Classification quality from a confusion matrix.

use serde::{Deserialize, Serialize};

/// How well predicted clusters match the true ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Share of customers predicted right.
    pub accuracy: f64,
    /// The unweighted mean of the per-cluster F1 scores.
    pub macro_f1: f64,
    /// `confusion[true][predicted]`: customers counts.
    pub confusion: Vec<Vec<usize>>,
    /// Per cluster: of the customers predicted in it, the share really in it.
    /// A cluster nobody was predicted in has precision 0 (scikit-learn's
    /// `zero_division=0`).
    pub precision: Vec<f64>,
    /// Per cluster: of its customers, the share predicted in it (0 for a
    /// cluster without customers).
    pub recall: Vec<f64>,
    /// Per cluster: 2PR / (P + R), 0 when P + R = 0.
    pub f1: Vec<f64>,
    /// Per cluster: its customers.
    pub support: Vec<usize>,
}

/// A `classes × classes` matrix of (true, predicted) counts; pairs with a
/// cluster `≥ classes` are left out.
pub fn confusion(truth: &[usize], predicted: &[usize], classes: usize) -> Vec<Vec<usize>> {
    let mut m = vec![vec![0usize; classes]; classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        if let Some(cell) = m.get_mut(t).and_then(|row| row.get_mut(p)) {
            *cell += 1;
        }
    }
    m
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Metrics {
    pub fn from_confusion(confusion: Vec<Vec<usize>>) -> Self {
        let classes = confusion.len();
        let total: usize = confusion.iter().flatten().sum();
        let right: usize = (0..classes).map(|c| confusion[c][c]).sum();
        let support: Vec<usize> = confusion.iter().map(|row| row.iter().sum()).collect();
        let predicted: Vec<usize> = (0..classes)
            .map(|c| confusion.iter().map(|row| row[c]).sum())
            .collect();
        let precision: Vec<f64> = (0..classes)
            .map(|c| ratio(confusion[c][c], predicted[c]))
            .collect();
        let recall: Vec<f64> = (0..classes)
            .map(|c| ratio(confusion[c][c], support[c]))
            .collect();
        let f1: Vec<f64> = precision
            .iter()
            .zip(&recall)
            .map(|(&p, &r)| {
                if p + r > 0.0 {
                    2.0 * p * r / (p + r)
                } else {
                    0.0
                }
            })
            .collect();
        let macro_f1 = if classes == 0 {
            0.0
        } else {
            f1.iter().sum::<f64>() / classes as f64
        };
        Self {
            accuracy: ratio(right, total),
            macro_f1,
            confusion,
            precision,
            recall,
            f1,
            support,
        }
    }
}
