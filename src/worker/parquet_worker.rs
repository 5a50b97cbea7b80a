//! The Parquet reader (its own binary; the `parquet` crate): the attached
//! file as CSV text, through the shared converter runtime.

use super::converter_worker::{self, Converted, Converter};
use crate::engine::csv_out::DEFAULT_MAX_OUTPUT_BYTES;
use crate::engine::parquet_file;
use crate::protocol::converter::ConvertRequest;

static PARQUET: Converter = Converter {
    what: "Parquet file",
    max_bytes: 400_000_000,
    too_large_advice: "Export the table as CSV (COPY ... TO 'rfm.csv' in DuckDB, df.write.csv \
                       in Spark) and drop that: CSV files of any size are read in pieces",
    convert,
};

/// Entry point of the Parquet binary.
pub fn register() {
    converter_worker::register(&PARQUET);
}

fn convert(
    bytes: Vec<u8>,
    _request: &ConvertRequest,
    progress: &mut dyn FnMut(f64),
) -> Result<Converted, String> {
    let converted = parquet_file::to_csv(bytes.into(), DEFAULT_MAX_OUTPUT_BYTES, progress)
        .map_err(|e| e.to_string())?;
    Ok(Converted {
        csv: converted.csv,
        sheets: Vec::new(),
        note: converted.note,
    })
}
