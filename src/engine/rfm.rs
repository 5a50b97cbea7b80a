//! Recency, frequency, monetary per customer, with explicit definitions.

use super::error::AnalysisError;
use super::ledger::Ledger;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What counts as one purchase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PurchaseUnit {
    /// Each invoice / order (default).
    #[default]
    Invoice,
    /// Each calendar day with at least one invoice.
    Day,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MonetaryMode {
    /// Sum over all purchases (default).
    #[default]
    Total,
    /// Total divided by frequency.
    MeanPerPurchase,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferenceDate {
    /// The day after the last purchase date in the data (default).
    #[default]
    DayAfterLast,
    /// "As of" a chosen date; purchases on or after it are ignored.
    Fixed(NaiveDate),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmSettings {
    pub purchase: PurchaseUnit,
    pub monetary: MonetaryMode,
    pub reference: ReferenceDate,
}

impl RfmSettings {
    /// The definitions of an imported table: only what its headers say.
    pub fn describe_imported(&self, reference_date: NaiveDate) -> String {
        let purchase = match self.purchase {
            PurchaseUnit::Invoice => "frequency counts purchases",
            PurchaseUnit::Day => "frequency counts days with purchases",
        };
        let monetary = match self.monetary {
            MonetaryMode::Total => "monetary is the total spent",
            MonetaryMode::MeanPerPurchase => "monetary is the mean spent per purchase",
        };
        format!("{purchase}; {monetary}; recency counts days to {reference_date}")
    }

    /// One line for the UI and exports.
    pub fn describe(&self, reference_date: NaiveDate) -> String {
        let purchase = match self.purchase {
            PurchaseUnit::Invoice => "a purchase is an invoice",
            PurchaseUnit::Day => "a purchase is a calendar day with orders",
        };
        let monetary = match self.monetary {
            MonetaryMode::Total => "monetary is the total spent",
            MonetaryMode::MeanPerPurchase => "monetary is the mean spent per purchase",
        };
        let reference = match self.reference {
            ReferenceDate::DayAfterLast => {
                format!("recency counts days to {reference_date} (the day after the last purchase)")
            }
            ReferenceDate::Fixed(_) => format!("recency counts days to {reference_date} (chosen)"),
        };
        format!("{purchase}; {monetary}; {reference}")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmRow {
    pub customer_id: String,
    pub country: Option<String>,
    /// Whole days from the last purchase's date to the reference date (≥ 1 by default).
    pub recency_days: i64,
    pub frequency: u32,
    pub monetary: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmTable {
    pub settings: RfmSettings,
    pub reference_date: NaiveDate,
    pub rows: Vec<RfmRow>,
    /// Customers left out because all their purchases were after a fixed reference date.
    pub skipped_after_reference: usize,
    /// Monetary is net revenue: each customer's cancellations and returns
    /// before the reference date subtracted, never below 0.
    #[serde(default)]
    pub net_of_returns: bool,
}

/// What the definitions line adds for net revenue.
pub const NET_OF_RETURNS: &str =
    "each customer's cancellations and returns are subtracted from monetary (net revenue, never below 0)";

pub fn compute(ledger: &Ledger, settings: &RfmSettings) -> Result<RfmTable, AnalysisError> {
    let (first, last) = ledger.date_range().ok_or(AnalysisError::NoCustomers)?;
    let reference_date = match settings.reference {
        ReferenceDate::DayAfterLast => last
            .date()
            .checked_add_days(Days::new(1))
            .unwrap_or(last.date()),
        ReferenceDate::Fixed(date) if date <= first.date() => {
            return Err(AnalysisError::ReferenceTooEarly {
                reference: date.to_string(),
                first: first.date().to_string(),
            })
        }
        ReferenceDate::Fixed(date) => date,
    };
    let mut rows = Vec::with_capacity(ledger.customers.len());
    let mut skipped = 0;
    for customer in &ledger.customers {
        // Purchase date → amount, merged per day when a purchase is a day.
        let mut purchases: Vec<(NaiveDate, f64)> = Vec::with_capacity(customer.purchases.len());
        for p in customer
            .purchases
            .iter()
            .filter(|p| p.at.date() < reference_date)
        {
            if !p.amount.is_finite() {
                return Err(AnalysisError::NonFiniteAmount {
                    customer: customer.id.clone(),
                });
            }
            purchases.push((p.at.date(), p.amount));
        }
        if settings.purchase == PurchaseUnit::Day {
            let mut by_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
            for (day, amount) in purchases.drain(..) {
                *by_day.entry(day).or_default() += amount;
            }
            purchases.extend(by_day);
        }
        let Some(last_date) = purchases.iter().map(|p| p.0).max() else {
            skipped += 1;
            continue;
        };
        let frequency = purchases.len() as u32;
        let mut total: f64 = purchases.iter().map(|p| p.1).sum();
        if ledger.net_returns {
            let returned: f64 = customer
                .returns
                .iter()
                .filter(|r| r.at.date() < reference_date && r.amount.is_finite())
                .map(|r| r.amount)
                .sum();
            total = (total - returned).max(0.0);
        }
        rows.push(RfmRow {
            customer_id: customer.id.clone(),
            country: customer.country.clone(),
            recency_days: (reference_date - last_date).num_days(),
            frequency,
            monetary: match settings.monetary {
                MonetaryMode::Total => total,
                MonetaryMode::MeanPerPurchase => total / f64::from(frequency),
            },
        });
    }
    if rows.is_empty() {
        return Err(AnalysisError::NoCustomers);
    }
    Ok(RfmTable {
        settings: *settings,
        reference_date,
        rows,
        skipped_after_reference: skipped,
        net_of_returns: ledger.net_returns,
    })
}

/// Median of a list (mean of the middle two for even lengths).
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().collect();
    if v.is_empty() {
        return 0.0;
    }
    // The middle values by selection, not a sort of everyone.
    let (mid, even) = (v.len() / 2, v.len().is_multiple_of(2));
    let (below, middle, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    let middle = *middle;
    match below.iter().copied().max_by(f64::total_cmp) {
        Some(lower) if even => (lower + middle) / 2.0,
        _ => middle,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::ledger::{CustomerHistory, Purchase};
    use chrono::NaiveDateTime;

    pub fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    pub fn customer(id: &str, purchases: &[(&str, &str, f64)]) -> CustomerHistory {
        CustomerHistory {
            id: id.into(),
            country: Some("UK".into()),
            purchases: purchases
                .iter()
                .map(|(inv, t, a)| Purchase {
                    invoice: (*inv).into(),
                    at: at(t),
                    amount: *a,
                })
                .collect(),
            returns: Vec::new(),
        }
    }

    /// A table of customers "0", "1", … with the given (recency, frequency, monetary).
    pub fn table_of(rows: &[(i64, u32, f64)]) -> RfmTable {
        RfmTable {
            settings: RfmSettings::default(),
            reference_date: NaiveDate::from_ymd_opt(2011, 12, 10).unwrap(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, &(r, f, m))| RfmRow {
                    customer_id: i.to_string(),
                    country: None,
                    recency_days: r,
                    frequency: f,
                    monetary: m,
                })
                .collect(),
            skipped_after_reference: 0,
            net_of_returns: false,
        }
    }

    fn ledger() -> Ledger {
        Ledger {
            customers: vec![
                // Two invoices on the same day, one a month earlier.
                customer(
                    "A",
                    &[
                        ("1", "2011-11-01 10:00", 10.0),
                        ("2", "2011-12-01 09:00", 20.0),
                        ("3", "2011-12-01 15:00", 30.0),
                    ],
                ),
                customer("B", &[("4", "2011-12-09 12:50", 5.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        }
    }

    #[test]
    fn default_definitions() {
        let t = compute(&ledger(), &RfmSettings::default()).unwrap();
        assert_eq!(
            t.reference_date,
            NaiveDate::from_ymd_opt(2011, 12, 10).unwrap()
        );
        let a = &t.rows[0];
        assert_eq!((a.recency_days, a.frequency, a.monetary), (9, 3, 60.0));
        let b = &t.rows[1];
        assert_eq!((b.recency_days, b.frequency, b.monetary), (1, 1, 5.0));
    }

    #[test]
    fn day_purchases_and_mean_monetary() {
        let s = RfmSettings {
            purchase: PurchaseUnit::Day,
            monetary: MonetaryMode::MeanPerPurchase,
            ..Default::default()
        };
        let t = compute(&ledger(), &s).unwrap();
        assert_eq!((t.rows[0].frequency, t.rows[0].monetary), (2, 30.0));
    }

    #[test]
    fn fixed_reference_date_ignores_later_purchases() {
        let s = RfmSettings {
            reference: ReferenceDate::Fixed(NaiveDate::from_ymd_opt(2011, 12, 1).unwrap()),
            ..Default::default()
        };
        let t = compute(&ledger(), &s).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(
            (
                t.rows[0].recency_days,
                t.rows[0].frequency,
                t.rows[0].monetary
            ),
            (30, 1, 10.0)
        );
        assert_eq!(t.skipped_after_reference, 1);
        let too_early = RfmSettings {
            reference: ReferenceDate::Fixed(NaiveDate::from_ymd_opt(2011, 1, 1).unwrap()),
            ..Default::default()
        };
        assert!(matches!(
            compute(&ledger(), &too_early),
            Err(AnalysisError::ReferenceTooEarly { .. })
        ));
    }

    #[test]
    fn empty_and_non_finite() {
        assert_eq!(
            compute(&Ledger::default(), &RfmSettings::default()),
            Err(AnalysisError::NoCustomers)
        );
        let mut l = ledger();
        l.customers[1].purchases[0].amount = f64::NAN;
        assert!(matches!(
            compute(&l, &RfmSettings::default()),
            Err(AnalysisError::NonFiniteAmount { .. })
        ));
        assert_eq!(median([3.0, 1.0, 2.0, 10.0]), 2.5);
    }

    #[test]
    fn median_is_the_middle_of_the_sorted_values() {
        let sorted_median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            match v.len() % 2 {
                0 => (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0,
                _ => v[v.len() / 2],
            }
        };
        assert_eq!(median([]), 0.0);
        assert_eq!(median([4.0]), 4.0);
        assert_eq!(median([9.0, 1.0, 5.0]), 5.0);
        for n in 1..60 {
            // Repeats and a spread of magnitudes, in a scrambled order.
            let v: Vec<f64> = (0..n)
                .map(|i| ((i * 37 + 11) % 23) as f64 * 1.5 - 7.0)
                .collect();
            assert_eq!(
                median(v.clone()).to_bits(),
                sorted_median(v).to_bits(),
                "n = {n}"
            );
        }
    }
}
