//! The analysis worker's side of a workbook: it starts the workbook worker
//! (whose WebAssembly is fetched only now), sends it the file and the sheet
//! choice, forwards its progress, and ends it once the CSV text is back.

use super::blob;
use super::messages::{file_of, frame_of, js_message, post};
use crate::engine::container::{megabytes, SheetChoice, SourceKind, SourceReport};
use crate::protocol::page::WorkerEvent;
use crate::protocol::workbook::{WorkbookEvent, WorkbookRequest};
use crate::protocol::FILE;
use crate::session::WorkerError;
use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker};

const LOADER_URL: &str = "./workbook_loader.js";

type Outcome = Result<(SourceReport, Blob), WorkerError>;

/// The workbook's chosen sheet(s) as CSV text, and how they were read.
pub async fn convert(
    file: &Blob,
    name: &str,
    sheet: &SheetChoice,
) -> Result<(Blob, SourceReport), WorkerError> {
    let worker = Worker::new(LOADER_URL)
        .map_err(|_| WorkerError::Browser("could not start the workbook reader".into()))?;
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
    let request = WorkbookRequest {
        sheet: sheet.clone(),
    };
    let (message, frame) = js_message(&request, FILE, Some(file))?;
    let on_message = {
        let answer = answer.clone();
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            match frame_of::<WorkbookEvent>(&data) {
                Ok(WorkbookEvent::Ready) => {
                    let transfer = js_sys::Array::of1(&frame.buffer());
                    if worker
                        .post_message_with_transfer(&message, &transfer)
                        .is_err()
                    {
                        answer(Err(WorkerError::Browser(
                            "could not send the workbook to its reader".into(),
                        )));
                    }
                }
                Ok(WorkbookEvent::Progress { fraction }) => post(
                    0,
                    WorkerEvent::Progress {
                        stage: "Converting the workbook".into(),
                        fraction,
                        bytes_done: (fraction * file_bytes as f64) as u64,
                        bytes_total: file_bytes,
                    },
                ),
                Ok(WorkbookEvent::Converted {
                    sheets,
                    sheet,
                    note,
                }) => answer(match file_of(&data) {
                    Some(text) => Ok((
                        SourceReport {
                            kind: SourceKind::Workbook,
                            file_bytes,
                            text_bytes: blob::size(&text),
                            sheets,
                            sheet,
                            note,
                            ..SourceReport::default()
                        },
                        text,
                    )),
                    None => Err(WorkerError::Browser(
                        "the workbook reader sent no text".into(),
                    )),
                }),
                Ok(WorkbookEvent::Failed { message }) => answer(Err(WorkerError::Browser(message))),
                Err(e) => answer(Err(e.into())),
            }
        })
    };
    let on_error = {
        let answer = answer.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            // Handled here, not reported as this worker's own error.
            event.prevent_default();
            answer(Err(WorkerError::Browser(
                "the workbook reader stopped: the workbook may be damaged, or too large for this \
                 tab's memory; open it in Excel or LibreOffice, save the sheet as CSV and drop that"
                    .into(),
            )))
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let outcome = receiver
        .await
        .unwrap_or_else(|_| Err(WorkerError::Browser("the workbook reader stopped".into())));
    worker.terminate();
    drop((on_message, on_error));
    let (mut report, text) = outcome?;
    if report.note.is_empty() {
        report.note = format!("the workbook {name} ({})", megabytes(file_bytes));
    }
    Ok((text, report))
}
