//! Segment migration: the RFM segments of the same customers at an earlier
//! "as of" date, and how they moved since. The earlier segments use the same
//! definitions, scoring and scheme as today's, on purchases strictly before
//! the earlier date (the reference date convention of [`rfm::compute`]), so
//! quantile scores then are quantiles of the customers who had bought by
//! then. Customers whose first purchase is on or after that date are "New
//! since".

use super::error::AnalysisError;
use super::ledger::Ledger;
use super::pipeline::Analysis;
use super::rfm::{self, ReferenceDate, RfmSettings};
use super::score;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;

/// The earlier segment of customers who had not bought by the earlier date.
pub const NEW_SINCE: &str = "New since";
/// The earlier date the page offers first: the reference date minus this.
pub const DEFAULT_DAYS_BACK: u64 = 90;
/// How many of the largest flows are put in words.
pub const TOP_FLOWS: usize = 5;

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum MigrationError {
    #[error("the earlier date must be before the reference date {reference} (got {as_of}); choose an earlier date")]
    NotBeforeReference { as_of: String, reference: String },
    #[error("the earlier date must be after the first purchase ({first}): on {as_of} nobody had bought yet; choose a later date")]
    BeforeFirstPurchase { as_of: String, first: String },
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

/// A flow between two segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub customers: usize,
    /// "212 Loyal customers became At Risk".
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// The earlier date: purchases strictly before it count.
    pub as_of: NaiveDate,
    /// Today's reference date.
    pub reference_date: NaiveDate,
    /// Row labels: the earlier segments (best first), then [`NEW_SINCE`].
    pub from: Vec<String>,
    /// Column labels: today's segments, in the same order as `from`.
    pub to: Vec<String>,
    /// `counts[row][column]` customers; the sum is today's customers.
    pub counts: Vec<Vec<usize>>,
    /// Each current customer's earlier segment, in the analysis' table order.
    pub previous: Vec<String>,
    /// The largest moves between different segments, largest first.
    pub flows: Vec<Flow>,
    /// Customers who had bought by the earlier date.
    pub earlier_customers: usize,
    pub new_since: usize,
}

/// The reference date minus [`DEFAULT_DAYS_BACK`] days.
pub fn default_as_of(reference_date: NaiveDate) -> NaiveDate {
    reference_date
        .checked_sub_days(Days::new(DEFAULT_DAYS_BACK))
        .unwrap_or(reference_date)
}

/// The segments of `analysis`'s customers at `as_of`, from `ledger` (the
/// purchases the analysis was computed from), and the moves since.
pub fn migrate(
    ledger: &Ledger,
    analysis: &Analysis,
    as_of: NaiveDate,
) -> Result<Migration, MigrationError> {
    let reference_date = analysis.rfm.reference_date;
    if as_of >= reference_date {
        return Err(MigrationError::NotBeforeReference {
            as_of: as_of.to_string(),
            reference: reference_date.to_string(),
        });
    }
    let (first, _) = ledger.date_range().ok_or(AnalysisError::NoCustomers)?;
    if as_of <= first.date() {
        return Err(MigrationError::BeforeFirstPurchase {
            as_of: as_of.to_string(),
            first: first.date().to_string(),
        });
    }
    let settings = &analysis.settings;
    let then = RfmSettings {
        reference: ReferenceDate::Fixed(as_of),
        ..settings.rfm
    };
    let table = rfm::compute(ledger, &then)?;
    let scores = score::score_with(&table, settings.bins(), &settings.scoring)?;
    let earlier_names = settings.scheme.names_of(&scores, &settings.grid);
    let earlier: HashMap<&str, &str> = table
        .rows
        .iter()
        .zip(&earlier_names)
        .map(|(row, name)| (row.customer_id.as_str(), name.as_str()))
        .collect();
    let previous: Vec<String> = analysis
        .rfm
        .rows
        .iter()
        .map(|row| {
            earlier
                .get(row.customer_id.as_str())
                .map_or(NEW_SINCE, |name| name)
                .to_string()
        })
        .collect();
    let order: Vec<String> = settings
        .scheme
        .segment_names(&settings.grid)
        .into_iter()
        .filter(|name| previous.contains(name) || analysis.segments.contains(name))
        .collect();
    let mut from = order.clone();
    from.push(NEW_SINCE.to_string());
    let mut counts = vec![vec![0usize; order.len()]; from.len()];
    let index = |labels: &[String], name: &str| labels.iter().position(|l| l == name);
    for (was, now) in previous.iter().zip(&analysis.segments) {
        if let (Some(r), Some(c)) = (index(&from, was), index(&order, now)) {
            counts[r][c] += 1;
        }
    }
    let flows = largest_flows(&from, &order, &counts);
    let new_since = previous.iter().filter(|p| *p == NEW_SINCE).count();
    Ok(Migration {
        as_of,
        reference_date,
        from,
        to: order,
        counts,
        previous,
        flows,
        earlier_customers: table.rows.len(),
        new_since,
    })
}

