//! The analysis worker's side of a converted file (a workbook, a Parquet
//! file): it starts that reader's worker (whose WebAssembly is fetched only
//! now), sends it the file and the sheet choice, forwards its progress, and
//! ends it once the CSV text is back.

use super::blob;
use super::messages::{file_of, frame_of, js_message, post};
use crate::engine::container::{megabytes, SheetChoice, SourceKind, SourceReport};
use crate::protocol::converter::{ConvertEvent, ConvertRequest};
use crate::protocol::page::WorkerEvent;
use crate::protocol::FILE;
use crate::session::WorkerError;
use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};

/// Which reader converts the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Workbook,
    Parquet,
}

impl Reader {
    fn loader_url(self) -> &'static str {
        match self {
            Self::Workbook => "./workbook_loader.js",
            Self::Parquet => "./parquet_loader.js",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Workbook => "workbook",
            Self::Parquet => "Parquet file",
        }
    }

    fn kind(self) -> SourceKind {
        match self {
            Self::Workbook => SourceKind::Workbook,
            Self::Parquet => SourceKind::Parquet,
        }
    }

    /// What to do when the reader stopped (a panic's trap, out of memory).
    fn stopped(self) -> &'static str {
        match self {
            Self::Workbook => {
                "the workbook reader stopped: the workbook may be damaged, or too large for this \
                 tab's memory; open it in Excel or LibreOffice, save the sheet as CSV and drop that"
            }
            Self::Parquet => {
                "the Parquet reader stopped: the file may be damaged, or too large for this tab's \
                 memory; export the table as CSV (COPY ... TO 'rfm.csv' in DuckDB, \
                 df.write.csv in Spark) and drop that"
            }
        }
    }
}

type Outcome = Result<(SourceReport, Blob), WorkerError>;

/// The file's CSV text (a workbook's chosen sheets), and how it was read.
pub async fn convert(
    reader: Reader,
    file: &Blob,
    name: &str,
    sheet: &SheetChoice,
) -> Result<(Blob, SourceReport), WorkerError> {
    let what = reader.what();
    let worker = Worker::new(reader.loader_url())
        .map_err(|_| WorkerError::Browser(format!("could not start the {what} reader")))?;
    let (sender, receiver) = oneshot::channel::<Outcome>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let file_bytes = blob::size(file);
    let answer = {
        let sender = Rc::clone(&sender);
        move |outcome: Outcome| {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(outcome);
            }
        }
    };
    let request = ConvertRequest {
        sheet: sheet.clone(),
    };
    let (message, frame) = js_message(&request, FILE, Some(file))?;
    let on_message = {
        let answer = answer.clone();
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            match frame_of::<ConvertEvent>(&data) {
                Ok(ConvertEvent::Ready) => {
                    let transfer = js_sys::Array::of1(&frame.buffer());
                    if worker
                        .post_message_with_transfer(&message, &transfer)
                        .is_err()
                    {
                        answer(Err(WorkerError::Browser(format!(
                            "could not send the {what} to its reader"
                        ))));
                    }
                }
                Ok(ConvertEvent::Progress { fraction }) => post(
                    0,
                    WorkerEvent::Progress {
                        stage: format!("Converting the {what}"),
                        fraction,
                        bytes_done: (fraction * file_bytes as f64) as u64,
                        bytes_total: file_bytes,
                    },
                ),
                Ok(ConvertEvent::Converted {
                    sheets,
                    sheet,
                    note,
                }) => answer(match file_of(&data) {
                    Some(text) => Ok((
                        SourceReport {
                            kind: reader.kind(),
                            file_bytes,
                            text_bytes: blob::size(&text),
                            sheets,
                            sheet,
                            note,
                            ..SourceReport::default()
                        },
                        text,
                    )),
                    None => Err(WorkerError::Browser(format!(
                        "the {what} reader sent no text"
                    ))),
                }),
                Ok(ConvertEvent::Failed { message }) => answer(Err(WorkerError::Browser(message))),
                Err(e) => answer(Err(e.into())),
            }
        })
    };
    let on_error = {
        let answer = answer.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            // Handled here, not reported as this worker's own error.
            event.prevent_default();
            answer(Err(WorkerError::Browser(reader.stopped().into())))
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let outcome = receiver
        .await
        .unwrap_or_else(|_| Err(WorkerError::Browser(format!("the {what} reader stopped"))));
    worker.terminate();
    drop((on_message, on_error));
    let (mut report, text) = outcome?;
    if report.note.is_empty() {
        report.note = format!("the {what} {name} ({})", megabytes(file_bytes));
    }
    Ok((text, report))
}
