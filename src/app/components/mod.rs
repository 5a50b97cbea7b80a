//! Page components. Each reads the [`Studio`] from context and renders it.

mod apply_model;
mod charts;
mod classifier;
mod clusters;
mod clv;
mod customers;
mod downloads;
mod drop_zone;
mod embedding;
mod explore;
mod grid_editor;
mod mapping;
mod methods;
mod model_trust;
mod progress;
mod results;
mod rules;
mod section_index;
mod segment_scheme;
mod segments;
mod segments_over_time;
mod settings;
mod source_choice;

use super::state::Studio;
use crate::studio::Event;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let studio = Studio::new();
    provide_context(studio);
    crate::app::canvas::provide_viewport_version();
    studio.start_worker();
    view! {
        <header class="topbar">
            <h1 class="brand">"Segmento"</h1>
            <p class="tagline">"Customer segmentation that runs entirely in your browser — your data never leaves this page."</p>
        </header>
        <main class="page">
            <drop_zone::DropZone/>
            <progress::RunProgressPanel/>
            <ErrorBanner/>
            <mapping::MappingStep/>
            <results::Results/>
            <apply_model::ApplyModel/>
        </main>
    }
}

/// The last error, with what to do next. Previous results stay visible below it.
#[component]
fn ErrorBanner() -> impl IntoView {
    let studio = expect_context::<Studio>();
    move || {
        studio.error.get().map(|message| {
            view! {
                <div class="error" role="alert">
                    <strong>"That didn't work: "</strong>
                    <span class="error-message">{message}</span>
                    <button class="link" on:click=move |_| studio.dispatch(Event::DismissError)>"Dismiss"</button>
                </div>
            }
        })
    }
}
