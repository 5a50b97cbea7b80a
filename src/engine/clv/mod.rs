//! Predictive customer value: BG/NBD (will they buy again, and how often?)
//! and Gamma-Gamma (how much per purchase?) fitted by maximum likelihood,
//! giving probability-alive, expected purchases and customer lifetime value,
//! with the conventions of the Python `lifetimes` package.

pub mod error;
pub mod summary;
pub mod value;

pub use error::ClvError;
pub use summary::{summarize, CustomerSummary};
pub mod bgnbd;
pub mod gamma_gamma;
pub mod optimize;
pub mod special;
