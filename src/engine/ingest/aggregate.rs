//! Folding kept lines into per-customer purchases as they stream in.
//!
//! State is one entry per customer and one per (customer, invoice): memory
//! grows with customers × invoices, not with rows.

use super::kept_lines::{KeptLines, NO_LINE};
use super::name_key::NameKey;
use crate::engine::explore::lines::Placed;
use crate::engine::fast_hash::{self, FastHashMap};
use std::collections::hash_map::Entry;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use compact_str::{CompactString, ToCompactString};
use serde::{Deserialize, Serialize};

use crate::engine::clean::{quantile, CleaningReport, Rule};
use crate::engine::ledger::{CustomerHistory, Ledger, MonthlyRevenue, Purchase, Returned};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseTotals {
    invoice: CompactString,
    #[serde(with = "super::compact::date_time")]
    at: NaiveDateTime,
    amount: f64,
    /// Revenue per calendar month of this purchase's lines, so the monthly
    /// chart stays exact after outlier removal: the first month inline, the
    /// rare others (an order spanning midnight at a month's end) in a list,
    /// so a purchase costs no allocation besides its name.
    #[serde(with = "super::compact::month_total")]
    month: (NaiveDate, f64),
    #[serde(with = "super::compact::month_totals")]
    other_months: Vec<(NaiveDate, f64)>,
    /// Its kept lines' quantities summed (or its kept lines counted, in a
    /// file without a quantity column), for exploration's items per order.
    items: f64,
    /// For a line without an invoice: that line, which names the purchase.
    line_named: Option<u64>,
    /// Its newest kept line in the aggregator's [`KeptLines`] (not sent
    /// between workers: the aggregator that receives it adds no more lines).
    #[serde(skip, default = "no_line")]
    newest_line: u32,
}

fn no_line() -> u32 {
    NO_LINE
}

impl PurchaseTotals {
    fn add_to_month(&mut self, month: NaiveDate, amount: f64) {
        if self.month.0 == month {
            self.month.1 += amount;
            return;
        }
        match self.other_months.iter_mut().find(|(m, _)| *m == month) {
            Some((_, revenue)) => *revenue += amount,
            None => self.other_months.push((month, amount)),
        }
    }

    fn months(&self) -> impl Iterator<Item = &(NaiveDate, f64)> {
        std::iter::once(&self.month).chain(&self.other_months)
    }

    /// Adds the same purchase's lines read in a later part of the file.
    fn absorb(&mut self, later: &PurchaseTotals) {
        self.at = self.at.min(later.at);
        self.amount += later.amount;
        self.items += later.items;
        for (month, revenue) in later.months() {
            self.add_to_month(*month, *revenue);
        }
    }

    /// A purchase named by its line (no invoice) read in a part starting
    /// `line_offset` lines into the file: renamed by its line in the file.
    fn shift_line(&mut self, line_offset: u64) {
        if let Some(line) = &mut self.line_named {
            *line += line_offset;
            self.invoice = line.to_compact_string();
        }
    }
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

/// A cancellation or return line set aside by cleaning, with its customer,
/// kept for net revenue (rare lines: a plain list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnLine {
    pub customer: String,
    #[serde(with = "super::compact::date_time")]
    pub at: NaiveDateTime,
    /// Positive: the value given back.
    pub amount: f64,
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
    /// Hash of the whole line, when the duplicate rule is on.
    pub hash: Option<u64>,
    /// The line's quantity, or 1 in a file without a quantity column.
    pub items: f64,
}

/// What exploration needs of the ledger's customers and purchases besides
/// the ledger: aligned with its customers and their purchases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerFacts {
    /// Per ledger customer: the file line of its first kept row.
    pub first_lines: Vec<u64>,
    /// Per purchase, customer by customer: items (see [`KeptLine::items`]).
    pub items: Vec<f64>,
    /// Whether the outlier rule removed customers.
    pub dropped_outliers: bool,
}

