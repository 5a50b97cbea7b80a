//! A run in the analysis worker: the file read in slices (shared with the
//! helper as `engine::work_split` decides), then the analysis with the k
//! sweep shared the same way, into a new [`Session`].

use super::blob::{self, for_each_slice};
use super::helper_pool::{fit_ks_there, ingest_there};
use super::inflating::read_while_inflating;
use super::marks::now_ms;
use super::messages::{mark, post};
use super::open::Deflated;
use super::progress::post_reading_progress;
use crate::engine::clustering::{fit_ks, split_ks};
use crate::engine::container::SourceReport;
use crate::engine::ingest::{
    merge_shares, sniff_with_settings, IngestOutcome, IngestSettings, Ingestor, Share,
};
use crate::engine::model::Labeller;
use crate::engine::pipeline::{self, Analysis, AnalysisSettings};
use crate::engine::rfm_import::looks_like_rfm_table;
use crate::engine::work_split::{cut_at, read_plan, ReadPlan, CUT_WINDOW};
use crate::protocol::helper::{accept_ks, HelperReply, HelperRequest};
use crate::protocol::page::{WorkerEvent, READING_SHARE};
use crate::session::run::{self, table_ingestor, table_source};
use crate::session::{Session, WorkerError};
use crate::views::dashboard::{AppliedModel, RunInfo, RunStats};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::Blob;

thread_local! {
    /// What a run no longer needs, freed once its result is posted.
    static SPENT: RefCell<Vec<Box<dyn std::any::Any>>> = const { RefCell::new(Vec::new()) };
}

pub fn free_after_posting(spent: impl std::any::Any) {
    SPENT.with(|s| s.borrow_mut().push(Box::new(spent)));
}

pub fn free_spent() {
    SPENT.with(|spent| spent.borrow_mut().clear());
}

/// `work` behind a pointer, so its code stays a function of its own instead
/// of being inlined into its caller's state machine: one very large async
/// function is slow for the browser to optimise.
fn apart<'a, T>(
    work: impl std::future::Future<Output = T> + 'a,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>> {
    Box::pin(work)
}

/// Reads and analyses `blob` into a session.
pub async fn analyse(
    blob: &Blob,
    file_name: String,
    ingest: IngestSettings,
    settings: &AnalysisSettings,
) -> Result<Session, WorkerError> {
    let head = blob::read_head(blob).await?;
    if looks_like_rfm_table(&head) {
        return apart(analyse_rfm_table(blob, file_name, settings)).await;
    }
    let started = now_ms();
    mark("read: start");
    let (outcome, ingest_workers) = apart(ingest_shared(blob, &head, ingest)).await?;
    mark("read: done");
    let read = Read {
        started,
        total: blob::size(blob),
        workers: ingest_workers,
    };
    apart(analyse_outcome(file_name, outcome, read, settings)).await
}

/// Reads and analyses a compressed text into a session, reading it while
/// the helper decompresses it when the text can be cut in two; returns
/// where the text came from too.
pub async fn analyse_deflated(
    deflated: &Deflated,
    file_name: String,
    ingest: IngestSettings,
    settings: &AnalysisSettings,
) -> Result<(Session, SourceReport), WorkerError> {
    let started = now_ms();
    let head = deflated.head().await?;
    let sniffed = sniff_with_settings(&head, &ingest).ok();
    let cuttable = |hint| {
        matches!(
            read_plan(hint, sniffed.as_ref(), &ingest),
            ReadPlan::TwoParts { .. }
        )
    };
    let text_size_hint = deflated.text_size_hint.filter(|&hint| cuttable(hint));
    if let Some(hint) = text_size_hint.filter(|_| !looks_like_rfm_table(&head)) {
        let reading = read_while_inflating(&deflated.data, deflated.format, hint, ingest.clone());
        if let Some(inflated) = apart(reading).await? {
            mark("read: done");
            let report = deflated.report.clone().with_text_bytes(inflated.text_bytes);
            let read = Read {
                started,
                total: blob::size(&deflated.data),
                workers: inflated.workers,
            };
            let session =
                apart(analyse_outcome(file_name, inflated.outcome, read, settings)).await?;
            return Ok((session, report));
        }
    }
    let opened = deflated.inflate().await?;
    let session = analyse(&opened.text, file_name, ingest, settings).await?;
    Ok((session, opened.report))
}

/// How the file was read: when reading started, its size, by how many workers.
struct Read {
    started: f64,
    total: u64,
    workers: u8,
}

