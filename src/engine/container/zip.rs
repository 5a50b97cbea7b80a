//! The parts of a ZIP archive needed to find one member and where its bytes
//! are: the end record, the central directory and a member's local header
//! (PKWARE APPNOTE 6.3, with the Zip64 extensions). The bytes themselves are
//! inflated by the browser (`DecompressionStream("deflate-raw")`).
//!
//! Every offset and length comes from the file, so each is checked against
//! the bytes at hand or the archive's size before it is used.

use super::ContainerError;

const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const END_RECORD_LEN: usize = 22;
const ZIP64_LOCATOR_LEN: usize = 20;
const CENTRAL_HEADER_LEN: usize = 46;
/// A local header's fixed part; its name and extra field follow.
pub const LOCAL_HEADER_LEN: u64 = 30;
/// The end record sits in the last 22 bytes plus a comment of ≤ 65,535.
pub const TAIL_LEN: u64 = (END_RECORD_LEN + ZIP64_LOCATOR_LEN + 0xFFFF) as u64;
/// A central directory larger than this is not an export with a few files.
pub const MAX_DIRECTORY_BYTES: u64 = 16 << 20;

/// How a member's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
    /// Another method (bzip2, LZMA, Zstandard, Deflate64, …): its number.
    Other(u16),
}

impl Method {
    fn from_code(code: u16) -> Self {
        match code {
            0 => Self::Stored,
            8 => Self::Deflated,
            other => Self::Other(other),
        }
    }

    pub fn name(code: u16) -> &'static str {
        match code {
            9 => "Deflate64",
            12 => "bzip2",
            14 => "LZMA",
            93 => "Zstandard",
            95 => "XZ",
            99 => "AES encryption",
            _ => "an uncommon method",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub method: Method,
    pub encrypted: bool,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    /// Where the member's local header starts.
    pub local_header_offset: u64,
}

impl Member {
    pub fn is_directory(&self) -> bool {
        self.name.ends_with('/')
    }
}

/// Where the central directory is: from the archive's last [`TAIL_LEN`]
/// bytes (`tail`, which starts at `tail_start` in an archive of
/// `archive_len` bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directory {
    pub offset: u64,
    pub len: u64,
    pub members: u64,
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    let mut array = [0_u8; 8];
    array.copy_from_slice(b);
    Some(u64::from_le_bytes(array))
}

fn damaged(what: &str) -> ContainerError {
    ContainerError::Damaged {
        what: what.to_string(),
    }
}

/// Finds the end record (searching back from the end, as a comment may
/// follow it) and, for Zip64 archives, the Zip64 end record it points to.
pub fn find_directory(
    tail: &[u8],
    tail_start: u64,
    archive_len: u64,
) -> Result<Directory, ContainerError> {
    let last_start = tail
        .len()
        .checked_sub(END_RECORD_LEN)
        .ok_or_else(|| damaged("it is too short to be a ZIP archive"))?;
    let end_at = (0..=last_start)
        .rev()
        .find(|&at| u32_at(tail, at) == Some(END_SIGNATURE))
        .ok_or_else(|| damaged("its end record is missing (the download may be incomplete)"))?;
    let field = |offset: usize| u16_at(tail, end_at + offset).map(u64::from);
    let field32 = |offset: usize| u32_at(tail, end_at + offset).map(u64::from);
    let (Some(members), Some(len), Some(offset)) = (field(10), field32(12), field32(16)) else {
        return Err(damaged("its end record is cut short"));
    };
    let mut directory = Directory {
        offset,
        len,
        members,
    };
    let zip64 = members == 0xFFFF || len == 0xFFFF_FFFF || offset == 0xFFFF_FFFF;
    if zip64 {
        directory = zip64_directory(tail, tail_start, end_at)?;
    }
    let end = directory
        .offset
        .checked_add(directory.len)
        .ok_or_else(|| damaged("its directory lies outside the file"))?;
    if end > archive_len {
        return Err(damaged(
            "its directory lies outside the file (the download may be incomplete)",
        ));
    }
    if directory.len > MAX_DIRECTORY_BYTES {
        return Err(ContainerError::TooManyMembers {
            directory_bytes: directory.len,
        });
    }
    Ok(directory)
}

fn zip64_directory(
    tail: &[u8],
    tail_start: u64,
    end_at: usize,
) -> Result<Directory, ContainerError> {
    let locator_at = end_at
        .checked_sub(ZIP64_LOCATOR_LEN)
        .filter(|&at| u32_at(tail, at) == Some(ZIP64_LOCATOR_SIGNATURE))
        .ok_or_else(|| damaged("its Zip64 locator is missing"))?;
    let record = u64_at(tail, locator_at + 8).ok_or_else(|| damaged("its Zip64 locator"))?;
    let within = record
        .checked_sub(tail_start)
        .and_then(|at| usize::try_from(at).ok())
        .filter(|&at| u32_at(tail, at) == Some(ZIP64_END_SIGNATURE))
        .ok_or_else(|| damaged("its Zip64 end record is not where its locator says"))?;
    match (
        u64_at(tail, within + 32),
        u64_at(tail, within + 40),
        u64_at(tail, within + 48),
    ) {
        (Some(members), Some(len), Some(offset)) => Ok(Directory {
            offset,
            len,
            members,
        }),
        _ => Err(damaged("its Zip64 end record is cut short")),
    }
}

