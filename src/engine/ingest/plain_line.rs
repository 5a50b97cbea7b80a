//! Finds the next line of CSV text that can be split in place and the ends
//! of its fields, eight bytes at a time. One pass looks for the line break,
//! delimiters, quotes and carriage returns together; a byte-at-a-time loop
//! (or csv-core's state machine) costs several instructions per byte, and
//! WebAssembly has 64-bit integers but no SIMD here.
//!
//! A field may be quoted when the quotes are the whole field (`"a, b"`,
//! with `""` for a quote inside): that is how exports quote, and such a
//! field is its text between the quotes, so the line need not be copied
//! through csv-core. Anything else about quotes (a quote inside an unquoted
//! field, text after a closing quote, a line break inside quotes) is left to
//! csv-core, as is a `\r` that does not end the line.

/// What the start of the text holds.
#[derive(Debug, PartialEq, Eq)]
pub enum PlainLine {
    /// A line whose fields end at the offsets written to `ends` (the line's
    /// own offsets, so a quoted field's end is after its closing quote);
    /// `length` excludes its `\r\n` or `\n`, `consumed` includes it.
    Line {
        length: usize,
        consumed: usize,
        quotes: Quotes,
    },
    /// csv-core's job: see the module's notes.
    NeedsParser,
    /// No line break before the end of the text (or a quote or `\r` at its
    /// very end, which the next byte decides).
    Incomplete,
}

/// How a line's fields are quoted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quotes {
    /// Some field is quoted: a field's text is then between its quotes.
    pub quoted: bool,
    /// A quoted field holds a doubled quote `""`, which stands for one.
    pub doubled: bool,
    /// A quoted field holds the delimiter.
    pub delimiter_inside: bool,
}

const LOW_SEVEN_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;

fn splat(byte: u8) -> u64 {
    u64::from_le_bytes([byte; 8])
}

/// 0x80 in exactly the bytes of `word` that are zero.
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW_SEVEN_BITS).wrapping_add(LOW_SEVEN_BITS)) | word | LOW_SEVEN_BITS)
}

/// Whether any byte of `word` is zero (exact as a yes/no; which bytes it
/// marks can be off, unlike [`zero_bytes`], but it is cheaper).
fn has_zero_byte(word: u64) -> bool {
    word.wrapping_sub(splat(1)) & !word & splat(0x80) != 0
}

/// Whether any byte of `word` is below `limit` (≤ 0x80); exact as a yes/no.
fn has_byte_below(word: u64, limit: u8) -> bool {
    word.wrapping_sub(splat(limit)) & !word & splat(0x80) != 0
}

/// Appends the offset of each byte marked in `delimiters`.
fn push_field_ends(mut delimiters: u64, offset: usize, ends: &mut Vec<usize>) {
    while delimiters != 0 {
        ends.push(offset + (delimiters.trailing_zeros() / 8) as usize);
        delimiters &= delimiters - 1;
    }
}

/// The eight bytes at `offset` as a little-endian word, zero-padded past the
/// end of `text` (zero matches none of the bytes looked for: a NUL delimiter
/// is never sniffed).
fn word_at(text: &[u8], offset: usize) -> u64 {
    match text.get(offset..offset + 8).map(<[u8; 8]>::try_from) {
        Some(Ok(bytes)) => u64::from_le_bytes(bytes),
        _ => {
            let rest = text.get(offset..).unwrap_or_default();
            let take = rest.len().min(8);
            let mut bytes = [0u8; 8];
            bytes[..take].copy_from_slice(rest.get(..take).unwrap_or_default());
            u64::from_le_bytes(bytes)
        }
    }
}

