//! What to predict and how (validated once, linfa-style, before fitting).

use super::error::ClvError;
use super::purchase_model::PurchaseModel;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClvSettings {
    /// Horizon of "expected purchases", in days.
    pub prediction_days: u32,
    /// Horizon of the lifetime value, in 30-day months.
    pub horizon_months: u32,
    /// Discount per month applied to future revenue (lifetimes' default 0.01).
    pub monthly_discount_rate: f64,
    /// Customers with P(alive) below this are churn candidates.
    pub churn_threshold: f64,
    /// L2 penalty on the purchase model's (BG/NBD) parameters, lifetimes'
    /// `penalizer_coef` (0 = plain maximum likelihood); the spend model is
    /// fitted without one.
    pub penalizer: f64,
    /// Fewest customers with a repeat purchase day needed to fit the models.
    pub min_repeat_buyers: usize,
    /// The purchase model that drives P(alive), expected purchases and CLV
    /// (both are fitted and compared).
    pub model: PurchaseModel,
    /// Days at the end of the observation held out to check the models
    /// (fitted on the days before, compared with what customers did);
    /// `None`: the last quarter of the observed days.
    pub holdout_days: Option<u32>,
}

impl Default for ClvSettings {
    fn default() -> Self {
        Self {
            prediction_days: 90,
            horizon_months: 12,
            monthly_discount_rate: 0.01,
            churn_threshold: 0.5,
            penalizer: 0.0,
            min_repeat_buyers: 10,
            model: PurchaseModel::BgNbd,
            holdout_days: None,
        }
    }
}

impl ClvSettings {
    pub fn check(&self) -> Result<(), ClvError> {
        let bad = |s: &str| Err(ClvError::BadSetting(s.into()));
        if self.prediction_days == 0 {
            return bad("the prediction horizon must be at least 1 day");
        }
        if self.horizon_months == 0 || self.horizon_months > 120 {
            return bad("the lifetime-value horizon must be 1 to 120 months");
        }
        if !(0.0..1.0).contains(&self.monthly_discount_rate) {
            return bad("the monthly discount rate must be at least 0 and below 1");
        }
        if !(self.churn_threshold > 0.0 && self.churn_threshold <= 1.0) {
            return bad("the churn threshold must be a probability above 0 and at most 1");
        }
        if !(self.penalizer >= 0.0 && self.penalizer.is_finite()) {
            return bad("the penalizer must be a finite number ≥ 0");
        }
        if self.min_repeat_buyers < 2 {
            return bad("at least 2 repeat buyers are needed to fit the models");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_nonsense_is_refused() {
        assert_eq!(ClvSettings::default().check(), Ok(()));
        for s in [
            ClvSettings {
                prediction_days: 0,
                ..Default::default()
            },
            ClvSettings {
                horizon_months: 0,
                ..Default::default()
            },
            ClvSettings {
                monthly_discount_rate: -0.1,
                ..Default::default()
            },
            ClvSettings {
                monthly_discount_rate: f64::NAN,
                ..Default::default()
            },
            ClvSettings {
                churn_threshold: 0.0,
                ..Default::default()
            },
            ClvSettings {
                penalizer: f64::INFINITY,
                ..Default::default()
            },
            ClvSettings {
                min_repeat_buyers: 1,
                ..Default::default()
            },
        ] {
            assert!(matches!(s.check(), Err(ClvError::BadSetting(_))), "{s:?}");
        }
    }
}
