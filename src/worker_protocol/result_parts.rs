//! A finished run's per-customer rows travel ahead of the rest, a slice per
//! message, so the page decodes a large result in several short tasks: at
//! 167k customers one message took ≈ 100 ms to decode, longer than a page
//! may block (most of it the customers' ids, countries and segment names).

use super::WorkerEvent;
use crate::engine::rfm::RfmRow;
use serde::{Deserialize, Serialize};

/// Customers per [`CustomerRows`] message: ≈ 25 ms to decode in Chromium.
pub const CUSTOMERS_PER_MESSAGE: usize = 40_000;

/// The next customers of a finished run (table order): their RFM rows and
/// segment names. `Finished` follows with none of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRows {
    pub rows: Vec<RfmRow>,
    pub segments: Vec<String>,
}

/// The messages that carry `event`: a `Finished` with more customers than
/// fit one message becomes `CustomerRows` slices, then the rest; any other
/// event is sent as it is.
pub fn split_result(event: WorkerEvent) -> Vec<WorkerEvent> {
    let WorkerEvent::Finished(mut result) = event else {
        return vec![event];
    };
    let analysis = &mut result.analysis;
    if analysis.rfm.rows.len() <= CUSTOMERS_PER_MESSAGE
        || analysis.segments.len() != analysis.rfm.rows.len()
    {
        return vec![WorkerEvent::Finished(result)];
    }
    let mut rows = std::mem::take(&mut analysis.rfm.rows).into_iter();
    let mut segments = std::mem::take(&mut analysis.segments).into_iter();
    let mut messages = Vec::new();
    loop {
        let part = CustomerRows {
            rows: rows.by_ref().take(CUSTOMERS_PER_MESSAGE).collect(),
            segments: segments.by_ref().take(CUSTOMERS_PER_MESSAGE).collect(),
        };
        if part.rows.is_empty() {
            break;
        }
        messages.push(WorkerEvent::CustomerRows(Box::new(part)));
    }
    messages.push(WorkerEvent::Finished(result));
    messages
}

/// The page's side of [`split_result`]: holds customers until their
/// `Finished` arrives and puts them back into it.
#[derive(Default)]
pub struct ResultAssembler {
    pending: Option<CustomerRows>,
}

impl ResultAssembler {
    /// The event to act on, or `None` while a result is still arriving.
    pub fn accept(&mut self, event: WorkerEvent) -> Option<WorkerEvent> {
        match event {
            WorkerEvent::CustomerRows(part) => {
                match &mut self.pending {
                    Some(pending) => {
                        pending.rows.extend(part.rows);
                        pending.segments.extend(part.segments);
                    }
                    None => self.pending = Some(*part),
                }
                None
            }
            WorkerEvent::Finished(mut result) => {
                if let Some(part) = self.pending.take() {
                    let analysis = &mut result.analysis;
                    analysis.rfm.rows = part.rows;
                    analysis.segments = part.segments;
                }
                Some(WorkerEvent::Finished(result))
            }
            other => {
                // A run that failed midway leaves no customers for the next.
                if matches!(other, WorkerEvent::Failed { .. }) {
                    self.pending = None;
                }
                Some(other)
            }
        }
    }
}
