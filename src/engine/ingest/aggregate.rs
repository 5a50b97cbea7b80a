//! Folding kept lines into per-customer purchases as they stream in.
//!
//! State is one entry per customer and one per (customer, invoice): memory
//! grows with customers × invoices, not with rows.

use crate::engine::fast_hash::FastHashMap;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::engine::clean::{quantile, CleaningReport, Rule};
use crate::engine::ledger::{CustomerHistory, Ledger, MonthlyRevenue, Purchase};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseTotals {
    invoice: String,
    at: NaiveDateTime,
    amount: f64,
    /// Revenue per calendar month of this purchase's lines (almost always
    /// one entry), so the monthly chart stays exact after outlier removal.
    by_month: Vec<(NaiveDate, f64)>,
}

/// One customer's lines folded so far. Public (with private fields) so a
/// share of the file ingested by another worker can travel back and merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerTotals {
    id: String,
    /// Line of the customer's first kept row: merged shares keep file order.
    first_line: u64,
    country: Option<String>,
    purchases: Vec<PurchaseTotals>,
}

impl CustomerTotals {
    fn monetary(&self) -> f64 {
        self.purchases.iter().map(|p| p.amount).sum()
    }
}

/// A kept line, ready to be folded in.
pub struct KeptLine<'a> {
    pub customer: &'a str,
    /// `None` when the file has no invoice column (or the cell is empty):
    /// the line becomes its own purchase named after its row number.
    pub invoice: Option<&'a str>,
    pub line: u64,
    pub at: NaiveDateTime,
    pub amount: f64,
    pub country: Option<&'a str>,
}

#[derive(Default)]
pub struct Aggregator {
    customers: Vec<CustomerTotals>,
    customer_index: FastHashMap<String, usize>,
    /// Per customer slot: invoice → purchase slot (looked up by `&str`, so a
    /// line of a known invoice allocates nothing).
    purchase_index: Vec<FastHashMap<String, usize>>,
}

fn month_of(at: NaiveDateTime) -> NaiveDate {
    NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or(at.date())
}

impl Aggregator {
    pub fn add(&mut self, line: KeptLine) {
        let customer_slot = match self.customer_index.get(line.customer) {
            Some(&slot) => slot,
            None => {
                let slot = self.customers.len();
                self.customers.push(CustomerTotals {
                    id: line.customer.to_string(),
                    first_line: line.line,
                    country: None,
                    purchases: Vec::new(),
                });
                self.customer_index.insert(line.customer.to_string(), slot);
                self.purchase_index.push(FastHashMap::default());
                slot
            }
        };
        let Some(customer) = self.customers.get_mut(customer_slot) else {
            return;
        };
        // First non-empty country: Shopify fills billing fields on the first
        // line of an order only.
        if customer.country.is_none() {
            customer.country = line
                .country
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
        }
        let month = month_of(line.at);
        let invoices = self.purchase_index.get_mut(customer_slot);
        let existing = line
            .invoice
            .zip(invoices.as_deref())
            .and_then(|(invoice, map)| map.get(invoice))
            .copied();
        match existing.and_then(|slot| customer.purchases.get_mut(slot)) {
            Some(purchase) => {
                purchase.at = purchase.at.min(line.at);
                purchase.amount += line.amount;
                match purchase.by_month.iter_mut().find(|(m, _)| *m == month) {
                    Some((_, revenue)) => *revenue += line.amount,
                    None => purchase.by_month.push((month, line.amount)),
                }
            }
            None => {
                if let (Some(invoice), Some(map)) = (line.invoice, invoices) {
                    map.insert(invoice.to_string(), customer.purchases.len());
                }
                customer.purchases.push(PurchaseTotals {
                    invoice: line
                        .invoice
                        .map_or_else(|| line.line.to_string(), str::to_string),
                    at: line.at,
                    amount: line.amount,
                    by_month: vec![(month, line.amount)],
                });
            }
        }
    }

    /// The customers folded so far, for merging with other shares.
    pub fn into_customers(self) -> Vec<CustomerTotals> {
        self.customers
    }

    /// An aggregator holding the customers of several shares (each customer
    /// in exactly one), in order of first appearance in the file. Only for
    /// [`Aggregator::into_ledger`]: the lookup indexes stay empty.
    pub fn from_shares(shares: impl IntoIterator<Item = Vec<CustomerTotals>>) -> Aggregator {
        let mut customers: Vec<CustomerTotals> = shares.into_iter().flatten().collect();
        customers.sort_by_key(|c| c.first_line);
        Aggregator {
            customers,
            ..Aggregator::default()
        }
    }

    /// Apply customer-level outlier removal (if `quantile_cut` is set) and
    /// build the ledger; fills the report's customer/invoice counts.
    pub fn into_ledger(self, quantile_cut: Option<f64>, report: &mut CleaningReport) -> Ledger {
        let mut customers = self.customers;
        if let Some(q) = quantile_cut {
            let totals: Vec<f64> = customers.iter().map(CustomerTotals::monetary).collect();
            if let Some(threshold) = quantile(&totals, q) {
                report.outlier_threshold = Some(threshold);
                customers.retain(|customer| {
                    let total = customer.monetary();
                    let keep = total <= threshold;
                    if !keep {
                        report.record_drop(Rule::Outlier, None, || {
                            (
                                customer.id.clone(),
                                format!(
                                    "total {total:.2} is above the {q} quantile ({threshold:.2})"
                                ),
                            )
                        });
                    }
                    keep
                });
            }
        }

        let mut monthly: BTreeMap<NaiveDate, (f64, u64)> = BTreeMap::new();
        for purchase in customers.iter().flat_map(|c| c.purchases.iter()) {
            for (month, revenue) in &purchase.by_month {
                let entry = monthly.entry(*month).or_insert((0.0, 0));
                entry.0 += revenue;
                entry.1 += 1;
            }
        }
        let ledger = Ledger {
            customers: customers
                .into_iter()
                .map(|customer| CustomerHistory {
                    id: customer.id,
                    country: customer.country,
                    purchases: customer
                        .purchases
                        .into_iter()
                        .map(|p| Purchase {
                            invoice: p.invoice,
                            at: p.at,
                            amount: p.amount,
                        })
                        .collect(),
                })
                .collect(),
            monthly: monthly
                .into_iter()
                .map(|(month, (revenue, orders))| MonthlyRevenue {
                    month,
                    revenue,
                    orders,
                })
                .collect(),
        };
        report.customers = ledger.customers.len() as u64;
        report.invoices = ledger.purchase_count() as u64;
        ledger
    }
}
