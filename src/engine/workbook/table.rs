//! Finding a sheet's table (header row, columns) and writing its rows.
//!
//! - Leading empty rows are skipped; so are title rows above the header: the
//!   header is the first row with at least two non-blank cells among the
//!   first [`HEADER_SEARCH_ROWS`] rows with content (when none has two, the
//!   first row with content is the header: a one-column sheet).
//! - The table spans the header's columns, first to last non-blank cell; data
//!   cells outside them are left out and counted in the note. Header cells
//!   are written trimmed.
//! - A blank header cell inside a merged range that starts in the header row
//!   (XLSX, XLS) takes the merged cell's name with its position in the range:
//!   `Amount` merged over C:D gives `Amount`, `Amount 2`. Other blank header
//!   cells stay blank (the ingest names them). Merged ranges are only read
//!   when the header has a blank cell: for XLSX that is a second pass over the
//!   sheet's XML.
//! - Rows whose cells (within the table) are all blank are dropped.

use std::ops::ControlFlow;

use super::cells::write_text;
use super::format::Book;
use super::WorkbookError;
use crate::engine::csv_out::{CsvOut, Full};

/// Rows with content looked at to find the header under title rows.
pub(super) const HEADER_SEARCH_ROWS: usize = 20;

/// Where a sheet's table is.
#[derive(Debug, Clone)]
pub(super) struct Table {
    /// The header's cells, trimmed, merged names filled in.
    pub(super) header: Vec<String>,
    /// The header's row (0-based, in the sheet).
    pub(super) header_row: u32,
    /// The header's first column (0-based).
    pub(super) left: u32,
    /// The last row the sheet declares, if known (for progress).
    pub(super) last_row: Option<u32>,
    /// The first cell of each title row left out above the header.
    pub(super) title_rows: Vec<String>,
    /// "`D` named `Amount 2` from the merged `Amount`" notes.
    pub(super) filled: Vec<String>,
}

impl Table {
    /// Data rows the sheet declares under the header (empty rows included).
    pub(super) fn declared_rows(&self) -> Option<u64> {
        self.last_row
            .map(|last| u64::from(last.saturating_sub(self.header_row)))
    }
}

/// A column's letters: 0 → `A`, 26 → `AA`.
pub(super) fn column_name(mut column: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (column % 26) as u8));
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.iter().rev().collect()
}

type Row = (u32, Vec<(u32, String)>);

fn filled_cells(row: &Row) -> usize {
    row.1
        .iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .count()
}

/// The sheet's table, or `None` for a sheet without any cell.
pub(super) fn probe(book: &mut Book, sheet: &str) -> Result<Option<Table>, WorkbookError> {
    let mut rows: Vec<Row> = Vec::new();
    let mut found = false;
    let last_row = book.for_each_cell(sheet, |row, column, value| {
        if rows.last().is_none_or(|(r, _)| *r != row) {
            if rows.last().is_some_and(|last| filled_cells(last) >= 2) {
                found = true;
                return ControlFlow::Break(());
            }
            if rows.len() == HEADER_SEARCH_ROWS {
                return ControlFlow::Break(());
            }
            rows.push((row, Vec::new()));
        }
        let mut text = String::new();
        write_text(value, &mut text);
        if let Some((_, cells)) = rows.last_mut() {
            cells.push((column, text));
        }
        ControlFlow::Continue(())
    })?;
    if !found && rows.last().is_some_and(|last| filled_cells(last) >= 2) {
        found = true;
    }
    rows.retain(|row| filled_cells(row) > 0);
    let header_at = if found {
        rows.iter()
            .position(|row| filled_cells(row) >= 2)
            .unwrap_or(0)
    } else {
        0
    };
    let Some((header_row, cells)) = rows.get(header_at) else {
        return Ok(None);
    };
    let filled: Vec<&(u32, String)> = cells.iter().filter(|(_, t)| !t.trim().is_empty()).collect();
    let (Some(left), Some(right)) = (
        filled.iter().map(|(c, _)| *c).min(),
        filled.iter().map(|(c, _)| *c).max(),
    ) else {
        return Ok(None);
    };
    let mut header = vec![String::new(); (right - left + 1) as usize];
    for (column, text) in &filled {
        if let Some(cell) = header.get_mut((column - left) as usize) {
            *cell = text.trim().to_string();
        }
    }
    let title_rows = rows[..header_at]
        .iter()
        .filter_map(|(_, cells)| cells.iter().find(|(_, t)| !t.trim().is_empty()))
        .map(|(_, t)| t.trim().to_string())
        .collect();
    let header_row = *header_row;
    let mut table = Table {
        header,
        header_row,
        left,
        last_row,
        title_rows,
        filled: Vec::new(),
    };
    if table.header.iter().any(String::is_empty) {
        fill_merged(book, sheet, &mut table)?;
    }
    Ok(Some(table))
}