/// The [`TOP_FLOWS`] largest moves between two different segments (not from
/// "New since"), largest first, ties in table order.
fn largest_flows(from: &[String], to: &[String], counts: &[Vec<usize>]) -> Vec<Flow> {
    let mut cells: Vec<(usize, usize, usize)> = Vec::new();
    for (r, row) in counts.iter().enumerate() {
        for (c, &n) in row.iter().enumerate() {
            let (Some(was), Some(now)) = (from.get(r), to.get(c)) else {
                continue;
            };
            if n > 0 && was != now && was != NEW_SINCE {
                cells.push((n, r, c));
            }
        }
    }
    cells.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    cells
        .into_iter()
        .take(TOP_FLOWS)
        .filter_map(|(n, r, c)| {
            let (was, now) = (from.get(r)?, to.get(c)?);
            Some(Flow {
                from: was.clone(),
                to: now.clone(),
                customers: n,
                words: flow_words(n, was, now),
            })
        })
        .collect()
}

/// "212 Loyal customers became At Risk"; a plural name stands alone
/// ("3 Champions became Loyal"), one customer is "1 Loyal customer".
pub fn flow_words(customers: usize, from: &str, to: &str) -> String {
    let plural_name = from.ends_with('s') && !from.ends_with("ss");
    let who = match (plural_name, customers) {
        (true, _) => from.to_string(),
        (false, 1) => format!("{from} customer"),
        (false, _) => format!("{from} customers"),
    };
    format!("{customers} {who} became {to}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::pipeline::{analyze, AnalysisSettings};
    use crate::engine::rfm::tests::customer;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Five customers; the analysis runs to 2011-12-10 (day after the last
    /// purchase), the earlier date is 2011-06-01.
    ///
    /// Before 2011-06-01 (reference 2011-06-01), with 3-bin quantile scores:
    /// - a: 2011-05-30 (+ 2011-01-10, 2011-03-10), 3 purchases → R 2 days, F 3
    /// - b: 2011-01-05 only, 1 purchase → R 147 days, F 1
    /// - c: 2011-05-20 (+ 2011-04-01), 2 purchases → R 12 days, F 2
    /// - d: 2011-02-01 (+ 2011-01-15, 2011-01-20), 3 purchases → R 120, F 3
    /// - e: first purchase 2011-11-01: new since.
    ///
    /// Recency ranks (ascending 2, 12, 120, 147) → quantile scores
    /// ceil(rank/4 × 3) = 1, 2, 3, 3, reversed (lower is better) → a 3, c 2,
    /// d 1, b 1. Frequencies 1, 2, 3, 3 → ranks 1, 2, 3.5, 3.5 → scores
    /// b 1, c 2, a 3, d 3. On the 5-grid (3 bins: 1→1, 2→3, 3→5):
    /// a (R5, F5) Champions; b (R1, F1) Lost; c (R3, F3) Need Attention;
    /// d (R1, F5) Can't Lose Them.
    ///
    /// At 2011-12-10: recency a 2011-06-15 → 178 days, b 2011-12-01 → 9,
    /// c 2011-05-20 → 204, d 2011-12-09 → 1, e 2011-11-01 → 39; frequency
    /// a 4, b 2, c 2, d 5, e 1. Recency ascending d 1, b 9, e 39, a 178,
    /// c 204 → ceil(rank/5 × 3) = 1, 2, 2, 3, 3 → reversed d 3, b 2, e 2,
    /// a 1, c 1. Frequency e 1, b 2, c 2 (rank 2.5), a 4, d 5 → scores
    /// e 1, b 2, c 2, a 3, d 3. On the grid: a (R1, F5) Can't Lose Them;
    /// b (R3, F3) Need Attention; c (R1, F3) At Risk; d (R5, F5) Champions;
    /// e (R3, F1) About to Sleep.
    fn ledger() -> Ledger {
        Ledger {
            customers: vec![
                customer(
                    "a",
                    &[
                        ("a1", "2011-01-10 10:00", 10.0),
                        ("a2", "2011-03-10 10:00", 10.0),
                        ("a3", "2011-05-30 10:00", 10.0),
                        ("a4", "2011-06-15 10:00", 10.0),
                    ],
                ),
                customer(
                    "b",
                    &[
                        ("b1", "2011-01-05 10:00", 5.0),
                        ("b2", "2011-12-01 10:00", 5.0),
                    ],
                ),
                customer(
                    "c",
                    &[
                        ("c1", "2011-04-01 10:00", 7.0),
                        ("c2", "2011-05-20 10:00", 7.0),
                    ],
                ),
                customer(
                    "d",
                    &[
                        ("d1", "2011-01-15 10:00", 20.0),
                        ("d2", "2011-01-20 10:00", 20.0),
                        ("d3", "2011-02-01 10:00", 20.0),
                        ("d4", "2011-08-01 10:00", 20.0),
                        ("d5", "2011-12-09 10:00", 20.0),
                    ],
                ),
                customer("e", &[("e1", "2011-11-01 10:00", 3.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        }
    }

    fn analysis() -> Analysis {
        let settings = AnalysisSettings {
            score_bins: 3,
            k_max: 3,
            ..Default::default()
        };
        analyze(&ledger(), &settings, &mut |_, _| {}).unwrap()
    }

    #[test]
    fn segments_then_and_now_by_hand() {
        let a = analysis();
        assert_eq!(
            a.segments,
            [
                "Can't Lose Them",
                "Need Attention",
                "At Risk",
                "Champions",
                "About to Sleep"
            ]
        );
        let m = migrate(&ledger(), &a, date("2011-06-01")).unwrap();
        assert_eq!(
            m.previous,
            [
                "Champions",
                "Lost",
                "Need Attention",
                "Can't Lose Them",
                NEW_SINCE
            ]
        );
        assert_eq!((m.earlier_customers, m.new_since), (4, 1));
        // Rows and columns: the grid's order (best first) of the names seen.
        assert_eq!(
            m.to,
            [
                "Champions",
                "Need Attention",
                "About to Sleep",
                "Can't Lose Them",
                "At Risk",
                "Lost"
            ]
        );
        assert_eq!(m.from.last().map(String::as_str), Some(NEW_SINCE));
        let cell = |from: &str, to: &str| {
            let r = m.from.iter().position(|x| x == from).unwrap();
            let c = m.to.iter().position(|x| x == to).unwrap();
            m.counts[r][c]
        };
        assert_eq!(cell("Champions", "Can't Lose Them"), 1);
        assert_eq!(cell("Lost", "Need Attention"), 1);
        assert_eq!(cell("Need Attention", "At Risk"), 1);
        assert_eq!(cell("Can't Lose Them", "Champions"), 1);
        assert_eq!(cell(NEW_SINCE, "About to Sleep"), 1);
        let total: usize = m.counts.iter().flatten().sum();
        assert_eq!(total, 5, "every current customer once");
        // Four flows of one customer each, in table order; none from "New since".
        let words: Vec<&str> = m.flows.iter().map(|f| f.words.as_str()).collect();
        assert_eq!(
            words,
            [
                "1 Champions became Can't Lose Them",
                "1 Need Attention customer became At Risk",
                "1 Can't Lose Them customer became Champions",
                "1 Lost customer became Need Attention",
            ]
        );
        // The customers CSV gains the earlier segment and its date.
        let csv = String::from_utf8(a.customers_csv_with(Some(
            crate::engine::export::PreviousSegments {
                as_of: m.as_of,
                names: &m.previous,
            },
        )))
        .unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].ends_with(",cluster_name,previous_segment,previous_segment_as_of"));
        let tail = format!(",{}", m.as_of);
        assert!(lines[1].starts_with("a,") && lines[1].ends_with(&format!(",Champions{tail}")));
        assert!(lines[5].starts_with("e,") && lines[5].ends_with(&format!(",New since{tail}")));
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn the_largest_flow_comes_first_in_words() {
        let from = vec!["Loyal".to_string(), "At Risk".into(), NEW_SINCE.into()];
        let to = vec!["Loyal".to_string(), "At Risk".into()];
        let counts = vec![vec![50, 212], vec![3, 40], vec![7, 0]];
        let flows = largest_flows(&from, &to, &counts);
        assert_eq!(flows.len(), 2);
        assert_eq!(flows[0].words, "212 Loyal customers became At Risk");
        assert_eq!(flows[1].words, "3 At Risk customers became Loyal");
        assert_eq!(
            flow_words(3, "Champions", "Loyal"),
            "3 Champions became Loyal"
        );
    }

    #[test]
    fn dates_are_checked_with_what_to_do() {
        let a = analysis();
        assert_eq!(a.rfm.reference_date, date("2011-12-10"));
        assert_eq!(default_as_of(a.rfm.reference_date), date("2011-09-11"));
        let late = migrate(&ledger(), &a, date("2011-12-10")).unwrap_err();
        assert_eq!(
            late.to_string(),
            "the earlier date must be before the reference date 2011-12-10 (got 2011-12-10); choose an earlier date"
        );
        let early = migrate(&ledger(), &a, date("2011-01-05")).unwrap_err();
        assert_eq!(
            early.to_string(),
            "the earlier date must be after the first purchase (2011-01-05): on 2011-01-05 nobody had bought yet; choose a later date"
        );
        // The day after the first purchase: one customer then, everyone else new.
        let m = migrate(&ledger(), &a, date("2011-01-06")).unwrap();
        assert_eq!((m.earlier_customers, m.new_since), (1, 4));
        assert_eq!(m.counts.iter().flatten().sum::<usize>(), 5);
    }
}
