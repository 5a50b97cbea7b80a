//! The purchase models' shared vocabulary: which model, its fitted
//! parameters (r, α, a, b) and the NBD terms both models' count
//! probabilities use. The formulas live in [`super::bgnbd`] and
//! [`super::mbgnbd`]; [`super::purchase_model`] dispatches and fits.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PurchaseModel {
    /// Beta-geometric/NBD (Fader, Hardie & Lee 2005).
    #[default]
    BgNbd,
    /// Modified BG/NBD (Batislam et al. 2007).
    ModifiedBgNbd,
}

impl PurchaseModel {
    pub const ALL: [Self; 2] = [Self::BgNbd, Self::ModifiedBgNbd];

    /// The name in the literature.
    pub fn name(self) -> &'static str {
        match self {
            Self::BgNbd => "BG/NBD",
            Self::ModifiedBgNbd => "MBG/NBD",
        }
    }

    /// The class in the Python lifetimes package.
    pub fn lifetimes_name(self) -> &'static str {
        match self {
            Self::BgNbd => "BetaGeoFitter",
            Self::ModifiedBgNbd => "ModifiedBetaGeoFitter",
        }
    }
}

/// A fitted purchase model, times in days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PurchaseParams {
    pub model: PurchaseModel,
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    /// Total log-likelihood of the data at these parameters (times in days).
    pub log_likelihood: f64,
}

/// Free parameters of either model (r, α, a, b), for the AIC.
pub const PARAMETERS: f64 = 4.0;

impl PurchaseParams {
    /// Akaike's information criterion, 2k − 2 ln L: lower is better; the two
    /// models have the same k, so it orders them as the likelihood does.
    pub fn aic(&self) -> f64 {
        2.0 * PARAMETERS - 2.0 * self.log_likelihood
    }

    /// The mean chance of dropping out at each purchase, a / (a + b).
    pub fn mean_dropout(&self) -> f64 {
        self.a / (self.a + self.b)
    }
}

/// The NBD parts both models' P(X(t) = n) share, with z = t / (α + t):
/// Γ(r+n)/(Γ(r) n!) (α/(α+t))^r z^n, and
/// 1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) z^j.
pub fn poisson_gamma_terms(r: f64, alpha: f64, t: f64, n: u32) -> (f64, f64) {
    let z = t / (alpha + t);
    let stay = (alpha / (alpha + t)).powf(r);
    let (mut term, mut sum) = (1.0, 0.0);
    for j in 0..n {
        sum += term;
        term *= (r + f64::from(j)) / f64::from(j + 1) * z;
    }
    (term * stay, 1.0 - stay * sum)
}
