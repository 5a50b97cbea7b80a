//! The results of the last successful run: overview and data quality.

use super::charts::Distributions;
use super::clv::Predictions;
use super::{
    clusters::Clusters, customers::CustomerTable, downloads::Downloads, embedding::CustomerMap,
    explore::Explore, rules::Rules, section_index::SectionIndex, segments::Segments,
};
use crate::app::state::Studio;
use crate::engine::clean::{CleaningReport, Rule, RuleReport};
use crate::engine::ingest::sniff::delimiter_label;
use crate::engine::ingest::DetectedFormat;
use crate::views::dashboard::DataSource;
use crate::views::format::{money, thousands};
use crate::views::Dashboard;
use leptos::prelude::*;
use std::sync::Arc;

/// Sections after the first few are mounted one per task (a zero-delay
/// timeout each), so a large result never blocks the page in one long task.
const SECTIONS: usize = 11;
const IMMEDIATE: usize = 1;

#[component]
pub fn Results() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let mounted = RwSignal::new(IMMEDIATE);
    // A new run (not a k switch or a grid edit) mounts its sections afresh.
    Effect::new(move |_| {
        studio.runs.track();
        mounted.set(IMMEDIATE);
        mount_next(mounted);
    });
    let section = move |index: usize, dashboard: &Arc<Dashboard>| {
        let result = dashboard.clone();
        // A memo, so mounting the next section does not rebuild this one.
        let shown = Memo::new(move |_| mounted.get() > index);
        move || {
            shown.get().then(|| match index {
                0 => view! { <Overview dashboard=result.clone()/> }.into_any(),
                1 => view! { <DataQuality dashboard=result.clone()/> }.into_any(),
                2 => view! { <Explore dashboard=result.clone()/> }.into_any(),
                3 => view! { <Segments dashboard=result.clone()/> }.into_any(),
                4 => view! { <Clusters dashboard=result.clone()/> }.into_any(),
                5 => view! { <CustomerMap dashboard=result.clone()/> }.into_any(),
                6 => view! { <Rules/> }.into_any(),
                7 => view! { <Predictions dashboard=result.clone()/> }.into_any(),
                8 => view! { <Distributions dashboard=result.clone()/> }.into_any(),
                9 => view! { <CustomerTable/> }.into_any(),
                _ => view! { <Downloads/> }.into_any(),
            })
        }
    };
    move || {
        studio.dashboard.get().map(|result| {
            view! {
                <section class="results" aria-label="Results">
                    <SectionIndex/>
                    {(0..SECTIONS).map(|i| section(i, &result)).collect_view()}
                </section>
            }
        })
    }
}

fn mount_next(mounted: RwSignal<usize>) {
    if mounted.get_untracked() >= SECTIONS {
        return;
    }
    set_timeout(
        move || {
            mounted.update(|n| *n += 1);
            mount_next(mounted);
        },
        std::time::Duration::ZERO,
    );
}

#[component]
fn Overview(dashboard: Arc<Dashboard>) -> impl IntoView {
    let result = dashboard;
    let o = &result.overview;
    let stats = result.stats;
    let cards = [
        (thousands(o.customers as u64), "customers".to_string()),
        (thousands(o.purchases), "purchases".into()),
        (money(o.revenue), "revenue".into()),
        (
            format!("{} → {}", o.first_purchase, o.last_purchase),
            "date range".into(),
        ),
        (
            format!("{:.0} days", o.median_recency),
            "median recency".into(),
        ),
        (
            format!("{:.0}", o.median_frequency),
            "median frequency".into(),
        ),
        (money(o.median_monetary), "median monetary".into()),
    ];
    view! {
        <section class="panel" aria-labelledby="overview-title">
            <h2 id="overview-title">{format!("Overview — {}", result.file_name)}</h2>
            <div class="cards">
                {cards.into_iter().map(|(value, label)| view! {
                    <div class="card"><span class="card-value" class:dates=label == "date range">{value}</span><span class="card-label">{label}</span></div>
                }).collect_view()}
            </div>
            <p class="muted definitions">"Definitions: " {o.definitions.clone()} "."</p>
            <super::settings::RfmSettingsPanel/>
            <p class="muted run-stats">{format!(
                "Read in {:.0} ms ({}), analysed in {:.0} ms ({}), entirely in this browser ({:.0} MB of worker memory).",
                stats.ingest_ms,
                workers(stats.ingest_workers),
                stats.analysis_ms,
                match stats.sweep_workers {
                    0 | 1 => "1 worker".to_string(),
                    n => format!("k sweep shared by {n} workers"),
                },
                stats.worker_memory_bytes / 1e6
            )}</p>
        </section>
    }
}

