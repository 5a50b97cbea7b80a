//! Month by month: new vs returning customers (from the ledger), and the
//! share of parsed lines set aside as cancellations or returns (counted
//! during ingest, before those lines are dropped).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::lines::{month_key, LineTotals, MonthKey};
use crate::engine::ledger::Ledger;

/// Customers with a purchase in `month`: new (their first kept purchase is
/// in this month) or returning (it was in an earlier month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomersInMonth {
    /// First day of the month.
    pub month: NaiveDate,
    pub new: u64,
    pub returning: u64,
}

/// Lines of `month` set aside by the cancellation and the return rules
/// (counted when the rule is on), over all lines of that month that parsed
/// (whatever later happened to them). Lines, not revenue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAsideInMonth {
    pub month: NaiveDate,
    pub parsed_lines: u64,
    pub cancellations: u64,
    pub returns: u64,
    /// (cancellations + returns) / parsed lines.
    pub share: f64,
}

fn month_start(key: MonthKey) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(key.div_euclid(12), key.rem_euclid(12) as u32 + 1, 1)
}

pub fn new_and_returning(ledger: &Ledger) -> Vec<CustomersInMonth> {
    let mut counts: BTreeMap<MonthKey, (u64, u64)> = BTreeMap::new();
    let mut months: Vec<MonthKey> = Vec::new();
    for customer in &ledger.customers {
        months.clear();
        months.extend(customer.purchases.iter().map(|p| month_key(p.at)));
        months.sort_unstable();
        months.dedup();
        let Some(&first) = months.first() else {
            continue;
        };
        for &month in &months {
            let entry = counts.entry(month).or_default();
            match month == first {
                true => entry.0 += 1,
                false => entry.1 += 1,
            }
        }
    }
    counts
        .into_iter()
        .filter_map(|(key, (new, returning))| {
            Some(CustomersInMonth {
                month: month_start(key)?,
                new,
                returning,
            })
        })
        .collect()
}

pub fn set_aside(lines: &LineTotals) -> Vec<SetAsideInMonth> {
    let mut months: Vec<_> = lines.months.iter().collect();
    months.sort_by_key(|(key, _)| **key);
    months
        .into_iter()
        .filter_map(|(&key, counts)| {
            let set_aside = counts.cancellations + counts.returns;
            Some(SetAsideInMonth {
                month: month_start(key)?,
                parsed_lines: counts.parsed,
                cancellations: counts.cancellations,
                returns: counts.returns,
                share: match counts.parsed {
                    0 => 0.0,
                    parsed => set_aside as f64 / parsed as f64,
                },
            })
        })
        .collect()
}
