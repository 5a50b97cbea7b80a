//! The duplicate rule's memory: 64-bit hashes of the kept lines, kept per
//! purchase.
//!
//! A line that repeats a kept line has its customer and invoice, so it can
//! only repeat a line of the purchase it would fold into: each purchase lists
//! its lines' hashes (newest first), and a line is compared with the few
//! lines of its own order, which were just read and are in cache. One table
//! of every kept line cost a cache miss per line, rehashed everything as it
//! grew and pushed the customer tables out of cache: reading a file took
//! much longer with the rule on than off. Lines without an invoice are
//! purchases of their own, checked against one set of them all.

use crate::engine::fast_hash::{FastHashMap, FastHashSet};

/// The end of a purchase's list.
pub const NO_LINE: u32 = u32::MAX;

/// A purchase lists this many lines; the lines of a bigger one go to a set,
/// so no order makes the lists quadratic.
const LISTED: usize = 32;

/// A purchase: (customer slot, purchase slot) in its aggregator.
pub type PurchaseKey = (u32, u32);

#[derive(Default)]
pub struct KeptLines {
    hashes: Chunked<u64>,
    /// For each entry of `hashes`, the index of its purchase's previous line.
    previous: Chunked<u32>,
    /// Lines of purchases beyond their first [`LISTED`], per purchase.
    beyond: FastHashMap<PurchaseKey, FastHashSet<u64>>,
    /// Lines without an invoice.
    lone: FastHashSet<u64>,
}

/// Where a hash stands among a purchase's listed lines.
enum Listed {
    Found,
    /// Not listed; `full` when the purchase has [`LISTED`] lines listed, so
    /// its later lines are in `beyond`.
    Absent {
        full: bool,
    },
}

impl KeptLines {
    /// Adds a line of `purchase`, whose newest listed line is `newest`
    /// ([`NO_LINE`] for a new purchase); false if it repeats one of that
    /// purchase's lines. On success `newest` is updated.
    pub fn insert(&mut self, newest: &mut u32, purchase: PurchaseKey, hash: u64) -> bool {
        match self.search_listed(*newest, hash) {
            Listed::Found => false,
            Listed::Absent { full: true } => self.beyond.entry(purchase).or_default().insert(hash),
            Listed::Absent { full: false } => {
                *newest = self.push(*newest, hash);
                true
            }
        }
    }

    /// Adds the lines of a purchase new to this aggregator, read in another
    /// part of the file, where the duplicate rule made them distinct: none
    /// is searched for (`newest` is [`NO_LINE`] before).
    pub fn insert_new(&mut self, newest: &mut u32, purchase: PurchaseKey, hashes: &[u64]) {
        let (listed, beyond) = hashes.split_at(hashes.len().min(LISTED));
        for &hash in listed {
            *newest = self.push(*newest, hash);
        }
        if !beyond.is_empty() {
            self.beyond
                .entry(purchase)
                .or_default()
                .extend(beyond.iter().copied());
        }
    }

    /// Adds a line without an invoice (a purchase of its own, listed at
    /// `newest`); false if it repeats an earlier such line.
    pub fn insert_lone(&mut self, newest: &mut u32, hash: u64) -> bool {
        if !self.lone.insert(hash) {
            return false;
        }
        *newest = self.push(NO_LINE, hash);
        true
    }

    /// Whether `hash` is a line of `purchase` (newest listed line `newest`).
    pub fn contains(&self, newest: u32, purchase: PurchaseKey, hash: u64) -> bool {
        match self.search_listed(newest, hash) {
            Listed::Found => true,
            Listed::Absent { full } => {
                full && self
                    .beyond
                    .get(&purchase)
                    .is_some_and(|set| set.contains(&hash))
            }
        }
    }

    pub fn contains_lone(&self, hash: u64) -> bool {
        self.lone.contains(&hash)
    }

