//! Downloads: the segmented customers CSV and the reusable model JSON.

use super::rules::explanation;
use crate::app::canvas::download_url;
use crate::app::state::Studio;
use crate::worker_protocol::RunResult;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Downloads(result: Arc<RunResult>) -> impl IntoView {
    let stem = result
        .file_name
        .rsplit_once('.')
        .map_or(result.file_name.clone(), |(s, _)| s.to_string());
    let csv_result = result.clone();
    let csv_name = format!("{stem}-segments.csv");
    let model_name = format!("{stem}-model.json");
    let depth = expect_context::<Studio>().rules_depth;
    view! {
        <section class="panel" aria-labelledby="downloads-title">
            <h2 id="downloads-title">"Downloads"</h2>
            <p class="muted">"Files are generated in this browser; nothing is uploaded."</p>
            <div class="download-buttons">
                <button class="primary" on:click=move |_| save_bytes(&csv_result.analysis.customers_csv(), "text/csv", &csv_name)>
                    "Customers CSV"
                </button>
                <button on:click=move |_| {
                    // The model carries the rules shown on the dashboard, when there are any.
                    let rules = explanation(&result.analysis, depth.get_untracked()).ok();
                    if let Some(model) = result.analysis.model() {
                        let model = match rules {
                            Some(found) => model.with_rules(found.tree),
                            None => model,
                        };
                        save_bytes(model.to_json().as_bytes(), "application/json", &model_name);
                    }
                }>"Model JSON"</button>
            </div>
        </section>
    }
}

/// Offers `bytes` as a file download through a temporary object URL.
pub fn save_bytes(bytes: &[u8], mime: &str, file_name: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(&url, file_name);
    let _ = web_sys::Url::revoke_object_url(&url);
}
