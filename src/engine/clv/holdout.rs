//! Calibration / holdout validation with lifetimes' conventions
//! (`calibration_and_holdout_data(freq="D")`): purchase days up to the
//! calibration end make `frequency_cal`, `recency_cal`, `T_cal`; each
//! calibration customer's distinct purchase days after it, up to the
//! observation end, are `frequency_holdout`, over `duration_holdout` days.
//! A model fitted on the calibration part predicts the holdout, and the
//! errors say how far to trust it.

use super::error::ClvError;
use super::purchase_model::{fit, PurchaseModel, PurchaseParams};
use super::summary::{merge_days, summarize, CustomerSummary};
use crate::engine::ledger::Ledger;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Calibration-frequency groups shown, as lifetimes'
/// `plot_calibration_purchases_vs_holdout_purchases(n=7)`.
pub const FREQUENCY_GROUPS: usize = 7;

/// Where the observation is cut: calibration up to and including
/// `calibration_end`, holdout from the day after to `observation_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldoutSplit {
    pub calibration_end: NaiveDate,
    pub observation_end: NaiveDate,
}

impl HoldoutSplit {
    /// Holds out `holdout_days` days, or by default the last quarter of the
    /// observed days (first purchase day to `observation_end`, whole days
    /// rounded down), checked to leave both parts at least a day.
    pub fn choose(
        ledger: &Ledger,
        observation_end: NaiveDate,
        holdout_days: Option<u32>,
    ) -> Result<Self, ClvError> {
        let first = ledger
            .customers
            .iter()
            .flat_map(|c| c.purchases.iter())
            .map(|p| p.at.date())
            .filter(|d| *d <= observation_end)
            .min()
            .ok_or_else(|| ClvError::NoCustomers {
                reference: observation_end.to_string(),
            })?;
        let observed = (observation_end - first).num_days().max(0);
        let days = match holdout_days {
            Some(days) => i64::from(days),
            None => observed / 4,
        };
        if days < 1 || days >= observed {
            return Err(ClvError::BadSetting(format!(
                "the holdout must be at least 1 day and shorter than the {observed} observed days \
                 (from {first} to {observation_end}); {} leaves {}",
                if holdout_days.is_some() {
                    format!("{days} days")
                } else {
                    "the last quarter".to_string()
                },
                if days < 1 {
                    "no holdout"
                } else {
                    "no calibration period"
                }
            )));
        }
        let calibration_end = observation_end
            .checked_sub_days(Days::new(days.unsigned_abs()))
            .ok_or_else(|| ClvError::NoObservationPeriod {
                reference: observation_end.to_string(),
            })?;
        Ok(Self {
            calibration_end,
            observation_end,
        })
    }

    /// `duration_holdout`: days after the calibration end, up to the observation end.
    pub fn duration_days(&self) -> f64 {
        (self.observation_end - self.calibration_end).num_days() as f64
    }
}

/// One row of lifetimes' calibration/holdout matrix, with the holdout days'
/// revenue kept for the revenue backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationHoldout {
    /// `frequency_cal`, `recency_cal`, `T_cal`, `monetary_value_cal`.
    pub calibration: CustomerSummary,
    /// Distinct purchase days in the holdout.
    pub frequency_holdout: u32,
    /// (day, that day's spend) in the holdout, ascending.
    pub holdout_days: Vec<(NaiveDate, f64)>,
}

/// Every customer who bought on or before the calibration end, in ledger order.
pub fn calibration_and_holdout(
    ledger: &Ledger,
    split: HoldoutSplit,
) -> Result<Vec<CalibrationHoldout>, ClvError> {
    let after_calibration = split
        .calibration_end
        .checked_add_days(Days::new(1))
        .ok_or_else(|| ClvError::NoObservationPeriod {
            reference: split.calibration_end.to_string(),
        })?;
    let calibration = summarize(ledger, after_calibration)?;
    let mut rows = Vec::with_capacity(calibration.len());
    let mut summaries = calibration.into_iter().peekable();
    for customer in &ledger.customers {
        let Some(next) = summaries.peek() else { break };
        // summarize keeps ledger order and skips customers new after the calibration end.
        if next.customer_id != customer.id {
            continue;
        }
        let Some(summary) = summaries.next() else {
            break;
        };
        let mut days: Vec<(NaiveDate, f64)> = customer
            .purchases
            .iter()
            .map(|p| (p.at.date(), p.amount))
            .filter(|(d, _)| *d > split.calibration_end && *d <= split.observation_end)
            .collect();
        days.sort_by_key(|d| d.0);
        let merged = merge_days(&days);
        rows.push(CalibrationHoldout {
            calibration: summary,
            frequency_holdout: u32::try_from(merged.len()).unwrap_or(u32::MAX),
            holdout_days: merged,
        });
    }
    Ok(rows)
}

/// Mean actual and predicted holdout purchases of the customers with one
/// calibration frequency (one point of lifetimes' calibration plot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrequencyGroup {
    pub frequency_cal: u32,
    pub customers: usize,
    pub actual: f64,
    pub predicted: f64,
}

