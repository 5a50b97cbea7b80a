//! The column-mapping step: what was detected, a preview of the first rows,
//! and a dropdown per field to correct it before the analysis runs.

use super::source_choice::SourceChoiceRow;
use crate::app::state::Studio;
use crate::engine::ingest::sniff::{delimiter_label, SELECTABLE_DELIMITERS};
use crate::engine::ingest::{Field, SniffReport};
use crate::studio::Event;
use leptos::{ev, prelude::*};
use std::sync::Arc;

const PREVIEW_ROWS: usize = 8;

#[component]
pub fn MappingStep() -> impl IntoView {
    let studio = expect_context::<Studio>();
    move || {
        studio
            .sniffed
            .get()
            .map(|report| view! { <MappingPanel report=report/> })
    }
}

#[component]
fn MappingPanel(report: Arc<SniffReport>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let settings = studio.ingest_settings;
    let headers = report.headers.clone();
    let missing = Memo::new(move |_| {
        settings.with(|s| {
            s.mapping
                .as_ref()
                .map(|m| m.missing_required())
                .unwrap_or_default()
        })
    });
    let file_name = studio.file_name().unwrap_or_default();
    let date_text = report
        .date_format
        .as_ref()
        .map_or("no date column mapped".to_string(), |d| {
            format!("{} — {}", d.description, d.explanation)
        });
    let field_rows = Field::ALL
        .iter()
        .map(|&field| {
            let headers = headers.clone();
            let required = matches!(field, Field::CustomerId | Field::Date);
            let current = move || settings.with(|s| s.mapping.as_ref().and_then(|m| m.index(field)));
            view! {
                <label class="mapping-field">
                    <span>{field.label()}{required.then_some(" *")}</span>
                    <select
                        aria-label=format!("Column for {}", field.label())
                        on:change=move |e: ev::Event| {
                            let index = event_target_value(&e).parse::<usize>().ok();
                            settings.update(|s| {
                                if let Some(m) = s.mapping.as_mut() {
                                    m.set(field, index);
                                }
                            });
                        }
                    >
                        <option value="" selected=move || current().is_none()>"— not used —"</option>
                        {headers.iter().enumerate().map(|(i, h)| view! {
                            <option value=i.to_string() selected=move || current() == Some(i)>{format!("{} ({})", h, i + 1)}</option>
                        }).collect_view()}
                    </select>
                </label>
            }
        })
        .collect_view();
    let delimiter = report.delimiter;
    let has_header = report.has_header;
    let day_first = report.date_format.as_ref().map(|d| d.day_first);
    view! {
        <section class="panel mapping" aria-labelledby="mapping-title">
            <h2 id="mapping-title">{format!("Columns — {file_name}")}</h2>
            <p class="muted">{format!(
                "Detected: {} delimited, {}{}; dates: {}.",
                delimiter_label(delimiter), report.encoding.label(),
                if report.decimal_comma { ", decimal comma" } else { "" }, date_text
            )}</p>
            <SourceChoiceRow source=report.source.clone()/>
            {report.header_note.clone().map(|note| view! { <p class="muted header-note">{note}</p> })}
            {report.problems.iter().map(|p| view! { <p class="warning">{p.clone()}</p> }).collect_view()}
            <div class="mapping-controls">
                <label class="mapping-field">
                    <span>"delimiter"</span>
                    <select aria-label="Delimiter" on:change=move |e: ev::Event| {
                        let value = event_target_value(&e).parse::<u8>().ok();
                        settings.update(|s| { s.delimiter = value; s.mapping = None; });
                        studio.sniff();
                    }>
                        {SELECTABLE_DELIMITERS.iter().map(|&d| view! {
                            <option value=d.to_string() selected=d == delimiter>{delimiter_label(d)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="mapping-field mapping-check">
                    <input type="checkbox" aria-label="First row is a header" prop:checked=has_header on:change=move |e: ev::Event| {
                        let checked = event_target_checked(&e);
                        settings.update(|s| { s.has_header = Some(checked); s.mapping = None; });
                        studio.sniff();
                    }/>
                    <span>"First row is a header"</span>
                </label>
                <label class="mapping-field">
                    <span>"day / month order"</span>
                    <select aria-label="Day and month order" on:change=move |e: ev::Event| {
                        let value = match event_target_value(&e).as_str() { "day" => Some(true), "month" => Some(false), _ => None };
                        settings.update(|s| s.day_first = value);
                        studio.sniff();
                    }>
                        <option value="month" selected=day_first == Some(false)>"month first (12/31/2011)"</option>
                        <option value="day" selected=day_first == Some(true)>"day first (31/12/2011)"</option>
                    </select>
                </label>
                {field_rows}
            </div>
            {move || {
                let missing = missing.get();
                (!missing.is_empty()).then(|| view! {
                    <p class="error" role="alert">{format!("Choose a column for: {}. Segmento needs a customer id, a date and an amount (or quantity and unit price).", missing.join(", "))}</p>
                })
            }}
            <div class="preview-scroll">
                <table class="preview" aria-label="First rows of the file">
                    <thead><tr>{headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {report.preview.iter().take(PREVIEW_ROWS).map(|row| view! {
                            <tr>{row.iter().map(|cell| view! { <td>{cell.clone()}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="mapping-actions">
                <button class="primary" disabled=move || !missing.get().is_empty() on:click=move |_| studio.rerun()>"Analyse"</button>
                <button on:click=move |_| studio.dispatch(Event::CloseMapping)>"Close"</button>
            </div>
        </section>
    }
}
