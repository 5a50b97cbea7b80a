//! Folds cleaned rows into per-customer purchases as they stream in, so
//! memory grows with customers × invoices, never with rows.

use super::columns::ColumnMapping;
use super::dates::{self, DayMonthOrder};
use super::sniff::DetectedFormat;
use super::values;
use crate::engine::clean::{quantile, CleaningReport, CleaningRules, Rule};
use crate::engine::ledger::{CustomerHistory, Ledger, MonthlyRevenue, Purchase};
use chrono::{Datelike, NaiveDate};
use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Statuses (Shopify financial status, WooCommerce order status, Stripe
/// status) meaning no money was kept.
const INCOMPLETE_STATUSES: [&str; 11] = [
    "failed", "canceled", "cancelled", "refunded", "voided", "declined", "pending", "on-hold", "uncaptured", "expired", "requirespaymentmethod",
];

/// Customer id used for rows without one when that rule is switched off.
pub const MISSING_CUSTOMER_ID: &str = "(no customer id)";

struct CustomerAcc {
    history: CustomerHistory,
    invoices: HashMap<String, usize>,
}

pub struct Aggregator {
    mapping: ColumnMapping,
    header_len: usize,
    headers: Vec<String>,
    order: DayMonthOrder,
    decimal_comma: bool,
    rules: CleaningRules,
    pub report: CleaningReport,
    index: HashMap<String, usize>,
    customers: Vec<CustomerAcc>,
    seen_lines: HashSet<u64>,
    monthly: BTreeMap<(i32, u32), (f64, u64)>,
}

/// One data row's useful values, or why it was removed.
struct Line<'a> {
    customer: Option<String>,
    invoice: &'a str,
    at: chrono::NaiveDateTime,
    amount: f64,
    quantity: Option<f64>,
    price: Option<f64>,
    status: &'a str,
    country: &'a str,
}

impl Aggregator {
    pub fn new(format: &DetectedFormat, rules: CleaningRules) -> Self {
        Self {
            mapping: format.mapping.clone(),
            header_len: format.headers.len(),
            headers: format.headers.clone(),
            order: format.date_format.order,
            decimal_comma: format.decimal_comma,
            report: CleaningReport::new(&rules),
            rules,
            index: HashMap::new(),
            customers: Vec::new(),
            seen_lines: HashSet::new(),
            monthly: BTreeMap::new(),
        }
    }

    /// Handles one data record starting at file line `line`.
    pub fn push(&mut self, fields: &[&str], line: u64) {
        if fields.iter().all(|f| f.trim().is_empty()) {
            return; // blank line or a row of empty cells (spreadsheet padding)
        }
        self.report.rows_read += 1;
        let excerpt = fields.join(",");
        let parsed = match self.parse(fields) {
            Ok(parsed) => parsed,
            Err(reason) => {
                self.report.record(Rule::Unparseable, line, reason, &excerpt);
                return;
            }
        };
        if let Some((rule, reason)) = self.removal(&parsed) {
            self.report.record(rule, line, reason, &excerpt);
            return;
        }
        if self.rules.duplicates && !self.seen_lines.insert(hash_fields(fields)) {
            self.report.record(Rule::Duplicate, line, "same as an earlier line", &excerpt);
            return;
        }
        self.report.rows_kept += 1;
        self.add(parsed, line);
    }

