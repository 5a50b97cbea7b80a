//! The page's side of the analysis worker: posts requests, decodes events.

use crate::protocol::page::{PageMessage, PageRequest, WorkerEvent, WorkerMessage};
use crate::protocol::FILE;
use crate::worker::messages::{frame_of, js_message};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};

/// URL of the loader Trunk generates for the worker binary (see index.html).
const WORKER_URL: &str = "./worker_loader.js";

/// Messages (with their transfer lists) posted before the worker said `Ready`.
type Pending = Rc<RefCell<Option<Vec<(JsValue, js_sys::Array)>>>>;

/// A running analysis worker. Dropping it terminates the worker (and its
/// helper), which is how a run is cancelled.
pub struct AnalysisWorker {
    worker: Worker,
    /// Requests posted before the worker reported `Ready` (it would drop them).
    pending: Pending,
    /// Cleared on drop, so a deferred event of a terminated worker is dropped too.
    alive: Rc<std::cell::Cell<bool>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl AnalysisWorker {
    /// Starts the worker: `on_event` gets its events, `on_stopped` what the
    /// browser said when it failed outside any request (a panic aborts the
    /// WebAssembly with an error the worker cannot answer).
    pub fn spawn(
        on_event: impl Fn(WorkerMessage) + 'static,
        on_stopped: impl Fn(String) + 'static,
    ) -> Result<Self, String> {
        let alive = Rc::new(std::cell::Cell::new(true));
        // The page's `?warm_up…` settings (benchmarks; see
        // `engine::warm_up::WarmUpPlan`) and `?workers=N` (tests and
        // benchmarks of the worker pool) reach the worker.
        let query = page_query();
        let url = match query.contains("warm_up") || query.contains("workers=") {
            true => format!("{WORKER_URL}{query}"),
            false => WORKER_URL.to_string(),
        };
        let worker =
            Worker::new(&url).map_err(|_| "could not start the analysis worker".to_string())?;
        let pending: Pending = Rc::new(RefCell::new(Some(Vec::new())));
        let on_message = {
            let alive = alive.clone();
            let worker = worker.clone();
            let pending = pending.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if !alive.get() {
                    return;
                }
                let message =
                    frame_of::<WorkerMessage>(&message.data()).unwrap_or_else(|e| WorkerMessage {
                        id: 0,
                        event: WorkerEvent::Failed {
                            message: format!("internal error: {e}"),
                        },
                    });
                if matches!(message.event, WorkerEvent::Ready) {
                    for (queued, transfer) in pending.borrow_mut().take().unwrap_or_default() {
                        let _ = worker.post_message_with_transfer(&queued, &transfer);
                    }
                }
                on_event(message);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = {
            let alive = alive.clone();
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |error: web_sys::ErrorEvent| {
                error.prevent_default();
                // Once per worker: it is replaced.
                if alive.replace(false) {
                    on_stopped(error.message());
                }
            })
        };
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            pending,
            alive,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    pub fn send(&self, id: u64, request: PageRequest, file: Option<&Blob>) -> Result<(), String> {
        let (message, frame) =
            js_message(&PageMessage { id, request }, FILE, file.map(AsRef::as_ref))
                .map_err(|e| format!("internal error: {e}"))?;
        let transfer = js_sys::Array::of1(&frame.buffer());
        if let Some(queue) = self.pending.borrow_mut().as_mut() {
            queue.push((message, transfer));
            return Ok(());
        }
        self.worker
            .post_message_with_transfer(&message, &transfer)
            .map_err(|_| "could not send the request to the analysis worker".to_string())
    }
}

fn page_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.alive.set(false);
        // The handlers' closures are freed with this struct; an event the
        // browser had already queued (a crashed worker's second error) must
        // not call them after that.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