    /// Every line of `purchase`, for sending a part of a file to be joined.
    pub fn of_purchase(
        &self,
        newest: u32,
        purchase: PurchaseKey,
    ) -> impl Iterator<Item = u64> + '_ {
        let beyond = self.beyond.get(&purchase).into_iter().flatten().copied();
        self.listed(newest).chain(beyond)
    }

    fn search_listed(&self, newest: u32, hash: u64) -> Listed {
        let mut count = 0;
        for line in self.listed(newest) {
            if line == hash {
                return Listed::Found;
            }
            count += 1;
        }
        Listed::Absent {
            full: count >= LISTED,
        }
    }

    fn push(&mut self, previous: u32, hash: u64) -> u32 {
        let index = self.hashes.len as u32;
        self.hashes.push(hash);
        self.previous.push(previous);
        index
    }

    /// A purchase's listed lines, newest first.
    fn listed(&self, newest: u32) -> impl Iterator<Item = u64> + '_ {
        let mut at = newest;
        std::iter::from_fn(move || {
            let index = at as usize;
            let hash = self.hashes.get(index)?;
            at = self.previous.get(index).unwrap_or(NO_LINE);
            Some(hash)
        })
    }
}

/// Entries per chunk of a [`Chunked`] list.
const CHUNK: usize = if cfg!(test) { 4 } else { 1 << 16 };

/// An append-only list kept in fixed-size chunks: growing it never copies
/// it, so it takes its own size at most, where a `Vec` that doubles holds
/// its old and new buffers at once (and in WebAssembly, whose memory never
/// shrinks, keeps that peak for good). One per kept line makes it the
/// largest list of a read.
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Copy> Chunked<T> {
    fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.push(value);
            self.len += 1;
        }
    }

    fn get(&self, index: usize) -> Option<T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_repeats_only_a_line_of_its_own_purchase_however_big() {
        let mut lines = KeptLines::default();
        let (mut small, mut big, mut other) = (NO_LINE, NO_LINE, NO_LINE);
        assert!(lines.insert(&mut small, (0, 0), 7));
        assert!(
            lines.insert(&mut other, (1, 0), 7),
            "another purchase's line"
        );
        assert!(!lines.insert(&mut small, (0, 0), 7));
        // Past the listed lines, the rest of a big order is remembered too.
        for hash in 0..(3 * LISTED as u64) {
            assert!(lines.insert(&mut big, (0, 1), 100 + hash));
        }
        for hash in 0..(3 * LISTED as u64) {
            assert!(!lines.insert(&mut big, (0, 1), 100 + hash), "line {hash}");
            assert!(lines.contains(big, (0, 1), 100 + hash));
            assert!(!lines.contains(small, (0, 0), 100 + hash));
        }
        let mut all: Vec<u64> = lines.of_purchase(big, (0, 1)).collect();
        all.sort_unstable();
        assert_eq!(all, (100..100 + 3 * LISTED as u64).collect::<Vec<_>>());
        assert_eq!(
            lines.of_purchase(small, (0, 0)).collect::<Vec<_>>(),
            vec![7]
        );
        // A purchase read elsewhere, its lines distinct, taken in at once.
        let mut taken = NO_LINE;
        let hashes: Vec<u64> = (0..(2 * LISTED as u64)).map(|h| 1000 + h).collect();
        lines.insert_new(&mut taken, (0, 2), &hashes);
        for &hash in &hashes {
            assert!(lines.contains(taken, (0, 2), hash), "line {hash}");
            assert!(!lines.contains(big, (0, 1), hash));
        }
        assert!(!lines.insert(&mut taken, (0, 2), 1000 + LISTED as u64 + 3));
        assert!(lines.insert(&mut taken, (0, 2), 7));
        let mut all: Vec<u64> = lines.of_purchase(taken, (0, 2)).collect();
        all.sort_unstable();
        let mut want = hashes.clone();
        want.push(7);
        want.sort_unstable();
        assert_eq!(all, want);
        // Lines without an invoice.
        let (mut first, mut second) = (NO_LINE, NO_LINE);
        assert!(lines.insert_lone(&mut first, 7));
        assert!(!lines.insert_lone(&mut second, 7));
        assert_eq!(second, NO_LINE, "a refused line is not listed");
        assert!(lines.contains_lone(7) && !lines.contains_lone(8));
        assert_eq!(
            lines.of_purchase(first, (2, 0)).collect::<Vec<_>>(),
            vec![7]
        );
    }
}
