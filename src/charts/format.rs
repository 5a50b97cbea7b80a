//! Number and date formatting for tick labels and value labels.

use serde::{Deserialize, Serialize};

/// Placeholder shown for NaN / infinite values.
pub const MISSING: &str = "–";

/// How a value is written in a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberFormat {
    /// Thousands separators and the given number of decimals: `1,234.5`.
    Grouped(usize),
    /// Compact with k/M/B suffix: `12.3k`.
    Compact,
    /// The value is a fraction (0.25) written as a percentage with the given
    /// decimals: `25.0%`.
    Percent(usize),
    /// Compact with a currency symbol in front: `£1.2M`, `-£350`.
    Currency(String),
}

impl NumberFormat {
    pub fn format(&self, value: f64) -> String {
        match self {
            NumberFormat::Grouped(decimals) => thousands(value, *decimals),
            NumberFormat::Compact => compact(value),
            NumberFormat::Percent(decimals) => percent(value, *decimals),
            NumberFormat::Currency(symbol) => currency_compact(value, symbol),
        }
    }
}

/// The most decimals a figure is shown with: a precision beyond 65,535
/// makes `format!` panic, and a chart's format arrives as data.
pub const MAX_DECIMALS: usize = 12;

/// `1234567.891, 2` → `1,234,567.89`.
pub fn thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return MISSING.to_string();
    }
    let text = format!("{:.*}", decimals.min(MAX_DECIMALS), value.abs());
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3 + 4);
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(frac) = frac_part {
        grouped.push('.');
        grouped.push_str(frac);
    }
    // "-0" after rounding reads as a bug; only sign non-zero results.
    let is_zero = grouped.chars().all(|c| matches!(c, '0' | '.' | ','));
    if value < 0.0 && !is_zero {
        grouped.insert(0, '-');
    }
    grouped
}

/// Short form for axes and bar labels: `950`, `12.3k`, `123k`, `1.2M`, `3.4B`.
/// One decimal below 100 units of the suffix, none above; a trailing `.0` is dropped.
pub fn compact(value: f64) -> String {
    if !value.is_finite() {
        return MISSING.to_string();
    }
    const SUFFIXES: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")];
    let magnitude = value.abs();
    let sign = if value < 0.0 { "-" } else { "" };
    for (i, (unit, suffix)) in SUFFIXES.iter().enumerate() {
        if magnitude >= *unit {
            let rounded = round_for_compact(magnitude / unit);
            // 999,950 rounds to 1000k: promote to "1M".
            if rounded >= 1000.0 && i > 0 {
                let (bigger_unit, bigger_suffix) = SUFFIXES[i - 1];
                let promoted = round_for_compact(magnitude / bigger_unit);
                return format!("{sign}{}{bigger_suffix}", short_decimal(promoted));
            }
            return format!("{sign}{}{suffix}", short_decimal(rounded));
        }
    }
    if magnitude >= 100.0 || magnitude == magnitude.round() {
        let text = format!("{magnitude:.0}");
        if text == "0" {
            return text;
        }
        return format!("{sign}{text}");
    }
    let text = if magnitude >= 1.0 {
        short_decimal(round_for_compact(magnitude))
    } else {
        trim_trailing_zeros(format!("{magnitude:.2}"))
    };
    if text == "0" {
        text
    } else {
        format!("{sign}{text}")
    }
}

fn round_for_compact(scaled: f64) -> f64 {
    if scaled < 100.0 {
        (scaled * 10.0).round() / 10.0
    } else {
        scaled.round()
    }
}

/// Formats an already rounded value with at most one decimal, no trailing ".0".
fn short_decimal(rounded: f64) -> String {
    trim_trailing_zeros(format!("{rounded:.1}"))
}

fn trim_trailing_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `0.123, 1` → `12.3%`.
pub fn percent(fraction: f64, decimals: usize) -> String {
    if !fraction.is_finite() {
        return MISSING.to_string();
    }
    format!("{:.*}%", decimals.min(MAX_DECIMALS), fraction * 100.0)
}

/// `1234567.0, "£"` → `£1.2M`; the sign goes before the symbol.
pub fn currency_compact(value: f64, symbol: &str) -> String {
    if !value.is_finite() {
        return MISSING.to_string();
    }
    let body = compact(value.abs());
    if value < 0.0 && body != "0" {
        format!("-{symbol}{body}")
    } else {
        format!("{symbol}{body}")
    }
}

/// `2011, 1` → `Jan 2011`. Out-of-range months fall back to `2011-13`.
pub fn month_label(year: i32, month: u32) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match month.checked_sub(1).and_then(|i| NAMES.get(i as usize)) {
        Some(name) => format!("{name} {year}"),
        None => format!("{year}-{month:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_and_rounds() {
        assert_eq!(thousands(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(1000.0, 0), "1,000");
        assert_eq!(thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(thousands(-0.001, 1), "0.0");
        assert_eq!(thousands(f64::NAN, 0), MISSING);
    }

    #[test]
    fn a_precision_from_data_is_capped() {
        // Found by the charts fuzz target: a precision past 65,535 panics in `format!`.
        assert_eq!(thousands(0.5, usize::MAX), "0.500000000000");
        assert_eq!(percent(0.5, 70_000), "50.000000000000%");
    }

    #[test]
    fn compact_uses_suffixes_and_carries_over() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12.5), "12.5");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(12_345.0), "12.3k");
        assert_eq!(compact(12_000.0), "12k");
        assert_eq!(compact(123_456.0), "123k");
        assert_eq!(compact(999_950.0), "1M");
        assert_eq!(compact(1_234_567.0), "1.2M");
        assert_eq!(compact(3.4e9), "3.4B");
        assert_eq!(compact(-12_345.0), "-12.3k");
        assert_eq!(compact(f64::INFINITY), MISSING);
    }

    #[test]
    fn percent_and_currency() {
        assert_eq!(percent(0.123, 1), "12.3%");
        assert_eq!(percent(1.0, 0), "100%");
        assert_eq!(currency_compact(1_234_567.0, "£"), "£1.2M");
        assert_eq!(currency_compact(-350.0, "£"), "-£350");
        assert_eq!(NumberFormat::Percent(0).format(0.5), "50%");
        assert_eq!(NumberFormat::Grouped(0).format(4372.0), "4,372");
    }

    #[test]
    fn month_labels() {
        assert_eq!(month_label(2011, 1), "Jan 2011");
        assert_eq!(month_label(2010, 12), "Dec 2010");
        assert_eq!(month_label(2011, 0), "2011-00");
        assert_eq!(month_label(2011, 13), "2011-13");
    }
}
