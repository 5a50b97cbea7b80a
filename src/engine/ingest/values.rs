//! Field values: customer ids and numbers as exports write them.

/// Trims and normalises a customer id; `None` when missing.
/// Excel turns ids into floats (`17850.0`): those become `17850`.
pub fn customer_id(raw: &str) -> Option<String> {
    let id = raw.trim().trim_matches('"').trim();
    if id.is_empty() || ["nan", "null", "none", "n/a", "na", "-"].iter().any(|m| id.eq_ignore_ascii_case(m)) {
        return None;
    }
    if let Some(integer) = id.strip_suffix(".0").or_else(|| id.strip_suffix(".00")) {
        if !integer.is_empty() && integer.bytes().all(|b| b.is_ascii_digit()) {
            return Some(integer.to_string());
        }
    }
    Some(id.to_string())
}

/// Parses an amount/quantity/price: currency symbols and spaces are ignored,
/// `(12.50)` is negative, thousands separators are dropped. With
/// `decimal_comma`, `1.234,5` is 1234.5; otherwise `1,234.5` is.
pub fn number(raw: &str, decimal_comma: bool) -> Option<f64> {
    let mut s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '£' | '$' | '€' | '¥' | '\'' | '"'))
        .collect();
    let negative_parens = s.starts_with('(') && s.ends_with(')');
    if negative_parens {
        s = s[1..s.len() - 1].to_string();
    }
    let s = if decimal_comma { s.replace('.', "").replace(',', ".") } else { s.replace(',', "") };
    let value: f64 = s.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Some(if negative_parens { -value } else { value })
}

/// Whether sample numeric values use a decimal comma (`12,50`, `1.234,56`).
pub fn looks_like_decimal_comma<'a>(samples: impl IntoIterator<Item = &'a str>) -> bool {
    let mut comma = 0;
    let mut point = 0;
    for s in samples {
        let s = s.trim();
        match (s.rfind(','), s.rfind('.')) {
            (Some(c), Some(p)) if c > p => comma += 1,
            (Some(_), Some(_)) => point += 1,
            // "12,50": a comma followed by 1–2 digits is a decimal comma;
            // "1,234" (3 digits) reads as thousands either way.
            (Some(c), None) if (1..=2).contains(&(s.len() - c - 1)) => comma += 1,
            (None, Some(_)) => point += 1,
            _ => {}
        }
    }
    comma > point
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_customer_ids() {
        assert_eq!(customer_id(" 17850.0 ").as_deref(), Some("17850"));
        assert_eq!(customer_id("17850").as_deref(), Some("17850"));
        assert_eq!(customer_id("a@b.com").as_deref(), Some("a@b.com"));
        assert_eq!(customer_id("12.5").as_deref(), Some("12.5"));
        for missing in ["", "  ", "NaN", "NULL", "none"] {
            assert_eq!(customer_id(missing), None, "{missing}");
        }
    }

    #[test]
    fn parses_numbers_as_exports_write_them() {
        assert_eq!(number("2.55", false), Some(2.55));
        assert_eq!(number("£1,234.50", false), Some(1234.5));
        assert_eq!(number("-6", false), Some(-6.0));
        assert_eq!(number("(12.50)", false), Some(-12.5));
        assert_eq!(number("12,50", true), Some(12.5));
        assert_eq!(number("1.234,56 €", true), Some(1234.56));
        assert_eq!(number("abc", false), None);
        assert_eq!(number("", false), None);
        assert_eq!(number("inf", false), None);
        assert_eq!(number("NaN", false), None);
    }

    #[test]
    fn detects_decimal_comma() {
        assert!(looks_like_decimal_comma(["12,50", "3,5", "100"]));
        assert!(looks_like_decimal_comma(["1.234,56"]));
        assert!(!looks_like_decimal_comma(["12.50", "1,234.56", "3"]));
        assert!(!looks_like_decimal_comma(["1,234"]));
    }
}
