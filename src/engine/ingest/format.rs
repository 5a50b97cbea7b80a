//! How a file was read: what sniffing found, or the user set.

use super::columns::ColumnMapping;
use super::dates::DateFormat;
use super::decode::TextEncoding;
use serde::{Deserialize, Serialize};

/// How the file was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectedFormat {
    pub delimiter: u8,
    pub encoding: TextEncoding,
    pub has_bom: bool,
    pub mapping: ColumnMapping,
    pub date_format: DateFormat,
    pub decimal_comma: bool,
    /// Without a header row the first record is data.
    #[serde(default = "yes")]
    pub has_header: bool,
}

fn yes() -> bool {
    true
}
