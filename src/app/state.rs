//! The studio's state and the actions that change it.

use super::bridge::AnalysisWorker;
use super::marks::now_ms;
use crate::engine::clustering::{
    ClusteringMethodSettings, DbscanSettings, GmmSettings, MethodComparison,
};
use crate::engine::clv::{ClvReport, ClvSettings};
use crate::engine::explain::TreeSettings;
use crate::engine::ingest::{IngestSettings, SniffReport};
use crate::engine::pipeline::AnalysisSettings;
use crate::engine::segments::SegmentGrid;
use crate::studio::pacing::{Offer, Pacer};
use crate::worker_protocol::{AppliedModel, RunResult, WorkerEvent, WorkerRequest};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Where a running analysis is.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    pub file_name: String,
    pub stage: String,
    /// 0..=1 of the whole run.
    pub fraction: f64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// A worker's progress report, as the page applies it to [`RunProgress`].
struct ProgressUpdate {
    stage: String,
    fraction: f64,
    bytes_done: u64,
    bytes_total: u64,
}

/// At most this many milliseconds apart, progress updates are shown (see
/// [`Pacer`]): ten a second look smooth.
const PROGRESS_INTERVAL_MS: f64 = 100.0;

/// After a run that left the worker this big, it is replaced when idle (see
/// [`Studio::recycle_worker_when_idle`]): 5M rows leave ≈ 260 MB, 1M ≈ 55 MB.
const RECYCLE_WORKER_ABOVE_BYTES: f64 = 128e6;
const RECYCLE_WORKER_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// Shared by every component through context. Results of a previous run stay
/// until a new run succeeds: a failed or cancelled run never clears them.
#[derive(Clone, Copy)]
pub struct Studio {
    pub progress: RwSignal<Option<RunProgress>>,
    pub result: RwSignal<Option<Arc<RunResult>>>,
    pub error: RwSignal<Option<String>>,
    /// Which collapsible panels are open; kept here so they stay open when
    /// the dashboard re-renders for a k switch or a grid edit.
    pub grid_editor_open: RwSignal<bool>,
    pub definitions_open: RwSignal<bool>,
    /// Depth of the explaining decision tree (also saved with the model).
    pub rules_depth: RwSignal<usize>,
    /// Counts finished runs (not k switches or grid edits of the same run).
    pub runs: RwSignal<u64>,
    /// The last saved model applied to a new file.
    pub applied: RwSignal<Option<Arc<AppliedModel>>>,
    /// Lifetime value and churn predictions for the current result, when asked for.
    pub clv: RwSignal<Option<Arc<ClvReport>>>,
    /// Metrics of k-means, the Gaussian mixture and DBSCAN, when asked for.
    pub comparison: RwSignal<Option<Arc<MethodComparison>>>,
    /// The column-mapping step for the current file, while it is open.
    pub sniffed: RwSignal<Option<Arc<SniffReport>>>,
    pub ingest_settings: RwSignal<IngestSettings>,
    pub analysis_settings: RwSignal<AnalysisSettings>,
    /// The file of the last run, to re-run it with other settings.
    file: StoredValue<Option<(Blob, String)>, LocalStorage>,
    worker: StoredValue<Option<AnalysisWorker>, LocalStorage>,
    progress_pacer: StoredValue<Pacer<ProgressUpdate>, LocalStorage>,
}

impl Studio {
    pub fn new() -> Self {
        Self {
            progress: RwSignal::new(None),
            result: RwSignal::new(None),
            error: RwSignal::new(None),
            sniffed: RwSignal::new(None),
            applied: RwSignal::new(None),
            clv: RwSignal::new(None),
            comparison: RwSignal::new(None),
            runs: RwSignal::new(0),
            grid_editor_open: RwSignal::new(false),
            definitions_open: RwSignal::new(false),
            rules_depth: RwSignal::new(TreeSettings::default().max_depth),
            ingest_settings: RwSignal::new(IngestSettings::default()),
            analysis_settings: RwSignal::new(AnalysisSettings::default()),
            file: StoredValue::new_local(None),
            worker: StoredValue::new_local(None),
            progress_pacer: StoredValue::new_local(Pacer::new(PROGRESS_INTERVAL_MS)),
        }
    }

