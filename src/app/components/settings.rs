//! The RFM definitions as settings: what a purchase is, what monetary means,
//! the reference date and the score scale; and the range of k the
//! recommendation chooses from. Changing them re-runs the analysis.

use crate::app::state::Studio;
use crate::engine::rfm::{MonetaryMode, PurchaseUnit, ReferenceDate};
use chrono::NaiveDate;
use leptos::{ev, prelude::*};

#[component]
pub fn RfmSettingsPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let settings = studio.analysis_settings;
    let current = settings.get_untracked();
    // Kept by the read (cleaning), used by RFM: set with the definitions.
    let ingest = studio.ingest_settings;
    let net = ingest.get_untracked().rules.net_returns;
    let fixed_date = match current.rfm.reference {
        ReferenceDate::Fixed(d) => d.to_string(),
        ReferenceDate::DayAfterLast => String::new(),
    };
    view! {
        <details class="rfm-settings" prop:open=move || studio.definitions_open.get()
            on:toggle=move |e: ev::Event| studio.definitions_open.set(event_target::<web_sys::HtmlDetailsElement>(&e).open())>
            <summary>"RFM definitions"</summary>
            <div class="mapping-controls">
                <label class="mapping-field"><span>"a purchase is"</span>
                    <select aria-label="A purchase is" on:change=move |e: ev::Event| {
                        let unit = if event_target_value(&e) == "day" { PurchaseUnit::Day } else { PurchaseUnit::Invoice };
                        settings.update(|s| s.rfm.purchase = unit);
                    }>
                        <option value="invoice" selected=current.rfm.purchase == PurchaseUnit::Invoice>"an invoice / order"</option>
                        <option value="day" selected=current.rfm.purchase == PurchaseUnit::Day>"a calendar day with orders"</option>
                    </select></label>
                <label class="mapping-field"><span>"monetary is"</span>
                    <select aria-label="Monetary is" on:change=move |e: ev::Event| {
                        let mode = if event_target_value(&e) == "mean" { MonetaryMode::MeanPerPurchase } else { MonetaryMode::Total };
                        settings.update(|s| s.rfm.monetary = mode);
                    }>
                        <option value="total" selected=current.rfm.monetary == MonetaryMode::Total>"the total spent"</option>
                        <option value="mean" selected=current.rfm.monetary == MonetaryMode::MeanPerPurchase>"the mean per purchase"</option>
                    </select></label>
                <label class="mapping-field"><span>"cancellations and returns"</span>
                    <select aria-label="Cancellations and returns" title="Set aside: left out of everything (the default). Net revenue: still not purchases, but each customer's are subtracted from their monetary value (never below 0)"
                        on:change=move |e: ev::Event| {
                            let net = event_target_value(&e) == "net";
                            ingest.update(|s| s.rules.net_returns = net);
                        }>
                        <option value="aside" selected=!net>"are set aside"</option>
                        <option value="net" selected=net>"are subtracted from monetary (net revenue)"</option>
                    </select></label>
                <label class="mapping-field"><span>"reference date (empty: the day after the last purchase)"</span>
                    <input type="date" value=fixed_date aria-label="Reference date" on:change=move |e: ev::Event| {
                        let value = event_target_value(&e);
                        let reference = NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_or(ReferenceDate::DayAfterLast, ReferenceDate::Fixed);
                        settings.update(|s| s.rfm.reference = reference);
                    }/></label>
                <label class="mapping-field"><span>"score scale"</span>
                    <select aria-label="Score scale" on:change=move |e: ev::Event| {
                        let bins = event_target_value(&e).parse().unwrap_or(5);
                        settings.update(|s| s.score_bins = bins);
                    }>
                        {[5u8, 4, 3].map(|b| view! { <option value=b.to_string() selected=current.score_bins == b>{format!("1–{b}")}</option> }).collect_view()}
                    </select></label>
                <label class="mapping-field"><span>"recommend k from"</span>
                    <select aria-label="Recommend k from" prop:value=move || settings.get().recommend_range.min.to_string() on:change=move |e: ev::Event| {
                        let min = event_target_value(&e).parse().unwrap_or(3);
                        settings.update(|s| {
                            s.recommend_range.min = min;
                            s.recommend_range.max = s.recommend_range.max.max(min);
                        });
                    }>
                        {(current.k_min..=current.k_max).map(|k| view! { <option value=k.to_string() selected=current.recommend_range.min == k>{k}</option> }).collect_view()}
                    </select></label>
                <label class="mapping-field"><span>"recommend k up to"</span>
                    <select aria-label="Recommend k up to" prop:value=move || settings.get().recommend_range.max.to_string() on:change=move |e: ev::Event| {
                        let max = event_target_value(&e).parse().unwrap_or(8);
                        settings.update(|s| {
                            s.recommend_range.max = max;
                            s.recommend_range.min = s.recommend_range.min.min(max);
                        });
                    }>
                        {(current.k_min..=current.k_max).map(|k| view! { <option value=k.to_string() selected=current.recommend_range.max == k>{k}</option> }).collect_view()}
                    </select></label>
            </div>
            <button class="primary" on:click=move |_| studio.rerun()>"Re-run with these definitions"</button>
        </details>
    }
}
