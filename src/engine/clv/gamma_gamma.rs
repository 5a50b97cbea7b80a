//! The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV";
//! Hardie's note 025): each purchase's value is Gamma(p, ν) with the customer's
//! ν ~ Gamma(q, γ). Fitted on customers with repeat purchases exactly as
//! lifetimes' `GammaGammaFitter` (same likelihood, start and penalizer).

use super::error::ClvError;
use super::optimize::NelderMead;
use super::special::ln_gamma;
use serde::{Deserialize, Serialize};

/// Fitted Gamma-Gamma parameters (`v` is γ in Hardie's notation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaParams {
    pub p: f64,
    pub q: f64,
    pub v: f64,
    /// Total log-likelihood of the fitted customers' mean repeat spend.
    pub log_likelihood: f64,
}

/// One fitted customer: x, m̄ and ln m̄ (precomputed: the search evaluates the likelihood thousands of times).
#[derive(Debug, Clone, Copy)]
struct Spend {
    x: f64,
    m: f64,
    ln_m: f64,
}

/// Σ ln L(p, q, v | x, m̄), equation (1a) of note 025, over customers sorted
/// by x so the Γ terms are computed once per distinct x.
fn log_likelihood(params: [f64; 3], data: &[Spend]) -> f64 {
    let [p, q, v] = params;
    let (ln_g_q, ln_v) = (ln_gamma(q), v.ln());
    let mut cached_x = f64::NAN;
    let mut per_x = 0.0;
    let mut total = 0.0;
    for d in data {
        let px = p * d.x;
        if d.x != cached_x {
            cached_x = d.x;
            per_x = ln_gamma(px + q) - ln_gamma(px) - ln_g_q + q * ln_v + px * d.x.ln();
        }
        total += per_x + (px - 1.0) * d.ln_m - (px + q) * (d.x * d.m + v).ln();
    }
    total
}

/// Fits on (frequency, mean repeat spend) of customers with frequency > 0 and
/// spend > 0 (lifetimes refuses non-positive spend). Starts from ln p = 0.1
/// like lifetimes; the objective is −mean log-likelihood + penalizer × Σ p².
pub fn fit(data: &[(u32, f64)], penalizer: f64) -> Result<GammaGammaParams, ClvError> {
    let mut data: Vec<Spend> = data
        .iter()
        .filter(|(x, m)| *x > 0 && *m > 0.0)
        .map(|&(x, m)| Spend {
            x: f64::from(x),
            m,
            ln_m: m.ln(),
        })
        .collect();
    data.sort_by(|a, b| a.x.total_cmp(&b.x));
    let n = data.len() as f64;
    let mut objective = |log_params: &[f64]| {
        let p = [
            log_params[0].exp(),
            log_params[1].exp(),
            log_params[2].exp(),
        ];
        -log_likelihood(p, &data) / n + penalizer * p.iter().map(|v| v * v).sum::<f64>()
    };
    let m = NelderMead::default().minimize(&mut objective, &[0.1; 3]);
    let [p, q, v] = [m.x[0].exp(), m.x[1].exp(), m.x[2].exp()];
    if data.is_empty() || !m.converged || ![p, q, v].iter().all(|x| x.is_finite() && *x > 0.0) {
        return Err(ClvError::NoConvergence {
            model: "Gamma-Gamma",
            detail: format!(
                "stopped after {} evaluations at p={p:.4}, q={q:.4}, v={v:.4}",
                m.evaluations
            ),
        });
    }
    Ok(GammaGammaParams {
        p,
        q,
        v,
        log_likelihood: log_likelihood([p, q, v], &data),
    })
}

impl GammaGammaParams {
    /// Mean spend per purchase across customers, v p / (q − 1); `None` when q ≤ 1 (no finite mean).
    pub fn population_mean(&self) -> Option<f64> {
        (self.q > 1.0).then(|| self.v * self.p / (self.q - 1.0))
    }

    /// E[spend per purchase | x repeats averaging m̄], equation (5) of note 025:
    /// the customer's own mean shrunk towards the population's, less so the more they bought.
    pub fn expected_average_value(&self, frequency: u32, monetary_value: f64) -> Option<f64> {
        let mean = self.population_mean()?;
        let px = self.p * f64::from(frequency);
        let weight = px / (px + self.q - 1.0);
        Some((1.0 - weight) * mean + weight * monetary_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clv::bgnbd::tests::gamma;
    use rand_xoshiro::rand_core::SeedableRng;
    use rand_xoshiro::Xoshiro256Plus;

    #[test]
    fn recovers_simulated_parameters() {
        let (p, q, v) = (6.0, 4.0, 15.0);
        let mut rng = Xoshiro256Plus::seed_from_u64(3);
        let data: Vec<(u32, f64)> = (0..6000)
            .map(|i| {
                let x = 1 + (i % 8) as u32;
                let nu = gamma(&mut rng, q) / v;
                let mean = (0..x).map(|_| gamma(&mut rng, p) / nu).sum::<f64>() / f64::from(x);
                (x, mean)
            })
            .collect();
        let fitted = fit(&data, 0.0).unwrap();
        for (name, got, truth) in [("p", fitted.p, p), ("q", fitted.q, q), ("v", fitted.v, v)] {
            assert!(
                (got - truth).abs() < 0.2 * truth,
                "{name}: fitted {got}, true {truth}"
            );
        }
    }

    #[test]
    fn expected_value_shrinks_towards_the_population_mean() {
        let g = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
            log_likelihood: 0.0,
        };
        let mean = g.population_mean().unwrap();
        assert!((mean - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        assert_eq!(g.expected_average_value(0, 0.0), Some(mean));
        // A big spender with many repeats keeps more of their own mean.
        let few = g.expected_average_value(1, 100.0).unwrap();
        let many = g.expected_average_value(20, 100.0).unwrap();
        assert!(mean < few && few < many && many < 100.0);
        let unbounded = GammaGammaParams { q: 0.9, ..g };
        assert_eq!(unbounded.expected_average_value(3, 10.0), None);
    }

    #[test]
    fn no_repeat_spend_is_an_error() {
        assert!(matches!(
            fit(&[(0, 0.0), (2, 0.0)], 0.0),
            Err(ClvError::NoConvergence { .. })
        ));
    }
}
