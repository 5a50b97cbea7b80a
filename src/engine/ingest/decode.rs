//! Text encoding: detection on the sniff window, then streaming decoding to
//! UTF-8 so the CSV parser always sees UTF-8 (delimiters are ASCII, so
//! splitting UTF-8 on them never breaks a character).

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use super::error::IngestError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    /// Windows-1252, a superset of the printable part of ISO-8859-1 (Latin-1):
    /// what Excel on Windows writes for "CSV" in Western locales.
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Windows1252 => "Windows-1252 (Latin-1)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Windows1252 => WINDOWS_1252,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
        }
    }
}

/// What the first bytes say about the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingGuess {
    pub encoding: TextEncoding,
    pub has_bom: bool,
}

/// Magic numbers of files people drop by mistake instead of a CSV export.
const BINARY_SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (
        b"PK\x03\x04",
        "a ZIP archive (an .xlsx workbook? export it as CSV)",
    ),
    (
        b"\xD0\xCF\x11\xE0",
        "an old Excel/Office file (.xls; export it as CSV)",
    ),
    (b"\x1F\x8B", "a gzip archive"),
];

/// Decide the encoding from the start of the file; rejects binary files.
///
/// `complete` says whether `head` is the whole file: if not, an incomplete
/// UTF-8 sequence at its very end is expected and not a reason to fall back.
pub fn detect_encoding(head: &[u8], complete: bool) -> Result<EncodingGuess, IngestError> {
    if let Some((_, what)) = BINARY_SIGNATURES
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
    {
        return Err(IngestError::NotText {
            what: format!("it looks like {what}"),
        });
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok(EncodingGuess {
            encoding: TextEncoding::Utf8,
            has_bom: true,
        });
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        let encoding = if head.starts_with(b"\xFF\xFE") {
            TextEncoding::Utf16Le
        } else {
            TextEncoding::Utf16Be
        };
        return Ok(EncodingGuess {
            encoding,
            has_bom: true,
        });
    }
    if head.contains(&0) {
        return Err(IngestError::NotText {
            what: "it contains NUL bytes (binary data)".into(),
        });
    }
    let control_bytes = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n' | 0x0C))
        .count();
    // Text exports have essentially no control characters; random binary data
    // has about one in eight bytes below 0x20.
    if control_bytes * 20 > head.len() {
        return Err(IngestError::NotText {
            what: format!(
                "{control_bytes} control characters in the first {} bytes",
                head.len()
            ),
        });
    }
    let is_utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // `error_len() == None` means the input ends mid-character.
        Err(e) => !complete && e.error_len().is_none(),
    };
    Ok(EncodingGuess {
        encoding: if is_utf8 {
            TextEncoding::Utf8
        } else {
            TextEncoding::Windows1252
        },
        has_bom: false,
    })
}

/// Streaming decoder: bytes in any chunking → UTF-8 text, identical output.
pub struct StreamDecoder {
    state: DecoderState,
}

enum DecoderState {
    /// Only ASCII seen so far (and no BOM): UTF-8 and Windows-1252 agree on
    /// it, so the first byte ≥ 0x80 decides — a file whose first accented
    /// letter comes after the sniff window is still decoded right.
    AsciiSoFar { held: Vec<u8> },
    Decoding {
        decoder: Decoder,
        encoding: TextEncoding,
    },
}

/// Length of the UTF-8 sequence a lead byte announces; 0 if it cannot lead.
fn utf8_sequence_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

impl StreamDecoder {
    pub fn new(encoding: TextEncoding) -> Self {
        StreamDecoder {
            state: DecoderState::Decoding {
                // BOM removal only strips a BOM matching the chosen encoding.
                decoder: encoding.encoding().new_decoder_with_bom_removal(),
                encoding,
            },
        }
    }

    /// For a sniff window that was pure ASCII: decide UTF-8 vs Windows-1252
    /// at the first non-ASCII character.
    pub fn undecided() -> Self {
        StreamDecoder {
            state: DecoderState::AsciiSoFar { held: Vec::new() },
        }
    }

    /// The encoding in use; `None` while only ASCII has been seen.
    pub fn encoding(&self) -> Option<TextEncoding> {
        match &self.state {
            DecoderState::AsciiSoFar { .. } => None,
            DecoderState::Decoding { encoding, .. } => Some(*encoding),
        }
    }

