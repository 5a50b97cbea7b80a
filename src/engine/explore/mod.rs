//! Exploration (EDA) of a transactions file, from ingest's single pass:
//! revenue by country, top products, order values and items per order,
//! orders by weekday × hour, new vs returning customers and the share of
//! lines set aside as cancellations or returns, per month.
//!
//! Per-line figures are folded during ingest by [`lines::LineStats`] (memory
//! O(products + months + customer × product pairs)); the rest is computed at
//! the end from the ledger. Every part merges across customer shares and
//! file ranges into the single pass's result. Where the file lacks a column a
//! figure needs, the figure is [`Facet::Missing`] and says what it needs.

pub mod countries;
pub mod histogram;
pub mod lines;
pub mod months;
pub mod orders;
pub mod products;

use serde::{Deserialize, Serialize};

use crate::engine::ingest::aggregate::LedgerFacts;
use crate::engine::ingest::columns::{ColumnMapping, Field};
use crate::engine::ingest::format::DetectedFormat;
use crate::engine::ledger::Ledger;

pub use countries::{CountryRow, CountryTable};
pub use histogram::Histogram;
pub use lines::LineTotals;
pub use months::{CustomersInMonth, SetAsideInMonth};
pub use orders::{ItemsMeasure, ItemsPerOrder, WeekdayHour};
pub use products::{ProductRow, TopProducts};

/// How many rows a "top" list holds.
pub const TOP: usize = 10;

/// A figure, or what the file would need for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Facet<T> {
    Available(T),
    Missing { needs: String },
}

impl<T> Facet<T> {
    pub fn available(&self) -> Option<&T> {
        match self {
            Facet::Available(value) => Some(value),
            Facet::Missing { .. } => None,
        }
    }

    fn missing(needs: &str) -> Self {
        Facet::Missing {
            needs: needs.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exploration {
    /// Revenue, orders and customers by the customers' countries.
    pub countries: Facet<CountryTable>,
    pub products: Facet<TopProducts>,
    /// Amounts of the ledger's purchases (orders after cleaning).
    pub order_values: Histogram,
    pub items_per_order: ItemsPerOrder,
    /// Purchases by their timestamp's weekday and hour.
    pub weekday_hour: Facet<WeekdayHour>,
    /// Customers with a purchase in each month, new or returning.
    pub customers_by_month: Vec<CustomersInMonth>,
    /// Lines set aside as cancellations or returns, per month.
    pub set_aside_by_month: Vec<SetAsideInMonth>,
}

pub const NEEDS_COUNTRY: &str = "a country column (map one in the mapping step)";
pub const NEEDS_PRODUCT: &str =
    "a product column, e.g. StockCode or SKU (map one in the mapping step)";
pub const NEEDS_QUANTITY: &str = "a quantity column (map one in the mapping step)";

/// The exploration of an ingested file: `facts` and `lines` as ingest made
/// them for `ledger`.
pub fn explore(
    ledger: &Ledger,
    facts: &LedgerFacts,
    lines: LineTotals,
    format: &DetectedFormat,
) -> Exploration {
    let mapping = &format.mapping;
    let has_quantity = mapping.quantity.is_some() && mapping.unit_price.is_some();
    let countries = match mapping.country.is_some() {
        true => Facet::Available(countries::by_country(ledger)),
        false => Facet::missing(NEEDS_COUNTRY),
    };
    let set_aside_by_month = months::set_aside(&lines);
    let products = match mapping.product.is_some() {
        true => Facet::Available(products::top_products(lines, facts, has_quantity)),
        false => Facet::missing(NEEDS_PRODUCT),
    };
    Exploration {
        countries,
        products,
        order_values: orders::order_values(ledger),
        items_per_order: orders::items_per_order(facts, has_quantity),
        weekday_hour: orders::weekday_hour(ledger, &format.date_format),
        customers_by_month: months::new_and_returning(ledger),
        set_aside_by_month,
    }
}

/// Headers taken as a product's description beside its code.
const DESCRIPTION_HEADERS: [&str; 8] = [
    "description",
    "product description",
    "item description",
    "product name",
    "productname",
    "item name",
    "lineitem name",
    "product title",
];

/// The column describing the mapped product, if the file has one besides it.
pub fn description_column(mapping: &ColumnMapping) -> Option<usize> {
    let product = mapping.index(Field::Product)?;
    mapping
        .headers
        .iter()
        .position(|header| {
            let header = header.trim().to_ascii_lowercase();
            DESCRIPTION_HEADERS.contains(&header.as_str())
        })
        .filter(|&index| index != product)
}
