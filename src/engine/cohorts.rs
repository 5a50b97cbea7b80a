//! Monthly cohort retention: customers grouped by the month of their first
//! purchase, and for each later month the share of the cohort that bought
//! in it. Computed from all purchases of the cleaned ledger (a fixed
//! reference date does not cut them), so it needs transactions: an imported
//! RFM table has no cohorts.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ledger::Ledger;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CohortTable {
    /// Every calendar month from the first purchase's to the last's, as
    /// `YYYY-MM`; cohort `i` is the customers whose first purchase was in
    /// `months[i]`.
    pub months: Vec<String>,
    /// Customers per cohort (0 for a month in which nobody bought for the
    /// first time).
    pub sizes: Vec<usize>,
    /// `retention[i][m]`: share of cohort `i` that bought in month `i + m`
    /// (so `retention[i][0]` is 1). `None` past the data's last month, and
    /// for every cell of an empty cohort. Every row has `months.len()` cells.
    pub retention: Vec<Vec<Option<f64>>>,
    /// Customers whose first purchase is before the first month shown (the
    /// table covers at most [`MAX_COHORT_MONTHS`]).
    #[serde(default)]
    pub earlier_customers: usize,
}

/// The most months the table covers (the last ones): its size grows with
/// the square of the months, and a date typo must not make it huge.
pub const MAX_COHORT_MONTHS: i64 = 120;

