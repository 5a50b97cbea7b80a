//! Number formatting for the page: thousands separators, money, shares, sizes.

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 1234567.891 → "1,234,567.89"; negatives keep their sign.
pub fn money(value: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let cents = (value.abs() * 100.0).round() as u64;
    let sign = if value < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", thousands(cents / 100), cents % 100)
}

/// Compact: 950 → "950", 12_300 → "12.3k", 4_560_000 → "4.56M".
pub fn compact(value: f64) -> String {
    let abs = value.abs();
    if abs >= 1e6 {
        format!(
            "{}M",
            format!("{:.3}", value / 1e6)
                .trim_end_matches('0')
                .trim_end_matches('.')
        )
    } else if abs >= 1e4 {
        format!("{:.1}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

/// 0.4567 → "45.7%".
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(money(1_234_567.891), "1,234,567.89");
        assert_eq!(money(-12.5), "-12.50");
        assert_eq!(money(f64::NAN), "–");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_300.0), "12.3k");
        assert_eq!(compact(4_560_000.0), "4.56M");
        assert_eq!(percent(0.4567), "45.7%");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(12), "12 B");
    }
}
