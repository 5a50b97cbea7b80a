//! Per-order figures, from the ledger's purchases at the end of ingest:
//! order values, items per order, and orders by weekday × hour.

use chrono::{Datelike, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::histogram::{histogram, Histogram};
use super::Facet;
use crate::engine::ingest::aggregate::LedgerFacts;
use crate::engine::ingest::dates::{DateFormat, DateKind};
use crate::engine::ledger::Ledger;

/// What "items" counts in [`ItemsPerOrder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemsMeasure {
    /// Units: the quantities of an order's kept lines summed.
    Quantity,
    /// Kept lines (the file has no quantity column).
    Lines,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemsPerOrder {
    pub measure: ItemsMeasure,
    pub histogram: Histogram,
}

/// Purchases by the weekday (Monday first) and hour of their timestamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekdayHour {
    pub counts: [[u64; 24]; 7],
}

pub fn order_values(ledger: &Ledger) -> Histogram {
    let amounts: Vec<f64> = ledger
        .customers
        .iter()
        .flat_map(|c| c.purchases.iter().map(|p| p.amount))
        .collect();
    histogram(&amounts)
}

pub fn items_per_order(facts: &LedgerFacts, has_quantity: bool) -> ItemsPerOrder {
    ItemsPerOrder {
        measure: match has_quantity {
            true => ItemsMeasure::Quantity,
            false => ItemsMeasure::Lines,
        },
        histogram: histogram(&facts.items),
    }
}

/// Whether the file's dates carry a time of day. The date format says so
/// (`… H:MM`, `YYYYMMDDHHMM`, Unix time); Excel serials carry one only in
/// their fraction, so for them the purchases decide.
pub fn carries_time(format: &DateFormat, ledger: &Ledger) -> bool {
    match format.kind {
        DateKind::EpochSeconds | DateKind::EpochMillis => true,
        DateKind::Compact | DateKind::Separated | DateKind::MonthName => {
            format.description.contains("H:MM") || format.description.contains("HHMM")
        }
        DateKind::ExcelSerial => ledger
            .customers
            .iter()
            .flat_map(|c| &c.purchases)
            .any(|p| p.at.time() != NaiveTime::MIN),
    }
}

pub fn weekday_hour(ledger: &Ledger, format: &DateFormat) -> Facet<WeekdayHour> {
    if !carries_time(format, ledger) {
        return Facet::Missing {
            needs: format!(
                "dates with a time of day, e.g. 2011-12-09 12:50 (this file's dates are {}, \
                 the day only)",
                format.description
            ),
        };
    }
    let mut counts = [[0u64; 24]; 7];
    for purchase in ledger.customers.iter().flat_map(|c| &c.purchases) {
        let day = purchase.at.weekday().num_days_from_monday() as usize;
        let hour = purchase.at.hour() as usize;
        if let Some(count) = counts.get_mut(day).and_then(|row| row.get_mut(hour)) {
            *count += 1;
        }
    }
    Facet::Available(WeekdayHour { counts })
}
