//! Parquet files (an RFM table a warehouse exported, or transactions from a
//! lake) converted to CSV text that the ingest reads like any dropped CSV:
//! no second ingest path. Pure Rust (the `parquet` crate's record reader, no
//! Arrow), no web dependency: the browser runs it in a worker of its own,
//! fetched only when a Parquet file is dropped.
//!
//! Values are written as the warehouse meant them: text as is, integers and
//! decimals in full, doubles in their shortest round-trip form, dates as
//! `YYYY-MM-DD`, timestamps as `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC, null as
//! an empty cell. Nested columns (lists, maps, structs) have no place in a
//! flat table and are refused with their name.

use super::csv_out::CsvOut;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate};
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

/// A converted Parquet file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// UTF-8 CSV text, header first.
    pub csv: Vec<u8>,
    /// Data rows written.
    pub rows: u64,
    /// For the mapping step, e.g. "a Parquet file: 198 rows, 6 columns".
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParquetFileError {
    #[error("this is not a Parquet file, or it is damaged or cut short ({0})")]
    Unreadable(String),
    #[error(
        "this Parquet file is compressed with {codec}, which this page does not read; \
         export it with Snappy, gzip, LZ4 or no compression (Spark, DuckDB and pandas use \
         Snappy by default), or as CSV"
    )]
    Codec { codec: String },
    #[error(
        "column \"{column}\" holds nested values (a list, map or struct); export a flat \
         table: one value per cell"
    )]
    Nested { column: String },
    #[error("the Parquet file has no columns")]
    NoColumns,
    #[error(
        "the Parquet file's text would pass {limit_mb} MB, more than a browser tab can hold; \
         export it as CSV, which is read in pieces at any size"
    )]
    TooLarge { limit_mb: usize },
}

fn unreadable(e: &ParquetError) -> ParquetFileError {
    let text = e.to_string();
    // The crate says "Disabled feature at compile time: zstd" for a codec it
    // was built without.
    match text.split_once("Disabled feature at compile time:") {
        Some((_, codec)) => ParquetFileError::Codec {
            codec: codec.trim().to_ascii_uppercase(),
        },
        None => ParquetFileError::Unreadable(text),
    }
}

/// Whether `head` starts like a Parquet file (the "PAR1" magic).
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

/// The file as CSV text, at most `limit` bytes; `progress` gets the
/// fraction of rows written, now and then.
pub fn to_csv(
    bytes: Bytes,
    limit: usize,
    mut progress: impl FnMut(f64),
) -> Result<Converted, ParquetFileError> {
    let reader = SerializedFileReader::new(bytes).map_err(|e| unreadable(&e))?;
    let metadata = reader.metadata().file_metadata();
    let total_rows = u64::try_from(metadata.num_rows()).unwrap_or(0);
    let schema = metadata.schema_descr();
    let header: Vec<String> = schema
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    if header.is_empty() {
        return Err(ParquetFileError::NoColumns);
    }
    let mut out = CsvOut::new(limit);
    let too_large = || ParquetFileError::TooLarge {
        limit_mb: limit / (1024 * 1024),
    };
    out.write_row(&header).map_err(|_| too_large())?;
    let mut rows = 0u64;
    let mut cells: Vec<String> = Vec::with_capacity(header.len());
    for row in reader.get_row_iter(None).map_err(|e| unreadable(&e))? {
        let row = row.map_err(|e| unreadable(&e))?;
        cells.clear();
        for (name, field) in row.get_column_iter() {
            cells.push(cell(name, field)?);
        }
        out.write_row(&cells).map_err(|_| too_large())?;
        rows += 1;
        if rows.is_multiple_of(65_536) && total_rows > 0 {
            progress(rows as f64 / total_rows as f64);
        }
    }
    progress(1.0);
    Ok(Converted {
        note: format!(
            "a Parquet file: {rows} row{}, {} column{}",
            if rows == 1 { "" } else { "s" },
            header.len(),
            if header.len() == 1 { "" } else { "s" }
        ),
        csv: out.bytes,
        rows,
    })
}

fn cell(column: &str, field: &Field) -> Result<String, ParquetFileError> {
    Ok(match field {
        Field::Null => String::new(),
        Field::Bool(v) => v.to_string(),
        Field::Byte(v) => v.to_string(),
        Field::Short(v) => v.to_string(),
        Field::Int(v) => v.to_string(),
        Field::Long(v) => v.to_string(),
        Field::UByte(v) => v.to_string(),
        Field::UShort(v) => v.to_string(),
        Field::UInt(v) => v.to_string(),
        Field::ULong(v) => v.to_string(),
        Field::Float(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Str(v) => v.clone(),
        Field::Bytes(v) => String::from_utf8_lossy(v.data()).into_owned(),
        Field::Date(days) => NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163))
            .map_or_else(String::new, |d| d.to_string()),
        Field::TimestampMillis(ms) => DateTime::from_timestamp_millis(*ms)
            .map_or_else(String::new, |t| t.naive_utc().to_string()),
        Field::TimestampMicros(us) => DateTime::from_timestamp_micros(*us)
            .map_or_else(String::new, |t| t.naive_utc().to_string()),
        Field::Group(_) | Field::ListInternal(_) | Field::MapInternal(_) => {
            return Err(ParquetFileError::Nested {
                column: column.to_string(),
            })
        }
        // Decimals, half floats, times of day: the crate writes them plainly.
        other => other.to_string(),
    })
}
