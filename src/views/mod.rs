//! View models: what the page shows, built from the session's results in the
//! worker (plain Rust, tested natively). The page only renders them.

pub mod chart_inputs;
pub mod customer_table;
pub mod dashboard;
pub mod explore;
pub mod format;
pub mod migration;
pub mod model_trust;

pub use dashboard::Dashboard;
