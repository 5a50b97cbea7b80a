//! The workbook worker's runtime: its own WebAssembly binary (the
//! spreadsheet reader is large and rarely needed, so the analysis worker
//! starts it only when a workbook is dropped). It reads the attached
//! workbook, converts the chosen sheet(s) to CSV text and posts that back
//! as a `Blob`.

use super::messages::{file_of, frame_of, js_message};
use crate::engine::workbook::{self, DEFAULT_MAX_OUTPUT_BYTES};
use crate::protocol::converter::{ConvertEvent, ConvertRequest};
use crate::protocol::FILE;
use wasm_bindgen::prelude::*;

/// The workbook's bytes, its shared strings and the CSV text all sit in
/// this worker's memory (at most 4 GB for WebAssembly) at once.
const MAX_WORKBOOK_BYTES: u64 = 400_000_000;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

/// Entry point of the workbook binary.
pub fn register() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        wasm_bindgen_futures::spawn_local(async move {
            match convert(&data).await {
                Ok((event, text)) => send(&event, Some(&text)),
                Err(message) => send(&ConvertEvent::Failed { message }, None),
            }
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    send(&ConvertEvent::Ready, None);
}

fn send(event: &ConvertEvent, text: Option<&Blob>) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Ok((message, frame)) = js_message(event, FILE, text.map(AsRef::as_ref)) {
        drop(scope.post_message_with_transfer(&message, &js_sys::Array::of1(&frame.buffer())));
    }
}

async fn convert(data: &JsValue) -> Result<(ConvertEvent, Blob), String> {
    let request: ConvertRequest = frame_of(data).map_err(|e| e.to_string())?;
    let file = file_of(data).ok_or("the workbook reader received no file")?;
    let size = file.size() as u64;
    if size > MAX_WORKBOOK_BYTES {
        return Err(format!(
            "this workbook is {:.0} MB; a browser tab reads workbooks of up to {} MB. In Excel or \
             LibreOffice save the sheet as CSV (File › Save As › CSV UTF-8) and drop that file: \
             CSV files of any size are read in pieces",
            size as f64 / 1e6,
            MAX_WORKBOOK_BYTES / 1_000_000
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the browser could not read the workbook (was it moved or deleted?)")?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    drop(buffer);
    let sheets = workbook::sheets(&bytes).map_err(|e| e.to_string())?;
    let converted = workbook::to_csv(
        &bytes,
        &request.sheet,
        DEFAULT_MAX_OUTPUT_BYTES,
        |fraction| {
            send(&ConvertEvent::Progress { fraction }, None);
        },
    )
    .map_err(|e| e.to_string())?;
    drop(bytes);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(converted.csv.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let text = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not hold the converted workbook")?;
    Ok((
        ConvertEvent::Converted {
            sheets,
            sheet: request.sheet,
            note: converted.note,
        },
        text,
    ))
}
