//! The helpers: workers nested in the analysis worker, running the same
//! binary, that take parts of the file and ks of the sweep from a shared
//! queue (`shared_queue`) while the analysis worker takes its own. How many
//! there are follows the machine (`work_split::worker_count`). A helper that
//! fails to load or crashes is dropped; its work goes back to the queue.

use super::blob::{self, for_each_slice};
use super::inflate_range::inflate_range;
use super::messages::{frame_of, js_message, mark, post_to_parent};
use crate::engine::clustering::{
    kmeans_fit, silhouette_pass, KMeansSettings, Point, SilhouettePass,
};
use crate::engine::ingest::{Ingestor, SNIFF_WINDOW};
use crate::engine::work_split::{StreamCut, MAX_WAITING};
use crate::protocol::helper::{HelperReply, HelperRequest, TextPart};
use crate::protocol::{flatten_points, points_of, FEATURES, FILE};
use crate::session::WorkerError;
use futures_channel::{mpsc, oneshot};
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions};

/// The helpers' worker name: they start no helpers of their own.
const HELPER_NAME: &str = "segmento-helper";

/// The same loader the page starts the analysis worker with.
const LOADER_URL: &str = "./worker_loader.js";

/// How long the helpers may take to load before the analysis worker gives up on them.
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
    /// The replies of the requests it was sent, in the order it answers them.
    replies: VecDeque<oneshot::Sender<HelperReply>>,
    /// The text parts of a running [`HelperRequest::InflateRange`].
    parts: Option<mpsc::UnboundedSender<(TextPart, JsValue)>>,
}

impl Helper {
    /// Whether it is up and has fewer than `up_to` requests unanswered.
    fn takes_requests(&self, up_to: usize) -> bool {
        self.status == Status::Ready && self.worker.is_some() && self.replies.len() < up_to
    }
}

#[derive(Default)]
struct Pool {
    helpers: Vec<Helper>,
    /// Called once when every helper is ready or unavailable.
    on_settled: Option<Box<dyn FnOnce()>>,
    /// Told when no helper runs a request (see [`idle`]).
    idle_waiters: Vec<oneshot::Sender<()>>,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
    /// In a helper: the features of the sweep being fitted.
    static FEATURES_HERE: RefCell<Vec<Point>> = const { RefCell::new(Vec::new()) };
    /// In a helper: the silhouette pass being measured.
    static PASS_HERE: RefCell<Option<SilhouettePass>> = const { RefCell::new(None) };
    /// In a helper: the requests not yet served.
    static INBOX: RefCell<Inbox> = RefCell::new(Inbox::default());
}

#[derive(Default)]
struct Inbox {
    requests: VecDeque<JsValue>,
    /// Whether a request is being served (the next ones wait for it).
    serving: bool,
}

/// Whether this worker is a helper.
pub fn is_helper() -> bool {
    js_sys::global()
        .unchecked_into::<DedicatedWorkerGlobalScope>()
        .name()
        == HELPER_NAME
}

/// A helper's side: takes the analysis worker's requests one after
/// another, in the order they came. A request may wait here while the one
/// before it runs (see [`MAX_WAITING`]); its reply must follow that one's.
pub fn receive(data: JsValue) {
    let start = INBOX.with_borrow_mut(|inbox| {
        inbox.requests.push_back(data);
        !std::mem::replace(&mut inbox.serving, true)
    });
    if start {
        wasm_bindgen_futures::spawn_local(async {
            while let Some(data) = INBOX.with_borrow_mut(|inbox| {
                let next = inbox.requests.pop_front();
                inbox.serving = next.is_some();
                next
            }) {
                serve(&data).await;
            }
        });
    }
}

/// Answers one request of the analysis worker (a [`HelperRequest::Features`]
/// is kept, not answered).
async fn serve(data: &JsValue) {
    let reply = match frame_of::<HelperRequest>(data) {
        Ok(request) => work(request, data).await.unwrap_or_else(|e| {
            Some(HelperReply::Failed {
                message: e.to_string(),
            })
        }),
        Err(e) => Some(HelperReply::Failed {
            message: e.to_string(),
        }),
    };
    if let Some(reply) = reply {
        post_to_parent(&reply);
    }
}

