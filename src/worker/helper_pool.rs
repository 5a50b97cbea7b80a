//! The helper: a second worker (a nested worker running the same binary)
//! that reads part of the file and fits part of the k sweep while the
//! analysis worker does the rest, on a second core. When it is missing or
//! fails, the analysis worker simply does everything itself.

use super::blob::{self, for_each_slice};
use super::inflate::inflate_into;
use super::messages::{file_of, frame_of, js_message, mark, post_to_parent, post_to_parent_with};
use crate::engine::clustering::{fit_ks, KMeansSettings, Point};
use crate::engine::ingest::{IngestSettings, Ingestor, SNIFF_WINDOW};
use crate::engine::work_split::{Placement, StreamCut, CHUNK_BYTES};
use crate::protocol::helper::{HelperReply, HelperRequest, TextPart};
use crate::protocol::{flatten_points, points_of, FEATURES, FILE};
use crate::session::WorkerError;
use futures_channel::{mpsc, oneshot};
use std::cell::RefCell;
use std::rc::Rc;
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
    parts: Option<mpsc::UnboundedSender<(TextPart, Blob)>>,
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
                let sent = HELPER.with_borrow(|h| match (&h.parts, file_of(&message.data())) {
                    (Some(parts), Some(text)) => parts.unbounded_send((part, text)).is_ok(),
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
    mpsc::UnboundedReceiver<(TextPart, Blob)>,
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

/// The text of an [`HelperRequest::InflateRange`] as it is placed around the cut.
struct Splitting {
    cut: StreamCut,
    /// Text before the cut not sent yet, and its size.
    before: js_sys::Array,
    before_bytes: u64,
    /// Text after the cut, read here once all of it is decompressed.
    after: js_sys::Array,
    /// The text's first bytes: how the rest is read (delimiter, columns).
    head: Vec<u8>,
    up_to_cut_sent: bool,
}

impl Splitting {
    /// Sends the text before the cut gathered so far. On failure nothing
    /// is sent, and the analysis worker, missing the rest, reads alone.
    fn send_before(&mut self, part: TextPart) {
        if let Ok(text) = blob_of(&self.before) {
            post_to_parent_with(&HelperReply::Text(part), &text);
        }
        self.before = js_sys::Array::new();
        self.before_bytes = 0;
    }

    fn take(&mut self, piece: js_sys::Uint8Array, fed: u64) {
        let len = piece.length() as usize;
        if self.head.len() < SNIFF_WINDOW {
            let take = (SNIFF_WINDOW - self.head.len()).min(len);
            self.head.extend(piece.subarray(0, take as u32).to_vec());
        }
        let placement = self
            .cut
            .place(len, |from| piece.subarray(from as u32, len as u32).to_vec());
        match placement {
            Placement::Before => {
                self.before.push(&piece);
                self.before_bytes += len as u64;
                if self.before_bytes >= CHUNK_BYTES {
                    self.send_before(TextPart::Before {
                        compressed_done: fed,
                    });
                }
            }
            Placement::Split(at) => {
                self.before.push(&piece.subarray(0, at as u32));
                self.up_to_cut_sent = true;
                self.send_before(TextPart::UpToCut {
                    compressed_done: fed,
                });
                self.after.push(&piece.subarray(at as u32, len as u32));
            }
            Placement::After => {
                self.after.push(&piece);
            }
        }
    }
}

/// A blob of the pieces (`Uint8Array`s) in `pieces`.
fn blob_of(pieces: &js_sys::Array) -> Result<Blob, WorkerError> {
    Blob::new_with_u8_array_sequence(pieces)
        .map_err(|_| WorkerError::Browser("could not keep the decompressed text".into()))
}

/// Decompresses `compressed`, sending the text before the cut to the
/// analysis worker as it comes, then the text after it (so the analysis
/// worker has all of it, whatever happens next), and reads that here.
async fn inflate_range(
    compressed: &Blob,
    ingest: IngestSettings,
    format: &str,
    cut_from: u64,
) -> Result<HelperReply, WorkerError> {
    mark("helper: inflating");
    let splitting = Rc::new(RefCell::new(Splitting {
        cut: StreamCut::new(cut_from),
        before: js_sys::Array::new(),
        before_bytes: 0,
        after: js_sys::Array::new(),
        head: Vec::new(),
        up_to_cut_sent: false,
    }));
    let taking = Rc::clone(&splitting);
    inflate_into(compressed, format, move |piece, fed| {
        taking.borrow_mut().take(piece, fed);
    })
    .await?;
    mark("helper: inflated");
    let (head, rest, cut) = {
        let mut splitting = splitting.borrow_mut();
        if !splitting.up_to_cut_sent {
            let fed = blob::size(compressed);
            splitting.send_before(TextPart::UpToCut {
                compressed_done: fed,
            });
        }
        (
            std::mem::take(&mut splitting.head),
            blob_of(&splitting.after)?,
            splitting.cut.cut(),
        )
    };
    post_to_parent_with(&HelperReply::Text(TextPart::FromCut), &rest);
    if cut.is_none() {
        return Err(WorkerError::Browser(
            "the text had no line break to cut at".into(),
        ));
    }
    let mut ingestor = Ingestor::continuing(ingest, &head)?;
    for_each_slice(&rest, |chunk, _| Ok(ingestor.push(chunk)?)).await?;
    let range = ingestor.finish_range()?;
    mark("helper: read");
    Ok(HelperReply::RangeIngested(Box::new(range)))
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
