//! Why a file could not be read at all. Row-level problems are not errors:
//! they are reported in the cleaning report and the row is skipped.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum IngestError {
    #[error("the file is empty")]
    Empty,
    #[error("this does not look like a text file ({0}); please export your transactions as CSV")]
    NotText(String),
    #[error("the file has a header row but no data rows")]
    NoDataRows,
    #[error("the first row should name the columns, but it looks like data ({0}); add a header row")]
    NoHeader(String),
    #[error("could not find {missing} column(s). Columns in the file: {found}. Choose them in the column mapping.")]
    MissingColumns { missing: String, found: String },
    #[error("column mapping refers to column {index}, but the file has only {count} columns")]
    BadMapping { index: usize, count: usize },
    #[error("row {row} is longer than {limit_mib} MiB; is the delimiter or quoting wrong?")]
    RecordTooLong { row: u64, limit_mib: usize },
    #[error("no usable rows: all {rows} data rows were removed ({reasons})")]
    NothingKept { rows: u64, reasons: String },
}
