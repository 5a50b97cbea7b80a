//! "Why is a customer in this cluster?": a shallow decision tree on raw R, F
//! and M, shown as plain rules with how often they agree with the clusters.

use super::clusters::CLUSTER_CLASSES;
use crate::app::next_task::after_this_task;
use crate::app::state::Studio;
use crate::engine::explain::{Explanation, TreeSettings};
use crate::engine::pipeline::Analysis;
use crate::studio::format::{percent, thousands};
use crate::worker_protocol::RunResult;
use leptos::prelude::*;
use std::sync::Arc;

/// Customers the page's tree learns from at most: it is fitted on the main
/// thread, which must stay responsive (≈ 30 ms at this size).
const TRAINING_CUSTOMERS: usize = 10_000;

/// The rule tree for the analysis' chosen clustering at `depth`.
pub fn explanation(analysis: &Analysis, depth: usize) -> Result<Explanation, String> {
    let settings = TreeSettings {
        max_depth: depth,
        max_training_customers: TRAINING_CUSTOMERS,
        ..TreeSettings::default()
    };
    analysis.explain(&settings).map_err(|e| e.to_string())
}

#[component]
pub fn Rules(result: Arc<RunResult>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let depth = studio.rules_depth;
    // The tree is grown in a task after the section appears (≈ 60 ms with
    // 10k training customers), so the two do not block the page together.
    let ready = after_this_task();
    let body = move || match ready
        .get()
        .then(|| explanation(&result.analysis, depth.get()))
    {
        None => view! { <p class="muted" aria-busy="true">"Finding the rules…"</p> }.into_any(),
        Some(Ok(found)) => {
            let accuracy = match found.holdout_accuracy {
                Some(holdout) => format!(
                    "These rules put {} of customers in their cluster ({} of {} customers held out from training).",
                    percent(found.train_accuracy),
                    percent(holdout),
                    thousands(found.holdout_customers as u64)
                ),
                None => format!(
                    "These rules put {} of customers in their cluster.",
                    percent(found.train_accuracy)
                ),
            };
            view! {
                <p class="rules-accuracy">{accuracy}</p>
                <ol class="rules">
                    {found.rules.into_iter().map(|rule| view! {
                        <li class=CLUSTER_CLASSES[rule.cluster % CLUSTER_CLASSES.len()]>
                            <span class="swatch"></span>
                            <span class="rule-text">{rule.text}</span>
                            <span class="muted rule-summary">{rule.summary}</span>
                        </li>
                    }).collect_view()}
                </ol>
            }
            .into_any()
        }
        Some(Err(message)) => {
            view! { <p class="muted">{format!("No rules: {message}.")}</p> }.into_any()
        }
    };
    view! {
        <section class="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">"Why is a customer in this cluster?"</h2>
            <p class="muted">"A small decision tree learns each customer's cluster from their recency (days), frequency (purchases) and monetary value. Saved models keep these rules, so a new file can be labelled by them."</p>
            <label class="inline-field">"Rule depth "
                <select aria-label="Rule depth" on:change=move |ev| {
                    if let Ok(d) = event_target_value(&ev).parse::<usize>() {
                        depth.set(d);
                    }
                }>
                    {(1..=6).map(|d| view! {
                        <option value=d.to_string() selected=move || depth.get() == d>
                            {format!("{d} (at most {} rules)", 1usize << d)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            {body}
        </section>
    }
}
