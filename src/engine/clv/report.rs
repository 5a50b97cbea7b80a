//! The prediction for the UI: fitted parameters, one row per customer, and the churn list.

use super::forecast::MonthRevenue;
use super::gamma_gamma::GammaGammaParams;
use super::model_checks::{ModelMatrix, PeriodBar};
use super::purchase_model::PurchaseParams;
use super::settings::ClvSettings;
use super::validation::Validation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClvParams {
    /// The purchase model chosen in the settings (BG/NBD or MBG/NBD).
    pub purchase: PurchaseParams,
    pub gamma_gamma: GammaGammaParams,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerClv {
    pub customer_id: String,
    /// Repeat purchase days (x).
    pub frequency: u32,
    /// Days from first to last purchase day (t_x).
    pub recency_days: f64,
    /// Days from first purchase day to the end of observation (T).
    pub age_days: f64,
    /// Mean spend of the repeat purchase days (0 without repeats).
    pub monetary_value: f64,
    /// Everything spent in the observation period.
    pub total_spent: f64,
    pub p_alive: f64,
    /// Expected purchase days in the next `settings.prediction_days` days.
    pub expected_purchases: f64,
    /// Gamma-Gamma expected spend per future purchase.
    pub expected_average_value: f64,
    /// Discounted value over `settings.horizon_months` months.
    pub clv: f64,
}

/// A customer likely to have churned, with what is at stake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnRisk {
    /// Index into [`ClvReport::customers`].
    pub index: usize,
    pub customer_id: String,
    pub p_alive: f64,
    pub total_spent: f64,
    /// total_spent × (1 − P(alive)).
    pub value_at_risk: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvReport {
    pub settings: ClvSettings,
    /// The analysis reference date; observation ends the day before.
    pub reference_date: NaiveDate,
    pub params: ClvParams,
    /// Customers with purchases before the reference date, in ledger (= RFM table) order.
    pub customers: Vec<CustomerClv>,
    /// Customers with at least one repeat purchase day (the spend model's data).
    pub repeat_buyers: usize,
    /// Repeat buyers the spend model left out: their mean repeat purchase
    /// was not positive (returns or cancellations kept in the purchases).
    pub spend_left_out: usize,
    /// The chosen model's diagnostic figures and revenue forecast.
    pub figures: ModelFigures,
    /// Both models compared, on all the data and on a holdout.
    pub validation: Validation,
}

/// What the chosen purchase model says beyond each customer's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelFigures {
    pub period_transactions: Vec<PeriodBar>,
    /// Expected purchases in the prediction horizon, by frequency × recency.
    pub expected_purchases: ModelMatrix,
    pub probability_alive: ModelMatrix,
    /// Revenue of today's customers in each of the next 12 months.
    pub forecast: Vec<MonthRevenue>,
}

impl ClvReport {
    /// Customers with P(alive) below the threshold, most value at risk first, at most `limit`.
    ///
    /// Value at risk is historical spend × (1 − P(alive)): what the customer
    /// has been worth, weighted by the chance they are gone. CLV is not used
    /// because it already shrinks with P(alive), so it would rank the
    /// surest losses last. Customers without a repeat purchase never appear:
    /// BG/NBD only lets customers drop out after a purchase, so their P(alive) is 1.
    pub fn churn_list(&self, limit: usize) -> Vec<ChurnRisk> {
        let mut risks: Vec<ChurnRisk> = self
            .customers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.p_alive < self.settings.churn_threshold)
            .map(|(index, c)| ChurnRisk {
                index,
                customer_id: c.customer_id.clone(),
                p_alive: c.p_alive,
                total_spent: c.total_spent,
                value_at_risk: c.total_spent * (1.0 - c.p_alive),
            })
            .collect();
        risks.sort_by(|a, b| {
            b.value_at_risk
                .total_cmp(&a.value_at_risk)
                .then(a.index.cmp(&b.index))
        });
        risks.truncate(limit);
        risks
    }

    /// Sum of all customers' CLV.
    pub fn total_clv(&self) -> f64 {
        self.customers.iter().map(|c| c.clv).sum()
    }
}
