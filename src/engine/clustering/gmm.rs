//! Fitting a Gaussian mixture with full covariances ([`GmmSettings`]):
//! clusters may be elongated or of different spreads, unlike k-means.
//!
//! scikit-learn's `GaussianMixture` algorithm, written out for 3-D points:
//! each run starts from a k-means clustering (ours, with its seeded
//! restarts) as hard responsibilities, then EM until the mean log-likelihood
//! changes by less than the tolerance; the run with the highest likelihood
//! wins. linfa's mixture was used before: its fixed start (linfa's generic
//! k-means, 10 restarts) took most of the time, its EM copies the data per
//! component and iteration, and its API takes no start of ours (its only
//! other start, random responsibilities, puts every component at the mean).
//! `tests/gmm_reference.rs` compares the EM with scikit-learn's.

use super::error::MethodError;
use super::kmeans;
use super::kmeans_settings::KMeansSettings;
use super::labels::{compact, sample_indices};
use super::method::{finish, ClusteringMethodSettings, GmmSettings, MethodFit};
use super::points::Point;

/// Fitted on at most this many customers (seeded sample); the rest are
/// assigned to their most likely component. With linfa's mixture a larger
/// sample took much longer (4.3 s vs 2.0 s at 20k, k = 8), with similar
/// metrics.
pub const GMM_SAMPLE: usize = 10_000;

/// Added to each covariance's diagonal (scikit-learn's and linfa's default
/// `reg_covar`): a component on identical points (many customers share a
/// frequency) stays positive definite.
pub const REG_COVARIANCE: f64 = 1e-6;

/// A symmetric 3×3 matrix (row-major).
pub type Matrix = [[f64; 3]; 3];

/// One component of a mixture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    pub weight: f64,
    pub mean: Point,
    pub covariance: Matrix,
}

/// Cholesky factor L (lower triangular, `a = L Lᵀ`) of a symmetric 3×3
/// matrix; `None` unless positive definite (a NaN fails too).
fn cholesky(a: &Matrix) -> Option<Matrix> {
    let pivot = |v: f64| (v > 0.0 && v.is_finite()).then(|| v.sqrt());
    let l00 = pivot(a[0][0])?;
    let l10 = a[1][0] / l00;
    let l20 = a[2][0] / l00;
    let l11 = pivot(a[1][1] - l10 * l10)?;
    let l21 = (a[2][1] - l20 * l10) / l11;
    let l22 = pivot(a[2][2] - l20 * l20 - l21 * l21)?;
    Some([[l00, 0.0, 0.0], [l10, l11, 0.0], [l20, l21, l22]])
}

/// The inverse of a lower-triangular 3×3 matrix with a positive diagonal.
fn invert_lower(l: &Matrix) -> Matrix {
    let m00 = 1.0 / l[0][0];
    let m11 = 1.0 / l[1][1];
    let m22 = 1.0 / l[2][2];
    let m10 = -l[1][0] * m00 / l[1][1];
    let m21 = -l[2][1] * m11 / l[2][2];
    let m20 = -(l[2][0] * m00 + l[2][1] * m10) / l[2][2];
    [[m00, 0.0, 0.0], [m10, m11, 0.0], [m20, m21, m22]]
}

/// One component ready to score points: log(weight · density).
#[derive(Debug, Clone)]
struct Component {
    mean: Point,
    /// The inverse of the covariance's Cholesky factor (lower triangular):
    /// the precision is `whiten`ᵀ · `whiten`.
    whiten: Matrix,
    /// log weight + log of the Gaussian's normalising constant.
    log_scale: f64,
}

impl Component {
    /// `None` when the covariance is not positive definite or the weight not positive.
    fn new(g: &Gaussian) -> Option<Self> {
        let whiten = invert_lower(&cholesky(&g.covariance)?);
        // ln √det(precision) = Σ ln diag(L⁻¹).
        let log_det = whiten[0][0].ln() + whiten[1][1].ln() + whiten[2][2].ln();
        let log_scale = g.weight.ln() + log_det - 1.5 * std::f64::consts::TAU.ln();
        log_scale.is_finite().then_some(Self {
            mean: g.mean,
            whiten,
            log_scale,
        })
    }

    #[inline]
    fn log_density(&self, p: &Point) -> f64 {
        let d = [
            p[0] - self.mean[0],
            p[1] - self.mean[1],
            p[2] - self.mean[2],
        ];
        let m = &self.whiten;
        let y0 = m[0][0] * d[0];
        let y1 = m[1][0] * d[0] + m[1][1] * d[1];
        let y2 = m[2][0] * d[0] + m[2][1] * d[1] + m[2][2] * d[2];
        self.log_scale - 0.5 * (y0 * y0 + y1 * y1 + y2 * y2)
    }
}

/// The scoring form of every component; an error names the first that has none.
fn components(gaussians: &[Gaussian]) -> Result<Vec<Component>, MethodError> {
    gaussians
        .iter()
        .enumerate()
        .map(|(c, g)| {
            Component::new(g).ok_or_else(|| {
                MethodError::Gmm(format!(
                    "component {} has no positive-definite covariance; try another k or seed",
                    c + 1
                ))
            })
        })
        .collect()
}

