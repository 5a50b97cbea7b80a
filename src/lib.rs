//! Segmento: customer segmentation in the browser.
//!
//! `engine` is the pure-Rust core (ingest, cleaning, RFM, scoring, clustering,
//! profiling, export); it has no web dependencies and is tested natively.
//! `app` and `worker_protocol` are the thin browser shell around it.

pub mod charts;
pub mod engine;
pub mod studio;

#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod worker_protocol;
