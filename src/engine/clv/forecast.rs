//! Revenue by month from the customer-level models: each customer's expected
//! purchase days in the month (the difference of the cumulative predictions
//! at the month's ends) times the Gamma-Gamma expected spend per purchase,
//! summed over customers. Months are calendar months counted from the day
//! after the observation ends. Only the customers already seen are
//! forecast: revenue from customers yet to arrive is not in it.

use super::gamma_gamma::GammaGammaParams;
use super::holdout::{CalibrationHoldout, HoldoutSplit};
use super::purchase_model::PurchaseParams;
use super::summary::CustomerSummary;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Months forecast ahead.
pub const FORECAST_MONTHS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthRevenue {
    /// First day of the window.
    pub start: NaiveDate,
    /// Days in the window (a backtest's last window may be cut short).
    pub days: u32,
    pub predicted: f64,
    /// What the same customers spent in the window (backtest only).
    pub actual: Option<f64>,
}

/// The model's revenue forecast on the holdout months, against what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub months: Vec<MonthRevenue>,
    /// Mean absolute percentage error over the months with actual revenue, in %.
    pub mape: Option<f64>,
}

/// Windows of whole calendar months from `start`, the last one ending at
/// `end` (exclusive) if that comes first; at most `limit`.
pub fn monthly_windows(
    start: NaiveDate,
    end: NaiveDate,
    limit: u32,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut windows = Vec::new();
    for m in 0..limit {
        let (Some(from), Some(to)) = (
            start.checked_add_months(Months::new(m)),
            start.checked_add_months(Months::new(m + 1)),
        ) else {
            break;
        };
        if from >= end {
            break;
        }
        windows.push((from, to.min(end)));
    }
    windows
}

/// Expected revenue of `customers` in each window; the windows start at or
/// after `origin`, the first day after their observation. `None` if a
/// prediction is not finite.
pub fn expected_revenue(
    purchases: &PurchaseParams,
    spend: &GammaGammaParams,
    customers: &[CustomerSummary],
    origin: NaiveDate,
    windows: &[(NaiveDate, NaiveDate)],
) -> Option<Vec<f64>> {
    let mut revenue = vec![0.0; windows.len()];
    // Days after the observation end at each boundary: a purchase on day d is
    // in (d − origin, d − origin + 1].
    let offset = |d: NaiveDate| (d - origin).num_days() as f64;
    for c in customers {
        let value = spend.expected_average_value(c.frequency, c.monetary_value)?;
        let cumulative = |t: f64| purchases.expected_purchases(t, c.frequency, c.recency, c.age);
        for (slot, (from, to)) in revenue.iter_mut().zip(windows) {
            let before = cumulative(offset(*from))?;
            let upto = cumulative(offset(*to))?;
            *slot += value * (upto - before);
        }
    }
    revenue.iter().all(|r| r.is_finite()).then_some(revenue)
}

/// The next [`FORECAST_MONTHS`] months after `observation_end`.
pub fn forecast(
    purchases: &PurchaseParams,
    spend: &GammaGammaParams,
    customers: &[CustomerSummary],
    observation_end: NaiveDate,
) -> Option<Vec<MonthRevenue>> {
    let origin = observation_end.checked_add_days(Days::new(1))?;
    let end = origin.checked_add_months(Months::new(FORECAST_MONTHS))?;
    let windows = monthly_windows(origin, end, FORECAST_MONTHS);
    let predicted = expected_revenue(purchases, spend, customers, origin, &windows)?;
    Some(
        windows
            .iter()
            .zip(predicted)
            .map(|((from, to), predicted)| MonthRevenue {
                start: *from,
                days: u32::try_from((*to - *from).num_days()).unwrap_or(0),
                predicted,
                actual: None,
            })
            .collect(),
    )
}

/// Models fitted on the calibration part forecast the holdout months; the
/// actual figures are the same customers' spend on those days.
pub fn backtest(
    purchases: &PurchaseParams,
    spend: &GammaGammaParams,
    rows: &[CalibrationHoldout],
    split: HoldoutSplit,
) -> Option<Backtest> {
    let origin = split.calibration_end.checked_add_days(Days::new(1))?;
    let end = split.observation_end.checked_add_days(Days::new(1))?;
    // The holdout is shorter than the observation, which is bounded by the
    // dates chrono can hold; a month is at least 28 days.
    let limit = u32::try_from((end - origin).num_days() / 28 + 2).unwrap_or(u32::MAX);
    let windows = monthly_windows(origin, end, limit);
    let customers: Vec<CustomerSummary> = rows.iter().map(|r| r.calibration.clone()).collect();
    let predicted = expected_revenue(purchases, spend, &customers, origin, &windows)?;
    let mut actual = vec![0.0; windows.len()];
    for row in rows {
        for (day, amount) in &row.holdout_days {
            if let Some(i) = windows
                .iter()
                .position(|(from, to)| day >= from && day < to)
            {
                if let Some(slot) = actual.get_mut(i) {
                    *slot += amount;
                }
            }
        }
    }
    let months: Vec<MonthRevenue> = windows
        .iter()
        .zip(predicted.into_iter().zip(actual))
        .map(|((from, to), (predicted, actual))| MonthRevenue {
            start: *from,
            days: u32::try_from((*to - *from).num_days()).unwrap_or(0),
            predicted,
            actual: Some(actual),
        })
        .collect();
    let errors: Vec<f64> = months
        .iter()
        .filter_map(|m| {
            let actual = m.actual?;
            (actual > 0.0).then(|| 100.0 * (m.predicted - actual).abs() / actual)
        })
        .collect();
    let mape = (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64);
    Some(Backtest { months, mape })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clv::PurchaseModel;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn windows_are_calendar_months_cut_at_the_end() {
        let w = monthly_windows(date("2011-01-31"), date("2011-04-15"), 12);
        assert_eq!(
            w,
            vec![
                (date("2011-01-31"), date("2011-02-28")),
                (date("2011-02-28"), date("2011-03-31")),
                (date("2011-03-31"), date("2011-04-15")),
            ]
        );
        assert!(monthly_windows(date("2011-01-01"), date("2011-01-01"), 12).is_empty());
        assert_eq!(
            monthly_windows(date("2011-01-01"), date("2012-06-01"), 12).len(),
            12
        );
    }

    /// The months add up to the cumulative prediction over the whole span,
    /// times the expected spend (hand-checked telescoping).
    #[test]
    fn months_telescope_to_the_whole_horizon() {
        let p = PurchaseParams {
            model: PurchaseModel::BgNbd,
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
        };
        let gg = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
            log_likelihood: 0.0,
        };
        let c = CustomerSummary {
            customer_id: "A".into(),
            frequency: 2,
            recency: 30.0,
            age: 40.0,
            monetary_value: 22.5,
            total_spent: 60.0,
        };
        let months =
            forecast(&p, &gg, std::slice::from_ref(&c), date("2011-12-09")).unwrap_or_default();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].start, date("2011-12-10"));
        assert_eq!(months[0].days, 31);
        let total: f64 = months.iter().map(|m| m.predicted).sum();
        let days = (date("2012-12-10") - date("2011-12-10")).num_days() as f64;
        let whole = gg.expected_average_value(2, 22.5).unwrap_or(0.0)
            * p.expected_purchases(days, 2, 30.0, 40.0).unwrap_or(0.0);
        assert!((total - whole).abs() < 1e-9 * whole, "{total} vs {whole}");
    }
}
