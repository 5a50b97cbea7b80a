//! View models: what the page shows, computed from engine results in plain
//! Rust so it is tested natively. Components only render these.

pub mod chart_inputs;
pub mod customer_table;
pub mod format;
pub mod pacing;
