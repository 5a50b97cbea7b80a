//! A small, fast, non-cryptographic hasher (the "Fx" multiply-rotate hash
//! used inside rustc) for the per-row hash maps of ingest. SipHash, the
//! std default, guards against hash flooding by remote attackers; here the
//! keys come from the user's own file, and SipHash was a visible share of
//! ingest time.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiplies only carry entropy upwards, and hashbrown picks
        // buckets from the low bits: without a finaliser, 8-byte keys that
        // differ only in their last characters (`C0000001`, `C0000002`, …)
        // share their low bits and pile into a few buckets (quadratic
        // inserts). MurmurHash3's fmix64 mixes every bit into every bit,
        // once per key.
        fmix64(self.0)
    }
}

/// MurmurHash3's 64-bit finaliser: every input bit flips each output bit
/// with probability ≈ ½, and it is a bijection.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The hash of a whole line for the duplicate rule, where equal hashes are
/// taken as equal lines: each 8 bytes are mixed into every bit before the
/// next are added. Fx is too weak for that: a difference in one word's top
/// bits, rotated into the low bits, cancels against the next word's (the
/// lines `1109,S1142,Mug,…` and `1109,S1992,Mug,…` collided, and the second
/// was dropped as a duplicate).
pub fn hash_line(bytes: &[u8]) -> u64 {
    let mut h = SEED ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = fmix64(h ^ u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = fmix64(h ^ u64::from_le_bytes(word));
    }
    h
}

pub type FastHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub type FastHashSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// A well-mixed hash of `s` (Fx, then the MurmurHash3 finaliser: Fx's low
/// bits alone follow the input's), for splitting customers evenly.
pub fn hash_str(s: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(s.as_bytes());
    fmix64(hasher.finish())
}

/// Equality of the short names compared on every row: WebAssembly has no
/// memcmp instruction, and its library memcmp is a byte loop behind a call
/// (a visible share of ingest there); this compares eight bytes at a time,
/// inlined.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut a_words).zip(&mut b_words) {
        if word(x) != word(y) {
            return false;
        }
    }
    let (a_rest, b_rest) = (a_words.remainder(), b_words.remainder());
    a_rest.iter().zip(b_rest).all(|(x, y)| x == y)
}

#[inline]
fn word(chunk: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    u64::from_ne_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_byte_string_equality() {
        let texts = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefghj",
            "bbcdefghi",
            "abcdefgh\0",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn distinguishes_keys_and_is_deterministic() {
        let mut map: FastHashMap<String, usize> = FastHashMap::default();
        for i in 0..10_000 {
            map.insert(format!("C{i}"), i);
        }
        assert_eq!(map.len(), 10_000);
        assert_eq!(map.get("C4242"), Some(&4242));
        let hash = |s: &str| {
            let mut h = FxHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(hash("17850"), hash("17850"));
        assert_ne!(hash("17850"), hash("17851"));
        assert_ne!(hash("ab"), hash("ab\0"));
    }

    #[test]
    fn low_bits_vary_for_keys_differing_only_at_the_end() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<FxHasher>::default();
        let mut buckets = HashSet::new();
        for i in 0..4096 {
            buckets.insert(build.hash_one(format!("C{i:07}")) & 0xfff);
        }
        // 4096 random keys into 4096 buckets fill about 63% (1 − 1/e).
        assert!(
            buckets.len() > 2400,
            "only {} distinct buckets",
            buckets.len()
        );
    }

    #[test]
    fn line_hashes_differ_for_lines_differing_anywhere() {
        let pair = [
            "1109,S1142,Mug,5,2024-01-09 10:00,2.50,C36,France",
            "1109,S1992,Mug,5,2024-01-09 10:00,2.50,C36,France",
        ];
        assert_ne!(hash_line(pair[0].as_bytes()), hash_line(pair[1].as_bytes()));
        assert_eq!(hash_line(pair[0].as_bytes()), hash_line(pair[0].as_bytes()));
        assert_ne!(hash_line(b"ab"), hash_line(b"ab\0"), "padding");
        // Lines like an export's, differing in two or three neighbouring
        // fields: no two of 300k share a hash.
        let mut hashes = HashSet::new();
        for i in 0..300_000u32 {
            let line = format!(
                "{},S{},Mug,{},2024-01-09 10:00,2.50,C{},France",
                1000 + i % 997,
                i,
                1 + i % 7,
                i % 37
            );
            assert!(hashes.insert(hash_line(line.as_bytes())), "{line}");
        }
    }
}