pub fn post_ready() {
    post_to_parent(&HelperReply::Ready);
}

async fn work(request: HelperRequest, data: &JsValue) -> Result<Option<HelperReply>, WorkerError> {
    let file = || -> Result<Blob, WorkerError> {
        js_sys::Reflect::get(data, &FILE.into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or(WorkerError::Browser("the helper received no file".into()))
    };
    let reply = match request {
        HelperRequest::Features => {
            let coordinates: js_sys::Float64Array = js_sys::Reflect::get(data, &FEATURES.into())
                .ok()
                .and_then(|v| v.dyn_into().ok())
                .ok_or(WorkerError::Browser(
                    "the helper received no features".into(),
                ))?;
            FEATURES_HERE.set(points_of(&coordinates.to_vec()));
            return Ok(None);
        }
        HelperRequest::FitK { k, settings } => {
            let fitted =
                FEATURES_HERE.with_borrow(|features| kmeans_fit(features, k, &settings))?;
            HelperReply::KFitted(Box::new(fitted))
        }
        HelperRequest::SilhouettePass { ks, labels, seed } => {
            let pass =
                FEATURES_HERE.with_borrow(|features| silhouette_pass(features, &ks, &labels, seed));
            PASS_HERE.set(Some(pass));
            return Ok(None);
        }
        HelperRequest::SilhouetteBlock { block } => {
            let sums = PASS_HERE.with_borrow(|pass| {
                let pass = pass.as_ref()?;
                let cells = pass.blocks().get(block)?.clone();
                Some(pass.block(cells))
            });
            sums.map_or(
                HelperReply::Failed {
                    message: format!("the helper has no silhouette block {block}"),
                },
                HelperReply::SilhouetteSums,
            )
        }
        HelperRequest::IngestShare { ingest, share } => {
            let blob = file()?;
            let mut ingestor = Ingestor::for_share(ingest, share);
            for_each_slice(&blob, |chunk, _| Ok(ingestor.push(chunk)?)).await?;
            HelperReply::ShareIngested(Box::new(ingestor.finish_share()?))
        }
        HelperRequest::InflateRange {
            ingest,
            format,
            cut_from,
            purchase,
        } => {
            inflate_range(
                &file()?,
                ingest,
                &format,
                StreamCut::new(cut_from, purchase),
            )
            .await?
        }
        HelperRequest::IngestRange { ingest, start, end } => {
            let blob = file()?;
            mark("helper: reading");
            let head =
                blob::read_slice(&blob, 0, blob::size(&blob).min(SNIFF_WINDOW as u64))?.await?;
            let mut ingestor = Ingestor::continuing(ingest, &head)?;
            let part = blob::slice(&blob, start, end.min(blob::size(&blob)))?;
            for_each_slice(&part, |chunk, _| Ok(ingestor.push(chunk)?)).await?;
            let range = ingestor.finish_range()?;
            mark("helper: read");
            HelperReply::RangeIngested(Box::new(range))
        }
    };
    Ok(Some(reply))
}

/// Starts `count` helpers; `on_settled` runs once each is ready or known to
/// be unavailable (so the page learns "ready" only after the helpers have
/// loaded, and nothing is fetched once work starts).
pub fn start(count: usize, on_settled: impl FnOnce() + 'static) {
    POOL.with_borrow_mut(|pool| pool.on_settled = Some(Box::new(on_settled)));
    for index in 0..count {
        let worker = spawn(index);
        let status = match worker {
            Some(_) => Status::Starting,
            None => Status::Unavailable,
        };
        POOL.with_borrow_mut(|pool| {
            pool.helpers.push(Helper {
                worker,
                status,
                replies: VecDeque::new(),
                parts: None,
            })
        });
    }
    settle_if_done();
    let timeout = Closure::once_into_js(|| {
        let starting: Vec<usize> = POOL.with_borrow(|pool| {
            (0..pool.helpers.len())
                .filter(|&i| pool.helpers[i].status == Status::Starting)
                .collect()
        });
        for index in starting {
            give_up(index);
        }
    });
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(
        timeout.unchecked_ref(),
        START_TIMEOUT_MS,
    );
}

fn spawn(index: usize) -> Option<Worker> {
    let options = WorkerOptions::new();
    options.set_name(HELPER_NAME);
    let worker = Worker::new_with_options(LOADER_URL, &options).ok()?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        let reply =
            frame_of::<HelperReply>(&message.data()).unwrap_or_else(|e| HelperReply::Failed {
                message: e.to_string(),
            });
        match reply {
            HelperReply::Ready => {
                POOL.with_borrow_mut(|pool| {
                    if let Some(helper) = pool.helpers.get_mut(index) {
                        if helper.status == Status::Starting {
                            helper.status = Status::Ready;
                        }
                    }
                });
                settle_if_done();
            }
            HelperReply::Text(part) => {
                let text = js_sys::Reflect::get(&message.data(), &FILE.into());
                let sent = with_helper(index, |h| match (&h.parts, text) {
                    (Some(parts), Ok(text)) => parts.unbounded_send((part, text)).is_ok(),
                    _ => false,
                });
                if sent != Some(true) {
                    with_helper(index, |h| h.parts = None);
                }
            }
            reply => {
                let waiting = with_helper(index, |h| {
                    h.parts = None;
                    h.replies.pop_front()
                })
                .flatten();
                if let Some(waiting) = waiting {
                    let _ = waiting.send(reply);
                }
                tell_idle();
            }
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        // Handled here: unhandled, a helper's error would also be reported
        // as this worker's, and the page would end the run.
        event.prevent_default();
        give_up(index);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    Some(worker)
}

fn with_helper<T>(index: usize, f: impl FnOnce(&mut Helper) -> T) -> Option<T> {
    POOL.with_borrow_mut(|pool| pool.helpers.get_mut(index).map(f))
}

fn settle_if_done() {
    let on_settled = POOL.with_borrow_mut(|pool| {
        match pool.helpers.iter().any(|h| h.status == Status::Starting) {
            true => None,
            false => pool.on_settled.take(),
        }
    });
    if let Some(on_settled) = on_settled {
        on_settled();
    }
}

/// A helper failed to load or crashed: stop it, answer its waiting request
/// with a failure (its work goes back to the queue).
fn give_up(index: usize) {
    let taken = with_helper(index, |h| {
        h.parts = None;
        h.status = Status::Unavailable;
        (h.worker.take(), std::mem::take(&mut h.replies))
    });
    if let Some((worker, replies)) = taken {
        if let Some(worker) = worker {
            worker.terminate();
        }
        for reply in replies {
            let _ = reply.send(HelperReply::Failed {
                message: "a helper worker stopped".into(),
            });
        }
    }
    settle_if_done();
    tell_idle();
}

fn tell_idle() {
    let waiters =
        POOL.with_borrow_mut(
            |pool| match pool.helpers.iter().any(|h| !h.replies.is_empty()) {
                true => Vec::new(),
                false => std::mem::take(&mut pool.idle_waiters),
            },
        );
    for waiter in waiters {
        let _ = waiter.send(());
    }
}

/// Resolves once no helper runs a request (at once if none does): a request
/// whose caller has stopped waiting still keeps its helper busy until its
/// reply comes.
pub async fn idle() {
    let waiting = POOL.with_borrow_mut(|pool| {
        pool.helpers.iter().any(|h| !h.replies.is_empty()).then(|| {
            let (sender, receiver) = oneshot::channel();
            pool.idle_waiters.push(sender);
            receiver
        })
    });
    if let Some(receiver) = waiting {
        let _ = receiver.await;
    }
}

/// The helpers that are ready and run no request.
pub fn free() -> Vec<usize> {
    POOL.with_borrow(|pool| {
        (0..pool.helpers.len())
            .filter(|&i| pool.helpers[i].takes_requests(1))
            .collect()
    })
}

/// Sends helper `index` the sweep's features for the [`fit_k_there`]
/// requests that follow; false when it cannot take them.
pub fn send_features(index: usize, features: &[Point]) -> bool {
    let coordinates = js_sys::Float64Array::from(flatten_points(features).as_slice());
    let transfer = js_sys::Array::of1(&coordinates.buffer());
    post(
        index,
        &HelperRequest::Features,
        FEATURES,
        Some(&coordinates),
        &transfer,
    )
}

/// Asks helper `index` to fit `k` on the features last sent to it.
pub fn fit_k_there(
    index: usize,
    k: usize,
    settings: &KMeansSettings,
) -> Option<oneshot::Receiver<HelperReply>> {
    let request = HelperRequest::FitK {
        k,
        settings: *settings,
    };
    ask(index, &request, FEATURES, None, &js_sys::Array::new())
}

/// Sends helper `index` the sweep's labels on the silhouettes' sample, for
/// the [`silhouette_block_there`] requests that follow; false when it
/// cannot take them. It must have the sweep's features.
pub fn send_silhouette_pass(index: usize, ks: &[usize], labels: &[Vec<u8>], seed: u64) -> bool {
    let request = HelperRequest::SilhouettePass {
        ks: ks.to_vec(),
        labels: labels.to_vec(),
        seed,
    };
    post(index, &request, FEATURES, None, &js_sys::Array::new())
}

/// Asks helper `index` to measure `block` of the silhouette pass last sent.
pub fn silhouette_block_there(
    index: usize,
    block: usize,
) -> Option<oneshot::Receiver<HelperReply>> {
    let request = HelperRequest::SilhouetteBlock { block };
    ask(index, &request, FEATURES, None, &js_sys::Array::new())
}

/// Asks helper `index` to read its part of `file` as `request` says.
pub fn ingest_there(
    index: usize,
    file: &Blob,
    request: &HelperRequest,
) -> Option<oneshot::Receiver<HelperReply>> {
    ask(index, request, FILE, Some(file), &js_sys::Array::new())
}

/// The text parts and the reply of an [`HelperRequest::InflateRange`].
pub type Inflating = (
    mpsc::UnboundedReceiver<(TextPart, JsValue)>,
    oneshot::Receiver<HelperReply>,
);

/// Asks a free helper to decompress `compressed` as `request` (an
/// [`HelperRequest::InflateRange`]) says; `None` when none is free.
pub fn inflate_there(compressed: &Blob, request: &HelperRequest) -> Option<Inflating> {
    let index = free().into_iter().next()?;
    let reply = ask(
        index,
        request,
        FILE,
        Some(compressed),
        &js_sys::Array::new(),
    )?;
    let (sender, parts) = mpsc::unbounded();
    with_helper(index, |h| h.parts = Some(sender));
    Some((parts, reply))
}

/// Posts `request` with `attachment` under `field` to helper `index` if it
/// has room for it (see [`MAX_WAITING`]); the receiver gets the reply.
fn ask(
    index: usize,
    request: &HelperRequest,
    field: &str,
    attachment: Option<&JsValue>,
    transfer: &js_sys::Array,
) -> Option<oneshot::Receiver<HelperReply>> {
    let room = POOL.with_borrow(|pool| {
        pool.helpers
            .get(index)
            .is_some_and(|h| h.takes_requests(MAX_WAITING))
    });
    if !room || !post(index, request, field, attachment, transfer) {
        return None;
    }
    let (sender, receiver) = oneshot::channel();
    with_helper(index, |h| h.replies.push_back(sender));
    Some(receiver)
}

/// Posts `request` to helper `index` (ready, busy or not).
fn post(
    index: usize,
    request: &HelperRequest,
    field: &str,
    attachment: Option<&JsValue>,
    transfer: &js_sys::Array,
) -> bool {
    let worker = POOL.with_borrow(|pool| {
        pool.helpers
            .get(index)
            .filter(|h| h.status == Status::Ready)
            .and_then(|h| h.worker.clone())
    });
    let Some(worker) = worker else {
        return false;
    };
    let Ok((message, frame)) = js_message(request, field, attachment) else {
        return false;
    };
    transfer.push(&frame.buffer());
    worker
        .post_message_with_transfer(&message, transfer)
        .is_ok()
}
