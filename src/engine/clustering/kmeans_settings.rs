//! k-means' settings and their check (linfa's ParamGuard style: the
//! settings are checked once where a sweep or a fit starts, then run as
//! they are). A file of its own, importing nothing of the engine, so
//! [`crate::engine::error::AnalysisError`] can carry its error.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Restarts per fit at most: each is a whole k-means run, so more than this
/// is a mistake, not a wish for a better optimum.
pub const MAX_KMEANS_RUNS: usize = 1_000;

/// k-means settings; [`KMeansSettings::check`] says whether they can run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KMeansSettings {
    /// Seeds the k-means++ seeding of the restarts and the samples (any value).
    pub seed: u64,
    /// Restarts from different k-means++ seeds; the lowest inertia wins.
    pub n_runs: usize,
    /// Lloyd iterations per restart at most.
    pub max_iterations: u64,
    /// Lloyd stops when the total squared centroid shift is at most this
    /// (features are standardised, so this is scikit-learn's relative tolerance).
    pub tolerance: f64,
}

impl Default for KMeansSettings {
    fn default() -> Self {
        Self {
            seed: 42,
            n_runs: 10,
            max_iterations: 300,
            tolerance: 1e-4,
        }
    }
}

/// Why k-means settings cannot run.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum KMeansSettingsError {
    #[error("k-means needs at least 1 run (got 0)")]
    NoRuns,
    #[error("k-means runs at most {max} restarts (got {got})")]
    TooManyRuns { got: usize, max: usize },
    #[error("k-means needs at least 1 iteration (got 0)")]
    NoIterations,
    #[error("the k-means tolerance must be a finite number ≥ 0 (got {0})")]
    BadTolerance(f64),
}

impl KMeansSettings {
    /// Checks the settings (once, before fitting); the seed can be any value.
    pub fn check(&self) -> Result<(), KMeansSettingsError> {
        if self.n_runs == 0 {
            return Err(KMeansSettingsError::NoRuns);
        }
        if self.n_runs > MAX_KMEANS_RUNS {
            return Err(KMeansSettingsError::TooManyRuns {
                got: self.n_runs,
                max: MAX_KMEANS_RUNS,
            });
        }
        if self.max_iterations == 0 {
            return Err(KMeansSettingsError::NoIterations);
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(KMeansSettingsError::BadTolerance(self.tolerance));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass() {
        assert_eq!(KMeansSettings::default().check(), Ok(()));
        let exact = KMeansSettings {
            tolerance: 0.0,
            n_runs: MAX_KMEANS_RUNS,
            max_iterations: 1,
            seed: u64::MAX,
        };
        assert_eq!(exact.check(), Ok(()), "edges of the valid ranges");
    }

    #[test]
    fn each_bad_value_has_its_error() {
        let d = KMeansSettings::default();
        let with = |s: KMeansSettings| s.check().unwrap_err();
        assert_eq!(
            with(KMeansSettings { n_runs: 0, ..d }),
            KMeansSettingsError::NoRuns
        );
        assert_eq!(
            with(KMeansSettings {
                n_runs: MAX_KMEANS_RUNS + 1,
                ..d
            }),
            KMeansSettingsError::TooManyRuns {
                got: MAX_KMEANS_RUNS + 1,
                max: MAX_KMEANS_RUNS
            }
        );
        assert_eq!(
            with(KMeansSettings {
                max_iterations: 0,
                ..d
            }),
            KMeansSettingsError::NoIterations
        );
        for tolerance in [-1e-4, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                with(KMeansSettings { tolerance, ..d }),
                KMeansSettingsError::BadTolerance(tolerance)
            );
        }
        let nan = with(KMeansSettings {
            tolerance: f64::NAN,
            ..d
        });
        assert!(matches!(nan, KMeansSettingsError::BadTolerance(t) if t.is_nan()));
    }
}
