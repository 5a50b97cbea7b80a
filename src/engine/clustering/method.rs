//! The clustering methods besides the k sweep's k-means: which method, its
//! settings and their checks, and what a fit returns. A Gaussian mixture and
//! DBSCAN (`gmm.rs`, our EM; `dbscan.rs`, linfa) fit on the same standardised
//! features and return the same [`Clustering`], so profiles, naming, exports
//! and the model follow unchanged; `finish` builds it from their labels.
//!
//! Cluster ids follow k-means: real clusters ordered by value (0 = highest
//! mean monetary); DBSCAN's noise, when any, is one extra cluster, last.

use super::error::MethodError;
use super::labels::{order_by_value, sample_indices, Clustering, MAX_CLUSTERS, SILHOUETTE_SAMPLE};
use super::metrics;
use super::points::{distinct_points, distinct_points_up_to, Point};
use crate::engine::error::AnalysisError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusteringMethod {
    KMeans,
    GaussianMixture,
    Dbscan,
}

impl ClusteringMethod {
    pub const ALL: [ClusteringMethod; 3] = [Self::KMeans, Self::GaussianMixture, Self::Dbscan];

    pub fn name(self) -> &'static str {
        match self {
            Self::KMeans => "k-means",
            Self::GaussianMixture => "Gaussian mixture",
            Self::Dbscan => "DBSCAN",
        }
    }
}

/// Which method to use, with its settings. k-means takes its k from the sweep.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum ClusteringMethodSettings {
    #[default]
    KMeans,
    GaussianMixture(GmmSettings),
    Dbscan(DbscanSettings),
}

impl ClusteringMethodSettings {
    pub fn method(&self) -> ClusteringMethod {
        match self {
            Self::KMeans => ClusteringMethod::KMeans,
            Self::GaussianMixture(_) => ClusteringMethod::GaussianMixture,
            Self::Dbscan(_) => ClusteringMethod::Dbscan,
        }
    }

    /// The seed of a mixture or DBSCAN (0 for k-means, whose seed is in its own settings).
    pub fn seed(&self) -> u64 {
        match self {
            Self::KMeans => 0,
            Self::GaussianMixture(s) => s.seed,
            Self::Dbscan(s) => s.seed,
        }
    }
}

/// Covariance shape per component: full matrices only (what linfa 0.8
/// offered; kept when the EM became our own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Covariance {
    #[default]
    Full,
}

/// A Gaussian mixture's settings (fitted by `gmm.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GmmSettings {
    /// Number of components (clusters).
    pub k: usize,
    pub covariance: Covariance,
    pub seed: u64,
    /// Independent EM runs, each from its own seeded k-means (10 restarts);
    /// the highest likelihood wins.
    pub n_runs: usize,
    pub max_iterations: u64,
    /// EM stops when the mean log-likelihood changes by less than this (a
    /// run that reaches `max_iterations` first keeps its mixture, as in
    /// scikit-learn).
    pub tolerance: f64,
}

impl Default for GmmSettings {
    /// linfa's and scikit-learn's defaults (one run, 100 iterations, 1e-3).
    fn default() -> Self {
        Self {
            k: 4,
            covariance: Covariance::Full,
            seed: 42,
            n_runs: 1,
            max_iterations: 100,
            tolerance: 1e-3,
        }
    }
}

impl GmmSettings {
    /// Checks the settings against the data (linfa-style: once, before fitting).
    pub fn check(&self, points: &[Point]) -> Result<(), MethodError> {
        if self.k < 2 {
            return Err(AnalysisError::KTooSmall(self.k).into());
        }
        if self.k > MAX_CLUSTERS {
            return Err(MethodError::TooManyClusters {
                got: self.k,
                max: MAX_CLUSTERS,
            });
        }
        if self.n_runs < 1 {
            return Err(too_small("n_runs", 1.0, self.n_runs as f64));
        }
        if self.max_iterations < 1 {
            return Err(too_small("max_iterations", 1.0, self.max_iterations as f64));
        }
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(too_small("tolerance", f64::MIN_POSITIVE, self.tolerance));
        }
        check_finite(points)?;
        if distinct_points_up_to(points, self.k) < self.k {
            return Err(AnalysisError::KTooLarge {
                k: self.k,
                distinct: distinct_points(points),
            }
            .into());
        }
        Ok(())
    }
}