/// Names blank header cells covered by a merged range from the header row.
fn fill_merged(book: &mut Book, sheet: &str, table: &mut Table) -> Result<(), WorkbookError> {
    let merged = book.merged(sheet)?;
    for i in 0..table.header.len() {
        if !table.header[i].is_empty() {
            continue;
        }
        let column = table.left + i as u32;
        let Some(range) = merged.iter().find(|d| {
            d.start.0 == table.header_row
                && d.contains(table.header_row, column)
                && d.start.1 >= table.left
        }) else {
            continue;
        };
        let Some(name) = table
            .header
            .get((range.start.1 - table.left) as usize)
            .filter(|name| !name.is_empty())
            .cloned()
        else {
            continue;
        };
        let filled = format!("{name} {}", column - range.start.1 + 1);
        table.filled.push(format!(
            "header cell {}{} named \"{filled}\" from the merged \"{name}\"",
            column_name(column),
            table.header_row + 1
        ));
        table.header[i] = filled;
    }
    Ok(())
}

/// What writing a sheet's rows gave.
#[derive(Debug, Default)]
pub(super) struct Written {
    /// Data rows written.
    pub(super) rows: u64,
    /// Non-blank cells outside the header's columns, left out.
    pub(super) outside: u64,
}

/// Writes the rows under the table's header to `out`; `progress` gets the
/// sheet row reached every 1024 rows.
pub(super) fn write_rows(
    book: &mut Book,
    sheet: &str,
    table: &Table,
    out: &mut CsvOut,
    progress: &mut dyn FnMut(u32),
) -> Result<Written, WorkbookError> {
    let width = table.header.len();
    let mut line = vec![String::new(); width];
    let mut has_data = false;
    let mut current: Option<u32> = None;
    let mut written = Written::default();
    let mut full = false;
    let mut flush = |line: &mut [String], has_data: &mut bool, written: &mut Written| {
        let result = if *has_data {
            out.write_row(line).map(|()| written.rows += 1)
        } else {
            Ok(())
        };
        line.iter_mut().for_each(String::clear);
        *has_data = false;
        result
    };
    book.for_each_cell(sheet, |row, column, value| {
        if row <= table.header_row {
            return ControlFlow::Continue(());
        }
        if current != Some(row) {
            if flush(&mut line, &mut has_data, &mut written).is_err() {
                full = true;
                return ControlFlow::Break(());
            }
            if row.is_multiple_of(1024) {
                progress(row);
            }
            current = Some(row);
        }
        let index = column.checked_sub(table.left).map(|i| i as usize);
        match index.and_then(|i| line.get_mut(i)) {
            Some(cell) => {
                write_text(value, cell);
                has_data |= !cell.trim().is_empty();
            }
            None => {
                let mut text = String::new();
                write_text(value, &mut text);
                if !text.trim().is_empty() {
                    written.outside += 1;
                }
            }
        }
        ControlFlow::Continue(())
    })?;
    if !full && flush(&mut line, &mut has_data, &mut written).is_err() {
        full = true;
    }
    if full {
        return Err(WorkbookError::TooLarge {
            limit_mb: 0, // filled in by the caller, who knows the limit
            rows: written.rows,
            sheet: sheet.to_string(),
        });
    }
    Ok(written)
}

/// Writes the header line.
pub(super) fn write_header(table: &Table, out: &mut CsvOut) -> Result<(), Full> {
    out.write_row(&table.header)
}

#[cfg(test)]
mod tests {
    use super::column_name;

    #[test]
    fn workbook_column_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(3), "D");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
