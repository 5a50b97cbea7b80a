//! The page's state and its pure transitions (crux-style): user intents and
//! worker events go into [`update`], which changes the [`Model`] and returns
//! the [`Effect`]s the browser shell carries out. Tested natively.

pub mod model;
pub mod pacing;

pub use model::{update, Effect, Event, Model};
