//! Reading a `Blob` (the user's file) in slices, the next one read by the
//! browser, off this thread, while this one is processed.

use crate::engine::ingest::SNIFF_WINDOW;
use crate::engine::work_split::slices;
use crate::session::WorkerError;
use web_sys::Blob;

fn unreadable() -> WorkerError {
    WorkerError::Browser("the browser could not read the file (was it moved or deleted?)".into())
}

pub fn size(blob: &Blob) -> u64 {
    blob.size() as u64
}

/// `start..end` of `blob` as a blob of its own.
pub fn slice(blob: &Blob, start: u64, end: u64) -> Result<Blob, WorkerError> {
    blob.slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|_| WorkerError::Browser("could not slice the file".into()))
}

/// Starts reading `start..end` of `blob`; await the result for its bytes.
pub fn read_slice(
    blob: &Blob,
    start: u64,
    end: u64,
) -> Result<impl std::future::Future<Output = Result<Vec<u8>, WorkerError>>, WorkerError> {
    let reading = wasm_bindgen_futures::JsFuture::from(slice(blob, start, end)?.array_buffer());
    Ok(async move {
        let buffer = reading.await.map_err(|_| unreadable())?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    })
}

/// The file's first bytes, for sniffing.
pub async fn read_head(blob: &Blob) -> Result<Vec<u8>, WorkerError> {
    read_slice(blob, 0, size(blob).min(SNIFF_WINDOW as u64))?.await
}

/// Feeds `blob` to `push` in slices (see [`slices`]), with the bytes done
/// after each. A warm-up stops between slices when the page sends a request.
pub async fn for_each_slice(
    blob: &Blob,
    mut push: impl FnMut(&[u8], u64) -> Result<(), WorkerError>,
) -> Result<(), WorkerError> {
    let mut ranges = slices(size(blob));
    let mut next = match ranges.next() {
        Some((start, end)) => Some((read_slice(blob, start, end)?, end)),
        None => None,
    };
    while let Some((reading, done)) = next.take() {
        let bytes = reading.await?;
        super::messages::interrupted()?;
        if let Some((start, end)) = ranges.next() {
            next = Some((read_slice(blob, start, end)?, end));
        }
        push(&bytes, done)?;
    }
    Ok(())
}
