//! Number formatting for the page, the same rules as the charts' labels
//! (`crate::charts::format`) so a figure reads the same everywhere.

use crate::charts::format as chart_format;

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    chart_format::thousands(n as f64, 0)
}

/// 1234567.891 → "1,234,567.89"; negatives keep their sign.
pub fn money(value: f64) -> String {
    chart_format::thousands(value, 2)
}

/// 0.4567 → "45.7%".
pub fn percent(share: f64) -> String {
    chart_format::percent(share, 1)
}

/// 1536 → "1.5 KB".
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `text` as a sentence: first letter capitalised, a full stop at the end.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{}.", first.unwrap_or_default(), chars.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sentence_capitalises_and_ends_with_a_full_stop() {
        assert_eq!(
            super::sentence("the file has no order id"),
            "The file has no order id."
        );
        assert_eq!(super::sentence(""), ".");
        assert_eq!(super::sentence("élan"), "Élan.");
    }

    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(money(1_234_567.891), "1,234,567.89");
        assert_eq!(money(-12.5), "-12.50");
        assert_eq!(money(f64::NAN), "–");
        assert_eq!(percent(0.4567), "45.7%");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(12), "12 B");
    }
}
