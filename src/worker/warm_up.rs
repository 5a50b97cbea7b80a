//! The warm-up: once the worker has said it is ready, it analyses a
//! generated file through the same path as the user's files (both workers),
//! discarding the result, so the browser compiles the hot code with its
//! optimising tier while the page waits for a file instead of during the
//! user's run (see `engine::warm_up`). A message from the page interrupts it:
//! the message waits at most until the warm-up's next slice.

use super::analysis::{analyse, free_after_posting, free_spent};
use super::messages::{interrupt_warm_up, interrupted, post, quietly};
use crate::engine::ingest::IngestSettings;
use crate::engine::pipeline::AnalysisSettings;
use crate::engine::warm_up::{synthetic_transactions, WarmUpPlan};
use crate::protocol::page::WorkerEvent;
use crate::session::WorkerError;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::Blob;

thread_local! {
    /// While warming up: the page's messages, in order, run once it stops.
    static WAITING: RefCell<Option<Vec<JsValue>>> = const { RefCell::new(None) };
}

/// Keeps `message` for after the warm-up and interrupts it; gives the message
/// back when there is no warm-up going on.
pub fn hold(message: JsValue) -> Option<JsValue> {
    WAITING.with_borrow_mut(|waiting| match waiting {
        Some(queue) => {
            queue.push(message);
            interrupt_warm_up(true);
            None
        }
        None => Some(message),
    })
}

/// Warms up as `plan` says (its settings come from the worker's URL); the
/// page's messages are held from now on. The future gives back those that
/// arrived meanwhile, to be run in order.
pub fn warm_up() -> impl std::future::Future<Output = Vec<JsValue>> {
    let plan = WarmUpPlan::from_query(&worker_query());
    WAITING.set(Some(Vec::new()));
    async move {
        let outcome = quietly(run(plan)).await;
        interrupt_warm_up(false);
        // An interrupted warm-up may leave helpers reading or fitting: the
        // user's run gets them all once they are done.
        super::helper_pool::idle().await;
        match outcome {
            Ok(()) => post(0, WorkerEvent::WarmedUp),
            Err(WorkerError::WarmUpInterrupted) => {}
            // Only ever a speed-up: a real run reports any real problem.
            Err(e) => web_sys::console::warn_1(&format!("the warm-up run failed: {e}").into()),
        }
        WAITING.take().unwrap_or_default()
    }
}

async fn run(plan: WarmUpPlan) -> Result<(), WorkerError> {
    if plan.passes == 0 {
        return Ok(());
    }
    let csv = synthetic_transactions(plan.rows);
    let blob = Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(
        csv.as_bytes(),
    )))
    .map_err(|_| WorkerError::Browser("could not make the warm-up file".into()))?;
    let settings = AnalysisSettings::default();
    for _ in 0..plan.passes {
        interrupted()?;
        let session = analyse(
            &blob,
            "warm-up".into(),
            IngestSettings::default(),
            &settings,
        )
        .await?;
        // Encoding is part of every run too.
        let _ = crate::protocol::encode(&session.dashboard());
        free_after_posting(session);
        free_spent();
    }
    Ok(())
}

pub fn worker_query() -> String {
    js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .ok()
        .and_then(|l| js_sys::Reflect::get(&l, &"search".into()).ok())
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
