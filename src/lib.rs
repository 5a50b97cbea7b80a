//! Segmento: customer segmentation in the browser.
//!
//! `engine` is the pure-Rust core (ingest, cleaning, RFM, scoring, clustering,
//! profiling, export), with no web dependencies. `views` are the view models
//! the page renders, `session` the analysis session the worker owns, and
//! `protocol` the messages between page, worker and helper; `studio` is the
//! page's pure state machine. All of these are tested natively. `worker` (the
//! worker runtime) and `app` (the Leptos UI) are the thin browser shells.

pub mod charts;
pub mod engine;
pub mod hostile;
pub mod protocol;
pub mod session;
pub mod studio;
pub mod views;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod worker;
