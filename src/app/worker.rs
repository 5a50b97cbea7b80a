//! The analysis worker's side: runs inside a dedicated Web Worker so parsing
//! and clustering never block the page.

use super::helper;
use super::marks::now_ms;
use crate::engine::clustering::{self, compare};
use crate::engine::clv;
use crate::engine::ingest::{
    merge_shares, sniff_with_settings, Field, IngestOutcome, IngestSettings, Ingestor, Share,
    TextEncoding, SNIFF_WINDOW,
};
use crate::engine::model::SegmentationModel;
use crate::engine::pipeline::{self, Analysis, AnalysisSettings};
use crate::engine::rfm::ReferenceDate;
use crate::engine::rfm_import::{
    looks_like_rfm_table, ReferenceSource, RfmImportSettings, RfmTableIngestor,
};
use crate::worker_protocol::{
    encode_event, split_result, AppliedModel, DataSource, RunResult, WorkerEvent, WorkerRequest,
    CHUNK_BYTES, READING_SHARE,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

/// Entry point of the worker binary.
pub fn register() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        // Async only to await the sweep helper; everything else runs straight through.
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = handle(&data)
                .await
                .unwrap_or_else(|message| WorkerEvent::Failed { message });
            for message in split_result(outcome) {
                post(&message);
            }
            SPENT.with(|spent| spent.borrow_mut().clear());
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    if helper::is_helper() {
        post(&WorkerEvent::Ready);
    } else {
        // "Ready" once the helper has loaded and both have warmed up.
        helper::start(|| {
            wasm_bindgen_futures::spawn_local(async {
                warm_up().await;
                post(&WorkerEvent::Ready);
            })
        });
    }
}

/// Rows of the generated file analysed before saying "ready" (≈ 1.6 MB: read
/// in two parts, like a real file).
const WARM_UP_ROWS: usize = 20_000;

thread_local! {
    /// Set while warming up: nothing is posted to the page meanwhile.
    static WARMING_UP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// What a run no longer needs, freed once its result is posted: freeing
    /// the purchases of 540k rows took ≈ 25 ms, before the page got anything.
    static SPENT: std::cell::RefCell<Vec<Box<dyn std::any::Any>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn free_after_posting(spent: impl std::any::Any) {
    SPENT.with(|s| s.borrow_mut().push(Box::new(spent)));
}

/// Analyses a generated file through the same request path as the user's
/// files (both workers, results encoded), discarding everything: the browser
/// then compiles the hot code with its optimising tier now, while the page
/// waits for a file, instead of during the user's run (see `engine::warm_up`).
async fn warm_up() {
    let csv = crate::engine::warm_up::synthetic_transactions(WARM_UP_ROWS);
    let request = WorkerRequest::Analyze {
        file_name: "warm-up".into(),
        ingest: IngestSettings::default(),
        analysis: Box::default(),
    };
    let Ok(blob) = Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
        &js_sys::Uint8Array::from(csv.as_bytes()),
    )) else {
        return;
    };
    let Ok(message) = super::bridge::request_message(&request, "file", Some(&blob)) else {
        return;
    };
    WARMING_UP.set(true);
    // Twice: code that only gets hot on the second pass (per-customer loops
    // of a size the first pass did not reach) is optimised now too.
    let mut outcome = handle(&message).await;
    if outcome.is_ok() {
        outcome = handle(&message).await;
    }
    WARMING_UP.set(false);
    match outcome {
        // Encoding is part of every run too, and decoding on the page.
        Ok(WorkerEvent::Finished(result)) => post(&WorkerEvent::WarmUpResult(result)),
        // Only ever a speed-up: a real run reports any real problem.
        _ => web_sys::console::warn_1(&"the warm-up run failed".into()),
    }
}

fn post(event: &WorkerEvent) {
    if WARMING_UP.get() {
        return;
    }
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    match encode_event(event) {
        Ok(bytes) => {
            // Transfer the buffer instead of copying it; posting fails only when the page is gone.
            let message = js_sys::Uint8Array::from(bytes.as_slice());
            let transfer = js_sys::Array::of1(&message.buffer());
            drop(scope.post_message_with_transfer(&message, &transfer));
        }
        Err(err) => web_sys::console::error_1(&err.into()),
    }
}

