//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
//! easy way"): while alive, a customer buys as a Poisson process with a
//! Gamma(r, α)-distributed rate and, after each purchase, drops out with a
//! Beta(a, b)-distributed probability. Fitted by maximum likelihood exactly as
//! lifetimes' `BetaGeoFitter` (same likelihood, time scaling and penalizer).

use super::error::ClvError;
use super::optimize::NelderMead;
use super::special::{ln_gamma, ln_hyp2f1};
use super::summary::CustomerSummary;
use serde::{Deserialize, Serialize};

/// Fitted BG/NBD parameters, times in days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbdParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    /// Total log-likelihood of the data at these parameters (times in days).
    pub log_likelihood: f64,
}

/// (x, t_x, T) with how many customers share it: the likelihood is a sum over patterns.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pattern {
    /// Index into [`Patterns::xs`].
    x_index: usize,
    recency: f64,
    age: f64,
    count: f64,
}

/// Patterns sorted by (T, t_x) so ln(α + T) and ln(α + t_x) are computed once
/// per distinct value, with the distinct x's for the Γ terms.
#[derive(Debug, Clone, PartialEq)]
struct Patterns {
    xs: Vec<f64>,
    patterns: Vec<Pattern>,
}

fn patterns(summaries: &[CustomerSummary], scale: f64) -> Patterns {
    let mut xs: Vec<u32> = summaries.iter().map(|s| s.frequency).collect();
    xs.sort_unstable();
    xs.dedup();
    let mut keys: Vec<(u64, u64, u32)> = summaries
        .iter()
        .map(|s| {
            (
                (s.age * scale).to_bits(),
                (s.recency * scale).to_bits(),
                s.frequency,
            )
        })
        .collect();
    // Non-negative floats order like their bit patterns.
    keys.sort_unstable();
    let mut out: Vec<Pattern> = Vec::new();
    let mut previous = None;
    for key in keys {
        if previous == Some(key) {
            if let Some(last) = out.last_mut() {
                last.count += 1.0;
            }
            continue;
        }
        previous = Some(key);
        out.push(Pattern {
            x_index: xs.binary_search(&key.2).unwrap_or(0),
            recency: f64::from_bits(key.1),
            age: f64::from_bits(key.0),
            count: 1.0,
        });
    }
    Patterns {
        xs: xs.into_iter().map(f64::from).collect(),
        patterns: out,
    }
}

/// Σ count × ln L(r, α, a, b | x, t_x, T), equation (6) of the paper written
/// as lifetimes does (log-sum-exp of its two terms).
fn log_likelihood(params: [f64; 4], data: &Patterns) -> f64 {
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

/// Fits by maximum likelihood. Like lifetimes: times are scaled so the oldest
/// customer's age is 1, the search is over log-parameters from ln p = 0.1,
/// and the objective is −mean log-likelihood + penalizer × Σ p² (on the scaled parameters).
pub fn fit(summaries: &[CustomerSummary], penalizer: f64) -> Result<BgNbdParams, ClvError> {
    let max_age = summaries.iter().map(|s| s.age).fold(0.0, f64::max);
    if max_age <= 0.0 {
        return Err(ClvError::NoConvergence {
            model: "BG/NBD",
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
        -log_likelihood(p, &pats) / n + penalizer * p.iter().map(|v| v * v).sum::<f64>()
    };
    let m = NelderMead::default().minimize(&mut objective, &[0.1; 4]);
    let [r, alpha_scaled, a, b] = [m.x[0].exp(), m.x[1].exp(), m.x[2].exp(), m.x[3].exp()];
    if !m.converged
        || ![r, alpha_scaled, a, b]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
    {
        return Err(ClvError::NoConvergence {
            model: "BG/NBD",
            detail: format!(
                "stopped after {} evaluations at r={r:.4}, α={:.4}, a={a:.4}, b={b:.4}",
                m.evaluations,
                alpha_scaled / scale
            ),
        });
    }
    let alpha = alpha_scaled / scale;
    Ok(BgNbdParams {
        r,
        alpha,
        a,
        b,
        log_likelihood: log_likelihood([r, alpha, a, b], &patterns(summaries, 1.0)),
    })
}

impl BgNbdParams {
    /// P(alive | x, t_x, T), equation (A.1) of the paper; 1 for customers
    /// without repeats (the model only lets customers drop out after a purchase).
    pub fn probability_alive(&self, frequency: u32, recency: f64, age: f64) -> f64 {
        if frequency == 0 {
            return 1.0;
        }
        let x = f64::from(frequency);
        let ln_odds_dead = (self.r + x) * ((self.alpha + age) / (self.alpha + recency)).ln()
            + (self.a / (self.b + x - 1.0)).ln();
        1.0 / (1.0 + ln_odds_dead.exp())
    }

    /// Expected purchases in the next `t` days given (x, t_x, T), equation (10)
    /// of the paper, or `None` if ₂F₁ does not converge.
    pub fn expected_purchases(
        &self,
        t: f64,
        frequency: u32,
        recency: f64,
        age: f64,
    ) -> Option<f64> {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
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
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
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
        let fitted = fit(&data, 0.0).unwrap();
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
        let p = BgNbdParams {
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
    }
}
