//! Text encoding: UTF-8 (with or without BOM), else Windows-1252 (a superset
//! of Latin-1 in practice). Decoded incrementally so chunk boundaries may
//! split a character.

use super::error::IngestError;
use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    Utf8,
    Utf8WithBom,
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8WithBom => "UTF-8 with BOM",
            TextEncoding::Windows1252 => "Windows-1252 / Latin-1",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8WithBom => UTF_8,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }
}

/// Decides the encoding from the first bytes of the file.
pub fn detect(head: &[u8], is_whole_file: bool) -> Result<TextEncoding, IngestError> {
    if head.is_empty() {
        return Err(IngestError::Empty);
    }
    if let Some(kind) = binary_signature(head) {
        return Err(IngestError::NotText(kind));
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(TextEncoding::Utf8WithBom);
    }
    match std::str::from_utf8(head) {
        Ok(_) => Ok(TextEncoding::Utf8),
        // A multi-byte character cut at the end of the window is still UTF-8.
        Err(e) if e.error_len().is_none() && !is_whole_file => Ok(TextEncoding::Utf8),
        Err(_) => Ok(TextEncoding::Windows1252),
    }
}

fn binary_signature(head: &[u8]) -> Option<String> {
    const SIGNATURES: [(&[u8], &str); 6] = [
        (b"\x89PNG", "a PNG image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook"),
        (b"\xD0\xCF\x11\xE0", "an old Excel .xls workbook"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some((*kind).to_string());
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Some("UTF-16 text; save it as UTF-8 CSV".to_string());
    }
    let window = &head[..head.len().min(8192)];
    if window.contains(&0) {
        return Some("it contains NUL bytes".to_string());
    }
    None
}

/// Incremental decoder to UTF-8 text.
pub struct TextDecoder {
    decoder: Decoder,
    text: String,
}

impl TextDecoder {
    pub fn new(encoding: TextEncoding) -> Self {
        Self { decoder: encoding.encoding().new_decoder_with_bom_removal(), text: String::new() }
    }

    /// Decodes `bytes`, returning the text decoded so far (valid until the next call).
    pub fn decode(&mut self, bytes: &[u8], last: bool) -> &str {
        self.text.clear();
        let needed = self.decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len() * 3 + 16);
        self.text.reserve(needed);
        let (_, _, _) = self.decoder.decode_to_string(bytes, &mut self.text, last);
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings_and_binaries() {
        assert_eq!(detect(b"a,b\n1,2\n", true), Ok(TextEncoding::Utf8));
        assert_eq!(detect(b"\xEF\xBB\xBFa,b\n", true), Ok(TextEncoding::Utf8WithBom));
        assert_eq!(detect(b"name\nM\xFCller\n", true), Ok(TextEncoding::Windows1252));
        // "é" (C3 A9) cut after its first byte at the end of a sniff window.
        assert_eq!(detect(b"a\nCaf\xC3", false), Ok(TextEncoding::Utf8));
        assert!(matches!(detect(b"\x89PNG\r\n\x1a\n....", true), Err(IngestError::NotText(_))));
        assert!(matches!(detect(b"abc\0def", true), Err(IngestError::NotText(_))));
        assert_eq!(detect(b"", true), Err(IngestError::Empty));
    }

    #[test]
    fn decodes_characters_split_across_chunks() {
        let mut d = TextDecoder::new(TextEncoding::Utf8);
        let mut out = String::new();
        for part in [&b"Caf"[..], b"\xC3", b"\xA9 ok"] {
            out.push_str(d.decode(part, false));
        }
        out.push_str(d.decode(b"", true));
        assert_eq!(out, "Café ok");
        let mut latin = TextDecoder::new(TextEncoding::Windows1252);
        assert_eq!(latin.decode(b"M\xFCller \x80", true), "Müller €");
    }
}
