//! One cell's value as CSV text.
//!
//! - Dates and times (Excel serials formatted as dates, in the 1900 or 1904
//!   system as the workbook says; ODS ISO values) → `YYYY-MM-DD HH:MM:SS`,
//!   always with the time (midnight too: one form per column for the ingest's
//!   date sniffer), `.fff` added only when there are milliseconds; a time of
//!   day alone (serial < 1) → `HH:MM:SS`; durations → `H:MM:SS`.
//! - Floats → Rust's shortest round-trip text (`17850.0` → `17850`,
//!   `2.55` → `2.55`); NaN and infinities → empty.
//! - Integers, strings (numbers stored as text stay text), `TRUE`/`FALSE`.
//! - Error values (`#N/A`, `#DIV/0!`, …) and empty cells → empty.

use std::fmt::Write;

use calamine::{Data, DataRef, ExcelDateTime};

/// A cell's value, borrowed from either of calamine's cell types.
pub(super) enum Value<'a> {
    Empty,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(ExcelDateTime),
    IsoDateTime(&'a str),
    IsoDuration(&'a str),
}

impl<'a> From<&'a Data> for Value<'a> {
    fn from(data: &'a Data) -> Self {
        match data {
            Data::Empty | Data::Error(_) => Value::Empty,
            Data::String(s) => Value::Text(s),
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(d) => Value::DateTime(*d),
            Data::DateTimeIso(s) => Value::IsoDateTime(s),
            Data::DurationIso(s) => Value::IsoDuration(s),
        }
    }
}

impl<'a> From<&'a DataRef<'a>> for Value<'a> {
    fn from(data: &'a DataRef<'a>) -> Self {
        match data {
            DataRef::Empty | DataRef::Error(_) => Value::Empty,
            DataRef::String(s) => Value::Text(s),
            DataRef::SharedString(s) => Value::Text(s),
            DataRef::Int(i) => Value::Int(*i),
            DataRef::Float(f) => Value::Float(*f),
            DataRef::Bool(b) => Value::Bool(*b),
            DataRef::DateTime(d) => Value::DateTime(*d),
            DataRef::DateTimeIso(s) => Value::IsoDateTime(s),
            DataRef::DurationIso(s) => Value::IsoDuration(s),
        }
    }
}

/// Appends the cell's text to `out` (nothing for an empty cell).
pub(super) fn write_text(value: &Value, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = match value {
        Value::Empty => Ok(()),
        Value::Text(s) | Value::IsoDuration(s) => {
            out.push_str(s);
            Ok(())
        }
        Value::Int(i) => write!(out, "{i}"),
        Value::Float(f) if f.is_finite() => write!(out, "{f}"),
        Value::Float(_) => Ok(()),
        Value::Bool(b) => {
            out.push_str(if *b { "TRUE" } else { "FALSE" });
            Ok(())
        }
        Value::DateTime(d) => write_excel_date(d, out),
        Value::IsoDateTime(s) => {
            write_iso(s, out);
            Ok(())
        }
    };
}

fn write_excel_date(date: &ExcelDateTime, out: &mut String) -> std::fmt::Result {
    let serial = date.as_f64();
    if !serial.is_finite() {
        return Ok(());
    }
    if date.is_duration() {
        // Whole milliseconds; a negative duration keeps its sign.
        let millis = (serial * 86_400_000.0).round();
        let sign = if millis < 0.0 { "-" } else { "" };
        let millis = millis.abs() as u64;
        let (seconds, milli) = (millis / 1000, millis % 1000);
        write!(
            out,
            "{sign}{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )?;
        return write_millis(milli, out);
    }
    let (year, month, day, hour, minute, second, milli) = date.to_ymd_hms_milli();
    if (0.0..1.0).contains(&serial) {
        // A time of day without a date.
        write!(out, "{hour:02}:{minute:02}:{second:02}")?;
    } else {
        write!(
            out,
            "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"
        )?;
    }
    write_millis(u64::from(milli), out)
}

fn write_millis(milli: u64, out: &mut String) -> std::fmt::Result {
    if milli == 0 {
        Ok(())
    } else {
        write!(out, ".{milli:03}")
    }
}

/// ODS stores dates as ISO text: `2010-12-01T15:20:00` → `2010-12-01 15:20:00`,
/// `2010-12-02` → `2010-12-02 00:00:00`; anything else as it is.
fn write_iso(iso: &str, out: &mut String) {
    let bytes = iso.as_bytes();
    let date_only = bytes.len() == 10 && bytes.get(4) == Some(&b'-') && bytes.get(7) == Some(&b'-');
    if date_only {
        out.push_str(iso);
        out.push_str(" 00:00:00");
    } else if bytes.get(10) == Some(&b'T') {
        out.push_str(&iso[..10]);
        out.push(' ');
        out.push_str(&iso[11..]);
    } else {
        out.push_str(iso);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn text(value: Value) -> String {
        let mut out = String::new();
        write_text(&value, &mut out);
        out
    }

    fn date(serial: f64, is_1904: bool) -> String {
        text(Value::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            is_1904,
        )))
    }

    #[test]
    fn workbook_numbers_print_as_their_shortest_text() {
        assert_eq!(text(Value::Float(17850.0)), "17850");
        assert_eq!(text(Value::Float(2.55)), "2.55");
        assert_eq!(text(Value::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(text(Value::Float(-4.0)), "-4");
        assert_eq!(text(Value::Float(f64::NAN)), "");
        assert_eq!(text(Value::Int(-12)), "-12");
        assert_eq!(text(Value::Bool(true)), "TRUE");
        assert_eq!(text(Value::Text("012")), "012");
        assert_eq!(text((&Data::Error(calamine::CellErrorType::NA)).into()), "");
    }

    #[test]
    fn workbook_dates_print_as_iso_with_seconds() {
        // 40513.63888888889 is 2010-12-01 15:20 in the 1900 system.
        assert_eq!(date(40_513.638_888_888_89, false), "2010-12-01 15:20:00");
        assert_eq!(date(40514.0, false), "2010-12-02 00:00:00");
        assert_eq!(
            date(40514.5 + 0.25 / 86400.0, false),
            "2010-12-02 12:00:00.250"
        );
        // The 1904 system counts 1462 days fewer.
        assert_eq!(date(40513.0 - 1462.0, true), "2010-12-01 00:00:00");
        assert_eq!(date(0.75, false), "18:00:00");
        // Excel's non-existent 1900-02-29 is serial 60; 61 is 1900-03-01.
        assert_eq!(date(61.0, false), "1900-03-01 00:00:00");
        let duration = ExcelDateTime::new(1.5625, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(text(Value::DateTime(duration)), "37:30:00");
    }

    #[test]
    fn workbook_iso_dates_get_a_space_and_a_time() {
        assert_eq!(
            text(Value::IsoDateTime("2010-12-01T15:20:00")),
            "2010-12-01 15:20:00"
        );
        assert_eq!(
            text(Value::IsoDateTime("2010-12-02")),
            "2010-12-02 00:00:00"
        );
        assert_eq!(text(Value::IsoDuration("PT15H20M00S")), "PT15H20M00S");
    }
}
