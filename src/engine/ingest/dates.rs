//! Date parsing and date-form detection.
//!
//! Accepted forms (one family per column, decided on the sniff window):
//! - **Separated** (the day/month order applies): ISO 8601 (`2011-12-09`,
//!   `2011-12-09 12:50:00`, `2011-12-09T12:50:00Z`,
//!   `2011-12-09T12:50:00.123+05:30`; an offset, `Z`, `UTC` or `GMT` is
//!   dropped: the local wall time is kept), year-first with slashes or dots
//!   (`2011/12/09`, `2011.12.09`), and `A/B/Y`, `A-B-Y`, `A.B.Y` with 2- or
//!   4-digit years; all optionally followed by `H:MM`, `H:MM:SS(.fff)`,
//!   `AM`/`PM`.
//! - **English month names**, full or 3-letter, any case: `09-Dec-2011`,
//!   `9 Dec 2011`, `09-DEC-11`, `09/Dec/2011`, `Dec 9, 2011`,
//!   `December 9th, 2011`, with an optional weekday before
//!   (`Fri, 09 Dec 2011`) and an optional time after (`12:50`, `2:05 PM`,
//!   `12:50:00 +0000`).
//! - **Compact** `YYYYMMDD`, `YYYYMMDDHHMM`, `YYYYMMDDHHMMSS` (year
//!   1900–2100, a real calendar date).
//! - **Unix time** in seconds (631152000–4102444799, i.e. 1990–2099,
//!   optionally with a fraction) or milliseconds (631152000000–4102444799999),
//!   read as UTC.
//! - **Excel serial day numbers** (1900 date system: 1 = 1900-01-01, Excel's
//!   non-existent 1900-02-29 is 60, 61 = 1900-03-01, 40886 = 2011-12-09), from
//!   20000 to 80000 (1954–2119), optionally with a fraction of a day
//!   (`40886.5` = 12:00).
//!
//! The forms do not overlap: a value fits at most one. The numeric forms are
//! told apart by range (8/12/14-digit dates ≤ 21001231235959 < epoch
//! milliseconds; 5-digit serials < 8-digit dates < 9–10-digit epoch
//! seconds), and one is chosen only when *every* number in the window fits it
//! and they outnumber the written dates; otherwise the separated form is kept
//! and the explanation says why no numeric form fits.
//!
//! The form is chosen once; each row is then parsed by that form's parser
//! only. Day/month order (separated form) is decided on the sniff window
//! (first 64 KiB): a first component > 12 means day-first, a second
//! component > 12 means month-first. If the window never decides, the default
//! is month-first for `/` and day-first for `.` and `-`, reported as an
//! assumption. Rows after the window that contradict the form or order in use
//! are *not* re-interpreted: they become unparseable rows whose reason names
//! the form and why it was chosen, so nothing is silently mis-parsed and the
//! user can set `day_first` explicitly and re-run.

use std::cell::Cell;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// How the day/month order was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayMonthDecision {
    /// Year-first (ISO) dates, or a form without a day/month question
    /// (month names, compact dates, Unix time, Excel serials).
    NotNeeded,
    /// A value in the sniff window had a component > 12.
    FromData,
    /// `IngestSettings::day_first` was set.
    UserSetting,
    /// Every value in the sniff window was ambiguous; a default was assumed.
    Assumed,
    /// Values pointed both ways; the majority won.
    Conflicting,
}

/// Which family of forms a date column holds; decided once on the sniff
/// window, then every row is read by that family's parser only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    /// ISO 8601, `YYYY/MM/DD`, `A/B/Y`, `A-B-Y`, `A.B.Y`: the day/month
    /// order applies.
    #[default]
    Separated,
    /// `09-Dec-2011`, `Dec 9, 2011`, `December 9, 2011`.
    MonthName,
    /// `YYYYMMDD`, `YYYYMMDDHHMM`, `YYYYMMDDHHMMSS`.
    Compact,
    /// Unix time in seconds, read as UTC.
    EpochSeconds,
    /// Unix time in milliseconds, read as UTC.
    EpochMillis,
    /// Excel serial day numbers (1900 date system).
    ExcelSerial,
}

/// Unix seconds accepted: 1990-01-01 00:00:00 to 2099-12-31 23:59:59 UTC.
const EPOCH_SECONDS: std::ops::RangeInclusive<u64> = 631_152_000..=4_102_444_799;
/// Unix milliseconds accepted: the same instants as [`EPOCH_SECONDS`].
const EPOCH_MILLIS: std::ops::RangeInclusive<u64> = 631_152_000_000..=4_102_444_799_999;
/// Excel serials accepted (whole days): 1954-10-03 to 2119-01-10.
const EXCEL_SERIALS: std::ops::RangeInclusive<u64> = 20_000..=80_000;
/// Years accepted in compact `YYYYMMDD` dates.
const COMPACT_YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

impl DateKind {
    /// What a value of this form looks like, as the "expected …" of a
    /// rejected row.
    fn expected(self) -> &'static str {
        match self {
            DateKind::Separated => "a date like 2011-12-09 or 12/9/2011",
            DateKind::MonthName => {
                "a date with an English month name like 09-Dec-2011 or Dec 9, 2011"
            }
            DateKind::Compact => {
                "a compact date YYYYMMDD like 20111209 (optionally followed by HHMM or HHMMSS)"
            }
            DateKind::EpochSeconds => {
                "Unix time in seconds from 631152000 to 4102444799 (1990 to 2099)"
            }
            DateKind::EpochMillis => {
                "Unix time in milliseconds from 631152000000 to 4102444799999 (1990 to 2099)"
            }
            DateKind::ExcelSerial => {
                "an Excel serial day number from 20000 to 80000 (1954 to 2119)"
            }
        }
    }

    /// The name of the form, for "this value is …".
    fn label(self) -> &'static str {
        match self {
            DateKind::Separated => "an ISO or day/month date",
            DateKind::MonthName => "a date with a month name",
            DateKind::Compact => "a compact YYYYMMDD date",
            DateKind::EpochSeconds => "Unix time in seconds",
            DateKind::EpochMillis => "Unix time in milliseconds",
            DateKind::ExcelSerial => "an Excel serial day number",
        }
    }

    /// The form a value has, if any; the forms never overlap.
    fn of(value: &str) -> Option<DateKind> {
        let value = super::values::trim(value);
        if parse_date_parts(split_date_time(value).0).is_some() {
            return Some(DateKind::Separated);
        }
        if named_date(value).is_some() {
            return Some(DateKind::MonthName);
        }
        number_kind(value)
    }
}

/// The date format in use, for display and for the worker's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateFormat {
    /// Human-readable pattern, e.g. `M/D/YYYY H:MM`, `YYYY-MM-DD HH:MM:SS`,
    /// `D-Mon-YYYY`, `YYYYMMDD` or `Unix time (seconds, UTC)`.
    pub description: String,
    pub day_first: bool,
    pub decision: DayMonthDecision,
    /// Why this form and order, e.g. "decided by 13/05/2011 (13 can only be
    /// a day)".
    pub explanation: String,
    /// The family of forms every row is read with.
    #[serde(default)]
    pub kind: DateKind,
}

impl DateFormat {
    pub fn parser(&self) -> DateParser {
        DateParser {
            kind: self.kind,
            day_first: self.day_first,
            decision: self.decision,
        }
    }
}

/// A [`DateParser`] that remembers the last value it parsed: an order's
/// lines follow each other and share their timestamp, so most rows repeat
/// the previous row's date cell.
pub struct RepeatedDates {
    parser: DateParser,
    last: Cell<Option<LastDate>>,
}

#[derive(Clone, Copy)]
struct LastDate {
    text: [u8; LastDate::CAPACITY],
    len: usize,
    at: NaiveDateTime,
}

impl LastDate {
    const CAPACITY: usize = 40;

    fn matches(&self, value: &str) -> bool {
        self.text
            .get(..self.len)
            .is_some_and(|text| crate::engine::fast_hash::same_bytes(text, value.as_bytes()))
    }
}

impl RepeatedDates {
    pub fn new(parser: DateParser) -> Self {
        RepeatedDates {
            parser,
            last: Cell::new(None),
        }
    }

