//! Cleaning rules and the data-quality report. Each rule can be switched
//! off; rows are counted under the first rule that removes them, in the
//! order of [`Rule::ALL`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// Always on: a row that cannot be read (bad date, bad number, wrong field count).
    Unparseable,
    MissingCustomer,
    /// Invoice number starting with `C` (the UCI convention).
    Cancellation,
    /// Negative quantity (or negative amount when there is no quantity).
    Return,
    /// Unit price ≤ 0 (or amount = 0 when there is no price).
    NonPositivePrice,
    /// Status says failed, cancelled, refunded, pending… (Shopify, WooCommerce, Stripe).
    IncompleteStatus,
    /// The same line twice, byte for byte.
    Duplicate,
    /// Customer-level: total monetary above an upper quantile (off by default).
    Outlier,
}

impl Rule {
    pub const ALL: [Rule; 8] = [
        Rule::Unparseable,
        Rule::MissingCustomer,
        Rule::Cancellation,
        Rule::Return,
        Rule::NonPositivePrice,
        Rule::IncompleteStatus,
        Rule::Duplicate,
        Rule::Outlier,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Rule::Unparseable => "Unreadable rows",
            Rule::MissingCustomer => "Rows without a customer id",
            Rule::Cancellation => "Cancellations (invoice starts with C)",
            Rule::Return => "Returns (negative quantity)",
            Rule::NonPositivePrice => "Zero or negative price",
            Rule::IncompleteStatus => "Failed, cancelled or refunded orders",
            Rule::Duplicate => "Exact duplicate lines",
            Rule::Outlier => "Outlier customers (top spend)",
        }
    }
}

/// Which rules are on. `Unparseable` rows are always skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleaningRules {
    pub missing_customer: bool,
    pub cancellations: bool,
    pub returns: bool,
    pub non_positive_price: bool,
    pub incomplete_status: bool,
    pub duplicates: bool,
    /// Drop customers whose total spend is above this quantile (e.g. 0.99).
    pub outlier_quantile: Option<f64>,
}

impl Default for CleaningRules {
    fn default() -> Self {
        Self {
            missing_customer: true,
            cancellations: true,
            returns: true,
            non_positive_price: true,
            incomplete_status: true,
            duplicates: true,
            outlier_quantile: None,
        }
    }
}

impl CleaningRules {
    pub fn is_enabled(&self, rule: Rule) -> bool {
        match rule {
            Rule::Unparseable => true,
            Rule::MissingCustomer => self.missing_customer,
            Rule::Cancellation => self.cancellations,
            Rule::Return => self.returns,
            Rule::NonPositivePrice => self.non_positive_price,
            Rule::IncompleteStatus => self.incomplete_status,
            Rule::Duplicate => self.duplicates,
            Rule::Outlier => self.outlier_quantile.is_some(),
        }
    }
}

/// An example of a removed row, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowExample {
    /// Line in the file where the row starts (the header is line 1).
    pub line: u64,
    pub reason: String,
    /// The start of the row, for recognising it.
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleOutcome {
    pub rule: Rule,
    pub label: String,
    pub enabled: bool,
    /// Rows removed (customers, for `Outlier`).
    pub removed: u64,
    pub examples: Vec<RowExample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleaningReport {
    pub rows_read: u64,
    pub rows_kept: u64,
    pub customers: u64,
    pub invoices: u64,
    pub rules: Vec<RuleOutcome>,
    /// Rows where a switched-off rule would have applied, per rule (kept anyway).
    pub notes: Vec<String>,
}

pub const MAX_EXAMPLES: usize = 5;

impl CleaningReport {
    pub fn new(rules: &CleaningRules) -> Self {
        Self {
            rows_read: 0,
            rows_kept: 0,
            customers: 0,
            invoices: 0,
            rules: Rule::ALL
                .iter()
                .map(|&rule| RuleOutcome {
                    rule,
                    label: rule.label().to_string(),
                    enabled: rules.is_enabled(rule),
                    removed: 0,
                    examples: Vec::new(),
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    pub fn record(&mut self, rule: Rule, line: u64, reason: impl Into<String>, excerpt: &str) {
        if let Some(outcome) = self.rules.iter_mut().find(|o| o.rule == rule) {
            outcome.removed += 1;
            if outcome.examples.len() < MAX_EXAMPLES {
                outcome.examples.push(RowExample { line, reason: reason.into(), excerpt: excerpt_of(excerpt) });
            }
        }
    }

    pub fn removed(&self, rule: Rule) -> u64 {
        self.rules.iter().find(|o| o.rule == rule).map_or(0, |o| o.removed)
    }

    /// "1,234 cancellations, 12 unreadable rows" — for error messages.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .rules
            .iter()
            .filter(|o| o.removed > 0)
            .map(|o| format!("{}: {}", o.label, o.removed))
            .collect();
        if parts.is_empty() {
            "nothing removed".into()
        } else {
            parts.join("; ")
        }
    }
}

fn excerpt_of(text: &str) -> String {
    const LIMIT: usize = 120;
    let mut out: String = text.chars().take(LIMIT).collect();
    if text.chars().count() > LIMIT {
        out.push('…');
    }
    out
}

/// Linear-interpolated quantile (numpy's default) of unsorted values.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let mut sorted: Vec<f64> = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
    Some(a + (b - a) * (pos - lo as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_counts_and_at_most_five_examples() {
        let mut report = CleaningReport::new(&CleaningRules::default());
        for line in 2..10 {
            report.record(Rule::Cancellation, line, "invoice C536379", "C536379,D,Discount,-1");
        }
        assert_eq!(report.removed(Rule::Cancellation), 8);
        let outcome = report.rules.iter().find(|o| o.rule == Rule::Cancellation).unwrap();
        assert_eq!(outcome.examples.len(), MAX_EXAMPLES);
        assert_eq!(outcome.examples[0].line, 2);
        assert!(report.summary().contains("Cancellations (invoice starts with C): 8"));
    }

    #[test]
    fn outlier_rule_is_off_by_default() {
        let rules = CleaningRules::default();
        assert!(!rules.is_enabled(Rule::Outlier));
        assert!(rules.is_enabled(Rule::Unparseable));
        let rules = CleaningRules { duplicates: false, ..Default::default() };
        assert!(!CleaningReport::new(&rules).rules.iter().find(|o| o.rule == Rule::Duplicate).unwrap().enabled);
    }

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4], 0.5) == 2.5; ([1..=100], 0.99) == 99.01
        assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.5), Some(2.5));
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!((quantile(&hundred, 0.99).unwrap() - 99.01).abs() < 1e-9);
        assert_eq!(quantile(&[], 0.5), None);
    }
}
