//! Editing the RFM segment grid: a name for every (R score, F score) cell.

use crate::app::state::Studio;
use crate::engine::segments::SegmentGrid;
use crate::studio::Event;
use leptos::{ev, prelude::*};

#[component]
pub fn GridEditor(grid: SegmentGrid) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let rows = (1..=5usize)
        .rev()
        .map(|r| {
            let cells = (1..=5usize)
                .map(|f| {
                    let name = grid.names[r - 1][f - 1].clone();
                    let base = grid.clone();
                    view! {
                        <td>
                            <input type="text" value=name aria-label=format!("Segment name for R {r}, F {f}")
                                on:change=move |e: ev::Event| {
                                    let value = event_target_value(&e).trim().to_string();
                                    if value.is_empty() {
                                        return;
                                    }
                                    let mut next = base.clone();
                                    next.names[r - 1][f - 1] = value;
                                    studio.dispatch(Event::SetGrid(next));
                                }/>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{format!("R {r}")}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <details class="grid-editor" prop:open=move || studio.grid_editor_open.get()
            on:toggle=move |e: ev::Event| studio.grid_editor_open.set(event_target::<web_sys::HtmlDetailsElement>(&e).open())>
            <summary>"Edit segment names (R × F grid)"</summary>
            <p class="muted">"Rows are recency scores (5 = most recent), columns frequency scores. Changes apply at once and go into the exports and the model."</p>
            <table>
                <thead><tr><th></th>{(1..=5).map(|f| view! { <th scope="col">{format!("F {f}")}</th> }).collect_view()}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <button on:click=move |_| studio.dispatch(Event::SetGrid(SegmentGrid::default()))>"Reset to the default grid"</button>
        </details>
    }
}
