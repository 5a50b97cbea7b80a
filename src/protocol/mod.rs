//! The messages between the page, the analysis worker and its helper, and
//! their framing. Page ↔ worker ([`page`]) and worker ↔ helper ([`helper`])
//! are separate types; both travel as postcard bytes (compact, and quick to
//! decode on the page) in a message's [`FRAME`] field, with a file or the
//! clustering features attached beside it. The analysis worker and a
//! converter worker (a workbook's or a Parquet file's reader, [`converter`])
//! exchange the file and its CSV text.

pub mod converter;
pub mod helper;
pub mod page;

use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;

/// The field of a message that holds the encoded request or event.
pub const FRAME: &str = "frame";
/// The field that holds the attached file (a `Blob`).
pub const FILE: &str = "file";
/// The field that holds the features of a `FitKs` (a `Float64Array`: x, y, z per customer).
pub const FEATURES: &str = "features";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("cannot encode a message: {0}")]
    Encode(String),
    #[error("unreadable message: {0}")]
    Decode(String),
    #[error("the message has no {0}")]
    Missing(&'static str),
}

pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, ProtocolError> {
    postcard::to_allocvec(message).map_err(|e| ProtocolError::Encode(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProtocolError> {
    postcard::from_bytes(bytes).map_err(|e| ProtocolError::Decode(e.to_string()))
}

/// Flat x, y, z coordinates for a `Float64Array`, and back.
pub fn flatten_points(points: &[[f64; 3]]) -> Vec<f64> {
    points.iter().flatten().copied().collect()
}

pub fn points_of(flat: &[f64]) -> Vec<[f64; 3]> {
    flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect()
}
