//! "Apply a saved model": label a new file's customers with a model JSON
//! downloaded earlier (daily batch labelling), without re-clustering.

use crate::app::canvas::save_bytes;
use crate::app::state::Studio;
use crate::engine::model::Labeller;
use crate::studio::Event;
use crate::views::format::thousands;
use leptos::{ev, html, prelude::*};
use web_sys::File;

#[component]
pub fn ApplyModel() -> impl IntoView {
    let studio = expect_context::<Studio>();
    let model_input = NodeRef::<html::Input>::new();
    let data_input = NodeRef::<html::Input>::new();
    let labeller = RwSignal::new(Labeller::NearestCentre);
    let first_file = |input: NodeRef<html::Input>| -> Option<File> { input.get()?.files()?.get(0) };
    let apply = move |_: ev::MouseEvent| match (first_file(model_input), first_file(data_input)) {
        (Some(model), Some(data)) => {
            let name = data.name();
            studio.apply_model(model.into(), data.into(), name, labeller.get_untracked());
        }
        _ => studio.dispatch(Event::Failed(
            "Choose both a model JSON and a transactions file to apply it to.".into(),
        )),
    };
    view! {
        <section class="panel" aria-labelledby="apply-title">
            <h2 id="apply-title">"Apply a saved model"</h2>
            <p class="muted">"Label the customers of a new file with a model downloaded earlier: same definitions, score thresholds, scaler and cluster centres."</p>
            <div class="mapping-controls">
                <label class="mapping-field"><span>"model JSON"</span>
                    <input node_ref=model_input type="file" accept=".json,application/json" aria-label="Saved model JSON"/></label>
                <label class="mapping-field"><span>"transactions file"</span>
                    <input node_ref=data_input type="file" accept=".csv,.tsv,.txt,text/csv" aria-label="Transactions to label"/></label>
            </div>
            <fieldset class="labeller">
                <legend>"Give each customer the cluster of"</legend>
                {[
                    (Labeller::NearestCentre, "the nearest cluster centre (the clustering itself)"),
                    (Labeller::Rules, "the model's plain rules (decision tree)"),
                    (Labeller::Classifier, "the model's random forest (train it under Rules & classifier before saving the model)"),
                ].into_iter().map(|(choice, text)| view! {
                    <label class="radio-field">
                        <input type="radio" name="labeller" prop:checked=move || labeller.get() == choice
                            on:change=move |_| labeller.set(choice)/>
                        " " {text}
                    </label>
                }).collect_view()}
            </fieldset>
            <button class="primary" on:click=apply>"Apply model"</button>
            {move || studio.applied.get().map(|applied| {
                let csv_name = format!("{}-labelled.csv", applied.file_name.rsplit_once('.').map_or(applied.file_name.as_str(), |(s, _)| s));
                let for_download = applied.clone();
                view! {
                    <div class="applied" aria-live="polite">
                        <h3>{format!("{}: {} customers labelled", applied.file_name, thousands(applied.customers as u64))}</h3>
                        <p class="muted">{format!("Model trained on {}; labelled by {}; {} of {} rows kept.", applied.model_trained_on, applied.method, thousands(applied.rows_kept), thousands(applied.rows_read))}</p>
                        <table>
                            <thead><tr><th>"Cluster"</th><th class="num">"Customers"</th></tr></thead>
                            <tbody>{applied.clusters.iter().map(|(c, name, n)| view! {
                                <tr><td>{format!("{c} · {name}")}</td><td class="num">{thousands(*n as u64)}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                        <button on:click=move |_| save_bytes(&for_download.csv, "text/csv", &csv_name)>"Download labelled customers CSV"</button>
                    </div>
                }
            })}
        </section>
    }
}
