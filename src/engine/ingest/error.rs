//! Fatal ingest errors: conditions under which no ledger can be produced.
//!
//! Row-level problems (a bad date, a wrong field count) are not errors; they
//! are skipped and reported in the [`crate::engine::clean::CleaningReport`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IngestError {
    #[error("the file is empty")]
    Empty,

    #[error("this does not look like a CSV text file: {what}")]
    NotText { what: String },

    #[error("the file has a header row but no data rows")]
    NoDataRows,

    #[error("no {} column found; columns are: {}", missing.join(", no "), found.join(", "))]
    MissingColumns {
        missing: Vec<String>,
        found: Vec<String>,
    },

    #[error("the column mapping uses column {index} for {field}, but the file has only {columns} columns")]
    InvalidMapping {
        field: String,
        index: usize,
        columns: usize,
    },

    #[error(
        "the record starting at line {line} is longer than {limit} bytes; \
         the file is probably not a CSV or has an unclosed quote"
    )]
    RecordTooLong { line: u64, limit: usize },

    #[error(
        "the first line has no end within its first {limit} bytes, so it cannot be a header row; \
         is this a CSV file, and are its quotes closed?"
    )]
    HeaderTooLong { limit: usize },

    #[error("all {rows} data rows were removed by cleaning: {breakdown}")]
    AllRowsRejected { rows: u64, breakdown: String },
}
