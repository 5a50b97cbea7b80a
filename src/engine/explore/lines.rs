//! What exploration needs from individual lines, folded during ingest's
//! single pass: per (customer, product) revenue and quantity of kept lines,
//! and per month the parsed lines and those set aside as cancellations or
//! returns. Everything else comes from the ledger at the end.
//!
//! Memory is O(products + months + distinct (customer, product) pairs among
//! kept lines), never O(rows): a pair is stored once however many lines
//! repeat it, and there are at most as many pairs as kept lines (in practice
//! far fewer: 540k UCI lines hold ≈ 270k pairs), plus the log of lines not
//! folded yet: at most a constant or a quarter of the pairs. Keeping the pairs makes
//! "distinct customers per product" exact and lets customers removed by the
//! outlier rule leave the product figures, which a per-product counter
//! could not.
//!
//! Per line this costs a hash lookup of the product and an append to a
//! log of kept lines, written in order (no lookup of the pair: a table per
//! customer, or one of every pair, cost cache misses per line that made
//! exploring add ~50% to the ingest of 540k generated lines). The log is
//! folded into the pairs when it grows (see [`FOLD_AT_LEAST`]) and at the
//! end: bucketed by customer, then summed per pair in file order, so every
//! pair's sums are the running sums they would have been. Each customer's
//! pairs are a list of their own, extended in place: a fold touches only the
//! customers it has lines of and copies no pairs (one list of every pair,
//! rebuilt at each fold, held the old and the new list at once).

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
    /// Kept lines not folded into `folded` yet, in file order.
    log: Vec<LoggedLine>,
    /// Fold the log when it reaches this many lines.
    fold_at: usize,
    /// Customer slots seen (one more than the highest).
    customer_count: usize,
    /// Folded pairs per customer slot, each customer's in order of their
    /// first line.
    folded: Vec<Vec<ProductSums>>,
    /// How many pairs `folded` holds.
    folded_pairs: usize,
    /// Per product slot: (stamp, place in `folded`) while folding.
    places: Vec<(u32, usize)>,
    stamp: u32,
    months: FastHashMap<MonthKey, MonthLines>,
    /// The month of the last line and its counts' slot: lines come in date
    /// order mostly, so most skip the lookup.
    recent_month: Option<(MonthKey, MonthLines)>,
}

/// A kept line as logged: (customer slot, product slot, revenue, quantity).
#[derive(Clone, Copy)]
struct LoggedLine {
    customer: u32,
    product: u32,
    revenue: f64,
    quantity: f64,
}

/// A customer's sums for one product: (product slot, revenue, quantity).
pub type ProductSums = (u32, f64, f64);

