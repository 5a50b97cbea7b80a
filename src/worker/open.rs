//! Unwrapping a dropped file into the plain text that reading takes: gzip
//! and ZIP members inflated by the browser's `DecompressionStream` (no
//! decompressor in our WebAssembly), workbooks converted by their own
//! worker. The text of the last file opened is kept, so the mapping step's
//! sniffs and the run read it without unwrapping again.

use super::blob;
use super::messages::post;
use super::workbook_host;
use crate::engine::container::zip::{self, LOCAL_HEADER_LEN, TAIL_LEN};
use crate::engine::container::{
    choose_member, megabytes, Archive, ContainerError, SourceChoice, SourceKind, SourceReport,
    Wrapper,
};
use crate::protocol::page::WorkerEvent;
use crate::session::WorkerError;
use futures_channel::oneshot;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// The text of a file, and how it was unwrapped.
#[derive(Clone)]
pub struct Opened {
    pub text: Blob,
    pub report: SourceReport,
}

/// Which file, and which part of it: a `File` sent again by the page is
/// another object each time, so it is known by its name, size and date.
#[derive(Clone, PartialEq)]
struct Key {
    name: String,
    size: u64,
    modified: f64,
    choice: SourceChoice,
}

type Waiter = oneshot::Sender<Result<Opened, WorkerError>>;

thread_local! {
    static LAST: RefCell<Option<(Key, Opened)>> = const { RefCell::new(None) };
    /// The file being opened now, and the requests waiting for it (a sniff
    /// and a run can ask for the same file while it is being unpacked).
    static OPENING: RefCell<Option<(Key, Vec<Waiter>)>> = const { RefCell::new(None) };
}

#[wasm_bindgen]
extern "C" {
    /// The Compression Streams API (web-sys has it only behind an unstable flag).
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Decompression;
    #[wasm_bindgen(constructor, catch, js_class = "DecompressionStream")]
    fn new(format: &str) -> Result<Decompression, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &Decompression) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &Decompression) -> web_sys::WritableStream;
}

fn key_of(file: &Blob, choice: &SourceChoice) -> Key {
    let (name, modified) = file
        .dyn_ref::<web_sys::File>()
        .map_or((String::new(), 0.0), |f| (f.name(), f.last_modified()));
    Key {
        name,
        size: blob::size(file),
        modified,
        choice: choice.clone(),
    }
}

/// The text of `file` (the file itself when it is plain text).
pub async fn open(file: &Blob, choice: &SourceChoice) -> Result<Opened, WorkerError> {
    let key = key_of(file, choice);
    if let Some(opened) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(held, _)| *held == key)
            .map(|(_, opened)| opened.clone())
    }) {
        return Ok(opened);
    }
    let waiting = OPENING.with_borrow_mut(|opening| match opening {
        Some((held, waiters)) if *held == key => {
            let (sender, receiver) = oneshot::channel();
            waiters.push(sender);
            Some(receiver)
        }
        _ => {
            *opening = Some((key.clone(), Vec::new()));
            None
        }
    });
    if let Some(receiver) = waiting {
        return receiver
            .await
            .unwrap_or_else(|_| Err(WorkerError::Browser("opening the file stopped".into())));
    }
    let opened = unwrap(file, choice, &key).await;
    let waiters = OPENING.with_borrow_mut(|opening| match opening.take() {
        Some((held, waiters)) if held == key => waiters,
        other => {
            *opening = other;
            Vec::new()
        }
    });
    for waiter in waiters {
        let _ = waiter.send(opened.clone());
    }
    let opened = opened?;
    LAST.with_borrow_mut(|last| *last = Some((key, opened.clone())));
    Ok(opened)
}

async fn unwrap(file: &Blob, choice: &SourceChoice, key: &Key) -> Result<Opened, WorkerError> {
    let head = blob::read_slice(file, 0, blob::size(file).min(8))?.await?;
    let opened = match Wrapper::of(&head) {
        Wrapper::Plain => Opened {
            text: file.clone(),
            report: SourceReport {
                file_bytes: blob::size(file),
                text_bytes: blob::size(file),
                ..SourceReport::default()
            },
        },
        Wrapper::Gzip => {
            let text = inflate(file, "gzip", "Decompressing").await?;
            let report = SourceReport {
                kind: SourceKind::Gzip,
                file_bytes: blob::size(file),
                text_bytes: blob::size(&text),
                note: format!(
                    "gzip-compressed: {} of text from {}",
                    megabytes(blob::size(&text)),
                    megabytes(blob::size(file))
                ),
                ..SourceReport::default()
            };
            Opened { text, report }
        }
        Wrapper::Zip => open_archive(file, choice).await?,
        Wrapper::OleWorkbook => {
            let (text, report) = workbook_host::convert(file, &key.name, &choice.sheet).await?;
            Opened { text, report }
        }
    };
    Ok(opened)
}

