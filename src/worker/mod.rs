//! The analysis worker's runtime (a dedicated Web Worker, so reading and
//! clustering never block the page). It owns the [`Session`]: requests are
//! decoded, dispatched and answered here; the analysis itself is the
//! engine's and the session's. The same binary also runs as the helper
//! (a second worker that reads part of the file and fits part of the sweep).

mod analysis;
mod blob;
mod converter_host;
mod converter_worker;
mod helper_pool;
mod inflate;
mod inflate_range;
mod inflating;
pub mod marks;
pub mod messages;
mod open;
pub mod parquet_worker;
mod progress;
mod shared_queue;
mod warm_up;
pub mod workbook_worker;

use crate::protocol::page::{answer_held_with, PageMessage, PageRequest, WorkerEvent};
use crate::session::run::{sniff, Sniffed};
use crate::session::{Session, WorkerError};
use messages::{post, request_of};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    /// The analysis session, once a run has finished (or one was restored).
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Entry point of the worker binary.
pub fn register() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if helper_pool::is_helper() {
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
            helper_pool::receive(event.data());
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        helper_pool::post_ready();
        return;
    }
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        if let Some(data) = warm_up::hold(event.data()) {
            receive(data);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // "Ready" once the helpers have loaded (or could not): the warm-up
    // follows, and gives way to the page's first message.
    helper_pool::start(workers().saturating_sub(1), || {
        let warming = warm_up::warm_up();
        post(0, WorkerEvent::Ready);
        wasm_bindgen_futures::spawn_local(async {
            for data in warming.await {
                receive(data);
            }
        })
    });
}

/// How many workers to run, this one included: as many as the browser
/// reports logical cores, within the cap and the device's memory (see
/// `work_split::worker_count`), unless the page's `?workers=N` says.
fn workers() -> usize {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).ok();
    let read = |name: &str| {
        navigator
            .as_ref()
            .and_then(|n| js_sys::Reflect::get(n, &name.into()).ok())
            .and_then(|v| v.as_f64())
    };
    let forced = warm_up::worker_query()
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("workers="))
        .and_then(|n| n.parse::<usize>().ok());
    crate::engine::work_split::worker_count(
        read("hardwareConcurrency"),
        read("deviceMemory"),
        forced,
    )
}

/// Runs one message from the page and posts its answer.
fn receive(data: JsValue) {
    // Async only to await the file's slices and the helper; session
    // requests run straight through.
    wasm_bindgen_futures::spawn_local(async move {
        match request_of(&data) {
            Ok(PageMessage { id, request }) => {
                let file = messages::file_of(&data);
                let analysed = matches!(request, PageRequest::Analyze { .. });
                let outcome = dispatch(request, file).await;
                let finished = matches!(outcome, Ok(WorkerEvent::Finished(_)));
                post(
                    id,
                    outcome.unwrap_or_else(|e| WorkerEvent::Failed {
                        message: e.to_string(),
                    }),
                );
                // After the page has its result: what the session no longer needs.
                analysis::free_spent();
                if analysed && finished {
                    SESSION.with_borrow_mut(|held| held.as_mut().map(Session::compact));
                }
            }
            Err(e) => post(
                0,
                WorkerEvent::Failed {
                    message: WorkerError::from(e).to_string(),
                },
            ),
        }
    });
}

async fn dispatch(
    request: PageRequest,
    file: Option<web_sys::Blob>,
) -> Result<WorkerEvent, WorkerError> {
    let mut progress = |stage: &str, fraction: f64| {
        post(
            0,
            WorkerEvent::Progress {
                stage: stage.into(),
                fraction,
                bytes_done: 0,
                bytes_total: 0,
            },
        )
    };
    let answered = SESSION.with_borrow_mut(|held| {
        answer_held_with(held, request, &mut progress, &marks::now_seconds)
    });
    let request = match answered {
        Ok(answered) => return answered,
        Err(reads_a_file) => *reads_a_file,
    };
    let file = || {
        file.clone()
            .ok_or(WorkerError::Browser("the worker received no file".into()))
    };
    match request {
        PageRequest::Sniff { settings } => {
            let (head, source) = open::head(&file()?, &settings.source).await?;
            Ok(match sniff(&head, &settings)? {
                Sniffed::Transactions(mut report) => {
                    report.source = source;
                    WorkerEvent::Sniffed(report)
                }
                Sniffed::RfmTable => WorkerEvent::RfmTableDetected,
            })
        }
        PageRequest::Analyze {
            file_name,
            ingest,
            analysis,
        } => {
            let session = match open::source(&file()?, &ingest.source).await? {
                open::Source::Text(opened) => {
                    analysis::analyse(&opened.text, file_name, ingest, &analysis)
                        .await?
                        .read_from(opened.report.note)
                }
                open::Source::Deflated(deflated) => {
                    let (session, source) =
                        analysis::analyse_deflated(&deflated, file_name, ingest, &analysis).await?;
                    session.read_from(source.note)
                }
            };
            let dashboard = session.dashboard();
            // A failed run never gets here: the previous session stays.
            SESSION.with_borrow_mut(|held| *held = Some(session));
            Ok(WorkerEvent::Finished(Box::new(dashboard)))
        }
        PageRequest::ApplyModel {
            file_name,
            model_json,
            ingest,
            labeller,
        } => {
            let text = open::open(&file()?, &ingest.source).await?.text;
            let applied =
                analysis::apply_model(&text, file_name, &model_json, ingest, labeller).await?;
            Ok(WorkerEvent::Applied(Box::new(applied)))
        }
        // Answered by `answer_held_with` above.
        PageRequest::Session(_) | PageRequest::Snapshot | PageRequest::Restore(_) => Err(
            WorkerError::Protocol(crate::protocol::ProtocolError::Missing("a file to read")),
        ),
    }
}
