//! Choosing how segments are made: the editable grid or Shopify's or
//! Klaviyo's groups, with scores from quantiles or from cut points.

use crate::app::state::Studio;
use crate::engine::cut_points::{number_text, parse_list, CutPoints, CutPointsError, Scoring};
use crate::engine::presets::SegmentScheme;
use crate::studio::Event;
use crate::views::Dashboard;
use leptos::{ev, prelude::*};
use std::sync::Arc;

/// Suggested cut points for a scale: recency days, frequency, monetary.
fn suggested(bins: u8) -> [&'static str; 3] {
    match bins {
        3 => ["30 / 90", "2 / 5", "250 / 1000"],
        4 => ["30 / 90 / 180", "2 / 3 / 5", "100 / 500 / 1000"],
        _ => [
            "30 / 90 / 180 / 365",
            "2 / 3 / 5 / 10",
            "100 / 250 / 500 / 1000",
        ],
    }
}

fn listed(cuts: &[f64]) -> String {
    cuts.iter()
        .map(|c| number_text(*c))
        .collect::<Vec<_>>()
        .join(" / ")
}

#[component]
pub fn SegmentScheme(dashboard: Arc<Dashboard>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let settings = &dashboard.settings;
    let grid_bins = settings.score_bins;
    let scheme = RwSignal::new(settings.scheme);
    let use_cuts = RwSignal::new(matches!(settings.scoring, Scoring::CutPoints(_)));
    let bins = move || scheme.get().bins().unwrap_or(grid_bins);
    let (recency, frequency, monetary) = match &settings.scoring {
        Scoring::CutPoints(c) => (
            listed(&c.recency),
            listed(&c.frequency),
            listed(&c.monetary),
        ),
        Scoring::Quantiles => {
            let [r, f, m] = suggested(settings.bins());
            (r.to_string(), f.to_string(), m.to_string())
        }
    };
    let (recency, frequency, monetary) = (
        RwSignal::new(recency),
        RwSignal::new(frequency),
        RwSignal::new(monetary),
    );
    let problem = RwSignal::new(None::<String>);
    // A scale change suggests cut points of the right count.
    let choose_scheme = move |next: SegmentScheme| {
        let before = bins();
        scheme.set(next);
        if bins() != before {
            let [r, f, m] = suggested(bins());
            recency.set(r.into());
            frequency.set(f.into());
            monetary.set(m.into());
        }
    };
    let apply = move || {
        let scoring = match use_cuts.get_untracked() {
            false => Ok(Scoring::Quantiles),
            true => (|| -> Result<Scoring, CutPointsError> {
                let cuts = CutPoints {
                    recency: parse_list("Recency", &recency.get_untracked())?,
                    frequency: parse_list("Frequency", &frequency.get_untracked())?,
                    monetary: parse_list("Monetary", &monetary.get_untracked())?,
                };
                cuts.validate(bins())?;
                Ok(Scoring::CutPoints(cuts))
            })(),
        };
        match scoring {
            Ok(scoring) => {
                problem.set(None);
                studio.dispatch(Event::SetSegmentation {
                    scheme: scheme.get_untracked(),
                    scoring,
                });
            }
            Err(e) => problem.set(Some(crate::views::format::sentence(&e.to_string()))),
        }
    };
    let cut_field = move |label: &'static str, hint: &'static str, value: RwSignal<String>| {
        view! {
            <label><span>{label}</span>
                <input type="text" inputmode="decimal" aria-label=label aria-describedby="cut-points-hint" placeholder=hint
                    prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))
                    disabled=move || !use_cuts.get()/></label>
        }
    };
    view! {
        <form class="scheme-controls" aria-label="How segments are made"
            on:submit=move |e: ev::SubmitEvent| { e.prevent_default(); apply(); }>
            <label><span>"Segments"</span>
                <select aria-label="Segment groups" on:change=move |e: ev::Event| choose_scheme(SegmentScheme::from_key(&event_target_value(&e)))>
                    {SegmentScheme::ALL.map(|s| view! { <option value=s.key() selected=move || scheme.get() == s>{s.label()}</option> }).collect_view()}
                </select></label>
            <fieldset class="scoring-choice">
                <legend>"Scores from"</legend>
                <label><input type="radio" name="scoring" prop:checked=move || !use_cuts.get() on:change=move |_| use_cuts.set(false)/>" quantiles"</label>
                <label><input type="radio" name="scoring" prop:checked=move || use_cuts.get() on:change=move |_| use_cuts.set(true)/>" cut points"</label>
            </fieldset>
            {cut_field("Recency cut points (days)", "30 / 90 / 180", recency)}
            {cut_field("Frequency cut points", "2 / 3 / 5", frequency)}
            {cut_field("Monetary cut points", "100 / 500 / 1000", monetary)}
            <button type="submit" class="primary">"Apply segments"</button>
        </form>
        <p class="muted" id="cut-points-hint">{move || format!(
            "Scores 1–{b}: give {n} ascending cut points per dimension. Recency: a cut point is the last day of the better score (≤ 30 days scores {b}); frequency and monetary: the first value of the higher score (≥ 2 purchases scores at least 2). Quantiles rank the customers analysed.",
            b = bins(), n = bins().saturating_sub(1)
        )}</p>
        {move || problem.get().map(|p| view! { <p class="warning" role="alert">{p}</p> })}
    }
}