async fn open_archive(file: &Blob, choice: &SourceChoice) -> Result<Opened, WorkerError> {
    let size = blob::size(file);
    let tail_start = size.saturating_sub(TAIL_LEN);
    let tail = blob::read_slice(file, tail_start, size)?.await?;
    let directory = zip::find_directory(&tail, tail_start, size)?;
    let listing =
        blob::read_slice(file, directory.offset, directory.offset + directory.len)?.await?;
    let members = zip::members(&listing)?;
    let names = match Archive::of(&members)? {
        Archive::Xlsx | Archive::Ods => {
            let name = key_of(file, choice).name;
            let (text, report) = workbook_host::convert(file, &name, &choice.sheet).await?;
            return Ok(Opened { text, report });
        }
        Archive::Text { names } => names,
    };
    let member = choose_member(&members, choice.member.as_deref())?;
    let header_end = member
        .local_header_offset
        .saturating_add(LOCAL_HEADER_LEN)
        .min(size);
    let header = blob::read_slice(file, member.local_header_offset, header_end)?.await?;
    let start = zip::data_offset(member, &header)?;
    let end = start
        .checked_add(member.compressed_size)
        .filter(|&end| end <= size)
        .ok_or_else(|| ContainerError::Damaged {
            what: format!("\"{}\" ends after the end of the file", member.name),
        })?;
    let data = blob::slice(file, start, end)?;
    let text = match member.method {
        zip::Method::Stored => data,
        _ => inflate(&data, "deflate-raw", "Unzipping").await?,
    };
    let note = if names.len() > 1 {
        format!(
            "\"{}\" from the ZIP archive ({} of its {} text files)",
            member.name,
            megabytes(blob::size(&text)),
            names.len()
        )
    } else {
        format!(
            "\"{}\" from the ZIP archive ({})",
            member.name,
            megabytes(blob::size(&text))
        )
    };
    Ok(Opened {
        report: SourceReport {
            kind: SourceKind::ZipMember,
            file_bytes: size,
            text_bytes: blob::size(&text),
            members: if names.len() > 1 { names } else { Vec::new() },
            member: Some(member.name.clone()),
            note,
            ..SourceReport::default()
        },
        text,
    })
}

fn browser(what: &str) -> impl Fn(JsValue) -> WorkerError + '_ {
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

/// How often progress is posted while the browser decompresses.
const PROGRESS_EVERY_MS: i32 = 100;

/// Inflates `compressed` with the browser's decompressor into a blob,
/// posting progress by compressed bytes. The browser does all of it: the
/// file piped through a counter into the decompressor and gathered into a
/// blob (which it may keep on disk); reading the chunks here took a third
/// longer.
async fn inflate(compressed: &Blob, format: &str, stage: &str) -> Result<Blob, WorkerError> {
    let damaged = "the file could not be decompressed: it is damaged or incomplete";
    let stream =
        Decompression::new(format).map_err(browser("this browser cannot decompress files"))?;
    let fed = Rc::new(Cell::new(0_u64));
    let (counter, _counting) = byte_counter(Rc::clone(&fed))?;
    let pair = web_sys::ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let text = compressed
        .stream()
        .pipe_through(&counter)
        .pipe_through(&pair);
    let gathered = web_sys::Response::new_with_opt_readable_stream(Some(&text))
        .and_then(|response| response.blob())
        .map_err(browser("could not start decompressing"))?;
    let total = blob::size(compressed);
    let stage = stage.to_string();
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
        .map_err(browser(damaged))?
        .dyn_into::<Blob>()
        .map_err(browser(damaged))
}

/// A pass-through stream that adds the bytes it passes to `fed`; keep the
/// closure alive as long as the stream runs.
#[allow(clippy::type_complexity)]
fn byte_counter(
    fed: Rc<Cell<u64>>,
) -> Result<
    (
        web_sys::ReadableWritablePair,
        Closure<dyn FnMut(js_sys::Uint8Array, web_sys::TransformStreamDefaultController)>,
    ),
    WorkerError,
> {
    let count =
        Closure::<dyn FnMut(js_sys::Uint8Array, web_sys::TransformStreamDefaultController)>::new(
            move |chunk: js_sys::Uint8Array,
                  controller: web_sys::TransformStreamDefaultController| {
                fed.set(fed.get() + u64::from(chunk.length()));
                let _ = controller.enqueue_with_chunk(&chunk);
            },
        );
    let transformer = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&transformer, &"transform".into(), count.as_ref());
    let counter = web_sys::TransformStream::new_with_transformer(&transformer)
        .map_err(browser("could not start decompressing"))?;
    Ok((
        web_sys::ReadableWritablePair::new(&counter.readable(), &counter.writable()),
        count,
    ))
}
