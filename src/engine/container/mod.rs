//! What wraps the text of a dropped file: nothing, gzip, a ZIP archive with
//! CSV/TSV members, or a workbook. The worker unwraps it into plain text
//! (the browser's `DecompressionStream` inflates; workbooks are converted
//! by their own worker) and everything after reads that text as it would a
//! CSV. Here: recognising the wrapper from the file's first bytes and, for
//! archives, choosing the member to read.

pub mod zip;

use serde::{Deserialize, Serialize};

pub use crate::engine::workbook::{SheetChoice, SheetInfo};

/// What wraps the text, from the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Wrapper {
    Plain,
    Gzip,
    /// A ZIP archive: CSV members, or an .xlsx/.ods workbook (told apart by
    /// its members, see [`Archive::of`]).
    Zip,
    /// An Excel 97–2003 (.xls) workbook: an OLE compound file.
    OleWorkbook,
    /// A Parquet file (a warehouse's export): converted by its own reader.
    Parquet,
}

impl Wrapper {
    pub fn of(head: &[u8]) -> Self {
        if head.starts_with(b"\x1F\x8B") {
            Self::Gzip
        } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Self::Zip
        } else if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
            Self::OleWorkbook
        } else if crate::engine::parquet_file::is_parquet(head) {
            Self::Parquet
        } else {
            Self::Plain
        }
    }
}

/// What the user chose inside a wrapped file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceChoice {
    /// The archive member to read; `None`: the only text member.
    pub member: Option<String>,
    pub sheet: SheetChoice,
}

/// How the text was unwrapped, for the mapping step and the data-quality
/// report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceReport {
    pub kind: SourceKind,
    /// The dropped file's size.
    pub file_bytes: u64,
    /// The size of the text read (after unwrapping).
    pub text_bytes: u64,
    /// Archive members that can be read, when there are several to choose from.
    pub members: Vec<String>,
    /// The member read.
    pub member: Option<String>,
    /// A workbook's sheets with data, in order.
    pub sheets: Vec<SheetInfo>,
    pub sheet: SheetChoice,
    /// One sentence on what was read, e.g. "sheet Year 2010-2011 of the workbook".
    pub note: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceKind {
    #[default]
    Text,
    Gzip,
    ZipMember,
    Workbook,
    Parquet,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ContainerError {
    #[error("the ZIP archive is damaged: {what}")]
    Damaged { what: String },
    #[error(
        "the ZIP archive's directory is {directory_bytes} bytes, too large for an export \
         (thousands of files?); extract the CSV file and drop it instead"
    )]
    TooManyMembers { directory_bytes: u64 },
    #[error(
        "the ZIP archive holds no CSV, TSV or text file (it has: {found}); \
         drop the CSV file itself"
    )]
    NoTextMember { found: String },
    #[error("the ZIP archive has no file named \"{name}\" (it has: {found})")]
    NoSuchMember { name: String, found: String },
    #[error(
        "\"{name}\" in the ZIP archive is password-protected; extract it with your \
         archive tool and drop the CSV file"
    )]
    Encrypted { name: String },
    #[error(
        "\"{name}\" in the ZIP archive is compressed with {method}, which the browser \
         cannot unpack; extract it, or zip it again with standard Deflate"
    )]
    UnsupportedMethod { name: String, method: String },
}

impl SourceReport {
    /// A gzip file of `file_bytes` whose text is `text_bytes` (`None`: not
    /// known before it is decompressed).
    pub fn gzip(file_bytes: u64, text_bytes: Option<u64>) -> Self {
        let note = match text_bytes {
            Some(text) => format!(
                "gzip-compressed: {} of text from {}",
                megabytes(text),
                megabytes(file_bytes)
            ),
            None => format!("gzip-compressed: {}", megabytes(file_bytes)),
        };
        Self {
            kind: SourceKind::Gzip,
            file_bytes,
            text_bytes: text_bytes.unwrap_or(0),
            note,
            ..Self::default()
        }
    }