/// The analysis of a file's cleaned transactions, into a session.
async fn analyse_outcome(
    file_name: String,
    outcome: IngestOutcome,
    read: Read,
    settings: &AnalysisSettings,
) -> Result<Session, WorkerError> {
    let ingested = now_ms();
    let mut progress = analysis_progress(read.total);
    progress("Computing RFM", 0.0);
    let prepared = pipeline::prepare(&outcome.ledger, settings)?;
    mark("prepared (RFM, scores, features)");
    let (analysis, sweep_workers) = apart(sweep_and_finish(prepared, &mut progress)).await?;
    mark("analysis: done");
    let stats = RunStats {
        ingest_ms: ingested - read.started,
        analysis_ms: now_ms() - ingested,
        ingest_workers: read.workers,
        sweep_workers,
        worker_memory_bytes: wasm_memory_bytes(),
    };
    Ok(run::transactions_session(
        file_name, outcome, analysis, stats,
    ))
}

/// An RFM table (the warehouse SQL's output, or Segmento's own export):
/// streamed in slices like transactions, then clustered.
async fn analyse_rfm_table(
    blob: &Blob,
    file_name: String,
    settings: &AnalysisSettings,
) -> Result<Session, WorkerError> {
    let started = now_ms();
    let total = blob::size(blob);
    let mut reader = table_ingestor(settings);
    stream(blob, "Reading the RFM table", |chunk| {
        Ok(reader.push(chunk)?)
    })
    .await?;
    let (source, table) = table_source(reader.finish()?);
    let ingested = now_ms();
    let mut progress = analysis_progress(total);
    progress("Reading the RFM table", 0.0);
    let prepared = pipeline::prepare_table(table, settings)?;
    let (analysis, sweep_workers) = sweep_and_finish(prepared, &mut progress).await?;
    let run = RunInfo {
        file_name,
        read_from: String::new(),
        source,
        monthly: Vec::new(),
        stats: RunStats {
            ingest_ms: ingested - started,
            analysis_ms: now_ms() - ingested,
            ingest_workers: 1,
            sweep_workers,
            worker_memory_bytes: wasm_memory_bytes(),
        },
    };
    Ok(Session::new(run, analysis, None))
}

/// Labels the customers of `blob` with a saved model.
pub async fn apply_model(
    blob: &Blob,
    file_name: String,
    model_json: &str,
    ingest: IngestSettings,
    labeller: Labeller,
) -> Result<AppliedModel, WorkerError> {
    let outcome = apart(ingest_here(blob, ingest)).await?;
    run::apply_model(file_name, model_json, &outcome, labeller)
}

/// Progress of the analysis stage, after the file has been read.
fn analysis_progress(total: u64) -> impl FnMut(&str, f64) {
    move |stage, fraction| {
        post(
            0,
            WorkerEvent::Progress {
                stage: stage.into(),
                fraction: READING_SHARE + (1.0 - READING_SHARE) * fraction,
                bytes_done: total,
                bytes_total: total,
            },
        )
    }
}