    /// Decode `input`, appending to `out`. Invalid sequences become U+FFFD.
    /// `input` as text without copying it, when there is nothing to decode:
    /// all of it ASCII before any encoding was decided (most exports).
    pub fn pass_through<'a>(&self, input: &'a [u8]) -> Option<&'a str> {
        match &self.state {
            DecoderState::AsciiSoFar { held } if held.is_empty() && input.is_ascii() => {
                std::str::from_utf8(input).ok()
            }
            _ => None,
        }
    }

    pub fn decode(&mut self, input: &[u8], last: bool, out: &mut String) {
        match &mut self.state {
            DecoderState::Decoding { decoder, .. } => decode_into(decoder, input, last, out),
            DecoderState::AsciiSoFar { held } => {
                let mut data = std::mem::take(held);
                data.extend_from_slice(input);
                let ascii_len = data
                    .iter()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(data.len());
                let (ascii, rest) = data.split_at(ascii_len);
                out.push_str(std::str::from_utf8(ascii).unwrap_or_default());
                let Some(&lead) = rest.first() else {
                    return;
                };
                let needed = utf8_sequence_len(lead);
                let encoding = match rest.get(..needed) {
                    _ if needed == 0 => TextEncoding::Windows1252,
                    Some(sequence) if std::str::from_utf8(sequence).is_ok() => TextEncoding::Utf8,
                    Some(_) => TextEncoding::Windows1252,
                    // An incomplete sequence at the very end is not UTF-8.
                    None if last => TextEncoding::Windows1252,
                    None => {
                        *held = rest.to_vec();
                        return;
                    }
                };
                let mut decoder = encoding.encoding().new_decoder_without_bom_handling();
                decode_into(&mut decoder, rest, last, out);
                self.state = DecoderState::Decoding { decoder, encoding };
            }
        }
    }
}

fn decode_into(decoder: &mut Decoder, mut input: &[u8], last: bool, out: &mut String) {
    loop {
        let needed = decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len().saturating_mul(3).saturating_add(16));
        out.reserve(needed.max(16));
        let (result, read, _) = decoder.decode_to_string(input, out, last);
        input = input.get(read..).unwrap_or_default();
        if result == CoderResult::InputEmpty {
            return;
        }
    }
}

/// Decode a whole in-memory buffer (the sniff window).
pub fn decode_all(bytes: &[u8], encoding: TextEncoding, complete: bool) -> String {
    let mut out = String::new();
    StreamDecoder::new(encoding).decode(bytes, complete, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = detect_encoding("Kunde;Müller\n".as_bytes(), true).unwrap();
        assert_eq!(plain.encoding, TextEncoding::Utf8);
        assert!(!plain.has_bom);
        let bom = detect_encoding(b"\xEF\xBB\xBFa,b\n", true).unwrap();
        assert!(bom.has_bom);
        assert_eq!(
            decode_all(b"\xEF\xBB\xBFa,b\n", TextEncoding::Utf8, true),
            "a,b\n"
        );
    }

    #[test]
    fn latin1_falls_back_to_windows_1252() {
        let bytes = b"name\nM\xFCller\n";
        let guess = detect_encoding(bytes, true).unwrap();
        assert_eq!(guess.encoding, TextEncoding::Windows1252);
        assert_eq!(decode_all(bytes, guess.encoding, true), "name\nMüller\n");
    }

    #[test]
    fn truncated_utf8_window_is_still_utf8() {
        let text = "ab,ü".as_bytes();
        let cut = &text[..text.len() - 1];
        assert_eq!(
            detect_encoding(cut, false).unwrap().encoding,
            TextEncoding::Utf8
        );
        assert_eq!(
            detect_encoding(cut, true).unwrap().encoding,
            TextEncoding::Windows1252
        );
    }

    #[test]
    fn binary_is_rejected() {
        assert!(detect_encoding(b"\x89PNG\r\n\x1a\n....", false).is_err());
        assert!(detect_encoding(b"PK\x03\x04xl/workbook", false).is_err());
        assert!(detect_encoding(b"a,b\n1,\x002\n", true).is_err());
    }

    #[test]
    fn undecided_decoder_picks_at_first_non_ascii_byte() {
        let cases: [(&[u8], &str, TextEncoding); 3] = [
            (
                b"abc,M\xFCller\n",
                "abc,Müller\n",
                TextEncoding::Windows1252,
            ),
            (
                "abc,Müller €\n".as_bytes(),
                "abc,Müller €\n",
                TextEncoding::Utf8,
            ),
            (
                b"abc\xE2\x82",
                "abc\u{e2}\u{201a}",
                TextEncoding::Windows1252,
            ),
        ];
        for (bytes, text, encoding) in cases {
            for split in 0..=bytes.len() {
                let mut decoder = StreamDecoder::undecided();
                let mut out = String::new();
                decoder.decode(&bytes[..split], false, &mut out);
                decoder.decode(&bytes[split..], true, &mut out);
                assert_eq!((out.as_str(), decoder.encoding()), (text, Some(encoding)));
            }
        }
        let mut ascii = StreamDecoder::undecided();
        let mut out = String::new();
        ascii.decode(b"plain", true, &mut out);
        assert_eq!((out.as_str(), ascii.encoding()), ("plain", None));
    }

    #[test]
    fn streaming_decode_is_chunk_invariant() {
        let text = "€uro,ß,日本\n";
        let bytes = text.as_bytes();
        for split in 0..=bytes.len() {
            let mut decoder = StreamDecoder::new(TextEncoding::Utf8);
            let mut out = String::new();
            decoder.decode(&bytes[..split], false, &mut out);
            decoder.decode(&bytes[split..], true, &mut out);
            assert_eq!(out, text);
        }
    }
}
