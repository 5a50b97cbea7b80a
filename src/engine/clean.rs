//! Cleaning rules and the report of what they removed.
//!
//! Order of checks for each data row (a row is counted under one rule only):
//! 1. **unparseable** — wrong field count, bad date, bad number: always
//!    skipped (nothing usable), always reported;
//! 2. **missing customer id**, then **date out of range**: before
//!    `earliest_date` (1990-01-01) or after `latest_date` (the page sets it
//!    to a year from today); a typo such as 9999-12-31 would otherwise set
//!    everyone's recency;
//! 3. the row's *kind*, first match wins: **cancellation** (invoice `C` +
//!    digits only, e.g. UCI `C536379`), **unpaid status** (a status column whose
//!    value is not paid/succeeded/completed…), **return** (negative quantity
//!    or amount), **non-positive price** (price ≤ 0, or amount ≤ 0 when only
//!    an amount is mapped). If the matching rule is switched off the row is
//!    *kept as is* — e.g. with cancellations off, UCI cancellation lines flow
//!    into the ledger with their negative amounts and net against revenue;
//! 4. **duplicate** — the same raw record seen before among kept rows (a
//!    64-bit hash per kept row is stored, not the row);
//! 5. **outliers** (off by default) — after aggregation, customers whose
//!    total monetary value is above the configured quantile are dropped.
//!
//! The engine has no clock: "a year from today" is a setting the page fills in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CleaningRules {
    pub drop_missing_customer: bool,
    /// Set aside rows dated before `earliest_date` or after `latest_date`.
    pub drop_out_of_range_dates: bool,
    pub earliest_date: NaiveDate,
    pub latest_date: NaiveDate,
    pub drop_cancellations: bool,
    pub drop_unpaid: bool,
    pub drop_returns: bool,
    pub drop_non_positive_price: bool,
    pub drop_duplicates: bool,
    pub drop_outliers: bool,
    /// Customers with total monetary value above this quantile of all
    /// customers' totals are dropped when `drop_outliers` is on (nearest rank).
    pub outlier_quantile: f64,
    /// Keep the value of the cancellations and returns set aside, per
    /// customer, so monetary can be net revenue (see [`crate::engine::ledger::Ledger::net_returns`]).
    pub net_returns: bool,
}

impl Default for CleaningRules {
    fn default() -> Self {
        CleaningRules {
            drop_missing_customer: true,
            drop_out_of_range_dates: true,
            earliest_date: EARLIEST_DATE,
            latest_date: LATEST_DATE,
            drop_cancellations: true,
            drop_unpaid: true,
            drop_returns: true,
            drop_non_positive_price: true,
            drop_duplicates: true,
            drop_outliers: false,
            outlier_quantile: 0.99,
            net_returns: false,
        }
    }
}

/// The default earliest plausible date: before it, shops sold on paper.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// The latest date when no "today" is known (native runs, old settings).
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

impl CleaningRules {
    /// These rules with the latest plausible date a year after `today`.
    pub fn as_of(self, today: NaiveDate) -> Self {
        let latest_date = today
            .checked_add_signed(chrono::Duration::days(365))
            .unwrap_or(LATEST_DATE);
        Self {
            latest_date,
            ..self
        }
    }

    /// Whether `date` is outside the plausible range.
    pub fn out_of_range(&self, date: NaiveDate) -> bool {
        date < self.earliest_date || date > self.latest_date
    }

