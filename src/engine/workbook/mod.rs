//! Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) converted to CSV text that the
//! ingest reads like any dropped CSV: no second ingest path.
//!
//! [`sheets`] lists the visible worksheets that hold data (name, header,
//! declared row count) for the user to choose from; [`to_csv`] converts one
//! sheet, or all sheets sharing a header, into UTF-8 comma-separated text
//! with `\n` line ends and RFC 4180 quoting, plus a note for the UI. Pure
//! Rust (calamine), no web dependency: the browser runs it in a dedicated
//! worker.
//!
//! How cells are written: see `cells` (dates as `YYYY-MM-DD HH:MM:SS` in
//! the workbook's 1900 or 1904 system, numbers in their shortest round-trip
//! form, errors as blanks). How the table is found: see `table` (title rows
//! above the header skipped, merged header cells named, blank rows dropped,
//! the header's columns kept).
//!
//! [`SheetChoice::All`] concatenates the sheets whose header matches (cells
//! compared trimmed), with the header written once. Sheets with another
//! header are left out and named in the note with their header, rather than
//! failing the whole file: a workbook of monthly sheets often has a summary
//! or lookup sheet too, and the user asked for the data. Which header is "the"
//! header: the one whose sheets declare the most rows (ties: the earliest).

mod cells;
mod error;
mod format;
mod table;

use serde::{Deserialize, Serialize};

pub use error::WorkbookError;

use crate::engine::csv_out::CsvOut;
use format::Book;
use table::Table;

pub use crate::engine::csv_out::DEFAULT_MAX_OUTPUT_BYTES;

/// A worksheet with data, as offered to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetInfo {
    /// Position among the workbook's visible worksheets: what
    /// [`SheetChoice::Index`] takes.
    pub index: usize,
    /// The sheet's name, as its tab shows it.
    pub name: String,
    /// The header row's cells (trimmed; merged names filled in).
    pub header: Vec<String>,
    /// Rows under the header as the file declares its used range (blank rows
    /// included, so an upper bound), if the file says.
    pub rows: Option<u64>,
}

/// Which sheet(s) to convert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SheetChoice {
    /// One sheet: [`SheetInfo::index`].
    Index(usize),
    /// Every sheet with the most common header, concatenated.
    All,
}

impl Default for SheetChoice {
    /// The first visible worksheet.
    fn default() -> Self {
        Self::Index(0)
    }
}

/// A converted workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// UTF-8 CSV text, header first.
    pub csv: Vec<u8>,
    /// The sheets written, in order.
    pub sheets: Vec<String>,
    /// Data rows written (header excluded).
    pub rows: u64,
    /// For the UI: "sheets Year 2010 and Year 2011 concatenated: 779 + 5,222
    /// rows; …" with what was left out and why.
    pub note: String,
}

/// The visible worksheets that hold data, in workbook order. For XLSX only
/// the top of each sheet is read; the other formats read each sheet whole.
pub fn sheets(bytes: &[u8]) -> Result<Vec<SheetInfo>, WorkbookError> {
    let mut book = Book::open(bytes)?;
    let mut found = Vec::new();
    for (index, name) in book.worksheets().into_iter().enumerate() {
        if let Some(table) = table::probe(&mut book, &name)? {
            found.push(SheetInfo {
                index,
                rows: table.declared_rows(),
                header: table.header,
                name,
            });
        }
    }
    Ok(found)
}