    /// `member` of a ZIP archive of `file_bytes` holding the text members
    /// `names`, its text `text_bytes`.
    pub fn zip_member(file_bytes: u64, text_bytes: u64, member: &str, names: Vec<String>) -> Self {
        let note = if names.len() > 1 {
            format!(
                "\"{member}\" from the ZIP archive ({} of its {} text files)",
                megabytes(text_bytes),
                names.len()
            )
        } else {
            format!(
                "\"{member}\" from the ZIP archive ({})",
                megabytes(text_bytes)
            )
        };
        Self {
            kind: SourceKind::ZipMember,
            file_bytes,
            text_bytes,
            members: if names.len() > 1 { names } else { Vec::new() },
            member: Some(member.to_string()),
            note,
            ..Self::default()
        }
    }

    /// The same source with its text's size known.
    pub fn with_text_bytes(self, text_bytes: u64) -> Self {
        match self.kind {
            SourceKind::Gzip => Self::gzip(self.file_bytes, Some(text_bytes)),
            SourceKind::ZipMember => {
                let member = self.member.clone().unwrap_or_default();
                let names = match self.members.is_empty() {
                    true => vec![member.clone()],
                    false => self.members,
                };
                Self::zip_member(self.file_bytes, text_bytes, &member, names)
            }
            SourceKind::Text | SourceKind::Workbook | SourceKind::Parquet => {
                Self { text_bytes, ..self }
            }
        }
    }
}

/// The most Deflate can shrink a text: 1032 to 1.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// The size of the text of a gzip file of `file_bytes` from its last four
/// bytes (ISIZE: the size modulo 4 GiB, of the last member only), when it
/// is one a text of that file could have (a damaged file's last bytes are
/// any): a hint for sharing the reading, never trusted for anything else.
pub fn gzip_text_size_hint(tail: &[u8], file_bytes: u64) -> Option<u64> {
    let last: [u8; 4] = tail.get(tail.len().checked_sub(4)?..)?.try_into().ok()?;
    let text = u64::from(u32::from_le_bytes(last));
    // Stored (incompressible) text takes 5 bytes per 65,535, and a member
    // at least 18 bytes of header and trailer besides.
    let smallest_file = text + text / 13_000 + 64;
    let largest_text = file_bytes.saturating_mul(MAX_DEFLATE_RATIO) + 64;
    (smallest_file >= file_bytes && text <= largest_text).then_some(text)
}

/// A size for the notes, in decimal megabytes as file managers show them.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Member names that hold the table of a text export.
fn is_text_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    // macOS's resource forks (`__MACOSX/._orders.csv`) are not the data.
    !lower.starts_with("__macosx/")
        && !base.starts_with("._")
        && [".csv", ".tsv", ".txt", ".tab", ".dat", ".psv"]
            .iter()
            .any(|ext| base.ends_with(ext))
}

fn listing(members: &[zip::Member]) -> String {
    const SHOWN: usize = 8;
    let mut names: Vec<&str> = members
        .iter()
        .filter(|m| !m.is_directory())
        .map(|m| m.name.as_str())
        .take(SHOWN + 1)
        .collect();
    if names.is_empty() {
        return "no files".into();
    }
    if names.len() > SHOWN {
        names.truncate(SHOWN);
        names.push("…");
    }
    names.join(", ")
}

/// What an archive is, from its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Archive {
    /// An Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
    /// An OpenDocument spreadsheet (.ods).
    Ods,
    /// CSV/TSV members: their names, in the archive's order.
    Text { names: Vec<String> },
}

