//! The one error type every chart returns.

use thiserror::Error;

/// Why a chart could not be drawn (completely).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ChartError {
    /// Nothing finite to plot. The area already shows a "No data" notice, so
    /// callers may treat this as informational.
    #[error("no data to chart")]
    NoData,
    /// The input is inconsistent (e.g. a grid whose cell count is not bins²).
    #[error("invalid chart input: {0}")]
    InvalidInput(String),
    /// The drawing area is too small to fit axes and plot.
    #[error("drawing area too small: {width}×{height} px")]
    AreaTooSmall { width: u32, height: u32 },
    /// The backend (canvas, recorder, …) reported an error.
    #[error("drawing failed: {0}")]
    Drawing(String),
}

impl ChartError {
    /// Plotters' errors are generic over the backend; keep only the message so
    /// `ChartError` stays a plain, comparable value.
    pub(crate) fn drawing<E: std::fmt::Display>(error: E) -> Self {
        ChartError::Drawing(error.to_string())
    }
}
