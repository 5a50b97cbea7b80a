//! The dashboard's section index: a bar that stays at the top while the
//! results scroll by (they run to thousands of pixels), one link per
//! section in tab order, and the section in view marked `aria-current`.

use leptos::prelude::*;

/// Each section's heading id and its short name, in the dashboard's order.
const SECTIONS: [(&str, &str); 11] = [
    ("overview-title", "Overview"),
    ("quality-title", "Data quality"),
    ("explore-title", "Explore"),
    ("segments-title", "Segments"),
    ("clusters-title", "Clusters"),
    ("embedding-title", "Map"),
    ("rules-title", "Rules & classifier"),
    ("clv-title", "Value & churn"),
    ("distributions-title", "Distributions"),
    ("customers-title", "Customers"),
    ("downloads-title", "Downloads"),
];

/// A heading this far from the window's top (under the bar) is "in view".
const BAR_PX: f64 = 96.0;

#[component]
pub fn SectionIndex() -> impl IntoView {
    let current = RwSignal::new(0usize);
    let follow_scroll = move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let top_of = |id: &str| {
            document
                .get_element_by_id(id)
                .map(|h| h.get_bounding_client_rect().top())
        };
        let height = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let at_bottom = document.document_element().is_some_and(|root| {
            window.scroll_y().unwrap_or(0.0) + height >= f64::from(root.scroll_height()) - 2.0
        });
        // The last section whose heading has reached the bar; at the very
        // bottom, where the last headings can rise no further, the last one
        // on screen.
        let reached = |top: f64| top <= BAR_PX || (at_bottom && top < height);
        let at = SECTIONS
            .iter()
            .rposition(|(id, _)| top_of(id).is_some_and(reached))
            .unwrap_or(0);
        if current.get_untracked() != at {
            current.set(at);
        }
    };
    let handle = window_event_listener(leptos::ev::scroll, move |_| follow_scroll());
    on_cleanup(move || handle.remove());
    view! {
        <nav class="section-index" aria-label="Sections">
            <ul>
                {SECTIONS
                    .iter()
                    .enumerate()
                    .map(|(i, (id, name))| {
                        view! {
                            <li>
                                <a
                                    href=format!("#{id}")
                                    aria-current=move || (current.get() == i).then_some("location")
                                >
                                    {*name}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