impl Archive {
    pub fn of(members: &[zip::Member]) -> Result<Self, ContainerError> {
        let has = |name: &str| members.iter().any(|m| m.name == name);
        if has("[Content_Types].xml") && members.iter().any(|m| m.name.starts_with("xl/")) {
            return Ok(Self::Xlsx);
        }
        if has("content.xml") && has("mimetype") {
            return Ok(Self::Ods);
        }
        let names: Vec<String> = members
            .iter()
            .filter(|m| !m.is_directory() && is_text_name(&m.name))
            .map(|m| m.name.clone())
            .collect();
        if names.is_empty() {
            return Err(ContainerError::NoTextMember {
                found: listing(members),
            });
        }
        Ok(Self::Text { names })
    }
}

/// The member to read: the one chosen, else the largest text member (an
/// export with a readme beside its data reads the data).
pub fn choose_member<'a>(
    members: &'a [zip::Member],
    chosen: Option<&str>,
) -> Result<&'a zip::Member, ContainerError> {
    let member =
        match chosen {
            Some(name) => members.iter().find(|m| m.name == name).ok_or_else(|| {
                ContainerError::NoSuchMember {
                    name: name.to_string(),
                    found: listing(members),
                }
            })?,
            None => members
                .iter()
                .filter(|m| !m.is_directory() && is_text_name(&m.name))
                .max_by_key(|m| m.uncompressed_size)
                .ok_or_else(|| ContainerError::NoTextMember {
                    found: listing(members),
                })?,
        };
    if member.encrypted {
        return Err(ContainerError::Encrypted {
            name: member.name.clone(),
        });
    }
    if let zip::Method::Other(code) = member.method {
        return Err(ContainerError::UnsupportedMethod {
            name: member.name.clone(),
            method: zip::Method::name(code).to_string(),
        });
    }
    Ok(member)
}

#[cfg(test)]
mod tests {
    use super::zip::tests::archive;
    use super::*;

    fn listed(bytes: &[u8]) -> Vec<zip::Member> {
        let directory = zip::find_directory(bytes, 0, bytes.len() as u64).unwrap();
        let start = directory.offset as usize;
        zip::members(&bytes[start..start + directory.len as usize]).unwrap()
    }

    #[test]
    fn gzip_size_hint_is_the_last_four_bytes_little_endian() {
        // `printf 'abc\n' | gzip -n` ends in CRC32 then ISIZE = 4.
        let tail = [0x1F, 0x8B, 0x4E, 0x81, 0x88, 0x47, 0x04, 0x00, 0x00, 0x00];
        assert_eq!(gzip_text_size_hint(&tail, 24), Some(4));
        // 4 GiB of text from 4.2 MB: Deflate shrinks at most 1032 to 1.
        assert_eq!(
            gzip_text_size_hint(&[0xFF, 0xFF, 0xFF, 0xFF], 4_200_000),
            Some(0xFFFF_FFFF)
        );
        assert_eq!(
            gzip_text_size_hint(&[0xFF, 0xFF, 0xFF, 0xFF], 4_000_000 / 1000),
            None
        );
        // Less text than file, beyond what stored blocks add: a damaged file's bytes.
        assert_eq!(gzip_text_size_hint(&[0x10, 0x27, 0, 0], 20_000), None);
        assert_eq!(
            gzip_text_size_hint(&[0x10, 0x27, 0, 0], 10_050),
            Some(10_000)
        );
        assert_eq!(gzip_text_size_hint(&[1, 2, 3], 3), None);
    }

    #[test]
    fn notes_follow_the_text_size_known_later() {
        let guessed = SourceReport::gzip(20_248_714, None);
        assert_eq!(guessed.note, "gzip-compressed: 20.2 MB");
        let known = guessed.with_text_bytes(131_011_780);
        assert_eq!(known.text_bytes, 131_011_780);
        assert_eq!(known.note, "gzip-compressed: 131.0 MB of text from 20.2 MB");
        let one = SourceReport::zip_member(900, 1, "orders.csv", vec!["orders.csv".into()]);
        assert!(one.members.is_empty());
        assert_eq!(
            one.with_text_bytes(2_500_000).note,
            "\"orders.csv\" from the ZIP archive (2.5 MB)"
        );
        let several =
            SourceReport::zip_member(900, 1, "b.csv", vec!["a.csv".into(), "b.csv".into()]);
        let known = several.with_text_bytes(1_000_000);
        assert_eq!(
            known.members,
            vec!["a.csv".to_string(), "b.csv".to_string()]
        );
        assert_eq!(
            known.note,
            "\"b.csv\" from the ZIP archive (1.0 MB of its 2 text files)"
        );
    }