    pub fn parse(&self, value: &str) -> Result<NaiveDateTime, String> {
        if let Some(last) = self.last.get().filter(|last| last.matches(value)) {
            return Ok(last.at);
        }
        let at = self.parser.parse(value)?;
        let mut text = [0; LastDate::CAPACITY];
        // Longer values are simply not remembered.
        if let Some(start) = text.get_mut(..value.len()) {
            start.copy_from_slice(value.as_bytes());
            self.last.set(Some(LastDate {
                text,
                len: value.len(),
                at,
            }));
        }
        Ok(at)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct DateParser {
    kind: DateKind,
    day_first: bool,
    decision: DayMonthDecision,
}

/// The numeric date part before the time.
#[derive(Debug, Clone, Copy)]
struct DateParts {
    first: u32,
    second: u32,
    third: u32,
    year_first: bool,
    separator: char,
    short_year: bool,
}

fn split_date_time(value: &str) -> (&str, Option<&str>) {
    let value = super::values::trim(value);
    // Bytes, not chars: the three are ASCII, which never occurs inside a
    // multi-byte character, so the position is a char boundary.
    match value.bytes().position(|b| matches!(b, b' ' | b'T' | b't')) {
        Some(at) => {
            let (date, time) = value.split_at(at);
            (date, Some(time.get(1..).unwrap_or_default().trim()))
        }
        None => (value, None),
    }
}

fn parse_date_parts(date: &str) -> Option<DateParts> {
    // Byte by byte (ASCII separators and digits): a char search and
    // `str::parse` per piece cost more than the rest of a date.
    let bytes = date.as_bytes();
    let separator = *bytes.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let mut pieces = bytes.split(|&b| b == separator);
    let mut next = || -> Option<(u32, usize)> {
        let piece = pieces.next()?;
        if piece.is_empty() || piece.len() > 4 || !piece.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = piece
            .iter()
            .fold(0, |value, &digit| value * 10 + u32::from(digit - b'0'));
        Some((value, piece.len()))
    };
    let separator = char::from(separator);
    let (first, first_len) = next()?;
    let (second, second_len) = next()?;
    let (third, third_len) = next()?;
    if pieces.next().is_some() || second_len > 2 {
        return None;
    }
    let year_first = first_len == 4;
    if year_first {
        (third_len <= 2).then_some(DateParts {
            first,
            second,
            third,
            year_first,
            separator,
            short_year: false,
        })
    } else {
        (first_len <= 2 && (third_len == 2 || third_len == 4)).then_some(DateParts {
            first,
            second,
            third,
            year_first,
            separator,
            short_year: third_len == 2,
        })
    }
}

fn full_year(year: u32, short: bool) -> i32 {
    let year = year as i32;
    match short {
        // Two-digit years: 00–69 → 2000s, 70–99 → 1900s (POSIX convention).
        true if year < 70 => 2000 + year,
        true => 1900 + year,
        false => year,
    }
}

/// Parse `H:MM`, `H:MM:SS`, `H:MM:SS.fff`, with optional AM/PM, `Z`, offset
/// (dropped: wall time is kept) or a `UTC`/`GMT` suffix.
fn parse_time(time: &str) -> Option<NaiveTime> {
    let mut time = time.trim();
    for suffix in ["UTC", "GMT", "utc", "gmt", "Z", "z"] {
        if let Some(stripped) = time.strip_suffix(suffix) {
            time = stripped.trim_end();
        }
    }
    let mut pm = None;
    let upper = time.to_ascii_uppercase();
    if upper.ends_with("AM") || upper.ends_with("PM") {
        pm = Some(upper.ends_with("PM"));
        time = time.get(..time.len() - 2).unwrap_or_default().trim_end();
    }
    if let Some(at) = time.find(['+', '-']) {
        time = time.get(..at).unwrap_or_default().trim_end();
    }
    let mut pieces = time.split(':');
    let number = |piece: Option<&str>| -> Option<u32> {
        let piece = piece?;
        if piece.is_empty() || piece.len() > 2 || !piece.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        piece.parse().ok()
    };
    let mut hour = number(pieces.next())?;
    let minute = number(pieces.next())?;
    let (second, nanos) = match pieces.next() {
        None => (0, 0),
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
            let nanos = if fraction.is_empty() {
                0
            } else if fraction.len() <= 9 && fraction.bytes().all(|b| b.is_ascii_digit()) {
                let padded = format!("{fraction:0<9}");
                padded.parse().ok()?
            } else {
                return None;
            };
            (number(Some(whole))?, nanos)
        }
    };
    if pieces.next().is_some() {
        return None;
    }
    if let Some(pm) = pm {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// Why a value of a chosen form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Not a value of the form at all.
    Shape,
    /// The form's shape, but no such day.
    Calendar { year: i32, month: u32, day: u32 },
    /// A date followed by something that is not a time.
    Time,
}

/// A plain decimal number: digits, optionally `.` or `,` and more digits.
#[derive(Debug, Clone, Copy)]
struct PlainNumber<'a> {
    whole: &'a [u8],
    /// Empty when there is no fraction.
    fraction: &'a [u8],
}

impl PlainNumber<'_> {
    /// No fraction, or only zeros (`20111209.0` from a float column).
    fn is_whole(&self) -> bool {
        self.fraction.iter().all(|&b| b == b'0')
    }
}

fn plain_number(value: &str) -> Option<PlainNumber<'_>> {
    let bytes = value.as_bytes();
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    let (whole, fraction) = match bytes.iter().position(|&b| b == b'.' || b == b',') {
        Some(at) => {
            let fraction = bytes.get(at.checked_add(1)?..)?;
            // A point needs digits after it.
            (bytes.get(..at)?, Some(fraction).filter(|f| digits(f))?)
        }
        None => (bytes, &[][..]),
    };
    digits(whole).then_some(PlainNumber { whole, fraction })
}

