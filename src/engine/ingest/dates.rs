//! Date parsing for the layouts exports use. Day/month order of numeric
//! dates is decided from the data: a first part above 12 means day-first, a
//! second part above 12 means month-first.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayMonthOrder {
    MonthFirst,
    DayFirst,
}

/// How the date column was understood, for the UI and the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateFormat {
    pub order: DayMonthOrder,
    /// True when a value in the data proved the order; false when assumed.
    pub decided_by_data: bool,
    /// E.g. "M/D/YYYY H:MM (12/1/2010 8:26)".
    pub description: String,
}

/// Looks at sample date values and decides the day/month order.
pub fn detect_format(samples: &[&str], forced: Option<DayMonthOrder>) -> DateFormat {
    let mut day_first_evidence = None;
    let mut month_first_evidence = None;
    let mut separator = None;
    let mut first_numeric = None;
    for s in samples {
        let Some((a, b, sep)) = leading_numeric_parts(s) else { continue };
        separator.get_or_insert(sep);
        first_numeric.get_or_insert(*s);
        if a > 12 && b <= 12 {
            day_first_evidence.get_or_insert(*s);
        } else if b > 12 && a <= 12 {
            month_first_evidence.get_or_insert(*s);
        }
    }
    let example = first_numeric.or(samples.first().copied()).unwrap_or("");
    let (order, decided_by_data, why) = match (forced, day_first_evidence, month_first_evidence) {
        (Some(order), _, _) => (order, true, "chosen by you".to_string()),
        (None, Some(v), None) => (DayMonthOrder::DayFirst, true, format!("\"{v}\" has a day above 12")),
        (None, None, Some(v)) => (DayMonthOrder::MonthFirst, true, format!("\"{v}\" has a day above 12")),
        (None, Some(d), Some(m)) => (
            DayMonthOrder::MonthFirst,
            false,
            format!("conflicting values \"{d}\" and \"{m}\"; assumed month first"),
        ),
        (None, None, None) => match separator {
            // US exports (and the UCI data) write M/D/Y; European ones D.M.Y / D-M-Y.
            Some('/') => (DayMonthOrder::MonthFirst, false, "ambiguous: no day above 12; assumed month first".into()),
            Some(_) => (DayMonthOrder::DayFirst, false, "ambiguous: no day above 12; assumed day first".into()),
            None => (DayMonthOrder::MonthFirst, true, "ISO 8601 (year first)".into()),
        },
    };
    let layout = match (separator, order) {
        (None, _) => "YYYY-MM-DD".to_string(),
        (Some(sep), DayMonthOrder::MonthFirst) => format!("M{sep}D{sep}YYYY"),
        (Some(sep), DayMonthOrder::DayFirst) => format!("D{sep}M{sep}YYYY"),
    };
    DateFormat { order, decided_by_data, description: format!("{layout} (e.g. {example}) — {why}") }
}

/// `12/1/2010 8:26` → (12, 1, '/'); None for ISO (year-first) or non-dates.
fn leading_numeric_parts(s: &str) -> Option<(u32, u32, char)> {
    let s = s.trim();
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = s.split(sep);
    let a = parts.next()?;
    let b = parts.next()?;
    if a.len() > 2 || a.is_empty() || b.is_empty() || b.len() > 2 {
        return None; // year first (ISO) or not numeric
    }
    Some((a.parse().ok()?, b.parse().ok()?, sep))
}

/// Parses one value. Time zones are dropped: the wall-clock time is kept.
pub fn parse(value: &str, order: DayMonthOrder) -> Option<NaiveDateTime> {
    let value = value.trim().trim_matches('"');
    let (date_part, time_part) = match value.find(['T', ' ']) {
        Some(i) => (&value[..i], value[i + 1..].trim()),
        None => (value, ""),
    };
    let date = parse_date(date_part, order)?;
    let time = if time_part.is_empty() { NaiveTime::MIN } else { parse_time(time_part)? };
    Some(date.and_time(time))
}

