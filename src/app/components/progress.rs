//! Progress of the running analysis, with a Cancel button.

use crate::app::state::Studio;
use crate::studio::model::RunProgress;
use crate::studio::Event;
use crate::views::format::human_bytes;
use leptos::prelude::*;

/// Built once per run; an update changes only its texts and bar (rebuilding
/// the panel for every update cost a layout each time).
#[component]
pub fn RunProgressPanel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let running = Memo::new(move |_| studio.progress.with(Option::is_some));
    let shown = move |text: fn(&RunProgress) -> String| {
        move || {
            studio
                .progress
                .with(|p| p.as_ref().map(text).unwrap_or_default())
        }
    };
    // Only the stage is announced to screen readers, not every percent.
    let stage = Memo::new(move |_| shown(|p| format!("{} — {}", p.stage, p.file_name))());
    let percent = move || studio.progress.with(|p| p.as_ref().map_or(0.0, percent_of));
    move || {
        running.get().then(|| {
            view! {
                <section class="progress-panel" aria-label="Progress">
                    <div class="progress-text">
                        <span aria-live="polite">{move || stage.get()}</span>
                        <span>{shown(detail)}</span>
                    </div>
                    <progress max="100" value=percent aria-label="Analysis progress"></progress>
                    <button on:click=move |_| studio.dispatch(Event::Cancel)>"Cancel"</button>
                </section>
            }
        })
    }
}

fn percent_of(p: &RunProgress) -> f64 {
    (p.fraction * 100.0).clamp(0.0, 100.0)
}

fn detail(p: &RunProgress) -> String {
    // Work on data already in memory (another clustering method) has no file to read.
    if p.bytes_total == 0 {
        return "working…".to_string();
    }
    format!(
        "{} of {} read · {:.0}%",
        human_bytes(p.bytes_done),
        human_bytes(p.bytes_total),
        percent_of(p)
    )
}
