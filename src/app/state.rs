//! The studio's state and the actions that change it.

use super::bridge::AnalysisWorker;
use crate::engine::ingest::IngestSettings;
use crate::engine::pipeline::AnalysisSettings;
use crate::worker_protocol::{RunResult, WorkerEvent, WorkerRequest};
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

/// Shared by every component through context. Results of a previous run stay
/// until a new run succeeds: a failed or cancelled run never clears them.
#[derive(Clone, Copy)]
pub struct Studio {
    pub progress: RwSignal<Option<RunProgress>>,
    pub result: RwSignal<Option<Arc<RunResult>>>,
    pub error: RwSignal<Option<String>>,
    pub ingest_settings: RwSignal<IngestSettings>,
    pub analysis_settings: RwSignal<AnalysisSettings>,
    /// The file of the last run, to re-run it with other settings.
    file: StoredValue<Option<(Blob, String)>, LocalStorage>,
    worker: StoredValue<Option<AnalysisWorker>, LocalStorage>,
}

impl Studio {
    pub fn new() -> Self {
        Self {
            progress: RwSignal::new(None),
            result: RwSignal::new(None),
            error: RwSignal::new(None),
            ingest_settings: RwSignal::new(IngestSettings::default()),
            analysis_settings: RwSignal::new(AnalysisSettings::default()),
            file: StoredValue::new_local(None),
            worker: StoredValue::new_local(None),
        }
    }

    /// Starts analysing a newly chosen file with detected columns.
    pub fn analyze_new(self, file: Blob, file_name: String) {
        self.ingest_settings.update(|s| {
            s.mapping = None;
            s.delimiter = None;
            s.day_first = None;
        });
        self.file.set_value(Some((file, file_name)));
        self.rerun();
    }

    /// Runs the current file again with the current settings.
    pub fn rerun(self) {
        let Some((file, file_name)) = self.file.get_value() else {
            return;
        };
        self.cancel();
        self.error.set(None);
        self.progress.set(Some(RunProgress {
            file_name: file_name.clone(),
            stage: "Starting".into(),
            fraction: 0.0,
            bytes_done: 0,
            bytes_total: file.size() as u64,
        }));
        let request = WorkerRequest::Analyze {
            file_name,
            ingest: self.ingest_settings.get_untracked(),
            analysis: Box::new(self.analysis_settings.get_untracked()),
        };
        let started = AnalysisWorker::spawn(move |event| self.on_event(event)).and_then(|worker| {
            worker.send(&request, &file)?;
            Ok(worker)
        });
        match started {
            Ok(worker) => self.worker.set_value(Some(worker)),
            Err(message) => self.fail(message),
        }
    }

    /// Stops the run in progress (terminating its worker); previous results stay.
    pub fn cancel(self) {
        self.worker.set_value(None);
        self.progress.set(None);
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
            WorkerEvent::Ready | WorkerEvent::Sniffed(_) => {}
            WorkerEvent::Progress {
                stage,
                fraction,
                bytes_done,
                bytes_total,
            } => self.progress.update(|p| {
                if let Some(p) = p {
                    p.stage = stage;
                    p.fraction = fraction;
                    p.bytes_done = bytes_done;
                    p.bytes_total = bytes_total;
                }
            }),
            WorkerEvent::Finished(result) => {
                self.progress.set(None);
                self.result.set(Some(Arc::from(result)));
            }
            WorkerEvent::Failed { message } => self.fail(message),
        }
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