fn parse_date(s: &str, order: DayMonthOrder) -> Option<NaiveDate> {
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let num = |p: &str| -> Option<i32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (a, b, c_len, c) = (num(a)?, num(b)?, c.len(), num(c)?);
    if parts[0].len() == 4 {
        return NaiveDate::from_ymd_opt(a, u32::try_from(b).ok()?, u32::try_from(c).ok()?);
    }
    let year = match c_len {
        4 => c,
        2 if c < 70 => 2000 + c,
        2 => 1900 + c,
        _ => return None,
    };
    let (month, day) = match order {
        DayMonthOrder::MonthFirst => (a, b),
        DayMonthOrder::DayFirst => (b, a),
    };
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    // Drop a time zone: `Z`, `+01:00`, ` -0500`, ` UTC`.
    let s = s.trim_end_matches(" UTC").trim_end_matches('Z');
    let s = match s.rfind(['+', '-']) {
        Some(i) if i >= 4 => s[..i].trim(),
        _ => s,
    };
    let (s, pm) = match s.get(s.len().saturating_sub(2)..).map(|x| x.to_ascii_uppercase()) {
        Some(ref m) if m == "AM" => (s[..s.len() - 2].trim(), Some(false)),
        Some(ref m) if m == "PM" => (s[..s.len() - 2].trim(), Some(true)),
        _ => (s, None),
    };
    let mut parts = s.split(':');
    let mut hour: u32 = parts.next()?.trim().parse().ok()?;
    let minute: u32 = parts.next()?.trim().parse().ok()?;
    let second: f64 = match parts.next() {
        Some(sec) => sec.trim().parse().ok()?,
        None => 0.0,
    };
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    if !(0.0..60.0).contains(&second) {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DayMonthOrder::*;

    fn dt(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|x| x.and_hms_opt(h, min, s))
    }

    #[test]
    fn parses_every_supported_layout() {
        assert_eq!(parse("12/1/2010 8:26", MonthFirst), dt(2010, 12, 1, 8, 26, 0));
        assert_eq!(parse("1/12/2010 8:26", DayFirst), dt(2010, 12, 1, 8, 26, 0));
        assert_eq!(parse("2011-12-09", MonthFirst), dt(2011, 12, 9, 0, 0, 0));
        assert_eq!(parse("2011-12-09 12:50:00", DayFirst), dt(2011, 12, 9, 12, 50, 0));
        assert_eq!(parse("2011-12-09T12:50:00Z", MonthFirst), dt(2011, 12, 9, 12, 50, 0));
        assert_eq!(parse("2021-03-04 10:11:12 -0500", MonthFirst), dt(2021, 3, 4, 10, 11, 12));
        assert_eq!(parse("2021-03-04T10:11:12.345+01:00", MonthFirst), dt(2021, 3, 4, 10, 11, 12));
        assert_eq!(parse("09-12-2011 14:05", DayFirst), dt(2011, 12, 9, 14, 5, 0));
        assert_eq!(parse("09.12.2011", DayFirst), dt(2011, 12, 9, 0, 0, 0));
        assert_eq!(parse("3/4/21 1:05 PM", MonthFirst), dt(2021, 3, 4, 13, 5, 0));
        assert_eq!(parse("3/4/99", MonthFirst), dt(1999, 3, 4, 0, 0, 0));
    }

    #[test]
    fn rejects_non_dates_and_impossible_dates() {
        for bad in ["", "hello", "13/13/2011", "2011-02-30", "12/1/2010 25:00", "1/2", "12/1/20101"] {
            assert_eq!(parse(bad, MonthFirst), None, "{bad}");
        }
        // Day-first data read month-first is impossible, never silently wrong.
        assert_eq!(parse("25/12/2011", MonthFirst), None);
    }

    #[test]
    fn decides_day_month_order_from_the_data() {
        let f = detect_format(&["1/2/2011", "25/12/2011"], None);
        assert_eq!((f.order, f.decided_by_data), (DayFirst, true));
        let f = detect_format(&["1/2/2011", "12/25/2011 8:00"], None);
        assert_eq!((f.order, f.decided_by_data), (MonthFirst, true));
        let f = detect_format(&["1/2/2011"], None);
        assert_eq!((f.order, f.decided_by_data), (MonthFirst, false));
        assert!(f.description.contains("ambiguous"));
        let f = detect_format(&["01.02.2011"], None);
        assert_eq!((f.order, f.decided_by_data), (DayFirst, false));
        let f = detect_format(&["2011-02-01"], None);
        assert!(f.decided_by_data);
        assert_eq!(detect_format(&["1/2/2011"], Some(DayFirst)).order, DayFirst);
    }
}
