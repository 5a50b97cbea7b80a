//! The browser shell of the studio: holds the pure [`Model`], feeds it
//! events, mirrors what it shows into signals for the components, and
//! carries out its effects (the worker, downloads, timers).

use super::bridge::AnalysisWorker;
use crate::engine::clustering::MethodComparison;
use crate::engine::ingest::{IngestSettings, SniffReport};
use crate::engine::model::Labeller;
use crate::engine::pipeline::AnalysisSettings;
use crate::protocol::page::{WorkerEvent, WorkerMessage};
use crate::studio::model::{Attachment, FileRef, RunProgress};
use crate::studio::pacing::{Offer, Pacer};
use crate::studio::{update, Effect, Event, Model};
use crate::views::customer_table::{CustomerPage, TableQuery};
use crate::views::dashboard::{AppliedModel, ClassifierView, ClvView, RulesView, ScatterPlot};
use crate::views::migration::MigrationReply;
use crate::views::Dashboard;
use crate::worker::marks::now_ms;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// At most this many milliseconds apart, progress updates are shown (see
/// [`Pacer`]): ten a second look smooth.
const PROGRESS_INTERVAL_MS: f64 = 100.0;

/// Shared by every component through context: the model's parts as signals.
#[derive(Clone, Copy)]
pub struct Studio {
    pub progress: RwSignal<Option<RunProgress>>,
    pub error: RwSignal<Option<String>>,
    pub sniffed: RwSignal<Option<Arc<SniffReport>>>,
    pub dashboard: RwSignal<Option<Arc<Dashboard>>>,
    pub runs: RwSignal<u64>,
    pub rules_depth: RwSignal<usize>,
    pub rules: RwSignal<Option<Arc<RulesView>>>,
    pub comparison: RwSignal<Option<Arc<MethodComparison>>>,
    pub clv: RwSignal<Option<Arc<ClvView>>>,
    pub classifier: RwSignal<Option<Arc<ClassifierView>>>,
    pub applied: RwSignal<Option<Arc<AppliedModel>>>,
    pub table_query: RwSignal<TableQuery>,
    pub table_page: RwSignal<Option<Arc<CustomerPage>>>,
    pub recency_monetary: RwSignal<Option<Arc<ScatterPlot>>>,
    pub pca: RwSignal<Option<Arc<ScatterPlot>>>,
    pub tsne: RwSignal<Option<Arc<ScatterPlot>>>,
    /// Segments over time, once asked for.
    pub migration: RwSignal<Option<Arc<MigrationReply>>>,
    pub hover: RwSignal<Option<String>>,
    /// Edited by the settings panels; sent with the next run.
    pub ingest_settings: RwSignal<IngestSettings>,
    pub analysis_settings: RwSignal<AnalysisSettings>,
    /// Which collapsible panels are open; kept here so they stay open when
    /// the dashboard re-renders for a k switch or a grid edit.
    pub grid_editor_open: RwSignal<bool>,
    pub definitions_open: RwSignal<bool>,
    model: StoredValue<Model, LocalStorage>,
    /// The settings version last shown (see `Model::settings_version`).
    shown_settings: StoredValue<u64, LocalStorage>,
    file: StoredValue<Option<Blob>, LocalStorage>,
    model_data: StoredValue<Option<Blob>, LocalStorage>,
    worker: StoredValue<Option<AnalysisWorker>, LocalStorage>,
    workers_started: StoredValue<u32, LocalStorage>,
    progress_pacer: StoredValue<Pacer<WorkerMessage>, LocalStorage>,
}

impl Studio {
    pub fn new() -> Self {
        let mut model = Model::default();
        // The engine has no clock: "a year from today" for the date rule.
        if let Some(today) = today() {
            model.ingest_settings.rules = model.ingest_settings.rules.clone().as_of(today);
        }
        // `?recycle_after_ms=N` replaces the worker N ms after any run (tests).
        if let Some(after) = query_number("recycle_after_ms") {
            model.recycle_above_bytes = -1.0;
            model.recycle_after_ms = after;
        }
        Self {
            progress: RwSignal::new(None),
            error: RwSignal::new(None),
            sniffed: RwSignal::new(None),
            dashboard: RwSignal::new(None),
            runs: RwSignal::new(0),
            rules_depth: RwSignal::new(model.rules_depth),
            rules: RwSignal::new(None),
            comparison: RwSignal::new(None),
            clv: RwSignal::new(None),
            classifier: RwSignal::new(None),
            applied: RwSignal::new(None),
            table_query: RwSignal::new(model.table_query.clone()),
            table_page: RwSignal::new(None),
            recency_monetary: RwSignal::new(None),
            pca: RwSignal::new(None),
            tsne: RwSignal::new(None),
            migration: RwSignal::new(None),
            hover: RwSignal::new(None),
            ingest_settings: RwSignal::new(model.ingest_settings.clone()),
            analysis_settings: RwSignal::new(model.analysis_settings.clone()),
            grid_editor_open: RwSignal::new(false),
            definitions_open: RwSignal::new(false),
            shown_settings: StoredValue::new_local(model.settings_version),
            model: StoredValue::new_local(model),
            file: StoredValue::new_local(None),
            model_data: StoredValue::new_local(None),
            worker: StoredValue::new_local(None),
            workers_started: StoredValue::new_local(0),
            progress_pacer: StoredValue::new_local(Pacer::new(PROGRESS_INTERVAL_MS)),
        }
    }