/// The log is folded at this many lines at least, and otherwise once it
/// holds a [`LOG_SHARE`]th of the folded pairs: memory stays within a
/// constant plus a quarter more than the pairs, and each fold's work (the
/// lines logged, and the earlier pairs of the customers they belong to) is
/// paid for by the lines logged since the last.
/// (A few lines in the crate's tests, so their files fold many times.)
const FOLD_AT_LEAST: usize = if cfg!(test) { 4 } else { 1 << 18 };
const LOG_SHARE: usize = 4;

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
        self.customer_count = self.customer_count.max(customer as usize + 1);
        if self.log.capacity() == 0 {
            // Its size once and for all: growing copies it and touches
            // new memory at every doubling.
            self.log.reserve_exact(FOLD_AT_LEAST);
        }
        self.log.push(LoggedLine {
            customer,
            product,
            revenue,
            quantity,
        });
        if self.log.len() >= self.fold_at.max(FOLD_AT_LEAST) {
            self.fold();
            self.fold_at = self.folded_pairs / LOG_SHARE;
        }
    }

    /// Folds the log into the pairs: the log's lines are bucketed by
    /// customer (stable), then each logged line is summed into its
    /// customer's pair in file order (as one running sum per pair would
    /// have) or starts a new one.
    fn fold(&mut self) {
        let customers = self.customer_count;
        let mut offsets = vec![0usize; customers + 1];
        for line in &self.log {
            if let Some(count) = offsets.get_mut(line.customer as usize + 1) {
                *count += 1;
            }
        }
        for at in 1..offsets.len() {
            let before = offsets.get(at - 1).copied().unwrap_or(0);
            if let Some(offset) = offsets.get_mut(at) {
                *offset += before;
            }
        }
        let mut order = vec![0u32; self.log.len()];
        let mut cursors = offsets.clone();
        for (index, line) in (0u32..).zip(&self.log) {
            if let Some(cursor) = cursors.get_mut(line.customer as usize) {
                if let Some(slot) = order.get_mut(*cursor) {
                    *slot = index;
                }
                *cursor += 1;
            }
        }
        drop(cursors);
        if self.folded.len() < customers {
            self.folded.resize_with(customers, Vec::new);
        }
        for (customer, pairs) in self.folded.iter_mut().enumerate() {
            let logged = match (offsets.get(customer), offsets.get(customer + 1)) {
                (Some(&start), Some(&end)) if start < end => order.get(start..end).unwrap_or(&[]),
                _ => continue,
            };
            self.stamp = self.stamp.wrapping_add(1);
            if self.stamp == 0 {
                self.places.fill((0, 0));
                self.stamp = 1;
            }
            let stamp = self.stamp;
            for (place_in_pairs, pair) in pairs.iter().enumerate() {
                if let Some(place) = self.places.get_mut(pair.0 as usize) {
                    *place = (stamp, place_in_pairs);
                }
            }
            if pairs.is_empty() {
                // A customer's first lines: at most this many pairs, and
                // no doubling's spare room for the many small customers.
                pairs.reserve_exact(logged.len());
            }
            let before = pairs.len();
            for &index in logged {
                let Some(line) = self.log.get(index as usize) else {
                    continue;
                };
                let Some(place) = self.places.get_mut(line.product as usize) else {
                    continue;
                };
                if place.0 == stamp {
                    if let Some(pair) = pairs.get_mut(place.1) {
                        pair.1 += line.revenue;
                        pair.2 += line.quantity;
                    }
                    continue;
                }
                *place = (stamp, pairs.len());
                pairs.push((line.product, line.revenue, line.quantity));
            }
            self.folded_pairs += pairs.len() - before;
        }
        self.log.clear();
    }

    /// Per customer slot, its pairs (product slot, revenue, quantity).
    fn customer_pairs(&self) -> impl Iterator<Item = &[ProductSums]> {
        self.folded.iter().map(Vec::as_slice)
    }

    fn product_slot(&mut self, code: &str) -> u32 {
        let key = NameKey::new(code, u64::MAX);
        // Known products first: a lookup without the entry's bookkeeping.
        if let Some(&slot) = self.product_index.get(&key) {
            let same = key.is_exact()
                || self
                    .products
                    .get(slot as usize)
                    .is_some_and(|p| fast_hash::same_bytes(p.code.as_bytes(), code.as_bytes()));
            if same {
                return slot;
            }
        }
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
        self.fold();
        let mut pairs = Vec::with_capacity(self.folded_pairs);
        for (customer, products) in (0u32..).zip(self.customer_pairs()) {
            pairs.extend(products.iter().map(|&(product, revenue, quantity)| Pair {
                customer,
                product,
                revenue,
                quantity,
            }));
        }
        let mut part = self.take_part();
        part.pairs = pairs;
        part
    }

    /// The part without its pairs (the products and months).
    fn take_part(&mut self) -> LinesPart {
        if let Some((key, counts)) = self.recent_month.take() {
            self.months.entry(key).or_default().absorb(counts);
        }
        let mut months: Vec<(MonthKey, MonthLines)> = self.months.drain().collect();
        months.sort_by_key(|(key, _)| *key);
        LinesPart {
            products: std::mem::take(&mut self.products),
            pairs: Vec::new(),
            months,
        }
    }
}

