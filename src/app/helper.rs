//! A second worker that reads half of the customers' rows and fits half of
//! the k sweep while the analysis worker does the other half: the two run on
//! two cores. Started by the analysis worker (a nested worker running the
//! same binary); when it is missing or fails, the analysis worker simply
//! does everything itself.

use crate::engine::clustering::{Clustering, KMeansSettings, Point};
use crate::worker_protocol::{decode_event, WorkerEvent, WorkerRequest};
use futures_channel::oneshot;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions};

/// The helper's worker name: it starts no helper of its own.
pub const HELPER_NAME: &str = "segmento-helper";

/// The same loader the page starts the analysis worker with.
const LOADER_URL: &str = "./worker_loader.js";

/// How long the helper may take to load before the analysis worker gives up on it.
const START_TIMEOUT_MS: i32 = 15_000;

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Starting,
    Ready,
    Unavailable,
}

struct Helper {
    worker: Option<Worker>,
    status: Status,
    /// Called once when the helper is ready or unavailable.
    on_settled: Option<Box<dyn FnOnce()>>,
    /// The running request's reply.
    reply: Option<oneshot::Sender<WorkerEvent>>,
}

thread_local! {
    static HELPER: RefCell<Helper> = const {
        RefCell::new(Helper { worker: None, status: Status::Unavailable, on_settled: None, reply: None })
    };
}

/// Whether this worker is the helper.
pub fn is_helper() -> bool {
    js_sys::global()
        .unchecked_into::<DedicatedWorkerGlobalScope>()
        .name()
        == HELPER_NAME
}

/// Starts the helper; `on_settled` runs once it is ready or known to be
/// unavailable (so the page learns "ready" only after the helper has loaded
/// and nothing is fetched once work starts).
pub fn start(on_settled: impl FnOnce() + 'static) {
    let options = WorkerOptions::new();
    options.set_name(HELPER_NAME);
    let Ok(worker) = Worker::new_with_options(LOADER_URL, &options) else {
        on_settled();
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|message: MessageEvent| {
        let bytes = js_sys::Uint8Array::new(&message.data()).to_vec();
        let event = decode_event(&bytes).unwrap_or_else(|err| WorkerEvent::Failed {
            message: format!("internal error: {err}"),
        });
        match event {
            WorkerEvent::Ready => settle(Status::Ready),
            WorkerEvent::Progress { .. } => {}
            event => {
                if let Some(reply) = HELPER.with_borrow_mut(|h| h.reply.take()) {
                    let _ = reply.send(event);
                }
            }
        }
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| give_up());
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    HELPER.with_borrow_mut(|h| {
        h.worker = Some(worker);
        h.status = Status::Starting;
        h.on_settled = Some(Box::new(on_settled));
    });
    let timeout = Closure::once_into_js(|| {
        if HELPER.with_borrow(|h| h.status == Status::Starting) {
            give_up();
        }
    });
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            timeout.unchecked_ref(),
            START_TIMEOUT_MS,
        )
        .is_err()
    {
        give_up();
    }
}

fn settle(status: Status) {
    let on_settled = HELPER.with_borrow_mut(|h| {
        h.status = status;
        h.on_settled.take()
    });
    if let Some(on_settled) = on_settled {
        on_settled();
    }
}

/// The helper failed to load or crashed: stop it, answer a waiting request
/// with a failure (the analysis worker then fits those ks itself).
fn give_up() {
    let (worker, reply) = HELPER.with_borrow_mut(|h| (h.worker.take(), h.reply.take()));
    if let Some(worker) = worker {
        worker.terminate();
    }
    if let Some(reply) = reply {
        let _ = reply.send(WorkerEvent::Failed {
            message: "the second worker stopped".into(),
        });
    }
    settle(Status::Unavailable);
}

/// Asks the helper to fit `ks` on `features`; `None` when there is no
/// helper (or it is busy), so the caller fits them itself.
pub fn fit_ks(
    features: &[Point],
    ks: &[usize],
    settings: &KMeansSettings,
) -> Option<oneshot::Receiver<WorkerEvent>> {
    let flat: Vec<f64> = features.iter().flatten().copied().collect();
    let coordinates = js_sys::Float64Array::from(flat.as_slice());
    let request = WorkerRequest::FitKs {
        ks: ks.to_vec(),
        settings: *settings,
    };
    let transfer = js_sys::Array::of1(&coordinates.buffer());
    ask(&request, "features", &coordinates, &transfer)
}

/// Asks the helper to read `file` as `request` says (its part of the
/// file: `IngestShare`, `IngestRange`); `None` when there is no helper (or
/// it is busy).
pub fn ingest(file: &Blob, request: &WorkerRequest) -> Option<oneshot::Receiver<WorkerEvent>> {
    ask(request, "file", file, &js_sys::Array::new())
}

/// Posts `request` with `attachment` under `field`; the receiver gets the reply.
fn ask(
    request: &WorkerRequest,
    field: &str,
    attachment: &JsValue,
    transfer: &js_sys::Array,
) -> Option<oneshot::Receiver<WorkerEvent>> {
    let worker = HELPER.with_borrow(|h| {
        (h.status == Status::Ready && h.reply.is_none())
            .then(|| h.worker.clone())
            .flatten()
    })?;
    let message = super::bridge::request_message(request, field, Some(attachment)).ok()?;
    worker.post_message_with_transfer(&message, transfer).ok()?;
    let (sender, receiver) = oneshot::channel();
    HELPER.with_borrow_mut(|h| h.reply = Some(sender));
    Some(receiver)
}

/// The helper's reply, if it is a full answer for `ks` on `customers` customers.
pub fn accept(reply: WorkerEvent, ks: &[usize], customers: usize) -> Option<Vec<Clustering>> {
    let WorkerEvent::KsFitted(clusterings) = reply else {
        return None;
    };
    let fitted: Vec<usize> = clusterings.iter().map(|c| c.k).collect();
    (fitted == ks && clusterings.iter().all(|c| c.labels.len() == customers)).then_some(clusterings)
}

/// The features attached to a `FitKs` message.
pub fn features_of(data: &JsValue) -> Result<Vec<Point>, String> {
    let coordinates: js_sys::Float64Array = js_sys::Reflect::get(data, &"features".into())
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or("internal error: no features to cluster")?;
    Ok(coordinates
        .to_vec()
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect())
}