/// Responsibility-weighted sums of one component for the M-step, around a
/// shift (its current mean, so the covariance loses no precision to
/// cancellation).
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    /// Σ r
    weight: f64,
    /// Σ r (x − shift)
    sum: Point,
    /// Σ r (x − shift)ᵢ (x − shift)ⱼ for ij = 00, 01, 02, 11, 12, 22.
    squares: [f64; 6],
}

impl Totals {
    #[inline]
    fn add(&mut self, r: f64, d: &Point) {
        self.weight += r;
        let rd = [r * d[0], r * d[1], r * d[2]];
        for (s, v) in self.sum.iter_mut().zip(rd) {
            *s += v;
        }
        self.squares[0] += rd[0] * d[0];
        self.squares[1] += rd[0] * d[1];
        self.squares[2] += rd[0] * d[2];
        self.squares[3] += rd[1] * d[1];
        self.squares[4] += rd[1] * d[2];
        self.squares[5] += rd[2] * d[2];
    }

    /// scikit-learn's `_estimate_gaussian_parameters` (full covariances):
    /// nk = Σ r + 10 ε, mean = Σ r x / nk, covariance = Σ r (x − mean)(x −
    /// mean)ᵀ / nk + reg · I; the weight is nk (normalised by the caller).
    fn gaussian(&self, shift: &Point) -> Gaussian {
        let nk = self.weight + 10.0 * f64::EPSILON;
        let d = self.sum.map(|s| s / nk);
        // Σ r (x − shift − d)(x − shift − d)ᵀ = squares − 2 nk d dᵀ + Σr d dᵀ.
        let c = 2.0 - self.weight / nk;
        const INDEX: [[usize; 3]; 3] = [[0, 1, 2], [1, 3, 4], [2, 4, 5]];
        let covariance = std::array::from_fn(|i| {
            std::array::from_fn(|j| {
                let v = self.squares[INDEX[i][j]] / nk - c * d[i] * d[j];
                if i == j {
                    v + REG_COVARIANCE
                } else {
                    v
                }
            })
        });
        Gaussian {
            weight: nk,
            mean: [shift[0] + d[0], shift[1] + d[1], shift[2] + d[2]],
            covariance,
        }
    }
}

/// The M-step's result: each component's parameters, weights summing to 1.
fn m_step(totals: &[Totals], shifts: &[Point]) -> Vec<Gaussian> {
    let mut gaussians: Vec<Gaussian> = totals
        .iter()
        .zip(shifts)
        .map(|(t, s)| t.gaussian(s))
        .collect();
    let total: f64 = gaussians.iter().map(|g| g.weight).sum();
    for g in &mut gaussians {
        g.weight /= total;
    }
    gaussians
}

/// The parameters of hard responsibilities (scikit-learn's start from k-means labels).
fn from_labels(points: &[Point], labels: &[usize], k: usize) -> Result<Vec<Gaussian>, MethodError> {
    if labels.len() != points.len() || labels.iter().any(|&l| l >= k) {
        return Err(MethodError::Gmm(format!(
            "the start needs one label below {k} per point"
        )));
    }
    // Means first, then the sums around them.
    let mut means = vec![Totals::default(); k];
    for (p, &l) in points.iter().zip(labels) {
        means[l].add(1.0, p);
    }
    let shifts: Vec<Point> = means.iter().map(|t| t.gaussian(&[0.0; 3]).mean).collect();
    let mut totals = vec![Totals::default(); k];
    for (p, &l) in points.iter().zip(labels) {
        let s = &shifts[l];
        totals[l].add(1.0, &[p[0] - s[0], p[1] - s[1], p[2] - s[2]]);
    }
    Ok(m_step(&totals, &shifts))
}

/// How one EM run went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmReport {
    /// E- and M-steps done.
    pub iterations: u64,
    /// Whether the mean log-likelihood changed by less than the tolerance
    /// (else `max_iterations` ran out; the mixture is kept, as scikit-learn does).
    pub converged: bool,
    /// The mean log-likelihood at the last E-step (scikit-learn's `lower_bound_`).
    pub lower_bound: f64,
}

