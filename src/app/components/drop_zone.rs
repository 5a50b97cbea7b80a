//! Where a file comes in: drag and drop, a file picker, or the bundled sample.

use crate::app::state::Studio;
use leptos::{ev, html, prelude::*};
use web_sys::File;

#[component]
pub fn DropZone() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let picker = NodeRef::<html::Input>::new();
    let dragging = RwSignal::new(false);

    let take_file = move |file: Option<File>| {
        if let Some(file) = file {
            let name = file.name();
            studio.open_file(file.into(), name);
        }
    };
    let open_picker = move || {
        if let Some(input) = picker.get() {
            input.click();
        }
    };

    view! {
        <section class="intake" aria-label="Load transactions">
            <div
                class="drop-zone"
                class:dragging=move || dragging.get()
                role="button"
                tabindex="0"
                aria-label="Drop a transactions CSV here, or press Enter to choose a file"
                on:click=move |_| open_picker()
                on:keydown=move |e: ev::KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        open_picker();
                    }
                }
                on:dragover=move |e: ev::DragEvent| {
                    e.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=move |e: ev::DragEvent| {
                    e.prevent_default();
                    dragging.set(false);
                    take_file(e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)));
                }
            >
                <p class="drop-title">"Drop a transactions CSV here"</p>
                <p class="drop-hint">"or click to choose a file — orders exports, UCI Online Retail, Shopify, WooCommerce, Stripe…; Excel or OpenDocument workbooks, Parquet, .gz and .zip too"</p>
            </div>
            <input
                node_ref=picker
                class="visually-hidden"
                type="file"
                accept=".csv,.tsv,.txt,.dat,.gz,.zip,.xlsx,.xlsm,.xlsb,.xls,.ods,.parquet,text/csv,text/tab-separated-values"
                aria-label="Choose a transactions file"
                tabindex="-1"
                on:change=move |e: ev::Event| {
                    let input: web_sys::HtmlInputElement = event_target(&e);
                    take_file(input.files().and_then(|f| f.get(0)));
                    // Allow picking the same file again after editing it.
                    input.set_value("");
                }
            />
            <button class="primary" on:click=move |_| studio.analyze_sample()>"Try the sample data"</button>
        </section>
    }
}
