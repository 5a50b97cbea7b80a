//! The Parquet reader's runtime: its own WebAssembly binary (the Parquet
//! decoder is large and rarely needed, so the analysis worker starts it only
//! when a Parquet file is dropped). It reads the attached file, converts it
//! to CSV text and posts that back as a `Blob`, like the workbook reader.

use super::messages::{file_of, frame_of, js_message};
use crate::engine::parquet_file;
use crate::engine::workbook::DEFAULT_MAX_OUTPUT_BYTES;
use crate::protocol::converter::{ConvertEvent, ConvertRequest};
use crate::protocol::FILE;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

/// The file's bytes and its CSV text sit in this worker's memory at once.
const MAX_PARQUET_BYTES: u64 = 400_000_000;

/// Entry point of the Parquet binary.
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
    let file = file_of(data).ok_or("the Parquet reader received no file")?;
    let size = file.size() as u64;
    if size > MAX_PARQUET_BYTES {
        return Err(format!(
            "this Parquet file is {:.0} MB; a browser tab reads Parquet files of up to {} MB. \
             Export the table as CSV (COPY ... TO 'rfm.csv' in DuckDB, df.write.csv in Spark) \
             and drop that: CSV files of any size are read in pieces",
            size as f64 / 1e6,
            MAX_PARQUET_BYTES / 1_000_000
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the browser could not read the Parquet file (was it moved or deleted?)")?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    drop(buffer);
    let converted = parquet_file::to_csv(bytes.into(), DEFAULT_MAX_OUTPUT_BYTES, |fraction| {
        send(&ConvertEvent::Progress { fraction }, None);
    })
    .map_err(|e| e.to_string())?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(converted.csv.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let text = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not hold the converted Parquet file")?;
    Ok((
        ConvertEvent::Converted {
            sheets: Vec::new(),
            sheet: request.sheet,
            note: converted.note,
        },
        text,
    ))
}
