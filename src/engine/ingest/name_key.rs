//! Customer and invoice names as keys of the aggregator's lookup tables.
//!
//! Nearly every id in an export is short (`17850`, `C536379`, `#1042`): such
//! a name is its own key, stored inside the table's bucket, so a lookup is
//! one memory access. Keyed by a hash, the lookup went on to the customer's
//! record and from there to the name's bytes to rule out a collision: three
//! dependent cache misses per new invoice, a sizeable share of ingest.
//! Longer names are keyed by their hash and checked against the stored name
//! as before.

use crate::engine::fast_hash;
use std::hash::{Hash, Hasher};

/// Names up to this many bytes are keys themselves.
const INLINE_BYTES: usize = 15;

/// Marks a hashed key in the byte that holds an inline name's length.
const HASHED: u8 = 0xFF;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameKey([u64; 2]);

impl NameKey {
    /// The name itself when short enough (and `hash_mask` keeps every bit),
    /// else its hash with `hash_mask` applied: tests keep only a few bits to
    /// force collisions.
    pub fn new(name: &str, hash_mask: u64) -> NameKey {
        let bytes = name.as_bytes();
        if bytes.len() <= INLINE_BYTES && hash_mask == u64::MAX {
            let (low, high) = bytes.split_at(bytes.len().min(8));
            let length = (bytes.len() as u64) << 56;
            return NameKey([little_endian(low), little_endian(high) | length]);
        }
        let hash = fast_hash::hash_str(name) & hash_mask;
        NameKey([hash, u64::from(HASHED) << 56])
    }

    /// Whether equal keys mean equal names (else compare the names).
    pub fn is_exact(self) -> bool {
        (self.0[1] >> 56) as u8 != HASHED
    }
}

impl Hash for NameKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
        state.write_u64(self.0[1]);
    }
}

/// Up to 8 bytes as a little-endian number (a byte loop: copying a slice of
/// variable length calls `memcpy`).
fn little_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |word, &byte| (word << 8) | u64::from(byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_exact_and_distinct() {
        let names = [
            "",
            "1",
            "10",
            "01",
            "1\0",
            "17850",
            "C536379",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "123456789012345",
        ];
        for (i, a) in names.iter().enumerate() {
            let key = NameKey::new(a, u64::MAX);
            assert!(key.is_exact(), "{a:?}");
            assert_eq!(key, NameKey::new(&String::from(*a), u64::MAX));
            for b in &names[i + 1..] {
                assert_ne!(key, NameKey::new(b, u64::MAX), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn long_names_and_masked_ones_are_hashed() {
        let long = "1234567890123456";
        assert!(!NameKey::new(long, u64::MAX).is_exact());
        assert_ne!(
            NameKey::new(long, u64::MAX),
            NameKey::new("1234567890123457", u64::MAX)
        );
        // A hashed key never equals an inline one, whatever the hash.
        assert!(!NameKey::new("17850", 0).is_exact());
        assert_eq!(NameKey::new("17850", 0), NameKey::new("C1", 0));
        assert_ne!(NameKey::new("17850", 0), NameKey::new("", u64::MAX));
    }
}
