//! Explore: the file at a glance before any segmentation — where revenue
//! comes from (countries, products), what orders look like, when people buy,
//! how many customers are new each month and how much is sent back. All of
//! it was counted during the single read of the file; a figure whose column
//! the file lacks says what it would need instead.

use crate::app::canvas::ChartCanvas;
use crate::charts::{self, BarsInput};
use crate::engine::explore::{CountryRow, Facet, ProductRow};
use crate::views::explore::{HistogramView, ProductList};
use crate::views::format::{money, percent, thousands};
use crate::views::Dashboard;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Explore(dashboard: Arc<Dashboard>) -> impl IntoView {
    let Some(explore) = dashboard.explore.clone() else {
        return view! {
            <section class="panel" aria-labelledby="explore-title">
                <h2 id="explore-title">"Explore"</h2>
                <p class="muted">"An RFM table holds one row per customer: exploring countries, products and orders needs the transactions file it was made from."</p>
            </section>
        }
        .into_any();
    };
    let weekday_hour = match explore.weekday_hour.clone() {
        Facet::Available(input) => view! {
            <ChartCanvas title="Orders by weekday and hour" file_name="orders-weekday-hour.png" height=300
                description="Heatmap of orders by day of the week (rows) and hour of the day (columns)"
                draw=move |area, theme| charts::draw_weekday_hour(area, &input, theme)/>
        }
        .into_any(),
        Facet::Missing { needs } => missing("Orders by weekday and hour", needs),
    };
    let customers_by_month = explore.customers_by_month.clone();
    let set_aside = explore.set_aside_by_month.clone();
    view! {
        <section class="panel" aria-labelledby="explore-title">
            <h2 id="explore-title">"Explore"</h2>
            <p class="muted">"The cleaned transactions at a glance, counted while the file was read."</p>
            {countries(&explore.countries)}
            {products(&explore.products)}
            <div class="chart-grid">
                {histogram("Order value", "order-values.png", "Histogram of orders by their value", explore.order_values.clone())}
                {histogram("Items per order", "items-per-order.png", "Histogram of orders by the number of items in them", explore.items_per_order.clone())}
            </div>
            <div class="chart-grid">
                {weekday_hour}
                <ChartCanvas title="New and returning customers by month" file_name="new-returning.png"
                    description="Bars per month: customers buying for the first time, and customers buying again"
                    draw=move |area, theme| charts::draw_monthly_series(area, &customers_by_month, theme)/>
            </div>
            <ChartCanvas title="Cancellations and returns: share of each month's lines" file_name="returns-by-month.png" height=260
                description="Per month, the share of the lines read that were cancellations or returns"
                draw=move |area, theme| charts::draw_monthly_series(area, &set_aside, theme)/>
        </section>
    }
    .into_any()
}

fn missing(title: &'static str, needs: String) -> AnyView {
    view! {
        <figure class="chart panel missing-chart">
            <figcaption><h3>{title}</h3></figcaption>
            <p class="muted">{format!("Not drawn: this needs {needs}.")}</p>
        </figure>
    }
    .into_any()
}

fn bars(
    title: String,
    file_name: &'static str,
    description: &'static str,
    input: BarsInput,
) -> impl IntoView {
    let height = (70 + 28 * input.bars.len()).clamp(220, 420) as u32;
    view! {
        <ChartCanvas title=title file_name=file_name height=height description=description
            draw=move |area, theme| charts::draw_bars(area, &input, theme)/>
    }
}

fn countries(facet: &Facet<crate::views::explore::CountriesView>) -> AnyView {
    let view = match facet {
        Facet::Available(view) => view.clone(),
        Facet::Missing { needs } => return missing("Revenue by country", needs.clone()),
    };
    let rows = view.rows.iter().map(country_row).collect_view();
    view! {
        <div class="chart-grid">
            {bars("Revenue share by country".into(), "revenue-by-country.png", "Bar chart of each country's share of revenue (top ten, then the rest)", view.revenue_share.clone())}
            <div class="table-scroll">
                <table class="explore-table" aria-label="Revenue, orders and customers by country">
                    <thead><tr><th scope="col">"Country"</th><th scope="col" class="num">"Revenue"</th><th scope="col" class="num">"Share"</th><th scope="col" class="num">"Orders"</th><th scope="col" class="num">"Customers"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}

fn country_row(row: &CountryRow) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{row.country.clone()}</th>
            <td class="num">{money(row.revenue)}</td>
            <td class="num">{percent(row.revenue_share)}</td>
            <td class="num">{thousands(row.orders)}</td>
            <td class="num">{thousands(row.customers)}</td>
        </tr>
    }
}

fn products(facet: &Facet<crate::views::explore::ProductsView>) -> AnyView {
    let view = match facet {
        Facet::Available(view) => view.clone(),
        Facet::Missing { needs } => return missing("Top products", needs.clone()),
    };
    let by_quantity = match &view.by_quantity {
        Facet::Available(list) => product_list(
            "Top products by units sold",
            "products-by-quantity.png",
            list.clone(),
        )
        .into_any(),
        Facet::Missing { needs } => missing("Top products by units sold", needs.clone()),
    };
    view! {
        <h3 class="explore-subtitle">{format!("Products ({} distinct)", thousands(view.products as u64))}</h3>
        <div class="chart-grid three">
            {product_list("Top products by revenue", "products-by-revenue.png", view.by_revenue.clone())}
            {by_quantity}
            {product_list("Products bought by the most customers", "products-by-customers.png", view.by_customers.clone())}
        </div>
    }
    .into_any()
}

fn product_list(title: &'static str, file_name: &'static str, list: ProductList) -> impl IntoView {
    let rows = list.rows.iter().map(product_row).collect_view();
    view! {
        <div class="product-list">
            {bars(title.into(), file_name, "Bar chart of the top products", list.bars.clone())}
            <details>
                <summary>{format!("{title}: table")}</summary>
                <table class="explore-table">
                    <thead><tr><th scope="col">"Product"</th><th scope="col" class="num">"Revenue"</th><th scope="col" class="num">"Units"</th><th scope="col" class="num">"Customers"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </div>
    }
}

fn product_row(row: &ProductRow) -> impl IntoView {
    let name = match row.description == row.product {
        true => row.product.clone(),
        false => format!("{} · {}", row.product, row.description),
    };
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td class="num">{money(row.revenue)}</td>
            <td class="num">{thousands(row.quantity.max(0.0).round() as u64)}</td>
            <td class="num">{thousands(row.customers)}</td>
        </tr>
    }
}

fn histogram(
    title: &'static str,
    file_name: &'static str,
    description: &'static str,
    view: HistogramView,
) -> impl IntoView {
    let chart = view.chart;
    view! {
        <div>
            <ChartCanvas title=title file_name=file_name height=260 description=description
                draw=move |area, theme| charts::draw_binned_histogram(area, &chart, theme)/>
            {view.note.map(|note| view! { <p class="muted chart-note">{note}</p> })}
        </div>
    }
}