/// How a model fitted on the calibration part predicted the holdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutCheck {
    /// Fitted on the calibration part only.
    pub params: PurchaseParams,
    pub customers: usize,
    /// Mean absolute error of each customer's holdout purchases.
    pub mae: f64,
    /// Root mean squared error of each customer's holdout purchases.
    pub rmse: f64,
    pub predicted_total: f64,
    pub actual_total: u64,
    /// The lowest [`FREQUENCY_GROUPS`] calibration frequencies present.
    pub by_frequency: Vec<FrequencyGroup>,
}

/// Fits `model` on the calibration part and scores its holdout predictions.
pub fn check(
    model: PurchaseModel,
    rows: &[CalibrationHoldout],
    split: HoldoutSplit,
    penalizer: f64,
) -> Result<HoldoutCheck, ClvError> {
    let summaries: Vec<CustomerSummary> = rows.iter().map(|r| r.calibration.clone()).collect();
    let params = fit(model, &summaries, penalizer)?;
    let duration = split.duration_days();
    let (mut absolute, mut squared, mut predicted_total, mut actual_total) = (0.0, 0.0, 0.0, 0u64);
    // (frequency_cal, customers, Σ actual, Σ predicted), sorted by frequency.
    let mut groups: Vec<(u32, usize, f64, f64)> = Vec::new();
    for row in rows {
        let s = &row.calibration;
        let predicted = params
            .expected_purchases(duration, s.frequency, s.recency, s.age)
            .ok_or_else(|| {
                params
                    .why_no_value(s.frequency)
                    .unwrap_or_else(|| ClvError::NonFinitePrediction {
                        customer: s.customer_id.clone(),
                    })
            })?;
        let actual = f64::from(row.frequency_holdout);
        absolute += (predicted - actual).abs();
        squared += (predicted - actual).powi(2);
        predicted_total += predicted;
        actual_total += u64::from(row.frequency_holdout);
        match groups.binary_search_by_key(&s.frequency, |g| g.0) {
            Ok(i) => {
                if let Some(g) = groups.get_mut(i) {
                    g.1 += 1;
                    g.2 += actual;
                    g.3 += predicted;
                }
            }
            Err(i) => groups.insert(i, (s.frequency, 1, actual, predicted)),
        }
    }
    let n = rows.len().max(1) as f64;
    Ok(HoldoutCheck {
        params,
        customers: rows.len(),
        mae: absolute / n,
        rmse: (squared / n).sqrt(),
        predicted_total,
        actual_total,
        by_frequency: groups
            .into_iter()
            .take(FREQUENCY_GROUPS)
            .map(
                |(frequency_cal, customers, actual, predicted)| FrequencyGroup {
                    frequency_cal,
                    customers,
                    actual: actual / customers as f64,
                    predicted: predicted / customers as f64,
                },
            )
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rfm::tests::customer;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    /// Hand-worked: observation 2011-01-01 .. 2011-01-21 (20 days), so the
    /// default holdout is 5 days and the calibration ends 2011-01-16.
    #[test]
    fn the_split_and_the_matrix_follow_lifetimes() {
        let ledger = Ledger {
            customers: vec![
                customer(
                    "A",
                    &[
                        ("1", "2011-01-01 10:00", 10.0),
                        ("2", "2011-01-05 10:00", 20.0),
                        ("3", "2011-01-05 18:00", 5.0),
                        ("4", "2011-01-16 23:59", 7.0),
                        ("5", "2011-01-17 09:00", 3.0),
                        ("6", "2011-01-17 19:00", 4.0),
                        ("7", "2011-01-21 08:00", 1.0),
                        ("8", "2011-01-22 08:00", 99.0),
                    ],
                ),
                // First buys in the holdout: not in the matrix.
                customer("B", &[("9", "2011-01-18 10:00", 5.0)]),
                customer("C", &[("10", "2011-01-10 10:00", 8.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        };
        let end = date("2011-01-21");
        let split = HoldoutSplit::choose(&ledger, end, None).unwrap();
        assert_eq!(split.calibration_end, date("2011-01-16"));
        assert_eq!(split.duration_days(), 5.0);
        let rows = calibration_and_holdout(&ledger, split).unwrap();
        assert_eq!(rows.len(), 2);
        let a = &rows[0];
        assert_eq!(a.calibration.customer_id, "A");
        // Days 01-01, 01-05, 01-16: two repeats, t_x = 15, T_cal = 15.
        assert_eq!(
            (
                a.calibration.frequency,
                a.calibration.recency,
                a.calibration.age
            ),
            (2, 15.0, 15.0)
        );
        assert_eq!(
            a.frequency_holdout, 2,
            "01-17 (two invoices) and 01-21; 01-22 is after the end"
        );
        assert_eq!(
            a.holdout_days,
            vec![(date("2011-01-17"), 7.0), (date("2011-01-21"), 1.0)]
        );
        let c = &rows[1];
        assert_eq!(
            (
                c.calibration.frequency,
                c.calibration.age,
                c.frequency_holdout
            ),
            (0, 6.0, 0)
        );
        // An explicit holdout, and ones that leave nothing on a side.
        let two = HoldoutSplit::choose(&ledger, end, Some(2)).unwrap();
        assert_eq!(two.calibration_end, date("2011-01-19"));
        for bad in [Some(0), Some(20), Some(400)] {
            assert!(matches!(
                HoldoutSplit::choose(&ledger, end, bad),
                Err(ClvError::BadSetting(_))
            ));
        }
    }
}