/// A stage's mark (see `app::marks`), not while warming up.
fn mark(name: &str) {
    if !WARMING_UP.get() {
        super::marks::mark(name);
    }
}

/// `work` behind a pointer, so its code stays a function of its own instead
/// of being inlined into `handle`'s: that one state machine had grown to
/// 115 KB of WebAssembly, which Chromium took ≈ 0.6 s to optimise — on the
/// cores the analysis runs on.
fn apart<'a, T>(
    work: impl std::future::Future<Output = T> + 'a,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>> {
    Box::pin(work)
}

async fn handle(data: &JsValue) -> Result<WorkerEvent, String> {
    let request_json = js_sys::Reflect::get(data, &"request".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("internal error: the worker received a message without a request")?;
    let request: WorkerRequest = serde_json::from_str(&request_json)
        .map_err(|e| format!("internal error: bad worker request: {e}"))?;
    let file = || -> Result<Blob, String> {
        js_sys::Reflect::get(data, &"file".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| "internal error: the worker received no file".to_string())
    };
    match request {
        WorkerRequest::Sniff { settings } => {
            apart(async move {
                let blob = file()?;
                let head = read_head(&blob).await?;
                if looks_like_rfm_table(&head) {
                    return Ok(WorkerEvent::RfmTableDetected);
                }
                let report = sniff_with_settings(&head, &settings).map_err(|e| e.to_string())?;
                Ok(WorkerEvent::Sniffed(Box::new(report)))
            })
            .await
        }
        WorkerRequest::Analyze {
            file_name,
            ingest,
            analysis,
        } => {
            apart(async move {
                let blob = file()?;
                let head = read_head(&blob).await?;
                if looks_like_rfm_table(&head) {
                    return apart(analyze_rfm_table(&blob, file_name, &analysis)).await;
                }
                let started = now_ms();
                let total = blob.size() as u64;
                mark("read: start");
                let (outcome, ingest_workers) = apart(ingest_shared(&blob, &head, ingest)).await?;
                mark("read: done");
                let ingested = now_ms();
                let mut progress = analysis_progress(total);
                progress("Computing RFM", 0.0);
                let prepared =
                    pipeline::prepare(&outcome.ledger, &analysis).map_err(|e| e.to_string())?;
                mark("prepared (RFM, scores, features)");
                let (result, sweep_workers) =
                    apart(sweep_and_finish(prepared, &mut progress)).await?;
                mark("analysis: done");
                free_after_posting(outcome.ledger.customers);
                Ok(WorkerEvent::Finished(Box::new(RunResult {
                    file_name,
                    source: DataSource::Transactions {
                        format: outcome.format,
                        report: outcome.report,
                    },
                    monthly: outcome.ledger.monthly,
                    analysis: result,
                    ingest_ms: ingested - started,
                    analysis_ms: now_ms() - ingested,
                    ingest_workers,
                    sweep_workers,
                    worker_memory_bytes: wasm_memory_bytes(),
                })))
            })
            .await
        }
        WorkerRequest::PredictClv {
            ingest,
            reference_date,
            settings,
        } => {
            apart(async move {
                let blob = file()?;
                let outcome = apart(ingest_blob(&blob, ingest)).await?;
                post(&WorkerEvent::Progress {
                    stage: "Fitting BG/NBD and Gamma-Gamma".into(),
                    fraction: READING_SHARE,
                    bytes_done: blob.size() as u64,
                    bytes_total: blob.size() as u64,
                });
                let report = clv::predict(&outcome.ledger, reference_date, &settings)
                    .map_err(|e| e.to_string())?;
                Ok(WorkerEvent::ClvPredicted(Box::new(report)))
            })
            .await
        }
        WorkerRequest::FitMethod { features, settings } => {
            let fit = clustering::fit_method(&features, &settings)
                .map_err(|e| e.to_string())?
                .ok_or("k-means needs no separate fit: choose a k instead")?;
            Ok(WorkerEvent::MethodFitted(Box::new(fit)))
        }
        WorkerRequest::IngestShare { ingest, share } => {
            apart(async move {
                let blob = file()?;
                let mut ingestor = Ingestor::for_share(ingest, share);
                apart(push_all(&blob, &mut ingestor)).await?;
                let share = ingestor.finish_share().map_err(|e| e.to_string())?;
                Ok(WorkerEvent::ShareIngested(Box::new(share)))
            })
            .await
        }
        WorkerRequest::IngestRange { ingest, start } => {
            apart(async move {
                let blob = file()?;
                mark("helper: reading");
                let head = read_head(&blob).await?;
                let mut ingestor =
                    Ingestor::continuing(ingest, &head).map_err(|e| e.to_string())?;
                let rest = blob
                    .slice_with_f64_and_f64(start as f64, blob.size())
                    .map_err(|_| "could not slice the file".to_string())?;
                apart(push_all(&rest, &mut ingestor)).await?;
                let range = ingestor.finish_range().map_err(|e| e.to_string())?;
                mark("helper: read");
                Ok(WorkerEvent::RangeIngested(Box::new(range)))
            })
            .await
        }
        WorkerRequest::FitKs { ks, settings } => {
            let features = helper::features_of(data)?;
            mark("helper: fitting");
            let fitted = clustering::fit_ks(&features, &ks, &settings, &mut |_, _| {})
                .map_err(|e| e.to_string())?;
            mark("helper: fitted");
            Ok(WorkerEvent::KsFitted(fitted))
        }
        WorkerRequest::CompareMethods {
            features,
            kmeans,
            gmm,
            dbscan,
        } => Ok(WorkerEvent::MethodsCompared(Box::new(compare(
            &features, &kmeans, &gmm, &dbscan,
        )))),
        WorkerRequest::ApplyModel {
            file_name,
            model_json,
            ingest,
            by_rules,
        } => {
            apart(async move {
                let blob = file()?;
                let model = SegmentationModel::from_json(&model_json).map_err(|e| e.to_string())?;
                let outcome = apart(ingest_blob(&blob, ingest)).await?;
                let (assignments, method) = if by_rules {
                    (
                        model.apply_rules(&outcome.ledger),
                        "the model's decision rules",
                    )
                } else {
                    (model.apply(&outcome.ledger), "the nearest cluster centre")
                };
                let assignments = assignments.map_err(|e| e.to_string())?;
                Ok(WorkerEvent::Applied(Box::new(AppliedModel {
                    file_name,
                    model_trained_on: format!(
                        "{} customers, reference date {}",
                        model.trained_on.customers, model.trained_on.reference_date
                    ),
                    method: method.into(),
                    assignments,
                    rows_read: outcome.report.rows_read,
                    rows_kept: outcome.report.rows_kept,
                })))
            })
            .await
        }
    }
}

/// Feeds all of `blob` to `ingestor` (a helper's part: no progress to post).
async fn push_all(blob: &Blob, ingestor: &mut Ingestor) -> Result<(), String> {
    for_each_slice(blob, |chunk, _| {
        ingestor.push(chunk).map_err(|e| e.to_string())
    })
    .await
}

/// Progress of the analysis stage, after the file has been read.
fn analysis_progress(total: u64) -> impl FnMut(&str, f64) {
    move |stage, fraction| {
        post(&WorkerEvent::Progress {
            stage: stage.into(),
            fraction: READING_SHARE + (1.0 - READING_SHARE) * fraction,
            bytes_done: total,
            bytes_total: total,
        })
    }
}

async fn read_head(blob: &Blob) -> Result<Vec<u8>, String> {
    let total = blob.size() as u64;
    read_slice_async(blob, 0, total.min(SNIFF_WINDOW as u64))?.await
}

/// The k sweep shared with the helper worker (half the ks each, on two
/// cores), then the rest of the analysis. Without a helper, or when it
/// fails, this worker fits every k.
/// Returns the analysis and how many workers fitted the sweep.
async fn sweep_and_finish(
    prepared: pipeline::Prepared,
    progress: &mut dyn FnMut(&str, f64),
) -> Result<(Analysis, u8), String> {
    progress("Clustering", 0.05);
    let ks = prepared.sweep_ks().map_err(|e| e.to_string())?;
    let (own, theirs) = clustering::split_ks(&ks);
    let features = prepared.features();
    let reply = match theirs.is_empty() {
        true => None,
        false => helper::fit_ks(features, &theirs, prepared.kmeans()),
    };
    let Some(reply) = reply else {
        let analysis = prepared
            .sweep_and_finish(progress)
            .map_err(|e| e.to_string())?;
        return Ok((analysis, 1));
    };
    let mut sweep = clustering::fit_ks(features, &own, prepared.kmeans(), &mut |done, total| {
        progress(
            "Clustering",
            0.05 + 0.85 * done as f64 / total.max(1) as f64,
        )
    })
    .map_err(|e| e.to_string())?;
    mark("own ks fitted");
    progress("Clustering (second worker)", 0.9);
    let helped = reply
        .await
        .ok()
        .and_then(|event| helper::accept(event, &theirs, features.len()));
    let (others, workers) = match helped {
        Some(clusterings) => (clusterings, 2),
        None => (
            clustering::fit_ks(features, &theirs, prepared.kmeans(), &mut |_, _| {})
                .map_err(|e| e.to_string())?,
            1,
        ),
    };
    sweep.extend(others);
    mark("helper's ks received");
    progress("Measuring cluster quality", 1.0);
    let analysis = prepared.finish(sweep).map_err(|e| e.to_string())?;
    Ok((analysis, workers))
}

/// An RFM table (the warehouse SQL's output, or Segmento's own export):
/// streamed in slices like transactions, then clustered.
async fn analyze_rfm_table(
    blob: &Blob,
    file_name: String,
    analysis: &AnalysisSettings,
) -> Result<WorkerEvent, String> {
    let started = now_ms();
    let total = blob.size() as u64;
    let reference_date = match analysis.rfm.reference {
        ReferenceDate::Fixed(date) => Some(date),
        ReferenceDate::DayAfterLast => None,
    };
    let mut ingestor = RfmTableIngestor::new(RfmImportSettings {
        reference_date,
        ..RfmImportSettings::default()
    });
    stream_blob(blob, "Reading the RFM table", |chunk| {
        ingestor.push(chunk).map_err(|e| e.to_string())
    })
    .await?;
    let outcome = ingestor.finish().map_err(|e| e.to_string())?;
    let ingested = now_ms();
    let rows = outcome.table.rows.len();
    let reference_from = match outcome.reference_from {
        ReferenceSource::Settings => "the reference date set in the RFM definitions",
        ReferenceSource::Header => "the recency column's name",
        ReferenceSource::Column => "the reference_date column",
    };
    let mut progress = analysis_progress(total);
    progress("Reading the RFM table", 0.0);
    let prepared = pipeline::prepare_table(outcome.table, analysis).map_err(|e| e.to_string())?;
    let (result, sweep_workers) = sweep_and_finish(prepared, &mut progress).await?;
    Ok(WorkerEvent::Finished(Box::new(RunResult {
        file_name,
        source: DataSource::RfmTable {
            rows,
            delimiter: outcome.delimiter,
            decimal_comma: outcome.decimal_comma,
            columns: outcome.columns,
            reference_from: reference_from.into(),
        },
        monthly: Vec::new(),
        analysis: result,
        ingest_ms: ingested - started,
        analysis_ms: now_ms() - ingested,
        ingest_workers: 1,
        sweep_workers,
        worker_memory_bytes: wasm_memory_bytes(),
    })))
}

fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |m| {
            m.buffer()
                .unchecked_into::<js_sys::ArrayBuffer>()
                .byte_length() as f64
        })
}