    /// A newly chosen file: detect its format and open the column-mapping step.
    pub fn open_file(self, file: Blob, file_name: String) {
        self.set_file(file, file_name);
        self.sniff();
    }

    /// Starts analysing a file straight away with detected columns (the sample).
    pub fn analyze_new(self, file: Blob, file_name: String) {
        self.set_file(file, file_name);
        self.rerun();
    }

    /// Makes `file` current; format overrides made for the previous file are dropped.
    fn set_file(self, file: Blob, file_name: String) {
        self.ingest_settings.update(|s| {
            s.mapping = None;
            s.delimiter = None;
            s.day_first = None;
            s.decimal_comma = None;
        });
        self.file.set_value(Some((file, file_name)));
    }

    /// (Re-)detects the current file's format with the current overrides.
    pub fn sniff(self) {
        let request = WorkerRequest::Sniff {
            settings: self.ingest_settings.get_untracked(),
        };
        self.run(request, "Detecting columns");
    }

    /// Runs the current file again with the current settings.
    pub fn rerun(self) {
        let request = WorkerRequest::Analyze {
            file_name: String::new(),
            ingest: self.ingest_settings.get_untracked(),
            analysis: Box::new(self.analysis_settings.get_untracked()),
        };
        self.run(request, "Starting");
    }

