//! Downloads: the segmented customers CSV, the reusable model JSON and the
//! model as labelling SQL for a warehouse, made by the worker from the session.

use crate::app::state::Studio;
use crate::engine::model_sql::SqlDialect;
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
            <div class="download-buttons" role="group" aria-labelledby="labelling-sql-title">
                <span id="labelling-sql-title">"Labelling SQL"</span>
                {SqlDialect::ALL
                    .into_iter()
                    .map(|dialect| {
                        view! {
                            <button
                                title=format!("The model as a {} query that adds segment and cluster to an RFM table", dialect.name())
                                on:click=move |_| studio.dispatch(Event::Export(ExportKind::LabellingSql(dialect)))
                            >
                                {dialect.name()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="muted">
                "Labelling SQL labels an RFM table where your data lives (the output of the queries in "
                <code>"sql/"</code>
                ", or any table with customer_id, recency_days, frequency and monetary) with this model's segments and clusters, as Apply a saved model does here."
            </p>
        </section>
    }
}