/// Streams `blob` through the ingest in slices, reporting progress after each.
async fn ingest_blob(blob: &Blob, settings: IngestSettings) -> Result<IngestOutcome, String> {
    let mut ingestor = Ingestor::new(settings);
    stream_blob(blob, "Reading and cleaning", |chunk| {
        ingestor.push(chunk).map_err(|e| e.to_string())
    })
    .await?;
    ingestor.finish().map_err(|e| e.to_string())
}

/// Feeds `blob` to `push` in slices (see [`for_each_slice`]), posting
/// progress after each.
async fn stream_blob(
    blob: &Blob,
    stage: &str,
    mut push: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let total = blob.size() as u64;
    for_each_slice(blob, |chunk, done| {
        push(chunk)?;
        post_progress(stage, done, total);
        Ok(())
    })
    .await
}

fn post_progress(stage: &str, done: u64, total: u64) {
    post(&WorkerEvent::Progress {
        stage: stage.into(),
        fraction: READING_SHARE * done as f64 / total.max(1) as f64,
        bytes_done: done,
        bytes_total: total,
    });
}

fn post_reading_progress(done: u64, total: u64) {
    post_progress("Reading and cleaning", done, total);
}

/// Where to cut the file for [`ingest_in_two_parts`]: just after the first
/// line break from [`OWN_PART`] of it on. `None` when the file is small, its format
/// cannot be cut (UTF-16; a status column, whose empty cells inherit their
/// order's earlier verdict) or the head does not sniff (the single-worker
/// path reports why).
async fn cut_in_two(
    blob: &Blob,
    head: &[u8],
    settings: &IngestSettings,
) -> Result<Option<u64>, String> {
    let total = blob.size() as u64;
    if total < MIN_BYTES_FOR_TWO_PARTS {
        return Ok(None);
    }
    let Ok(sniffed) = sniff_with_settings(head, settings) else {
        return Ok(None);
    };
    let byte_oriented = matches!(
        sniffed.encoding,
        TextEncoding::Utf8 | TextEncoding::Windows1252
    );
    if !byte_oriented || sniffed.mapping.index(Field::Status).is_some() {
        return Ok(None);
    }
    let from = (total as f64 * OWN_PART) as u64;
    let window = read_slice_async(blob, from, (from + CUT_WINDOW).min(total))?.await?;
    // Not before a byte-order mark: the later part's reader would drop it.
    let cut = window
        .windows(2)
        .position(|pair| pair[0] == b'\n' && pair[1] != 0xEF)
        .map(|i| from + i as u64 + 1);
    Ok(cut.filter(|&cut| cut < total))
}

