//! The special functions the models need: ln Γ (Lanczos) and the Gauss
//! hypergeometric function ₂F₁ on 0 ≤ z < 1 (in logs, since it overflows
//! f64 for customers with hundreds of purchases).

use std::f64::consts::PI;

/// Lanczos coefficients for g = 7, n = 9 (Numerical Recipes / Boost's
/// classic set): ~1e-15 relative accuracy for positive arguments.
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0 (NaN otherwise, which the optimisers treat as "worse").
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx), keeps Lanczos in its accurate range.
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = LANCZOS[0];
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + LANCZOS_G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Series terms allowed before giving up (z close to 1 needs ~ln ε / ln z terms).
const MAX_TERMS: usize = 1_000_000;

/// ln ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, or `None` if the series
/// does not converge. When c − a − b < 0 the direct series grows before it
/// shrinks, so Euler's transformation
/// ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z) is summed instead.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) || a <= 0.0 || b <= 0.0 || c <= 0.0 {
        return None;
    }
    if z == 0.0 {
        return Some(0.0);
    }
    let excess = c - a - b;
    if excess < 0.0 {
        if let Some(s) = ln_series(c - a, c - b, c, z) {
            return Some(excess * (1.0 - z).ln() + s);
        }
    }
    ln_series(a, b, c, z)
}

/// ln of Σ (a)ₙ(b)ₙ/(c)ₙ zⁿ/n!, rescaling as it goes so huge sums do not overflow.
fn ln_series(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    const RESCALE_ABOVE: f64 = 1e200;
    let mut term = 1.0f64;
    let mut sum = 1.0f64;
    let mut ln_scale = 0.0f64;
    for n in 0..MAX_TERMS {
        let n = n as f64;
        let ratio = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return None;
        }
        if sum.abs() > RESCALE_ABOVE {
            sum /= RESCALE_ABOVE;
            term /= RESCALE_ABOVE;
            ln_scale += RESCALE_ABOVE.ln();
        }
        // Converged once terms are negligible and shrinking for good.
        if term.abs() <= 1e-17 * sum.abs() && ratio.abs() < 1.0 {
            return (sum > 0.0).then(|| sum.ln() + ln_scale);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Values from scipy.special.gammaln.
    #[test]
    fn ln_gamma_matches_known_values() {
        for (x, expected) in [
            (1e-3, 6.907178885383853),
            (0.5, 0.5723649429247),
            (2.5, 0.2846828704729192),
            (10.0, 12.801827480081469),
            (100.0, 359.1342053695754),
            (1234.5, 7550.550901077894),
        ] {
            assert!(
                close(ln_gamma(x), expected, 1e-13),
                "lnΓ({x}) = {}",
                ln_gamma(x)
            );
        }
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        assert!(ln_gamma(0.0).is_nan() && ln_gamma(-1.0).is_nan());
    }

    /// Values from scipy.special.hyp2f1, plus closed forms.
    #[test]
    fn hyp2f1_matches_known_values() {
        for (a, b, c, z, expected) in [
            (1.2, 3.4, 5.6, 0.3, 1.2809718781192057),
            (0.25, 2.4, 2.2, 0.9, 1.9779254932902366),
            (50.2, 52.4, 53.2, 0.2, 61845.48396307),
            (5.24, 7.4, 11.6, 0.99, 20988.43994445535),
            (120.3, 122.5, 123.4, 0.6, 3.3113169233003582e+47),
        ] {
            let got = ln_hyp2f1(a, b, c, z).unwrap();
            assert!(
                close(got, f64::ln(expected), 1e-11),
                "2F1({a},{b};{c};{z}): {} vs {}",
                got.exp(),
                expected
            );
        }
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z and ₂F₁(a, b; b; z) = (1 − z)^−a.
        for z in [0.01f64, 0.5, 0.95] {
            let expected = (-(1.0 - z).ln() / z).ln();
            assert!(close(ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap(), expected, 1e-12));
            assert!(close(
                ln_hyp2f1(2.5, 3.0, 3.0, z).unwrap(),
                -2.5 * (1.0 - z).ln(),
                1e-12
            ));
        }
        // Far beyond f64 range, still finite in logs.
        assert!(ln_hyp2f1(800.0, 800.0, 801.0, 0.9).unwrap() > 710.0);
        assert_eq!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        assert_eq!(ln_hyp2f1(1.0, 1.0, 2.0, 0.0), Some(0.0));
    }
}
