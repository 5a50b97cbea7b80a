//! Fitting a Gaussian mixture (linfa's EM with full covariances, k-means
//! start) with [`GmmSettings`]: clusters may be elongated or of different
//! spreads, unlike k-means.

use super::error::MethodError;
use super::labels::{compact, sample_indices};
use super::method::{finish, ClusteringMethodSettings, GmmSettings, MethodFit};
use super::points::Point;
use linfa::prelude::*;
use linfa_clustering::GaussianMixtureModel;
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

/// Fitted on at most this many customers (seeded sample); the rest are
/// assigned to their most likely component. linfa's k-means start (10
/// restarts, not configurable) dominates the cost: a larger sample took
/// longer, with similar metrics.
pub const GMM_SAMPLE: usize = 10_000;

/// One fitted component, ready to score points without ndarray.
struct Component {
    mean: Point,
    precision: [[f64; 3]; 3],
    /// log weight + log of the Gaussian's normalising constant.
    log_scale: f64,
}

impl Component {
    fn log_density(&self, p: &Point) -> f64 {
        let d = [0, 1, 2].map(|i| p[i] - self.mean[i]);
        let mut q = 0.0;
        for i in 0..3 {
            for j in 0..3 {
                q += d[i] * self.precision[i][j] * d[j];
            }
        }
        self.log_scale - 0.5 * q
    }
}

fn components(model: &GaussianMixtureModel<f64>) -> Vec<Component> {
    let (weights, means, precisions) = (model.weights(), model.means(), model.precisions());
    (0..weights.len())
        .map(|c| {
            let p = [0, 1, 2].map(|i| [0, 1, 2].map(|j| precisions[[c, i, j]]));
            let det = p[0][0] * (p[1][1] * p[2][2] - p[1][2] * p[2][1])
                - p[0][1] * (p[1][0] * p[2][2] - p[1][2] * p[2][0])
                + p[0][2] * (p[1][0] * p[2][1] - p[1][1] * p[2][0]);
            Component {
                mean: [0, 1, 2].map(|i| means[[c, i]]),
                precision: p,
                log_scale: weights[c].ln() + 0.5 * det.ln() - 1.5 * (std::f64::consts::TAU).ln(),
            }
        })
        .collect()
}

/// The most likely component of `p` (our own scoring: linfa's `predict`
/// panics on NaN responsibilities; a NaN score here just never wins).
fn most_likely(components: &[Component], p: &Point) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (c, comp) in components.iter().enumerate() {
        let score = comp.log_density(p);
        if score > best.1 {
            best = (c, score);
        }
    }
    best.0
}

/// Mean log-likelihood of `points` under the mixture (log-sum-exp).
fn mean_log_likelihood(components: &[Component], points: &[Point]) -> f64 {
    let total: f64 = points
        .iter()
        .map(|p| {
            let scores: Vec<f64> = components.iter().map(|c| c.log_density(p)).collect();
            let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            max + scores.iter().map(|s| (s - max).exp()).sum::<f64>().ln()
        })
        .sum();
    total / points.len().max(1) as f64
}

/// A fitted mixture, ready to score points.
pub struct Mixture {
    components: Vec<Component>,
    /// Customers it was fitted on (a seeded sample of large inputs).
    fitted_on: usize,
}

impl Mixture {
    /// Components (some may win no customer).
    pub fn k(&self) -> usize {
        self.components.len()
    }

    /// Mean log-likelihood of `points` under the mixture (higher is better).
    pub fn mean_log_likelihood(&self, points: &[Point]) -> f64 {
        mean_log_likelihood(&self.components, points)
    }

    /// Bayesian information criterion of `points` under the mixture (lower
    /// is better): −2 · total log-likelihood + free parameters · ln n, with
    /// 10 parameters per full-covariance 3-D component (3 means, 6
    /// covariances, 1 weight) less one (the weights sum to 1), as
    /// scikit-learn's `GaussianMixture.bic`.
    pub fn bic(&self, points: &[Point]) -> f64 {
        let n = points.len().max(1) as f64;
        let parameters = (10 * self.components.len()).saturating_sub(1) as f64;
        -2.0 * self.mean_log_likelihood(points) * n + parameters * n.ln()
    }
}

/// Fits the mixture on (a seeded sample of) `points` and labels every point
/// with its most likely component. Components that win no customer are dropped.
pub fn fit(points: &[Point], settings: &GmmSettings) -> Result<MethodFit, MethodError> {
    fit_on_sample(points, settings, GMM_SAMPLE)
}

/// [`fit`] on a seeded sample of at most `sample_size` customers.
pub fn fit_on_sample(
    points: &[Point],
    settings: &GmmSettings,
    sample_size: usize,
) -> Result<MethodFit, MethodError> {
    let mixture = fit_mixture(points, settings, sample_size)?;
    assign(points, &mixture, settings)
}