/// The k sweep shared with the helper (the ks split by `split_ks`), then
/// the rest of the analysis. Without a helper, or when it fails, this
/// worker fits every k. Returns the analysis and how many workers fitted.
async fn sweep_and_finish(
    prepared: pipeline::Prepared,
    progress: &mut dyn FnMut(&str, f64),
) -> Result<(Analysis, u8), WorkerError> {
    progress("Clustering", 0.05);
    let ks = prepared.sweep_ks()?;
    let (own, theirs) = split_ks(&ks);
    let features = prepared.features();
    let reply = match theirs.is_empty() {
        true => None,
        false => fit_ks_there(features, &theirs, prepared.kmeans()),
    };
    let Some(reply) = reply else {
        return Ok((prepared.sweep_and_finish(progress)?, 1));
    };
    let mut sweep = fit_ks(features, &own, prepared.kmeans(), &mut |done, total| {
        progress(
            "Clustering",
            0.05 + 0.85 * done as f64 / total.max(1) as f64,
        )
    })?;
    mark("own ks fitted");
    progress("Clustering (second worker)", 0.9);
    let helped = reply
        .await
        .ok()
        .and_then(|reply| accept_ks(reply, &theirs, features.len()));
    let (others, workers) = match helped {
        Some(clusterings) => (clusterings, 2),
        None => (
            fit_ks(features, &theirs, prepared.kmeans(), &mut |_, _| {})?,
            1,
        ),
    };
    sweep.extend(others);
    mark("helper's ks received");
    progress("Measuring cluster quality", 1.0);
    Ok((prepared.finish(sweep)?, workers))
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

/// Streams `blob` through `push` in slices, posting progress after each.
async fn stream(
    blob: &Blob,
    stage: &str,
    mut push: impl FnMut(&[u8]) -> Result<(), WorkerError>,
) -> Result<(), WorkerError> {
    let total = blob::size(blob);
    for_each_slice(blob, |chunk, done| {
        push(chunk)?;
        post_reading_progress(stage, done, total);
        Ok(())
    })
    .await
}

/// Reads and cleans all of `blob` in this worker.
async fn ingest_here(blob: &Blob, settings: IngestSettings) -> Result<IngestOutcome, WorkerError> {
    let mut ingestor = Ingestor::new(settings);
    stream(blob, "Reading and cleaning", |chunk| {
        Ok(ingestor.push(chunk)?)
    })
    .await?;
    Ok(ingestor.finish()?)
}

/// Reads and cleans the file in two workers when there is a helper, as
/// [`read_plan`] decides; else everything here. Returns the outcome and how
/// many workers read. `head` is the file's first bytes.
async fn ingest_shared(
    blob: &Blob,
    head: &[u8],
    settings: IngestSettings,
) -> Result<(IngestOutcome, u8), WorkerError> {
    let total = blob::size(blob);
    let sniffed = sniff_with_settings(head, &settings).ok();
    let plan = read_plan(total, sniffed.as_ref(), &settings);
    if let ReadPlan::TwoParts { from } = plan {
        let window = blob::read_slice(blob, from, (from + CUT_WINDOW).min(total))?.await?;
        if let Some(cut) = cut_at(&window, from, total) {
            let request = HelperRequest::IngestRange {
                ingest: settings.clone(),
                start: cut,
            };
            if let Some(reply) = ingest_there(blob, &request) {
                return ingest_in_two_parts(blob, settings, cut, reply).await;
            }
        }
    }
    let reply = match plan {
        ReadPlan::One => None,
        _ if !Share::exact_for(&settings) => None,
        _ => ingest_there(
            blob,
            &HelperRequest::IngestShare {
                ingest: settings.clone(),
                share: Share { index: 1, count: 2 },
            },
        ),
    };
    let Some(reply) = reply else {
        return Ok((ingest_here(blob, settings).await?, 1));
    };
    let mut ingestor = Ingestor::for_share(settings.clone(), Share { index: 0, count: 2 });
    stream(blob, "Reading and cleaning", |chunk| {
        Ok(ingestor.push(chunk)?)
    })
    .await?;
    // An error here (a missing column, an endless record) is the file's, the same for both.
    let own = ingestor.finish_share()?;
    match reply.await {
        Ok(HelperReply::ShareIngested(other)) => Ok((merge_shares(vec![own, *other])?, 2)),
        _ => Ok((ingest_here(blob, settings).await?, 1)),
    }
}

/// Reads `..cut` here while the helper reads `cut..` (see
/// `Ingestor::continuing`), then joins the parts. When they cannot be joined
/// (the cut fell inside a quoted field, a row after it repeats one before
/// it, …) or the helper failed, reads on here from the cut: the outcome is
/// always the single pass's.
async fn ingest_in_two_parts(
    blob: &Blob,
    settings: IngestSettings,
    cut: u64,
    reply: futures_channel::oneshot::Receiver<HelperReply>,
) -> Result<(IngestOutcome, u8), WorkerError> {
    let total = blob::size(blob);
    let mut ingestor = Ingestor::new(settings);
    // Progress: this part's share of the file, as both parts advance alike.
    for_each_slice(&blob::slice(blob, 0, cut)?, |chunk, done| {
        ingestor.push(chunk)?;
        post_reading_progress("Reading and cleaning", done * total / cut.max(1), total);
        Ok(())
    })
    .await?;
    mark("read: own part done");
    if let Ok(HelperReply::RangeIngested(later)) = reply.await {
        mark("read: other part received");
        if ingestor.can_join(&later) {
            let outcome = ingestor.join(*later)?;
            return Ok((outcome, 2));
        }
    }
    for_each_slice(&blob::slice(blob, cut, total)?, |chunk, done| {
        ingestor.push(chunk)?;
        post_reading_progress("Reading and cleaning", cut + done, total);
        Ok(())
    })
    .await?;
    Ok((ingestor.finish()?, 1))
}