fn too_small(name: &'static str, min: f64, got: f64) -> MethodError {
    MethodError::TooSmall { name, min, got }
}

/// DBSCAN's settings (fitted by `dbscan.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DbscanSettings {
    /// Neighbourhood radius in standardised feature units; `None`: suggested
    /// from the k-distance curve ([`suggest_eps`](super::dbscan::suggest_eps)),
    /// widened while DBSCAN finds more than
    /// [`MAX_DBSCAN_CLUSTERS`](super::dbscan::MAX_DBSCAN_CLUSTERS) clusters.
    pub eps: Option<f64>,
    /// Customers (itself included) within eps that make a customer a core point.
    pub min_points: usize,
    /// Seeds the fitting sample of large inputs.
    pub seed: u64,
}

impl Default for DbscanSettings {
    /// min_points = 2 × dimensions (Sander et al.'s rule of thumb), eps suggested.
    fn default() -> Self {
        Self {
            eps: None,
            min_points: 6,
            seed: 42,
        }
    }
}

impl DbscanSettings {
    /// Checks the settings against the data (linfa-style: once, before fitting).
    pub fn check(&self, points: &[Point]) -> Result<(), MethodError> {
        if self.min_points < 2 {
            return Err(MethodError::TooSmall {
                name: "min_points",
                min: 2.0,
                got: self.min_points as f64,
            });
        }
        if let Some(eps) = self.eps {
            if !(eps > 0.0 && eps.is_finite()) {
                return Err(MethodError::BadEps(eps));
            }
        }
        check_finite(points)?;
        let distinct = distinct_points_up_to(points, 2);
        if distinct < 2 {
            return Err(AnalysisError::TooFewDistinct(distinct).into());
        }
        Ok(())
    }
}

/// A fitted Gaussian mixture or DBSCAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodFit {
    /// The settings as run (DBSCAN: with the eps actually used filled in).
    pub settings: ClusteringMethodSettings,
    /// Quality metrics cover the clustered customers (noise left out).
    pub clustering: Clustering,
    /// The noise cluster's id (DBSCAN only; always the last cluster).
    pub noise_cluster: Option<usize>,
    /// Share of customers labelled noise (0 without a noise cluster).
    pub noise_share: f64,
    /// Customers the method was fitted on (a seeded sample of large inputs;
    /// the rest are assigned afterwards).
    pub fitted_on: usize,
}

/// Builds a [`Clustering`] from `k` real clusters (ids `0..k`, each with a
/// member) plus noise (`None`): centroids are member means, real clusters
/// ordered by value, noise appended as cluster `k`. Metrics are computed
/// over the non-noise points; the silhouette on a seeded sample as in the sweep.
pub(super) fn finish(
    points: &[Point],
    labels: &[Option<usize>],
    k: usize,
    seed: u64,
) -> Result<(Clustering, Option<usize>), MethodError> {
    let has_noise = labels.iter().any(Option::is_none);
    let total = k + usize::from(has_noise);
    if total > MAX_CLUSTERS {
        return Err(MethodError::TooManyClusters {
            got: total,
            max: MAX_CLUSTERS,
        });
    }
    let mut sums = vec![[0.0f64; 3]; total];
    let mut sizes = vec![0usize; total];
    for (p, l) in points.iter().zip(labels) {
        let c = l.unwrap_or(k);
        for d in 0..3 {
            sums[c][d] += p[d];
        }
        sizes[c] += 1;
    }
    let means: Vec<Point> = sums
        .iter()
        .zip(&sizes)
        .map(|(s, &n)| s.map(|v| v / n.max(1) as f64))
        .collect();
    // The permutation that orders real clusters by value, as k-means does.
    let (mut centroids, new_id) = order_by_value(means[..k].to_vec(), (0..k).collect(), k);
    if has_noise {
        centroids.push(means[k]);
    }
    let relabel = |l: &Option<usize>| l.map_or(k, |l| new_id[l]);
    let (clustered, clustered_labels): (Vec<Point>, Vec<usize>) = points
        .iter()
        .zip(labels)
        .filter(|(_, l)| l.is_some())
        .map(|(p, l)| (*p, relabel(l)))
        .unzip();
    let sample = sample_indices(clustered.len(), SILHOUETTE_SAMPLE, seed);
    let sampled: Vec<Point> = sample.iter().map(|&i| clustered[i]).collect();
    let sampled_labels: Vec<usize> = sample.iter().map(|&i| clustered_labels[i]).collect();
    let silhouette = metrics::silhouettes(&sampled, &[sampled_labels], &[k])
        .first()
        .copied()
        .unwrap_or(0.0);
    let labels = labels
        .iter()
        .map(|l| u8::try_from(relabel(l)))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| MethodError::TooManyClusters {
            got: total,
            max: MAX_CLUSTERS,
        })?;
    Ok((
        Clustering {
            k: total,
            inertia: metrics::inertia(&clustered, &clustered_labels, &centroids),
            silhouette,
            calinski_harabasz: metrics::calinski_harabasz(&clustered, &clustered_labels, k),
            davies_bouldin: metrics::davies_bouldin(&clustered, &clustered_labels, k),
            labels,
            centroids,
        },
        has_noise.then_some(k),
    ))
}