/// The mixture of [`fit_on_sample`], before any customer is labelled.
pub fn fit_mixture(
    points: &[Point],
    settings: &GmmSettings,
    sample_size: usize,
) -> Result<Mixture, MethodError> {
    settings.check(points)?;
    let sample = sample_indices(points.len(), sample_size.max(1), settings.seed);
    let records = ndarray::Array2::from_shape_vec(
        (sample.len(), 3),
        sample.iter().flat_map(|&i| points[i]).collect(),
    )
    .map_err(|e| MethodError::Gmm(e.to_string()))?;
    let dataset = linfa::DatasetBase::from(records);
    let sampled: Vec<Point> = sample.iter().map(|&i| points[i]).collect();
    let mut best: Option<(f64, Vec<Component>)> = None;
    let mut last_error = None;
    // Restarts are ours: linfa's n_runs continues EM from the previous run's
    // state instead of restarting from a new k-means start.
    for run in 0..settings.n_runs as u64 {
        let rng = Xoshiro256Plus::seed_from_u64(settings.seed.wrapping_add(run));
        let fitted = GaussianMixtureModel::params_with_rng(settings.k, rng)
            .n_runs(1)
            .max_n_iterations(settings.max_iterations)
            .tolerance(settings.tolerance)
            .fit(&dataset);
        match fitted {
            Ok(model) => {
                let comps = components(&model);
                let ll = mean_log_likelihood(&comps, &sampled);
                if best.as_ref().is_none_or(|(b, _)| ll > *b) {
                    best = Some((ll, comps));
                }
            }
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    let Some((_, components)) = best else {
        return Err(MethodError::Gmm(
            last_error.unwrap_or_else(|| "no run finished".into()),
        ));
    };
    Ok(Mixture {
        components,
        fitted_on: sample.len(),
    })
}

/// Labels every point with its most likely component of `mixture` (fitted
/// with `settings`). Components that win no customer are dropped.
pub fn assign(
    points: &[Point],
    mixture: &Mixture,
    settings: &GmmSettings,
) -> Result<MethodFit, MethodError> {
    let raw: Vec<Option<usize>> = points
        .iter()
        .map(|p| Some(most_likely(&mixture.components, p)))
        .collect();
    let (labels, k) = compact(&raw);
    if k < 2 {
        return Err(MethodError::Gmm(
            "every customer fell into one component; try another k or seed".into(),
        ));
    }
    let (clustering, _) = finish(points, &labels, k, settings.seed)?;
    Ok(MethodFit {
        settings: ClusteringMethodSettings::GaussianMixture(*settings),
        clustering,
        noise_cluster: None,
        noise_share: 0.0,
        fitted_on: mixture.fitted_on,
    })
}

#[cfg(test)]
mod tests {
    use super::super::method::tests::{adjusted_rand_index, blobs};
    use super::*;
    use crate::engine::error::AnalysisError;

    fn labels(fit: &MethodFit) -> Vec<usize> {
        fit.clustering
            .labels
            .iter()
            .map(|&l| usize::from(l))
            .collect()
    }

    #[test]
    fn recovers_separated_blobs_ordered_by_value() {
        let (points, truth) = blobs(
            &[[0.0, 0.0, 0.0], [4.0, 4.0, 4.0], [-4.0, 4.0, -4.0]],
            150,
            0.5,
            7,
        );
        let settings = GmmSettings {
            k: 3,
            ..Default::default()
        };
        let fit = fit(&points, &settings).unwrap();
        assert_eq!(fit.clustering.k, 3);
        assert_eq!(adjusted_rand_index(&labels(&fit), &truth), 1.0);
        // Blob at monetary 4 is cluster 0, at 0 cluster 1, at -4 cluster 2.
        assert_eq!(fit.clustering.labels[150], 0);
        assert_eq!(fit.clustering.labels[0], 1);
        assert_eq!(fit.clustering.labels[300], 2);
        assert!(
            fit.clustering.silhouette > 0.7,
            "{}",
            fit.clustering.silhouette
        );
        assert_eq!(fit.noise_share, 0.0);
        assert_eq!(fit.fitted_on, 450);
    }

    #[test]
    fn deterministic_for_a_seed() {
        let (points, _) = blobs(&[[0.0; 3], [3.0, 0.0, 1.0], [0.0, 3.0, -1.0]], 100, 0.8, 1);
        let s = GmmSettings {
            k: 3,
            n_runs: 3,
            ..Default::default()
        };
        assert_eq!(fit(&points, &s).unwrap(), fit(&points, &s).unwrap());
    }

    #[test]
    fn refuses_bad_settings() {
        let points = vec![[0.0; 3], [0.0; 3], [1.0; 3]];
        let with = |s: GmmSettings| fit(&points, &s).unwrap_err();
        let d = GmmSettings::default();
        assert_eq!(
            with(GmmSettings { k: 3, ..d }),
            AnalysisError::KTooLarge { k: 3, distinct: 2 }.into()
        );
        assert_eq!(
            with(GmmSettings { k: 1, ..d }),
            AnalysisError::KTooSmall(1).into()
        );
        assert!(matches!(
            with(GmmSettings { k: 300, ..d }),
            MethodError::TooManyClusters { got: 300, .. }
        ));
        assert!(matches!(
            with(GmmSettings {
                k: 2,
                n_runs: 0,
                ..d
            }),
            MethodError::TooSmall { name: "n_runs", .. }
        ));
        assert!(matches!(
            with(GmmSettings {
                k: 2,
                tolerance: 0.0,
                ..d
            }),
            MethodError::TooSmall {
                name: "tolerance",
                ..
            }
        ));
        let nan = vec![[0.0; 3], [f64::NAN, 0.0, 0.0], [1.0; 3]];
        assert_eq!(
            fit(&nan, &GmmSettings { k: 2, ..d }).unwrap_err(),
            MethodError::NonFinite
        );
    }
}
