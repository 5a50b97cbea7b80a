//! The per-customer aggregate that ingest produces and analysis consumes.
//!
//! Memory grows with customers × invoices, not with rows: lines of the same
//! invoice are folded into one [`Purchase`] as they stream in.

use chrono::{NaiveDate, NaiveDateTime};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// One invoice (order) of one customer, after cleaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Purchase {
    /// Invoice / order id as written in the file (empty if the file has none:
    /// then every line is its own purchase).
    pub invoice: CompactString,
    /// Timestamp of the invoice (earliest line seen for it).
    pub at: NaiveDateTime,
    /// Sum of quantity × unit price (or of line amounts) over the invoice's kept lines.
    pub amount: f64,
}

/// Everything known about one customer after ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerHistory {
    /// Normalised customer id (`17850.0` → `17850`, trimmed).
    pub id: String,
    /// Country of the customer's first kept line, if the file has a country column.
    pub country: Option<String>,
    /// Purchases in file order (not necessarily sorted by date).
    pub purchases: Vec<Purchase>,
    /// The value of the customer's cancellations and returns (positive), in
    /// file order; only kept when the ledger is for net revenue.
    #[serde(default)]
    pub returns: Vec<Returned>,
}

/// A cancellation or return line set aside by cleaning, kept for net revenue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Returned {
    pub at: NaiveDateTime,
    /// The value given back: −(quantity × price), positive.
    pub amount: f64,
}

/// Revenue of kept lines per calendar month, for the "revenue over time" chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRevenue {
    /// First day of the month.
    pub month: NaiveDate,
    pub revenue: f64,
    pub orders: u64,
}

/// The result of ingest: customers in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub customers: Vec<CustomerHistory>,
    /// Sorted by month, ascending.
    pub monthly: Vec<MonthlyRevenue>,
    /// Whether each customer's cancellations and returns are kept
    /// ([`CustomerHistory::returns`]): then monetary is net revenue.
    #[serde(default)]
    pub net_returns: bool,
}

impl Ledger {
    /// Earliest and latest purchase timestamps, or `None` for an empty ledger.
    pub fn date_range(&self) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let mut dates = self
            .customers
            .iter()
            .flat_map(|c| c.purchases.iter().map(|p| p.at));
        let first = dates.next()?;
        Some(dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d))))
    }

    pub fn purchase_count(&self) -> usize {
        self.customers.iter().map(|c| c.purchases.len()).sum()
    }

    pub fn revenue(&self) -> f64 {
        self.customers
            .iter()
            .flat_map(|c| c.purchases.iter())
            .map(|p| p.amount)
            .sum()
    }
}
