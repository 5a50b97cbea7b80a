//! Page ↔ analysis worker. The page sends [`PageRequest`]s (with the file
//! attached where one is read); the worker answers with [`WorkerEvent`]s.
//! The worker holds the session between requests, so only what the page
//! shows crosses this boundary.

use crate::engine::ingest::{IngestSettings, SniffReport};
use crate::engine::model::Labeller;
use crate::engine::pipeline::AnalysisSettings;
use crate::session::{Session, SessionReply, SessionRequest, WorkerError};
use crate::views::dashboard::AppliedModel;
use crate::views::Dashboard;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PageRequest {
    /// Detect the attached file's format and columns from its start.
    Sniff { settings: IngestSettings },
    /// Read the attached file and analyse it; the result becomes the session.
    Analyze {
        file_name: String,
        ingest: IngestSettings,
        analysis: Box<AnalysisSettings>,
    },
    /// Label the attached file's customers with a saved model (the session stays).
    ApplyModel {
        file_name: String,
        model_json: String,
        ingest: IngestSettings,
        /// What gives each customer its cluster.
        labeller: Labeller,
    },
    /// A request against the held session.
    Session(SessionRequest),
    /// The held session as bytes, to hand to another worker.
    Snapshot,
    /// Take over a session from its bytes.
    Restore(Vec<u8>),
}

impl PageRequest {
    /// Long work shown with progress and a Cancel button.
    pub fn is_run(&self) -> bool {
        match self {
            Self::Sniff { .. } | Self::Analyze { .. } | Self::ApplyModel { .. } => true,
            Self::Session(request) => request.is_long(),
            Self::Snapshot | Self::Restore(_) => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorkerEvent {
    /// The worker's WebAssembly is loaded and it listens for requests.
    Ready,
    /// The warm-up run after `Ready` finished without being interrupted: the
    /// hot code is now compiled by the browser's optimising tier.
    WarmedUp,
    /// `fraction` in 0..=1 of the whole run; `bytes_done` while reading.
    Progress {
        stage: String,
        fraction: f64,
        bytes_done: u64,
        bytes_total: u64,
    },
    Sniffed(Box<SniffReport>),
    /// The file is an RFM table (one row per customer), not transactions:
    /// no column mapping needed, analyse it directly.
    RfmTableDetected,
    /// A run finished: its session is now held, and this is its dashboard.
    Finished(Box<Dashboard>),
    Session(SessionReply),
    Applied(Box<AppliedModel>),
    Snapshot(Vec<u8>),
    /// A snapshot was taken over; the page's dashboard is the session's again.
    Restored,
    Failed {
        message: String,
    },
}

/// Share of the progress bar given to reading the file (the rest is analysis).
pub const READING_SHARE: f64 = 0.6;

/// A request with the number the page gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageMessage {
    pub id: u64,
    pub request: PageRequest,
}

/// An event with the number of the request it answers (0: none, such as `Ready`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerMessage {
    pub id: u64,
    pub event: WorkerEvent,
}

/// What a worker holding `held` answers to a request that reads no file
/// (a session request, a snapshot, a restore); `Err(request)` gives back
/// the requests that read the attached file.
pub fn answer_held(
    held: &mut Option<Session>,
    request: PageRequest,
) -> Result<Result<WorkerEvent, WorkerError>, Box<PageRequest>> {
    answer_held_with(held, request, &mut |_, _| {}, &|| 0.0)
}

/// [`answer_held`], telling `progress` how far long work is; `clock` gives
/// seconds.
pub fn answer_held_with(
    held: &mut Option<Session>,
    request: PageRequest,
    progress: &mut dyn FnMut(&str, f64),
    clock: &dyn Fn() -> f64,
) -> Result<Result<WorkerEvent, WorkerError>, Box<PageRequest>> {
    Ok(match request {
        PageRequest::Session(request) => match held.as_mut() {
            Some(session) => session
                .handle_with_progress(request, progress, clock)
                .map(WorkerEvent::Session),
            None => Err(WorkerError::NoSession),
        },
        PageRequest::Snapshot => match held.as_ref() {
            Some(session) => session.to_bytes().map(WorkerEvent::Snapshot),
            None => Err(WorkerError::NoSession),
        },
        PageRequest::Restore(bytes) => Session::from_bytes(&bytes).map(|session| {
            *held = Some(session);
            WorkerEvent::Restored
        }),
        reads_a_file => return Err(Box::new(reads_a_file)),
    })
}