/// Reads `..cut` here while the helper reads `cut..` (see
/// `Ingestor::continuing`), then joins the parts. When they cannot be joined
/// (the cut fell inside a quoted field, a row after it repeats one before
/// it, …) or the helper failed, reads on here from the cut: the outcome is
/// always the single pass's (up to the last bit of a purchase with lines on
/// both sides of the cut).
async fn ingest_in_two_parts(
    blob: &Blob,
    settings: IngestSettings,
    cut: u64,
    reply: futures_channel::oneshot::Receiver<WorkerEvent>,
) -> Result<(IngestOutcome, u8), String> {
    let total = blob.size() as u64;
    let slice = |start: u64, end: u64| {
        blob.slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|_| "could not slice the file".to_string())
    };
    let mut ingestor = Ingestor::new(settings);
    // Progress: this part's share of the file, as both parts advance alike.
    for_each_slice(&slice(0, cut)?, |chunk, done| {
        ingestor.push(chunk).map_err(|e| e.to_string())?;
        post_reading_progress(done * total / cut.max(1), total);
        Ok(())
    })
    .await?;
    mark("read: own part done");
    if let Ok(WorkerEvent::RangeIngested(later)) = reply.await {
        mark("read: other part received");
        if ingestor.can_join(&later) {
            let outcome = ingestor.join(*later).map_err(|e| e.to_string())?;
            return Ok((outcome, 2));
        }
    }
    for_each_slice(&slice(cut, total)?, |chunk, done| {
        ingestor.push(chunk).map_err(|e| e.to_string())?;
        post_reading_progress(cut + done, total);
        Ok(())
    })
    .await?;
    Ok((ingestor.finish().map_err(|e| e.to_string())?, 1))
}