    /// Labels the customers of `data` with the saved model in `model_file`.
    pub fn apply_model(self, model_file: Blob, data: Blob, file_name: String, by_rules: bool) {
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(model_file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            let Some(model_json) = text else {
                self.fail("could not read the model file".into());
                return;
            };
            let request = WorkerRequest::ApplyModel {
                file_name: file_name.clone(),
                model_json,
                ingest: IngestSettings::default(),
                by_rules,
            };
            self.run_on(request, "Applying the saved model", Some(data), file_name);
        });
    }

    /// Predicts lifetime value and churn for the current file (re-read in the worker).
    pub fn predict_clv(self) {
        let Some(current) = self.result.get_untracked() else {
            return;
        };
        let request = WorkerRequest::PredictClv {
            ingest: self.ingest_settings.get_untracked(),
            reference_date: current.analysis.rfm.reference_date,
            settings: ClvSettings::default(),
        };
        self.run(request, "Predicting lifetime value");
    }

    /// Re-clusters the current result with a Gaussian mixture or DBSCAN
    /// (k-means: pick a k instead), in the worker, from the features alone.
    pub fn use_method(self, settings: ClusteringMethodSettings) {
        let Some(current) = self.result.get_untracked() else {
            return;
        };
        if settings == ClusteringMethodSettings::KMeans {
            self.choose_k(current.analysis.chosen_k);
            return;
        }
        let stage = format!("Fitting {}", settings.method().name());
        let request = WorkerRequest::FitMethod {
            features: current.analysis.features.clone(),
            settings,
        };
        self.run_detached(request, &stage);
    }

    /// Fits all three methods for the comparison table.
    pub fn compare_methods(self, gmm: GmmSettings, dbscan: DbscanSettings) {
        let Some(current) = self.result.get_untracked() else {
            return;
        };
        let Some(kmeans) = current
            .analysis
            .sweep
            .iter()
            .find(|c| c.k == current.analysis.chosen_k)
        else {
            return;
        };
        let request = WorkerRequest::CompareMethods {
            features: current.analysis.features.clone(),
            kmeans: Box::new(kmeans.clone()),
            gmm,
            dbscan,
        };
        self.run_detached(request, "Comparing clustering methods");
    }

    /// Sends a request that needs no file (the data travels in it).
    fn run_detached(self, request: WorkerRequest, stage: &str) {
        let file_name = self.file_name().unwrap_or_default();
        self.run_on(request, stage, None, file_name);
    }

    /// Sends `request` with the current file to a fresh worker.
    fn run(self, mut request: WorkerRequest, stage: &str) {
        let Some((file, file_name)) = self.file.get_value() else {
            return;
        };
        if let WorkerRequest::Analyze {
            file_name: name, ..
        } = &mut request
        {
            name.clone_from(&file_name);
        }
        self.run_on(request, stage, Some(file), file_name);
    }

    /// Sends `request` with `file` to a fresh worker, replacing any run in progress.
    fn run_on(self, request: WorkerRequest, stage: &str, file: Option<Blob>, file_name: String) {
        if self.progress.get_untracked().is_some() {
            self.cancel(); // a run is in progress: replace it
        }
        self.error.set(None);
        self.progress_pacer.update_value(Pacer::forget);
        self.progress.set(Some(RunProgress {
            file_name,
            stage: stage.into(),
            fraction: 0.0,
            bytes_done: 0,
            bytes_total: file.as_ref().map_or(0, |f| f.size() as u64),
        }));
        if self.worker.with_value(Option::is_none) {
            self.warm_up();
        }
        let sent = self
            .worker
            .with_value(|w| w.as_ref().map(|w| w.send(&request, file.as_ref())));
        match sent {
            Some(Ok(())) => {}
            Some(Err(message)) => self.fail(message),
            None => self.fail("could not start the analysis worker".into()),
        }
    }

    /// Starts an idle analysis worker, so its code is fetched and compiled
    /// while the page loads: processing a file then makes no network request.
    pub fn warm_up(self) {
        match AnalysisWorker::spawn(move |event| self.on_event(event)) {
            Ok(worker) => self.worker.set_value(Some(worker)),
            Err(message) => self.error.set(Some(message)),
        }
    }

    pub fn file_name(self) -> Option<String> {
        self.file
            .with_value(|f| f.as_ref().map(|(_, name)| name.clone()))
    }

    /// Stops the run in progress by terminating its worker (a fresh one
    /// takes its place); previous results stay.
    pub fn cancel(self) {
        self.progress.set(None);
        self.replace_worker();
    }

    /// Terminates the worker (and its helper); a fresh one takes its place.
    fn replace_worker(self) {
        self.worker.set_value(None);
        self.warm_up();
    }

    /// Fetches the bundled sample (same origin) and analyses it.
    pub fn analyze_sample(self) {
        leptos::task::spawn_local(async move {
            match fetch_blob("sample.csv").await {
                Ok(blob) => self.analyze_new(blob, "sample.csv".into()),
                Err(message) => self.fail(message),
            }
        });
    }

    /// Renames segments with an edited grid (no re-run: the scores stay).
    pub fn set_grid(self, grid: SegmentGrid) {
        self.analysis_settings.update(|s| s.grid = grid.clone());
        if let Some(current) = self.result.get_untracked() {
            let mut next = (*current).clone();
            next.analysis.set_grid(grid);
            self.result.set(Some(Arc::new(next)));
        }
    }

    /// Switches the dashboard to another k of the sweep (no re-clustering).
    pub fn choose_k(self, k: usize) {
        let Some(current) = self.result.get_untracked() else {
            return;
        };
        let mut next = (*current).clone();
        match next.analysis.choose_k(k) {
            Ok(()) => {
                self.analysis_settings.update(|s| s.chosen_k = Some(k));
                self.result.set(Some(Arc::new(next)));
            }
            Err(e) => self.error.set(Some(e.to_string())),
        }
    }

    fn on_event(self, event: WorkerEvent) {
        match event {
            WorkerEvent::Ready => {
                // Lets tests (and curious users) see the worker is up.
                if let Some(body) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.body())
                {
                    let _ = body.set_attribute("data-worker-ready", "");
                }
            }
            WorkerEvent::Sniffed(report) => {
                self.progress.set(None);
                // Later edits start from what was detected.
                self.ingest_settings
                    .update(|s| s.mapping = Some(report.mapping.clone()));
                self.sniffed.set(Some(Arc::from(report)));
            }
            WorkerEvent::Progress {
                stage,
                fraction,
                bytes_done,
                bytes_total,
            } => self.pace_progress(ProgressUpdate {
                stage,
                fraction,
                bytes_done,
                bytes_total,
            }),
            WorkerEvent::RfmTableDetected => {
                self.progress.set(None);
                self.rerun();
            }
            WorkerEvent::Finished(result) => {
                let worker_memory = result.worker_memory_bytes;
                self.progress.set(None);
                self.sniffed.set(None);
                self.clv.set(None);
                self.comparison.set(None);
                self.runs.update(|n| *n += 1);
                self.result.set(Some(Arc::from(result)));
                if worker_memory > RECYCLE_WORKER_ABOVE_BYTES {
                    self.recycle_worker_when_idle();
                }
            }
            WorkerEvent::ClvPredicted(report) => {
                self.progress.set(None);
                self.clv.set(Some(Arc::from(report)));
            }
            WorkerEvent::MethodFitted(fit) => {
                self.progress.set(None);
                let Some(current) = self.result.get_untracked() else {
                    return;
                };
                let mut next = (*current).clone();
                match next.analysis.use_fit(Some(*fit)) {
                    Ok(()) => self.result.set(Some(Arc::new(next))),
                    Err(e) => self.fail(e.to_string()),
                }
            }
            WorkerEvent::MethodsCompared(comparison) => {
                self.progress.set(None);
                self.comparison.set(Some(Arc::from(comparison)));
            }
            WorkerEvent::Applied(applied) => {
                self.progress.set(None);
                self.applied.set(Some(Arc::from(applied)));
            }
            // The helper's answers to the analysis worker; result slices and
            // the warm-up's result, which the bridge handles.
            WorkerEvent::KsFitted(_)
            | WorkerEvent::CustomerRows(_)
            | WorkerEvent::WarmUpResult(_)
            | WorkerEvent::ShareIngested(_)
            | WorkerEvent::RangeIngested(_) => {}
            WorkerEvent::Failed { message } => self.fail(message),
        }
    }

    /// Shows `update` now or with the next paced frame (see [`Pacer`]).
    fn pace_progress(self, update: ProgressUpdate) {
        let offer = self
            .progress_pacer
            .try_update_value(|pacer| pacer.offer(now_ms(), update));
        match offer {
            Some(Offer::Show(update)) => self.show_progress(update),
            Some(Offer::FlushAfter(delay_ms)) => set_timeout(
                move || {
                    let held = self
                        .progress_pacer
                        .try_update_value(|pacer| pacer.flush(now_ms()))
                        .flatten();
                    if let Some(update) = held {
                        self.show_progress(update);
                    }
                },
                std::time::Duration::from_secs_f64(delay_ms.max(0.0) / 1000.0),
            ),
            Some(Offer::Held) | None => {}
        }
    }

    fn show_progress(self, update: ProgressUpdate) {
        // A run that has ended shows no progress (and notifies no one).
        self.progress.maybe_update(|p| {
            let Some(p) = p else {
                return false;
            };
            p.stage = update.stage;
            p.fraction = update.fraction;
            p.bytes_done = update.bytes_done;
            p.bytes_total = update.bytes_total;
            true
        });
    }

    /// WebAssembly memory only grows: after a big file the worker (and its
    /// helper) would hold hundreds of MB for as long as the page is open. A
    /// fresh worker takes its place once the page has been idle a while, so
    /// re-running with other settings soon after still finds a warm one.
    fn recycle_worker_when_idle(self) {
        let finished_runs = self.runs.get_untracked();
        set_timeout(
            move || {
                let idle = self.progress.try_with_untracked(Option::is_none) == Some(true)
                    && self.runs.try_get_untracked() == Some(finished_runs);
                if idle {
                    self.replace_worker();
                }
            },
            RECYCLE_WORKER_AFTER,
        );
    }

    fn fail(self, message: String) {
        self.progress.set(None);
        self.error.set(Some(message));
    }
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
