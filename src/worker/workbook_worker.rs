//! The workbook reader (its own binary; calamine): the chosen sheet(s) of
//! the attached workbook as CSV text, through the shared converter runtime.

use super::converter_worker::{self, Converted, Converter};
use crate::engine::workbook::{self, DEFAULT_MAX_OUTPUT_BYTES};
use crate::protocol::converter::ConvertRequest;

static WORKBOOK: Converter = Converter {
    what: "workbook",
    // The workbook's bytes, its shared strings and the CSV text at once.
    max_bytes: 400_000_000,
    too_large_advice: "In Excel or LibreOffice save the sheet as CSV (File › Save As › CSV \
                       UTF-8) and drop that file: CSV files of any size are read in pieces",
    convert,
};

/// Entry point of the workbook binary.
pub fn register() {
    converter_worker::register(&WORKBOOK);
}

fn convert(
    bytes: Vec<u8>,
    request: &ConvertRequest,
    progress: &mut dyn FnMut(f64),
) -> Result<Converted, String> {
    let sheets = workbook::sheets(&bytes).map_err(|e| e.to_string())?;
    let converted = workbook::to_csv(&bytes, &request.sheet, DEFAULT_MAX_OUTPUT_BYTES, progress)
        .map_err(|e| e.to_string())?;
    Ok(Converted {
        csv: converted.csv,
        sheets,
        note: converted.note,
    })
}
