//! Messages as the browser carries them: a JS object with the encoded
//! request or event under [`FRAME`] and an attachment beside it; and the
//! warm-up's two switches that posting and reading consult (nothing is
//! posted while it runs; it stops when the page sends a message).

use super::marks;
use crate::protocol::page::{PageMessage, WorkerEvent, WorkerMessage};
use crate::protocol::{decode, encode, ProtocolError, FILE, FRAME};
use serde::Serialize;
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope};

thread_local! {
    /// Set while warming up: nothing is posted to the page meanwhile.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Set when the page sent a message during the warm-up.
    static INTERRUPTED: Cell<bool> = const { Cell::new(false) };
}

/// Asks a warm-up in progress to stop at its next slice (see [`interrupted`]).
pub fn interrupt_warm_up(on: bool) {
    INTERRUPTED.set(on);
}

/// An error once the warm-up should stop: checked between slices.
pub fn interrupted() -> Result<(), crate::session::WorkerError> {
    match INTERRUPTED.get() {
        true => Err(crate::session::WorkerError::WarmUpInterrupted),
        false => Ok(()),
    }
}

/// Runs `work` without posting anything to the page.
pub async fn quietly<T>(work: impl std::future::Future<Output = T>) -> T {
    QUIET.set(true);
    let out = work.await;
    QUIET.set(false);
    out
}

/// `{ frame: Uint8Array, [field]: attachment }`.
pub fn js_message<T: Serialize>(
    message: &T,
    field: &str,
    attachment: Option<&JsValue>,
) -> Result<(JsValue, js_sys::Uint8Array), ProtocolError> {
    let frame = js_sys::Uint8Array::from(encode(message)?.as_slice());
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&object, &FRAME.into(), &frame);
    if let Some(attachment) = attachment {
        let _ = js_sys::Reflect::set(&object, &field.into(), attachment);
    }
    Ok((object.into(), frame))
}

/// The frame of a message, decoded.
pub fn frame_of<T: serde::de::DeserializeOwned>(data: &JsValue) -> Result<T, ProtocolError> {
    let frame: js_sys::Uint8Array = js_sys::Reflect::get(data, &FRAME.into())
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or(ProtocolError::Missing("frame"))?;
    decode(&frame.to_vec())
}

pub fn request_of(data: &JsValue) -> Result<PageMessage, ProtocolError> {
    frame_of(data)
}

pub fn file_of(data: &JsValue) -> Option<Blob> {
    js_sys::Reflect::get(data, &FILE.into())
        .ok()
        .and_then(|v| v.dyn_into().ok())
}

/// Posts `message` to whoever started this worker (the page, or the
/// analysis worker for the helper), transferring the frame's buffer.
pub fn post_to_parent<T: Serialize>(message: &T) {
    post_up(message, None, &js_sys::Array::new());
}

/// [`post_to_parent`] with `attachment` under [`FILE`], transferring the
/// buffers in `transfer` too.
pub fn post_to_parent_with<T: Serialize>(
    message: &T,
    attachment: &JsValue,
    transfer: &js_sys::Array,
) {
    post_up(message, Some(attachment), transfer);
}

fn post_up<T: Serialize>(message: &T, attachment: Option<&JsValue>, transfer: &js_sys::Array) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    match js_message(message, FILE, attachment) {
        Ok((object, frame)) => {
            transfer.push(&frame.buffer());
            // Posting fails only when the parent is gone.
            drop(scope.post_message_with_transfer(&object, transfer));
        }
        Err(e) => web_sys::console::error_1(&e.to_string().into()),
    }
}

/// Posts `event` (the answer to request `id`) to the page.
pub fn post(id: u64, event: WorkerEvent) {
    if QUIET.get() {
        return;
    }
    post_to_parent(&WorkerMessage { id, event });
}

/// A stage's mark (see [`marks`]), not while warming up.
pub fn mark(name: &str) {
    if !QUIET.get() {
        marks::mark(name);
    }
}
