//! "Segments over time": the segments at an earlier date against today's,
//! as a heatmap, a table of counts and shares, and the largest moves.

use crate::app::canvas::ChartCanvas;
use crate::app::state::Studio;
use crate::charts;
use crate::engine::migration::default_as_of;
use crate::studio::Event;
use crate::views::format::{percent, thousands};
use crate::views::migration::MigrationView;
use crate::views::Dashboard;
use chrono::NaiveDate;
use leptos::{ev, prelude::*};
use std::sync::Arc;

#[component]
pub fn SegmentsOverTime(dashboard: Arc<Dashboard>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    if dashboard.source.is_rfm_table() {
        return view! {
            <div class="segments-over-time">
                <h3>"Segments over time"</h3>
                <p class="muted">"Segments over time need transactions: an imported RFM table has one row per customer and no purchase dates, so there are no earlier segments to compare with. Analyse the transactions file instead."</p>
            </div>
        }
        .into_any();
    }
    let reference = NaiveDate::parse_from_str(&dashboard.overview.reference_date, "%Y-%m-%d").ok();
    let default_date = reference.map(default_as_of);
    let date = RwSignal::new(default_date.map(|d| d.to_string()).unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let compare = move || {
        let text = date.get_untracked();
        match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(as_of) => {
                problem.set(None);
                studio.dispatch(Event::Migrate { as_of });
            }
            Err(_) => problem.set(Some(
                "Enter the earlier date as YYYY-MM-DD (for example the reference date minus 90 days).".into(),
            )),
        }
    };
    let reference_text = dashboard.overview.reference_date.clone();
    view! {
        <div class="segments-over-time" aria-labelledby="over-time-title">
            <h3 id="over-time-title">"Segments over time"</h3>
            <p class="muted">{format!(
                "Compare today's segments (reference date {reference_text}) with the segments the same customers had at an earlier date, computed from the same file."
            )}</p>
            <form class="migration-controls" on:submit=move |e: ev::SubmitEvent| { e.prevent_default(); compare(); }>
                <label><span>"Earlier “as of” date"</span>
                    <input type="date" aria-label="Earlier as-of date" prop:value=move || date.get()
                        on:input=move |e| date.set(event_target_value(&e))
                        on:change=move |e| date.set(event_target_value(&e))/></label>
                <button type="submit" class="primary">"Compare segments"</button>
            </form>
            {move || problem.get().map(|p| view! { <p class="warning" role="alert">{p}</p> })}
            {move || studio.migration.get().map(|reply| match &reply.outcome {
                Ok(view) => view! { <MigrationResult view=view.clone()/> }.into_any(),
                Err(message) => view! { <p class="warning" role="alert">{crate::views::format::sentence(message)}</p> }.into_any(),
            })}
        </div>
    }
    .into_any()
}

#[component]
fn MigrationResult(view: MigrationView) -> impl IntoView {
    let heatmap = view.heatmap.clone();
    let height = (110 + 34 * heatmap.rows.len()).clamp(280, 760) as u32;
    let flows = view.flows.clone();
    let header = view.heatmap.columns.clone();
    let rows = view
        .heatmap
        .rows
        .iter()
        .enumerate()
        .map(|(r, from)| {
            let cells = view
                .heatmap
                .counts
                .get(r)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(c, n)| {
                    let share = view.shares.get(r).and_then(|s| s.get(c)).copied().unwrap_or(0.0);
                    view! { <td class="num">{thousands(n as u64)}<span class="muted">{format!(" ({})", percent(share))}</span></td> }
                })
                .collect_view();
            let total = view.row_totals.get(r).copied().unwrap_or(0);
            view! { <tr><th scope="row">{from.clone()}</th>{cells}<td class="num">{thousands(total as u64)}</td></tr> }
        })
        .collect_view();
    view! {
        <p class="muted migration-note">{view.note.clone()}</p>
        <p class="migration-total">{format!(
            "{} customers in the matrix (everyone analysed on {}), {} new since {}.",
            thousands(view.customers as u64), view.reference_date, thousands(view.new_since as u64), view.as_of
        )}</p>
        <h4>"Largest moves"</h4>
        {match flows.is_empty() {
            true => view! { <p class="muted">"No customer changed segment."</p> }.into_any(),
            false => view! { <ol class="flows">{flows.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ol> }.into_any(),
        }}
        <ChartCanvas title="Segment migration: earlier segment → segment now" file_name="segment-migration.png"
            height=height
            description="Heatmap: rows are the segments at the earlier date (and New since), columns the segments now; each cell shows the customers who moved, coloured by the share of its row"
            draw=move |area, theme| charts::draw_migration_heatmap(area, &heatmap, theme)/>
        <div class="migration-scroll">
            <table class="migration">
                <caption class="muted">"Customers by earlier segment (rows) and segment now (columns); in brackets, the share of the row."</caption>
                <thead><tr><th scope="col">"Earlier \\ now"</th>
                    {header.into_iter().map(|h| view! { <th scope="col" class="num">{h}</th> }).collect_view()}
                    <th scope="col" class="num">"Total"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
