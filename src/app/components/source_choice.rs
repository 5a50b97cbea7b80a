//! In the mapping step, for a wrapped file: what was unwrapped, and the
//! choice of a workbook's sheet or an archive's member.

use crate::app::state::Studio;
use crate::engine::container::{SheetChoice, SourceKind, SourceReport};
use leptos::{ev, prelude::*};

const ALL_SHEETS: &str = "all";

#[component]
pub fn SourceChoiceRow(source: SourceReport) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let settings = studio.ingest_settings;
    let note = (source.kind != SourceKind::Text && !source.note.is_empty())
        .then(|| view! { <p class="muted source-note">{format!("Read: {}.", source.note)}</p> });
    let sheets = (source.sheets.len() > 1).then(|| {
        let chosen = match source.sheet {
            SheetChoice::All => ALL_SHEETS.to_string(),
            SheetChoice::Index(i) => i.to_string(),
        };
        view! {
            <label class="mapping-field">
                <span>"sheet"</span>
                <select aria-label="Sheet" on:change=move |e: ev::Event| {
                    let value = event_target_value(&e);
                    let sheet = match value.as_str() {
                        ALL_SHEETS => SheetChoice::All,
                        index => index.parse().map_or(SheetChoice::default(), SheetChoice::Index),
                    };
                    settings.update(|s| { s.source.sheet = sheet; s.mapping = None; s.delimiter = None; });
                    studio.sniff();
                }>
                    {source.sheets.iter().map(|sheet| view! {
                        <option value=sheet.index.to_string() selected=chosen == sheet.index.to_string()>{sheet.name.clone()}</option>
                    }).collect_view()}
                    <option value=ALL_SHEETS selected=chosen == ALL_SHEETS>"all sheets (same columns, one after another)"</option>
                </select>
            </label>
        }
    });
    let members = (source.members.len() > 1).then(|| {
        let chosen = source.member.clone().unwrap_or_default();
        view! {
            <label class="mapping-field">
                <span>"file in the archive"</span>
                <select aria-label="File in the archive" on:change=move |e: ev::Event| {
                    let member = Some(event_target_value(&e));
                    settings.update(|s| { s.source.member = member; s.mapping = None; s.delimiter = None; });
                    studio.sniff();
                }>
                    {source.members.iter().map(|name| view! {
                        <option value=name.clone() selected=*name == chosen>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    });
    view! {
        {note}
        {(sheets.is_some() || members.is_some()).then(|| view! {
            <div class="mapping-controls source-choice">{sheets}{members}</div>
        })}
    }
}