    /// Feeds `event` to the model, shows what changed and runs the effects.
    pub fn dispatch(self, event: Event) {
        let Some(effects) = self.model.try_update_value(|m| update(event, m)) else {
            return;
        };
        self.sync();
        for effect in effects {
            self.run(effect);
        }
    }

    /// Starts the worker while the page loads, so its code is fetched and
    /// compiled before a file is chosen.
    pub fn start_worker(self) {
        let spawned = AnalysisWorker::spawn(
            move |message| self.on_worker(message),
            // In a task of its own: replacing the worker drops this handler.
            move |detail| {
                set_timeout(
                    move || self.dispatch(Event::WorkerStopped(detail)),
                    std::time::Duration::ZERO,
                )
            },
        );
        match spawned {
            Ok(worker) => {
                self.worker.set_value(Some(worker));
                // Lets tests see a worker was replaced (after Cancel, or to give memory back).
                self.workers_started.update_value(|n| *n += 1);
                set_body_attribute(
                    "data-workers-started",
                    &self.workers_started.get_value().to_string(),
                );
            }
            Err(message) => self.dispatch(Event::Failed(message)),
        }
    }

    /// A newly chosen file: detect its format and open the column-mapping step.
    pub fn open_file(self, file: Blob, name: String) {
        self.choose(file, name, false);
    }

    fn choose(self, file: Blob, name: String, analyse_now: bool) {
        let bytes = file.size() as u64;
        self.file.set_value(Some(file));
        self.dispatch(Event::FileChosen {
            file: FileRef { name, bytes },
            analyse_now,
        });
    }

    /// (Re-)detects the current file's format with the settings as edited.
    pub fn sniff(self) {
        let settings = self.ingest_settings.get_untracked();
        self.dispatch(Event::Sniff { settings });
    }

    /// Runs the current file again with the settings as edited.
    pub fn rerun(self) {
        let ingest = self.ingest_settings.get_untracked();
        let analysis = self.analysis_settings.get_untracked();
        self.dispatch(Event::Analyse { ingest, analysis });
    }

