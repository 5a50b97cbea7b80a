//! The results of the last successful run.

use crate::app::state::Studio;
use leptos::prelude::*;

#[component]
pub fn Results() -> impl IntoView {
    let studio = expect_context::<Studio>();
    move || {
        studio.result.get().map(|summary| {
            view! {
                <section class="results" aria-label="Results">
                    <h2>{summary.file_name.clone()}</h2>
                    <div class="cards">
                        <div class="card"><span class="card-value">{summary.lines}</span><span class="card-label">"lines"</span></div>
                        <div class="card"><span class="card-value">{summary.bytes}</span><span class="card-label">"bytes"</span></div>
                    </div>
                </section>
            }
        })
    }
}
