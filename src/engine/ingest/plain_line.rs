//! Finds the next line of CSV text that needs no unquoting and the ends of
//! its fields, eight bytes at a time. One pass looks for the line break,
//! delimiters, quotes and carriage returns together; a byte-at-a-time loop
//! (or csv-core's state machine) costs several instructions per byte, and
//! WebAssembly has 64-bit integers but no SIMD here.

/// What the start of the text holds.
#[derive(Debug, PartialEq, Eq)]
pub enum PlainLine {
    /// A line without quotes whose fields end at the offsets written to
    /// `ends`; `length` excludes its `\r\n` or `\n`, `consumed` includes it.
    Line { length: usize, consumed: usize },
    /// The line has a quote or a `\r` that does not end it: csv-core's job.
    NeedsParser,
    /// No line break before the end of the text.
    Incomplete,
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
/// is never sniffed), and how many are real.
fn word_at(text: &[u8], offset: usize) -> (u64, usize) {
    match text.get(offset..offset + 8).map(<[u8; 8]>::try_from) {
        Some(Ok(bytes)) => (u64::from_le_bytes(bytes), 8),
        _ => {
            let rest = text.get(offset..).unwrap_or_default();
            let take = rest.len().min(8);
            let mut bytes = [0u8; 8];
            bytes[..take].copy_from_slice(rest.get(..take).unwrap_or_default());
            (u64::from_le_bytes(bytes), take)
        }
    }
}

/// Scans `text` up to its first `\n`; on a plain line, `ends` holds each
/// field's end (the delimiters' offsets, then the line's length).
pub fn scan_plain_line(text: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> PlainLine {
    ends.clear();
    let (delimiters, quotes, returns, newlines) =
        (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
    // A `\r` in the last byte of the previous word: only fine before `\n`.
    let mut return_pending = false;
    let mut offset = 0;
    while offset < text.len() {
        let (word, take) = word_at(text, offset);
        // Most words hold no `"` and nothing below `\r` + 1 (so no `\n` or
        // `\r`): only their delimiters matter. Other words (say, with a tab)
        // go the exact way below.
        if !return_pending && !has_byte_below(word, b'\r' + 1) && !has_zero_byte(word ^ quotes) {
            push_field_ends(zero_bytes(word ^ delimiters), offset, ends);
            offset += 8;
            continue;
        }
        let newline = zero_bytes(word ^ newlines);
        // Bits of the bytes before the first `\n` (all bytes if none).
        let before = if newline == 0 {
            u64::MAX
        } else {
            (newline & newline.wrapping_neg()) - 1
        };
        let newline_at = (newline != 0).then(|| (newline.trailing_zeros() / 8) as usize);
        if return_pending && newline_at != Some(0) {
            return PlainLine::NeedsParser;
        }
        if zero_bytes(word ^ quotes) & before != 0 {
            return PlainLine::NeedsParser;
        }
        let carriage = zero_bytes(word ^ returns) & before;
        // The only `\r` allowed is the one right before the line's `\n`.
        let allowed_return = match newline_at {
            Some(0) | None => 0,
            Some(at) => 0x80u64 << ((at - 1) * 8),
        };
        let trailing_return = newline_at.is_none() && carriage == 0x80u64 << ((take - 1) * 8);
        if carriage & !allowed_return != 0 && !trailing_return {
            return PlainLine::NeedsParser;
        }
        push_field_ends(zero_bytes(word ^ delimiters) & before, offset, ends);
        if let Some(at) = newline_at {
            let newline_offset = offset + at;
            let length = if return_pending || carriage != 0 {
                newline_offset - 1
            } else {
                newline_offset
            };
            ends.push(length);
            return PlainLine::Line {
                length,
                consumed: newline_offset + 1,
            };
        }
        return_pending = trailing_return;
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

    #[test]
    fn splits_plain_lines_at_every_alignment() {
        for pad in 0..20 {
            let field = "x".repeat(pad);
            let text = format!("{field},b,,cd\nnext");
            let (result, ends) = scan(&text);
            assert_eq!(
                result,
                PlainLine::Line {
                    length: pad + 6,
                    consumed: pad + 7
                }
            );
            assert_eq!(ends, vec![pad, pad + 2, pad + 3, pad + 6]);
            let crlf = format!("{field},b\r\nnext");
            let (result, ends) = scan(&crlf);
            assert_eq!(
                result,
                PlainLine::Line {
                    length: pad + 2,
                    consumed: pad + 4
                },
                "pad {pad}"
            );
            assert_eq!(ends, vec![pad, pad + 2]);
        }
    }

    #[test]
    fn quotes_and_lone_returns_need_the_parser() {
        for pad in 0..20 {
            let field = "x".repeat(pad);
            for text in [
                format!("{field}\"a\",b\n"),
                format!("{field}a\rb\n"),
                format!("{field}\r\rb\n"),
                format!("{field}\r\r\n"),
                format!("{field}\rx"),
            ] {
                assert_eq!(scan(&text).0, PlainLine::NeedsParser, "{text:?}");
            }
            // What follows the line break is not looked at.
            let later = format!("{field},b\n\"q\"\r");
            assert!(matches!(scan(&later).0, PlainLine::Line { .. }));
            assert_eq!(scan(&format!("{field},b")).0, PlainLine::Incomplete);
            assert_eq!(scan(&format!("{field},b\r")).0, PlainLine::Incomplete);
        }
        assert_eq!(scan("").0, PlainLine::Incomplete);
        assert_eq!(
            scan("\n").0,
            PlainLine::Line {
                length: 0,
                consumed: 1
            }
        );
        assert_eq!(
            scan("\r\n").0,
            PlainLine::Line {
                length: 0,
                consumed: 2
            }
        );
    }
}
