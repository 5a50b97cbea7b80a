//! The helper: a second worker (a nested worker running the same binary)
//! that reads part of the file and fits part of the k sweep while the
//! analysis worker does the rest, on a second core. When it is missing or
//! fails, the analysis worker simply does everything itself.

use super::blob::{self, for_each_slice};
use super::inflate_range::inflate_range;
use super::messages::{frame_of, js_message, mark, post_to_parent};
use crate::engine::clustering::{fit_ks, KMeansSettings, Point};
use crate::engine::ingest::{Ingestor, SNIFF_WINDOW};
use crate::protocol::helper::{HelperReply, HelperRequest, TextPart};
use crate::protocol::{flatten_points, points_of, FEATURES, FILE};
use crate::session::WorkerError;
use futures_channel::{mpsc, oneshot};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions};

/// The helper's worker name: it starts no helper of its own.
const HELPER_NAME: &str = "segmento-helper";

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
    reply: Option<oneshot::Sender<HelperReply>>,
    /// The text parts of a running [`HelperRequest::InflateRange`].
    parts: Option<mpsc::UnboundedSender<(TextPart, JsValue)>>,
    /// Told when the running request's reply has come (see [`idle`]).
    idle_waiters: Vec<oneshot::Sender<()>>,
}

thread_local! {
    static HELPER: RefCell<Helper> = const {
        RefCell::new(Helper { worker: None, status: Status::Unavailable, on_settled: None, reply: None, parts: None, idle_waiters: Vec::new() })
    };
}

/// Whether this worker is the helper.
pub fn is_helper() -> bool {
    js_sys::global()
        .unchecked_into::<DedicatedWorkerGlobalScope>()
        .name()
        == HELPER_NAME
}

/// The helper's side: answers one request of the analysis worker.
pub async fn serve(data: &JsValue) {
    let reply = match frame_of::<HelperRequest>(data) {
        Ok(request) => work(request, data)
            .await
            .unwrap_or_else(|e| HelperReply::Failed {
                message: e.to_string(),
            }),
        Err(e) => HelperReply::Failed {
            message: e.to_string(),
        },
    };
    post_to_parent(&reply);
}

pub fn post_ready() {
    post_to_parent(&HelperReply::Ready);
}

