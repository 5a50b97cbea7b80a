//! Which format the bytes are, opened with the matching calamine reader, and
//! the sheets' cells in reading order.
//!
//! The format is told by the bytes, not the file name: a zip archive is ODS
//! when its first entry is the `mimetype` naming an OpenDocument spreadsheet,
//! XLSB when it holds `xl/workbook.bin`, XLSX/XLSM when it holds
//! `xl/workbook.xml`; an OLE compound file is a password-encrypted
//! XLSX when it holds an `EncryptedPackage` stream, an XLS when it holds a
//! `Workbook`/`Book` stream.
//!
//! XLSX sheets are streamed cell by cell ([`calamine::XlsxCellReader`]): the
//! sheet is never held whole. The other formats are read by calamine into a
//! [`Range`] per sheet (XLS files are at most 65,536 rows); the last one read
//! is kept, since a sheet is usually probed for its header and then converted.

use std::io::Cursor;
use std::ops::ControlFlow;

use calamine::{Data, Dimensions, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use super::cells::Value;
use super::WorkbookError;

type Bytes<'a> = Cursor<&'a [u8]>;

enum Kind<'a> {
    Xlsx(Xlsx<Bytes<'a>>),
    Xlsb(Xlsb<Bytes<'a>>),
    Xls(Xls<Bytes<'a>>),
    Ods(Ods<Bytes<'a>>),
}

/// An open workbook.
pub(super) struct Book<'a> {
    kind: Kind<'a>,
    /// The last sheet read whole (not XLSX), by name.
    cached: Option<(String, Range<Data>)>,
}

const ZIP: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// What bytes that are no workbook look like, for the error message.
fn describe(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(4096)];
    if bytes.is_empty() {
        "empty"
    } else if head.starts_with(b"%PDF") {
        "a PDF document"
    } else if head.starts_with(ZIP_EMPTY) {
        "an empty zip archive"
    } else if !head.contains(&0) && std::str::from_utf8(head).is_ok() {
        "text (drop it as CSV)"
    } else {
        "in an unknown binary format"
    }
}

impl<'a> Book<'a> {
    /// Opens the workbook in `bytes`, whatever its format.
    pub(super) fn open(bytes: &'a [u8]) -> Result<Self, WorkbookError> {
        let cursor = Cursor::new(bytes);
        let kind = if bytes.starts_with(ZIP) {
            // The central directory (file names) is at the end of a zip.
            let tail = &bytes[bytes.len().saturating_sub(1 << 20)..];
            if !contains(tail, ZIP_EMPTY) {
                return Err(WorkbookError::Truncated);
            }
            let mimetype = bytes.get(30..38) == Some(b"mimetype");
            if mimetype && contains(&bytes[..bytes.len().min(200)], b"opendocument.spreadsheet") {
                Kind::Ods(Ods::new(cursor).map_err(calamine::Error::Ods)?)
            } else if mimetype {
                return Err(WorkbookError::NotAWorkbook {
                    found: "an OpenDocument file that is not a spreadsheet",
                });
            } else if contains(tail, b"xl/workbook.bin") {
                Kind::Xlsb(Xlsb::new(cursor).map_err(calamine::Error::Xlsb)?)
            } else if contains(tail, b"xl/workbook.xml") {
                Kind::Xlsx(Xlsx::new(cursor)?)
            } else {
                return Err(WorkbookError::NotAWorkbook {
                    found: "a zip archive",
                });
            }
        } else if bytes.starts_with(OLE) {
            if contains(bytes, &utf16("EncryptedPackage")) {
                return Err(WorkbookError::PasswordProtected);
            }
            if !contains(bytes, &utf16("Workbook")) && !contains(bytes, &utf16("Book")) {
                return Err(WorkbookError::NotAWorkbook {
                    found: "an older Office document (Word or PowerPoint?)",
                });
            }
            Kind::Xls(Xls::new(cursor).map_err(calamine::Error::Xls)?)
        } else {
            return Err(WorkbookError::NotAWorkbook {
                found: describe(bytes),
            });
        };
        Ok(Book { kind, cached: None })
    }

    fn metadata(&self) -> &[calamine::Sheet] {
        match &self.kind {
            Kind::Xlsx(b) => b.sheets_metadata(),
            Kind::Xlsb(b) => b.sheets_metadata(),
            Kind::Xls(b) => b.sheets_metadata(),
            Kind::Ods(b) => b.sheets_metadata(),
        }
    }

    /// The visible worksheets' names, in workbook order (hidden sheets,
    /// chart sheets, macro and dialog sheets left out).
    pub(super) fn worksheets(&self) -> Vec<String> {
        self.metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Merged cell ranges of a sheet, where the format gives them (XLSX, XLS).
    pub(super) fn merged(&mut self, sheet: &str) -> Result<Vec<Dimensions>, WorkbookError> {
        Ok(match &mut self.kind {
            Kind::Xlsx(b) => b.merge_cells_by_sheet_name(sheet)?,
            Kind::Xls(b) => b
                .merge_cells_by_sheet_name(sheet)
                .map_err(calamine::Error::Xls)?,
            Kind::Xlsb(_) | Kind::Ods(_) => Vec::new(),
        })
    }

    /// Calls `visit(row, column, value)` for each non-empty cell of `sheet`
    /// in reading order (row by row, left to right) until it breaks. Returns
    /// the sheet's last row as the file declares it (for progress), if known.
    pub(super) fn for_each_cell(
        &mut self,
        sheet: &str,
        mut visit: impl FnMut(u32, u32, &Value) -> ControlFlow<()>,
    ) -> Result<Option<u32>, WorkbookError> {
        if let Kind::Xlsx(book) = &mut self.kind {
            let mut reader = book.worksheet_cells_reader(sheet)?;
            let last_row = Some(reader.dimensions().end.0);
            while let Some(cell) = reader.next_cell()? {
                let value = Value::from(cell.get_value());
                if matches!(value, Value::Empty) {
                    continue;
                }
                let (row, column) = cell.get_position();
                if visit(row, column, &value).is_break() {
                    break;
                }
            }
            return Ok(last_row);
        }
        let range = self.range(sheet)?;
        let Some((top, left)) = range.start() else {
            return Ok(None);
        };
        let last_row = range.end().map(|(row, _)| row);
        'rows: for (r, cells) in range.rows().enumerate() {
            for (c, data) in cells.iter().enumerate() {
                let value = Value::from(data);
                if matches!(value, Value::Empty) {
                    continue;
                }
                let (row, column) = (top.saturating_add(r as u32), left.saturating_add(c as u32));
                if visit(row, column, &value).is_break() {
                    break 'rows;
                }
            }
        }
        Ok(last_row)
    }

    fn range(&mut self, sheet: &str) -> Result<&Range<Data>, WorkbookError> {
        let cached = matches!(&self.cached, Some((name, _)) if name == sheet);
        if !cached {
            self.cached = None; // free the previous sheet first
            let range = match &mut self.kind {
                Kind::Xlsb(b) => b.worksheet_range(sheet).map_err(calamine::Error::Xlsb)?,
                Kind::Xls(b) => b.worksheet_range(sheet).map_err(calamine::Error::Xls)?,
                Kind::Ods(b) => b.worksheet_range(sheet).map_err(calamine::Error::Ods)?,
                Kind::Xlsx(b) => b.worksheet_range(sheet)?,
            };
            self.cached = Some((sheet.to_string(), range));
        }
        match &self.cached {
            Some((_, range)) => Ok(range),
            None => Err(WorkbookError::NoData),
        }
    }
}
