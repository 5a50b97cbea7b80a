//! Progress of the running analysis, with a Cancel button.

use crate::app::state::Studio;
use crate::studio::format::human_bytes;
use leptos::prelude::*;

#[component]
pub fn RunProgressPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    move || {
        studio.progress.get().map(|p| {
            let percent = (p.fraction * 100.0).clamp(0.0, 100.0);
            // Work on data already in memory (another clustering method) has no file to read.
            let detail = if p.bytes_total == 0 {
                "working…".to_string()
            } else {
                format!(
                    "{} of {} read · {percent:.0}%",
                    human_bytes(p.bytes_done),
                    human_bytes(p.bytes_total)
                )
            };
            view! {
                <section class="progress-panel" aria-live="polite" aria-label="Progress">
                    <div class="progress-text">
                        <span>{format!("{} — {}", p.stage, p.file_name)}</span>
                        <span>{detail}</span>
                    </div>
                    <progress max="100" value=percent aria-label="Analysis progress"></progress>
                    <button on:click=move |_| studio.cancel()>"Cancel"</button>
                </section>
            }
        })
    }
}
