//! Predicted lifetime value and churn risk (BG/NBD + Gamma-Gamma), computed
//! in the worker on request because it re-reads the transactions.

use super::downloads::save_bytes;
use crate::app::state::Studio;
use crate::engine::clv::export::write_predictions_csv;
use crate::views::format::{money, percent, thousands};
use crate::worker_protocol::RunResult;
use leptos::prelude::*;
use std::sync::Arc;

/// Churn candidates listed on the page; the CSV has everyone.
const CHURN_ROWS: usize = 25;

#[component]
pub fn Predictions(result: Arc<RunResult>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let imported = result.source.is_rfm_table();
    let stem = result
        .file_name
        .rsplit_once('.')
        .map_or(result.file_name.clone(), |(s, _)| s.to_string());
    let body = move || {
        studio.clv.get().map(|report| {
            let churn = report.churn_list(CHURN_ROWS);
            let all_churn = report.churn_list(usize::MAX);
            let at_risk: f64 = all_churn.iter().map(|r| r.value_at_risk).sum();
            let expected: f64 = report.customers.iter().map(|c| c.expected_purchases).sum();
            let s = &report.settings;
            let p = &report.params;
            let cards = [
                (money(report.total_clv()), format!("predicted value, next {} months", s.horizon_months)),
                (format!("{expected:.0}"), format!("expected purchases, next {} days", s.prediction_days)),
                (thousands(all_churn.len() as u64), format!("likely to churn (P(alive) < {})", percent(s.churn_threshold))),
                (money(at_risk), "value at risk".to_string()),
            ];
            let for_download = report.clone();
            let csv_name = format!("{stem}-clv.csv");
            view! {
                <div class="cards">
                    {cards.into_iter().map(|(value, label)| view! {
                        <div class="card"><span class="card-value">{value}</span><span class="card-label">{label}</span></div>
                    }).collect_view()}
                </div>
                <p class="muted">{format!(
                    "Fitted on {} customers ({} bought on more than one day). BG/NBD r = {:.3}, α = {:.2}, a = {:.3}, b = {:.3}; Gamma-Gamma p = {:.3}, q = {:.3}, v = {:.2}. Value is discounted {} a month.",
                    thousands(report.customers.len() as u64), thousands(report.repeat_buyers as u64),
                    p.bgnbd.r, p.bgnbd.alpha, p.bgnbd.a, p.bgnbd.b, p.gamma_gamma.p, p.gamma_gamma.q, p.gamma_gamma.v,
                    percent(s.monthly_discount_rate)
                )}</p>
                <h3>"Customers likely to churn, most value at risk first"</h3>
                <table class="churn" aria-label="Customers likely to churn">
                    <thead><tr><th>"Customer"</th><th class="num">"P(alive)"</th><th class="num">"Spent"</th><th class="num">"Value at risk"</th><th class="num">{format!("Predicted value ({} months)", s.horizon_months)}</th></tr></thead>
                    <tbody>
                        {churn.into_iter().map(|r| {
                            let clv = report.customers.get(r.index).map_or(0.0, |c| c.clv);
                            view! {
                                <tr><td>{r.customer_id}</td><td class="num">{percent(r.p_alive)}</td><td class="num">{money(r.total_spent)}</td>
                                <td class="num">{money(r.value_at_risk)}</td><td class="num">{money(clv)}</td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="muted">"Value at risk = what the customer spent × (1 − P(alive)). Customers who bought on a single day never appear: the model lets customers drop out only after a repeat purchase."</p>
                <button on:click=move |_| {
                    let mut out = Vec::new();
                    if write_predictions_csv(&mut out, &for_download).is_ok() {
                        save_bytes(&out, "text/csv", &csv_name);
                    }
                }>"Predictions CSV (every customer)"</button>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="clv-title">
            <h2 id="clv-title">"Predicted value and churn risk"</h2>
            <p class="muted">"BG/NBD estimates how likely each customer is still active (P(alive)) and how often they will buy; Gamma-Gamma how much they spend per purchase. Purchases are counted per day, as in the Python lifetimes package."</p>
            {if imported {
                view! { <p class="muted">"Needs transactions: an imported RFM table has no purchase history."</p> }.into_any()
            } else {
                view! {
                    <button class="primary" on:click=move |_| studio.predict_clv()
                        prop:disabled=move || studio.progress.get().is_some()>
                        {move || if studio.clv.with(Option::is_some) { "Predict again" } else { "Predict lifetime value and churn" }}
                    </button>
                }.into_any()
            }}
            {body}
        </section>
    }
}
