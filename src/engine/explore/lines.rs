//! What exploration needs from individual lines, folded during ingest's
//! single pass: per (customer, product) revenue and quantity of kept lines,
//! and per month the parsed lines and those set aside as cancellations or
//! returns. Everything else comes from the ledger at the end.
//!
//! Memory is O(products + months + distinct (customer, product) pairs among
//! kept lines), never O(rows): a pair is stored once however many lines
//! repeat it, and there are at most as many pairs as kept lines (in practice
//! far fewer: 540k UCI lines hold ≈ 270k pairs). Keeping the pairs makes
//! "distinct customers per product" exact and lets customers removed by the
//! outlier rule leave the product figures, which a per-product counter
//! could not.
//!
//! Per line this costs a hash lookup of the product and one of the pair in
//! its customer's own small table, and no allocation but a table's growth:
//! product codes are [`NameKey`]s (short codes are their own keys). One
//! table of every pair, keyed by (customer, product), cost a cache miss per
//! line (on a 540k-line file, most of what exploring added to ingest): a
//! customer's lines come together (an invoice's lines are consecutive), so
//! its own table stays in cache while they are folded.

use std::collections::hash_map::Entry;

use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::engine::fast_hash::{self, FastHashMap};
use crate::engine::ingest::name_key::NameKey;

/// A calendar month as `year × 12 + month − 1`.
pub type MonthKey = i32;

pub fn month_key(at: NaiveDateTime) -> MonthKey {
    at.year() * 12 + at.month0() as i32
}

/// One product seen on a kept line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductName {
    pub code: String,
    /// The first non-empty description and the file line it came from.
    pub description: Option<(u64, String)>,
}

/// Kept lines of one customer (a slot of the part's customers) and product.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub customer: u32,
    pub product: u32,
    pub revenue: f64,
    pub quantity: f64,
}

/// Lines of one month: parsed, and set aside by the cancellation and return
/// rules (dropped, not kept with the rule switched off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthLines {
    pub parsed: u64,
    pub cancellations: u64,
    pub returns: u64,
}

impl MonthLines {
    pub fn absorb(&mut self, other: MonthLines) {
        self.parsed += other.parsed;
        self.cancellations += other.cancellations;
        self.returns += other.returns;
    }
}

/// The state of one ingest (a whole file, a share or a range) as it travels
/// between workers: customers are slots of the part's own customer list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinesPart {
    pub products: Vec<ProductName>,
    pub pairs: Vec<Pair>,
    pub months: Vec<(MonthKey, MonthLines)>,
}

/// Folds lines as they stream in (see the module notes).
#[derive(Default)]
pub struct LineStats {
    products: Vec<ProductName>,
    product_index: FastHashMap<NameKey, u32>,
    /// Long codes whose hash is taken by another code.
    product_collisions: FastHashMap<String, u32>,
    /// Per customer slot, its products.
    customers: Vec<CustomerProducts>,
    /// Per product slot: (stamp, place in the current customer's entries),
    /// valid while the stamp is [`LineStats::stamp`].
    places: Vec<(u32, u32)>,
    /// The customer whose entries `places` holds (when it has no index).
    current: Option<u32>,
    stamp: u32,
    months: FastHashMap<MonthKey, MonthLines>,
    /// The month of the last line and its counts' slot: lines come in date
    /// order mostly, so most skip the lookup.
    recent_month: Option<(MonthKey, MonthLines)>,
}

/// One customer's products: (product slot, revenue, quantity). While few,
/// they are found through [`LineStats::places`], filled when the customer's
/// lines start (an invoice's lines come together, so this is once per
/// invoice, not per line); beyond [`CustomerProducts::PLACED`], through an
/// index of their own.
#[derive(Default)]
struct CustomerProducts {
    entries: Vec<(u32, f64, f64)>,
    index: Option<FastHashMap<u32, u32>>,
}

impl CustomerProducts {
    const PLACED: usize = 64;
}

/// Why a parsed line was set aside, for the monthly share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetAside {
    Cancellation,
    Return,
}

impl LineStats {
    /// A parsed line of `month` (call [`LineStats::mark_set_aside`] next if
    /// the rules set it aside).
    pub fn count_parsed(&mut self, month: MonthKey) {
        let counts = match &mut self.recent_month {
            Some((key, counts)) if *key == month => counts,
            recent => {
                if let Some((key, counts)) = recent.take() {
                    self.months.entry(key).or_default().absorb(counts);
                }
                &mut recent.insert((month, MonthLines::default())).1
            }
        };
        counts.parsed += 1;
    }

    /// The line last counted by [`LineStats::count_parsed`] was set aside.
    pub fn mark_set_aside(&mut self, why: SetAside) {
        if let Some((_, counts)) = &mut self.recent_month {
            match why {
                SetAside::Cancellation => counts.cancellations += 1,
                SetAside::Return => counts.returns += 1,
            }
        }
    }