    #[test]
    fn wrappers_from_first_bytes() {
        assert_eq!(Wrapper::of(b"\x1F\x8B\x08\x00"), Wrapper::Gzip);
        assert_eq!(Wrapper::of(b"PK\x03\x04\x14\x00"), Wrapper::Zip);
        assert_eq!(
            Wrapper::of(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"),
            Wrapper::OleWorkbook
        );
        assert_eq!(Wrapper::of(b"PAR1\x15\x04"), Wrapper::Parquet);
        assert_eq!(Wrapper::of(b"customer,date\n"), Wrapper::Plain);
        assert_eq!(Wrapper::of(b""), Wrapper::Plain);
        assert_eq!(Wrapper::of(b"P"), Wrapper::Plain);
    }

    #[test]
    fn archives_told_apart_by_their_members() {
        let xlsx = archive(
            &[
                ("[Content_Types].xml", 0, b"<x/>"),
                ("xl/workbook.xml", 0, b"<x/>"),
            ],
            b"",
        );
        assert_eq!(Archive::of(&listed(&xlsx)), Ok(Archive::Xlsx));
        let ods = archive(
            &[
                (
                    "mimetype",
                    0,
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("content.xml", 0, b"<x/>"),
            ],
            b"",
        );
        assert_eq!(Archive::of(&listed(&ods)), Ok(Archive::Ods));
        let export = archive(
            &[
                ("__MACOSX/._orders.csv", 0, b"junk"),
                ("README.md", 0, b"read me"),
                ("exports/", 0, b""),
                ("exports/orders.CSV", 0, b"a,b\n1,2\n"),
                ("exports/refunds.tsv", 0, b"a\tb\n1\t2\n3\t4\n"),
            ],
            b"",
        );
        let members = listed(&export);
        assert_eq!(
            Archive::of(&members),
            Ok(Archive::Text {
                names: vec!["exports/orders.CSV".into(), "exports/refunds.tsv".into()]
            })
        );
        // The largest text member by default; a chosen one by name.
        assert_eq!(
            choose_member(&members, None).unwrap().name,
            "exports/refunds.tsv"
        );
        assert_eq!(
            choose_member(&members, Some("exports/orders.CSV"))
                .unwrap()
                .name,
            "exports/orders.CSV"
        );
        assert_eq!(
            choose_member(&members, Some("gone.csv")),
            Err(ContainerError::NoSuchMember {
                name: "gone.csv".into(),
                found: "__MACOSX/._orders.csv, README.md, exports/orders.CSV, exports/refunds.tsv"
                    .into()
            })
        );
        let pictures = archive(&[("a.png", 0, b"x"), ("b.jpg", 0, b"y")], b"");
        assert_eq!(
            Archive::of(&listed(&pictures)),
            Err(ContainerError::NoTextMember {
                found: "a.png, b.jpg".into()
            })
        );
    }

    #[test]
    fn members_that_cannot_be_read_say_why() {
        let bzip = archive(&[("orders.csv", 12, b"BZh9")], b"");
        let message = choose_member(&listed(&bzip), None).unwrap_err().to_string();
        assert!(message.contains("bzip2"), "{message}");
        let mut locked = listed(&bzip);
        locked[0].encrypted = true;
        assert_eq!(
            choose_member(&locked, None),
            Err(ContainerError::Encrypted {
                name: "orders.csv".into()
            })
        );
    }
}