/// The parts of a file merged. A customer is an entry of `customers`: in
/// file order of its first kept row when the parts are joined (the entry is
/// the joining aggregator's customer slot), share after share when shares
/// are merged (each customer in one share).
#[derive(Debug, Default)]
pub struct LineTotals {
    pub products: Vec<ProductName>,
    product_index: FastHashMap<String, u32>,
    /// Per customer entry, its pairs (product slot here, revenue, quantity)
    /// as the parts had them, in part order: a pair read partly before and
    /// partly after a range cut is here twice (summed when the products are
    /// totalled). One list per customer, extended in place: one list of
    /// every pair, sorted by customer at the end, held the pairs a third
    /// larger and needed the sort's buffer besides.
    pub customers: Vec<Vec<ProductSums>>,
    /// Per customer entry, the file line of its first kept row (unique per
    /// customer, and the same whichever part read it).
    pub first_lines: Vec<u64>,
    /// One ingest's own pairs, kept as it folded them until another part
    /// comes (copying them touches as much new memory again).
    pub own: Option<OwnPairs>,
    pub months: FastHashMap<MonthKey, MonthLines>,
}

/// Pairs customer by customer, customers in order of their first line:
/// customer `c` is first seen at `first_lines[c]` and its pairs (product
/// slot of the part, revenue, quantity) are `folded[c]`, one per product;
/// `slots` maps the part's product slots to the totals'.
#[derive(Debug, Default)]
pub struct OwnPairs {
    pub first_lines: Vec<u64>,
    pub slots: Vec<u32>,
    folded: Vec<Vec<ProductSums>>,
}

impl OwnPairs {
    /// Per customer, its first line and pairs (with the part's product slots).
    pub fn customers(&self) -> impl Iterator<Item = (u64, &[ProductSums])> {
        self.first_lines
            .iter()
            .copied()
            .zip(self.folded.iter().map(Vec::as_slice))
    }
}

/// Where a part's customer goes among the totals' entries: (entry, file
/// line of its first kept row).
pub type Placed = (u32, u64);

impl LineTotals {
    /// Adds a share whose customer slot `i` is the customer first seen at
    /// `first_lines[i]`, seen in no share before: each a new entry.
    pub fn absorb(&mut self, part: LinesPart, first_lines: &[u64]) {
        self.spill_own();
        let base = self.customers.len() as u32;
        let places: Vec<Placed> = (base..).zip(first_lines.iter().copied()).collect();
        self.absorb_at(part, &places, 0);
    }

    /// Adds a part whose customer slot `i` goes to the entry `places[i]`
    /// (the joining aggregator's slot: no lookup), and whose line numbers
    /// are `line_offset` lines after the file's (a later range's).
    pub fn absorb_at(&mut self, part: LinesPart, places: &[Placed], line_offset: u64) {
        self.spill_own();
        let slots = self.absorb_products(part.products, part.months, line_offset);
        // A part lists its pairs customer by customer: one placing per run.
        for run in part.pairs.chunk_by(|a, b| a.customer == b.customer) {
            let Some(&(entry, first_line)) =
                run.first().and_then(|p| places.get(p.customer as usize))
            else {
                continue;
            };
            let Some(pairs) = self.entry(entry, first_line) else {
                continue;
            };
            if pairs.is_empty() {
                pairs.reserve_exact(run.len());
            }
            pairs.extend(run.iter().filter_map(|pair| {
                let &product = slots.get(pair.product as usize)?;
                Some((product, pair.revenue, pair.quantity))
            }));
        }
    }

    /// The pairs of `entry` (its first line set), made if new. Entries come
    /// from customer slots (below their count) or follow the last.
    fn entry(&mut self, entry: u32, first_line: u64) -> Option<&mut Vec<ProductSums>> {
        let entry = entry as usize;
        if entry >= self.customers.len() {
            self.customers.resize_with(entry + 1, Vec::new);
            self.first_lines.resize(entry + 1, first_line);
        }
        *self.first_lines.get_mut(entry)? = first_line;
        self.customers.get_mut(entry)
    }

