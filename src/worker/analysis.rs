//! A run in the analysis worker: the file read in slices (shared with the
//! helper as `engine::work_split` decides), then the analysis with the k
//! sweep shared the same way, into a new [`Session`].

use super::blob::{self, for_each_slice};
use super::helper_pool;
use super::inflating::read_while_inflating;
use super::marks::now_ms;
use super::messages::{mark, post};
use super::open::Deflated;
use super::progress::post_reading_progress;
use super::shared_queue::{next_task, SharedQueue};
use crate::engine::clustering::{
    kmeans_fit, queue_order, set_silhouettes, silhouette_labels, silhouette_pass,
};
use crate::engine::container::SourceReport;
use crate::engine::ingest::{
    merge_shares, sniff_with_settings, IngestOutcome, IngestRange, IngestSettings, Ingestor, Share,
};
use crate::engine::model::Labeller;
use crate::engine::pipeline::{self, Analysis, AnalysisSettings};
use crate::engine::rfm_import::looks_like_rfm_table;
use crate::engine::work_split::{later_parts, read_plan, ReadPlan, CUT_WINDOW};
use crate::protocol::helper::{accept_k, HelperReply, HelperRequest};
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
    // Read in two parts when a file of the text's size would be cut.
    let cut =
        deflated
            .text_size_hint
            .and_then(|hint| match read_plan(hint, sniffed.as_ref(), &ingest) {
                ReadPlan::Parts { purchase, .. } => Some((hint, purchase)),
                _ => None,
            });
    if let Some((hint, purchase)) = cut.filter(|_| !looks_like_rfm_table(&head)) {
        let reading = read_while_inflating(
            &deflated.data,
            deflated.format,
            hint,
            purchase,
            ingest.clone(),
        );
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

/// The k sweep shared with the free helpers through one queue (the
/// costliest ks first), then its silhouettes in fixed blocks through a
/// second one, and the rest of the analysis here. Returns the analysis and
/// how many workers shared the sweep.
async fn sweep_and_finish(
    prepared: pipeline::Prepared,
    progress: &mut dyn FnMut(&str, f64),
) -> Result<(Analysis, u8), WorkerError> {
    progress("Clustering", 0.05);
    let order = queue_order(&prepared.sweep_ks()?);
    let features = prepared.features();
    let settings = *prepared.kmeans();
    let fits = SharedQueue::new(order.len());
    // Only the helpers given this run's features measure its silhouettes.
    let mut sweeping = Vec::new();
    for helper in helper_pool::free() {
        if helper_pool::send_features(helper, features) {
            sweeping.push(helper);
            let (ks, customers) = (order.clone(), features.len());
            fits.serve_with(
                helper,
                {
                    let ks = ks.clone();
                    move |helper, item| helper_pool::fit_k_there(helper, *ks.get(item)?, &settings)
                },
                move |item, reply| accept_k(reply, *ks.get(item)?, customers),
            );
        }
    }
    let mut fitted = drain(
        &fits,
        |item| {
            Ok(kmeans_fit(
                features,
                *order.get(item).unwrap_or(&2),
                &settings,
            )?)
        },
        |done| progress("Clustering", 0.05 + 0.75 * done),
    )
    .await?;
    mark("sweep fitted");
    fitted.sort_by_key(|c| c.k);
    let ks: Vec<usize> = fitted.iter().map(|c| c.k).collect();
    let labels = silhouette_labels(features.len(), &fitted, settings.seed);
    let pass = silhouette_pass(features, &ks, &labels, settings.seed);
    let blocks = pass.blocks();
    let measures = SharedQueue::new(blocks.len());
    let helpers_free = helper_pool::free();
    for helper in sweeping.into_iter().filter(|h| helpers_free.contains(h)) {
        if helper_pool::send_silhouette_pass(helper, &ks, &labels, settings.seed) {
            let expected: Vec<(usize, usize)> = blocks.iter().map(|b| pass.shape(b)).collect();
            measures.serve_with(
                helper,
                helper_pool::silhouette_block_there,
                move |item, reply| {
                    let HelperReply::SilhouetteSums(sums) = reply else {
                        return None;
                    };
                    (expected.get(item) == Some(&(sums.first_row, sums.sums.len()))).then_some(sums)
                },
            );
        }
    }
    let sums = drain(
        &measures,
        |item| Ok(pass.block(blocks.get(item).cloned().unwrap_or(0..0))),
        |done| progress("Measuring cluster quality", 0.8 + 0.15 * done),
    )
    .await?;
    set_silhouettes(&mut fitted, &pass.finish(&sums));
    let workers = 1 + fits.helpers_used().max(measures.helpers_used()) as u8;
    Ok((prepared.finish(fitted)?, workers))
}

/// Takes items of `queue` here (`here(item)`) until every item's result is
/// in, from here or a helper; the results in item order. `progress(share)`
/// after each result.
async fn drain<T: 'static>(
    queue: &SharedQueue<T>,
    mut here: impl FnMut(usize) -> Result<T, WorkerError>,
    mut progress: impl FnMut(f64),
) -> Result<Vec<T>, WorkerError> {
    let count = queue.len();
    loop {
        let done = (0..count).filter(|&i| queue.has_result(i)).count();
        progress(done as f64 / count.max(1) as f64);
        if let Some(item) = queue.take() {
            queue.put(item, here(item)?);
            next_task().await;
            continue;
        }
        if done == count {
            break;
        }
        queue.changed().await;
    }
    Ok((0..count).filter_map(|item| queue.result(item)).collect())
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

/// Reads and cleans the file as [`read_plan`] decides: in parts taken by
/// this worker and its free helpers from one queue, in shares of the
/// customers, or all here. Returns the outcome and how many workers read.
/// `head` is the file's first bytes.
async fn ingest_shared(
    blob: &Blob,
    head: &[u8],
    settings: IngestSettings,
) -> Result<(IngestOutcome, u8), WorkerError> {
    let total = blob::size(blob);
    let sniffed = sniff_with_settings(head, &settings).ok();
    match read_plan(total, sniffed.as_ref(), &settings) {
        ReadPlan::Parts { from, purchase } => {
            let mut cuts = Vec::with_capacity(from.len());
            for from in from {
                let window = blob::read_slice(blob, from, (from + CUT_WINDOW).min(total))?.await?;
                cuts.extend(purchase.cut(&window, from, total));
            }
            let parts = later_parts(&cuts, total);
            match parts.first() {
                Some(&(first_cut, _)) => {
                    read_in_parts(blob, head, settings, first_cut, parts).await
                }
                None => Ok((ingest_here(blob, settings).await?, 1)),
            }
        }
        ReadPlan::Shares => read_in_shares(blob, settings).await,
        ReadPlan::One => Ok((ingest_here(blob, settings).await?, 1)),
    }
}

/// Each worker reads every record and keeps its share of the customers
/// (one share per worker: merging shares is exact whatever their number).
async fn read_in_shares(
    blob: &Blob,
    settings: IngestSettings,
) -> Result<(IngestOutcome, u8), WorkerError> {
    let helpers = helper_pool::free();
    let count = 1 + helpers.len() as u32;
    let queue = SharedQueue::new(count as usize);
    for helper in helpers {
        let (blob, settings) = (blob.clone(), settings.clone());
        queue.serve_with(
            helper,
            move |helper, item| {
                let request = HelperRequest::IngestShare {
                    ingest: settings.clone(),
                    share: Share {
                        index: item as u32,
                        count,
                    },
                };
                helper_pool::ingest_there(helper, &blob, &request)
            },
            |_, reply| match reply {
                HelperReply::ShareIngested(share) => Some(*share),
                _ => None,
            },
        );
    }
    loop {
        if let Some(item) = queue.take() {
            let mut ingestor = Ingestor::for_share(
                settings.clone(),
                Share {
                    index: item as u32,
                    count,
                },
            );
            stream(blob, "Reading and cleaning", |chunk| {
                Ok(ingestor.push(chunk)?)
            })
            .await?;
            // An error here (a missing column, an endless record) is the file's, the same for all.
            queue.put(item, ingestor.finish_share()?);
            continue;
        }
        if (0..count as usize).all(|i| queue.has_result(i)) {
            break;
        }
        queue.changed().await;
    }
    let shares: Vec<_> = (0..count as usize)
        .filter_map(|i| queue.result(i))
        .collect();
    let workers = 1 + queue.helpers_used() as u8;
    Ok((merge_shares(shares)?, workers))
}

/// Reads `..first_cut` here, while the free helpers and this worker take the
/// later `parts` from one queue (each read on its own, see
/// `Ingestor::continuing`); joins the parts in file order as they come.
/// When a part cannot be joined (a cut fell inside a quoted field, a row
/// repeats one of an earlier part, …), reads the whole file here in one
/// pass: that depends on the file and its cuts alone, so the outcome never
/// depends on the number of workers.
async fn read_in_parts(
    blob: &Blob,
    head: &[u8],
    settings: IngestSettings,
    first_cut: u64,
    parts: Vec<(u64, u64)>,
) -> Result<(IngestOutcome, u8), WorkerError> {
    let total = blob::size(blob);
    let queue = SharedQueue::new(parts.len());
    for helper in helper_pool::free() {
        let (blob, settings, parts) = (blob.clone(), settings.clone(), parts.clone());
        queue.serve_with(
            helper,
            move |helper, item| {
                let &(start, end) = parts.get(item)?;
                let request = HelperRequest::IngestRange {
                    ingest: settings.clone(),
                    start,
                    end,
                };
                helper_pool::ingest_there(helper, &blob, &request)
            },
            |_, reply| match reply {
                HelperReply::RangeIngested(range) => Some(*range),
                _ => None,
            },
        );
    }
    let part_bytes = |item: usize| parts.get(item).map_or(0, |&(start, end)| end - start);
    let done_before = |queue: &SharedQueue<IngestRange>, joined: usize| {
        first_cut
            + (0..parts.len())
                .filter(|&i| i < joined || queue.has_result(i))
                .map(part_bytes)
                .sum::<u64>()
    };
    let mut first = Ingestor::new(settings.clone());
    for_each_slice(&blob::slice(blob, 0, first_cut)?, |chunk, done| {
        first.push(chunk)?;
        post_reading_progress("Reading and cleaning", done, total);
        Ok(())
    })
    .await?;
    mark("read: first part done");
    let mut joining = first.into_joining()?;
    let mut joined = 0;
    while joined < parts.len() {
        if let Some(range) = queue.result(joined) {
            if !joining.can_join(&range) {
                mark("read: a part cannot be joined, reading in one pass");
                drop(queue);
                return Ok((ingest_here(blob, settings).await?, 1));
            }
            joining.take(range, joined + 1 == parts.len());
            joined += 1;
            continue;
        }
        if let Some(item) = queue.take() {
            let (start, end) = parts.get(item).copied().unwrap_or((total, total));
            let before = done_before(&queue, joined);
            let mut ingestor = Ingestor::continuing(settings.clone(), head)?;
            for_each_slice(&blob::slice(blob, start, end)?, |chunk, done| {
                ingestor.push(chunk)?;
                post_reading_progress("Reading and cleaning", before + done, total);
                Ok(())
            })
            .await?;
            queue.put(item, ingestor.finish_range()?);
            continue;
        }
        post_reading_progress("Reading and cleaning", done_before(&queue, joined), total);
        queue.changed().await;
    }
    mark("read: parts joined");
    let workers = 1 + queue.helpers_used() as u8;
    Ok((joining.finish()?, workers))
}
