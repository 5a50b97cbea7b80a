//! Predictive customer value: BG/NBD (will they buy again, and how often?)
//! and Gamma-Gamma (how much per purchase?) fitted by maximum likelihood,
//! giving probability-alive, expected purchases and customer lifetime value,
//! with the conventions of the Python `lifetimes` package (checked against it
//! in tests/clv_reference.rs).

pub mod bgnbd;
pub mod diagnosis;
pub mod error;
pub mod export;
pub mod forecast;
pub mod gamma_gamma;
pub mod holdout;
pub mod mbgnbd;
pub mod model_checks;
pub mod optimize;
pub mod params;
pub mod patterns;
pub mod purchase_model;
pub mod report;
pub mod settings;
pub mod special;
pub mod summary;
pub mod validation;
pub mod value;

pub use diagnosis::{diagnose, Diagnosis};
pub use error::ClvError;
pub use purchase_model::{PurchaseModel, PurchaseParams};
pub use report::{ChurnRisk, ClvParams, ClvReport, CustomerClv, ModelFigures};
pub use settings::ClvSettings;
pub use summary::{summarize, CustomerSummary};

use crate::engine::ledger::Ledger;
use chrono::{Days, NaiveDate};

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
    // Both models are fitted, for the comparison; the chosen one drives the figures.
    let fits: Vec<(PurchaseModel, Result<PurchaseParams, ClvError>)> = PurchaseModel::ALL
        .into_iter()
        .map(|m| (m, purchase_model::fit(m, &summaries, settings.penalizer)))
        .collect();
    let purchase = fits
        .iter()
        .find(|(m, _)| *m == settings.model)
        .map(|(_, fit)| fit.clone())
        .unwrap_or_else(|| purchase_model::fit(settings.model, &summaries, settings.penalizer))?;
    let spend: Vec<(u32, f64)> = summaries
        .iter()
        .map(|s| (s.frequency, s.monetary_value))
        .collect();
    // The penalizer is for the purchase model, whose dropout can run off to
    // zero; shrinking the spend model's p, q, v toward 0 would only push q
    // below 1, where it has no average.
    let gamma_gamma = gamma_gamma::fit(&spend, 0.0)?;
    // Gamma-Gamma is for positive purchase values only.
    let spend_left_out = spend.iter().filter(|(x, m)| *x > 0 && *m <= 0.0).count();
    if gamma_gamma.population_mean().is_none() {
        return Err(ClvError::UnboundedSpend { q: gamma_gamma.q });
    }
    let observation_end = reference_date
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| ClvError::NoObservationPeriod {
            reference: reference_date.to_string(),
        })?;
    let figures = ModelFigures {
        period_transactions: model_checks::period_transactions(&purchase, &summaries),
        expected_purchases: model_checks::expected_purchases_matrix(
            &purchase,
            &summaries,
            f64::from(settings.prediction_days),
        ),
        probability_alive: model_checks::probability_alive_matrix(&purchase, &summaries),
        forecast: forecast::forecast(&purchase, &gamma_gamma, &summaries, observation_end)
            .unwrap_or_default(),
    };
    let validation = validation::validate(ledger, observation_end, settings, &fits);
    let mut customers = Vec::with_capacity(summaries.len());
    for s in summaries {
        let not_finite = || {
            if settings.penalizer > 0.0 {
                ClvError::PenalizerTooStrong {
                    penalizer: settings.penalizer,
                    a: purchase.a,
                    b: purchase.b,
                    smaller: settings.penalizer / 10.0,
                }
            } else {
                purchase.why_no_value(s.frequency).unwrap_or_else(|| {
                    ClvError::NonFinitePrediction {
                        customer: s.customer_id.clone(),
                    }
                })
            }
        };
        let expected_purchases = purchase
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
            &purchase,
            &gamma_gamma,
            &s,
            settings.horizon_months,
            settings.monthly_discount_rate,
        )
        .ok_or_else(not_finite)?;
        customers.push(CustomerClv {
            p_alive: purchase.probability_alive(s.frequency, s.recency, s.age),
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
        params: ClvParams {
            purchase,
            gamma_gamma,
        },
        customers,
        repeat_buyers,
        spend_left_out,
        figures,
        validation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rfm::tests::customer;

    fn reference() -> NaiveDate {
        NaiveDate::from_ymd_opt(2011, 12, 10).unwrap()
    }

    /// `repeaters` customers with 2–5 purchase days at varied rhythms (some
    /// falling silent months before the end), plus `one_timers` buying once.
    fn ledger(repeaters: usize, one_timers: usize) -> Ledger {
        let base = NaiveDate::from_ymd_opt(2011, 1, 3).unwrap();
        let day = |offset: usize| {
            base.checked_add_days(chrono::Days::new(offset as u64))
                .unwrap()
                .format("%Y-%m-%d 10:00")
                .to_string()
        };
        let mut customers = Vec::new();
        for i in 0..repeaters {
            let start = (i * 37) % 200;
            let gap = 4 + (i * 13) % 41;
            let times: Vec<String> = (0..2 + i % 4).map(|k| day(start + k * gap)).collect();
            let purchases: Vec<(&str, &str, f64)> = times
                .iter()
                .enumerate()
                .map(|(k, t)| ("x", t.as_str(), 8.0 + ((i * 7 + k * 11) % 40) as f64))
                .collect();
            customers.push(customer(&format!("R{i}"), &purchases));
        }
        for i in 0..one_timers {
            customers.push(customer(
                &format!("O{i}"),
                &[("d", &day((i * 29) % 330), 12.0)],
            ));
        }
        Ledger {
            customers,
            monthly: vec![],
            net_returns: false,
        }
    }

    /// Customers who keep buying every few weeks up to the last days, and
    /// one-timers: no one is seen to drop out.
    fn nobody_leaves() -> Ledger {
        let base = NaiveDate::from_ymd_opt(2011, 1, 3).unwrap();
        let mut customers = Vec::new();
        for i in 0..40usize {
            let gap = 14 + i % 9;
            let days: Vec<String> = (0..)
                .map(|k| i % 11 + k * gap)
                .take_while(|&d| d <= 335)
                .map(|d| {
                    base.checked_add_days(chrono::Days::new(d as u64))
                        .unwrap()
                        .format("%Y-%m-%d 10:00")
                        .to_string()
                })
                .collect();
            let purchases: Vec<(&str, &str, f64)> = days
                .iter()
                .enumerate()
                .map(|(k, d)| ("x", d.as_str(), 12.0 + ((i * 7 + k * 13) % 40) as f64))
                .collect();
            customers.push(customer(&format!("S{i}"), &purchases));
        }
        for i in 0..20usize {
            let d = base
                .checked_add_days(chrono::Days::new((i * 17 % 330) as u64))
                .unwrap()
                .format("%Y-%m-%d 10:00")
                .to_string();
            customers.push(customer(&format!("O{i}"), &[("d", &d, 15.0)]));
        }
        Ledger {
            customers,
            monthly: vec![],
            net_returns: false,
        }
    }

    #[test]
    fn a_fit_that_sees_no_dropout_says_what_that_means_and_what_to_try() {
        // Nobody stops buying: b grows without bound and the fit does not
        // converge; the error says what that means and what to try.
        let err = predict(&nobody_leaves(), reference(), &ClvSettings::default()).unwrap_err();
        assert!(
            matches!(
                err,
                ClvError::NoConvergence {
                    model: "BG/NBD",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("P(alive)"), "{err}");
        assert!(err.to_string().contains("penalizer"), "{err}");
        // The varied rhythms of `ledger` do show dropout.
        let varied = predict(&ledger(40, 30), reference(), &ClvSettings::default()).unwrap();
        let p = varied.params.purchase;
        assert!(
            !diagnose(&p, varied.customers.len(), varied.repeat_buyers, 0.0).no_dropout,
            "{p:?}"
        );
    }

    #[test]
    fn too_few_repeat_buyers_and_bad_settings_are_explained() {
        let err = predict(&ledger(3, 40), reference(), &ClvSettings::default()).unwrap_err();
        assert_eq!(
            err,
            ClvError::TooFewRepeatBuyers {
                found: 3,
                needed: 10
            }
        );
        assert!(err.to_string().contains("at least 10 customers"));
        let bad = ClvSettings {
            churn_threshold: 2.0,
            ..Default::default()
        };
        assert!(matches!(
            predict(&ledger(30, 30), reference(), &bad),
            Err(ClvError::BadSetting(_))
        ));
    }

    #[test]
    fn predicts_every_customer_in_ledger_order() {
        let data = ledger(40, 30);
        let report = predict(&data, reference(), &ClvSettings::default()).unwrap();
        assert_eq!(report.repeat_buyers, 40);
        let ids: Vec<&str> = report
            .customers
            .iter()
            .map(|c| c.customer_id.as_str())
            .collect();
        let expected: Vec<&str> = data.customers.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, expected);
        for c in &report.customers {
            assert!((0.0..=1.0).contains(&c.p_alive), "{c:?}");
            assert!(c.expected_purchases >= 0.0 && c.clv >= 0.0, "{c:?}");
        }
        // One-timers are "alive" in BG/NBD, so never on the churn list.
        assert!(report
            .churn_list(usize::MAX)
            .iter()
            .all(|r| r.customer_id.starts_with('R')));
        // Same input, same output.
        assert_eq!(
            predict(&data, reference(), &ClvSettings::default()).unwrap(),
            report
        );
    }

    #[test]
    fn the_spend_model_leaves_out_non_positive_repeat_spend_and_says_how_many() {
        let mut data = ledger(40, 30);
        assert_eq!(
            predict(&data, reference(), &ClvSettings::default())
                .unwrap()
                .spend_left_out,
            0
        );
        // R0's repeat purchases become refunds (a file with cancellations kept).
        for p in data.customers[0].purchases.iter_mut().skip(1) {
            p.amount = -p.amount;
        }
        let report = predict(&data, reference(), &ClvSettings::default()).unwrap();
        assert_eq!(report.spend_left_out, 1);
    }

    #[test]
    fn predictions_csv_has_a_row_per_customer_and_neutralised_ids() {
        let mut data = ledger(40, 30);
        data.customers[0].id = "=HYPERLINK(\"x\")".into();
        let report = predict(&data, reference(), &ClvSettings::default()).unwrap();
        let mut out = Vec::new();
        export::write_predictions_csv(&mut out, &report).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 71);
        assert_eq!(
            lines[0],
            "customer_id,p_alive,expected_purchases_next_90_days,expected_value_per_purchase,clv_12_months,total_spent,likely_to_churn_p_alive_below_0.5,purchase_model"
        );
        assert!(
            lines[1].starts_with("\"'=HYPERLINK(\"\"x\"\")\","),
            "{}",
            lines[1]
        );
        let churners = lines.iter().filter(|l| l.ends_with(",true,BG/NBD")).count();
        assert_eq!(churners, report.churn_list(usize::MAX).len());
    }
}