/// Folds kept lines per customer and purchase. The lookups are keyed by
/// [`NameKey`]s: a short name itself, a longer one's 64-bit hash checked
/// against the stored name. So a line allocates nothing and each customer or
/// invoice name is stored once (String-keyed maps made an extra allocation
/// per name, and on large files freeing them was a visible pause); long
/// names whose hash is taken by another name (never seen in practice, but
/// possible) go to small exact maps.
pub struct Aggregator {
    customers: Vec<CustomerTotals>,
    /// Applied to every name hash; all bits but in tests, which keep only a
    /// few (and hash every name) to force collisions.
    hash_mask: u64,
    customer_index: FastHashMap<NameKey, u32>,
    customer_collisions: FastHashMap<String, u32>,
    /// (customer slot, invoice) → purchase slot in that customer.
    purchase_index: FastHashMap<(u32, NameKey), u32>,
    purchase_collisions: FastHashMap<(u32, String), u32>,
    /// The last line's customer and invoice with their slots: an invoice's
    /// lines come one after another in exports, so most lines skip the
    /// lookups (each a cache miss into a table of every purchase).
    recent: RecentPurchase,
    /// The kept lines' hashes, for the duplicate rule.
    lines: KeptLines,
    /// Set-aside cancellations and returns, when monetary is net revenue.
    returns: Vec<ReturnLine>,
}

#[derive(Default)]
struct RecentPurchase {
    customer: String,
    invoice: String,
    /// `None` until a line with an invoice was added.
    slots: Option<(u32, u32)>,
}

impl RecentPurchase {
    fn slots_of(&self, customer: &str, invoice: &str) -> Option<(u32, u32)> {
        self.slots
            .filter(|_| same(&self.invoice, invoice) && same(&self.customer, customer))
    }

    fn remember(&mut self, customer: &str, invoice: &str, slots: (u32, u32)) {
        self.customer.clear();
        self.customer.push_str(customer);
        self.invoice.clear();
        self.invoice.push_str(invoice);
        self.slots = Some(slots);
    }
}

