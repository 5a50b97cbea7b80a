//! Progress of reading a file, as the page's bar shows it: the reading
//! stage's share of the run, and the bytes done (compressed bytes for a
//! file read while it is decompressed).

use super::messages::post;
use crate::protocol::page::{WorkerEvent, READING_SHARE};

pub fn post_reading_progress(stage: &str, done: u64, total: u64) {
    post(
        0,
        WorkerEvent::Progress {
            stage: stage.into(),
            fraction: READING_SHARE * done as f64 / total.max(1) as f64,
            bytes_done: done,
            bytes_total: total,
        },
    );
}