    pub fn enabled(&self, rule: Rule) -> bool {
        match rule {
            Rule::Unparseable => true,
            Rule::MissingCustomer => self.drop_missing_customer,
            Rule::OutOfRangeDate => self.drop_out_of_range_dates,
            Rule::Cancellation => self.drop_cancellations,
            Rule::Unpaid => self.drop_unpaid,
            Rule::Return => self.drop_returns,
            Rule::NonPositivePrice => self.drop_non_positive_price,
            Rule::Duplicate => self.drop_duplicates,
            Rule::Outlier => self.drop_outliers,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Unparseable,
    MissingCustomer,
    OutOfRangeDate,
    Cancellation,
    Unpaid,
    Return,
    NonPositivePrice,
    Duplicate,
    Outlier,
}

impl Rule {
    pub const ALL: [Rule; 9] = [
        Rule::Unparseable,
        Rule::MissingCustomer,
        Rule::OutOfRangeDate,
        Rule::Cancellation,
        Rule::Unpaid,
        Rule::Return,
        Rule::NonPositivePrice,
        Rule::Duplicate,
        Rule::Outlier,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Rule::Unparseable => "unparseable rows",
            Rule::MissingCustomer => "missing customer id",
            Rule::OutOfRangeDate => "dates out of range",
            Rule::Cancellation => "cancellations",
            Rule::Unpaid => "not paid (status)",
            Rule::Return => "returns (negative quantity or amount)",
            Rule::NonPositivePrice => "zero or negative price",
            Rule::Duplicate => "exact duplicate lines",
            Rule::Outlier => "outlier customers",
        }
    }
}

/// Maximum examples kept per rule.
pub const MAX_EXAMPLES: usize = 5;
const EXCERPT_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleExample {
    /// 1-based file line where the record starts (header = line 1);
    /// `None` for customer-level rules (outliers).
    pub row: Option<u64>,
    /// The start of the raw record (or the customer id for outliers).
    pub excerpt: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    pub rule: Rule,
    pub label: String,
    pub enabled: bool,
    /// Rows removed (customers removed, for the outlier rule).
    pub count: u64,
    /// Rows that matched but were kept because the rule is switched off.
    pub matched_but_kept: u64,
    pub examples: Vec<RuleExample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleaningReport {
    /// Data rows (records after the header).
    pub rows_read: u64,
    /// Rows that made it into the ledger (before customer-level outlier removal).
    pub rows_kept: u64,
    /// Customers and invoices (purchases) in the final ledger.
    pub customers: u64,
    pub invoices: u64,
    /// Monetary threshold used by the outlier rule, when it ran.
    pub outlier_threshold: Option<f64>,
    /// One entry per [`Rule`], in [`Rule::ALL`] order.
    pub rules: Vec<RuleReport>,
    /// With net revenue: cancellation and return lines matched to a
    /// customer in the ledger, and those whose customer bought nothing kept.
    #[serde(default)]
    pub returns_matched: u64,
    #[serde(default)]
    pub returns_unmatched: u64,
}

impl CleaningReport {
    pub fn new(rules: &CleaningRules) -> Self {
        CleaningReport {
            rows_read: 0,
            rows_kept: 0,
            customers: 0,
            invoices: 0,
            outlier_threshold: None,
            returns_matched: 0,
            returns_unmatched: 0,
            rules: Rule::ALL
                .into_iter()
                .map(|rule| RuleReport {
                    rule,
                    label: match rule {
                        Rule::OutOfRangeDate => format!(
                            "dates before {} or after {}",
                            rules.earliest_date, rules.latest_date
                        ),
                        _ => rule.label().to_string(),
                    },
                    enabled: rules.enabled(rule),
                    count: 0,
                    matched_but_kept: 0,
                    examples: Vec::new(),
                })
                .collect(),
        }
    }

    /// Adds the counts of another share of the same file (see
    /// [`crate::engine::ingest::Share`]); examples stay the first by row.
    pub fn absorb(&mut self, other: CleaningReport) {
        self.rows_read += other.rows_read;
        self.rows_kept += other.rows_kept;
        for theirs in other.rules {
            if let Some(ours) = self.rule_mut(theirs.rule) {
                ours.count += theirs.count;
                ours.matched_but_kept += theirs.matched_but_kept;
                ours.examples.extend(theirs.examples);
                ours.examples.sort_by_key(|e| e.row);
                ours.examples.truncate(MAX_EXAMPLES);
            }
        }
    }

    /// Moves every example's line `offset` lines down: for the report of a
    /// file's later part, read with lines counted from where it starts.
    pub fn shift_rows(&mut self, offset: u64) {
        for example in self.rules.iter_mut().flat_map(|r| r.examples.iter_mut()) {
            if let Some(row) = &mut example.row {
                *row += offset;
            }
        }
    }

    pub fn rule(&self, rule: Rule) -> Option<&RuleReport> {
        self.rules.iter().find(|r| r.rule == rule)
    }

    /// Rows (or customers) removed by `rule`; 0 if absent.
    pub fn removed(&self, rule: Rule) -> u64 {
        self.rule(rule).map_or(0, |r| r.count)
    }

    fn rule_mut(&mut self, rule: Rule) -> Option<&mut RuleReport> {
        self.rules.iter_mut().find(|r| r.rule == rule)
    }

    /// Count a removal; the example is built only while examples are wanted.
    /// `example` returns (excerpt, reason) and is only called for the first
    /// [`MAX_EXAMPLES`] rows, so building it may allocate.
    pub fn record_drop(
        &mut self,
        rule: Rule,
        row: Option<u64>,
        example: impl FnOnce() -> (String, String),
    ) {
        if let Some(report) = self.rule_mut(rule) {
            report.count += 1;
            if report.examples.len() < MAX_EXAMPLES {
                let (excerpt, reason) = example();
                report.examples.push(RuleExample {
                    row,
                    excerpt: truncate_chars(&excerpt, EXCERPT_CHARS),
                    reason,
                });
            }
        }
    }

    pub fn record_kept_anyway(&mut self, rule: Rule) {
        if let Some(report) = self.rule_mut(rule) {
            report.matched_but_kept += 1;
        }
    }

    /// "12 by cancellations, 3 by unparseable rows" — for the all-rejected error.
    pub fn breakdown(&self) -> String {
        let parts: Vec<String> = self
            .rules
            .iter()
            .filter(|r| r.count > 0)
            .map(|r| {
                let first_reason = r
                    .examples
                    .first()
                    .map(|e| format!(" (e.g. line {}: {})", e.row.unwrap_or(0), e.reason))
                    .unwrap_or_default();
                format!("{} by {}{}", r.count, r.label, first_reason)
            })
            .collect();
        parts.join("; ")
    }
}

pub fn truncate_chars(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_string(),
    }
}

/// UCI marks cancellations with a `C` before the invoice number. Requiring
/// digits and nothing else after the `C` keeps other ids that happen to
/// start with a `c` from matching: Stripe's `ch_…`, and UUIDs and hex ids
/// such as `c3879815-8ada-…`.
pub fn is_cancellation(invoice: &str) -> bool {
    // `values::trim`: a plain ASCII cell is returned as it is, without
    // `str::trim`'s Unicode whitespace table (this runs on every row).
    match super::ingest::values::trim(invoice).as_bytes() {
        [b'C' | b'c', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// `Some(true)` for statuses that mean money was received, `Some(false)` for
/// anything else, `None` for an empty cell (Shopify-style exports fill order
/// fields on the first line only; see the ingest docs).
pub fn status_is_paid(status: &str) -> Option<bool> {
    let normalised: String = status
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if normalised.is_empty() {
        return None;
    }
    Some(matches!(
        normalised.as_str(),
        "paid"
            | "succeeded"
            | "success"
            | "successful"
            | "completed"
            | "complete"
            | "processing"
            | "fulfilled"
            | "captured"
            | "settled"
            | "partiallyrefunded"
            | "wccompleted"
            | "wcprocessing"
    ))
}

/// Nearest-rank quantile of `values` (which need not be sorted).
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    let q = if q.is_finite() {
        q.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let rank = (q * sorted.len() as f64).ceil() as usize;
    // The value of that rank in the sorted order: selecting it is linear
    // where sorting was not, and total_cmp ties only identical bits.
    let at = rank.clamp(1, sorted.len()) - 1;
    let (_, value, _) = sorted.select_nth_unstable_by(at, f64::total_cmp);
    Some(*value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_all_on_except_outliers() {
        let rules = CleaningRules::default();
        assert!(Rule::ALL
            .iter()
            .filter(|r| **r != Rule::Outlier)
            .all(|r| rules.enabled(*r)));
        assert!(!rules.enabled(Rule::Outlier));
    }

    #[test]
    fn cancellation_detection() {
        assert!(is_cancellation("C536379"));
        assert!(is_cancellation("c536379"));
        assert!(!is_cancellation("536379"));
        assert!(!is_cancellation("ch_3MqLiJ"));
        assert!(!is_cancellation("C"));
        assert!(is_cancellation(" C536379 "));
        // UUIDs and hex ids that start with a c and a digit are orders.
        assert!(!is_cancellation("c3879815-8ada-4f1e-9a5b-1f2e3d4c5b6a"));
        assert!(!is_cancellation("c0ffee42"));
        assert!(!is_cancellation("C536379A"));
    }

    #[test]
    fn statuses() {
        assert_eq!(status_is_paid("Paid"), Some(true));
        assert_eq!(status_is_paid("succeeded"), Some(true));
        assert_eq!(status_is_paid("wc-completed"), Some(true));
        assert_eq!(status_is_paid("Failed"), Some(false));
        assert_eq!(status_is_paid("Refunded"), Some(false));
        assert_eq!(status_is_paid(" "), None);
    }

    #[test]
    fn nearest_rank_quantile() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.99), Some(99.0));
        assert_eq!(quantile(&values, 1.0), Some(100.0));
        assert_eq!(quantile(&[5.0], 0.5), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn examples_are_capped_and_serializable() {
        let mut report = CleaningReport::new(&CleaningRules::default());
        for row in 0..10 {
            report.record_drop(Rule::Return, Some(row), || {
                ("x".repeat(200), "negative".into())
            });
        }
        let returns = report.rule(Rule::Return).unwrap();
        assert_eq!(returns.count, 10);
        assert_eq!(returns.examples.len(), MAX_EXAMPLES);
        assert!(returns.examples[0].excerpt.chars().count() <= 81);
        let json = serde_json::to_string(&report).unwrap();
        let back: CleaningReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
    }
}