    /// Labels the customers of `data` with the saved model in `model_file`.
    pub fn apply_model(self, model_file: Blob, data: Blob, name: String, labeller: Labeller) {
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(model_file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            let Some(model_json) = text else {
                self.dispatch(Event::Failed("could not read the model file".into()));
                return;
            };
            let bytes = data.size() as u64;
            self.model_data.set_value(Some(data));
            self.dispatch(Event::ApplyModel {
                data: FileRef { name, bytes },
                model_json,
                labeller,
            });
        });
    }

    /// Fetches the bundled sample (same origin) and analyses it.
    pub fn analyze_sample(self) {
        leptos::task::spawn_local(async move {
            match fetch_blob("sample.csv").await {
                Ok(blob) => self.choose(blob, "sample.csv".into(), true),
                Err(message) => self.dispatch(Event::Failed(message)),
            }
        });
    }

    pub fn file_name(self) -> Option<String> {
        self.model
            .with_value(|m| m.file.as_ref().map(|f| f.name.clone()))
    }

    fn on_worker(self, message: WorkerMessage) {
        match message.event {
            WorkerEvent::Ready => {
                // Lets tests (and curious users) see the worker is up.
                set_body_attribute("data-worker-ready", "");
                self.dispatch(Event::Worker(message));
            }
            // For benchmarks: from here on runs go at full speed.
            WorkerEvent::WarmedUp => set_body_attribute("data-worker-warm", ""),
            WorkerEvent::Progress { .. } => self.pace_progress(message),
            _ => {
                if matches!(message.event, WorkerEvent::Finished(_)) {
                    crate::worker::marks::mark("page: result received");
                }
                self.progress_pacer.update_value(Pacer::forget);
                self.dispatch(Event::Worker(message));
            }
        }
    }

    fn run(self, effect: Effect) {
        match effect {
            Effect::Send {
                id,
                request,
                attach,
            } => {
                if self.worker.with_value(Option::is_none) {
                    self.start_worker();
                }
                let file = match attach {
                    Attachment::None => None,
                    Attachment::CurrentFile => self.file.get_value(),
                    Attachment::ModelData => self.model_data.get_value(),
                };
                let sent = self
                    .worker
                    .with_value(|w| w.as_ref().map(|w| w.send(id, request, file.as_ref())));
                match sent {
                    Some(Ok(())) => {}
                    Some(Err(message)) => self.dispatch(Event::Failed(message)),
                    None => {
                        self.dispatch(Event::Failed("could not start the analysis worker".into()))
                    }
                }
            }
            Effect::ReplaceWorker => {
                self.worker.set_value(None);
                self.progress_pacer.update_value(Pacer::forget);
                self.start_worker();
            }
            Effect::Download(download) => {
                super::canvas::save_bytes(&download.bytes, &download.mime, &download.file_name)
            }
            Effect::RecycleWhenIdle { runs, after_ms } => set_timeout(
                move || self.dispatch(Event::IdleTimeout { runs }),
                std::time::Duration::from_millis(u64::from(after_ms)),
            ),
        }
    }

    /// Mirrors the model into the signals whose value changed.
    fn sync(self) {
        self.model.with_value(|m| {
            set_changed(self.progress, &m.progress);
            set_changed(self.error, &m.error);
            set_changed(self.runs, &m.runs);
            set_changed(self.rules_depth, &m.rules_depth);
            set_changed(self.table_query, &m.table_query);
            set_shared(self.sniffed, &m.sniffed);
            set_shared(self.dashboard, &m.dashboard);
            set_shared(self.rules, &m.rules);
            set_shared(self.comparison, &m.comparison);
            set_shared(self.clv, &m.clv);
            set_shared(self.classifier, &m.classifier);
            set_shared(self.applied, &m.applied);
            set_shared(self.table_page, &m.table_page);
            set_shared(self.recency_monetary, &m.recency_monetary);
            set_shared(self.pca, &m.pca);
            set_shared(self.tsne, &m.tsne);
            set_shared(self.migration, &m.migration);
            let hover = m.hover.as_ref().map(|(_, text)| text.clone());
            set_changed(self.hover, &hover);
            if self.shown_settings.get_value() != m.settings_version {
                self.shown_settings.set_value(m.settings_version);
                self.ingest_settings.set(m.ingest_settings.clone());
                self.analysis_settings.set(m.analysis_settings.clone());
            }
        });
    }

    /// Shows a progress report now or with the next paced frame (see [`Pacer`]).
    fn pace_progress(self, message: WorkerMessage) {
        let offer = self
            .progress_pacer
            .try_update_value(|pacer| pacer.offer(now_ms(), message));
        match offer {
            Some(Offer::Show(message)) => self.dispatch(Event::Worker(message)),
            Some(Offer::FlushAfter(delay_ms)) => set_timeout(
                move || {
                    let held = self
                        .progress_pacer
                        .try_update_value(|pacer| pacer.flush(now_ms()))
                        .flatten();
                    if let Some(message) = held {
                        self.dispatch(Event::Worker(message));
                    }
                },
                std::time::Duration::from_secs_f64(delay_ms.max(0.0) / 1000.0),
            ),
            Some(Offer::Held) | None => {}
        }
    }
}

fn set_changed<T: PartialEq + Clone + Send + Sync + 'static>(signal: RwSignal<T>, value: &T) {
    if signal.with_untracked(|current| current != value) {
        signal.set(value.clone());
    }
}

/// Sets `signal` when `value` is another allocation (not compared deeply).
fn set_shared<T: Send + Sync + 'static>(signal: RwSignal<Option<Arc<T>>>, value: &Option<Arc<T>>) {
    let same = signal.with_untracked(|current| match (current, value) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    });
    if !same {
        signal.set(value.clone());
    }
}

fn set_body_attribute(name: &str, value: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute(name, value);
    }
}

/// A whole number from the page's query string.
fn query_number(name: &str) -> Option<u32> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse().ok())
}

async fn fetch_blob(url: &str) -> Result<Blob, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let failed = || format!("could not load the sample data ({url})");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| failed())?
        .dyn_into()
        .map_err(|_| failed())?;
    if !response.ok() {
        return Err(failed());
    }
    JsFuture::from(response.blob().map_err(|_| failed())?)
        .await
        .map_err(|_| failed())?
        .dyn_into()
        .map_err(|_| failed())
}

/// Today's date in the user's time zone, from the browser's clock.
fn today() -> Option<chrono::NaiveDate> {
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        i32::try_from(now.get_full_year()).ok()?,
        now.get_month() + 1,
        now.get_date(),
    )
}
