//! Downloads: the segmented customers CSV and the reusable model JSON, made
//! by the worker from the session.

use crate::app::state::Studio;
use crate::session::ExportKind;
use crate::studio::Event;
use leptos::prelude::*;

#[component]
pub fn Downloads() -> impl IntoView {
    let studio = expect_context::<Studio>();
    view! {
        <section class="panel" aria-labelledby="downloads-title">
            <h2 id="downloads-title">"Downloads"</h2>
            <p class="muted">"Files are generated in this browser; nothing is uploaded."</p>
            <div class="download-buttons">
                <button class="primary" on:click=move |_| studio.dispatch(Event::Export(ExportKind::CustomersCsv))>
                    "Customers CSV"
                </button>
                // The model carries the rules shown on the dashboard, when there are any.
                <button on:click=move |_| studio.dispatch(Event::Export(ExportKind::ModelJson))>"Model JSON"</button>
            </div>
        </section>
    }
}