async fn work(request: HelperRequest, data: &JsValue) -> Result<HelperReply, WorkerError> {
    let file = || -> Result<Blob, WorkerError> {
        js_sys::Reflect::get(data, &FILE.into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or(WorkerError::Browser("the helper received no file".into()))
    };
    match request {
        HelperRequest::FitKs { ks, settings } => {
            let coordinates: js_sys::Float64Array = js_sys::Reflect::get(data, &FEATURES.into())
                .ok()
                .and_then(|v| v.dyn_into().ok())
                .ok_or(WorkerError::Browser(
                    "the helper received no features".into(),
                ))?;
            let features = points_of(&coordinates.to_vec());
            mark("helper: fitting");
            let fitted = fit_ks(&features, &ks, &settings, &mut |_, _| {})?;
            mark("helper: fitted");
            Ok(HelperReply::KsFitted(fitted))
        }
        HelperRequest::IngestShare { ingest, share } => {
            let blob = file()?;
            let mut ingestor = Ingestor::for_share(ingest, share);
            for_each_slice(&blob, |chunk, _| Ok(ingestor.push(chunk)?)).await?;
            Ok(HelperReply::ShareIngested(Box::new(
                ingestor.finish_share()?,
            )))
        }
        HelperRequest::InflateRange {
            ingest,
            format,
            cut_from,
        } => inflate_range(&file()?, ingest, &format, cut_from).await,
        HelperRequest::IngestRange { ingest, start } => {
            let blob = file()?;
            mark("helper: reading");
            let head =
                blob::read_slice(&blob, 0, blob::size(&blob).min(SNIFF_WINDOW as u64))?.await?;
            let mut ingestor = Ingestor::continuing(ingest, &head)?;
            let rest = blob::slice(&blob, start, blob::size(&blob))?;
            for_each_slice(&rest, |chunk, _| Ok(ingestor.push(chunk)?)).await?;
            let range = ingestor.finish_range()?;
            mark("helper: read");
            Ok(HelperReply::RangeIngested(Box::new(range)))
        }
    }
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
        let reply =
            frame_of::<HelperReply>(&message.data()).unwrap_or_else(|e| HelperReply::Failed {
                message: e.to_string(),
            });
        match reply {
            HelperReply::Ready => settle(Status::Ready),
            HelperReply::Text(part) => {
                let text = js_sys::Reflect::get(&message.data(), &FILE.into());
                let sent = HELPER.with_borrow(|h| match (&h.parts, text) {
                    (Some(parts), Ok(text)) => parts.unbounded_send((part, text)).is_ok(),
                    _ => false,
                });
                if !sent {
                    HELPER.with_borrow_mut(|h| h.parts = None);
                }
            }
            reply => {
                let waiting = HELPER.with_borrow_mut(|h| {
                    h.parts = None;
                    h.reply.take()
                });
                if let Some(waiting) = waiting {
                    let _ = waiting.send(reply);
                }
                tell_idle();
            }
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        // Handled here: unhandled, the helper's error would also be reported
        // as this worker's, and the page would end the run.
        event.prevent_default();
        give_up();
    });
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
/// with a failure (the analysis worker then does that work itself).
fn give_up() {
    let (worker, reply) = HELPER.with_borrow_mut(|h| {
        h.parts = None;
        (h.worker.take(), h.reply.take())
    });
    if let Some(worker) = worker {
        worker.terminate();
    }
    if let Some(reply) = reply {
        let _ = reply.send(HelperReply::Failed {
            message: "the second worker stopped".into(),
        });
    }
    settle(Status::Unavailable);
    tell_idle();
}

fn tell_idle() {
    for waiter in HELPER.with_borrow_mut(|h| std::mem::take(&mut h.idle_waiters)) {
        let _ = waiter.send(());
    }
}

/// Resolves once the helper runs no request (at once if it runs none): a
/// request whose caller has stopped waiting still keeps it busy until its
/// reply comes.
pub async fn idle() {
    let waiting = HELPER.with_borrow_mut(|h| {
        h.reply.is_some().then(|| {
            let (sender, receiver) = oneshot::channel();
            h.idle_waiters.push(sender);
            receiver
        })
    });
    if let Some(receiver) = waiting {
        let _ = receiver.await;
    }
}

/// Asks the helper to fit `ks` on `features`; `None` when there is no
/// helper (or it is busy), so the caller fits them itself.
pub fn fit_ks_there(
    features: &[Point],
    ks: &[usize],
    settings: &KMeansSettings,
) -> Option<oneshot::Receiver<HelperReply>> {
    let coordinates = js_sys::Float64Array::from(flatten_points(features).as_slice());
    let request = HelperRequest::FitKs {
        ks: ks.to_vec(),
        settings: *settings,
    };
    let transfer = js_sys::Array::of1(&coordinates.buffer());
    ask(&request, FEATURES, &coordinates, &transfer)
}

/// Asks the helper to read its part of `file` as `request` says; `None`
/// when there is no helper (or it is busy).
pub fn ingest_there(
    file: &Blob,
    request: &HelperRequest,
) -> Option<oneshot::Receiver<HelperReply>> {
    ask(request, FILE, file, &js_sys::Array::new())
}

/// The text parts and the reply of an [`HelperRequest::InflateRange`].
pub type Inflating = (
    mpsc::UnboundedReceiver<(TextPart, JsValue)>,
    oneshot::Receiver<HelperReply>,
);

/// Asks the helper to decompress `compressed` as `request` (an
/// [`HelperRequest::InflateRange`]) says; `None` when there is no helper
/// (or it is busy).
pub fn inflate_there(compressed: &Blob, request: &HelperRequest) -> Option<Inflating> {
    let reply = ask(request, FILE, compressed, &js_sys::Array::new())?;
    let (sender, parts) = mpsc::unbounded();
    HELPER.with_borrow_mut(|h| h.parts = Some(sender));
    Some((parts, reply))
}

/// Posts `request` with `attachment` under `field`; the receiver gets the reply.
fn ask(
    request: &HelperRequest,
    field: &str,
    attachment: &JsValue,
    transfer: &js_sys::Array,
) -> Option<oneshot::Receiver<HelperReply>> {
    let worker = HELPER.with_borrow(|h| {
        (h.status == Status::Ready && h.reply.is_none())
            .then(|| h.worker.clone())
            .flatten()
    })?;
    let (message, frame) = js_message(request, field, Some(attachment)).ok()?;
    transfer.push(&frame.buffer());
    worker.post_message_with_transfer(&message, transfer).ok()?;
    let (sender, receiver) = oneshot::channel();
    HELPER.with_borrow_mut(|h| h.reply = Some(sender));
    Some(receiver)
}
