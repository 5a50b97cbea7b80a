//! Reading a compressed file while it is decompressed: the helper inflates
//! it and sends the text before a cut as it comes, which this worker reads
//! meanwhile; then the helper reads the text after the cut, and the two
//! parts are joined as for a plain file cut in two (see
//! `analysis::ingest_in_two_parts`). The outcome is always the single
//! pass's: when the parts cannot be joined this worker reads the rest too.

use super::blob;
use super::helper_pool::inflate_there;
use super::messages::mark;
use super::progress::post_reading_progress;
use crate::engine::ingest::{IngestOutcome, IngestSettings, Ingestor};
use crate::engine::work_split::{PurchaseKey, INFLATING_OWN_PART};
use crate::protocol::helper::{HelperReply, HelperRequest, TextPart};
use crate::session::WorkerError;
use futures_channel::mpsc::UnboundedReceiver;
use futures_core::Stream;
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// What reading while decompressing gave.
pub struct Inflated {
    pub outcome: IngestOutcome,
    /// How many workers read.
    pub workers: u8,
    /// The size of the text.
    pub text_bytes: u64,
}

const STAGE: &str = "Decompressing and reading";

/// Reads `compressed` (`format`: "gzip" or "deflate-raw"), whose text is
/// about `text_size_hint` bytes, with the helper decompressing it and
/// cutting it between two purchases as `purchase` tells them apart. `None`
/// when there is no helper, or it stopped before this worker had all the
/// text: the caller then decompresses and reads it itself.
pub async fn read_while_inflating(
    compressed: &Blob,
    format: &str,
    text_size_hint: u64,
    purchase: PurchaseKey,
    settings: IngestSettings,
) -> Result<Option<Inflated>, WorkerError> {
    let request = HelperRequest::InflateRange {
        ingest: settings.clone(),
        format: format.to_string(),
        cut_from: (text_size_hint as f64 * INFLATING_OWN_PART) as u64,
        purchase,
    };
    let Some((mut parts, reply)) = inflate_there(compressed, &request) else {
        return Ok(None);
    };
    let total = blob::size(compressed);
    let mut ingestor = Ingestor::new(settings);
    let mut text_bytes = 0;
    mark("read: start (decompressed by the helper)");
    loop {
        let Some((part, text)) = next(&mut parts).await else {
            return Ok(None);
        };
        let (TextPart::Before { compressed_done } | TextPart::UpToCut { compressed_done }) = part
        else {
            return Ok(None);
        };
        let Some(text) = text.dyn_ref::<Uint8Array>() else {
            return Ok(None);
        };
        text_bytes += u64::from(text.length());
        ingestor.push(&text.to_vec())?;
        post_reading_progress(STAGE, compressed_done, total);
        if matches!(part, TextPart::UpToCut { .. }) {
            break;
        }
    }
    mark("read: own part done");
    let reply = reply.await;
    // Posted before the reply, so it is here once the reply is.
    let Some((TextPart::FromCut, rest)) = next(&mut parts).await else {
        return Ok(None);
    };
    let rest: Vec<Uint8Array> = js_sys::Array::from(&rest)
        .iter()
        .filter_map(|text| text.dyn_into().ok())
        .collect();
    text_bytes += rest
        .iter()
        .map(|text| u64::from(text.length()))
        .sum::<u64>();
    if let Ok(HelperReply::RangeIngested(later)) = reply {
        mark("read: other part received");
        if ingestor.can_join(&later) {
            return Ok(Some(Inflated {
                outcome: ingestor.join(*later)?,
                workers: 2,
                text_bytes,
            }));
        }
    }
    for text in &rest {
        ingestor.push(&text.to_vec())?;
    }
    Ok(Some(Inflated {
        outcome: ingestor.finish()?,
        workers: 1,
        text_bytes,
    }))
}

/// The next part, `None` once the helper has sent its last one (or stopped).
async fn next(parts: &mut UnboundedReceiver<(TextPart, JsValue)>) -> Option<(TextPart, JsValue)> {
    std::future::poll_fn(|context| std::pin::Pin::new(&mut *parts).poll_next(context)).await
}
