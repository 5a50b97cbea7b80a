//! Top products by revenue, by quantity and by distinct customers, from the
//! (customer, product) pairs of kept lines ([`super::lines`]): exact, and
//! without the customers the outlier rule removed.

use serde::{Deserialize, Serialize};

use super::lines::LineTotals;
use super::{Facet, NEEDS_QUANTITY, TOP};
use crate::engine::ingest::aggregate::LedgerFacts;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRow {
    /// The mapped product column's value (UCI: StockCode).
    pub product: String,
    /// The first non-empty description seen, else the product value.
    pub description: String,
    pub revenue: f64,
    /// Units sold (0 without a quantity column).
    pub quantity: f64,
    /// Distinct customers who bought it.
    pub customers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopProducts {
    /// Distinct products on kept lines.
    pub products: usize,
    pub by_revenue: Vec<ProductRow>,
    pub by_quantity: Facet<Vec<ProductRow>>,
    pub by_customers: Vec<ProductRow>,
}

pub fn top_products(lines: LineTotals, facts: &LedgerFacts, has_quantity: bool) -> TopProducts {
    // Without the outlier rule every customer is in the ledger.
    let mut kept = facts.first_lines.clone();
    kept.sort_unstable();
    let is_kept =
        |first_line: &u64| !facts.dropped_outliers || kept.binary_search(first_line).is_ok();
    // A product's pairs are one per customer (two for a customer read on
    // both sides of a range cut, summed first), summed in customer order
    // (file order of first appearance), whichever parts the file was read
    // in.
    let LineTotals {
        products,
        customers,
        first_lines,
        own,
        ..
    } = lines;
    let mut totals = vec![(0.0f64, 0.0f64, 0u64); products.len()];
    // One ingest's own pairs: one per customer and product, customers in
    // order, so each is a customer's whole sum (as below, from 0).
    if let Some(own) = &own {
        for (first_line, customer) in own.customers() {
            if !is_kept(&first_line) {
                continue;
            }
            for &(product, revenue, quantity) in customer {
                let Some(total) = own
                    .slots
                    .get(product as usize)
                    .and_then(|&slot| totals.get_mut(slot as usize))
                else {
                    continue;
                };
                total.0 += 0.0 + revenue;
                total.1 += 0.0 + quantity;
                total.2 += 1;
            }
        }
    }
    // Joined parts' entries are in file order already; merged shares' are
    // share after share.
    let mut order: Vec<(u64, usize)> = first_lines
        .iter()
        .copied()
        .zip(0usize..)
        .filter(|(first_line, _)| is_kept(first_line))
        .collect();
    order.sort_unstable();
    // Per product: the customer (run number) whose pairs `pending` sums, 0
    // once added to the totals. A customer's pairs of one product (two at
    // most, on both sides of a range cut) are summed first, then added.
    let mut marks = vec![0usize; products.len()];
    let mut pending = vec![(0.0f64, 0.0f64); products.len()];
    let runs = order.iter().filter_map(|&(_, entry)| customers.get(entry));
    for (run, customer) in (1usize..).zip(runs) {
        for pair in customer {
            let product = pair.0 as usize;
            let (Some(mark), Some(sum)) = (marks.get_mut(product), pending.get_mut(product)) else {
                continue;
            };
            if *mark != run {
                *mark = run;
                *sum = (0.0, 0.0);
            }
            sum.0 += pair.1;
            sum.1 += pair.2;
        }
        for pair in customer {
            let product = pair.0 as usize;
            let (Some(mark), Some(sum), Some(total)) = (
                marks.get_mut(product),
                pending.get(product),
                totals.get_mut(product),
            ) else {
                continue;
            };
            if *mark == run {
                *mark = 0;
                total.0 += sum.0;
                total.1 += sum.1;
                total.2 += 1;
            }
        }
    }
    let rows: Vec<ProductRow> = products
        .into_iter()
        .zip(totals)
        .filter(|(_, (_, _, customers))| *customers > 0)
        .map(|(name, (revenue, quantity, customers))| ProductRow {
            description: name
                .description
                .map_or_else(|| name.code.clone(), |(_, text)| text),
            product: name.code,
            revenue,
            quantity,
            customers,
        })
        .collect();
    let top = |key: &dyn Fn(&ProductRow) -> f64| {
        let mut sorted: Vec<&ProductRow> = rows.iter().collect();
        sorted.sort_by(|a, b| {
            key(b)
                .total_cmp(&key(a))
                .then_with(|| a.product.cmp(&b.product))
        });
        sorted.into_iter().take(TOP).cloned().collect::<Vec<_>>()
    };
    TopProducts {
        products: rows.len(),
        by_revenue: top(&|r| r.revenue),
        by_quantity: match has_quantity {
            true => Facet::Available(top(&|r| r.quantity)),
            false => Facet::Missing {
                needs: NEEDS_QUANTITY.to_string(),
            },
        },
        by_customers: top(&|r| r.customers as f64),
    }
}
