//! Cell-level normalisation: customer ids and numbers.

use std::borrow::Cow;

/// `str::trim`, answering at once when the ends are visible ASCII (the
/// Unicode-aware trim was a visible share of ingest, at several cells a line).
pub fn trim(text: &str) -> &str {
    let visible = |byte: Option<&u8>| byte.is_some_and(|&b| b > b' ' && b < 0x7f);
    let bytes = text.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Normalise a customer id; `None` means missing.
///
/// Trims; Excel-style `17850.0` → `17850`; `nan`, `null`, `none`, `n/a`, `-`
/// and empty are missing. E-mail addresses are lower-cased so `Ann@x.com`
/// and `ann@x.com` are one customer.
pub fn normalise_customer_id(raw: &str) -> Option<Cow<'_, str>> {
    const MISSING: [&str; 8] = ["", "nan", "null", "none", "n/a", "na", "-", "#n/a"];
    let trimmed = trim(raw);
    // Nearly every id is plain letters and digits, longer than any missing marker.
    if trimmed.len() > 4 && trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Some(Cow::Borrowed(trimmed));
    }
    // No missing marker has this shape.
    if let Some(whole) = integral_float(trimmed) {
        return Some(Cow::Borrowed(whole));
    }
    if MISSING.iter().any(|m| trimmed.eq_ignore_ascii_case(m)) {
        return None;
    }
    if trimmed.contains('@') {
        return Some(Cow::Owned(trimmed.to_ascii_lowercase()));
    }
    // Borrowed: most rows belong to a known customer, so no allocation per row.
    Some(Cow::Borrowed(trimmed))
}

/// The digits of `17850.0` or `17850.000` (digits, a dot, only zeros): one
/// pass over the bytes, where a search for the dot and then a check of each
/// side was most of the cost of such an id.
fn integral_float(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let dot = bytes.iter().position(|b| !b.is_ascii_digit())?;
    let fraction = bytes.get(dot + 1..)?;
    let integral = dot > 0
        && bytes.get(dot) == Some(&b'.')
        && !fraction.is_empty()
        && fraction.iter().all(|&b| b == b'0');
    integral.then(|| text.get(..dot)).flatten()
}

const CURRENCY_MARKS: &[&str] = &["£", "$", "€", "¥", "₹", "CHF", "USD", "EUR", "GBP"];

/// Does this look like a decimal-comma number (`12,50`, `-3,5`, `1.234,50`)?
pub fn looks_decimal_comma(raw: &str) -> bool {
    let text = strip_currency(raw.trim());
    let text = text.strip_prefix('-').unwrap_or(text);
    match text.rsplit_once(',') {
        Some((whole, fraction)) => {
            (1..=2).contains(&fraction.len())
                && fraction.bytes().all(|b| b.is_ascii_digit())
                && !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        }
        None => false,
    }
}

/// Does this look like a decimal-point number with a fraction (`12.50`)?
pub fn looks_decimal_point(raw: &str) -> bool {
    let text = strip_currency(raw.trim());
    let text = text.strip_prefix('-').unwrap_or(text);
    match text.rsplit_once('.') {
        Some((whole, fraction)) => {
            !fraction.is_empty()
                && fraction.len() != 3
                && fraction.bytes().all(|b| b.is_ascii_digit())
                && whole.bytes().all(|b| b.is_ascii_digit() || b == b',')
        }
        None => false,
    }
}

fn strip_currency(mut text: &str) -> &str {
    loop {
        let before = text;
        for mark in CURRENCY_MARKS {
            text = text.strip_prefix(mark).unwrap_or(text).trim_start();
            text = text.strip_suffix(mark).unwrap_or(text).trim_end();
        }
        if text == before {
            return text;
        }
    }
}

/// Parse a number: currency symbols stripped, `(12.50)` is negative,
/// thousands separators accepted only in their proper 3-digit groups.
/// With `decimal_comma`, `1.234,50` is 1234.5; otherwise `1,234.50` is.
pub fn parse_number(raw: &str, decimal_comma: bool) -> Result<f64, &'static str> {
    // Nearly every cell is a plain `12.50` or `-6`: parse those directly (the
    // general path below costs far more per cell, and ingest is per line).
    match parse_plain_number(raw.as_bytes(), decimal_comma) {
        Some(value) => Ok(value),
        None => parse_number_general(raw, decimal_comma),
    }
}

