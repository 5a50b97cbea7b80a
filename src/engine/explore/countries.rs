//! Revenue, orders and customers by country: a customer's country as ingest
//! assigns it (the first non-empty country of its kept lines), so all of a
//! customer's purchases count for one country. The top [`TOP`] countries
//! by revenue, the rest as one "Other" row.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TOP;
use crate::engine::ledger::Ledger;

/// Customers whose country cells were all empty.
pub const NO_COUNTRY: &str = "(no country)";
pub const OTHER: &str = "Other";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryRow {
    pub country: String,
    pub revenue: f64,
    /// Purchases (orders after cleaning).
    pub orders: u64,
    pub customers: u64,
    /// Of the ledger's revenue, 0..=1.
    pub revenue_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryTable {
    /// The top countries by revenue (ties by name), descending.
    pub rows: Vec<CountryRow>,
    /// The other countries together, if any.
    pub other: Option<CountryRow>,
    /// How many countries `other` holds.
    pub other_countries: usize,
}

pub fn by_country(ledger: &Ledger) -> CountryTable {
    let mut totals: BTreeMap<&str, (f64, u64, u64)> = BTreeMap::new();
    for customer in &ledger.customers {
        let country = customer.country.as_deref().unwrap_or(NO_COUNTRY);
        let entry = totals.entry(country).or_default();
        entry.0 += customer.purchases.iter().map(|p| p.amount).sum::<f64>();
        entry.1 += customer.purchases.len() as u64;
        entry.2 += 1;
    }
    let revenue: f64 = totals.values().map(|t| t.0).sum();
    let share = |part: f64| if revenue > 0.0 { part / revenue } else { 0.0 };
    let mut rows: Vec<CountryRow> = totals
        .into_iter()
        .map(|(country, (revenue, orders, customers))| CountryRow {
            country: country.to_string(),
            revenue,
            orders,
            customers,
            revenue_share: share(revenue),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then_with(|| a.country.cmp(&b.country))
    });
    let rest = rows.split_off(rows.len().min(TOP));
    let other_countries = rest.len();
    let other = (!rest.is_empty()).then(|| {
        let revenue: f64 = rest.iter().map(|r| r.revenue).sum();
        CountryRow {
            country: OTHER.to_string(),
            revenue,
            orders: rest.iter().map(|r| r.orders).sum(),
            customers: rest.iter().map(|r| r.customers).sum(),
            revenue_share: share(revenue),
        }
    });
    CountryTable {
        rows,
        other,
        other_countries,
    }
}