/// The members listed in the central directory's bytes.
pub fn members(directory: &[u8]) -> Result<Vec<Member>, ContainerError> {
    let mut members = Vec::new();
    let mut at = 0_usize;
    while at < directory.len() {
        if u32_at(directory, at) != Some(CENTRAL_SIGNATURE) {
            return Err(damaged(
                "its directory has an entry that is not a file header",
            ));
        }
        let header = |offset: usize| u16_at(directory, at + offset);
        let header32 = |offset: usize| u32_at(directory, at + offset);
        let (Some(flags), Some(method), Some(name_len), Some(extra_len), Some(comment_len)) =
            (header(8), header(10), header(28), header(30), header(32))
        else {
            return Err(damaged("its directory is cut short"));
        };
        let (Some(compressed), Some(uncompressed), Some(local)) =
            (header32(20), header32(24), header32(42))
        else {
            return Err(damaged("its directory is cut short"));
        };
        let name_start = at + CENTRAL_HEADER_LEN;
        let extra_start = name_start + usize::from(name_len);
        let next = extra_start + usize::from(extra_len) + usize::from(comment_len);
        let (Some(name), Some(extra)) = (
            directory.get(name_start..extra_start),
            directory.get(extra_start..extra_start + usize::from(extra_len)),
        ) else {
            return Err(damaged("its directory is cut short"));
        };
        let mut member = Member {
            // Names are UTF-8 (flag bit 11) or, in old archives, code page
            // 437, whose ASCII part is all a file name to match needs.
            name: String::from_utf8_lossy(name).into_owned(),
            method: Method::from_code(method),
            encrypted: flags & 1 == 1,
            compressed_size: u64::from(compressed),
            uncompressed_size: u64::from(uncompressed),
            local_header_offset: u64::from(local),
        };
        apply_zip64_extra(&mut member, extra);
        members.push(member);
        at = next;
    }
    Ok(members)
}

/// Sizes and offset that did not fit 32 bits are in the Zip64 extra field
/// (id 1), in this order, only those whose 32-bit field is all ones.
fn apply_zip64_extra(member: &mut Member, extra: &[u8]) {
    let mut at = 0;
    while let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let body_start = at + 4;
        let body_end = body_start + usize::from(len);
        if id == 1 {
            let Some(body) = extra.get(body_start..body_end) else {
                return;
            };
            let mut cursor = 0;
            let mut take = |field: &mut u64| {
                if *field == 0xFFFF_FFFF {
                    if let Some(value) = u64_at(body, cursor) {
                        *field = value;
                        cursor += 8;
                    }
                }
            };
            take(&mut member.uncompressed_size);
            take(&mut member.compressed_size);
            take(&mut member.local_header_offset);
            return;
        }
        at = body_end;
    }
}

