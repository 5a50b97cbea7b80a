//! A converter's runtime, shared by the workbook reader and the Parquet
//! reader: each is its own WebAssembly binary (a large reader that is rarely
//! needed, so the analysis worker starts it only when such a file is
//! dropped, see `converter_host`). It says it is ready, reads the attached
//! file, converts it to CSV text with its [`Converter`] and posts that back
//! as a `Blob`.

use super::messages::{file_of, frame_of, js_message};
use crate::engine::container::SheetInfo;
use crate::protocol::converter::{ConvertEvent, ConvertRequest};
use crate::protocol::FILE;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

/// A file turned into CSV text.
pub struct Converted {
    pub csv: Vec<u8>,
    /// The workbook's sheets (none for a Parquet file).
    pub sheets: Vec<SheetInfo>,
    pub note: String,
}

/// The file's bytes, the request, and a progress callback (fraction done).
pub type Convert = fn(Vec<u8>, &ConvertRequest, &mut dyn FnMut(f64)) -> Result<Converted, String>;

/// One kind of file, and how it becomes CSV text.
pub struct Converter {
    /// "workbook", "Parquet file": in messages.
    pub what: &'static str,
    /// The file's bytes and its CSV text sit in the worker's memory (at
    /// most 4 GB for WebAssembly) at once.
    pub max_bytes: u64,
    /// What to do instead with a larger file.
    pub too_large_advice: &'static str,
    pub convert: Convert,
}

/// Entry point of a converter binary.
pub fn register(converter: &'static Converter) {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        wasm_bindgen_futures::spawn_local(async move {
            match convert(converter, &data).await {
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

async fn convert(converter: &Converter, data: &JsValue) -> Result<(ConvertEvent, Blob), String> {
    let what = converter.what;
    let request: ConvertRequest = frame_of(data).map_err(|e| e.to_string())?;
    let file = file_of(data).ok_or_else(|| format!("the {what} reader received no file"))?;
    let size = file.size() as u64;
    if size > converter.max_bytes {
        return Err(format!(
            "this {what} is {:.0} MB, over the {} MB a browser tab reads. {}",
            size as f64 / 1e6,
            converter.max_bytes / 1_000_000,
            converter.too_large_advice
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("the browser could not read the {what} (was it moved or deleted?)"))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    drop(buffer);
    let converted = (converter.convert)(bytes, &request, &mut |fraction| {
        send(&ConvertEvent::Progress { fraction }, None);
    })?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(converted.csv.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let text = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| format!("the browser could not hold the converted {what}"))?;
    Ok((
        ConvertEvent::Converted {
            sheets: converted.sheets,
            sheet: request.sheet,
            note: converted.note,
        },
        text,
    ))
}