/// Powers of ten that are exact in an f64.
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `-?digits` or, in decimal-point mode, `-?digits.digits`, as a finite
/// number; `None` for anything else.
///
/// Up to 15 digits the value is its digits as an integer (exact: below
/// 2^53) divided by an exact power of ten, and one IEEE division of exact
/// operands is correctly rounded: the same bits as `str::parse` (Clinger's
/// fast path), without its general machinery. Longer numbers go to
/// `str::parse`.
fn parse_plain_number(bytes: &[u8], decimal_comma: bool) -> Option<f64> {
    let (negative, digits) = match bytes.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let (whole, fraction) = match digits.iter().position(|&b| b == b'.') {
        Some(_) if decimal_comma => return None,
        Some(dot) => (digits.get(..dot)?, Some(digits.get(dot + 1..)?)),
        None => (digits, None),
    };
    if whole.is_empty() || fraction.is_some_and(<[u8]>::is_empty) {
        return None;
    }
    let fraction = fraction.unwrap_or_default();
    if whole.len() + fraction.len() > 15 {
        let all_digits = whole.iter().chain(fraction).all(u8::is_ascii_digit);
        return all_digits
            .then(|| std::str::from_utf8(bytes).ok()?.parse::<f64>().ok())
            .flatten()
            .filter(|v| v.is_finite());
    }
    let mut mantissa: u64 = 0;
    for &b in whole.iter().chain(fraction) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(digit);
    }
    let value = mantissa as f64 / EXACT_POWERS_OF_TEN.get(fraction.len())?;
    Some(if negative { -value } else { value })
}