/// Where a member's bytes start, from the first bytes of its local header
/// (at least [`LOCAL_HEADER_LEN`]): its name and extra field may differ in
/// length from the central directory's.
pub fn data_offset(member: &Member, local_header: &[u8]) -> Result<u64, ContainerError> {
    if u32_at(local_header, 0) != Some(LOCAL_SIGNATURE) {
        return Err(damaged("a member's header is not where the directory says"));
    }
    let (Some(name_len), Some(extra_len)) = (u16_at(local_header, 26), u16_at(local_header, 28))
    else {
        return Err(damaged("a member's header is cut short"));
    };
    member
        .local_header_offset
        .checked_add(LOCAL_HEADER_LEN + u64::from(name_len) + u64::from(extra_len))
        .ok_or_else(|| damaged("a member's header is not where the directory says"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An archive written by hand, byte for byte, after APPNOTE 4.3: each
    /// member stored (method 0) or with a given method code and body.
    pub fn archive(members: &[(&str, u16, &[u8])], comment: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut central = Vec::new();
        for (name, method, body) in members {
            let offset = bytes.len() as u32;
            let local = |out: &mut Vec<u8>, signature: u32| {
                out.extend_from_slice(&signature.to_le_bytes());
            };
            local(&mut bytes, LOCAL_SIGNATURE);
            bytes.extend_from_slice(&20_u16.to_le_bytes()); // version needed
            bytes.extend_from_slice(&0_u16.to_le_bytes()); // flags
            bytes.extend_from_slice(&method.to_le_bytes());
            bytes.extend_from_slice(&[0; 8]); // time, date, crc
            bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&(name.len() as u16).to_le_bytes());
            bytes.extend_from_slice(&3_u16.to_le_bytes()); // extra length
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(&[0xAA, 0xBB, 0xCC]); // an unknown extra, 3 bytes
            bytes.extend_from_slice(body);

            local(&mut central, CENTRAL_SIGNATURE);
            central.extend_from_slice(&[20, 0, 20, 0]); // made by, needed
            central.extend_from_slice(&0_u16.to_le_bytes());
            central.extend_from_slice(&method.to_le_bytes());
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 4]); // extra, comment lengths
            central.extend_from_slice(&[0; 8]); // disk, attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let directory_offset = bytes.len() as u32;
        bytes.extend_from_slice(&central);
        bytes.extend_from_slice(&END_SIGNATURE.to_le_bytes());
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(&(members.len() as u16).to_le_bytes());
        bytes.extend_from_slice(&(members.len() as u16).to_le_bytes());
        bytes.extend_from_slice(&(central.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&directory_offset.to_le_bytes());
        bytes.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        bytes.extend_from_slice(comment);
        bytes
    }

    fn read(bytes: &[u8]) -> Result<Vec<(Member, Vec<u8>)>, ContainerError> {
        let directory = find_directory(bytes, 0, bytes.len() as u64)?;
        let start = directory.offset as usize;
        let list = members(&bytes[start..start + directory.len as usize])?;
        list.into_iter()
            .map(|member| {
                let at = data_offset(&member, &bytes[member.local_header_offset as usize..])?;
                let body = bytes[at as usize..(at + member.compressed_size) as usize].to_vec();
                Ok((member, body))
            })
            .collect()
    }

    #[test]
    fn members_and_their_bytes() {
        let bytes = archive(
            &[
                ("data/", 0, b""),
                ("orders.csv", 0, b"customer,date,amount\n1,2011-01-01,3\n"),
                ("packed.csv", 8, b"\x01\x02"),
            ],
            b"a comment with PK\x05\x06 inside",
        );
        let read = read(&bytes).unwrap();
        assert_eq!(read.len(), 3);
        assert!(read[0].0.is_directory());
        assert_eq!(read[1].0.name, "orders.csv");
        assert_eq!(read[1].0.method, Method::Stored);
        assert_eq!(read[1].1, b"customer,date,amount\n1,2011-01-01,3\n");
        assert_eq!(read[2].0.method, Method::Deflated);
        assert_eq!(read[2].1, b"\x01\x02");
    }

    #[test]
    fn damaged_archives_are_refused_not_panicked_on() {
        let bytes = archive(&[("a.csv", 0, b"x,y\n1,2\n")], b"");
        // Every truncation of the end and every single-byte corruption: an
        // error or a consistent listing, never a panic.
        for cut in 0..bytes.len() {
            let _ = read(&bytes[..cut]);
            let _ = find_directory(&bytes[cut..], cut as u64, bytes.len() as u64);
        }
        for at in 0..bytes.len() {
            let mut corrupt = bytes.clone();
            corrupt[at] ^= 0xFF;
            if let Ok(directory) = find_directory(&corrupt, 0, corrupt.len() as u64) {
                let start = directory.offset as usize;
                if let Some(part) = corrupt.get(start..start + directory.len as usize) {
                    let _ = members(part);
                }
            }
        }
        assert!(matches!(
            find_directory(b"PK\x03\x04 not an archive", 0, 21),
            Err(ContainerError::Damaged { .. })
        ));
        // A directory said to be beyond the end of the file.
        let mut beyond = bytes.clone();
        let end = beyond.len() - END_RECORD_LEN;
        beyond[end + 16..end + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        beyond[end + 10..end + 12].copy_from_slice(&1_u16.to_le_bytes());
        assert!(find_directory(&beyond, 0, beyond.len() as u64).is_err());
    }

    #[test]
    fn zip64_sizes_come_from_the_extra_field() {
        let mut member = Member {
            name: "big.csv".into(),
            method: Method::Deflated,
            encrypted: false,
            compressed_size: 0xFFFF_FFFF,
            uncompressed_size: 0xFFFF_FFFF,
            local_header_offset: 12,
        };
        let mut extra = vec![0x99, 0x99, 2, 0, 7, 7]; // another field first
        extra.extend_from_slice(&1_u16.to_le_bytes());
        extra.extend_from_slice(&16_u16.to_le_bytes());
        extra.extend_from_slice(&6_000_000_000_u64.to_le_bytes());
        extra.extend_from_slice(&5_000_000_000_u64.to_le_bytes());
        apply_zip64_extra(&mut member, &extra);
        assert_eq!(member.uncompressed_size, 6_000_000_000);
        assert_eq!(member.compressed_size, 5_000_000_000);
        assert_eq!(member.local_header_offset, 12);
        // A field that claims more bytes than it has changes nothing.
        let mut short = member.clone();
        short.compressed_size = 0xFFFF_FFFF;
        apply_zip64_extra(&mut short, &[1, 0, 16, 0, 1, 2]);
        assert_eq!(short.compressed_size, 0xFFFF_FFFF);
    }
}
