//! The analysis worker's side: runs inside a dedicated Web Worker so parsing
//! and clustering never block the page.

use crate::worker_protocol::{RunSummary, Stage, WorkerEvent, WorkerRequest, CHUNK_BYTES};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

/// Entry point of the worker binary.
pub fn register() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let outcome = handle(&event.data()).unwrap_or_else(|message| WorkerEvent::Failed { message });
        post(&outcome);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&WorkerEvent::Ready);
}

fn post(event: &WorkerEvent) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    match serde_json::to_string(event) {
        Ok(json) => {
            // Posting a string cannot fail except when the page is gone.
            let _ = scope.post_message(&JsValue::from_str(&json));
        }
        Err(err) => web_sys::console::error_1(&format!("cannot encode worker event: {err}").into()),
    }
}

fn handle(data: &JsValue) -> Result<WorkerEvent, String> {
    let request_json = js_sys::Reflect::get(data, &"request".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("internal error: the worker received a message without a request")?;
    let request: WorkerRequest =
        serde_json::from_str(&request_json).map_err(|e| format!("internal error: bad worker request: {e}"))?;
    let blob: Blob = js_sys::Reflect::get(data, &"file".into())
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or("internal error: the worker received no file")?;
    match request {
        WorkerRequest::Analyze { file_name } => analyze(&blob, file_name),
    }
}

/// Reads `blob` slice by slice, calling `consume` with each slice's bytes and
/// reporting progress after each.
fn stream_blob(blob: &Blob, mut consume: impl FnMut(&[u8]) -> Result<(), String>) -> Result<u64, String> {
    let reader = FileReaderSync::new().map_err(|_| "this browser cannot read files in a worker".to_string())?;
    let total = blob.size() as u64;
    let mut done = 0u64;
    while done < total {
        let end = (done + CHUNK_BYTES).min(total);
        let slice = blob
            .slice_with_f64_and_f64(done as f64, end as f64)
            .map_err(|_| "could not slice the file".to_string())?;
        let buffer = reader
            .read_as_array_buffer(&slice)
            .map_err(|_| "the browser could not read the file (was it moved or deleted?)".to_string())?;
        consume(&js_sys::Uint8Array::new(&buffer).to_vec())?;
        done = end;
        post(&WorkerEvent::Progress { stage: Stage::Reading, done, total });
    }
    Ok(total)
}

fn analyze(blob: &Blob, file_name: String) -> Result<WorkerEvent, String> {
    let mut lines = 0u64;
    let bytes = stream_blob(blob, |chunk| {
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(())
    })?;
    Ok(WorkerEvent::Finished(Box::new(RunSummary { file_name, bytes, lines })))
}