    fn parse<'a>(&self, fields: &[&'a str]) -> Result<Line<'a>, String> {
        if fields.len() < self.header_len || fields[self.header_len..].iter().any(|f| !f.trim().is_empty()) {
            return Err(format!("expected {} fields, found {}", self.header_len, fields.len()));
        }
        let text = |index: Option<usize>| index.and_then(|i| fields.get(i).copied()).unwrap_or("");
        let number = |index: Option<usize>| -> Result<Option<f64>, String> {
            let Some(i) = index else { return Ok(None) };
            let raw = fields.get(i).copied().unwrap_or("");
            values::number(raw, self.decimal_comma)
                .map(Some)
                .ok_or_else(|| format!("column \"{}\": \"{raw}\" is not a number", self.header(i)))
        };
        let date_raw = text(self.mapping.date);
        let at = dates::parse(date_raw, self.order).ok_or_else(|| {
            let expected = match self.order {
                DayMonthOrder::MonthFirst => "a date like 12/31/2011, 2011-12-31 or 12/31/2011 8:26",
                DayMonthOrder::DayFirst => "a date like 31/12/2011, 31.12.2011 or 2011-12-31",
            };
            format!("column \"{}\": \"{date_raw}\" is not {expected}", self.header(self.mapping.date.unwrap_or(0)))
        })?;
        let (quantity, price, amount) = if self.mapping.uses_quantity_and_price() {
            let q = number(self.mapping.quantity)?.unwrap_or(0.0);
            let p = number(self.mapping.unit_price)?.unwrap_or(0.0);
            (Some(q), Some(p), q * p)
        } else {
            let refunded = if text(self.mapping.refunded).trim().is_empty() { None } else { number(self.mapping.refunded)? };
            (None, None, number(self.mapping.amount)?.unwrap_or(0.0) - refunded.unwrap_or(0.0))
        };
        Ok(Line {
            customer: values::customer_id(text(self.mapping.customer)),
            invoice: text(self.mapping.invoice).trim(),
            at,
            amount,
            quantity,
            price,
            status: text(self.mapping.status).trim(),
            country: text(self.mapping.country).trim(),
        })
    }

    /// The first enabled rule that removes this row, with the reason.
    fn removal(&self, line: &Line) -> Option<(Rule, String)> {
        let r = &self.rules;
        if r.missing_customer && line.customer.is_none() {
            return Some((Rule::MissingCustomer, "no customer id".into()));
        }
        if r.cancellations && line.invoice.starts_with(['C', 'c']) {
            return Some((Rule::Cancellation, format!("invoice {} is a cancellation", line.invoice)));
        }
        let returned = line.quantity.map_or(line.amount < 0.0, |q| q < 0.0);
        if r.returns && returned {
            return Some((Rule::Return, "negative quantity (a return)".into()));
        }
        let non_positive = line.price.map_or(line.amount == 0.0, |p| p <= 0.0);
        if r.non_positive_price && non_positive {
            return Some((Rule::NonPositivePrice, "price is zero or negative".into()));
        }
        let status = line.status.to_ascii_lowercase().replace(['_', ' '], "");
        if r.incomplete_status && INCOMPLETE_STATUSES.iter().any(|s| s.replace('-', "") == status.replace('-', "")) {
            return Some((Rule::IncompleteStatus, format!("status is \"{}\"", line.status)));
        }
        None
    }

    fn add(&mut self, line: Line, line_number: u64) {
        let id = line.customer.unwrap_or_else(|| MISSING_CUSTOMER_ID.to_string());
        let index = match self.index.entry(id) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let history = CustomerHistory {
                    id: e.key().clone(),
                    country: (!line.country.is_empty()).then(|| line.country.to_string()),
                    purchases: Vec::new(),
                };
                self.customers.push(CustomerAcc { history, invoices: HashMap::new() });
                *e.insert(self.customers.len() - 1)
            }
        };
        let Some(customer) = self.customers.get_mut(index) else { return };
        // Without an invoice column every line is its own purchase.
        let key = if line.invoice.is_empty() { format!("line {line_number}") } else { line.invoice.to_string() };
        let month = (line.at.year(), line.at.month());
        let revenue = self.monthly.entry(month).or_insert((0.0, 0));
        revenue.0 += line.amount;
        match customer.invoices.get(&key) {
            Some(&p) => {
                if let Some(purchase) = customer.history.purchases.get_mut(p) {
                    purchase.at = purchase.at.min(line.at);
                    purchase.amount += line.amount;
                }
            }
            None => {
                revenue.1 += 1;
                customer.invoices.insert(key.clone(), customer.history.purchases.len());
                customer.history.purchases.push(Purchase { invoice: key, at: line.at, amount: line.amount });
            }
        }
    }

    fn header(&self, index: usize) -> &str {
        self.headers.get(index).map_or("?", String::as_str)
    }

    /// Builds the ledger, applying the customer-level outlier rule.
    pub fn finish(mut self) -> (Ledger, CleaningReport) {
        let mut customers: Vec<CustomerHistory> = self.customers.into_iter().map(|c| c.history).collect();
        if let Some(q) = self.rules.outlier_quantile {
            let totals: Vec<f64> = customers.iter().map(|c| c.purchases.iter().map(|p| p.amount).sum()).collect();
            if let Some(threshold) = quantile(&totals, q) {
                let mut kept = Vec::with_capacity(customers.len());
                for (customer, total) in customers.into_iter().zip(totals) {
                    if total > threshold {
                        let reason = format!("total spend {total:.2} is above the {:.1}th percentile ({threshold:.2})", q * 100.0);
                        self.report.record(Rule::Outlier, 0, reason, &customer.id);
                    } else {
                        kept.push(customer);
                    }
                }
                customers = kept;
            }
        }
        self.report.customers = customers.len() as u64;
        self.report.invoices = customers.iter().map(|c| c.purchases.len() as u64).sum();
        let monthly = self
            .monthly
            .into_iter()
            .filter_map(|((y, m), (revenue, orders))| {
                NaiveDate::from_ymd_opt(y, m, 1).map(|month| MonthlyRevenue { month, revenue, orders })
            })
            .collect();
        (Ledger { customers, monthly }, self.report)
    }
}

fn hash_fields(fields: &[&str]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for f in fields {
        f.hash(&mut hasher);
    }
    hasher.finish()
}