    /// A kept line of the customer in `customer` slot. `description` is only
    /// called for a product's lines until one has a non-empty description.
    pub fn add_kept<'a>(
        &mut self,
        customer: u32,
        product: &str,
        description: impl FnOnce() -> Option<&'a str>,
        line: u64,
        revenue: f64,
        quantity: f64,
    ) {
        let slot = self.product_slot(product);
        if let Some(entry) = self.products.get_mut(slot as usize) {
            if entry.description.is_none() {
                entry.description = description()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(|d| (line, d.to_string()));
            }
        }
        self.add_pair(customer, slot, revenue, quantity);
    }

    fn add_pair(&mut self, customer: u32, product: u32, revenue: f64, quantity: f64) {
        let index = customer as usize;
        if self.customers.len() <= index {
            // Slots are handed out one after another: this grows by one.
            self.customers
                .resize_with(index + 1, CustomerProducts::default);
        }
        let Some(products) = self.customers.get_mut(index) else {
            return;
        };
        if self.current != Some(customer) {
            self.current = Some(customer);
            self.stamp = self.stamp.wrapping_add(1);
            if self.stamp == 0 {
                self.places.fill((0, 0));
                self.stamp = 1;
            }
            if products.index.is_none() {
                for (at, entry) in (0u32..).zip(&products.entries) {
                    if let Some(place) = self.places.get_mut(entry.0 as usize) {
                        *place = (self.stamp, at);
                    }
                }
            }
        }
        let found = match &products.index {
            Some(index) => index.get(&product).copied(),
            None => self
                .places
                .get(product as usize)
                .filter(|place| place.0 == self.stamp)
                .map(|place| place.1),
        };
        if let Some(entry) = found.and_then(|at| products.entries.get_mut(at as usize)) {
            entry.1 += revenue;
            entry.2 += quantity;
            return;
        }
        let at = products.entries.len() as u32;
        products.entries.push((product, revenue, quantity));
        match &mut products.index {
            Some(index) => {
                index.insert(product, at);
            }
            None if products.entries.len() > CustomerProducts::PLACED => {
                products.index = Some(
                    (0u32..)
                        .zip(&products.entries)
                        .map(|(at, e)| (e.0, at))
                        .collect(),
                );
            }
            None => {
                if let Some(place) = self.places.get_mut(product as usize) {
                    *place = (self.stamp, at);
                }
            }
        }
    }

    fn product_slot(&mut self, code: &str) -> u32 {
        let key = NameKey::new(code, u64::MAX);
        let next = self.products.len() as u32;
        match self.product_index.entry(key) {
            Entry::Occupied(entry) => {
                let slot = *entry.get();
                let same = key.is_exact()
                    || self
                        .products
                        .get(slot as usize)
                        .is_some_and(|p| fast_hash::same_bytes(p.code.as_bytes(), code.as_bytes()));
                if same {
                    return slot;
                }
                if let Some(&slot) = self.product_collisions.get(code) {
                    return slot;
                }
                self.product_collisions.insert(code.to_string(), next);
            }
            Entry::Vacant(entry) => {
                entry.insert(next);
            }
        }
        self.products.push(ProductName {
            code: code.to_string(),
            description: None,
        });
        self.places.push((0, 0));
        next
    }

    /// The state to send to another worker or to finish with.
    pub fn into_part(mut self) -> LinesPart {
        if let Some((key, counts)) = self.recent_month.take() {
            self.months.entry(key).or_default().absorb(counts);
        }
        let mut months: Vec<(MonthKey, MonthLines)> = self.months.into_iter().collect();
        months.sort_by_key(|(key, _)| *key);
        let pairs = (0u32..)
            .zip(self.customers)
            .flat_map(|(customer, products)| {
                products
                    .entries
                    .into_iter()
                    .map(move |(product, revenue, quantity)| Pair {
                        customer,
                        product,
                        revenue,
                        quantity,
                    })
            })
            .collect();
        LinesPart {
            products: self.products,
            pairs,
            months,
        }
    }
}

/// The parts of a file merged, with customers named by the file line of their
/// first kept row (unique per customer, and the same whichever part read it).
#[derive(Debug, Default)]
pub struct LineTotals {
    pub products: Vec<ProductName>,
    product_index: FastHashMap<String, u32>,
    /// (customer's first line, product slot, revenue, quantity), as the
    /// parts had them: a pair read partly before and partly after a range
    /// cut is here twice (summed when the products are totalled).
    pub pairs: Vec<(u64, u32, f64, f64)>,
    pub months: FastHashMap<MonthKey, MonthLines>,
}

impl LineTotals {
    /// Adds a part whose customer slot `i` is the customer first seen at
    /// `first_lines[i]`, and whose line numbers are `line_offset` lines
    /// after the file's (a later range's).
    pub fn absorb(&mut self, part: LinesPart, first_lines: &[u64], line_offset: u64) {
        let slots: Vec<u32> = part
            .products
            .into_iter()
            .map(|product| self.product_slot(product, line_offset))
            .collect();
        self.pairs.reserve(part.pairs.len());
        for pair in part.pairs {
            let (Some(&first_line), Some(&product)) = (
                first_lines.get(pair.customer as usize),
                slots.get(pair.product as usize),
            ) else {
                continue;
            };
            self.pairs
                .push((first_line, product, pair.revenue, pair.quantity));
        }
        for (key, counts) in part.months {
            self.months.entry(key).or_default().absorb(counts);
        }
    }

    fn product_slot(&mut self, product: ProductName, line_offset: u64) -> u32 {
        let description = product
            .description
            .map(|(line, text)| (line + line_offset, text));
        match self.product_index.get(&product.code) {
            Some(&slot) => {
                if let Some(ours) = self.products.get_mut(slot as usize) {
                    let earlier = match (&ours.description, &description) {
                        (Some((mine, _)), Some((theirs, _))) => theirs < mine,
                        (None, Some(_)) => true,
                        _ => false,
                    };
                    if earlier {
                        ours.description = description;
                    }
                }
                slot
            }
            None => {
                let slot = self.products.len() as u32;
                self.product_index.insert(product.code.clone(), slot);
                self.products.push(ProductName {
                    code: product.code,
                    description,
                });
                slot
            }
        }
    }
}
