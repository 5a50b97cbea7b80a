//! Seeded subsets of customers, so slow methods fit on a bounded sample.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// All of `0..n` when `n <= size`, else `size` indices drawn without
/// replacement (partial Fisher–Yates, as the silhouette sample), sorted.
pub fn sample_indices(n: usize, size: usize, seed: u64) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..n).collect();
    if n <= size {
        return indices;
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    for i in 0..size {
        let j = i + (rng.next_u64() % (n - i) as u64) as usize;
        indices.swap(i, j);
    }
    indices.truncate(size);
    indices.sort_unstable();
    indices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_seeded_and_distinct() {
        let a = sample_indices(1000, 100, 3);
        assert_eq!(a.len(), 100);
        assert_eq!(a, sample_indices(1000, 100, 3));
        assert_ne!(a, sample_indices(1000, 100, 4));
        assert!(a.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert!(a.iter().all(|&i| i < 1000));
        assert_eq!(sample_indices(5, 100, 3), vec![0, 1, 2, 3, 4]);
    }
}
