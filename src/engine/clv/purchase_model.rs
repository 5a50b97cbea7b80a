//! The purchase models — how often a customer buys and whether they are
//! still there — behind one type, so the page can fit both, compare them
//! and let either drive the lifetime value: BG/NBD (lifetimes'
//! `BetaGeoFitter`) and MBG/NBD (`ModifiedBetaGeoFitter`, which lets
//! one-time buyers drop out too). Both share parameters (r, α, a, b) and
//! lifetimes' fitting procedure.

use super::error::ClvError;
use super::optimize::NelderMead;
pub use super::params::{PurchaseModel, PurchaseParams, PARAMETERS};
use super::patterns::{patterns, Patterns};
use super::summary::CustomerSummary;
use super::{bgnbd, mbgnbd};

fn log_likelihood(model: PurchaseModel, params: [f64; 4], data: &Patterns) -> f64 {
    match model {
        PurchaseModel::BgNbd => bgnbd::log_likelihood(params, data),
        PurchaseModel::ModifiedBgNbd => mbgnbd::log_likelihood(params, data),
    }
}

impl PurchaseParams {
    /// Why a customer's prediction is not a finite number, when the
    /// parameters explain it: BG/NBD's ₂F₁(r, b; a + b − 1; z) for customers
    /// without repeats needs a + b > 1.
    pub fn why_no_value(&self, frequency: u32) -> Option<ClvError> {
        (self.model == PurchaseModel::BgNbd && frequency == 0 && self.a + self.b <= 1.0).then(
            || ClvError::NoValueWithoutRepeats {
                model: self.model.name(),
                sum: self.a + self.b,
            },
        )
    }

    /// P(alive | x, t_x, T).
    pub fn probability_alive(&self, frequency: u32, recency: f64, age: f64) -> f64 {
        match self.model {
            PurchaseModel::BgNbd => bgnbd::probability_alive(self, frequency, recency, age),
            PurchaseModel::ModifiedBgNbd => {
                mbgnbd::probability_alive(self, frequency, recency, age)
            }
        }
    }

    /// Expected purchase days in the next `t` days given (x, t_x, T), or
    /// `None` if the model's ₂F₁ does not converge.
    pub fn expected_purchases(
        &self,
        t: f64,
        frequency: u32,
        recency: f64,
        age: f64,
    ) -> Option<f64> {
        match self.model {
            PurchaseModel::BgNbd => bgnbd::expected_purchases(self, t, frequency, recency, age),
            PurchaseModel::ModifiedBgNbd => {
                mbgnbd::expected_purchases(self, t, frequency, recency, age)
            }
        }
    }

    /// P(X(t) = n): the chance a new customer makes `n` repeat purchases in
    /// `t` days.
    pub fn probability_of_purchases(&self, t: f64, n: u32) -> f64 {
        match self.model {
            PurchaseModel::BgNbd => bgnbd::probability_of_purchases(self, t, n),
            PurchaseModel::ModifiedBgNbd => mbgnbd::probability_of_purchases(self, t, n),
        }
    }
}

/// Fits by maximum likelihood. Like lifetimes: times are scaled so the oldest
/// customer's age is 1, the search is over log-parameters from ln p = 0.1,
/// and the objective is −mean log-likelihood + penalizer × Σ p² (on the scaled parameters).
pub fn fit(
    model: PurchaseModel,
    summaries: &[CustomerSummary],
    penalizer: f64,
) -> Result<PurchaseParams, ClvError> {
    let max_age = summaries.iter().map(|s| s.age).fold(0.0, f64::max);
    if max_age <= 0.0 {
        return Err(ClvError::NoConvergence {
            model: model.name(),
            detail: "every customer's first purchase is on the last day".into(),
        });
    }
    let scale = 1.0 / max_age;
    let pats = patterns(summaries, scale);
    let n = summaries.len() as f64;
    let mut objective = |log_params: &[f64]| {
        let p = [
            log_params[0].exp(),
            log_params[1].exp(),
            log_params[2].exp(),
            log_params[3].exp(),
        ];
        -log_likelihood(model, p, &pats) / n + penalizer * p.iter().map(|v| v * v).sum::<f64>()
    };
    let m = NelderMead::default().minimize(&mut objective, &[0.1; 4]);
    let [r, alpha_scaled, a, b] = [m.x[0].exp(), m.x[1].exp(), m.x[2].exp(), m.x[3].exp()];
    if !m.converged
        || ![r, alpha_scaled, a, b]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
    {
        return Err(ClvError::NoConvergence {
            model: model.name(),
            detail: format!(
                "stopped after {} evaluations at r={r:.4}, α={:.4}, a={a:.4}, b={b:.4}",
                m.evaluations,
                alpha_scaled / scale
            ),
        });
    }
    let alpha = alpha_scaled / scale;
    Ok(PurchaseParams {
        model,
        r,
        alpha,
        a,
        b,
        log_likelihood: log_likelihood(model, [r, alpha, a, b], &patterns(summaries, 1.0)),
    })
}
