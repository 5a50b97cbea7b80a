//! Everything that says how far to trust the predictions: both purchase
//! models fitted on all the data (log-likelihood, AIC) and on the
//! calibration part (holdout errors), and the chosen model's revenue
//! backtest on the holdout months. A part that cannot be computed says why
//! in words and leaves the rest standing.

use super::error::ClvError;
use super::forecast::{backtest, Backtest};
use super::gamma_gamma;
use super::holdout::{calibration_and_holdout, check, HoldoutCheck, HoldoutSplit};
use super::purchase_model::{PurchaseModel, PurchaseParams};
use super::settings::ClvSettings;
use crate::engine::ledger::Ledger;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One purchase model, on all the data and on the calibration part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRow {
    pub model: PurchaseModel,
    pub fit: Result<PurchaseParams, String>,
    pub holdout: Result<HoldoutCheck, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub split: Result<HoldoutSplit, String>,
    /// Calibration customers with a repeat purchase day.
    pub calibration_repeat_buyers: usize,
    /// In [`PurchaseModel::ALL`] order.
    pub models: Vec<ModelRow>,
    /// The chosen model's revenue forecast of the holdout months.
    pub backtest: Result<Backtest, String>,
}

impl Validation {
    pub fn row(&self, model: PurchaseModel) -> Option<&ModelRow> {
        self.models.iter().find(|r| r.model == model)
    }
}

pub fn validate(
    ledger: &Ledger,
    observation_end: NaiveDate,
    settings: &ClvSettings,
    fits: &[(PurchaseModel, Result<PurchaseParams, ClvError>)],
) -> Validation {
    let rows_without = |why: &str| {
        fits.iter()
            .map(|(model, fit)| ModelRow {
                model: *model,
                fit: fit.clone().map_err(|e| e.to_string()),
                holdout: Err(why.to_string()),
            })
            .collect()
    };
    let prepared = HoldoutSplit::choose(ledger, observation_end, settings.holdout_days)
        .and_then(|split| Ok((split, calibration_and_holdout(ledger, split)?)));
    let (split, rows) = match prepared {
        Ok(found) => found,
        Err(e) => {
            let why = e.to_string();
            return Validation {
                split: Err(why.clone()),
                calibration_repeat_buyers: 0,
                models: rows_without(&why),
                backtest: Err(why),
            };
        }
    };
    let repeat_buyers = rows.iter().filter(|r| r.calibration.frequency > 0).count();
    if repeat_buyers < settings.min_repeat_buyers {
        let why = ClvError::TooFewRepeatBuyers {
            found: repeat_buyers,
            needed: settings.min_repeat_buyers,
        }
        .to_string()
            + &format!(
                " before the holdout (calibration ends {}); hold out fewer days",
                split.calibration_end
            );
        return Validation {
            split: Ok(split),
            calibration_repeat_buyers: repeat_buyers,
            models: rows_without(&why),
            backtest: Err(why),
        };
    }
    let models: Vec<ModelRow> = fits
        .iter()
        .map(|(model, fit)| ModelRow {
            model: *model,
            fit: fit.clone().map_err(|e| e.to_string()),
            holdout: check(*model, &rows, split, settings.penalizer).map_err(|e| e.to_string()),
        })
        .collect();
    let chosen = models
        .iter()
        .find(|r| r.model == settings.model)
        .map(|r| r.holdout.clone());
    let backtest = match chosen {
        Some(Ok(holdout)) => {
            let spend: Vec<(u32, f64)> = rows
                .iter()
                .map(|r| (r.calibration.frequency, r.calibration.monetary_value))
                .collect();
            gamma_gamma::fit(&spend, 0.0)
                .map_err(|e| e.to_string())
                .and_then(|gg| {
                    backtest(&holdout.params, &gg, &rows, split).ok_or_else(|| {
                        "a revenue prediction for the holdout months is not a finite number"
                            .to_string()
                    })
                })
        }
        Some(Err(why)) => Err(why),
        None => Err("the chosen model was not fitted".to_string()),
    };
    Validation {
        split: Ok(split),
        calibration_repeat_buyers: repeat_buyers,
        models,
        backtest,
    }
}