/// Months since year 0: consecutive months are consecutive numbers.
fn month_number(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

fn month_label(number: i64) -> String {
    format!(
        "{:04}-{:02}",
        number.div_euclid(12),
        number.rem_euclid(12) + 1
    )
}

pub fn compute(ledger: &Ledger) -> CohortTable {
    // Per customer: the months they bought in, sorted and deduplicated.
    let histories: Vec<Vec<i64>> = ledger
        .customers
        .iter()
        .map(|customer| {
            let mut months: Vec<i64> = customer
                .purchases
                .iter()
                .map(|p| month_number(p.at.date()))
                .collect();
            months.sort_unstable();
            months.dedup();
            months
        })
        .filter(|months| !months.is_empty())
        .collect();
    let bounds = histories
        .iter()
        .filter_map(|months| Some((*months.first()?, *months.last()?)))
        .reduce(|(lo, hi), (first, last)| (lo.min(first), hi.max(last)));
    let Some((first_month, last_month)) = bounds else {
        return CohortTable::default();
    };
    let first_month = first_month.max(last_month - (MAX_COHORT_MONTHS - 1));
    let (histories, earlier): (Vec<_>, Vec<_>) = histories
        .into_iter()
        .partition(|months| months.first().is_some_and(|&first| first >= first_month));
    let span = usize::try_from(last_month - first_month + 1).unwrap_or(0);
    let index = |month: i64| usize::try_from(month - first_month).unwrap_or(0);

    let mut sizes = vec![0usize; span];
    // Buyers per (cohort, months since first purchase).
    let mut buyers = vec![vec![0usize; span]; span];
    for months in &histories {
        let Some(&cohort_month) = months.first() else {
            continue;
        };
        let cohort = index(cohort_month);
        if let Some(size) = sizes.get_mut(cohort) {
            *size += 1;
        }
        for &month in months {
            let since = index(month) - cohort;
            if let Some(cell) = buyers.get_mut(cohort).and_then(|row| row.get_mut(since)) {
                *cell += 1;
            }
        }
    }
    let retention = buyers
        .iter()
        .enumerate()
        .map(|(cohort, row)| {
            let size = sizes.get(cohort).copied().unwrap_or(0);
            let observable = span - cohort;
            row.iter()
                .enumerate()
                .map(|(since, &count)| {
                    (size > 0 && since < observable).then(|| count as f64 / size as f64)
                })
                .collect()
        })
        .collect();
    CohortTable {
        months: (first_month..=last_month).map(month_label).collect(),
        sizes,
        retention,
        earlier_customers: earlier.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rfm::tests::customer;

    fn ledger() -> Ledger {
        Ledger {
            customers: vec![
                // January cohort: a buys in Jan, Feb, Apr; b in Jan (twice) and Mar;
                // c in Jan only; d in Jan and Feb.
                customer(
                    "a",
                    &[
                        ("1", "2011-02-03 10:00", 5.0),
                        ("2", "2011-01-31 23:59", 5.0),
                        ("3", "2011-04-01 00:00", 5.0),
                    ],
                ),
                customer(
                    "b",
                    &[
                        ("4", "2011-01-02 10:00", 5.0),
                        ("5", "2011-01-20 10:00", 5.0),
                        ("6", "2011-03-15 10:00", 5.0),
                    ],
                ),
                customer("c", &[("7", "2011-01-05 10:00", 5.0)]),
                customer(
                    "d",
                    &[
                        ("8", "2011-01-09 10:00", 5.0),
                        ("9", "2011-02-09 10:00", 5.0),
                    ],
                ),
                // March cohort: e buys in Mar and Apr, f in Mar only.
                customer(
                    "e",
                    &[
                        ("10", "2011-03-01 10:00", 5.0),
                        ("11", "2011-04-30 10:00", 5.0),
                    ],
                ),
                customer("f", &[("12", "2011-03-02 10:00", 5.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        }
    }

    #[test]
    fn hand_computed_retention() {
        let t = compute(&ledger());
        assert_eq!(t.months, ["2011-01", "2011-02", "2011-03", "2011-04"]);
        assert_eq!(t.sizes, [4, 0, 2, 0]);
        // January: 4/4 in Jan; a, d in Feb (2/4); b in Mar (1/4); a in Apr (1/4).
        assert_eq!(
            t.retention[0],
            [Some(1.0), Some(0.5), Some(0.25), Some(0.25)]
        );
        // February: nobody started then.
        assert_eq!(t.retention[1], [None, None, None, None]);
        // March: 2/2 in Mar, e in Apr (1/2); May and later not observed.
        assert_eq!(t.retention[2], [Some(1.0), Some(0.5), None, None]);
        assert_eq!(t.retention[3], [None, None, None, None]);
    }

    #[test]
    fn a_century_of_dates_keeps_the_last_ten_years() {
        let ledger = Ledger {
            customers: vec![
                // A typo's year: this customer's first purchase is before the window.
                customer(
                    "old",
                    &[
                        ("1", "1900-01-01 10:00", 1.0),
                        ("2", "2011-03-01 10:00", 1.0),
                    ],
                ),
                customer("new", &[("3", "2011-02-01 10:00", 1.0)]),
                customer("edge", &[("4", "2001-04-30 10:00", 1.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        };
        let t = compute(&ledger);
        assert_eq!(t.months.len(), 120);
        // 2011-03 and the 119 months before it: 2001-04 … 2011-03.
        assert_eq!(t.months.first().map(String::as_str), Some("2001-04"));
        assert_eq!(t.months.last().map(String::as_str), Some("2011-03"));
        assert_eq!(t.earlier_customers, 1);
        assert_eq!(t.sizes.iter().sum::<usize>(), 2);
        assert_eq!((t.sizes[0], t.sizes[118]), (1, 1));
        assert!(t.retention.iter().all(|row| row.len() == 120));
    }

    #[test]
    fn crosses_the_year_and_handles_empty() {
        let ledger = Ledger {
            customers: vec![
                customer(
                    "a",
                    &[
                        ("1", "2010-12-01 10:00", 1.0),
                        ("2", "2011-01-01 10:00", 1.0),
                    ],
                ),
                customer("b", &[("3", "2010-12-24 10:00", 1.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        };
        let t = compute(&ledger);
        assert_eq!(t.months, ["2010-12", "2011-01"]);
        assert_eq!(t.retention[0], [Some(1.0), Some(0.5)]);
        assert_eq!(compute(&Ledger::default()), CohortTable::default());
    }
}
