//! The MBG/NBD model (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe
//! 2008's erratum): BG/NBD where a customer may also drop out at time 0,
//! right after the first purchase, so one-time buyers can be gone too. The
//! formulas of lifetimes' `ModifiedBetaGeoFitter`, which fits it exactly as
//! `BetaGeoFitter` (see [`super::purchase_model::fit`]).

use super::params::{poisson_gamma_terms, PurchaseParams};
use super::patterns::Patterns;
use super::special::{ln_beta, ln_gamma, ln_hyp2f1};

/// Σ count × ln L(r, α, a, b | x, t_x, T), as lifetimes writes it:
/// A₁ + A₂ + A₃ + ln(1 + e^A₄).
pub(super) fn log_likelihood(params: [f64; 4], data: &Patterns) -> f64 {
    let [r, alpha, a, b] = params;
    let (ln_g_r, ln_g_ab, ln_g_b, ln_a) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b), a.ln());
    let gamma_part: Vec<f64> = data
        .xs
        .iter()
        .map(|&x| {
            ln_gamma(r + x) - ln_g_r + r * alpha.ln() + ln_g_ab + ln_gamma(b + x + 1.0)
                - ln_g_b
                - ln_gamma(a + b + x + 1.0)
        })
        .collect();
    let mut total = 0.0;
    for p in &data.patterns {
        let x = data.xs[p.x_index];
        let ln_age = (alpha + p.age).ln();
        let a3 = -(r + x) * ln_age;
        let a4 = ln_a - (b + x).ln() + (r + x) * (ln_age - (alpha + p.recency).ln());
        // ln(1 + e^A₄) without overflow.
        let log_add = a4.max(0.0) + (-a4.abs()).exp().ln_1p();
        total += p.count * (gamma_part[p.x_index] + a3 + log_add);
    }
    total
}

/// P(alive | x, t_x, T), Batislam et al. appendix A eq. (5): below 1 even
/// without repeats.
pub(super) fn probability_alive(p: &PurchaseParams, frequency: u32, recency: f64, age: f64) -> f64 {
    let x = f64::from(frequency);
    let ln_odds_dead =
        (p.a / (p.b + x)).ln() + (p.r + x) * ((p.alpha + age) / (p.alpha + recency)).ln();
    1.0 / (1.0 + ln_odds_dead.exp())
}

/// Expected purchases in the next `t` days given (x, t_x, T) (Wagner &
/// Hoppe 2008), or `None` if ₂F₁ does not converge.
pub(super) fn expected_purchases(
    p: &PurchaseParams,
    t: f64,
    frequency: u32,
    recency: f64,
    age: f64,
) -> Option<f64> {
    let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b);
    let x = f64::from(frequency);
    let z = t / (alpha + age + t);
    let ln_hyp = ln_hyp2f1(r + x, b + x + 1.0, a + b + x, z)?;
    let first = (a + b + x) / (a - 1.0);
    let second = 1.0 - (ln_hyp + (r + x) * ((alpha + age) / (alpha + t + age)).ln()).exp();
    let denominator = 1.0 + a / (b + x) * ((alpha + age) / (alpha + recency)).powf(r + x);
    let value = first * second / denominator;
    value.is_finite().then_some(value)
}

/// P(X(t) = n) for a customer new at 0 (lifetimes'
/// `probability_of_n_purchases_up_to_time`).
pub(super) fn probability_of_purchases(p: &PurchaseParams, t: f64, n: u32) -> f64 {
    let (a, b) = (p.a, p.b);
    let x = f64::from(n);
    let (first, unexplained) = poisson_gamma_terms(p.r, p.alpha, t, n);
    (ln_beta(a, b + x + 1.0) - ln_beta(a, b)).exp() * first
        + (ln_beta(a + 1.0, b + x) - ln_beta(a, b)).exp() * unexplained
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clv::params::PurchaseModel;

    const MBG_ALIVE_0: f64 = 0.6372533379648954;
    const MBG_ALIVE_2: f64 = 0.7744192426236461;
    const MBG_EXPECTED: f64 = 1.3404974284912061;
    const MBG_P0: f64 = 0.8116503870489087;
    const MBG_P3: f64 = 0.017369200031928315;

    /// Values from lifetimes' ModifiedBetaGeoFitter with params_ set by hand
    /// to r = 0.243, α = 4.414, a = 0.793, b = 2.426.
    #[test]
    fn matches_lifetimes_at_fixed_parameters() {
        let p = PurchaseParams {
            model: PurchaseModel::ModifiedBgNbd,
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
        };
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want.abs().max(1e-12);
        let alive0 = p.probability_alive(0, 0.0, 38.86);
        let alive = p.probability_alive(2, 30.43, 38.86);
        let expected = p
            .expected_purchases(39.0, 2, 30.43, 38.86)
            .unwrap_or(f64::NAN);
        let none = p.probability_of_purchases(10.0, 0);
        let three = p.probability_of_purchases(10.0, 3);
        assert!(close(alive0, MBG_ALIVE_0), "{alive0}");
        assert!(close(alive, MBG_ALIVE_2), "{alive}");
        assert!(close(expected, MBG_EXPECTED), "{expected}");
        assert!(close(none, MBG_P0), "{none}");
        assert!(close(three, MBG_P3), "{three}");
        // Probabilities of every count sum to 1.
        let total: f64 = (0..400).map(|n| p.probability_of_purchases(10.0, n)).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }
}