#[component]
fn DataQuality(dashboard: Arc<Dashboard>) -> impl IntoView {
    let result = dashboard;
    match &result.source {
        DataSource::Transactions {
            format,
            report,
            without_order_ids,
        } => view! {
            <TransactionsQuality format=format.clone() report=report.clone() without_order_ids=without_order_ids.clone() read_from=result.read_from.clone()/>
        }
        .into_any(),
        DataSource::RfmTable {
            rows,
            delimiter,
            decimal_comma,
            columns,
            reference_from,
        } => {
            let found = |index: Option<usize>| {
                index
                    .and_then(|i| columns.headers.get(i))
                    .map_or("—".to_string(), |h| h.clone())
            };
            let mapping = [
                ("customer", found(columns.customer)),
                ("recency", found(columns.recency)),
                ("frequency", found(columns.frequency)),
                ("monetary", found(columns.monetary)),
                ("country", found(columns.country)),
            ];
            view! {
                <section class="panel" aria-labelledby="quality-title">
                    <h2 id="quality-title">"Imported RFM table"</h2>
                    <p class="muted">{format!(
                        "{} customers read · {} delimited{} · reference date {} from {}",
                        thousands(*rows as u64), delimiter_label(*delimiter),
                        if *decimal_comma { " · decimal commas" } else { "" },
                        result.overview.reference_date, reference_from
                    )}</p>
                    <p class="muted">"One row per customer (for example the output of the warehouse SQL in sql/, or Segmento's own customers export): no transactions, so no cleaning report, monthly revenue or cohorts."</p>
                    <table class="quality">
                        <thead><tr><th>"Field"</th><th>"Column"</th></tr></thead>
                        <tbody>{mapping.into_iter().map(|(field, column)| view! {
                            <tr><td>{field}</td><td>{column}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </section>
            }
            .into_any()
        }
    }
}

/// A rule's count; for a rule switched off, also the lines it kept.
fn removed_cell(outcome: &RuleReport) -> String {
    match !outcome.enabled && outcome.matched_but_kept > 0 {
        true => format!(
            "{} ({} kept)",
            thousands(outcome.count),
            thousands(outcome.matched_but_kept)
        ),
        false => thousands(outcome.count),
    }
}

#[component]
fn TransactionsQuality(
    format: DetectedFormat,
    report: CleaningReport,
    without_order_ids: Option<String>,
    read_from: String,
) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let rules = studio.ingest_settings;
    let toggle = move |rule: Rule| {
        rules.update(|s| {
            let r = &mut s.rules;
            let flag = match rule {
                Rule::MissingCustomer => &mut r.drop_missing_customer,
                Rule::Cancellation => &mut r.drop_cancellations,
                Rule::Unpaid => &mut r.drop_unpaid,
                Rule::Return => &mut r.drop_returns,
                Rule::NonPositivePrice => &mut r.drop_non_positive_price,
                Rule::OutOfRangeDate => &mut r.drop_out_of_range_dates,
                Rule::Duplicate => &mut r.drop_duplicates,
                Rule::Outlier => &mut r.drop_outliers,
                Rule::Unparseable => return,
            };
            *flag = !*flag;
        })
    };
    view! {
        <section class="panel" aria-labelledby="quality-title">
            <h2 id="quality-title">"Data quality"</h2>
            <p class="muted">{format!(
                "{} rows read, {} kept · {} · {} delimited · dates {}",
                thousands(report.rows_read), thousands(report.rows_kept), format.encoding.label(),
                delimiter_label(format.delimiter), format.date_format.description
            )}</p>
            {(!read_from.is_empty()).then(|| view! { <p class="muted source-note">{format!("Read: {read_from}.")}</p> })}
            {(report.returns_matched + report.returns_unmatched > 0).then(|| view! {
                <p class="muted net-returns">{format!(
                    "Net revenue: {} cancellation and return lines subtracted from their customers' monetary value{}.",
                    thousands(report.returns_matched),
                    match report.returns_unmatched {
                        0 => String::new(),
                        n => format!("; {} belong to customers with no purchase kept and change nothing", thousands(n)),
                    }
                )}</p>
            })}
            {without_order_ids.map(|note| view! { <p class="file-defaults">{crate::views::format::sentence(&note)}</p> })}
            <table class="quality">
                <thead><tr><th>"Rule"</th><th class="num">"Removed"</th><th>"Examples"</th><th>"Applied"</th></tr></thead>
                <tbody>
                    {report.rules.into_iter().map(|outcome| {
                        let rule = outcome.rule;
                        let switchable = rule != Rule::Unparseable;
                        let checked = move || rules.with(|s| s.rules.enabled(rule));
                        view! {
                            <tr>
                                <td>{outcome.label.clone()}</td>
                                <td class="num">{removed_cell(&outcome)}</td>
                                <td class="examples">
                                    {outcome.examples.into_iter().map(|e| view! {
                                        <div>{match e.row { Some(row) => format!("line {row}: {} — {}", e.reason, e.excerpt), None => format!("{}: {}", e.excerpt, e.reason) }}</div>
                                    }).collect_view()}
                                </td>
                                <td>
                                    <input type="checkbox" prop:checked=checked disabled=!switchable
                                        aria-label=format!("Apply rule: {}", outcome.label)
                                        on:change=move |_| toggle(rule)/>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="mapping-actions">
                <button class="primary" on:click=move |_| studio.rerun()>"Re-run with these rules"</button>
                <button on:click=move |_| studio.sniff()>"Review column mapping"</button>
            </div>
        </section>
    }
}

fn workers(count: u8) -> String {
    match count {
        0 | 1 => "1 worker".to_string(),
        n => format!("{n} workers"),
    }
}