impl Default for Aggregator {
    fn default() -> Self {
        Aggregator {
            customers: Vec::new(),
            hash_mask: u64::MAX,
            customer_index: FastHashMap::default(),
            customer_collisions: FastHashMap::default(),
            purchase_index: FastHashMap::default(),
            purchase_collisions: FastHashMap::default(),
            recent: RecentPurchase::default(),
            lines: KeptLines::default(),
            returns: Vec::new(),
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    fast_hash::same_bytes(a.as_bytes(), b.as_bytes())
}

fn month_of(at: NaiveDateTime) -> NaiveDate {
    NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or(at.date())
}

impl Aggregator {
    /// Folds `line` in; false (and nothing folded) when its hash is given
    /// and it repeats a line kept before: the duplicate rule.
    pub fn add(&mut self, line: KeptLine) -> bool {
        self.add_to(line).is_some()
    }

    /// As [`Aggregator::add`], with the slot of the line's customer when folded.
    pub fn add_to(&mut self, line: KeptLine) -> Option<u32> {
        let recent = line
            .invoice
            .and_then(|invoice| self.recent.slots_of(line.customer, invoice));
        let (customer_slot, existing) = match recent {
            Some((customer_slot, purchase_slot)) => (customer_slot, Some(purchase_slot)),
            None => {
                let customer_slot = self.customer_slot(line.customer, line.line);
                let existing = line
                    .invoice
                    .and_then(|invoice| self.purchase_slot(customer_slot, invoice));
                (customer_slot, existing)
            }
        };
        let customer = self.customers.get_mut(customer_slot as usize)?;
        // The slot of the line's purchase: its own, or the next one if new.
        let purchases = customer.purchases.len() as u32;
        let slot = existing.filter(|&s| s < purchases).unwrap_or(purchases);
        let existing_purchase = customer.purchases.get_mut(slot as usize);
        let mut newest_line = existing_purchase
            .as_ref()
            .map_or(NO_LINE, |p| p.newest_line);
        let kept = match (line.hash, line.invoice) {
            (None, _) => true,
            (Some(hash), None) => self.lines.insert_lone(&mut newest_line, hash),
            (Some(hash), Some(_)) => {
                self.lines
                    .insert(&mut newest_line, (customer_slot, slot), hash)
            }
        };
        if !kept {
            return None;
        }
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
        match existing_purchase {
            Some(purchase) => {
                purchase.newest_line = newest_line;
                purchase.at = purchase.at.min(line.at);
                purchase.amount += line.amount;
                purchase.items += line.items;
                purchase.add_to_month(month, line.amount);
            }
            None => {
                customer.purchases.push(PurchaseTotals {
                    invoice: line
                        .invoice
                        .map_or_else(|| line.line.to_compact_string(), CompactString::new),
                    at: line.at,
                    amount: line.amount,
                    month: (month, line.amount),
                    other_months: Vec::new(),
                    items: line.items,
                    line_named: line.invoice.is_none().then_some(line.line),
                    newest_line,
                });
                // A line without an invoice is a purchase of its own, never looked up.
                if let Some(invoice) = line.invoice {
                    self.index_purchase(customer_slot, invoice, slot);
                }
            }
        }
        if let (None, Some(invoice)) = (recent, line.invoice) {
            self.recent
                .remember(line.customer, invoice, (customer_slot, slot));
        }
        Some(customer_slot)
    }

    fn name_key(&self, name: &str) -> NameKey {
        NameKey::new(name, self.hash_mask)
    }

    fn index_purchase(&mut self, customer_slot: u32, invoice: &str, slot: u32) {
        let key = (customer_slot, self.name_key(invoice));
        match self.purchase_index.entry(key) {
            Entry::Vacant(entry) => {
                entry.insert(slot);
            }
            Entry::Occupied(_) => {
                self.purchase_collisions
                    .insert((customer_slot, invoice.to_string()), slot);
            }
        }
    }

    /// Folds in the customers of the file's later part, read separately from
    /// a record boundary to the end with lines counted from there
    /// (`line_offset` line breaks came before it): the result is that of
    /// reading on, except that a purchase spanning the cut sums its two
    /// parts' amounts in another order (a last-bit difference). The last
    /// fold before the ledger, so the purchases it adds are not indexed
    /// (the later part's are distinct per customer already), and a customer
    /// new here takes its purchases as they are: indexing and copying each
    /// cost time on the critical path between the workers.
    /// Also gives, per customer of `later`, its slot here and the file line
    /// of its first kept row in the whole file.
    pub fn absorb_later(
        mut self,
        later: Vec<CustomerTotals>,
        line_offset: u64,
    ) -> (Aggregator, Vec<Placed>) {
        let mut places = Vec::with_capacity(later.len());
        for customer in later {
            let (slot, first_line) = self.later_customer_slot(&customer, line_offset);
            places.push((slot, first_line));
            let mut purchases = customer.purchases;
            for purchase in &mut purchases {
                purchase.shift_line(line_offset);
            }
            let new_here = self
                .customers
                .get_mut(slot as usize)
                .filter(|ours| ours.purchases.is_empty());
            if let Some(ours) = new_here {
                ours.purchases = purchases;
                ours.country = customer.country;
                continue;
            }
            for purchase in purchases {
                let existing = match purchase.line_named {
                    None => self.purchase_slot(slot, purchase.invoice.as_str()),
                    Some(_) => None,
                };
                let Some(ours) = self.customers.get_mut(slot as usize) else {
                    continue;
                };
                match existing.and_then(|p| ours.purchases.get_mut(p as usize)) {
                    Some(merged) => merged.absorb(&purchase),
                    None => ours.purchases.push(purchase),
                }
            }
            if let Some(ours) = self.customers.get_mut(slot as usize) {
                if ours.country.is_none() {
                    ours.country = customer.country;
                }
            }
        }
        (self, places)
    }

    /// As [`Aggregator::absorb_later`], for a part that more parts follow:
    /// its purchases are indexed and its kept lines (`counts` and `hashes`
    /// as [`Aggregator::kept_lines`] gives them) remembered, so the next
    /// part's invoices and repeated lines are found here.
    pub fn absorb_part(
        mut self,
        later: Vec<CustomerTotals>,
        counts: &[u32],
        hashes: &[u64],
        line_offset: u64,
    ) -> (Aggregator, Vec<Placed>) {
        let mut places = Vec::with_capacity(later.len());
        let mut counts = counts.iter().map(|&count| count as usize);
        let mut offset = 0usize;
        for customer in later {
            let (slot, first_line) = self.later_customer_slot(&customer, line_offset);
            places.push((slot, first_line));
            for mut purchase in customer.purchases {
                let count = counts.next().unwrap_or(0);
                let lines = hashes
                    .get(offset..offset.saturating_add(count))
                    .unwrap_or_default();
                offset = offset.saturating_add(count);
                purchase.shift_line(line_offset);
                let lone = purchase.line_named.is_some();
                let existing = match lone {
                    false => self.purchase_slot(slot, purchase.invoice.as_str()),
                    true => None,
                };
                let Some(ours) = self.customers.get_mut(slot as usize) else {
                    continue;
                };
                let held = ours.purchases.len() as u32;
                let (purchase_slot, new_here) = match existing.filter(|&p| p < held) {
                    Some(p) => {
                        if let Some(merged) = ours.purchases.get_mut(p as usize) {
                            merged.absorb(&purchase);
                        }
                        (p, false)
                    }
                    None => {
                        purchase.newest_line = NO_LINE;
                        let invoice = (!lone).then(|| purchase.invoice.clone());
                        ours.purchases.push(purchase);
                        if let Some(invoice) = invoice {
                            self.index_purchase(slot, &invoice, held);
                        }
                        (held, true)
                    }
                };
                let Some(ours) = self
                    .customers
                    .get_mut(slot as usize)
                    .and_then(|c| c.purchases.get_mut(purchase_slot as usize))
                else {
                    continue;
                };
                let mut newest = ours.newest_line;
                let key = (slot, purchase_slot);
                match (lone, new_here) {
                    (true, _) => {
                        for &hash in lines {
                            self.lines.insert_lone(&mut newest, hash);
                        }
                    }
                    (false, true) => self.lines.insert_new(&mut newest, key, lines),
                    (false, false) => {
                        for &hash in lines {
                            self.lines.insert(&mut newest, key, hash);
                        }
                    }
                }
                ours.newest_line = newest;
            }
            if let Some(ours) = self.customers.get_mut(slot as usize) {
                if ours.country.is_none() {
                    ours.country = customer.country;
                }
            }
        }
        (self, places)
    }

    /// Per customer slot, the file line of its first kept row.
    pub fn first_lines(&self) -> Vec<u64> {
        first_lines(&self.customers)
    }

    /// The hashes of the kept lines per purchase, in the order of the
    /// customers' purchases: how many each, then all of them.
    pub fn kept_lines(&self) -> (Vec<u32>, Vec<u64>) {
        let mut counts = Vec::new();
        let mut hashes = Vec::new();
        for (customer_slot, customer) in (0u32..).zip(&self.customers) {
            for (slot, purchase) in (0u32..).zip(&customer.purchases) {
                let before = hashes.len();
                hashes.extend(
                    self.lines
                        .of_purchase(purchase.newest_line, (customer_slot, slot)),
                );
                counts.push((hashes.len() - before) as u32);
            }
        }
        (counts, hashes)
    }

    /// Whether a line of `later` (its purchases' line hashes as
    /// [`Aggregator::kept_lines`] gives them) repeats a line kept here: a
    /// repeated line has its customer and invoice, so only purchases found
    /// here are looked at.
    pub fn repeats_any(&self, later: &[CustomerTotals], counts: &[u32], hashes: &[u64]) -> bool {
        let mut counts = counts.iter().map(|&count| count as usize);
        let mut offset = 0usize;
        for customer in later {
            let ours = self.lookup_customer(&customer.id).ok();
            for purchase in &customer.purchases {
                let count = counts.next().unwrap_or(0);
                let lines = hashes
                    .get(offset..offset.saturating_add(count))
                    .unwrap_or_default();
                offset = offset.saturating_add(count);
                let repeated = match (purchase.line_named, ours) {
                    (Some(_), _) => lines.iter().any(|&h| self.lines.contains_lone(h)),
                    (None, Some(customer_slot)) => self
                        .purchase_slot(customer_slot, purchase.invoice.as_str())
                        .is_some_and(|slot| {
                            let newest = self
                                .customers
                                .get(customer_slot as usize)
                                .and_then(|c| c.purchases.get(slot as usize))
                                .map_or(NO_LINE, |p| p.newest_line);
                            let key = (customer_slot, slot);
                            lines.iter().any(|&h| self.lines.contains(newest, key, h))
                        }),
                    (None, None) => false,
                };
                if repeated {
                    return true;
                }
            }
        }
        false
    }

    /// The slot of `id`; else whether its key is indexed (by another name).
    fn lookup_customer(&self, id: &str) -> Result<u32, bool> {
        let key = self.name_key(id);
        let Some(&slot) = self.customer_index.get(&key) else {
            return Err(false);
        };
        if key.is_exact()
            || self
                .customers
                .get(slot as usize)
                .is_some_and(|c| same(&c.id, id))
        {
            return Ok(slot);
        }
        self.customer_collisions.get(id).copied().ok_or(true)
    }

    /// The slot of a customer of a part starting `line_offset` lines into
    /// the file (added if new), and the file line of its first kept row.
    fn later_customer_slot(&mut self, customer: &CustomerTotals, line_offset: u64) -> (u32, u64) {
        let line = customer.first_line + line_offset;
        let slot = self.customer_slot(&customer.id, line);
        let first_line = self
            .customers
            .get(slot as usize)
            .map_or(line, |c| c.first_line);
        (slot, first_line)
    }

    /// The slot of `id`, added (first seen at `line`) if new.
    fn customer_slot(&mut self, id: &str, line: u64) -> u32 {
        let indexed = match self.lookup_customer(id) {
            Ok(slot) => return slot,
            Err(indexed) => indexed,
        };
        let slot = self.customers.len() as u32;
        self.customers.push(CustomerTotals {
            id: id.to_string(),
            first_line: line,
            country: None,
            purchases: Vec::new(),
        });
        match indexed {
            true => self.customer_collisions.insert(id.to_string(), slot),
            false => self.customer_index.insert(self.name_key(id), slot),
        };
        slot
    }

    /// The slot of `invoice` among the customer's purchases, if already seen.
    fn purchase_slot(&self, customer_slot: u32, invoice: &str) -> Option<u32> {
        let key = (customer_slot, self.name_key(invoice));
        let slot = *self.purchase_index.get(&key)?;
        if key.1.is_exact() {
            return Some(slot);
        }
        let purchases = &self.customers.get(customer_slot as usize)?.purchases;
        if same(purchases.get(slot as usize)?.invoice.as_str(), invoice) {
            return Some(slot);
        }
        self.purchase_collisions
            .get(&(customer_slot, invoice.to_string()))
            .copied()
    }

    /// Keeps a set-aside cancellation or return of `customer` (net revenue).
    pub fn add_return(&mut self, customer: &str, at: NaiveDateTime, amount: f64) {
        self.returns.push(ReturnLine {
            customer: customer.to_string(),
            at,
            amount,
        });
    }

    /// Adds another part's set-aside returns (shares, the later part of a file).
    pub fn with_returns(mut self, returns: Vec<ReturnLine>) -> Self {
        self.returns.extend(returns);
        self
    }

    /// The customers folded so far and the returns kept, for merging with other shares.
    pub fn into_customers(self) -> (Vec<CustomerTotals>, Vec<ReturnLine>) {
        (self.customers, self.returns)
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
        self.into_ledger_with_facts(quantile_cut, report).0
    }

    /// As [`Aggregator::into_ledger`], with the [`LedgerFacts`] of its customers.
    pub fn into_ledger_with_facts(
        self,
        quantile_cut: Option<f64>,
        report: &mut CleaningReport,
    ) -> (Ledger, LedgerFacts) {
        let mut customers = self.customers;
        let before = customers.len();
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
            for (month, revenue) in purchase.months() {
                let entry = monthly.entry(*month).or_insert((0.0, 0));
                entry.0 += revenue;
                entry.1 += 1;
            }
        }
        let facts = LedgerFacts {
            first_lines: first_lines(&customers),
            items: customers
                .iter()
                .flat_map(|c| c.purchases.iter().map(|p| p.items))
                .collect(),
            dropped_outliers: customers.len() < before,
        };
        let mut returns_of: FastHashMap<String, Vec<Returned>> = FastHashMap::default();
        for r in self.returns {
            returns_of.entry(r.customer).or_default().push(Returned {
                at: r.at,
                amount: r.amount,
            });
        }
        // Shares arrive in any order: sorted, the sums do not depend on how
        // many workers read the file.
        for list in returns_of.values_mut() {
            list.sort_by(|a, b| a.at.cmp(&b.at).then(a.amount.total_cmp(&b.amount)));
        }
        let mut matched = 0;
        let ledger = Ledger {
            customers: customers
                .into_iter()
                .map(|customer| CustomerHistory {
                    returns: returns_of
                        .remove(&customer.id)
                        .inspect(|r| matched += r.len() as u64)
                        .unwrap_or_default(),
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
            net_returns: false,
        };
        report.returns_matched = matched;
        report.returns_unmatched = returns_of.values().map(|r| r.len() as u64).sum();
        report.customers = ledger.customers.len() as u64;
        report.invoices = ledger.purchase_count() as u64;
        (ledger, facts)
    }
}

/// Per customer, the file line of its first kept row.
pub fn first_lines(customers: &[CustomerTotals]) -> Vec<u64> {
    customers.iter().map(|c| c.first_line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of 40 customers and 300 invoices (some lines without one,
    /// some invoices spanning a month's end), in a scrambled order.
    fn lines() -> Vec<(String, Option<String>, NaiveDateTime, f64)> {
        (0..3000u64)
            .map(|i| {
                let scrambled = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40;
                let invoice = scrambled % 300;
                let day = NaiveDate::from_ymd_opt(2024, 1 + (invoice % 12) as u32, 28)
                    .unwrap_or_default()
                    + chrono::Days::new((scrambled / 300) % 5);
                (
                    format!("C{}", invoice % 40),
                    (scrambled / 7 % 17 != 0).then(|| format!("INV{invoice}")),
                    day.and_hms_opt(12, 0, 0).unwrap_or_default(),
                    (scrambled % 1000) as f64 / 7.0,
                )
            })
            .collect()
    }

    fn fold(hash_mask: u64) -> Vec<CustomerTotals> {
        let mut aggregator = Aggregator {
            hash_mask,
            ..Aggregator::default()
        };
        for (line, (customer, invoice, at, amount)) in lines().iter().enumerate() {
            aggregator.add(KeptLine {
                customer,
                invoice: invoice.as_deref(),
                line: line as u64 + 2,
                at: *at,
                amount: *amount,
                country: None,
                hash: None,
                items: 1.0,
            });
        }
        aggregator.into_customers().0
    }

    #[test]
    fn colliding_name_hashes_fold_exactly_like_distinct_ones() {
        let exact = fold(u64::MAX);
        assert_eq!(exact.len(), 40);
        let purchases: usize = exact.iter().map(|c| c.purchases.len()).sum();
        assert!(
            purchases > 300,
            "lines without an invoice are purchases of their own"
        );
        assert!(
            exact
                .iter()
                .flat_map(|c| &c.purchases)
                .any(|p| !p.other_months.is_empty()),
            "some purchase spans two months"
        );
        // Two bits of hash: nearly every name collides with another.
        assert_eq!(fold(0b11), exact);
        assert_eq!(fold(0), exact);
    }

    #[test]
    fn consecutive_lines_fold_into_the_purchase_of_their_own_customer_and_invoice() {
        let at = NaiveDate::from_ymd_opt(2024, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        // As in exports: an invoice's lines in a row; "A1" names two
        // customers' purchases, one after the other, and comes back later.
        let file = [
            ("C1", Some("A1"), 1.0),
            ("C1", Some("A1"), 2.0),
            ("C2", Some("A1"), 4.0),
            ("C2", Some("A1"), 8.0),
            ("C2", None, 16.0),
            ("C2", Some("A1"), 32.0),
            ("C1", Some("A2"), 64.0),
            ("C1", Some("A1"), 128.0),
            ("C1", Some("A1"), 256.0),
        ];
        let mut aggregator = Aggregator::default();
        for (line, (customer, invoice, amount)) in file.into_iter().enumerate() {
            let added = aggregator.add(KeptLine {
                customer,
                invoice,
                line: line as u64 + 2,
                at,
                amount,
                country: None,
                hash: Some(amount.to_bits()),
                items: 1.0,
            });
            assert!(added, "line {line}");
        }
        // Lines repeating a kept line of their purchase are refused and
        // change nothing, wherever that line was.
        for (customer, invoice, amount) in [("C1", Some("A1"), 2.0), ("C2", None, 16.0)] {
            let repeat = KeptLine {
                customer,
                invoice,
                line: 20,
                at,
                amount,
                country: Some("France"),
                hash: Some(amount.to_bits()),
                items: 1.0,
            };
            assert!(!aggregator.add(repeat), "{customer} {invoice:?}");
        }
        let folded: Vec<(String, Vec<(String, f64)>)> = aggregator
            .into_customers()
            .0
            .into_iter()
            .map(|c| {
                let purchases = c
                    .purchases
                    .into_iter()
                    .map(|p| (p.invoice.to_string(), p.amount));
                (c.id, purchases.collect())
            })
            .collect();
        let named = |id: &str, purchases: &[(&str, f64)]| {
            let purchases = purchases.iter().map(|(i, a)| (i.to_string(), *a));
            (id.to_string(), purchases.collect::<Vec<_>>())
        };
        assert_eq!(
            folded,
            vec![
                named("C1", &[("A1", 387.0), ("A2", 64.0)]),
                named("C2", &[("A1", 44.0), ("6", 16.0)]),
            ]
        );
    }
}