/// EM from `gaussians` (scikit-learn's loop: E-step, M-step, stop when the
/// mean log-likelihood of the E-step changed by less than `tolerance`).
fn em(
    points: &[Point],
    mut gaussians: Vec<Gaussian>,
    max_iterations: u64,
    tolerance: f64,
) -> Result<(Vec<Gaussian>, EmReport), MethodError> {
    if points.is_empty() {
        return Err(MethodError::Gmm("no points to fit".into()));
    }
    let n = points.len() as f64;
    let k = gaussians.len();
    let mut report = EmReport {
        iterations: 0,
        converged: false,
        lower_bound: f64::NEG_INFINITY,
    };
    let mut scores = vec![0.0; k];
    while report.iterations < max_iterations {
        let comps = components(&gaussians)?;
        let mut totals = vec![Totals::default(); k];
        let mut log_likelihood = 0.0;
        for p in points {
            // E-step: responsibilities by log-sum-exp ...
            let mut max = f64::NEG_INFINITY;
            for (s, c) in scores.iter_mut().zip(&comps) {
                *s = c.log_density(p);
                max = max.max(*s);
            }
            let mut sum = 0.0;
            for s in scores.iter_mut() {
                *s = (*s - max).exp();
                sum += *s;
            }
            log_likelihood += max + sum.ln();
            // ... summed straight into the M-step's totals.
            let inverse = 1.0 / sum;
            for ((s, t), c) in scores.iter().zip(totals.iter_mut()).zip(&comps) {
                let m = &c.mean;
                t.add(s * inverse, &[p[0] - m[0], p[1] - m[1], p[2] - m[2]]);
            }
        }
        let previous = report.lower_bound;
        report.lower_bound = log_likelihood / n;
        if !report.lower_bound.is_finite() {
            return Err(MethodError::Gmm(
                "the likelihood is not a finite number; try another k or seed".into(),
            ));
        }
        let shifts: Vec<Point> = gaussians.iter().map(|g| g.mean).collect();
        gaussians = m_step(&totals, &shifts);
        report.iterations += 1;
        if (report.lower_bound - previous).abs() < tolerance {
            report.converged = true;
            break;
        }
    }
    Ok((gaussians, report))
}

/// A fitted mixture, ready to score points.
#[derive(Debug, Clone)]
pub struct Mixture {
    gaussians: Vec<Gaussian>,
    components: Vec<Component>,
    /// The winning run's EM.
    report: EmReport,
    /// Customers it was fitted on (a seeded sample of large inputs).
    fitted_on: usize,
}

impl Mixture {
    fn new(
        gaussians: Vec<Gaussian>,
        report: EmReport,
        fitted_on: usize,
    ) -> Result<Self, MethodError> {
        Ok(Self {
            components: components(&gaussians)?,
            gaussians,
            report,
            fitted_on,
        })
    }

    /// Components (some may win no customer).
    pub fn k(&self) -> usize {
        self.gaussians.len()
    }

    pub fn gaussians(&self) -> &[Gaussian] {
        &self.gaussians
    }

    /// How the winning run's EM went.
    pub fn report(&self) -> EmReport {
        self.report
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

/// The most likely component of `p` (a NaN score never wins).
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
    let mut scores = vec![0.0; components.len()];
    let total: f64 = points
        .iter()
        .map(|p| {
            let mut max = f64::NEG_INFINITY;
            for (s, c) in scores.iter_mut().zip(components) {
                *s = c.log_density(p);
                max = max.max(*s);
            }
            max + scores.iter().map(|s| (s - max).exp()).sum::<f64>().ln()
        })
        .sum();
    total / points.len().max(1) as f64
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
    let sampled: Vec<Point> = sample.iter().map(|&i| points[i]).collect();
    let mut best: Option<(f64, Mixture)> = None;
    let mut last_error = None;
    // Each run starts from its own k-means clustering (seed + run); the
    // highest likelihood of the sample wins (not needed for one run).
    for run in 0..settings.n_runs as u64 {
        let fitted = fit_run(&sampled, settings, settings.seed.wrapping_add(run));
        match fitted {
            Ok(mixture) => {
                let ll = if settings.n_runs > 1 {
                    mixture.mean_log_likelihood(&sampled)
                } else {
                    0.0
                };
                if best.as_ref().is_none_or(|(b, _)| ll > *b) {
                    best = Some((ll, mixture));
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    match best {
        Some((_, mixture)) => Ok(mixture),
        None => Err(last_error.unwrap_or_else(|| MethodError::Gmm("no run finished".into()))),
    }
}

/// One run: k-means on `points` (its default restarts, seeded with `seed`)
/// as hard responsibilities, then EM.
fn fit_run(points: &[Point], settings: &GmmSettings, seed: u64) -> Result<Mixture, MethodError> {
    let start = kmeans::fit_checked(
        points,
        settings.k,
        &KMeansSettings {
            seed,
            ..KMeansSettings::default()
        },
    )?;
    let labels: Vec<usize> = start.labels.iter().map(|&l| usize::from(l)).collect();
    let (gaussians, report) = em(
        points,
        from_labels(points, &labels, settings.k)?,
        settings.max_iterations,
        settings.tolerance,
    )?;
    Mixture::new(gaussians, report, points.len())
}

/// EM on all of `points` from hard `labels` (each below `k`), with
/// scikit-learn's regularisation: what `tests/gmm_reference.rs` compares
/// with scikit-learn's `GaussianMixture` from the same start.
pub fn fit_from_labels(
    points: &[Point],
    labels: &[usize],
    k: usize,
    max_iterations: u64,
    tolerance: f64,
) -> Result<Mixture, MethodError> {
    let start = from_labels(points, labels, k)?;
    let (gaussians, report) = em(points, start, max_iterations, tolerance)?;
    Mixture::new(gaussians, report, points.len())
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
