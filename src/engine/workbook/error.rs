//! What can go wrong converting a workbook, in words a user can act on.

use calamine::{OdsError, XlsError, XlsbError, XlsxError};

/// Why a workbook could not be converted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WorkbookError {
    /// The bytes are not a workbook format Segmento reads.
    #[error(
        "this file is {found}, not a workbook: Segmento reads .xlsx, .xlsm, .xlsb, .xls and .ods \
         workbooks, and CSV or TSV text"
    )]
    NotAWorkbook {
        /// What the bytes look like instead ("a zip archive", "text", …).
        found: &'static str,
    },
    /// The workbook is encrypted with a password.
    #[error(
        "this workbook is protected by a password: open it in Excel or LibreOffice, remove the \
         password or save the sheet as CSV (File › Save As › CSV UTF-8), and drop that file"
    )]
    PasswordProtected,
    /// The file is cut short (an interrupted download or copy).
    #[error(
        "this workbook is incomplete (its zip directory at the end is missing): the download or \
         copy was probably interrupted; fetch the file again"
    )]
    Truncated,
    /// The container or a sheet inside could not be read.
    #[error(
        "this workbook looks damaged and could not be read ({detail}); if it opens in Excel or \
         LibreOffice, save the sheet as CSV (File › Save As › CSV UTF-8) and drop that file"
    )]
    Corrupt {
        /// calamine's description of the problem.
        detail: String,
    },
    /// No visible worksheet holds any cell.
    #[error("this workbook has no sheet with data (hidden sheets and chart sheets are not read)")]
    NoData,
    /// [`super::SheetChoice::Index`] beyond the visible worksheets.
    #[error("there is no sheet number {index}: the workbook has {count} visible worksheet(s)")]
    NoSuchSheet {
        /// The index asked for (0-based).
        index: usize,
        /// How many visible worksheets there are.
        count: usize,
    },
    /// The chosen sheet has a header but no data row under it.
    #[error("sheet {sheet} has a header but no rows under it")]
    NoRows {
        /// The sheet's name.
        sheet: String,
    },
    /// The CSV text would be larger than the caller allows.
    #[error(
        "the converted text would be larger than {limit_mb} MB (stopped at {rows} rows of sheet \
         {sheet}); in Excel or LibreOffice save the sheet as CSV (File › Save As › CSV UTF-8) and \
         drop that file: CSV files of any size are read in pieces"
    )]
    TooLarge {
        /// The limit, in MB (10⁶ bytes), rounded up.
        limit_mb: usize,
        /// Data rows written before the limit was reached.
        rows: u64,
        /// The sheet being converted when the limit was reached.
        sheet: String,
    },
}

/// Folds calamine's per-format errors into the user's terms: a password is
/// [`WorkbookError::PasswordProtected`] whatever the format, the rest is
/// [`WorkbookError::Corrupt`] with calamine's words as the detail.
impl From<calamine::Error> for WorkbookError {
    fn from(error: calamine::Error) -> Self {
        let password = matches!(
            error,
            calamine::Error::Xlsx(XlsxError::Password)
                | calamine::Error::Ods(OdsError::Password)
                | calamine::Error::Xls(XlsError::Password)
                | calamine::Error::Xlsb(XlsbError::Password)
        );
        if password {
            WorkbookError::PasswordProtected
        } else {
            WorkbookError::Corrupt {
                detail: error.to_string(),
            }
        }
    }
}

impl From<XlsxError> for WorkbookError {
    fn from(error: XlsxError) -> Self {
        calamine::Error::Xlsx(error).into()
    }
}