/// Feeds `blob` to `push` in slices (the first `FIRST_SLICE_BYTES`, then
/// `CHUNK_BYTES` each), with the bytes done after each. The next slice is
/// read (by the browser, off this thread) while this one is processed:
/// reading a 40 MB file slice by slice with `FileReaderSync` took ≈ 260 ms
/// of each worker's time in Chromium.
async fn for_each_slice(
    blob: &Blob,
    mut push: impl FnMut(&[u8], u64) -> Result<(), String>,
) -> Result<(), String> {
    let total = blob.size() as u64;
    let mut end = FIRST_SLICE_BYTES.min(total);
    let mut next = (total > 0).then(|| read_slice_async(blob, 0, end));
    while let Some(reading) = next.take() {
        let bytes = reading?.await?;
        let done = end;
        if done < total {
            end = (done + CHUNK_BYTES).min(total);
            next = Some(read_slice_async(blob, done, end));
        }
        push(&bytes, done)?;
    }
    Ok(())
}

/// Starts reading `start..end` of `blob`; await the result for its bytes.
fn read_slice_async(
    blob: &Blob,
    start: u64,
    end: u64,
) -> Result<impl std::future::Future<Output = Result<Vec<u8>, String>>, String> {
    let slice = blob
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|_| "could not slice the file".to_string())?;
    let reading = wasm_bindgen_futures::JsFuture::from(slice.array_buffer());
    Ok(async move {
        let buffer = reading.await.map_err(|_| {
            "the browser could not read the file (was it moved or deleted?)".to_string()
        })?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    })
}

