//! "Why is a customer in this cluster?": a shallow decision tree on raw R, F
//! and M, shown as plain rules with how often they agree with the clusters.

use super::classifier::ClassifierPanel;
use super::clusters::CLUSTER_CLASSES;
use crate::app::state::Studio;
use crate::studio::Event;
use crate::views::format::{percent, thousands};
use leptos::prelude::*;

#[component]
pub fn Rules() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let depth = studio.rules_depth;
    // The worker grows the tree after the dashboard arrives, and again for each k, grid or depth.
    let body = move || match studio.rules.get().map(|rules| rules.outcome.clone()) {
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
                        studio.dispatch(Event::SetRulesDepth(d));
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
            <ClassifierPanel/>
        </section>
    }
}
