//! Seeded stratified k-fold splits: every cluster is spread evenly over the
//! folds, so each held-out fold looks like the whole file.

use super::sampling::shuffle;
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

/// The fold of every customer (`fold_of[i] < k`): the customers of each
/// cluster in turn (cluster 0 first) are shuffled with `seed` and dealt
/// round-robin into the folds, the dealing carrying on from one cluster to
/// the next so fold sizes differ by at most one. Labels `≥ classes` are
/// dealt with the last cluster (callers reject them first).
pub fn fold_of(labels: &[usize], classes: usize, k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes.max(1)];
    let last = by_class.len() - 1;
    for (i, &c) in labels.iter().enumerate() {
        by_class[c.min(last)].push(i);
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut fold = vec![0usize; labels.len()];
    let mut next = 0usize;
    for members in &mut by_class {
        shuffle(&mut rng, members);
        for &i in members.iter() {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// The customers of each fold, ascending: disjoint, together every customer once.
pub fn folds(labels: &[usize], classes: usize, k: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); k.max(1)];
    for (i, f) in fold_of(labels, classes, k, seed).into_iter().enumerate() {
        out[f].push(i);
    }
    out
}
