//! Which customer ids a table has had so far, for its one-row-per-customer
//! check. Each id is kept once, in its row: the lookup is keyed by the id's
//! hash and confirmed against the row it points to (an owned copy of every
//! id as the key was an allocation and a copy per row, a visible share of
//! reading a million-customer table). Ids whose hash an earlier, different
//! id already had (rare) are kept by their text.

use crate::engine::fast_hash::{hash_line, FastHashMap};
use crate::engine::rfm::RfmRow;

pub struct SeenIds {
    hash: fn(&[u8]) -> u64,
    /// An id's hash → the row and line of the first id with that hash.
    by_hash: FastHashMap<u64, (usize, u64)>,
    /// Ids whose hash belongs to another id → their line.
    collided: FastHashMap<String, u64>,
}

impl Default for SeenIds {
    fn default() -> Self {
        Self::with_hash(hash_line)
    }
}

impl SeenIds {
    fn with_hash(hash: fn(&[u8]) -> u64) -> Self {
        Self {
            hash,
            by_hash: FastHashMap::default(),
            collided: FastHashMap::default(),
        }
    }

    /// The line `id` was first seen on; else `None`, and `id` is recorded
    /// as row `rows.len()` (the row about to be pushed), on `line`.
    pub fn first_line(&mut self, id: &str, rows: &[RfmRow], line: u64) -> Option<u64> {
        let key = (self.hash)(id.as_bytes());
        let Some(&(row, first_line)) = self.by_hash.get(&key) else {
            self.by_hash.insert(key, (rows.len(), line));
            return None;
        };
        if rows.get(row).is_some_and(|r| r.customer_id == id) {
            return Some(first_line);
        }
        if let Some(&first_line) = self.collided.get(id) {
            return Some(first_line);
        }
        self.collided.insert(id.to_string(), line);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> RfmRow {
        RfmRow {
            customer_id: id.into(),
            country: None,
            recency_days: 1,
            frequency: 1,
            monetary: 1.0,
        }
    }

    /// Ids in order, each on the next line from 2: the first repeat's
    /// (line, first line), as a table reader stops at it.
    fn first_repeat(seen: &mut SeenIds, ids: &[&str]) -> Option<(u64, u64)> {
        let mut rows = Vec::new();
        for (line, id) in (2..).zip(ids) {
            if let Some(first) = seen.first_line(id, &rows, line) {
                return Some((line, first));
            }
            rows.push(row(id));
        }
        None
    }

    #[test]
    fn repeats_are_found_with_the_line_first_seen() {
        for hash in [
            hash_line as fn(&[u8]) -> u64,
            |_: &[u8]| 7,
            |b: &[u8]| b.len() as u64,
        ] {
            // Every hash: the real one, all ids colliding, some colliding.
            let seen = || SeenIds::with_hash(hash);
            assert_eq!(first_repeat(&mut seen(), &["a", "bb", "c", "dd"]), None);
            assert_eq!(
                first_repeat(&mut seen(), &["a", "bb", "c", "bb"]),
                Some((5, 3))
            );
            assert_eq!(
                first_repeat(&mut seen(), &["a", "b", "c", "c"]),
                Some((5, 4))
            );
            assert_eq!(
                first_repeat(&mut seen(), &["a", "b", "c", "a"]),
                Some((5, 2))
            );
            assert_eq!(
                first_repeat(&mut seen(), &["x", "a", "b", "b", "a"]),
                Some((5, 4))
            );
        }
    }
}