/// Rejects NaN and infinities before they reach a tree or a Cholesky factor.
fn check_finite(points: &[Point]) -> Result<(), MethodError> {
    if points.iter().flatten().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(MethodError::NonFinite)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use rand_xoshiro::rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    /// Seeded Gaussian blobs (Box–Muller) around `centres`, `per` points each,
    /// with standard deviation `sd`; returns the points and true blob ids.
    pub fn blobs(centres: &[Point], per: usize, sd: f64, seed: u64) -> (Vec<Point>, Vec<usize>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let mut uniform = || ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let mut points = Vec::new();
        let mut truth = Vec::new();
        for (b, c) in centres.iter().enumerate() {
            for _ in 0..per {
                let p = [0, 1, 2].map(|d| {
                    let (u, v) = (uniform(), uniform());
                    c[d] + sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
                });
                points.push(p);
                truth.push(b);
            }
        }
        (points, truth)
    }

    /// Adjusted Rand index of two labelings (1 = same partition up to renaming).
    pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
        let ka = a.iter().max().map_or(0, |m| m + 1);
        let kb = b.iter().max().map_or(0, |m| m + 1);
        let mut table = vec![vec![0u64; kb]; ka];
        for (&x, &y) in a.iter().zip(b) {
            table[x][y] += 1;
        }
        let pairs = |n: u64| (n * n.saturating_sub(1)) as f64 / 2.0;
        let index: f64 = table.iter().flatten().map(|&n| pairs(n)).sum();
        let rows: f64 = table.iter().map(|r| pairs(r.iter().sum())).sum();
        let cols: f64 = (0..kb)
            .map(|j| pairs(table.iter().map(|r| r[j]).sum()))
            .sum();
        let expected = rows * cols / pairs(a.len() as u64);
        let max = (rows + cols) / 2.0;
        if max == expected {
            1.0
        } else {
            (index - expected) / (max - expected)
        }
    }

    #[test]
    fn ari_by_hand() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
        // sklearn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714…
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]) - 4.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn finish_orders_by_value_and_puts_noise_last() {
        let points = [
            [0.0, 0.0, -1.0],
            [0.0, 0.0, 3.0],
            [9.0, 9.0, 9.0],
            [0.0, 0.0, -1.2],
        ];
        let (c, noise) = finish(&points, &[Some(0), Some(1), None, Some(0)], 2, 1).unwrap();
        assert_eq!(c.k, 3);
        assert_eq!(noise, Some(2));
        // Cluster with monetary 3 is the most valuable: id 0.
        assert_eq!(c.labels, vec![1, 0, 2, 1]);
        assert_eq!(c.centroids[2], [9.0, 9.0, 9.0]);
        assert!((c.centroids[1][2] + 1.1).abs() < 1e-12);
    }
}
