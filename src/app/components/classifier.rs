//! The random forest that assigns a customer's cluster from raw R, F and M:
//! trained on request in the worker, with its cross-validated scores, a
//! confusion matrix and per-cluster precision and recall, next to the rules.

use super::clusters::CLUSTER_CLASSES;
use crate::app::state::Studio;
use crate::engine::classify::ClassifierSettings;
use crate::studio::Event;
use crate::views::dashboard::ClassifierView;
use crate::views::format::{percent, thousands};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ClassifierPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let defaults = ClassifierSettings::default();
    let busy = move || studio.progress.get().is_some();
    let train = move |_| studio.dispatch(Event::TrainClassifier(ClassifierSettings::default()));
    let rules_holdout = move || {
        studio
            .rules
            .get()
            .and_then(|r| r.outcome.as_ref().ok().and_then(|f| f.holdout_accuracy))
    };
    view! {
        <div class="classifier" role="group" aria-labelledby="classifier-title">
            <h3 id="classifier-title">"Assign new customers: random forest"</h3>
            <p class="muted">{format!(
                "{} decision trees vote on a customer's cluster from recency, frequency and monetary. Scores are {}-fold cross-validated (each customer predicted by trees that never saw them, folds stratified by cluster, seed {}). Saved models carry the forest, and Apply a saved model can label with it.",
                defaults.trees, defaults.folds, defaults.seed
            )}</p>
            <button on:click=train prop:disabled=busy>
                {move || if studio.classifier.get().is_some() { "Train again" } else { "Train the classifier" }}
            </button>
            {move || studio.classifier.get().map(|view| scores(view, rules_holdout()))}
        </div>
    }
}

fn scores(view: Arc<ClassifierView>, rules_holdout: Option<f64>) -> impl IntoView {
    let m = &view.metrics;
    let sample = match view.customers < view.out_of {
        true => format!(
            "a seeded sample of {} of the {} customers",
            thousands(view.customers as u64),
            thousands(view.out_of as u64)
        ),
        false => format!("all {} customers", thousands(view.customers as u64)),
    };
    let folds = view
        .fold_accuracy
        .iter()
        .map(|a| percent(*a))
        .collect::<Vec<_>>()
        .join(", ");
    let comparison = rules_holdout.map(|r| {
        format!(
            " The decision-tree rules above get {} of held-out customers right.",
            percent(r)
        )
    });
    let name = |c: usize| format!("{c} · {}", view.names.get(c).map_or("", String::as_str));
    let header = (0..m.confusion.len())
        .map(|c| view! { <th scope="col" class="num">{name(c)}</th> })
        .collect_view();
    let rows = m
        .confusion
        .iter()
        .enumerate()
        .map(|(t, row)| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(p, n)| view! { <td class="num" class:diagonal=t == p>{thousands(*n as u64)}</td> })
                .collect_view();
            view! {
                <tr class=CLUSTER_CLASSES[t % CLUSTER_CLASSES.len()]>
                    <th scope="row"><span class="swatch"></span>{name(t)}</th>{cells}
                </tr>
            }
        })
        .collect_view();
    let per_cluster = (0..m.support.len())
        .map(|c| {
            let get = |v: &[f64]| v.get(c).map_or("—".to_string(), |x| format!("{x:.3}"));
            view! {
                <tr>
                    <th scope="row">{name(c)}</th>
                    <td class="num">{get(&m.precision)}</td>
                    <td class="num">{get(&m.recall)}</td>
                    <td class="num">{get(&m.f1)}</td>
                    <td class="num">{thousands(m.support.get(c).copied().unwrap_or(0) as u64)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="classifier-scores">{format!(
            "Cross-validated accuracy {} · macro-F1 {:.3}, on {sample} (folds: {folds}); trained in {:.1} s.",
            percent(m.accuracy), m.macro_f1, view.seconds
        )}{comparison}</p>
        <div class="table-scroll">
            <table class="confusion" aria-label="Confusion matrix: true cluster by row, predicted cluster by column">
                <caption>"Confusion matrix (rows: true cluster; columns: predicted)"</caption>
                <thead><tr><th scope="col">"true \\ predicted"</th>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <table class="per-cluster" aria-label="Precision and recall per cluster">
            <thead><tr><th scope="col">"Cluster"</th><th scope="col" class="num">"Precision"</th><th scope="col" class="num">"Recall"</th><th scope="col" class="num">"F1"</th><th scope="col" class="num">"Customers"</th></tr></thead>
            <tbody>{per_cluster}</tbody>
        </table>
    }
}