/// Scans `text` up to its first `\n` outside quotes; on a line that can be
/// split in place, `ends` holds each field's end (the offsets of the
/// delimiters between fields, then the line's length).
pub fn scan_plain_line(text: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> PlainLine {
    ends.clear();
    let (delimiters, quote_bytes, returns, newlines) =
        (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
    let mut quotes = Quotes::default();
    // Inside a quoted field (its opening quote seen, not its closing one).
    let mut inside = false;
    // Bytes before this were decided by a look ahead (a doubled quote's second).
    let mut decided = 0;
    let mut offset = 0;
    while offset < text.len() {
        let word = word_at(text, offset);
        // Most words hold no `"` and nothing below `\r` + 1 (so no `\n` or
        // `\r`): only their delimiters matter, as field ends outside quotes
        // and as text inside them. Other words (say, with a tab) go the
        // exact way below.
        if !has_byte_below(word, b'\r' + 1) && !has_zero_byte(word ^ quote_bytes) {
            let found = zero_bytes(word ^ delimiters);
            if inside {
                quotes.delimiter_inside |= found != 0;
            } else {
                push_field_ends(found, offset, ends);
            }
            offset += 8;
            continue;
        }
        let mut events = zero_bytes(word ^ delimiters)
            | zero_bytes(word ^ quote_bytes)
            | zero_bytes(word ^ returns)
            | zero_bytes(word ^ newlines);
        while events != 0 {
            let at = offset + (events.trailing_zeros() / 8) as usize;
            events &= events - 1;
            if at < decided {
                continue;
            }
            let Some(&byte) = text.get(at) else {
                return PlainLine::Incomplete;
            };
            let next = text.get(at + 1).copied();
            if inside {
                match byte {
                    b'"' => match next {
                        None => return PlainLine::Incomplete,
                        Some(b'"') => {
                            quotes.doubled = true;
                            decided = at + 2;
                        }
                        Some(b'\n' | b'\r') => inside = false,
                        Some(after) if after == delimiter => inside = false,
                        Some(_) => return PlainLine::NeedsParser,
                    },
                    b'\n' | b'\r' => return PlainLine::NeedsParser,
                    _ => quotes.delimiter_inside = true,
                }
                continue;
            }
            match byte {
                // Outside quotes, a delimiter before is a field's end.
                b'"' if at == 0 || text.get(at - 1) == Some(&delimiter) => {
                    inside = true;
                    quotes.quoted = true;
                }
                b'"' => return PlainLine::NeedsParser,
                b'\n' => {
                    ends.push(at);
                    return PlainLine::Line {
                        length: at,
                        consumed: at + 1,
                        quotes,
                    };
                }
                b'\r' => {
                    return match next {
                        Some(b'\n') => {
                            ends.push(at);
                            PlainLine::Line {
                                length: at,
                                consumed: at + 2,
                                quotes,
                            }
                        }
                        None => PlainLine::Incomplete,
                        Some(_) => PlainLine::NeedsParser,
                    };
                }
                _ => ends.push(at),
            }
        }
        offset += 8;
    }
    PlainLine::Incomplete
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> (PlainLine, Vec<usize>) {
        let mut ends = Vec::new();
        let result = scan_plain_line(text.as_bytes(), b',', &mut ends);
        (result, ends)
    }

    fn line(length: usize, consumed: usize) -> PlainLine {
        PlainLine::Line {
            length,
            consumed,
            quotes: Quotes::default(),
        }
    }

    #[test]
    fn splits_plain_lines_at_every_alignment() {
        for pad in 0..20 {
            let field = "x".repeat(pad);
            let text = format!("{field},b,,cd\nnext");
            let (result, ends) = scan(&text);
            assert_eq!(result, line(pad + 6, pad + 7));
            assert_eq!(ends, vec![pad, pad + 2, pad + 3, pad + 6]);
            let crlf = format!("{field},b\r\nnext");
            let (result, ends) = scan(&crlf);
            assert_eq!(result, line(pad + 2, pad + 4), "pad {pad}");
            assert_eq!(ends, vec![pad, pad + 2]);
        }
    }

    #[test]
    fn quoted_fields_split_in_place_at_every_alignment() {
        let quoted = |doubled, delimiter_inside| Quotes {
            quoted: true,
            doubled,
            delimiter_inside,
        };
        for pad in 0..20 {
            let field = "x".repeat(pad);
            // `ends` are the line's own offsets: after the closing quotes.
            let text = format!("{field},\"a, b\",\"\",c\nnext");
            let (result, ends) = scan(&text);
            let length = pad + 12;
            assert_eq!(
                result,
                PlainLine::Line {
                    length,
                    consumed: length + 1,
                    quotes: quoted(false, true)
                },
                "{text:?}"
            );
            assert_eq!(ends, vec![pad, pad + 7, pad + 10, length]);
            let text = format!("\"{field}\"\"q\"\"\",\"z\"\r\n");
            let (result, ends) = scan(&text);
            let length = pad + 11;
            assert_eq!(
                result,
                PlainLine::Line {
                    length,
                    consumed: length + 2,
                    quotes: quoted(true, false)
                },
                "{text:?}"
            );
            assert_eq!(ends, vec![pad + 7, length]);
        }
    }

    #[test]
    fn quotes_and_lone_returns_need_the_parser() {
        for pad in 0..20 {
            let field = "x".repeat(pad);
            for text in [
                format!("x{field}\"a\",b\n"),
                format!("{field}a\rb\n"),
                format!("{field}\r\rb\n"),
                format!("{field}\r\r\n"),
                format!("{field}\rx"),
                format!("\"{field}\"x,b\n"),
                format!("a,\"{field}\n\",b\n"),
                format!("a,\"{field}\r\n\"\n"),
                format!("a,\"{field}\"\"\"b\n"),
                format!("a, \"{field}\"\n"),
                format!("\"{field}\"\"\r\n"),
            ] {
                assert_eq!(scan(&text).0, PlainLine::NeedsParser, "{text:?}");
            }
            // What follows the line break is not looked at.
            let later = format!("{field},b\n\"q\"\r");
            assert!(matches!(scan(&later).0, PlainLine::Line { .. }));
            for cut_off in [
                format!("{field},b"),
                format!("{field},b\r"),
                format!("{field},\"b"),
                format!("{field},\"b\""),
                format!("{field},\"b\"\""),
            ] {
                assert_eq!(scan(&cut_off).0, PlainLine::Incomplete, "{cut_off:?}");
            }
        }
        assert_eq!(scan("").0, PlainLine::Incomplete);
        assert_eq!(scan("\n").0, line(0, 1));
        assert_eq!(scan("\r\n").0, line(0, 2));
    }
}
