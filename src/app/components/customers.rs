//! The customer table: searchable, sortable, paginated (fast at 100k rows:
//! only one page is ever in the DOM).

use crate::app::state::Studio;
use crate::studio::Event;
use crate::views::customer_table::{SortColumn, TableQuery};
use crate::views::format::{money, thousands};
use leptos::{ev, prelude::*};

const COLUMNS: [(SortColumn, &str, bool); 8] = [
    (SortColumn::CustomerId, "Customer", false),
    (SortColumn::Country, "Country", false),
    (SortColumn::Recency, "Recency (days)", true),
    (SortColumn::Frequency, "Frequency", true),
    (SortColumn::Monetary, "Monetary", true),
    (SortColumn::RfmScore, "RFM score", false),
    (SortColumn::Segment, "Segment", false),
    (SortColumn::Cluster, "Cluster", false),
];

#[component]
pub fn CustomerTable() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let table_query = studio.table_query;
    let page = studio.table_page;
    let ask = move |change: &dyn Fn(&mut TableQuery)| {
        let mut query = table_query.get_untracked();
        change(&mut query);
        studio.dispatch(Event::QueryTable(query));
    };
    let sort_state = move |column: SortColumn| {
        table_query.with(|q| match (q.sort == column, q.descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        })
    };
    view! {
        <section class="panel" aria-labelledby="customers-title">
            <h2 id="customers-title">"Customers"</h2>
            <div class="table-tools">
                <input type="search" placeholder="Search id, country, segment, cluster…" aria-label="Search customers"
                    on:input=move |e: ev::Event| {
                        let text = event_target_value(&e);
                        ask(&|q| { q.search = text.clone(); q.page = 0; });
                    }/>
                <span class="muted" aria-live="polite">{move || page.with(|p| match p {
                    Some(p) => format!("{} matching customers", thousands(p.matched as u64)),
                    None => "Preparing the table…".to_string(),
                })}</span>
            </div>
            <table class="customers">
                <thead><tr>
                    {COLUMNS.iter().map(|&(column, label, numeric)| view! {
                        <th class:num=numeric aria-sort=move || sort_state(column)>
                            <button class="sort" on:click=move |_| ask(&|q| q.toggle_sort(column))>
                                {label}{move || match sort_state(column) { "descending" => " ▼", "ascending" => " ▲", _ => "" }}
                            </button>
                        </th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {move || {
                        page.with(|p| p.as_ref().map(|p| p.rows.iter().map(|r| {
                            view! {
                                <tr>
                                    <td>{r.customer_id.clone()}</td><td>{r.country.clone()}</td>
                                    <td class="num">{r.recency_days}</td><td class="num">{r.frequency}</td>
                                    <td class="num">{money(r.monetary)}</td><td>{r.rfm_score.clone()}</td>
                                    <td>{r.segment.clone()}</td><td>{format!("{} · {}", r.cluster, r.cluster_name)}</td>
                                </tr>
                            }
                        }).collect_view()))
                    }}
                </tbody>
            </table>
            <nav class="pager" aria-label="Customer table pages">
                <button disabled=move || page.with(|p| p.as_ref().is_none_or(|p| p.page == 0)) on:click=move |_| ask(&|q| q.page = q.page.saturating_sub(1))>"Previous"</button>
                <span>{move || page.with(|p| p.as_ref().map(|p| format!("Page {} of {}", p.page + 1, p.page_count)))}</span>
                <button disabled=move || page.with(|p| p.as_ref().is_none_or(|p| p.page + 1 >= p.page_count))
                    on:click=move |_| {
                        if let Some(current) = page.with_untracked(|p| p.as_ref().map(|p| p.page)) {
                            ask(&|q| q.page = current + 1)
                        }
                    }>"Next"</button>
            </nav>
        </section>
    }
}
