//! Text whose columns are separated by runs of spaces or tabs (fixed-width
//! and aligned exports such as CDNOW's), selected by the delimiter `b' '`.
//!
//! Every line (ended by `\n`, `\r\n` or a lone `\r`) is one record: it is trimmed of spaces, tabs and carriage
//! returns at both ends and split on runs of them; a blank line is no
//! record. A field that starts with `"` runs to the next lone `"` (a doubled
//! `""` is one quote), so it may hold spaces (`"United Kingdom"`); it never
//! holds a line break, and an unclosed quote ends with its line.

/// Separates fields: a space, a tab or a stray carriage return.
pub fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r')
}

/// Splits one line (without its `\n`) into fields, appending their contents
/// to `text` back to back and each one's end in `text` to `ends` (both are
/// cleared first). A blank line gives no fields.
pub fn split_line(line: &str, text: &mut String, ends: &mut Vec<usize>) {
    text.clear();
    ends.clear();
    let line = line.trim_end_matches(|c: char| c.is_ascii() && is_separator(c as u8));
    let bytes = line.as_bytes();
    let mut at = 0;
    // Every offset below is at an ASCII byte (a separator or a quote) or at
    // an end, so it is a character boundary.
    let piece = |from: usize, to: usize| line.get(from..to).unwrap_or_default();
    loop {
        while bytes.get(at).copied().is_some_and(is_separator) {
            at += 1;
        }
        if at >= bytes.len() {
            return;
        }
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            loop {
                let Some(quote) = bytes
                    .get(at..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'"'))
                    .map(|offset| at + offset)
                else {
                    text.push_str(piece(at, bytes.len()));
                    at = bytes.len();
                    break;
                };
                text.push_str(piece(at, quote));
                if bytes.get(quote + 1) == Some(&b'"') {
                    text.push('"');
                    at = quote + 2;
                } else {
                    at = quote + 1;
                    break;
                }
            }
        }
        // Unquoted text, or what follows a closing quote up to a separator.
        let start = at;
        while bytes.get(at).is_some_and(|&b| !is_separator(b)) {
            at += 1;
        }
        text.push_str(piece(start, at));
        ends.push(text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<String> {
        let (mut text, mut ends) = (String::new(), Vec::new());
        split_line(line, &mut text, &mut ends);
        let mut start = 0;
        ends.iter()
            .map(|&end| {
                let field = text[start..end].to_string();
                start = end;
                field
            })
            .collect()
    }

    #[test]
    fn runs_of_spaces_and_tabs_separate() {
        assert_eq!(
            fields("   00001 19970101  1  11.77\r"),
            ["00001", "19970101", "1", "11.77"]
        );
        assert_eq!(fields("a\t \tb \t"), ["a", "b"]);
        assert_eq!(fields("  \t \r"), Vec::<String>::new());
        assert_eq!(fields(""), Vec::<String>::new());
        assert_eq!(fields("é  ü"), ["é", "ü"]);
    }

    #[test]
    fn quoted_fields_hold_spaces_and_quotes() {
        assert_eq!(
            fields("17850 \"United Kingdom\"  12.5"),
            ["17850", "United Kingdom", "12.5"]
        );
        assert_eq!(fields("\"say \"\"hi\"\"\" x"), ["say \"hi\"", "x"]);
        assert_eq!(fields("\"\" x"), ["", "x"]);
        // Text after the closing quote belongs to the field; a quote inside
        // an unquoted field is just a character.
        assert_eq!(fields("\"a b\"c d"), ["a bc", "d"]);
        assert_eq!(fields("5'3\" tall"), ["5'3\"", "tall"]);
        // An unclosed quote runs to the end of the line.
        assert_eq!(fields("x \"open  end "), ["x", "open  end"]);
    }
}
