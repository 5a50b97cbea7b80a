//! Predicted lifetime value and churn risk (BG/NBD or MBG/NBD + Gamma-Gamma),
//! computed in the worker on request because it re-reads the transactions,
//! with what says how far to trust them.

use super::model_trust::ModelTrustView;
use crate::app::state::Studio;
use crate::engine::clv::PurchaseModel;
use crate::session::ExportKind;
use crate::studio::Event;
use crate::views::format::{money, percent, thousands};
use crate::views::Dashboard;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Predictions(dashboard: Arc<Dashboard>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let imported = dashboard.source.is_rfm_table();
    let penalizer = RwSignal::new(0.0_f64);
    let purchase_model = RwSignal::new(PurchaseModel::BgNbd);
    // Empty: the last quarter of the observed days.
    let holdout_days = RwSignal::new(None::<u32>);
    let body = move || {
        studio.clv.get().map(|report| {
            let s = &report.settings;
            let p = &report.params;
            // With no dropout in the fit a churn count of 0 would mislead: the notes say why.
            let no_dropout = report.diagnosis.no_dropout;
            let (churners, at_risk) = if no_dropout {
                ("—".to_string(), "—".to_string())
            } else {
                (thousands(report.likely_to_churn as u64), money(report.value_at_risk))
            };
            let cards = [
                (money(report.total_clv), format!("predicted value, next {} months", s.horizon_months)),
                (format!("{:.0}", report.expected_purchases), format!("expected purchases, next {} days", s.prediction_days)),
                (churners, if no_dropout { "likely to churn: not estimable, see below".to_string() } else { format!("likely to churn (P(alive) < {})", percent(s.churn_threshold)) }),
                (at_risk, "value at risk".to_string()),
            ];
            let notes = report.diagnosis.notes.clone();
            let churn = report.churn.clone();
            let model_name = s.model.name();
            let one_timers = if s.model == PurchaseModel::BgNbd {
                "Customers who bought on a single day never appear: BG/NBD lets customers drop out only after a repeat purchase (MBG/NBD lets them drop out after the first)."
            } else {
                "MBG/NBD lets customers drop out after any purchase, the first included, so one-time buyers can appear."
            };
            let trust = report.trust.clone();
            let horizon = s.prediction_days;
            view! {
                <div class="cards">
                    {cards.into_iter().map(|(value, label)| view! {
                        <div class="card"><span class="card-value">{value}</span><span class="card-label">{label}</span></div>
                    }).collect_view()}
                </div>
                <p class="muted">{format!(
                    "Fitted on {} customers ({} bought on more than one day). {model_name} r = {:.3}, α = {:.2}, a = {:.3}, b = {:.3}; Gamma-Gamma p = {:.3}, q = {:.3}, v = {:.2}{}. Value is discounted {} a month.{}",
                    thousands(report.customers as u64), thousands(report.repeat_buyers as u64),
                    p.purchase.r, p.purchase.alpha, p.purchase.a, p.purchase.b, p.gamma_gamma.p, p.gamma_gamma.q, p.gamma_gamma.v,
                    if s.penalizer > 0.0 { format!("; penalizer {}", s.penalizer) } else { String::new() },
                    percent(s.monthly_discount_rate),
                    match report.spend_left_out {
                        0 => String::new(),
                        n => format!(" Gamma-Gamma sees positive purchase values only: {} repeat buyer{} whose mean repeat purchase was not positive (cancellations or returns kept in the data) left out of it.", thousands(n as u64), if n == 1 { "" } else { "s" }),
                    }
                )}</p>
                {(!notes.is_empty()).then(|| view! {
                    <div class="notice" role="note" aria-label="About this fit">
                        {notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
                    </div>
                })}
                {(!no_dropout).then(|| view! {
                <h3>"Customers likely to churn, most value at risk first"</h3>
                <table class="churn" aria-label="Customers likely to churn">
                    <thead><tr><th>"Customer"</th><th class="num">"P(alive)"</th><th class="num">"Spent"</th><th class="num">"Value at risk"</th><th class="num">{format!("Predicted value ({} months)", s.horizon_months)}</th></tr></thead>
                    <tbody>
                        {churn.iter().map(|r| {
                            let (clv, r) = (r.clv, r.clone());
                            view! {
                                <tr><td>{r.customer_id}</td><td class="num">{percent(r.p_alive)}</td><td class="num">{money(r.total_spent)}</td>
                                <td class="num">{money(r.value_at_risk)}</td><td class="num">{money(clv)}</td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                })}
                <p class="muted">"Value at risk = what the customer spent × (1 − P(alive)). "{one_timers}</p>
                <button on:click=move |_| studio.dispatch(Event::Export(ExportKind::PredictionsCsv))>"Predictions CSV (every customer)"</button>
                <ModelTrustView trust=trust horizon_days=horizon/>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="clv-title">
            <h2 id="clv-title">"Predicted value and churn risk"</h2>
            <p class="muted">"A purchase model estimates how likely each customer is still active (P(alive)) and how often they will buy: BG/NBD, or MBG/NBD, which also lets one-time buyers drop out. Gamma-Gamma estimates how much they spend per purchase. Purchases are counted per day, as in the Python lifetimes package; both purchase models are fitted and compared on a holdout."</p>
            {if imported {
                view! { <p class="muted">"Needs transactions: an imported RFM table has no purchase history."</p> }.into_any()
            } else {
                view! {
                    <div class="mapping-controls">
                        <label class="mapping-field"><span>"penalizer_coef (0: none)"</span>
                            <input type="number" min="0" max="10" step="0.0001" aria-label="Penalizer" title="lifetimes' penalizer_coef: an L2 penalty on the purchase model's parameters"
                                prop:value=move || penalizer.get().to_string()
                                on:change=move |e| {
                                    // Anything but a number from 0 to 10 puts the last good value back.
                                    match event_target_value(&e).trim().parse::<f64>() {
                                        Ok(v) if (0.0..=10.0).contains(&v) => penalizer.set(v),
                                        _ => event_target::<web_sys::HtmlInputElement>(&e)
                                            .set_value(&penalizer.get_untracked().to_string()),
                                    }
                                }/></label>
                        <label class="mapping-field"><span>"Purchase model"</span>
                            <select aria-label="Purchase model" title="The model that drives P(alive), expected purchases, CLV, the churn list and the predictions CSV"
                                on:change=move |e| purchase_model.set(if event_target_value(&e) == "mbgnbd" { PurchaseModel::ModifiedBgNbd } else { PurchaseModel::BgNbd })>
                                <option value="bgnbd" selected=move || purchase_model.get() == PurchaseModel::BgNbd>"BG/NBD (BetaGeoFitter)"</option>
                                <option value="mbgnbd" selected=move || purchase_model.get() == PurchaseModel::ModifiedBgNbd>"MBG/NBD (ModifiedBetaGeoFitter)"</option>
                            </select></label>
                        <label class="mapping-field"><span>"Holdout days (empty: last quarter)"</span>
                            <input type="number" min="1" max="100000" step="1" aria-label="Holdout days" placeholder="last 25%"
                                title="Days at the end of the data held out: the models are fitted on the days before and checked on these"
                                prop:value=move || holdout_days.get().map(|d| d.to_string()).unwrap_or_default()
                                on:change=move |e| {
                                    let text = event_target_value(&e);
                                    match text.trim() {
                                        "" => holdout_days.set(None),
                                        t => match t.parse::<u32>() {
                                            Ok(d) if d >= 1 => holdout_days.set(Some(d)),
                                            // Not a whole number of days: the last good value comes back.
                                            _ => event_target::<web_sys::HtmlInputElement>(&e).set_value(
                                                &holdout_days.get_untracked().map(|d| d.to_string()).unwrap_or_default(),
                                            ),
                                        },
                                    }
                                }/></label>
                    </div>
                    <button class="primary" on:click=move |_| studio.dispatch(Event::PredictClv {
                        penalizer: penalizer.get_untracked(),
                        model: purchase_model.get_untracked(),
                        holdout_days: holdout_days.get_untracked(),
                    })
                        prop:disabled=move || studio.progress.get().is_some()>
                        {move || if studio.clv.with(Option::is_some) { "Predict again" } else { "Predict lifetime value and churn" }}
                    </button>
                }.into_any()
            }}
            {body}
        </section>
    }
}
