//! The customer map: a t-SNE embedding of a sample of the customers,
//! computed in the worker on request (it takes seconds), coloured by the
//! clustering in use and recoloured when that changes.

use super::charts::Scatter;
use crate::app::state::Studio;
use crate::engine::embedding::EmbeddingSettings;
use crate::studio::Event;
use crate::views::chart_inputs::ScatterView;
use crate::views::format::thousands;
use crate::views::Dashboard;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn CustomerMap(dashboard: Arc<Dashboard>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let defaults = EmbeddingSettings::default();
    let perplexity = RwSignal::new(defaults.perplexity);
    let customers = dashboard.overview.customers;
    let sample = match customers > defaults.max_customers {
        true => format!(
            "a seeded sample of {} of the {} customers",
            thousands(defaults.max_customers as u64),
            thousands(customers as u64)
        ),
        false => format!("all {} customers", thousands(customers as u64)),
    };
    let busy = move || studio.progress.get().is_some();
    let drawn = move || studio.tsne.get().is_some_and(|p| !p.points.is_empty());
    let draw = move |_| {
        studio.dispatch(Event::Embed(EmbeddingSettings {
            perplexity: perplexity.get_untracked(),
            ..EmbeddingSettings::default()
        }))
    };
    view! {
        <section class="panel" aria-labelledby="embedding-title">
            <h2 id="embedding-title">"Customer map (t-SNE)"</h2>
            <p>
                "A non-linear 2-D map of the standardised log recency, frequency and monetary: customers who are alike sit together, which can show groups the PCA view folds onto each other. It is drawn from "
                {sample}
                " and takes some seconds; Cancel stops it and keeps everything else."
            </p>
            <div class="controls">
                <label>
                    "Perplexity (neighbours each customer attends to) "
                    <input type="number" min="5" max="50" step="1"
                        prop:value=move || perplexity.get().to_string()
                        on:change=move |e| {
                            if let Ok(v) = event_target_value(&e).parse::<f64>() {
                                perplexity.set(v.clamp(5.0, 50.0));
                            }
                        }/>
                </label>
                <button on:click=draw prop:disabled=busy>
                    {move || if drawn() { "Draw the map again" } else { "Draw the map" }}
                </button>
            </div>
            {move || studio.tsne.get().filter(|p| !p.points.is_empty()).map(|plot| view! {
                <p class="muted embedding-note">{plot.note.clone()}</p>
            })}
            <Show when=drawn>
                <Scatter view=ScatterView::Tsne title="Customers: t-SNE map of the clustering features" file_name="tsne-map.png"/>
            </Show>
        </section>
    }
}
