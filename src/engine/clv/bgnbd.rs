//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
//! easy way"): while alive, a customer buys as a Poisson process with a
//! Gamma(r, α)-distributed rate and, after each purchase, drops out with a
//! Beta(a, b)-distributed probability. The formulas of lifetimes'
//! `BetaGeoFitter` (same likelihood, time scaling and penalizer); fitting and
//! the shared parts are in [`super::purchase_model`].

use super::params::{poisson_gamma_terms, PurchaseParams};
use super::patterns::Patterns;
use super::special::{ln_beta, ln_gamma, ln_hyp2f1};

/// Σ count × ln L(r, α, a, b | x, t_x, T), equation (6) of the paper written
/// as lifetimes does (log-sum-exp of its two terms).
pub(super) fn log_likelihood(params: [f64; 4], data: &Patterns) -> f64 {
    let [r, alpha, a, b] = params;
    let (ln_g_r, ln_g_ab, ln_g_b, ln_a) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b), a.ln());
    let gamma_part: Vec<f64> = data
        .xs
        .iter()
        .map(|&x| {
            ln_gamma(r + x) - ln_g_r + r * alpha.ln() + ln_g_ab + ln_gamma(b + x)
                - ln_g_b
                - ln_gamma(a + b + x)
        })
        .collect();
    let (mut cached_age, mut ln_age) = (f64::NAN, 0.0);
    let (mut cached_recency, mut ln_recency) = (f64::NAN, 0.0);
    let mut total = 0.0;
    for p in &data.patterns {
        let x = data.xs[p.x_index];
        if p.age != cached_age {
            cached_age = p.age;
            ln_age = (alpha + p.age).ln();
        }
        let a3 = -(r + x) * ln_age;
        let combined = if x > 0.0 {
            if p.recency != cached_recency {
                cached_recency = p.recency;
                ln_recency = (alpha + p.recency).ln();
            }
            let a4 = ln_a - (b + x - 1.0).ln() - (r + x) * ln_recency;
            a3.max(a4) + (-(a3 - a4).abs()).exp().ln_1p()
        } else {
            a3
        };
        total += p.count * (gamma_part[p.x_index] + combined);
    }
    total
}

/// P(alive | x, t_x, T), equation (A.1) of the paper; 1 for customers
/// without repeats (the model only lets customers drop out after a purchase).
pub(super) fn probability_alive(p: &PurchaseParams, frequency: u32, recency: f64, age: f64) -> f64 {
    if frequency == 0 {
        return 1.0;
    }
    let x = f64::from(frequency);
    let ln_odds_dead =
        (p.r + x) * ((p.alpha + age) / (p.alpha + recency)).ln() + (p.a / (p.b + x - 1.0)).ln();
    1.0 / (1.0 + ln_odds_dead.exp())
}

/// Expected purchases in the next `t` days given (x, t_x, T), equation (10)
/// of the paper, or `None` if ₂F₁ does not converge.
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
    let ln_hyp = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z)?;
    let first = (a + b + x - 1.0) / (a - 1.0);
    let second = 1.0 - (ln_hyp + (r + x) * ((alpha + age) / (alpha + t + age)).ln()).exp();
    let denominator = if frequency > 0 {
        1.0 + a / (b + x - 1.0) * ((alpha + age) / (alpha + recency)).powf(r + x)
    } else {
        1.0
    };
    let value = first * second / denominator;
    value.is_finite().then_some(value)
}

