//! Date parsing and day/month order detection.
//!
//! Accepted: ISO 8601 (`2011-12-09`, `2011-12-09 12:50:00`,
//! `2011-12-09T12:50:00Z`, offsets like `+01:00` are dropped: the local wall
//! time is kept), and `A/B/Y`, `A-B-Y`, `A.B.Y` with 2- or 4-digit years,
//! optionally followed by `H:MM`, `H:MM:SS(.fff)`, `AM`/`PM`.
//!
//! Day/month order is decided on the sniff window (first 64 KiB): a first
//! component > 12 means day-first, a second component > 12 means month-first.
//! If the window never decides, the default is month-first for `/` and
//! day-first for `.` and `-`, reported as an assumption. Rows after the window
//! that contradict the order in use are *not* re-interpreted: they become
//! unparseable rows whose reason names the assumption, so nothing is silently
//! mis-parsed and the user can set `day_first` explicitly and re-run.

use std::cell::Cell;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// How the day/month order was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayMonthDecision {
    /// Year-first (ISO) dates: no ambiguity.
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

/// The date format in use, for display and for the worker's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateFormat {
    /// Human-readable pattern, e.g. `M/D/YYYY H:MM` or `YYYY-MM-DD HH:MM:SS`.
    pub description: String,
    pub day_first: bool,
    pub decision: DayMonthDecision,
    /// Why this order, e.g. "decided by 13/05/2011 (13 can only be a day)".
    pub explanation: String,
}

impl DateFormat {
    pub fn parser(&self) -> DateParser {
        DateParser {
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

impl DateParser {
    /// Parse one value; the error is a reason fit for the cleaning report.
    pub fn parse(&self, value: &str) -> Result<NaiveDateTime, String> {
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
            return;
        };
        self.parsed_shape += 1;
        self.separator.get_or_insert(parts.separator);
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

    /// How many observed values had a recognisable date shape.
    pub fn recognised(&self) -> usize {
        self.parsed_shape
    }

    pub fn observed(&self) -> usize {
        self.seen
    }

    pub fn resolve(&self, user_day_first: Option<bool>) -> DateFormat {
        let order_free = self.parsed_shape == 0 || self.year_first * 2 > self.parsed_shape;
        let default_day_first = self.dot_or_dash > self.slash;
        let (day_first, decision, explanation) = if let Some(day_first) = user_day_first {
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
        DateFormat {
            description: self.describe(day_first, order_free && user_day_first.is_none()),
            day_first,
            decision,
            explanation,
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
}
