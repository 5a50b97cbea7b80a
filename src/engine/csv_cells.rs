//! The CSV conventions Segmento's downloads share with the RFM-table import,
//! in one place so what the exports write is what the import reads back:
//! text cells are neutralised for spreadsheets (a cell that starts with `=`,
//! `+`, `-`, `@`, tab or CR gets a leading `'`, so it is never run as a
//! formula) and the import takes the guard off again; cells are quoted as
//! RFC 4180 says and rows end in CRLF; the customers export's column names
//! are among those the import recognises, and its recency column carries the
//! reference date.

use chrono::NaiveDate;
use std::io::{self, Write};

/// The customers export's column names the RFM-table import recognises.
pub const CUSTOMER_ID: &str = "customer_id";
pub const COUNTRY: &str = "country";
/// Frequency as invoices (purchase = invoice) or as days with a purchase.
pub const FREQUENCY_INVOICES: &str = "frequency_invoices";
pub const FREQUENCY_DAYS: &str = "frequency_days";
/// Monetary as each customer's total, or as the mean per purchase.
pub const MONETARY_TOTAL: &str = "monetary_total";
pub const MONETARY_MEAN_PER_PURCHASE: &str = "monetary_mean_per_purchase";
/// The same, net of the customer's cancellations and returns.
pub const MONETARY_NET_TOTAL: &str = "monetary_net_total";
pub const MONETARY_NET_MEAN_PER_PURCHASE: &str = "monetary_net_mean_per_purchase";

/// The recency column's name before the reference date.
pub const RECENCY_TO_PREFIX: &str = "recency_days_to_";

/// `recency_days_to_2011-12-10` for a reference date (the export's header).
pub fn recency_header(reference_date: NaiveDate) -> String {
    format!("{RECENCY_TO_PREFIX}{reference_date}")
}

/// The reference date a [`recency_header`] carries (the prefix in any case,
/// around it any white space); `None` for any other header.
pub fn recency_header_date(header: &str) -> Option<NaiveDate> {
    let header = header.trim();
    let prefix = header.get(..RECENCY_TO_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(RECENCY_TO_PREFIX) {
        return None;
    }
    let date = header.get(RECENCY_TO_PREFIX.len()..)?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// Neutralises formula starts in a text cell.
pub fn text_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// Undoes [`text_cell`]'s guard (`'=x` → `=x`), so an export re-imports.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if text_cell(rest) == cell => rest,
        _ => cell,
    }
}

/// Writes one row: cells with a comma, quote or line break quoted, CRLF after.
pub fn write_row(out: &mut impl Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let mut first = true;
    for cell in cells {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        if cell.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", cell.replace('"', "\"\""))?;
        } else {
            out.write_all(cell.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_come_off_only_where_they_were_put_on() {
        for cell in ["=SUM(A1)", "+1", "-x", "@me", "plain", "'quoted", ""] {
            assert_eq!(unguard(&text_cell(cell)), cell);
        }
        assert_eq!(unguard("'plain"), "'plain", "not a guard: kept");
    }

    #[test]
    fn recency_header_round_trips() {
        let date = NaiveDate::from_ymd_opt(2011, 12, 10).unwrap();
        assert_eq!(recency_header(date), "recency_days_to_2011-12-10");
        assert_eq!(recency_header_date(&recency_header(date)), Some(date));
        assert_eq!(
            recency_header_date(" Recency_Days_To_2011-12-10 "),
            Some(date)
        );
        assert_eq!(recency_header_date("recency_days"), None);
        assert_eq!(recency_header_date("recency_days_to_someday"), None);
    }

    #[test]
    fn rows_are_quoted_and_end_in_crlf() {
        let mut out = Vec::new();
        write_row(
            &mut out,
            ["a", "b,c", "say \"hi\"", "two\nlines"]
                .into_iter()
                .map(String::from),
        )
        .unwrap();
        assert_eq!(out, b"a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }
}
