//! Predictive customer value: BG/NBD (will they buy again, and how often?)
//! and Gamma-Gamma (how much per purchase?) fitted by maximum likelihood,
//! giving probability-alive, expected purchases and customer lifetime value,
//! with the conventions of the Python `lifetimes` package (checked against it
//! in tests/clv_reference.rs).

pub mod bgnbd;
pub mod error;
pub mod gamma_gamma;
pub mod optimize;
pub mod report;
pub mod settings;
pub mod special;
pub mod summary;
pub mod value;

pub use error::ClvError;
pub use report::{ChurnRisk, ClvParams, ClvReport, CustomerClv};
pub use settings::ClvSettings;
pub use summary::{summarize, CustomerSummary};

use crate::engine::ledger::Ledger;
use chrono::NaiveDate;

/// Fits both models on the purchases before `reference_date` (the analysis
/// reference date, `RfmTable::reference_date`) and predicts every customer.
pub fn predict(
    ledger: &Ledger,
    reference_date: NaiveDate,
    settings: &ClvSettings,
) -> Result<ClvReport, ClvError> {
    settings.check()?;
    let summaries = summarize(ledger, reference_date)?;
    let repeat_buyers = summaries.iter().filter(|s| s.frequency > 0).count();
    if repeat_buyers < settings.min_repeat_buyers {
        return Err(ClvError::TooFewRepeatBuyers {
            found: repeat_buyers,
            needed: settings.min_repeat_buyers,
        });
    }
    let bgnbd = bgnbd::fit(&summaries, settings.penalizer)?;
    let spend: Vec<(u32, f64)> = summaries
        .iter()
        .map(|s| (s.frequency, s.monetary_value))
        .collect();
    let gamma_gamma = gamma_gamma::fit(&spend, settings.penalizer)?;
    if gamma_gamma.population_mean().is_none() {
        return Err(ClvError::UnboundedSpend { q: gamma_gamma.q });
    }
    let mut customers = Vec::with_capacity(summaries.len());
    for s in summaries {
        let not_finite = || ClvError::NonFinitePrediction {
            customer: s.customer_id.clone(),
        };
        let expected_purchases = bgnbd
            .expected_purchases(
                f64::from(settings.prediction_days),
                s.frequency,
                s.recency,
                s.age,
            )
            .ok_or_else(not_finite)?;
        let expected_average_value = gamma_gamma
            .expected_average_value(s.frequency, s.monetary_value)
            .ok_or_else(not_finite)?;
        let clv = value::lifetime_value(
            &bgnbd,
            &gamma_gamma,
            &s,
            settings.horizon_months,
            settings.monthly_discount_rate,
        )
        .ok_or_else(not_finite)?;
        customers.push(CustomerClv {
            p_alive: bgnbd.probability_alive(s.frequency, s.recency, s.age),
            expected_purchases,
            expected_average_value,
            clv,
            frequency: s.frequency,
            recency_days: s.recency,
            age_days: s.age,
            monetary_value: s.monetary_value,
            total_spent: s.total_spent,
            customer_id: s.customer_id,
        });
    }
    Ok(ClvReport {
        settings: *settings,
        reference_date,
        params: ClvParams { bgnbd, gamma_gamma },
        customers,
        repeat_buyers,
    })
}