fn parse_number_general(raw: &str, decimal_comma: bool) -> Result<f64, &'static str> {
    const EXPECTED: &str = "a number like 12.50";
    const EXPECTED_COMMA: &str = "a number like 12,50";
    let expected = if decimal_comma {
        EXPECTED_COMMA
    } else {
        EXPECTED
    };
    let mut text = trim(raw);
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    text = strip_currency(text);
    if let Some(rest) = text.strip_prefix('-') {
        negative = !negative;
        text = strip_currency(rest.trim_start());
    } else if let Some(rest) = text.strip_prefix('+') {
        text = strip_currency(rest.trim_start());
    }
    let (group_separator, decimal_separator) = if decimal_comma {
        ('.', ',')
    } else {
        (',', '.')
    };
    let (whole, fraction) = match text.rsplit_once(decimal_separator) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let whole: String = whole
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let mut groups = whole.split(group_separator);
    let first = groups.next().unwrap_or_default();
    let mut digits = first.to_string();
    for group in groups {
        // A separator must be followed by exactly three digits: `12,50`
        // without decimal-comma mode is an error, not 1250.
        if group.len() != 3 || first.is_empty() {
            return Err(expected);
        }
        digits.push_str(group);
    }
    let fraction = fraction.unwrap_or_default();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (digits.is_empty() && fraction.is_empty()) || !all_digits(&digits) || !all_digits(fraction) {
        return Err(expected);
    }
    let canonical = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        if digits.is_empty() { "0" } else { &digits },
        if fraction.is_empty() { "0" } else { fraction }
    );
    canonical
        .parse::<f64>()
        .map_err(|_| expected)
        .and_then(|value| {
            if value.is_finite() {
                Ok(value)
            } else {
                Err(expected)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_ids() {
        assert_eq!(normalise_customer_id(" 17850.0 "), Some("17850".into()));
        assert_eq!(normalise_customer_id("17850"), Some("17850".into()));
        assert_eq!(normalise_customer_id("A17.5"), Some("A17.5".into()));
        assert_eq!(
            normalise_customer_id("Ann@Example.com"),
            Some("ann@example.com".into())
        );
        for missing in ["", "  ", "nan", "NaN", "NULL", "null", "None", "N/A"] {
            assert_eq!(normalise_customer_id(missing), None, "{missing:?}");
        }
    }

    /// The rule `integral_float` implements, written the obvious way.
    fn integral_float_oracle(text: &str) -> Option<&str> {
        let (whole, fraction) = text.split_once('.')?;
        let integral = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit());
        (integral && !fraction.is_empty() && fraction.bytes().all(|b| b == b'0')).then_some(whole)
    }

    #[test]
    fn float_looking_ids_lose_their_zeros_as_the_plain_rule_says() {
        const PIECES: [&str; 9] = ["1", "0", "7", ".", "..", "00", "a", " ", "é"];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let mut integral = 0;
        for _ in 0..50_000 {
            // Mostly digits, a dot and zeros, now and then something else.
            let mut text: String = (0..next(4)).map(|_| ["1", "0", "7"][next(3)]).collect();
            if next(4) != 0 {
                text.push('.');
            }
            text.extend((0..next(4)).map(|_| ["0", "00", "0", "1"][next(4)]));
            if next(3) == 0 {
                let at = next(text.len() as u64 + 1);
                text.insert_str(at, PIECES[next(PIECES.len() as u64)]);
            }
            let expected = integral_float_oracle(&text);
            assert_eq!(integral_float(&text), expected, "{text:?}");
            integral += usize::from(expected.is_some());
        }
        assert!(integral > 5_000, "{integral}");
        for (raw, id) in [("33297.0", "33297"), ("0.00", "0"), (" 12.0 ", "12")] {
            assert_eq!(normalise_customer_id(raw), Some(id.into()));
        }
        for raw in ["1.5", ".0", "1.", "1.0.0", "a1.0", "1e3.0"] {
            assert_eq!(normalise_customer_id(raw), Some(raw.into()), "{raw:?}");
        }
    }

    #[test]
    fn numbers_decimal_point() {
        assert_eq!(parse_number("2.55", false), Ok(2.55));
        assert_eq!(parse_number("1,234.50", false), Ok(1234.5));
        assert_eq!(parse_number("£3.39", false), Ok(3.39));
        assert_eq!(parse_number("$ 10", false), Ok(10.0));
        assert_eq!(parse_number("-6", false), Ok(-6.0));
        assert_eq!(parse_number("(12.50)", false), Ok(-12.5));
        assert_eq!(parse_number(".5", false), Ok(0.5));
        assert!(parse_number("12,50", false).is_err());
        assert!(parse_number("abc", false).is_err());
        assert!(parse_number("", false).is_err());
        assert!(parse_number("1e400", false).is_err());
        assert!(parse_number("-", false).is_err());
    }

    #[test]
    fn the_plain_number_shortcut_agrees_with_the_general_parser() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut shortcut_taken = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            if next(3) == 0 {
                text.push('-');
            }
            for _ in 0..1 + next(25) {
                text.push(char::from(b'0' + next(10) as u8));
            }
            match next(3) {
                0 => {}
                1 => text.push('.'),
                _ => text.push(','),
            }
            for _ in 0..next(14) {
                text.push(char::from(b'0' + next(10) as u8));
            }
            for decimal_comma in [false, true] {
                if parse_plain_number(text.as_bytes(), decimal_comma).is_some() {
                    shortcut_taken += 1;
                }
                // The same bits (so -0 stays -0), not only an equal value.
                assert_eq!(
                    parse_number(&text, decimal_comma).map(f64::to_bits),
                    parse_number_general(&text, decimal_comma).map(f64::to_bits),
                    "{text:?} decimal_comma={decimal_comma}"
                );
            }
        }
        assert!(
            shortcut_taken > 5_000,
            "the shortcut was taken {shortcut_taken} times"
        );
        assert_eq!(
            parse_number(&"9".repeat(400), false),
            Err("a number like 12.50")
        );
    }

    #[test]
    fn numbers_decimal_comma() {
        assert_eq!(parse_number("12,50", true), Ok(12.5));
        assert_eq!(parse_number("1.234,50 €", true), Ok(1234.5));
        assert_eq!(parse_number("-3,5", true), Ok(-3.5));
        assert_eq!(parse_number("7", true), Ok(7.0));
        assert!(looks_decimal_comma("12,50"));
        assert!(looks_decimal_comma("€1.234,5"));
        assert!(!looks_decimal_comma("1,234"));
        assert!(looks_decimal_point("12.50"));
        assert!(!looks_decimal_point("1.234"));
    }
}
