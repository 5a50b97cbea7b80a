//! Clusters: the k chooser with the sweep's metrics, and a profile card with
//! a playbook per cluster.

use super::charts::ClusterCharts;
use super::methods::MethodChooser;
use crate::app::state::Studio;
use crate::studio::Event;
use crate::views::format::{money, percent, thousands};
use crate::views::Dashboard;
use leptos::prelude::*;
use std::sync::Arc;

/// Okabe–Ito, the same order as the charts (cluster i → colour i).
pub const CLUSTER_CLASSES: [&str; 8] = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];

#[component]
pub fn Clusters(dashboard: Arc<Dashboard>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let clusters = &dashboard.clusters;
    let chosen = clusters.chosen_k;
    let recommended = clusters.recommended_k;
    let charts_dashboard = dashboard.clone();
    let methods_dashboard = dashboard.clone();
    let kmeans = clusters.alternative.is_none();
    view! {
        <section class="panel" aria-labelledby="clusters-title">
            <h2 id="clusters-title">{clusters.title.clone()}</h2>
            <p>{clusters.recommendation.clone()}</p>
            <div class="k-chooser" role="radiogroup" aria-label="Number of clusters">
                {clusters.sweep.iter().map(|c| {
                    let k = c.k;
                    let label = if k == recommended { format!("k = {k} ★") } else { format!("k = {k}") };
                    view! {
                        <button role="radio" aria-checked=(k == chosen && kmeans).to_string() class:selected=k == chosen && kmeans
                            title=format!("silhouette {:.3} · inertia {:.1} · Calinski–Harabasz {:.1} · Davies–Bouldin {:.3}", c.silhouette, c.inertia, c.calinski_harabasz, c.davies_bouldin)
                            on:click=move |_| studio.dispatch(Event::ChooseK(k))>{label}</button>
                    }
                }).collect_view()}
            </div>
            <table class="sweep">
                <thead><tr><th>"k"</th><th class="num">"Silhouette ↑"</th><th class="num">"Inertia ↓"</th><th class="num">"Calinski–Harabasz ↑"</th><th class="num">"Davies–Bouldin ↓"</th></tr></thead>
                <tbody>
                    {clusters.sweep.iter().map(|c| view! {
                        <tr class:selected=c.k == chosen>
                            <td>{c.k}</td><td class="num">{format!("{:.3}", c.silhouette)}</td><td class="num">{format!("{:.1}", c.inertia)}</td>
                            <td class="num">{format!("{:.1}", c.calinski_harabasz)}</td><td class="num">{format!("{:.3}", c.davies_bouldin)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <MethodChooser dashboard=methods_dashboard/>
            <ClusterCharts dashboard=charts_dashboard/>
            <div class="profiles">
                {clusters.profiles.iter().map(|p| view! {
                    <article class=format!("panel profile {}", CLUSTER_CLASSES[p.cluster % CLUSTER_CLASSES.len()]) aria-label=format!("Cluster {}: {}", p.cluster, p.name)>
                        <h3><span class="swatch"></span>{format!("{} · cluster {}", p.name, p.cluster)}</h3>
                        <p>{p.summary.clone()}</p>
                        <dl>
                            <dt>"Customers"</dt><dd>{format!("{} ({})", thousands(p.customers as u64), percent(p.customer_share))}</dd>
                            <dt>"Revenue share"</dt><dd>{percent(p.revenue_share)}</dd>
                            <dt>"Recency (days)"</dt><dd>{format!("mean {:.0} · median {:.0}", p.mean[0], p.median[0])}</dd>
                            <dt>"Frequency"</dt><dd>{format!("mean {:.1} · median {:.0}", p.mean[1], p.median[1])}</dd>
                            <dt>"Monetary"</dt><dd>{format!("mean {} · median {}", money(p.mean[2]), money(p.median[2]))}</dd>
                        </dl>
                        <h4>"Playbook"</h4>
                        <p><strong>"Do: "</strong>{p.playbook.what_to_do.clone()}</p>
                        <p><strong>"Channel: "</strong>{p.playbook.channel.clone()}</p>
                        <p><strong>"Avoid: "</strong>{p.playbook.avoid.clone()}</p>
                    </article>
                }).collect_view()}
            </div>
        </section>
    }
}