/// `12345` → `12,345`.
fn thousands(n: u64) -> String {
    // Row counts stay far below 2^53, so the f64 is exact.
    crate::charts::format::thousands(n as f64, 0)
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The sheets to write, each with its table, and notes on those left out.
type Chosen = (Vec<(String, Table)>, Vec<String>);

/// The sheets [`to_csv`] writes for `choice`.
fn chosen(book: &mut Book, choice: &SheetChoice) -> Result<Chosen, WorkbookError> {
    let names = book.worksheets();
    match choice {
        SheetChoice::Index(index) => {
            let name = names.get(*index).ok_or(WorkbookError::NoSuchSheet {
                index: *index,
                count: names.len(),
            })?;
            let table = table::probe(book, name)?.ok_or(WorkbookError::NoData)?;
            Ok((vec![(name.clone(), table)], Vec::new()))
        }
        SheetChoice::All => {
            let mut tables = Vec::new();
            for name in names {
                if let Some(table) = table::probe(book, &name)? {
                    tables.push((name, table));
                }
            }
            // The header whose sheets declare the most rows; ties: the earliest.
            let mut best: Option<(&Vec<String>, u64)> = None;
            for (_, table) in &tables {
                let rows: u64 = tables
                    .iter()
                    .filter(|(_, t)| t.header == table.header)
                    .map(|(_, t)| t.declared_rows().unwrap_or(0) + 1)
                    .sum();
                if best.is_none_or(|(_, most)| rows > most) {
                    best = Some((&table.header, rows));
                }
            }
            let Some((header, _)) = best else {
                return Err(WorkbookError::NoData);
            };
            let header = header.clone();
            let mut notes = Vec::new();
            let (kept, other): (Vec<_>, Vec<_>) =
                tables.into_iter().partition(|(_, t)| t.header == header);
            for (name, table) in other {
                notes.push(format!(
                    "sheet {name} left out: its header ({}) differs from ({})",
                    table.header.join(", "),
                    header.join(", ")
                ));
            }
            Ok((kept, notes))
        }
    }
}

/// Converts the chosen sheet(s) to CSV text of at most `max_output_bytes`
/// bytes ([`WorkbookError::TooLarge`] past it). `on_progress` gets the
/// fraction done, from 0 to 1, by rows (as the sheets declare them).
pub fn to_csv(
    bytes: &[u8],
    choice: &SheetChoice,
    max_output_bytes: usize,
    mut on_progress: impl FnMut(f64),
) -> Result<Converted, WorkbookError> {
    let mut book = Book::open(bytes)?;
    let (tables, mut left_out) = chosen(&mut book, choice)?;
    let too_large = |sheet: &str, rows: u64| WorkbookError::TooLarge {
        limit_mb: max_output_bytes.div_ceil(1_000_000),
        rows,
        sheet: sheet.to_string(),
    };
    let mut out = CsvOut::new(max_output_bytes);
    let Some((first_name, first)) = tables.first() else {
        return Err(WorkbookError::NoData);
    };
    table::write_header(first, &mut out).map_err(|_| too_large(first_name, 0))?;
    let weights: Vec<f64> = tables
        .iter()
        .map(|(_, t)| t.declared_rows().unwrap_or(1).max(1) as f64)
        .collect();
    let total: f64 = weights.iter().sum();
    let mut done = 0.0;
    let mut counts = Vec::new();
    let mut notes = Vec::new();
    on_progress(0.0);
    for ((name, table), weight) in tables.iter().zip(&weights) {
        let mut progress = |row: u32| {
            let local = f64::from(row.saturating_sub(table.header_row)) / weight;
            on_progress((done + weight * local.min(1.0)) / total);
        };
        let written = match table::write_rows(&mut book, name, table, &mut out, &mut progress) {
            Err(WorkbookError::TooLarge { rows, sheet, .. }) => {
                let before: u64 = counts.iter().sum();
                return Err(too_large(&sheet, before + rows));
            }
            other => other?,
        };
        done += weight;
        on_progress(done / total);
        counts.push(written.rows);
        if !table.title_rows.is_empty() {
            notes.push(format!(
                "{name}: {} row(s) above the header left out (\"{}\")",
                table.title_rows.len(),
                table.title_rows.join("\", \"")
            ));
        }
        if written.outside > 0 {
            notes.push(format!(
                "{name}: {} cell(s) outside the header's columns {}–{} left out",
                thousands(written.outside),
                table::column_name(table.left),
                table::column_name(table.left + table.header.len() as u32 - 1)
            ));
        }
    }
    notes.extend(first.filled.iter().cloned());
    let rows: u64 = counts.iter().sum();
    if rows == 0 {
        return Err(WorkbookError::NoRows {
            sheet: first_name.clone(),
        });
    }
    let sheets: Vec<String> = tables.into_iter().map(|(name, _)| name).collect();
    let mut note = if let [name] = sheets.as_slice() {
        format!("sheet {name}: {} rows", thousands(rows))
    } else {
        format!(
            "sheets {} concatenated: {} rows",
            listed(&sheets),
            counts
                .iter()
                .map(|&n| thousands(n))
                .collect::<Vec<_>>()
                .join(" + ")
        )
    };
    notes.append(&mut left_out);
    for part in notes {
        note.push_str("; ");
        note.push_str(&part);
    }
    Ok(Converted {
        csv: out.bytes,
        sheets,
        rows,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_note_numbers_and_lists() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(525_461), "525,461");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(listed(&names(&["a", "b"])), "a and b");
        assert_eq!(listed(&names(&["a", "b", "c"])), "a, b and c");
    }

    #[test]
    fn workbook_choice_is_serde() {
        let json = serde_json::to_string(&SheetChoice::Index(2)).unwrap_or_default();
        assert_eq!(json, r#"{"Index":2}"#);
        let back: Result<SheetChoice, _> = serde_json::from_str(r#""All""#);
        assert_eq!(back.ok(), Some(SheetChoice::All));
    }
}
