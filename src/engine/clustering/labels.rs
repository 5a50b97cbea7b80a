//! What every clustering method returns and how its labels are kept: the
//! [`Clustering`] (centroids, one `u8` label per customer, quality metrics),
//! cluster ids ordered by value, renumbering, and the seeded samples that
//! bound the slow steps (silhouette, the mixture's and DBSCAN's fits).

use super::points::Point;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

/// Silhouette is exact up to this many customers, else on a seeded sample of this size.
pub const SILHOUETTE_SAMPLE: usize = 10_000;

/// Labels are `u8`, so at most this many clusters (noise included).
pub const MAX_CLUSTERS: usize = u8::MAX as usize + 1;

/// One fitted clustering (one k of the sweep, or another method's fit) and its quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    pub k: usize,
    /// In standardised feature space; cluster 0 is the most valuable (highest mean monetary).
    pub centroids: Vec<Point>,
    pub labels: Vec<u8>,
    pub inertia: f64,
    pub silhouette: f64,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
}

/// Renumbers clusters by descending centroid monetary (then frequency), so
/// cluster ids mean something and are stable across runs.
pub fn order_by_value(
    centroids: Vec<Point>,
    labels: Vec<usize>,
    k: usize,
) -> (Vec<Point>, Vec<usize>) {
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (centroids[a], centroids[b]);
        cb[2]
            .total_cmp(&ca[2])
            .then(cb[1].total_cmp(&ca[1]))
            .then(ca[0].total_cmp(&cb[0]))
    });
    let mut new_id = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new;
    }
    let centroids = order.iter().map(|&old| centroids[old]).collect();
    (centroids, labels.into_iter().map(|l| new_id[l]).collect())
}

/// Renumbers the clusters that have members as 0, 1, … (in order of first id);
/// `None` (noise) stays `None`. Returns the labels and the cluster count.
pub fn compact(labels: &[Option<usize>]) -> (Vec<Option<usize>>, usize) {
    let mut new_id: Vec<Option<usize>> = Vec::new();
    let mut next = 0;
    let mut compacted = Vec::with_capacity(labels.len());
    for &label in labels {
        compacted.push(label.map(|l| {
            if new_id.len() <= l {
                new_id.resize(l + 1, None);
            }
            *new_id[l].get_or_insert_with(|| {
                next += 1;
                next - 1
            })
        }));
    }
    (compacted, next)
}

/// All of `0..n` when `n <= size`, else `size` indices drawn without
/// replacement (partial Fisher–Yates), sorted.
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

/// Every figure of a sweep, one line per k, to the last bit: what the
/// WebAssembly build (vector instructions) and the native build (portable
/// code) must agree on (`scripts/check_simd.sh`). Centres and labels are
/// hashed (FNV-1a over their bits).
pub fn sweep_digest(sweep: &[Clustering]) -> String {
    let fnv = |bytes: &mut dyn Iterator<Item = u8>| {
        bytes.fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    sweep
        .iter()
        .map(|c| {
            let labels = fnv(&mut c.labels.iter().copied());
            let centres = fnv(&mut c.centroids.iter().flatten().flat_map(|v| v.to_bits().to_le_bytes()));
            format!(
                "k {} inertia {:016x} silhouette {:016x} calinski_harabasz {:016x} davies_bouldin {:016x} labels {labels:016x} centres {centres:016x}",
                c.k,
                c.inertia.to_bits(),
                c.silhouette.to_bits(),
                c.calinski_harabasz.to_bits(),
                c.davies_bouldin.to_bits(),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
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

    #[test]
    fn compact_renumbers_and_keeps_noise() {
        let (labels, k) = compact(&[Some(5), None, Some(2), Some(5)]);
        assert_eq!(labels, vec![Some(0), None, Some(1), Some(0)]);
        assert_eq!(k, 2);
    }
}
