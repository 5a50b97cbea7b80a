//! RFM segments: the named grid's sizes, revenue shares and actions.

use super::charts::SegmentCharts;
use super::grid_editor::GridEditor;
use super::segment_scheme::SegmentScheme;
use super::segments_over_time::SegmentsOverTime;
use crate::engine::presets::SegmentScheme as Scheme;
use crate::views::format::{money, percent, thousands};
use crate::views::Dashboard;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Segments(dashboard: Arc<Dashboard>) -> impl IntoView {
    let segments = &dashboard.segments;
    let warnings = segments.warnings.clone();
    let charts_dashboard = dashboard.clone();
    let scheme_dashboard = dashboard.clone();
    let over_time_dashboard = dashboard.clone();
    let scheme = dashboard.settings.scheme;
    view! {
        <section class="panel" aria-labelledby="segments-title">
            <h2 id="segments-title">{format!("RFM segments ({}-point scores)", segments.score_bins)}</h2>
            {warnings.into_iter().map(|w| view! { <p class="warning">{w}</p> }).collect_view()}
            <SegmentScheme dashboard=scheme_dashboard/>
            <p class="muted definitions">{format!("Segments: {}.", dashboard.settings.describe_segments())}</p>
            <SegmentCharts dashboard=charts_dashboard/>
            {(scheme == Scheme::Grid).then(|| view! { <GridEditor grid=dashboard.settings.grid.clone()/> })}
            <table class="segments">
                <thead><tr>
                    <th>"Segment"</th><th class="num">"Customers"</th><th class="num">"Share"</th><th class="num">"Revenue share"</th>
                    <th class="num">"Mean recency (days)"</th><th class="num">"Mean frequency"</th><th class="num">"Mean monetary"</th><th>"What to do"</th>
                </tr></thead>
                <tbody>
                    {segments.summaries.iter().map(|s| view! {
                        <tr>
                            <td><strong>{s.name.clone()}</strong><div class="muted">{s.description.clone()}</div></td>
                            <td class="num">{thousands(s.customers as u64)}</td>
                            <td class="num">{percent(s.customer_share)}</td>
                            <td class="num">{percent(s.revenue_share)}</td>
                            <td class="num">{format!("{:.0}", s.mean_recency)}</td>
                            <td class="num">{format!("{:.1}", s.mean_frequency)}</td>
                            <td class="num">{money(s.mean_monetary)}</td>
                            <td>{s.action.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <SegmentsOverTime dashboard=over_time_dashboard/>
        </section>
    }
}
