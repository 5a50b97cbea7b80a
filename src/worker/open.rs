//! Unwrapping a dropped file into the plain text that reading takes: gzip
//! and ZIP members inflated by the browser's `DecompressionStream` (no
//! decompressor in our WebAssembly), workbooks and Parquet files converted
//! by their own workers. A compressed text is left compressed for a run to read while it
//! is decompressed (`inflating`), and only its head is decompressed for
//! the mapping step; a workbook's text (and a text decompressed here) is
//! kept, so the next sniff or run reads it without converting again.

use super::blob;
use super::converter_host::{self, Reader};
use super::inflate::{inflate, inflate_head};
use crate::engine::container::zip::{self, LOCAL_HEADER_LEN, TAIL_LEN};
use crate::engine::container::{
    choose_member, gzip_text_size_hint, Archive, ContainerError, SourceChoice, SourceReport,
    Wrapper,
};
use crate::engine::ingest::SNIFF_WINDOW;
use crate::session::WorkerError;
use futures_channel::oneshot;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::Blob;

/// The text of a file, and how it was unwrapped.
#[derive(Clone)]
pub struct Opened {
    pub text: Blob,
    pub report: SourceReport,
}

/// A compressed text not decompressed yet: a gzip file, or a ZIP member.
pub struct Deflated {
    pub data: Blob,
    /// `DecompressionStream`'s name for it: "gzip" or "deflate-raw".
    pub format: &'static str,
    /// What the file says its text's size is (when it is plausible): a
    /// hint for cutting the text in two, not trusted.
    pub text_size_hint: Option<u64>,
    /// The stage shown while it is decompressed.
    pub stage: &'static str,
    /// With the text's size from the hint until it is decompressed.
    pub report: SourceReport,
}

impl Deflated {
    /// Decompresses it here.
    pub async fn inflate(&self) -> Result<Opened, WorkerError> {
        let text = inflate(&self.data, self.format, self.stage).await?;
        Ok(Opened {
            report: self.report.clone().with_text_bytes(blob::size(&text)),
            text,
        })
    }

    /// Its text's first bytes, decompressing no more.
    pub async fn head(&self) -> Result<Vec<u8>, WorkerError> {
        inflate_head(&self.data, self.format, SNIFF_WINDOW).await
    }
}

/// A file's text, or its compressed text when reading can go on while it
/// is decompressed.
pub enum Source {
    Text(Opened),
    Deflated(Deflated),
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

/// A workbook's chosen sheets, or a Parquet file, as text, remembered:
/// converting takes long.
async fn converted(
    reader: Reader,
    file: &Blob,
    choice: &SourceChoice,
    key: Key,
) -> Result<Opened, WorkerError> {
    let (text, report) = converter_host::convert(reader, file, &key.name, &choice.sheet).await?;
    let opened = Opened { text, report };
    LAST.with_borrow_mut(|last| *last = Some((key, opened.clone())));
    Ok(opened)
}

fn remembered(key: &Key) -> Option<Opened> {
    LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(held, _)| held == key)
            .map(|(_, opened)| opened.clone())
    })
}

/// The text of `file`, or its compressed text when it is a gzip file or a
/// deflated ZIP member not decompressed before.
pub async fn source(file: &Blob, choice: &SourceChoice) -> Result<Source, WorkerError> {
    let key = key_of(file, choice);
    if let Some(opened) = remembered(&key) {
        return Ok(Source::Text(opened));
    }
    let head = blob::read_slice(file, 0, blob::size(file).min(8))?.await?;
    let size = blob::size(file);
    match Wrapper::of(&head) {
        Wrapper::Plain => Ok(Source::Text(Opened {
            text: file.clone(),
            report: SourceReport {
                file_bytes: size,
                text_bytes: size,
                ..SourceReport::default()
            },
        })),
        Wrapper::Gzip => {
            let tail = blob::read_slice(file, size.saturating_sub(4), size)?.await?;
            let text_size_hint = gzip_text_size_hint(&tail, size);
            Ok(Source::Deflated(Deflated {
                data: file.clone(),
                format: "gzip",
                text_size_hint,
                stage: "Decompressing",
                report: SourceReport::gzip(size, text_size_hint),
            }))
        }
        Wrapper::Zip => archive_source(file, choice, key).await,
        Wrapper::OleWorkbook => Ok(Source::Text(
            converted(Reader::Workbook, file, choice, key).await?,
        )),
        Wrapper::Parquet => Ok(Source::Text(
            converted(Reader::Parquet, file, choice, key).await?,
        )),
    }
}

/// The first bytes of `file`'s text (for sniffing) and where it came from
/// (its text's size a hint when it is compressed).
pub async fn head(
    file: &Blob,
    choice: &SourceChoice,
) -> Result<(Vec<u8>, SourceReport), WorkerError> {
    match source(file, choice).await? {
        Source::Text(opened) => Ok((blob::read_head(&opened.text).await?, opened.report)),
        Source::Deflated(deflated) => Ok((deflated.head().await?, deflated.report)),
    }
}

/// The text of `file` (the file itself when it is plain text).
pub async fn open(file: &Blob, choice: &SourceChoice) -> Result<Opened, WorkerError> {
    let key = key_of(file, choice);
    if let Some(opened) = remembered(&key) {
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
    let opened = match source(file, choice).await {
        Ok(Source::Text(opened)) => Ok(opened),
        Ok(Source::Deflated(deflated)) => deflated.inflate().await,
        Err(e) => Err(e),
    };
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

async fn archive_source(
    file: &Blob,
    choice: &SourceChoice,
    key: Key,
) -> Result<Source, WorkerError> {
    let size = blob::size(file);
    let tail_start = size.saturating_sub(TAIL_LEN);
    let tail = blob::read_slice(file, tail_start, size)?.await?;
    let directory = zip::find_directory(&tail, tail_start, size)?;
    let listing =
        blob::read_slice(file, directory.offset, directory.offset + directory.len)?.await?;
    let members = zip::members(&listing)?;
    let names = match Archive::of(&members)? {
        Archive::Xlsx | Archive::Ods => {
            return Ok(Source::Text(
                converted(Reader::Workbook, file, choice, key).await?,
            ))
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
    let report = SourceReport::zip_member(size, member.uncompressed_size, &member.name, names);
    Ok(match member.method {
        zip::Method::Stored => Source::Text(Opened {
            report: report.with_text_bytes(blob::size(&data)),
            text: data,
        }),
        _ => Source::Deflated(Deflated {
            data,
            format: "deflate-raw",
            text_size_hint: Some(member.uncompressed_size),
            stage: "Unzipping",
            report,
        }),
    })
}
