//! Progress of the running analysis, with a Cancel button.

use crate::app::state::Studio;
use leptos::prelude::*;

#[component]
pub fn RunProgressPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    move || {
        studio.progress.get().map(|p| {
            let percent = p.percent();
            view! {
                <section class="progress-panel" aria-live="polite">
                    <div class="progress-text">
                        <span>{format!("{} — {}", p.stage.label(), p.file_name)}</span>
                        <span>{format!("{} of {} ({percent:.0}%)", human_bytes(p.done), human_bytes(p.total))}</span>
                    </div>
                    <progress max="100" value=percent aria-label="Analysis progress"></progress>
                    <button on:click=move |_| studio.cancel()>"Cancel"</button>
                </section>
            }
        })
    }
}

pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
