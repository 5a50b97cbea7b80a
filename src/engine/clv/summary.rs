//! Per-customer frequency / recency / age / repeat spend, with the exact
//! conventions of lifetimes' `summary_data_from_transaction_data(freq="D")`:
//! purchases are calendar days (a day's invoices are summed), the first day is
//! not a repeat, and the observation ends on the day before the reference date.

use super::error::ClvError;
use crate::engine::ledger::Ledger;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// What the BG/NBD and Gamma-Gamma models see of one customer (times in days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub customer_id: String,
    /// Repeat purchase days: distinct purchase days − 1 (x in the literature).
    pub frequency: u32,
    /// Days from the first to the last purchase day (t_x).
    pub recency: f64,
    /// Days from the first purchase day to the end of observation (T).
    pub age: f64,
    /// Mean spend of the repeat purchase days; 0 when there are none.
    pub monetary_value: f64,
    /// Everything spent in the observation period, first day included.
    pub total_spent: f64,
}

/// The summaries in ledger order (the RFM table's order), skipping customers
/// whose purchases are all on or after `reference_date`.
pub fn summarize(
    ledger: &Ledger,
    reference_date: NaiveDate,
) -> Result<Vec<CustomerSummary>, ClvError> {
    // lifetimes keeps purchases up to and including its observation end, the last day observed.
    let observation_end = reference_date
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| ClvError::NoObservationPeriod {
            reference: reference_date.to_string(),
        })?;
    let mut summaries = Vec::with_capacity(ledger.customers.len());
    let mut days: Vec<(NaiveDate, f64)> = Vec::new();
    for customer in &ledger.customers {
        days.clear();
        for p in &customer.purchases {
            if !p.amount.is_finite() {
                return Err(ClvError::NonFiniteAmount {
                    customer: customer.id.clone(),
                });
            }
            if p.at.date() <= observation_end {
                days.push((p.at.date(), p.amount));
            }
        }
        if days.is_empty() {
            continue;
        }
        days.sort_by_key(|d| d.0);
        let merged = merge_days(&days);
        let (first, last) = (merged[0].0, merged[merged.len() - 1].0);
        let repeats = &merged[1..];
        let monetary_value = if repeats.is_empty() {
            0.0
        } else {
            repeats.iter().map(|d| d.1).sum::<f64>() / repeats.len() as f64
        };
        summaries.push(CustomerSummary {
            customer_id: customer.id.clone(),
            frequency: repeats.len() as u32,
            recency: (last - first).num_days() as f64,
            age: (observation_end - first).num_days() as f64,
            monetary_value,
            total_spent: merged.iter().map(|d| d.1).sum(),
        });
    }
    if summaries.is_empty() {
        return Err(ClvError::NoCustomers {
            reference: reference_date.to_string(),
        });
    }
    Ok(summaries)
}

/// Date-sorted purchases → one (day, summed amount) per distinct day.
pub(super) fn merge_days(sorted: &[(NaiveDate, f64)]) -> Vec<(NaiveDate, f64)> {
    let mut merged: Vec<(NaiveDate, f64)> = Vec::with_capacity(sorted.len());
    for &(day, amount) in sorted {
        match merged.last_mut() {
            Some(last) if last.0 == day => last.1 += amount,
            _ => merged.push((day, amount)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rfm::tests::customer;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_are_purchases_and_the_first_is_not_a_repeat() {
        let ledger = Ledger {
            customers: vec![
                // Out of order, two invoices on 2011-12-01, one after the observation end.
                customer(
                    "A",
                    &[
                        ("2", "2011-12-01 09:00", 20.0),
                        ("1", "2011-11-01 10:00", 10.0),
                        ("3", "2011-12-01 15:00", 30.0),
                        ("4", "2011-11-20 23:59", 7.0),
                        ("5", "2011-12-10 08:00", 99.0),
                    ],
                ),
                customer("B", &[("6", "2011-12-09 12:50", 5.0)]),
                customer("C", &[("7", "2011-12-10 12:50", 5.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        };
        let s = summarize(&ledger, date("2011-12-10")).unwrap();
        assert_eq!(s.len(), 2, "C only bought on the reference date");
        let a = &s[0];
        assert_eq!(a.customer_id, "A");
        assert_eq!(a.frequency, 2);
        assert_eq!(a.recency, 30.0);
        // Observation ends 2011-12-09: 38 days after 2011-11-01.
        assert_eq!(a.age, 38.0);
        assert_eq!(a.monetary_value, (7.0 + 50.0) / 2.0);
        assert_eq!(a.total_spent, 67.0);
        let b = &s[1];
        assert_eq!(
            (b.frequency, b.recency, b.age, b.monetary_value),
            (0, 0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn empty_and_non_finite() {
        assert!(matches!(
            summarize(&Ledger::default(), date("2011-12-10")),
            Err(ClvError::NoCustomers { .. })
        ));
        let mut ledger = Ledger {
            customers: vec![customer("A", &[("1", "2011-11-01 10:00", 10.0)])],
            monthly: vec![],
            net_returns: false,
        };
        ledger.customers[0].purchases[0].amount = f64::INFINITY;
        assert!(matches!(
            summarize(&ledger, date("2011-12-10")),
            Err(ClvError::NonFiniteAmount { .. })
        ));
    }
}
