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

pub fn top_products(lines: &LineTotals, facts: &LedgerFacts, has_quantity: bool) -> TopProducts {
    let mut kept = facts.first_lines.clone();
    kept.sort_unstable();
    // A product's pairs are one per customer: summed in customer order (file
    // order of first appearance), whichever parts the file was read in.
    let mut pairs: Vec<_> = lines
        .pairs
        .iter()
        .filter(|((first_line, _), _)| kept.binary_search(first_line).is_ok())
        .collect();
    pairs.sort_unstable_by_key(|((first_line, product), _)| (*first_line, *product));
    let mut totals = vec![(0.0f64, 0.0f64, 0u64); lines.products.len()];
    for ((_, product), (revenue, quantity)) in pairs {
        if let Some(total) = totals.get_mut(*product as usize) {
            total.0 += revenue;
            total.1 += quantity;
            total.2 += 1;
        }
    }
    let rows: Vec<ProductRow> = lines
        .products
        .iter()
        .zip(totals)
        .filter(|(_, (_, _, customers))| *customers > 0)
        .map(|(name, (revenue, quantity, customers))| ProductRow {
            product: name.code.clone(),
            description: name
                .description
                .as_ref()
                .map_or_else(|| name.code.clone(), |(_, text)| text.clone()),
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
