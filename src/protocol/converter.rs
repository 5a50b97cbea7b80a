//! Analysis worker ↔ a converter worker: the workbook reader or the Parquet
//! reader, each its own binary, loaded only when such a file is dropped,
//! which turns the attached file into CSV text. A Parquet file has no
//! sheets: its reader ignores the choice and lists none.

use crate::engine::container::{SheetChoice, SheetInfo};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertRequest {
    pub sheet: SheetChoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConvertEvent {
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