/// P(X(t) = n) for a customer new at 0, equation (8) of the paper (lifetimes'
/// `probability_of_n_purchases_up_to_time`).
pub(super) fn probability_of_purchases(p: &PurchaseParams, t: f64, n: u32) -> f64 {
    let (a, b) = (p.a, p.b);
    let x = f64::from(n);
    let (first, unexplained) = poisson_gamma_terms(p.r, p.alpha, t, n);
    let first = (ln_beta(a, b + x) - ln_beta(a, b)).exp() * first;
    let second = if n > 0 {
        (ln_beta(a + 1.0, b + x - 1.0) - ln_beta(a, b)).exp() * unexplained
    } else {
        0.0
    };
    first + second
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::clv::params::PurchaseModel;
    use crate::engine::clv::patterns::patterns;
    use crate::engine::clv::purchase_model::fit;
    use crate::engine::clv::summary::CustomerSummary;
    use rand_xoshiro::rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    fn uniform(rng: &mut Xoshiro256Plus) -> f64 {
        ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(rng: &mut Xoshiro256Plus) -> f64 {
        let (u, v) = (uniform(rng), uniform(rng));
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Marsaglia–Tsang Gamma(shape, 1) sampler (boosted for shape < 1).
    pub fn gamma(rng: &mut Xoshiro256Plus, shape: f64) -> f64 {
        if shape < 1.0 {
            return gamma(rng, shape + 1.0) * uniform(rng).powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = normal(rng);
            let v = (1.0 + c * x).powi(3);
            if v > 0.0 && uniform(rng).ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    fn beta(rng: &mut Xoshiro256Plus, a: f64, b: f64) -> f64 {
        let x = gamma(rng, a);
        x / (x + gamma(rng, b))
    }

    /// Customers simulated from the BG/NBD story in continuous time (like
    /// lifetimes' `beta_geometric_nbd_model`), each observed for `age` days.
    pub fn simulate(params: [f64; 4], customers: usize, seed: u64) -> Vec<CustomerSummary> {
        let [r, alpha, a, b] = params;
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        (0..customers)
            .map(|i| {
                let age = 30.0 + (i % 12) as f64 * 30.0;
                let rate = gamma(&mut rng, r) / alpha;
                let p = beta(&mut rng, a, b);
                let (mut t, mut x, mut last) = (0.0, 0u32, 0.0);
                loop {
                    t += -uniform(&mut rng).ln() / rate;
                    if t > age {
                        break;
                    }
                    x += 1;
                    last = t;
                    if uniform(&mut rng) < p {
                        break;
                    }
                }
                CustomerSummary {
                    customer_id: i.to_string(),
                    frequency: x,
                    recency: last,
                    age,
                    monetary_value: 0.0,
                    total_spent: 0.0,
                }
            })
            .collect()
    }

    #[test]
    fn recovers_simulated_parameters() {
        let truth = [0.25, 4.0, 0.8, 2.5];
        let data = simulate(truth, 8000, 7);
        let fitted = fit(PurchaseModel::BgNbd, &data, 0.0).unwrap();
        let got = [fitted.r, fitted.alpha, fitted.a, fitted.b];
        for (name, (g, t)) in ["r", "alpha", "a", "b"].iter().zip(got.iter().zip(truth)) {
            assert!((g - t).abs() < 0.15 * t, "{name}: fitted {g}, true {t}");
        }
        // The optimum beats the truth on the data it was fitted to.
        let truth_ll = log_likelihood(truth, &patterns(&data, 1.0));
        assert!(
            fitted.log_likelihood >= truth_ll,
            "{} < {truth_ll}",
            fitted.log_likelihood
        );
    }

    /// At the published CDNOW parameters (Fader, Hardie & Lee 2005), against
    /// lifetimes' `conditional_probability_alive` and `..._up_to_time`.
    #[test]
    fn predictions_behave() {
        let p = PurchaseParams {
            model: PurchaseModel::BgNbd,
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
        };
        assert_eq!(p.probability_alive(0, 0.0, 38.86), 1.0);
        let alive = p.probability_alive(2, 30.43, 38.86);
        let expected = p.expected_purchases(39.0, 2, 30.43, 38.86).unwrap();
        assert!((alive - 0.72657857).abs() < 1e-7, "{alive}");
        assert!((expected - 1.226028174767135).abs() < 1e-9, "{expected}");
        // Longer horizons, more purchases; none at t = 0.
        assert_eq!(p.expected_purchases(0.0, 2, 30.43, 38.86), Some(0.0));
        assert!(p.expected_purchases(78.0, 2, 30.43, 38.86).unwrap() > expected);
        // Same history but a long silence since: less likely alive.
        assert!(p.probability_alive(2, 5.0, 38.86) < alive);
        // lifetimes' probability_of_n_purchases_up_to_time(10, n) at these parameters.
        let none = p.probability_of_purchases(10.0, 0);
        let three = p.probability_of_purchases(10.0, 3);
        assert!((none - 0.7500835102681114).abs() < 1e-12, "{none}");
        assert!((three - 0.021089132767715915).abs() < 1e-12, "{three}");
        let total: f64 = (0..400).map(|n| p.probability_of_purchases(10.0, n)).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }
}
