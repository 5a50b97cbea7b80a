//! Analysis worker ↔ the workbook worker (its own binary, loaded only when a
//! workbook is dropped), which turns the attached workbook into CSV text.

use crate::engine::container::{SheetChoice, SheetInfo};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkbookRequest {
    pub sheet: SheetChoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorkbookEvent {
    /// Its WebAssembly is loaded and it listens (a message sent earlier is lost).
    Ready,
    /// `fraction` of the rows converted.
    Progress {
        fraction: f64,
    },
    /// The CSV text is attached as a `Blob` under [`super::FILE`].
    Converted {
        sheets: Vec<SheetInfo>,
        sheet: SheetChoice,
        note: String,
    },
    Failed {
        message: String,
    },
}
