//! The browser's decompressor (`DecompressionStream`: no decompressor in
//! our WebAssembly), three ways: a whole text into a blob, only its first
//! bytes, or piece by piece to a callback while it runs.

use super::messages::post;
use crate::protocol::page::WorkerEvent;
use crate::session::WorkerError;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableStream};

#[wasm_bindgen]
extern "C" {
    /// The Compression Streams API (web-sys has it only behind an unstable flag).
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Decompression;
    #[wasm_bindgen(constructor, catch, js_class = "DecompressionStream")]
    fn new(format: &str) -> Result<Decompression, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &Decompression) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &Decompression) -> web_sys::WritableStream;
}

/// Also what the browser says of gzip files joined end to end (`gzip >>`),
/// which its decompressor does not read past the first.
const DAMAGED: &str = "the file could not be decompressed: it is damaged or incomplete, or \
    several gzip files joined into one (which the browser cannot read: decompress it and \
    compress it again as one, e.g. gzip -dc joined.gz | gzip > one.gz)";

/// How often progress is posted while the browser decompresses a whole text.
const PROGRESS_EVERY_MS: i32 = 100;

pub fn browser(what: &str) -> impl Fn(JsValue) -> WorkerError + '_ {
    move |error: JsValue| {
        let detail = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        WorkerError::Browser(if detail.is_empty() {
            what.to_string()
        } else {
            format!("{what} ({detail})")
        })
    }
}

/// A text being decompressed: its stream, and the compressed bytes fed so far.
struct Decompressing {
    text: ReadableStream,
    fed: Rc<Cell<u64>>,
    /// Counts `fed`: alive as long as the stream runs.
    _counting: Closure<dyn FnMut(js_sys::Uint8Array, web_sys::TransformStreamDefaultController)>,
}

/// `compressed` piped through a byte counter into the decompressor.
fn decompressing(compressed: &Blob, format: &str) -> Result<Decompressing, WorkerError> {
    let stream =
        Decompression::new(format).map_err(browser("this browser cannot decompress files"))?;
    let fed = Rc::new(Cell::new(0_u64));
    let counted = Rc::clone(&fed);
    let counting = Closure::<
        dyn FnMut(js_sys::Uint8Array, web_sys::TransformStreamDefaultController),
    >::new(
        move |chunk: js_sys::Uint8Array, controller: web_sys::TransformStreamDefaultController| {
            counted.set(counted.get() + u64::from(chunk.length()));
            let _ = controller.enqueue_with_chunk(&chunk);
        },
    );
    let transformer = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&transformer, &"transform".into(), counting.as_ref());
    let counter = web_sys::TransformStream::new_with_transformer(&transformer)
        .map_err(browser("could not start decompressing"))?;
    let counter = web_sys::ReadableWritablePair::new(&counter.readable(), &counter.writable());
    let pair = web_sys::ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let text = compressed
        .stream()
        .pipe_through(&counter)
        .pipe_through(&pair);
    Ok(Decompressing {
        text,
        fed,
        _counting: counting,
    })
}

/// Inflates `compressed` into a blob, posting progress by compressed bytes.
/// The browser does all of it: the text is gathered into a blob by
/// `Response.blob()` (which may keep it on disk); reading the pieces here
/// took a third longer.
pub async fn inflate(compressed: &Blob, format: &str, stage: &str) -> Result<Blob, WorkerError> {
    let decompressing = decompressing(compressed, format)?;
    let gathered = web_sys::Response::new_with_opt_readable_stream(Some(&decompressing.text))
        .and_then(|response| response.blob())
        .map_err(browser("could not start decompressing"))?;
    let total = compressed.size() as u64;
    let stage = stage.to_string();
    let fed = Rc::clone(&decompressing.fed);
    let report = Closure::<dyn FnMut()>::new(move || {
        let done = fed.get();
        post(
            0,
            WorkerEvent::Progress {
                stage: stage.clone(),
                fraction: done as f64 / total.max(1) as f64,
                bytes_done: done,
                bytes_total: total,
            },
        );
    });
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let ticking = scope
        .set_interval_with_callback_and_timeout_and_arguments_0(
            report.as_ref().unchecked_ref(),
            PROGRESS_EVERY_MS,
        )
        .ok();
    let outcome = JsFuture::from(gathered).await;
    if let Some(id) = ticking {
        scope.clear_interval_with_handle(id);
    }
    outcome
        .map_err(browser(DAMAGED))?
        .dyn_into::<Blob>()
        .map_err(browser(DAMAGED))
}

/// The first `want` bytes of the text (fewer if it is shorter); the rest
/// is not decompressed.
pub async fn inflate_head(
    compressed: &Blob,
    format: &str,
    want: usize,
) -> Result<Vec<u8>, WorkerError> {
    let decompressing = decompressing(compressed, format)?;
    let reader: web_sys::ReadableStreamDefaultReader =
        decompressing.text.get_reader().unchecked_into();
    let mut head = Vec::with_capacity(want);
    while head.len() < want {
        let read = JsFuture::from(reader.read())
            .await
            .map_err(browser(DAMAGED))?;
        let done = js_sys::Reflect::get(&read, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let Some(piece) = js_sys::Reflect::get(&read, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
        else {
            break;
        };
        let take = (want - head.len()).min(piece.length() as usize);
        head.extend_from_slice(&piece.subarray(0, take as u32).to_vec());
    }
    // Stops the decompression: only the head was wanted. Cancelling fails
    // when the decompressor has met damage past the head already: the head
    // is good, and the run will say what is wrong with the rest.
    let cancelled = JsFuture::from(reader.cancel());
    wasm_bindgen_futures::spawn_local(async move {
        let _ = cancelled.await;
    });
    Ok(head)
}

/// Inflates `compressed`, calling `on_piece(piece, compressed bytes fed)`
/// for each piece of text as the decompressor gives it.
pub async fn inflate_into(
    compressed: &Blob,
    format: &str,
    on_piece: impl FnMut(js_sys::Uint8Array, u64) + 'static,
) -> Result<(), WorkerError> {
    let decompressing = decompressing(compressed, format)?;
    let fed = Rc::clone(&decompressing.fed);
    let on_piece = RefCell::new(on_piece);
    let write = Closure::<dyn FnMut(js_sys::Uint8Array)>::new(move |piece: js_sys::Uint8Array| {
        (on_piece.borrow_mut())(piece, fed.get());
    });
    let sink = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&sink, &"write".into(), write.as_ref());
    let sink = web_sys::WritableStream::new_with_underlying_sink(&sink)
        .map_err(browser("could not start decompressing"))?;
    JsFuture::from(decompressing.text.pipe_to(&sink))
        .await
        .map_err(browser(DAMAGED))?;
    drop(write);
    Ok(())
}
