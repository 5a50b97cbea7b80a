//! Seeded draws shared by the forest, the folds and the training sample.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// A uniform integer in `0..n` (`0` when `n` is 0), by Lemire's
/// multiply-shift (no modulo bias worth speaking of for n ≪ 2⁶⁴).
pub(crate) fn below(rng: &mut Xoshiro256Plus, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// Fisher–Yates shuffle.
pub(crate) fn shuffle<T>(rng: &mut Xoshiro256Plus, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, below(rng, i + 1));
    }
}

/// At most `max` of the indices `0..n`, drawn with `seed`, ascending; all of
/// them when `n ≤ max`.
pub fn sample_indices(n: usize, max: usize, seed: u64) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    if n <= max {
        return all;
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    shuffle(&mut rng, &mut all);
    all.truncate(max);
    all.sort_unstable();
    all
}