/// The share of the file this worker reads; the helper reads the rest. More
/// than half: after its part the helper still builds, encodes and posts its
/// outcome, which this worker decodes before joining. At 540k rows in
/// Chromium, cut at the middle, this worker waited ≈ 120 ms for it; at 55%
/// the helper's part came ≈ 120 ms before this one was done.
const OWN_PART: f64 = 0.53;

/// Bytes read from the cut on to find the line break to cut at:
/// a line longer than this leaves the file to the customer-share path.
const CUT_WINDOW: u64 = 64 * 1024;

/// The first slice of a file is small, so processing starts as soon as it
/// is read (a 4 MB slice takes 12–18 ms to arrive in Chromium, a 256 kB
/// one 2–4 ms); the next ones are read while the previous is processed.
const FIRST_SLICE_BYTES: u64 = 256 * 1024;

/// Files from this size on are read in two parts cut at a line break (see
/// [`OWN_PART`]), one per worker (see [`ingest_in_two_parts`]).
const MIN_BYTES_FOR_TWO_PARTS: u64 = 256 * 1024;

/// Reads and cleans the file in two workers when there is a helper: in two
/// parts cut at a line break when the format allows (see
/// [`ingest_in_two_parts`]), else half of the customers' rows here and half
/// in the helper (both read every record; each parses and folds its own
/// customers' rows), merged into exactly the single-pass outcome. Without a
/// helper, or when it fails, reads everything here. Returns the outcome and
/// how many workers read. `head` is the file's first bytes (see `read_head`).
async fn ingest_shared(
    blob: &Blob,
    head: &[u8],
    settings: IngestSettings,
) -> Result<(IngestOutcome, u8), String> {
    if let Some(cut) = cut_in_two(blob, head, &settings).await? {
        if let Some(reply) = helper::ingest(
            blob,
            &WorkerRequest::IngestRange {
                ingest: settings.clone(),
                start: cut,
            },
        ) {
            return ingest_in_two_parts(blob, settings, cut, reply).await;
        }
    }
    let theirs = Share { index: 1, count: 2 };
    let reply = match Share::exact_for(&settings) {
        true => helper::ingest(
            blob,
            &WorkerRequest::IngestShare {
                ingest: settings.clone(),
                share: theirs,
            },
        ),
        false => None,
    };
    let Some(reply) = reply else {
        return Ok((ingest_blob(blob, settings).await?, 1));
    };
    let mut ingestor = Ingestor::for_share(settings.clone(), Share { index: 0, count: 2 });
    stream_blob(blob, "Reading and cleaning", |chunk| {
        ingestor.push(chunk).map_err(|e| e.to_string())
    })
    .await?;
    // An error here (a missing column, an endless record) is the file's, the same for both.
    let own = ingestor.finish_share().map_err(|e| e.to_string())?;
    match reply.await {
        Ok(WorkerEvent::ShareIngested(other)) => {
            let outcome = merge_shares(vec![own, *other]).map_err(|e| e.to_string())?;
            Ok((outcome, 2))
        }
        _ => Ok((ingest_blob(blob, settings).await?, 1)),
    }
}