/// The value of a run of ASCII digits; `None` for anything else or on overflow.
fn digits_value(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0_u64, |value, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// The first nine digits of a fraction of a second, as nanoseconds.
fn fraction_nanos(fraction: &[u8]) -> Option<u32> {
    (0..9).try_fold(0_u32, |nanos, at| {
        let digit = match fraction.get(at) {
            Some(b) => b.checked_sub(b'0').filter(|d| *d < 10)?,
            None => 0,
        };
        nanos.checked_mul(10)?.checked_add(u32::from(digit))
    })
}

/// A fraction of a day as milliseconds, rounded (may be a whole day).
fn fraction_day_millis(fraction: &[u8]) -> Option<u64> {
    // 18 digits are far below a millisecond; more would only cost overflow.
    let digits = fraction.get(..18).unwrap_or(fraction);
    let numerator = digits.iter().try_fold(0_u128, |value, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        value.checked_mul(10)?.checked_add(u128::from(digit))
    })?;
    let scale = 10_u128.checked_pow(u32::try_from(digits.len()).ok()?)?;
    let millis = numerator
        .checked_mul(86_400_000)?
        .checked_add(scale / 2)?
        .checked_div(scale)?;
    u64::try_from(millis).ok()
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS` (year 1900–2100).
fn parse_compact(value: &str) -> Result<NaiveDateTime, Failure> {
    let number = plain_number(value)
        .filter(PlainNumber::is_whole)
        .ok_or(Failure::Shape)?;
    let digits = number.whole;
    if !matches!(digits.len(), 8 | 12 | 14) {
        return Err(Failure::Shape);
    }
    let field = |from: usize, to: usize| -> Option<u32> {
        digits
            .get(from..to)
            .and_then(digits_value)
            .and_then(|v| u32::try_from(v).ok())
    };
    let year = field(0, 4)
        .filter(|year| COMPACT_YEARS.contains(year))
        .ok_or(Failure::Shape)?;
    let (month, day) = field(4, 6).zip(field(6, 8)).ok_or(Failure::Shape)?;
    let year = i32::try_from(year).map_err(|_| Failure::Shape)?;
    let date =
        NaiveDate::from_ymd_opt(year, month, day).ok_or(Failure::Calendar { year, month, day })?;
    let time = match digits.len() {
        8 => Some(NaiveTime::MIN),
        12 => field(8, 10)
            .zip(field(10, 12))
            .and_then(|(hour, minute)| NaiveTime::from_hms_opt(hour, minute, 0)),
        _ => field(8, 10)
            .zip(field(10, 12))
            .zip(field(12, 14))
            .and_then(|((hour, minute), second)| NaiveTime::from_hms_opt(hour, minute, second)),
    }
    .ok_or(Failure::Time)?;
    Ok(date.and_time(time))
}

/// Unix seconds in [`EPOCH_SECONDS`], optionally with a fraction.
fn parse_epoch_seconds(value: &str) -> Result<NaiveDateTime, Failure> {
    let number = plain_number(value).ok_or(Failure::Shape)?;
    let seconds = digits_value(number.whole)
        .filter(|s| EPOCH_SECONDS.contains(s))
        .and_then(|s| i64::try_from(s).ok())
        .ok_or(Failure::Shape)?;
    let nanos = fraction_nanos(number.fraction).ok_or(Failure::Shape)?;
    DateTime::from_timestamp(seconds, nanos)
        .map(|at| at.naive_utc())
        .ok_or(Failure::Shape)
}

/// Unix milliseconds in [`EPOCH_MILLIS`], a whole number.
fn parse_epoch_millis(value: &str) -> Result<NaiveDateTime, Failure> {
    let millis = plain_number(value)
        .filter(PlainNumber::is_whole)
        .and_then(|number| digits_value(number.whole))
        .filter(|ms| EPOCH_MILLIS.contains(ms))
        .and_then(|ms| i64::try_from(ms).ok())
        .ok_or(Failure::Shape)?;
    DateTime::from_timestamp_millis(millis)
        .map(|at| at.naive_utc())
        .ok_or(Failure::Shape)
}

/// An Excel serial in [`EXCEL_SERIALS`], optionally with a fraction of a day.
fn parse_excel(value: &str) -> Result<NaiveDateTime, Failure> {
    let number = plain_number(value).ok_or(Failure::Shape)?;
    digits_value(number.whole)
        .filter(|days| EXCEL_SERIALS.contains(days))
        .and_then(|days| excel_serial(days, number.fraction))
        .ok_or(Failure::Shape)
}

/// Excel's 1900 date system: serial 1 is 1900-01-01 and Excel counts a
/// 1900-02-29 that never was (serial 60, refused), so from serial 61
/// (1900-03-01) on the day is 1899-12-30 plus the serial. `fraction` is the
/// digits after the decimal point: the time of day, to the millisecond.
fn excel_serial(days: u64, fraction: &[u8]) -> Option<NaiveDateTime> {
    let base = match days {
        0 | 60 => return None,
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    let millis = fraction_day_millis(fraction)?;
    // A fraction that rounds to a whole day is the next midnight.
    let (days, millis) = match millis.checked_sub(86_400_000) {
        Some(rest) => (days.checked_add(1)?, rest),
        None => (days, millis),
    };
    let date = base.checked_add_days(Days::new(days))?;
    let seconds = u32::try_from(millis / 1000).ok()?;
    let nanos = u32::try_from((millis % 1000).checked_mul(1_000_000)?).ok()?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)?;
    Some(date.and_time(time))
}

/// The numeric form a value has, if any (the ranges never overlap).
fn number_kind(value: &str) -> Option<DateKind> {
    // Cheapest first; each refuses the others' values.
    if parse_excel(value).is_ok() {
        Some(DateKind::ExcelSerial)
    } else if parse_compact(value).is_ok() {
        Some(DateKind::Compact)
    } else if parse_epoch_seconds(value).is_ok() {
        Some(DateKind::EpochSeconds)
    } else if parse_epoch_millis(value).is_ok() {
        Some(DateKind::EpochMillis)
    } else {
        None
    }
}

/// A byte cursor over a value; it only steps over ASCII bytes, so its
/// position is always a char boundary.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The run of ASCII bytes matching `keep` from here.
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let bytes = self.text.as_bytes();
        let start = self.at;
        while bytes.get(self.at).is_some_and(|&b| b.is_ascii() && keep(b)) {
            self.at += 1;
        }
        bytes.get(start..self.at).unwrap_or_default()
    }

    /// Skip `st`, `nd`, `rd` or `th` after a day number.
    fn skip_ordinal(&mut self) {
        let bytes = self.text.as_bytes();
        let Some(end) = self.at.checked_add(2) else {
            return;
        };
        let suffix = bytes.get(self.at..end).unwrap_or_default();
        let ordinal = ["st", "nd", "rd", "th"]
            .iter()
            .any(|o| suffix.eq_ignore_ascii_case(o.as_bytes()));
        if ordinal && !bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
            self.at = end;
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }
}

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Whether `word` is `name` or its first three (or more) letters.
fn names(word: &[u8], name: &str) -> bool {
    word.len() >= 3
        && name
            .as_bytes()
            .get(..word.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(word))
}

/// The month (1–12) a word names, and whether it is the full name.
fn month_number(word: &[u8]) -> Option<(u32, bool)> {
    let index = MONTH_NAMES.iter().position(|name| names(word, name))?;
    let full = MONTH_NAMES
        .get(index)
        .is_some_and(|name| name.len() == word.len() && word.len() > 3);
    Some((u32::try_from(index).ok()?.checked_add(1)?, full))
}

/// A date written with an English month name, before calendar checks.
#[derive(Debug, Clone, Copy)]
struct NamedDate<'a> {
    year: i32,
    month: u32,
    day: u32,
    /// `9 Dec 2011` rather than `Dec 9, 2011`.
    day_first: bool,
    /// Between day and month in day-first dates (` `, `-`, `/`, `.`).
    separator: u8,
    short_year: bool,
    full_name: bool,
    /// What follows the date (empty: none).
    time: &'a str,
}

/// `[Weekday[,]] D[th] Mon[.] YY[YY]` or `[Weekday[,]] Mon[.] D[th][,] YYYY`,
/// then nothing or a separator (` `, `,`, or `:` as in `09/Dec/2011:12:50`)
/// and a time (an `at` before it is skipped).
fn named_date(value: &str) -> Option<NamedDate<'_>> {
    let is_separator = |b: u8| matches!(b, b' ' | b'-' | b'/' | b'.');
    let mut cursor = Cursor { text: value, at: 0 };
    let mut word = cursor.take_while(|b| b.is_ascii_alphabetic());
    if !word.is_empty() && WEEKDAY_NAMES.iter().any(|name| names(word, name)) {
        cursor.take_while(|b| b == b'.');
        if cursor.take_while(|b| b == b',' || b == b' ').is_empty() {
            return None;
        }
        word = cursor.take_while(|b| b.is_ascii_alphabetic());
    }
    let day_number = |cursor: &mut Cursor| -> Option<u32> {
        let digits = cursor.take_while(|b| b.is_ascii_digit());
        if digits.len() > 2 {
            return None;
        }
        let day = u32::try_from(digits_value(digits)?).ok()?;
        cursor.skip_ordinal();
        Some(day)
    };
    let (day, (month, full_name), separator, day_first) = if word.is_empty() {
        let day = day_number(&mut cursor)?;
        let separator = *cursor.take_while(is_separator).first()?;
        let month = month_number(cursor.take_while(|b| b.is_ascii_alphabetic()))?;
        (day, month, separator, true)
    } else {
        let month = month_number(word)?;
        let separator = *cursor.take_while(is_separator).first()?;
        (day_number(&mut cursor)?, month, separator, false)
    };
    if cursor
        .take_while(|b| is_separator(b) || b == b',')
        .is_empty()
    {
        return None;
    }
    let year_digits = cursor.take_while(|b| b.is_ascii_digit());
    let short_year = match year_digits.len() {
        2 if day_first => true,
        4 => false,
        _ => return None,
    };
    let year = full_year(u32::try_from(digits_value(year_digits)?).ok()?, short_year);
    if cursor.peek().is_some() {
        if cursor.take_while(|b| b == b' ' || b == b',').is_empty() {
            (cursor.peek() == Some(b':')).then_some(())?;
            cursor.at += 1;
        }
        let rest = cursor.rest();
        if rest
            .get(..3)
            .is_some_and(|at| at.eq_ignore_ascii_case("at "))
        {
            cursor.at += 3;
        }
    }
    Some(NamedDate {
        year,
        month,
        day,
        day_first,
        separator,
        short_year,
        full_name,
        time: cursor.rest().trim(),
    })
}

fn parse_named(value: &str) -> Result<NaiveDateTime, Failure> {
    let named = named_date(value).ok_or(Failure::Shape)?;
    let (year, month, day) = (named.year, named.month, named.day);
    let date =
        NaiveDate::from_ymd_opt(year, month, day).ok_or(Failure::Calendar { year, month, day })?;
    let time = match named.time {
        "" => NaiveTime::MIN,
        text => parse_time(text).ok_or(Failure::Time)?,
    };
    Ok(date.and_time(time))
}

impl DateParser {
    /// Parse one value; the error is a reason fit for the cleaning report.
    #[inline]
    pub fn parse(&self, value: &str) -> Result<NaiveDateTime, String> {
        // The usual forms keep their own path; the others were chosen once
        // at sniff time, so a row is tried against one form only.
        if self.kind == DateKind::Separated {
            self.parse_separated(value)
        } else {
            self.parse_other(value)
        }
    }

    /// A value of a form other than [`DateKind::Separated`]; a value of
    /// another form is refused, naming both forms.
    fn parse_other(&self, value: &str) -> Result<NaiveDateTime, String> {
        let text = super::values::trim(value);
        let parsed = match self.kind {
            DateKind::Separated => return self.parse_separated(value),
            DateKind::MonthName => parse_named(text),
            DateKind::Compact => parse_compact(text),
            DateKind::EpochSeconds => parse_epoch_seconds(text),
            DateKind::EpochMillis => parse_epoch_millis(text),
            DateKind::ExcelSerial => parse_excel(text),
        };
        parsed.map_err(|failure| match failure {
            Failure::Calendar { year, month, day } => {
                format!("a valid calendar date (year {year}, month {month}, day {day})")
            }
            Failure::Time => "a time like 8:26, 12:50:00 or 2:05 PM".to_string(),
            Failure::Shape => {
                let found = match DateKind::of(text) {
                    Some(other) => format!(
                        "; this value is {}: the column mixes date forms",
                        other.label()
                    ),
                    None => String::new(),
                };
                format!(
                    "{} (the form of the date column, as decided from the first 64 KiB){found}",
                    self.kind.expected()
                )
            }
        })
    }

    fn parse_separated(&self, value: &str) -> Result<NaiveDateTime, String> {
        match parse_usual(value.as_bytes(), self.day_first) {
            Some(at) => Ok(at),
            None => self.parse_separated_generally(value),
        }
    }

    fn parse_separated_generally(&self, value: &str) -> Result<NaiveDateTime, String> {
        let (date_text, time_text) = split_date_time(value);
        let parts = parse_date_parts(date_text).ok_or_else(|| {
            "a date like 2011-12-09 or 12/9/2011 (optionally with a time)".to_string()
        })?;
        let (year, month, day) = if parts.year_first {
            (parts.first as i32, parts.second, parts.third)
        } else {
            let (day, month) = if self.day_first {
                (parts.first, parts.second)
            } else {
                (parts.second, parts.first)
            };
            if month > 12 && day <= 12 {
                let order = if self.day_first {
                    "day-first (D/M/Y)"
                } else {
                    "month-first (M/D/Y)"
                };
                let how = match self.decision {
                    DayMonthDecision::Assumed => {
                        "assumed because the first 64 KiB had only ambiguous dates"
                    }
                    DayMonthDecision::UserSetting => "as set in the settings",
                    _ => "as decided from the first 64 KiB",
                };
                return Err(format!(
                    "a {order} date ({how}); {month} cannot be a month: switch the day/month order setting to re-read"
                ));
            }
            (full_year(parts.third, parts.short_year), month, day)
        };
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
            format!("a valid calendar date (year {year}, month {month}, day {day})")
        })?;
        let time = match time_text {
            None | Some("") => NaiveTime::MIN,
            Some(text) => parse_time(text)
                .ok_or_else(|| "a time like 8:26, 12:50:00 or 2:05 PM".to_string())?,
        };
        Ok(date.and_time(time))
    }
}

/// The digits at `*at`, at most `most` of them, as a number and how many
/// there were; `None` if there are none.
fn digits_at(bytes: &[u8], at: &mut usize, most: usize) -> Option<(u32, usize)> {
    let start = *at;
    let mut value = 0;
    while *at - start < most {
        match bytes.get(*at) {
            Some(&byte) if byte.is_ascii_digit() => {
                value = value * 10 + u32::from(byte - b'0');
                *at += 1;
            }
            _ => break,
        }
    }
    let count = *at - start;
    (count > 0).then_some((value, count))
}

/// The shapes nearly every export uses, read in one pass over the bytes:
/// `A/B/YYYY`, `A/B/YY`, `YYYY-MM-DD` (any one of `-`, `/`, `.` as the
/// separator), optionally followed by a space or `T` and `H:MM` or
/// `H:MM:SS`. `None` for anything else, and for a value that is not a
/// valid date or time or whose month is over 12: the general parser reads
/// those (and says why it cannot), so where this answers it answers the
/// same. The general one splits and trims pieces and upper-cases the time
/// for AM/PM: several times the work, on every row whose date differs from
/// the row before.
fn parse_usual(bytes: &[u8], day_first: bool) -> Option<NaiveDateTime> {
    let mut at = 0;
    let (first, first_len) = digits_at(bytes, &mut at, 4)?;
    let separator = *bytes.get(at).filter(|b| matches!(b, b'-' | b'/' | b'.'))?;
    at += 1;
    let (second, _) = digits_at(bytes, &mut at, 2)?;
    if bytes.get(at) != Some(&separator) {
        return None;
    }
    at += 1;
    let (third, third_len) = digits_at(bytes, &mut at, 4)?;
    let (year, month, day) = match first_len {
        4 if third_len <= 2 => (first as i32, second, third),
        1 | 2 if third_len == 2 || third_len == 4 => {
            let (day, month) = if day_first {
                (first, second)
            } else {
                (second, first)
            };
            (full_year(third, third_len == 2), month, day)
        }
        _ => return None,
    };
    let time = match bytes.get(at) {
        None => NaiveTime::MIN,
        Some(b' ' | b'T') => {
            at += 1;
            let (hour, _) = digits_at(bytes, &mut at, 2)?;
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            at += 1;
            let (minute, _) = digits_at(bytes, &mut at, 2)?;
            let second = match bytes.get(at) {
                None => 0,
                Some(b':') => {
                    at += 1;
                    digits_at(bytes, &mut at, 2)?.0
                }
                Some(_) => return None,
            };
            if at != bytes.len() {
                return None;
            }
            NaiveTime::from_hms_opt(hour, minute, second)?
        }
        Some(_) => return None,
    };
    // The general parser explains a month over 12; chrono refuses it too.
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some(date.and_time(time))
}

/// How many values of one form the sniff window had, and the first of them.
#[derive(Debug, Default, Clone)]
struct Tally {
    count: usize,
    example: Option<String>,
}

impl Tally {
    fn add(&mut self, value: &str) {
        self.count += 1;
        self.example.get_or_insert_with(|| value.to_string());
    }
}

/// Collects evidence over the sniff window's date values.
#[derive(Debug, Default, Clone)]
pub struct DateDetector {
    seen: usize,
    parsed_shape: usize,
    year_first: usize,
    day_first_votes: usize,
    month_first_votes: usize,
    day_first_example: Option<String>,
    month_first_example: Option<String>,
    slash: usize,
    dot_or_dash: usize,
    short_year: usize,
    with_time: usize,
    with_seconds: usize,
    separator: Option<char>,
    separated_example: Option<String>,
    /// Dates with an English month name.
    month_name: Tally,
    month_name_day_first: usize,
    month_name_short_year: usize,
    month_name_full: usize,
    month_name_with_time: usize,
    month_name_with_seconds: usize,
    /// Between day and month in the first day-first month-name date.
    month_name_separator: Option<u8>,
    /// Plain numbers (digits, optionally a fraction), of any form or none.
    numbers: usize,
    /// The first number that fits no numeric form.
    other_number: Option<String>,
    compact: Tally,
    /// `YYYYMMDDHHMM` and `YYYYMMDDHHMMSS` among [`Self::compact`].
    compact_minutes: usize,
    compact_seconds: usize,
    epoch_seconds: Tally,
    epoch_millis: Tally,
    excel: Tally,
}

const NUMERIC_KINDS: [DateKind; 4] = [
    DateKind::Compact,
    DateKind::EpochSeconds,
    DateKind::EpochMillis,
    DateKind::ExcelSerial,
];

/// A date-time for an explanation: the date alone at midnight.
fn shown(at: NaiveDateTime) -> String {
    if at.time() == NaiveTime::MIN {
        at.date().to_string()
    } else {
        at.to_string()
    }
}

impl DateDetector {
    pub fn observe(&mut self, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        self.seen += 1;
        let (date_text, time_text) = split_date_time(value);
        let Some(parts) = parse_date_parts(date_text) else {
            self.observe_other(value);
            return;
        };
        self.parsed_shape += 1;
        self.separator.get_or_insert(parts.separator);
        self.separated_example
            .get_or_insert_with(|| value.to_string());
        if let Some(time) = time_text.filter(|t| !t.is_empty()) {
            self.with_time += 1;
            if time.matches(':').count() >= 2 {
                self.with_seconds += 1;
            }
        }
        if parts.year_first {
            self.year_first += 1;
            return;
        }
        if parts.separator == '/' {
            self.slash += 1;
        } else {
            self.dot_or_dash += 1;
        }
        if parts.short_year {
            self.short_year += 1;
        }
        if parts.first > 12 && parts.first <= 31 && parts.second <= 12 {
            self.day_first_votes += 1;
            self.day_first_example
                .get_or_insert_with(|| value.to_string());
        } else if parts.second > 12 && parts.second <= 31 && parts.first <= 12 {
            self.month_first_votes += 1;
            self.month_first_example
                .get_or_insert_with(|| value.to_string());
        }
    }

    /// A value that is not a separated date: a month-name date, a number of
    /// one of the numeric forms, another number, or nothing recognisable.
    fn observe_other(&mut self, value: &str) {
        if let Some(named) = named_date(value) {
            self.month_name.add(value);
            if named.day_first {
                self.month_name_day_first += 1;
                self.month_name_separator.get_or_insert(named.separator);
            }
            if named.short_year {
                self.month_name_short_year += 1;
            }
            if named.full_name {
                self.month_name_full += 1;
            }
            if !named.time.is_empty() {
                self.month_name_with_time += 1;
                if named.time.matches(':').count() >= 2 {
                    self.month_name_with_seconds += 1;
                }
            }
            return;
        }
        let Some(number) = plain_number(value) else {
            return;
        };
        self.numbers += 1;
        match number_kind(value) {
            Some(DateKind::Compact) => {
                self.compact.add(value);
                match number.whole.len() {
                    12 => self.compact_minutes += 1,
                    14 => self.compact_seconds += 1,
                    _ => {}
                }
            }
            Some(DateKind::EpochSeconds) => self.epoch_seconds.add(value),
            Some(DateKind::EpochMillis) => self.epoch_millis.add(value),
            Some(DateKind::ExcelSerial) => self.excel.add(value),
            Some(DateKind::Separated | DateKind::MonthName) | None => {
                self.other_number.get_or_insert_with(|| value.to_string());
            }
        }
    }

    fn tally(&self, kind: DateKind) -> Option<&Tally> {
        match kind {
            DateKind::Separated => None,
            DateKind::MonthName => Some(&self.month_name),
            DateKind::Compact => Some(&self.compact),
            DateKind::EpochSeconds => Some(&self.epoch_seconds),
            DateKind::EpochMillis => Some(&self.epoch_millis),
            DateKind::ExcelSerial => Some(&self.excel),
        }
    }

    fn count(&self, kind: DateKind) -> usize {
        match kind {
            DateKind::Separated => self.parsed_shape,
            _ => self.tally(kind).map_or(0, |tally| tally.count),
        }
    }

    fn example(&self, kind: DateKind) -> &str {
        match kind {
            DateKind::Separated => self.separated_example.as_deref(),
            _ => self.tally(kind).and_then(|tally| tally.example.as_deref()),
        }
        .unwrap_or_default()
    }

    /// The form the column is read with. Written dates (separated or with a
    /// month name) win by majority; a numeric form only when every number in
    /// the window fits it and they outnumber the written dates.
    fn kind(&self) -> DateKind {
        let (written, written_count) = if self.month_name.count > self.parsed_shape {
            (DateKind::MonthName, self.month_name.count)
        } else {
            (DateKind::Separated, self.parsed_shape)
        };
        let numeric = NUMERIC_KINDS.into_iter().find(|&kind| {
            let count = self.count(kind);
            count > 0 && count == self.numbers
        });
        match numeric {
            Some(kind) if self.count(kind) > written_count => kind,
            _ => written,
        }
    }

    /// How many observed values are of the form that would be chosen.
    pub fn recognised(&self) -> usize {
        self.count(self.kind())
    }

    pub fn observed(&self) -> usize {
        self.seen
    }

    pub fn resolve(&self, user_day_first: Option<bool>) -> DateFormat {
        let kind = self.kind();
        let mut format = match kind {
            DateKind::Separated => self.resolve_separated(user_day_first),
            _ => self.resolve_unambiguous(kind, user_day_first),
        };
        let all_forms = self.parsed_shape
            + self.month_name.count
            + NUMERIC_KINDS
                .iter()
                .map(|&kind| self.count(kind))
                .sum::<usize>();
        let others = all_forms.saturating_sub(self.count(kind));
        if others > 0 && self.count(kind) > 0 {
            format.explanation.push_str(&format!(
                "; {others} date value(s) of another form in the first 64 KiB (e.g. {}) \
                 will be reported as unparseable",
                self.other_form_example(kind).unwrap_or_default()
            ));
        }
        format
    }

    /// The first value of a recognised form other than `kind`.
    fn other_form_example(&self, kind: DateKind) -> Option<&str> {
        [
            DateKind::Separated,
            DateKind::MonthName,
            DateKind::Compact,
            DateKind::EpochSeconds,
            DateKind::EpochMillis,
            DateKind::ExcelSerial,
        ]
        .into_iter()
        .find(|&other| other != kind && self.count(other) > 0)
        .map(|other| self.example(other))
    }

    /// A month-name, compact, Unix-time or Excel column: no order to decide.
    fn resolve_unambiguous(&self, kind: DateKind, user_day_first: Option<bool>) -> DateFormat {
        let count = self.count(kind);
        let example = self.example(kind);
        let parser = DateParser {
            kind,
            day_first: false,
            decision: DayMonthDecision::NotNeeded,
        };
        let reading = parser.parse(example).map(shown).unwrap_or_default();
        let all = if count == 1 {
            "the one number".to_string()
        } else {
            format!("all {count} numbers")
        };
        let majority = |part: usize| part * 2 > count;
        let (description, day_first, mut explanation) = match kind {
            DateKind::MonthName => {
                let day_first = self.month_name_day_first * 2 >= count;
                (
                    self.describe_named(day_first),
                    day_first,
                    format!(
                        "dates with English month names (e.g. {example}): the name says which \
                         number is the month"
                    ),
                )
            }
            DateKind::Compact => {
                let description = if majority(self.compact_seconds) {
                    "YYYYMMDDHHMMSS"
                } else if majority(self.compact_minutes) {
                    "YYYYMMDDHHMM"
                } else {
                    "YYYYMMDD"
                };
                (
                    description.to_string(),
                    false,
                    format!(
                        "compact dates: {all} in the first 64 KiB are valid year-month-day \
                         dates (e.g. {example} = {reading})"
                    ),
                )
            }
            DateKind::EpochSeconds | DateKind::EpochMillis => {
                let (unit, range) = if kind == DateKind::EpochSeconds {
                    ("seconds", "631152000 and 4102444799")
                } else {
                    ("milliseconds", "631152000000 and 4102444799999")
                };
                (
                    format!("Unix time ({unit}, UTC)"),
                    false,
                    format!(
                        "Unix time in {unit}: {all} in the first 64 KiB are between {range} \
                         (1990 to 2099), e.g. {example} = {reading} UTC"
                    ),
                )
            }
            DateKind::ExcelSerial | DateKind::Separated => (
                "Excel serial day number (1900 system)".to_string(),
                false,
                format!(
                    "Excel serial day numbers: {all} in the first 64 KiB are between 20000 and \
                     80000 (1954 to 2119) and no other date form fits, e.g. {example} = {reading}"
                ),
            ),
        };
        if user_day_first.is_some() {
            explanation.push_str("; the day/month order setting does not apply to this form");
        }
        DateFormat {
            description,
            day_first,
            decision: DayMonthDecision::NotNeeded,
            explanation,
            kind,
        }
    }

    /// Why a column of numbers is not read as any numeric form.
    fn why_no_numeric_form(&self) -> String {
        let best = NUMERIC_KINDS
            .into_iter()
            .max_by_key(|&kind| self.count(kind))
            .filter(|&kind| self.count(kind) > 0);
        match best {
            Some(kind) => {
                let counter = NUMERIC_KINDS
                    .into_iter()
                    .filter(|&other| other != kind && self.count(other) > 0)
                    .map(|other| self.example(other))
                    .chain(self.other_number.as_deref())
                    .next()
                    .unwrap_or_default();
                format!(
                    "not read as {}: {} of the {} numbers in the first 64 KiB are (e.g. {}), \
                     but not all (e.g. {counter})",
                    kind.label(),
                    self.count(kind),
                    self.numbers,
                    self.example(kind)
                )
            }
            None => format!(
                "no date form fits the numbers in the first 64 KiB (e.g. {}): they are not \
                 compact YYYYMMDD dates, Unix time from 1990 to 2099 or Excel serial day \
                 numbers from 20000 to 80000",
                self.other_number.as_deref().unwrap_or_default()
            ),
        }
    }

    fn resolve_separated(&self, user_day_first: Option<bool>) -> DateFormat {
        let order_free = self.parsed_shape == 0 || self.year_first * 2 > self.parsed_shape;
        let default_day_first = self.dot_or_dash > self.slash;
        let (day_first, decision, mut explanation) = if let Some(day_first) = user_day_first {
            (
                day_first,
                DayMonthDecision::UserSetting,
                "day/month order set by the user".to_string(),
            )
        } else if order_free {
            (
                false,
                DayMonthDecision::NotNeeded,
                "year-first dates are unambiguous".to_string(),
            )
        } else {
            match (&self.day_first_example, &self.month_first_example) {
                (Some(day), None) => (
                    true,
                    DayMonthDecision::FromData,
                    format!("day-first: in {day} the first number can only be a day"),
                ),
                (None, Some(month)) => (
                    false,
                    DayMonthDecision::FromData,
                    format!("month-first: in {month} the second number can only be a day"),
                ),
                (Some(day), Some(month)) => {
                    let day_first = self.day_first_votes >= self.month_first_votes;
                    (
                        day_first,
                        DayMonthDecision::Conflicting,
                        format!(
                            "conflicting dates ({} day-first like {day}, {} month-first like {month}); \
                             assumed {} — rows of the other order will be reported as unparseable",
                            self.day_first_votes,
                            self.month_first_votes,
                            if day_first { "day-first" } else { "month-first" }
                        ),
                    )
                }
                (None, None) => {
                    (
                        default_day_first,
                        DayMonthDecision::Assumed,
                        format!(
                        "ambiguous, assumed {} (no date in the first 64 KiB has a number above 12 \
                         in the day or month position; {} is the usual order for '{}' dates)",
                        if default_day_first { "day-first" } else { "month-first" },
                        if default_day_first { "day-first" } else { "month-first" },
                        self.separator.unwrap_or('/')
                    ),
                    )
                }
            }
        };
        if self.parsed_shape == 0 && self.month_name.count == 0 && self.numbers > 0 {
            explanation = self.why_no_numeric_form();
        }
        DateFormat {
            description: self.describe(day_first, order_free && user_day_first.is_none()),
            day_first,
            decision,
            explanation,
            kind: DateKind::Separated,
        }
    }

    fn describe_named(&self, day_first: bool) -> String {
        let count = self.month_name.count;
        let majority = |part: usize| part * 2 > count && part > 0;
        let time = match (
            majority(self.month_name_with_time),
            majority(self.month_name_with_seconds),
        ) {
            (true, true) => " H:MM:SS",
            (true, false) => " H:MM",
            _ => "",
        };
        let month = if majority(self.month_name_full) {
            "Month"
        } else {
            "Mon"
        };
        if day_first {
            let separator = char::from(self.month_name_separator.unwrap_or(b' '));
            let year = if majority(self.month_name_short_year) {
                "YY"
            } else {
                "YYYY"
            };
            format!("D{separator}{month}{separator}{year}{time}")
        } else {
            format!("{month} D, YYYY{time}")
        }
    }

    fn describe(&self, day_first: bool, year_first: bool) -> String {
        let majority = |count: usize| count * 2 > self.parsed_shape && count > 0;
        let time = match (majority(self.with_time), majority(self.with_seconds)) {
            (true, true) => " H:MM:SS",
            (true, false) => " H:MM",
            _ => "",
        };
        let separator = self.separator.unwrap_or('/');
        if year_first {
            return format!("YYYY{separator}MM{separator}DD{time}");
        }
        let (a, b) = if day_first { ("D", "M") } else { ("M", "D") };
        let year = if majority(self.short_year) {
            "YY"
        } else {
            "YYYY"
        };
        format!("{a}{separator}{b}{separator}{year}{time}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, s)
            .unwrap()
    }

    #[test]
    fn remembered_dates_parse_as_the_parser_does() {
        let parser = detect(&["13/05/2011"], None).parser();
        let repeated = RepeatedDates::new(parser);
        let long = format!("1/2/2011 {}", " ".repeat(40));
        let values = [
            "1/2/2011 8:14",
            "1/2/2011 8:14",
            "1/2/2011 8:1",
            "1/2/2011 8:14",
            "1/2/2011 8:140",
            "1/2/2011 8:14",
            "31/2/2011",
            "31/2/2011",
            long.as_str(),
            long.as_str(),
            "2/2/2011",
        ];
        for value in values {
            assert_eq!(repeated.parse(value), parser.parse(value), "{value:?}");
        }
        assert_eq!(repeated.parse("1/2/2011 8:1"), Ok(at(2011, 2, 1, 8, 1, 0)));
    }

    fn detect(values: &[&str], user: Option<bool>) -> DateFormat {
        let mut detector = DateDetector::default();
        values.iter().for_each(|v| detector.observe(v));
        detector.resolve(user)
    }

    #[test]
    fn iso_variants() {
        let parser = detect(&["2011-12-09"], None).parser();
        assert_eq!(parser.parse("2011-12-09"), Ok(at(2011, 12, 9, 0, 0, 0)));
        assert_eq!(
            parser.parse("2011-12-09 12:50:00"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser.parse("2011-12-09T12:50:00Z"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser.parse("2011-12-09T12:50:00+01:00"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser.parse("2011-12-09 12:50:00 -0500"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser
                .parse("2011-12-09T12:50:00.250Z")
                .map(|d| d.and_utc().timestamp_subsec_millis()),
            Ok(250)
        );
    }

    #[test]
    fn uci_month_first_decided_by_data() {
        let format = detect(&["12/1/2010 8:26", "12/13/2010 9:00"], None);
        assert!(!format.day_first);
        assert_eq!(format.decision, DayMonthDecision::FromData);
        assert_eq!(format.description, "M/D/YYYY H:MM");
        assert_eq!(
            format.parser().parse("12/1/2010 8:26"),
            Ok(at(2010, 12, 1, 8, 26, 0))
        );
    }

    #[test]
    fn day_first_decided_by_data() {
        let format = detect(&["01/02/2011", "25/02/2011"], None);
        assert!(format.day_first);
        assert_eq!(
            format.parser().parse("01/02/2011"),
            Ok(at(2011, 2, 1, 0, 0, 0))
        );
    }

    #[test]
    fn ambiguous_defaults_by_separator() {
        let slash = detect(&["01/02/2011"], None);
        assert_eq!(
            (slash.day_first, slash.decision),
            (false, DayMonthDecision::Assumed)
        );
        assert!(slash.explanation.contains("ambiguous, assumed month-first"));
        let dot = detect(&["01.02.2011"], None);
        assert!(dot.day_first);
        let dash = detect(&["01-02-2011 10:00"], None);
        assert!(dash.day_first);
        assert_eq!(
            dash.parser().parse("01-02-2011 10:00"),
            Ok(at(2011, 2, 1, 10, 0, 0))
        );
    }

    #[test]
    fn contradicting_row_is_rejected_with_reason() {
        let parser = detect(&["01/02/2011"], None).parser();
        let error = parser.parse("13/02/2011").unwrap_err();
        assert!(error.contains("assumed"), "{error}");
    }

    #[test]
    fn user_setting_wins() {
        let format = detect(&["12/13/2010"], Some(true));
        assert_eq!(format.decision, DayMonthDecision::UserSetting);
        assert!(format.parser().parse("12/13/2010").is_err());
    }

    #[test]
    fn other_shapes() {
        let parser = detect(&["25.12.2011"], None).parser();
        assert_eq!(parser.parse("09.12.11"), Ok(at(2011, 12, 9, 0, 0, 0)));
        assert_eq!(
            parser.parse("09.12.99 23:59:59"),
            Ok(at(1999, 12, 9, 23, 59, 59))
        );
        assert_eq!(
            parser.parse("09.12.2011 2:05 PM"),
            Ok(at(2011, 12, 9, 14, 5, 0))
        );
        assert!(parser.parse("31.02.2011").is_err());
        assert!(parser.parse("hello").is_err());
        assert!(parser.parse("2011-12-09 25:00").is_err());
        assert!(parser.parse("").is_err());
    }

    fn ms(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, milli: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_milli_opt(h, min, s, milli)
            .unwrap()
    }

    fn parser_of(kind: DateKind) -> DateParser {
        DateParser {
            kind,
            day_first: false,
            decision: DayMonthDecision::NotNeeded,
        }
    }

    #[test]
    fn compact_dates() {
        let format = detect(&["19970101", "20111209", "20000229"], None);
        assert_eq!(format.kind, DateKind::Compact);
        assert_eq!(format.description, "YYYYMMDD");
        assert_eq!(format.decision, DayMonthDecision::NotNeeded);
        assert!(
            format
                .explanation
                .contains("all 3 numbers in the first 64 KiB are valid year-month-day dates (e.g. 19970101 = 1997-01-01)"),
            "{}",
            format.explanation
        );
        let parser = format.parser();
        assert_eq!(parser.parse("19970101"), Ok(at(1997, 1, 1, 0, 0, 0)));
        assert_eq!(parser.parse(" 20111209 "), Ok(at(2011, 12, 9, 0, 0, 0)));
        assert_eq!(parser.parse("20111209.0"), Ok(at(2011, 12, 9, 0, 0, 0)));
        assert_eq!(parser.parse("201112091250"), Ok(at(2011, 12, 9, 12, 50, 0)));
        assert_eq!(
            parser.parse("20111209125001"),
            Ok(at(2011, 12, 9, 12, 50, 1))
        );
        assert_eq!(parser.parse("19000101"), Ok(at(1900, 1, 1, 0, 0, 0)));
        assert_eq!(parser.parse("21001231"), Ok(at(2100, 12, 31, 0, 0, 0)));
        assert_eq!(
            parser.parse("20110231"),
            Err("a valid calendar date (year 2011, month 2, day 31)".into())
        );
        assert_eq!(
            parser.parse("201112092460"),
            Err("a time like 8:26, 12:50:00 or 2:05 PM".into())
        );
        for bad in ["18991231", "21010101", "2011120", "201112091", "20111209.5"] {
            let error = parser.parse(bad).unwrap_err();
            assert!(
                error.starts_with("a compact date YYYYMMDD"),
                "{bad}: {error}"
            );
        }
        let minutes = detect(&["201112091250", "201112100800"], None);
        assert_eq!(
            (minutes.kind, minutes.description.as_str()),
            (DateKind::Compact, "YYYYMMDDHHMM")
        );
        let seconds = detect(&["20111209125000"], None);
        assert_eq!(seconds.description, "YYYYMMDDHHMMSS");
        assert!(seconds.explanation.contains("the one number"));
    }

    #[test]
    fn compact_needs_every_number_to_be_a_date() {
        // An invalid 8-digit number: perhaps an id column, so not compact.
        let format = detect(&["20111209", "20110231", "20111210"], None);
        assert_eq!(format.kind, DateKind::Separated);
        assert_eq!(
            format.explanation,
            "not read as a compact YYYYMMDD date: 2 of the 3 numbers in the first 64 KiB are \
             (e.g. 20111209), but not all (e.g. 20110231)"
        );
        let mut detector = DateDetector::default();
        ["20111209", "12345678"]
            .iter()
            .for_each(|v| detector.observe(v));
        assert_eq!(detector.recognised(), 0);
        let ids = detect(&["123", "4567"], None);
        assert!(
            ids.explanation
                .starts_with("no date form fits the numbers in the first 64 KiB (e.g. 123)"),
            "{}",
            ids.explanation
        );
    }

    #[test]
    fn year_first_with_slashes_and_dots() {
        let format = detect(&["2011/12/09 12:50", "2011/12/10 08:00"], None);
        assert_eq!(format.kind, DateKind::Separated);
        assert_eq!(format.description, "YYYY/MM/DD H:MM");
        assert_eq!(format.decision, DayMonthDecision::NotNeeded);
        let parser = format.parser();
        assert_eq!(
            parser.parse("2011/12/09 12:50"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(parser.parse("2011/12/9"), Ok(at(2011, 12, 9, 0, 0, 0)));
        assert_eq!(
            parser.parse("2011.12.09 2:05:30 PM"),
            Ok(at(2011, 12, 9, 14, 5, 30))
        );
        let dots = detect(&["2011.12.09"], None);
        assert_eq!(dots.description, "YYYY.MM.DD");
        assert!(parser.parse("2011/13/09").is_err());
    }

    #[test]
    fn iso_with_t_and_zone() {
        let parser = detect(&["2011-12-09T12:50:00.123+05:30"], None).parser();
        // The wall time is kept; the offset is dropped.
        assert_eq!(
            parser.parse("2011-12-09T12:50:00.123+05:30"),
            Ok(ms(2011, 12, 9, 12, 50, 0, 123))
        );
        assert_eq!(
            parser.parse("2011-12-09T12:50Z"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser.parse("2011-12-09T12:50:00-08:00"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser.parse("2011-12-09t12:50:00z"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert!(parser.parse("2011-12-09T25:50Z").is_err());
    }

    #[test]
    fn month_names() {
        let parser = parser_of(DateKind::MonthName);
        let dec9 = at(2011, 12, 9, 0, 0, 0);
        for value in [
            "09-Dec-2011",
            "9 Dec 2011",
            "09-DEC-11",
            "09/Dec/2011",
            "9. Dec. 2011",
            "9th December 2011",
            "Dec 9, 2011",
            "December 9, 2011",
            "december 9 2011",
            "DEC. 9, 2011",
            "Dec 9th, 2011",
            "Fri, 09 Dec 2011",
            "Friday, December 9, 2011",
        ] {
            assert_eq!(parser.parse(value), Ok(dec9), "{value}");
        }
        let cases = [
            ("09-Dec-2011 12:50", at(2011, 12, 9, 12, 50, 0)),
            ("9 Dec 2011 12:50:01", at(2011, 12, 9, 12, 50, 1)),
            ("Dec 9, 2011 2:05 PM", at(2011, 12, 9, 14, 5, 0)),
            ("Dec 9, 2011, 2:05 PM", at(2011, 12, 9, 14, 5, 0)),
            ("Dec 9, 2011 at 12:50", at(2011, 12, 9, 12, 50, 0)),
            (
                "Fri, 09 Dec 2011 12:50:00 +0000",
                at(2011, 12, 9, 12, 50, 0),
            ),
            ("09/Dec/2011:12:50:00 +0000", at(2011, 12, 9, 12, 50, 0)),
            ("Sept 1, 2011", at(2011, 9, 1, 0, 0, 0)),
            ("1-Jan-70", at(1970, 1, 1, 0, 0, 0)),
            ("29 Feb 2012", at(2012, 2, 29, 0, 0, 0)),
            ("1 May 1999", at(1999, 5, 1, 0, 0, 0)),
        ];
        for (value, expected) in cases {
            assert_eq!(parser.parse(value), Ok(expected), "{value}");
        }
        assert_eq!(
            parser.parse("29-Feb-2011"),
            Err("a valid calendar date (year 2011, month 2, day 29)".into())
        );
        assert_eq!(
            parser.parse("9 Dec 2011 25:00"),
            Err("a time like 8:26, 12:50:00 or 2:05 PM".into())
        );
        for bad in [
            "Dec 2011",
            "9 Dec",
            "9 Foo 2011",
            "Dec 9, 11",
            "9Dec2011",
            "De 9, 2011",
            "Fri 9",
            "Date",
            "9 Dec 20111",
            "100 Dec 2011",
        ] {
            let error = parser.parse(bad).unwrap_err();
            assert!(
                error.starts_with("a date with an English month name"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn month_names_detected_and_described() {
        let format = detect(&["09-Dec-2011", "10-Dec-2011", "2011-12-09"], None);
        assert_eq!(format.kind, DateKind::MonthName);
        assert_eq!(format.description, "D-Mon-YYYY");
        assert!(format.day_first);
        assert_eq!(format.decision, DayMonthDecision::NotNeeded);
        assert!(
            format.explanation.starts_with(
                "dates with English month names (e.g. 09-Dec-2011): the name says which number is the month; \
                 1 date value(s) of another form in the first 64 KiB (e.g. 2011-12-09)"
            ),
            "{}",
            format.explanation
        );
        let oracle = detect(&["09-DEC-11 12:50:00"], None);
        assert_eq!(oracle.description, "D-Mon-YY H:MM:SS");
        let us = detect(
            &[
                "December 9, 2011 2:05 PM",
                "December 10, 2011 8:00 AM",
                "Dec 11, 2011",
            ],
            Some(true),
        );
        assert_eq!(us.kind, DateKind::MonthName);
        assert_eq!(us.description, "Month D, YYYY H:MM");
        assert!(!us.day_first);
        assert!(us
            .explanation
            .ends_with("the day/month order setting does not apply to this form"));
        assert_eq!(detect(&["9 Dec 2011"], None).description, "D Mon YYYY");
    }

    #[test]
    fn unix_time() {
        let format = detect(&["1323435000", "1323435060"], None);
        assert_eq!(format.kind, DateKind::EpochSeconds);
        assert_eq!(format.description, "Unix time (seconds, UTC)");
        assert!(
            format
                .explanation
                .contains("e.g. 1323435000 = 2011-12-09 12:50:00 UTC"),
            "{}",
            format.explanation
        );
        let seconds = format.parser();
        assert_eq!(seconds.parse("1323435000"), Ok(at(2011, 12, 9, 12, 50, 0)));
        assert_eq!(
            seconds.parse("1323435000.25"),
            Ok(ms(2011, 12, 9, 12, 50, 0, 250))
        );
        assert_eq!(seconds.parse("631152000"), Ok(at(1990, 1, 1, 0, 0, 0)));
        assert_eq!(seconds.parse("999999999"), Ok(at(2001, 9, 9, 1, 46, 39)));
        assert_eq!(
            seconds.parse("4102444799"),
            Ok(at(2099, 12, 31, 23, 59, 59))
        );
        for bad in ["631151999", "4102444800", "-1323435000", "1323435000."] {
            let error = seconds.parse(bad).unwrap_err();
            assert!(error.starts_with("Unix time in seconds"), "{bad}: {error}");
        }

        let format = detect(&["1323435000123"], None);
        assert_eq!(format.kind, DateKind::EpochMillis);
        assert_eq!(format.description, "Unix time (milliseconds, UTC)");
        let millis = format.parser();
        assert_eq!(
            millis.parse("1323435000123"),
            Ok(ms(2011, 12, 9, 12, 50, 0, 123))
        );
        assert_eq!(millis.parse("631152000000"), Ok(at(1990, 1, 1, 0, 0, 0)));
        assert_eq!(
            millis.parse("4102444799999"),
            Ok(ms(2099, 12, 31, 23, 59, 59, 999))
        );
        assert!(millis.parse("4102444800000").is_err());
        assert!(millis.parse("1323435000123.5").is_err());
    }

    #[test]
    fn excel_serial_days() {
        // Excel's 1900 system: 1 = 1900-01-01, 59 = 1900-02-28, 60 = the
        // 1900-02-29 that never was, 61 = 1900-03-01.
        let day = |serial: u64| excel_serial(serial, b"").map(|d| d.date());
        assert_eq!(day(1), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(day(59), NaiveDate::from_ymd_opt(1900, 2, 28));
        assert_eq!(day(60), None);
        assert_eq!(day(0), None);
        assert_eq!(day(61), NaiveDate::from_ymd_opt(1900, 3, 1));
        assert_eq!(day(36526), NaiveDate::from_ymd_opt(2000, 1, 1));
        assert_eq!(day(40886), NaiveDate::from_ymd_opt(2011, 12, 9));
        assert_eq!(day(40887), NaiveDate::from_ymd_opt(2011, 12, 10));
        assert_eq!(day(20000), NaiveDate::from_ymd_opt(1954, 10, 3));
        assert_eq!(day(80000), NaiveDate::from_ymd_opt(2119, 1, 11));

        let format = detect(&["40886", "40887.5"], None);
        assert_eq!(format.kind, DateKind::ExcelSerial);
        assert_eq!(format.description, "Excel serial day number (1900 system)");
        assert!(
            format.explanation.contains("e.g. 40886 = 2011-12-09"),
            "{}",
            format.explanation
        );
        let parser = format.parser();
        assert_eq!(parser.parse("40886"), Ok(at(2011, 12, 9, 0, 0, 0)));
        assert_eq!(parser.parse("40886.5"), Ok(at(2011, 12, 9, 12, 0, 0)));
        assert_eq!(parser.parse("40886,5"), Ok(at(2011, 12, 9, 12, 0, 0)));
        // 12:50 is 46200 s = 0.534722… of a day: rounded to the millisecond.
        assert_eq!(
            parser.parse("40886.534722222222"),
            Ok(at(2011, 12, 9, 12, 50, 0))
        );
        assert_eq!(
            parser.parse("40886.25000000000000000000000001"),
            Ok(at(2011, 12, 9, 6, 0, 0))
        );
        // Within half a millisecond of midnight: the next day.
        assert_eq!(
            parser.parse("40886.99999999999"),
            Ok(at(2011, 12, 10, 0, 0, 0))
        );
        assert_eq!(parser.parse("20000"), Ok(at(1954, 10, 3, 0, 0, 0)));
        for bad in ["19999", "80001", "40886.", ".5", "4e4", "40 886"] {
            let error = parser.parse(bad).unwrap_err();
            assert!(
                error.starts_with("an Excel serial day number"),
                "{bad}: {error}"
            );
        }

        // Small numbers among them: not clearly serials.
        let format = detect(&["40886", "40887", "12"], None);
        assert_eq!(format.kind, DateKind::Separated);
        assert!(
            format
                .explanation
                .starts_with("not read as an Excel serial day number: 2 of the 3"),
            "{}",
            format.explanation
        );
    }

    #[test]
    fn numeric_forms_never_overlap() {
        let cases = [
            ("19999", None),
            ("20000", Some(DateKind::ExcelSerial)),
            ("80000.999", Some(DateKind::ExcelSerial)),
            ("80001", None),
            ("18991231", None),
            ("19000101", Some(DateKind::Compact)),
            ("20111209", Some(DateKind::Compact)),
            ("21001231", Some(DateKind::Compact)),
            ("99999999", None),
            ("631151999", None),
            ("631152000", Some(DateKind::EpochSeconds)),
            ("1323435000", Some(DateKind::EpochSeconds)),
            ("4102444799", Some(DateKind::EpochSeconds)),
            ("4102444800", None),
            ("190001010000", Some(DateKind::Compact)),
            ("210012312359", Some(DateKind::Compact)),
            ("631151999999", None),
            ("631152000000", Some(DateKind::EpochMillis)),
            ("1323435000123", Some(DateKind::EpochMillis)),
            ("4102444799999", Some(DateKind::EpochMillis)),
            ("4102444800000", None),
            ("19000101000000", Some(DateKind::Compact)),
            ("21001231235959", Some(DateKind::Compact)),
            ("99999999999999999999", None),
            ("2011-12-09", Some(DateKind::Separated)),
            ("12/9/2011", Some(DateKind::Separated)),
            ("09-Dec-2011", Some(DateKind::MonthName)),
        ];
        for (value, kind) in cases {
            assert_eq!(DateKind::of(value), kind, "{value}");
            // Exactly the parsers of that kind accept it.
            for parser_kind in [
                DateKind::MonthName,
                DateKind::Compact,
                DateKind::EpochSeconds,
                DateKind::EpochMillis,
                DateKind::ExcelSerial,
            ] {
                assert_eq!(
                    parser_of(parser_kind).parse(value).is_ok(),
                    kind == Some(parser_kind),
                    "{value} with {parser_kind:?}"
                );
            }
        }
    }

    #[test]
    fn detection_precedence() {
        // 8-digit dates are compact, never serials or Unix time.
        assert_eq!(detect(&["20111209"], None).kind, DateKind::Compact);
        assert_eq!(detect(&["40886"], None).kind, DateKind::ExcelSerial);
        assert_eq!(detect(&["1323435000"], None).kind, DateKind::EpochSeconds);
        assert_eq!(detect(&["1323435000123"], None).kind, DateKind::EpochMillis);
        // Numbers of two forms: neither.
        assert_eq!(
            detect(&["20111209", "1323435000"], None).kind,
            DateKind::Separated
        );
        // Written dates win ties; numbers win when every number fits and
        // they are more.
        assert_eq!(
            detect(&["2011-12-09", "20111209"], None).kind,
            DateKind::Separated
        );
        let format = detect(&["2011-12-09", "20111209", "20111210"], None);
        assert_eq!(format.kind, DateKind::Compact);
        assert!(
            format.explanation.ends_with(
                "; 1 date value(s) of another form in the first 64 KiB (e.g. 2011-12-09) will be reported as unparseable"
            ),
            "{}",
            format.explanation
        );
        // Day/month evidence is still used beside stray numbers.
        let format = detect(&["13/05/2011", "20111209"], None);
        assert_eq!(format.kind, DateKind::Separated);
        assert!(format.day_first);
        // Unrecognised text does not count against a numeric form.
        let format = detect(&["40886", "n/a", "40887"], None);
        assert_eq!(format.kind, DateKind::ExcelSerial);
        // Today's forms are described as before.
        assert_eq!(
            detect(&["2011-12-09 12:50:00"], None).explanation,
            "year-first dates are unambiguous"
        );
    }

    #[test]
    fn rows_of_another_form_are_refused_with_a_reason() {
        let cases = [
            (
                DateKind::Compact,
                "1323435000",
                "a compact date YYYYMMDD like 20111209 (optionally followed by HHMM or HHMMSS) \
                 (the form of the date column, as decided from the first 64 KiB); this value is \
                 Unix time in seconds: the column mixes date forms",
            ),
            (
                DateKind::EpochSeconds,
                "1323435000123",
                "Unix time in seconds from 631152000 to 4102444799 (1990 to 2099) (the form of \
                 the date column, as decided from the first 64 KiB); this value is Unix time in \
                 milliseconds: the column mixes date forms",
            ),
            (
                DateKind::EpochMillis,
                "2011-12-09",
                "Unix time in milliseconds from 631152000000 to 4102444799999 (1990 to 2099) \
                 (the form of the date column, as decided from the first 64 KiB); this value is \
                 an ISO or day/month date: the column mixes date forms",
            ),
            (
                DateKind::ExcelSerial,
                "20111209",
                "an Excel serial day number from 20000 to 80000 (1954 to 2119) (the form of the \
                 date column, as decided from the first 64 KiB); this value is a compact \
                 YYYYMMDD date: the column mixes date forms",
            ),
            (
                DateKind::MonthName,
                "12/9/2011",
                "a date with an English month name like 09-Dec-2011 or Dec 9, 2011 (the form of \
                 the date column, as decided from the first 64 KiB); this value is an ISO or \
                 day/month date: the column mixes date forms",
            ),
            (
                DateKind::Compact,
                "yesterday",
                "a compact date YYYYMMDD like 20111209 (optionally followed by HHMM or HHMMSS) \
                 (the form of the date column, as decided from the first 64 KiB)",
            ),
        ];
        for (kind, value, reason) in cases {
            assert_eq!(
                parser_of(kind).parse(value),
                Err(reason.to_string()),
                "{kind:?}"
            );
        }
        // Today's form refuses the new ones as before.
        let separated = detect(&["2011-12-09"], None).parser();
        for value in ["20111209", "09-Dec-2011", "40886", "1323435000"] {
            assert_eq!(
                separated.parse(value),
                Err("a date like 2011-12-09 or 12/9/2011 (optionally with a time)".into())
            );
        }
    }

    #[test]
    fn remembered_dates_of_every_form() {
        for (seed, later) in [
            ("20111209", ["20111209", "20111210", "20110231", "20111209"]),
            ("40886.5", ["40886.5", "40886.5", "40887", "1"]),
            (
                "09-Dec-2011",
                ["09-Dec-2011", "09-Dec-2011", "Dec 10, 2011", "x"],
            ),
        ] {
            let parser = detect(&[seed], None).parser();
            let repeated = RepeatedDates::new(parser);
            for value in later {
                assert_eq!(repeated.parse(value), parser.parse(value), "{value:?}");
            }
        }
    }

    #[test]
    fn old_date_formats_without_a_kind_still_deserialize() {
        let json = r#"{"description":"M/D/YYYY","day_first":false,"decision":"from_data","explanation":"x"}"#;
        let format: DateFormat = serde_json::from_str(json).unwrap();
        assert_eq!(format.kind, DateKind::Separated);
        let round = serde_json::to_string(&detect(&["40886"], None)).unwrap();
        assert!(round.contains(r#""kind":"excel_serial""#), "{round}");
    }

    #[test]
    fn garbage_never_panics() {
        let mut values: Vec<String> = [
            "",
            " ",
            "\u{0}",
            "99999999999999999999",
            "999999999999999999999999999999.99999999999999999999999999999999999",
            "18446744073709551616",
            "340282366920938463463374607431768211456",
            "4294967296",
            "00000000",
            "99991231",
            "٢٠١١١٢٠٩",
            "２０１１１２０９",
            "2011-12-09T",
            "T",
            "t",
            "Dec",
            "Dec 99, 2011",
            "Dec 9, 99999",
            "99 Dec 9999",
            "Fri,",
            "Fri, ",
            "Friday",
            "at",
            "9th",
            "9th Dec 2011",
            "9 Dec 2011 at",
            "9 Dec 2011 at ",
            "9 Dec 2011:",
            "9 Dec 2011,",
            "9 Déc 2011",
            "9 Dec 2011 ☃",
            "Dec\u{301} 9, 2011",
            "9 Dec 2011 12:50:00.12345678901234567890",
            "9 Dec 2011 12:50 PMPM",
            "-1",
            "+1323435000",
            "1e9",
            "40886.",
            ".5",
            ".",
            ",",
            "..",
            "1.2.3",
            "40886.5.5",
            "1/1/1/1",
            "9999-99-99",
            "9999/12/31 23:59:59.999999999",
            "12/31/9999 11:59 PM",
            "0/0/0",
            "2011-12-09 12:50:00+",
            "2011-12-09 AM",
            "2011-12-09 :",
            "2011-12-09 ::",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for len in 0..=40 {
            values.push("9".repeat(len));
            values.push("1".repeat(len));
            values.push(format!("{}.{}", "4".repeat(len), "9".repeat(len)));
        }
        // A fixed pseudo-random sequence of short strings from a hostile alphabet.
        let alphabet: Vec<char> = "0123456789 -/.,:+TtZzAPMapmDecJanSeptFriday,éü☃\u{0}\u{feff}"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let text: String = (0..len)
                .map(|i| {
                    let mixed = state.rotate_left(i as u32 * 5);
                    alphabet[(mixed % alphabet.len() as u64) as usize]
                })
                .collect();
            values.push(text);
        }
        let kinds = [
            DateKind::Separated,
            DateKind::MonthName,
            DateKind::Compact,
            DateKind::EpochSeconds,
            DateKind::EpochMillis,
            DateKind::ExcelSerial,
        ];
        let mut detector = DateDetector::default();
        for value in &values {
            detector.observe(value);
            let _ = DateKind::of(value);
            let mut one = DateDetector::default();
            one.observe(value);
            let _ = one.resolve(None);
            for kind in kinds {
                for day_first in [false, true] {
                    let parser = DateParser {
                        kind,
                        day_first,
                        decision: DayMonthDecision::Assumed,
                    };
                    let repeated = RepeatedDates::new(parser);
                    let _ = repeated.parse(value);
                    let _ = repeated.parse(value);
                }
            }
        }
        let _ = detector.resolve(Some(true));
        let _ = detector.resolve(None);
    }

    /// A parser of separated dates, without detection.
    fn separated(day_first: bool) -> DateParser {
        DateParser {
            kind: DateKind::Separated,
            day_first,
            decision: DayMonthDecision::FromData,
        }
    }

    #[test]
    fn the_usual_shapes_read_as_the_general_parser_reads_them() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        // Mostly 1, 2 and 4 digits, often small enough for a month or an hour.
        let number = |next: &mut dyn FnMut(u64) -> u64| {
            let width = [1, 2, 2, 4, 2, 1, 0, 3, 5][next(9) as usize];
            if width <= 2 && next(4) != 0 {
                return format!("{:0width$}", next(if width == 1 { 10 } else { 32 }));
            }
            (0..width)
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect::<String>()
        };
        const ODD: [&str; 12] = [
            " ", "  ", "T", "t", "-", "/", ".", ":", "AM", " pm", "Z", "+01:00",
        ];
        let mut taken = 0;
        for case in 0..150_000 {
            let separator = ["-", "/", ".", "/"][next(4) as usize];
            let other = ["-", "/", ".", "/"][next(4) as usize];
            let mut value = format!(
                "{}{separator}{}{}{}",
                number(&mut next),
                number(&mut next),
                if next(10) == 0 { other } else { separator },
                number(&mut next)
            );
            if next(4) != 0 {
                value.push(if next(5) == 0 { 'T' } else { ' ' });
                value.push_str(&number(&mut next));
                value.push(':');
                value.push_str(&number(&mut next));
                if next(2) == 0 {
                    value.push(':');
                    value.push_str(&number(&mut next));
                }
            }
            if next(8) == 0 {
                let at = next(value.len() as u64 + 1) as usize;
                value.insert_str(at, ODD[next(ODD.len() as u64) as usize]);
            }
            let day_first = case % 2 == 0;
            let parser = separated(day_first);
            let general = parser.parse_separated_generally(&value);
            if let Some(fast) = parse_usual(value.as_bytes(), day_first) {
                taken += 1;
                assert_eq!(Ok(fast), general, "{value:?} day_first={day_first}");
            }
            assert_eq!(parser.parse(&value), general, "{value:?}");
        }
        assert!(taken > 4_000, "the usual shapes were read {taken} times");
    }

    #[test]
    fn the_usual_shapes_give_chronos_date_and_time() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        use chrono::Timelike;
        let start = at(1990, 1, 1, 0, 0, 0);
        for _ in 0..20_000 {
            let when = start + chrono::Duration::seconds(next(60 * 365 * 86_400) as i64);
            let minute = when.with_second(0).unwrap();
            let cases = [
                (when.format("%Y-%m-%d %H:%M:%S"), false, when),
                (when.format("%Y-%m-%dT%H:%M:%S"), true, when),
                (
                    when.format("%Y/%m/%d"),
                    false,
                    when.date().and_time(NaiveTime::MIN),
                ),
                (when.format("%-m/%-d/%Y %-H:%M"), false, minute),
                (when.format("%d/%m/%Y %H:%M"), true, minute),
                (when.format("%d.%m.%y %H:%M:%S"), true, when),
                (
                    when.format("%m-%d-%Y"),
                    false,
                    when.date().and_time(NaiveTime::MIN),
                ),
            ];
            for (text, day_first, expected) in cases {
                let text = text.to_string();
                assert_eq!(
                    parse_usual(text.as_bytes(), day_first),
                    Some(expected),
                    "{text}"
                );
                assert_eq!(
                    separated(day_first).parse_separated_generally(&text),
                    Ok(expected),
                    "{text}"
                );
            }
        }
    }
}