    /// As [`LineTotals::absorb`] with `stats.into_part()`, without the
    /// part's copy of every pair in between (a large buffer, new memory).
    /// Its customer slot `i` becomes entry `i` when it comes first.
    pub fn absorb_stats(&mut self, mut stats: LineStats, first_lines: &[u64]) {
        self.spill_own();
        stats.fold();
        let part = stats.take_part();
        let slots = self.absorb_products(part.products, part.months, 0);
        self.own = Some(OwnPairs {
            first_lines: first_lines.to_vec(),
            slots,
            folded: stats.folded,
        });
        if !self.customers.is_empty() {
            self.spill_own();
        }
    }

    /// Moves the own pairs into `customers` (after the entries there), for
    /// another part to join them.
    fn spill_own(&mut self) {
        let Some(own) = self.own.take() else {
            return;
        };
        // Each customer's list moves as it is, its product slots renamed.
        for (&first_line, mut products) in own.first_lines.iter().zip(own.folded) {
            products.retain_mut(|pair| match own.slots.get(pair.0 as usize) {
                Some(&product) => {
                    pair.0 = product;
                    true
                }
                None => false,
            });
            self.customers.push(products);
            self.first_lines.push(first_line);
        }
    }

    /// Adds a part's products (giving their slots here) and months.
    fn absorb_products(
        &mut self,
        products: Vec<ProductName>,
        months: Vec<(MonthKey, MonthLines)>,
        line_offset: u64,
    ) -> Vec<u32> {
        for (key, counts) in months {
            self.months.entry(key).or_default().absorb(counts);
        }
        products
            .into_iter()
            .map(|product| self.product_slot(product, line_offset))
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of 40 customers and 7 products in a scrambled order, with
    /// amounts whose sums depend on their order.
    fn lines() -> Vec<(u32, u32, f64, f64)> {
        let mut state = 12_345u64;
        let mut next = move |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % below
        };
        (0..3_000)
            .map(|_| {
                let customer = next(40) as u32;
                let product = next(7) as u32;
                let revenue = next(1_000) as f64 * 0.1 + 1e-9 * next(97) as f64;
                let quantity = next(5) as f64 + 0.3;
                (customer, product, revenue, quantity)
            })
            .collect()
    }

    #[test]
    fn folding_many_times_gives_each_pair_its_running_sums_in_file_order() {
        let lines = lines();
        let mut stats = LineStats::default();
        for product in 0..7 {
            stats.product_slot(&format!("P{product}"));
        }
        // The oracle: one running sum per (customer, product), in file
        // order; a customer's pairs in order of their first line.
        let mut expected: Vec<Vec<ProductSums>> = vec![Vec::new(); 40];
        for &(customer, product, revenue, quantity) in &lines {
            stats.add_pair(customer, product, revenue, quantity);
            let pairs = &mut expected[customer as usize];
            match pairs.iter_mut().find(|pair| pair.0 == product) {
                Some(pair) => {
                    pair.1 += revenue;
                    pair.2 += quantity;
                }
                None => pairs.push((product, revenue, quantity)),
            }
        }
        assert!(stats.folded_pairs > 0, "the log was folded on the way");
        let part = stats.into_part();
        let got: Vec<(u32, ProductSums)> = part
            .pairs
            .iter()
            .map(|p| (p.customer, (p.product, p.revenue, p.quantity)))
            .collect();
        let want: Vec<(u32, ProductSums)> = (0u32..)
            .zip(&expected)
            .flat_map(|(customer, pairs)| pairs.iter().map(move |&pair| (customer, pair)))
            .collect();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            assert_eq!(g.1 .0, w.1 .0);
            assert_eq!(g.1 .1.to_bits(), w.1 .1.to_bits(), "{g:?} vs {w:?}");
            assert_eq!(g.1 .2.to_bits(), w.1 .2.to_bits(), "{g:?} vs {w:?}");
        }
    }
}
