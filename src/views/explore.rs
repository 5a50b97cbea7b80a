//! The exploration section's view model: tables of at most ten rows and the
//! chart inputs, built from the engine's [`Exploration`] (never per line or
//! per customer, so it stays small on the way to the page).

use serde::{Deserialize, Serialize};

use super::format::{money, thousands};
use crate::charts::format as chart_format;
use crate::charts::monthly_revenue::revenue_axis_label;
use crate::charts::{
    Bar, BarsInput, BinnedHistogram, Histogram as ChartHistogram, HistogramBin, MonthSeries,
    MonthlySeriesInput, NumberFormat, WeekdayHourInput,
};
use crate::engine::explore::{
    CountryRow, Exploration, Facet, Histogram, ItemsMeasure, ProductRow, TopProducts,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExploreView {
    pub countries: Facet<CountriesView>,
    pub products: Facet<ProductsView>,
    pub order_values: HistogramView,
    pub items_per_order: HistogramView,
    pub weekday_hour: Facet<WeekdayHourInput>,
    /// New and returning customers per month (two series).
    pub customers_by_month: MonthlySeriesInput,
    /// Share of parsed lines set aside as cancellations or returns.
    pub set_aside_by_month: MonthlySeriesInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountriesView {
    /// The top countries, then "Other" if any.
    pub rows: Vec<CountryRow>,
    pub revenue_share: BarsInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductsView {
    /// Distinct products on kept lines.
    pub products: usize,
    pub by_revenue: ProductList,
    pub by_quantity: Facet<ProductList>,
    pub by_customers: ProductList,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductList {
    pub rows: Vec<ProductRow>,
    pub bars: BarsInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramView {
    pub chart: BinnedHistogram,
    /// What the bins leave out ("12 orders above 1,242.22 …"), if anything.
    pub note: Option<String>,
}

pub const ORDERS_AXIS_LABEL: &str = "Orders";

impl ExploreView {
    pub fn build(exploration: &Exploration) -> Self {
        let items_label = match exploration.items_per_order.measure {
            ItemsMeasure::Quantity => "Units per order",
            ItemsMeasure::Lines => "Lines per order",
        };
        Self {
            countries: map(&exploration.countries, countries),
            products: map(&exploration.products, products),
            order_values: histogram(
                &exploration.order_values,
                &revenue_axis_label("").replace("Revenue", "Order value"),
                0,
                money,
            ),
            items_per_order: histogram(
                &exploration.items_per_order.histogram,
                items_label,
                1,
                |v| chart_format::thousands(v, 0),
            ),
            weekday_hour: map(&exploration.weekday_hour, |grid| WeekdayHourInput {
                counts: grid.counts,
            }),
            customers_by_month: customers_by_month(exploration),
            set_aside_by_month: set_aside_by_month(exploration),
        }
    }
}

fn map<T, U>(facet: &Facet<T>, f: impl FnOnce(&T) -> U) -> Facet<U> {
    match facet {
        Facet::Available(value) => Facet::Available(f(value)),
        Facet::Missing { needs } => Facet::Missing {
            needs: needs.clone(),
        },
    }
}

fn countries(table: &crate::engine::explore::CountryTable) -> CountriesView {
    let mut rows = table.rows.clone();
    rows.extend(table.other.iter().cloned().map(|mut other| {
        other.country = format!("{} ({} countries)", other.country, table.other_countries);
        other
    }));
    let bars = rows
        .iter()
        .map(|r| Bar {
            label: r.country.clone(),
            value: r.revenue_share,
            colour: Some(0),
        })
        .collect();
    CountriesView {
        rows,
        revenue_share: BarsInput {
            bars,
            value_format: NumberFormat::Percent(1),
            value_axis_label: "Share of revenue (%)".into(),
        },
    }
}

fn products(top: &TopProducts) -> ProductsView {
    let list = |rows: &[ProductRow], value: fn(&ProductRow) -> f64, format, axis: &str, colour| {
        ProductList {
            rows: rows.to_vec(),
            bars: BarsInput {
                bars: rows
                    .iter()
                    .map(|r| Bar {
                        label: r.description.clone(),
                        value: value(r),
                        colour: Some(colour),
                    })
                    .collect(),
                value_format: format,
                value_axis_label: axis.to_string(),
            },
        }
    };
    let revenue = revenue_axis_label("");
    ProductsView {
        products: top.products,
        by_revenue: list(
            &top.by_revenue,
            |r| r.revenue,
            NumberFormat::Compact,
            &revenue,
            0,
        ),
        by_quantity: map(&top.by_quantity, |rows| {
            list(rows, |r| r.quantity, NumberFormat::Compact, "Units sold", 1)
        }),
        by_customers: list(
            &top.by_customers,
            |r| r.customers as f64,
            NumberFormat::Grouped(0),
            "Customers",
            2,
        ),
    }
}

fn histogram(
    histogram: &Histogram,
    x_label: &str,
    colour: usize,
    shown: fn(f64) -> String,
) -> HistogramView {
    let bins: Vec<HistogramBin> = histogram
        .edges
        .windows(2)
        .zip(&histogram.counts)
        .map(|(edges, &count)| HistogramBin {
            lo: edges.first().copied().unwrap_or_default(),
            hi: edges.last().copied().unwrap_or_default(),
            count,
        })
        .collect();
    let cap = histogram.edges.last().copied().unwrap_or_default();
    let note = (histogram.overflow > 0).then(|| {
        format!(
            "{} of {} orders above {} (the 99th percentile) are not drawn; the largest is {}",
            thousands(histogram.overflow),
            thousands(histogram.values),
            shown(cap),
            shown(histogram.max)
        )
    });
    HistogramView {
        chart: BinnedHistogram {
            histogram: (!bins.is_empty()).then_some(ChartHistogram {
                bins,
                scale: crate::charts::AxisScale::Linear,
                skipped_non_finite: 0,
                skipped_non_positive: 0,
            }),
            x_label: x_label.to_string(),
            y_label: ORDERS_AXIS_LABEL.to_string(),
            colour,
        },
        note,
    }
}

fn year_month(month: chrono::NaiveDate) -> (i32, u32) {
    use chrono::Datelike;
    (month.year(), month.month())
}

fn customers_by_month(exploration: &Exploration) -> MonthlySeriesInput {
    let months = &exploration.customers_by_month;
    let series =
        |label: &str, value: fn(&crate::engine::explore::CustomersInMonth) -> u64, colour| {
            MonthSeries {
                label: label.to_string(),
                values: months.iter().map(|m| value(m) as f64).collect(),
                colour,
            }
        };
    MonthlySeriesInput {
        months: months.iter().map(|m| year_month(m.month)).collect(),
        series: vec![
            series("New customers", |m| m.new, 0),
            series("Returning customers", |m| m.returning, 1),
        ],
        value_format: NumberFormat::Grouped(0),
        value_axis_label: "Customers".into(),
    }
}

fn set_aside_by_month(exploration: &Exploration) -> MonthlySeriesInput {
    let months = &exploration.set_aside_by_month;
    MonthlySeriesInput {
        months: months.iter().map(|m| year_month(m.month)).collect(),
        series: vec![MonthSeries {
            label: "Cancellations and returns".into(),
            values: months.iter().map(|m| m.share).collect(),
            colour: 5,
        }],
        value_format: NumberFormat::Percent(1),
        value_axis_label: "Lines set aside (%)".into(),
    }
}
