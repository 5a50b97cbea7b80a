//! The CSV text a converted file becomes (a workbook's sheets, a Parquet
//! file) for the ingest: UTF-8, comma-delimited, `\n` line ends, RFC 4180
//! quoting of cells that contain a comma, a quote, CR or LF; bounded in size.

/// A sensible bound on a converted file's CSV text held in memory in a
/// browser worker.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 512 * 1024 * 1024;

/// CSV bytes being written, refused past `limit` bytes.
pub(crate) struct CsvOut {
    pub(crate) bytes: Vec<u8>,
    limit: usize,
}

/// The row did not fit in the limit.
pub(crate) struct Full;

impl CsvOut {
    pub(crate) fn new(limit: usize) -> Self {
        CsvOut {
            bytes: Vec::new(),
            limit,
        }
    }

    /// Appends one line; nothing is written if it would pass the limit.
    pub(crate) fn write_row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), Full> {
        let start = self.bytes.len();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.bytes.push(b',');
            }
            write_cell(cell.as_ref(), &mut self.bytes);
        }
        self.bytes.push(b'\n');
        if self.bytes.len() > self.limit {
            self.bytes.truncate(start);
            return Err(Full);
        }
        Ok(())
    }
}

fn write_cell(cell: &str, out: &mut Vec<u8>) {
    if cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for b in cell.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(cell.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_csv_quotes_only_what_needs_it() {
        let mut out = CsvOut::new(1000);
        assert!(out
            .write_row(&["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", ""])
            .is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out.bytes),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\n"
        );
    }

    #[test]
    fn workbook_csv_stops_at_the_limit_without_half_a_line() {
        let mut out = CsvOut::new(8);
        assert!(out.write_row(&["abc"]).is_ok());
        assert!(out.write_row(&["defgh"]).is_err());
        assert_eq!(out.bytes, b"abc\n");
    }
}
