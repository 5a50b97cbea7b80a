//! Other clustering methods (Gaussian mixture, DBSCAN) beside k-means, and a
//! comparison of their quality metrics. Fitting runs in the worker.

use crate::app::state::Studio;
use crate::engine::clustering::{
    ClusteringMethod, ClusteringMethodSettings, DbscanSettings, GmmSettings,
};
use crate::studio::format::{percent, thousands};
use crate::worker_protocol::RunResult;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn MethodChooser(result: Arc<RunResult>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let analysis = &result.analysis;
    let current = analysis.method();
    let method = RwSignal::new(current);
    let gmm_k = RwSignal::new(analysis.chosen_k.clamp(2, 10));
    // Blank: DBSCAN suggests eps from the data.
    let eps = RwSignal::new(String::new());
    let min_points = RwSignal::new(DbscanSettings::default().min_points);
    let gmm = move || GmmSettings {
        k: gmm_k.get_untracked(),
        ..GmmSettings::default()
    };
    let dbscan = move || -> Result<DbscanSettings, String> {
        let text = eps.get_untracked();
        let eps = match text.trim() {
            "" => None,
            t => Some(
                t.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|e| e.is_finite() && *e > 0.0)
                    .ok_or(format!(
                        "eps must be a positive number like 0.3, not \"{t}\""
                    ))?,
            ),
        };
        Ok(DbscanSettings {
            eps,
            min_points: min_points.get_untracked(),
            ..DbscanSettings::default()
        })
    };
    let apply = move |_| {
        let settings = match method.get_untracked() {
            ClusteringMethod::KMeans => Ok(ClusteringMethodSettings::KMeans),
            ClusteringMethod::GaussianMixture => {
                Ok(ClusteringMethodSettings::GaussianMixture(gmm()))
            }
            ClusteringMethod::Dbscan => dbscan().map(ClusteringMethodSettings::Dbscan),
        };
        match settings {
            Ok(settings) => studio.use_method(settings),
            Err(message) => studio.error.set(Some(message)),
        }
    };
    let compare = move |_| match dbscan() {
        Ok(dbscan) => studio.compare_methods(gmm(), dbscan),
        Err(message) => studio.error.set(Some(message)),
    };
    let in_use = analysis.alternative.as_ref().map(|fit| {
        let mut text = format!(
            "Using {} ({} clusters",
            fit.settings.method().name(),
            fit.clustering.k - usize::from(fit.noise_cluster.is_some())
        );
        if let ClusteringMethodSettings::Dbscan(d) = &fit.settings {
            if let Some(eps) = d.eps {
                text.push_str(&format!(", eps {eps:.3}, min points {}", d.min_points));
            }
            text.push_str(&format!(", {} noise", percent(fit.noise_share)));
        }
        if fit.fitted_on < analysis.features.len() {
            text.push_str(&format!(
                "; fitted on a seeded sample of {} of {} customers, the rest assigned",
                thousands(fit.fitted_on as u64),
                thousands(analysis.features.len() as u64)
            ));
        }
        text.push_str(
            "). Profiles, charts and downloads follow it; pick a k above to return to k-means.",
        );
        text
    });
    view! {
        <div class="method-chooser">
            <h3>"Clustering method"</h3>
            <div class="mapping-controls">
                <label class="mapping-field"><span>"method"</span>
                    <select aria-label="Clustering method" on:change=move |ev| {
                        let chosen = match event_target_value(&ev).as_str() {
                            "gmm" => ClusteringMethod::GaussianMixture,
                            "dbscan" => ClusteringMethod::Dbscan,
                            _ => ClusteringMethod::KMeans,
                        };
                        method.set(chosen);
                    }>
                        <option value="kmeans" selected=current == ClusteringMethod::KMeans>"k-means"</option>
                        <option value="gmm" selected=current == ClusteringMethod::GaussianMixture>"Gaussian mixture"</option>
                        <option value="dbscan" selected=current == ClusteringMethod::Dbscan>"DBSCAN"</option>
                    </select>
                </label>
                <label class="mapping-field" class:hidden=move || method.get() != ClusteringMethod::GaussianMixture><span>"components"</span>
                    <input type="number" min="2" max="10" aria-label="Mixture components" prop:value=move || gmm_k.get().to_string()
                        on:change=move |ev| { if let Ok(k) = event_target_value(&ev).parse::<usize>() { gmm_k.set(k.clamp(2, 10)) } }/>
                </label>
                <label class="mapping-field" class:hidden=move || method.get() != ClusteringMethod::Dbscan><span>"eps (blank: automatic)"</span>
                    <input type="text" inputmode="decimal" placeholder="automatic" aria-label="DBSCAN eps" prop:value=move || eps.get()
                        on:change=move |ev| eps.set(event_target_value(&ev))/>
                </label>
                <label class="mapping-field" class:hidden=move || method.get() != ClusteringMethod::Dbscan><span>"min points"</span>
                    <input type="number" min="2" max="100" aria-label="DBSCAN min points" prop:value=move || min_points.get().to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<usize>() { min_points.set(n.clamp(2, 100)) } }/>
                </label>
            </div>
            <div class="mapping-actions">
                <button class="primary" on:click=apply>"Use this method"</button>
                <button on:click=compare>"Compare methods"</button>
            </div>
            {in_use.map(|text| view! { <p class="method-in-use">{text}</p> })}
            <MethodComparisonTable/>
        </div>
    }
}

#[component]
fn MethodComparisonTable() -> impl IntoView {
    let studio = expect_context::<Studio>();
    move || {
        studio.comparison.get().map(|comparison| {
            let best_silhouette = comparison
                .rows
                .iter()
                .map(|r| r.silhouette)
                .fold(f64::NEG_INFINITY, f64::max);
            view! {
                <table class="sweep comparison" aria-label="Clustering methods compared">
                    <thead><tr><th>"Method"</th><th class="num">"Clusters"</th><th class="num">"Silhouette ↑"</th><th class="num">"Calinski–Harabasz ↑"</th><th class="num">"Davies–Bouldin ↓"</th><th class="num">"Noise"</th></tr></thead>
                    <tbody>
                        {comparison.rows.iter().map(|r| view! {
                            <tr class:selected=r.silhouette == best_silhouette>
                                <td>{r.name.clone()}</td><td class="num">{r.k}</td>
                                <td class="num">{format!("{:.3}", r.silhouette)}</td>
                                <td class="num">{format!("{:.1}", r.calinski_harabasz)}</td>
                                <td class="num">{format!("{:.3}", r.davies_bouldin)}</td>
                                <td class="num">{r.noise_share.map_or("—".to_string(), percent)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {comparison.failures.iter().map(|(method, reason)| view! {
                    <p class="muted">{format!("{} did not run: {reason}", method.name())}</p>
                }).collect_view()}
                <p class="muted">"Metrics are computed on the same standardised features (noise left out); the highlighted row has the best silhouette."</p>
            }
        })
    }
}
