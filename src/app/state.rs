//! The studio's state and the actions that change it.

use super::bridge::AnalysisWorker;
use crate::worker_protocol::{RunSummary, Stage, WorkerEvent, WorkerRequest};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Where a running analysis is.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    pub file_name: String,
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

impl RunProgress {
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.done as f64 / self.total as f64
        }
    }
}

/// Shared by every component through context. Results of a previous run stay
/// until a new run succeeds: a failed or cancelled run never clears them.
#[derive(Clone, Copy)]
pub struct Studio {
    pub progress: RwSignal<Option<RunProgress>>,
    pub result: RwSignal<Option<Arc<RunSummary>>>,
    pub error: RwSignal<Option<String>>,
    worker: StoredValue<Option<AnalysisWorker>, LocalStorage>,
}

impl Studio {
    pub fn new() -> Self {
        Self {
            progress: RwSignal::new(None),
            result: RwSignal::new(None),
            error: RwSignal::new(None),
            worker: StoredValue::new_local(None),
        }
    }

    /// Starts analysing `file`, replacing any run in progress.
    pub fn analyze(self, file: Blob, file_name: String) {
        self.cancel();
        self.error.set(None);
        self.progress.set(Some(RunProgress {
            file_name: file_name.clone(),
            stage: Stage::Reading,
            done: 0,
            total: file.size() as u64,
        }));
        let started = AnalysisWorker::spawn(move |event| self.on_event(event)).and_then(|worker| {
            worker.send(&WorkerRequest::Analyze { file_name }, &file)?;
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
                Ok(blob) => self.analyze(blob, "sample.csv".into()),
                Err(message) => self.fail(message),
            }
        });
    }

    fn on_event(self, event: WorkerEvent) {
        match event {
            WorkerEvent::Ready => {}
            WorkerEvent::Progress { stage, done, total } => self.progress.update(|p| {
                if let Some(p) = p {
                    p.stage = stage;
                    p.done = done;
                    p.total = total;
                }
            }),
            WorkerEvent::Finished(summary) => {
                self.progress.set(None);
                self.result.set(Some(Arc::from(summary)));
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
