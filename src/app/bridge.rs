//! The page's side of the analysis worker.

use super::marks::mark;
use crate::worker_protocol::{decode_event, ResultAssembler, WorkerEvent, WorkerRequest};
use leptos::prelude::set_timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};

/// URL of the loader Trunk generates for the worker binary (see index.html).
const WORKER_URL: &str = "./worker_loader.js";

/// A running analysis worker. Dropping it terminates the worker, which is how
/// a run is cancelled.
pub struct AnalysisWorker {
    worker: Worker,
    /// Requests posted before the worker reported `Ready` (it would drop them).
    pending: Rc<RefCell<Option<Vec<JsValue>>>>,
    /// Cleared on drop, so a deferred event of a cancelled run is dropped too.
    alive: Rc<std::cell::Cell<bool>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl AnalysisWorker {
    pub fn spawn(on_event: impl Fn(WorkerEvent) + 'static) -> Result<Self, String> {
        let on_event = std::rc::Rc::new(on_event);
        let alive = Rc::new(std::cell::Cell::new(true));
        let worker = Worker::new(WORKER_URL)
            .map_err(|_| "could not start the analysis worker".to_string())?;
        let pending: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let on_message = {
            let alive = alive.clone();
            let worker = worker.clone();
            let pending = pending.clone();
            let mut assembler = ResultAssembler::default();
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&message.data()).to_vec();
                let event = decode_event(&bytes).unwrap_or_else(|err| WorkerEvent::Failed {
                    message: format!("internal error: {err}"),
                });
                if matches!(event, WorkerEvent::WarmUpResult(_)) {
                    // Twice more, so the decoding code gets hot enough to be optimised.
                    for _ in 0..2 {
                        drop(decode_event(&bytes));
                    }
                    return;
                }
                // A large result's customers arrive a slice per message (and task).
                let Some(event) = assembler.accept(event) else {
                    return;
                };
                if matches!(event, WorkerEvent::Ready) {
                    for queued in pending.borrow_mut().take().unwrap_or_default() {
                        let _ = worker.post_message(&queued);
                    }
                }
                // A finished run's results are shown in a task of their own:
                // decoding them (≈ 100 ms at 167k customers) and building the
                // overview in one task blocked the page ≈ 150 ms.
                match event {
                    WorkerEvent::Finished(_) => {
                        mark("page: result decoded");
                        let (on_event, alive) = (on_event.clone(), alive.clone());
                        let show = move || {
                            if alive.get() {
                                on_event(event);
                                mark("page: overview built");
                            }
                        };
                        set_timeout(show, std::time::Duration::ZERO);
                    }
                    event => on_event(event),
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            pending,
            alive,
            _on_message: on_message,
        })
    }

    pub fn send(&self, request: &WorkerRequest, file: Option<&Blob>) -> Result<(), String> {
        let message = request_message(request, "file", file.map(AsRef::as_ref))?;
        if let Some(queue) = self.pending.borrow_mut().as_mut() {
            queue.push(message);
            return Ok(());
        }
        self.worker
            .post_message(&message)
            .map_err(|_| "could not send the file to the analysis worker".to_string())
    }
}

/// The message a worker expects: `request` as JSON, and `attachment` (the
/// file, or the features as numbers) under `field`.
pub fn request_message(
    request: &WorkerRequest,
    field: &str,
    attachment: Option<&JsValue>,
) -> Result<JsValue, String> {
    let json = serde_json::to_string(request).map_err(|e| format!("internal error: {e}"))?;
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"request".into(), &json.into());
    if let Some(attachment) = attachment {
        let _ = js_sys::Reflect::set(&message, &field.into(), attachment);
    }
    Ok(message.into())
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.alive.set(false);
        self.worker.terminate();
    }
}
