//! Lloyd's algorithm for k-means in double precision, written out for 3-D
//! points: a generic version whose nearest-centre search runs over blocks of
//! centres (vector code natively), and copies compiled for each k in 2..=12
//! (what WebAssembly runs). Every version computes the same distances in the
//! same order with the same tie-breaking, so they agree to the last bit. The
//! restarts' single-precision version (`restarts.rs`) shares the per-cluster
//! totals and the move to the means.

use super::points::Point;

/// `$fixed::<K>($args)` for `$k` in 2..=12 (a copy compiled per k, see
/// [`lloyd`]), else `$fallback`. Used here and by the restarts.
macro_rules! compiled_for_k {
    ($k:expr, $fixed:ident($($arg:expr),*), $fallback:expr) => {
        match $k {
            2 => $fixed::<2>($($arg),*),
            3 => $fixed::<3>($($arg),*),
            4 => $fixed::<4>($($arg),*),
            5 => $fixed::<5>($($arg),*),
            6 => $fixed::<6>($($arg),*),
            7 => $fixed::<7>($($arg),*),
            8 => $fixed::<8>($($arg),*),
            9 => $fixed::<9>($($arg),*),
            10 => $fixed::<10>($($arg),*),
            11 => $fixed::<11>($($arg),*),
            12 => $fixed::<12>($($arg),*),
            _ => $fallback,
        }
    };
}
pub(super) use compiled_for_k;

/// Lloyd's algorithm from `centroids`. Stops when the total squared
/// centroid shift is ≤ `tolerance` (features are standardised, so this is
/// scikit-learn's relative tolerance). An empty cluster keeps its centroid.
/// Returns the centroids and the inertia of the final assignment.
///
/// In WebAssembly the sweep's ks run a copy compiled for their k: with k
/// known, the nearest-centre search is k straight-line distance computations
/// with no padding lanes or loop bookkeeping (wasm gets no vector code from
/// the generic version, and the sweep runs faster in V8 with the copies).
/// Natively the generic version's vector code is faster. Every copy computes
/// the same distances in the same order with the same tie-breaking:
/// bit-for-bit the generic result (tested).
pub(super) fn lloyd(
    points: &[Point],
    centroids: Vec<Point>,
    max_iterations: u64,
    tolerance: f64,
) -> (Vec<Point>, f64) {
    if cfg!(target_arch = "wasm32") {
        lloyd_compiled_for_k(points, centroids, max_iterations, tolerance)
    } else {
        lloyd_any_k(points, centroids, max_iterations, tolerance)
    }
}

/// [`lloyd_fixed`] for `centroids.len()` in 2..=12, else [`lloyd_any_k`].
pub(super) fn lloyd_compiled_for_k(
    points: &[Point],
    centroids: Vec<Point>,
    max_iterations: u64,
    tolerance: f64,
) -> (Vec<Point>, f64) {
    compiled_for_k!(
        centroids.len(),
        lloyd_fixed(points, &centroids, max_iterations, tolerance),
        lloyd_any_k(points, centroids, max_iterations, tolerance)
    )
}

/// [`lloyd_any_k`] for exactly `K` centres.
// Not inlined, for the same reason as `lloyd_any_k`.
#[inline(never)]
fn lloyd_fixed<const K: usize>(
    points: &[Point],
    start: &[Point],
    max_iterations: u64,
    tolerance: f64,
) -> (Vec<Point>, f64) {
    let mut centroids = fixed_centroids::<K>(start);
    let nearest = |centroids: &[Point; K], p: &Point| {
        let distance =
            |c: &Point| (c[0] - p[0]).powi(2) + (c[1] - p[1]).powi(2) + (c[2] - p[2]).powi(2);
        let mut best = (0, distance(&centroids[0]));
        for (i, c) in centroids.iter().enumerate().skip(1) {
            let d = distance(c);
            if d < best.1 {
                best = (i, d);
            }
        }
        best
    };
    // The coordinates one by one, so a pair of points' x (y, z) is one load.
    let columns: [Vec<f64>; 3] = std::array::from_fn(|d| points.iter().map(|p| p[d]).collect());
    for _ in 0..max_iterations {
        let mut totals = ClusterTotals::<K>::new();
        // Two points at a time: the same operations on both lanes, which
        // compile to two-lane vector instructions in WebAssembly.
        let mut pairs = points.chunks_exact(2);
        for ((pair, xs), (ys, zs)) in pairs
            .by_ref()
            .zip(columns[0].chunks_exact(2))
            .zip(columns[1].chunks_exact(2).zip(columns[2].chunks_exact(2)))
        {
            let nearest = nearest_of_two(&centroids, [xs, ys, zs]);
            totals.add(nearest[0], &pair[0]);
            totals.add(nearest[1], &pair[1]);
        }
        for p in pairs.remainder() {
            totals.add(nearest(&centroids, p).0, p);
        }
        if totals.move_to_means(&mut centroids) <= tolerance {
            break;
        }
    }
    let inertia = points.iter().map(|p| nearest(&centroids, p).1).sum();
    (centroids.to_vec(), inertia)
}

/// The first `K` of `start` (padded with the origin, never needed: the
/// callers pass exactly `K`), as the fixed-k copies of Lloyd hold them.
pub(super) fn fixed_centroids<const K: usize>(start: &[Point]) -> [Point; K] {
    let mut centroids = [[0.0f64; 3]; K];
    for (c, s) in centroids.iter_mut().zip(start) {
        *c = *s;
    }
    centroids
}

/// Per cluster the coordinates' sums and the count (exact in an f64), for
/// one Lloyd iteration of a fixed-k copy: four lanes, so a point is added
/// with two vector instructions.
pub(super) struct ClusterTotals<const K: usize>([[f64; 4]; K]);

impl<const K: usize> ClusterTotals<K> {
    pub(super) fn new() -> Self {
        Self([[0.0; 4]; K])
    }

    /// Adds `p` to cluster `l`'s total (a label past `K` is ignored).
    #[inline(always)]
    pub(super) fn add(&mut self, l: usize, p: &Point) {
        if let Some(total) = self.0.get_mut(l) {
            for (t, v) in total.iter_mut().zip([p[0], p[1], p[2], 1.0]) {
                *t += v;
            }
        }
    }

    /// [`move_to_means`] with these totals: the total squared shift.
    pub(super) fn move_to_means(&self, centroids: &mut [Point; K]) -> f64 {
        let sums = self.0.map(|t| [t[0], t[1], t[2]]);
        let counts = self.0.map(|t| t[3] as usize);
        move_to_means(centroids, &sums, &counts)
    }
}

/// The nearest of `centroids` to each of two points (given as their two x,
/// two y and two z coordinates): per lane exactly the
/// distances, order and tie-breaking (lowest index) of the one-point search,
/// written branch-free so both lanes run as one vector operation.
#[inline(always)]
fn nearest_of_two<const K: usize>(centroids: &[Point; K], [xs, ys, zs]: [&[f64]; 3]) -> [usize; 2] {
    let lanes = |c: &[f64]| {
        [
            c.first().copied().unwrap_or(0.0),
            c.get(1).copied().unwrap_or(0.0),
        ]
    };
    let (xs, ys, zs) = (lanes(xs), lanes(ys), lanes(zs));
    let distance = |c: &Point| -> [f64; 2] {
        let mut out = [0.0; 2];
        for lane in 0..2 {
            out[lane] =
                (c[0] - xs[lane]).powi(2) + (c[1] - ys[lane]).powi(2) + (c[2] - zs[lane]).powi(2);
        }
        out
    };
    let mut best = distance(&centroids[0]);
    let mut best_index = [0.0f64; 2];
    for (i, c) in centroids.iter().enumerate().skip(1) {
        let d = distance(c);
        for lane in 0..2 {
            let closer = d[lane] < best[lane];
            best[lane] = if closer { d[lane] } else { best[lane] };
            best_index[lane] = if closer { i as f64 } else { best_index[lane] };
        }
    }
    best_index.map(|i| i as usize)
}

/// Moves each centroid to the mean of its points (`sums` / `counts`); an
/// empty cluster keeps its centroid. Returns the total squared shift.
fn move_to_means(centroids: &mut [Point], sums: &[Point], counts: &[usize]) -> f64 {
    let mut shift = 0.0;
    for ((centroid, sum), &count) in centroids.iter_mut().zip(sums).zip(counts) {
        if count > 0 {
            let updated = sum.map(|s| s / count as f64);
            shift += (0..3)
                .map(|d| (updated[d] - centroid[d]).powi(2))
                .sum::<f64>();
            *centroid = updated;
        }
    }
    shift
}

/// [`lloyd`] for any k, with the nearest-centre search over blocks of
/// centres that compile to vector code natively.
// Not inlined: V8 runs WebAssembly with a baseline compiler first and swaps
// in optimised code only between calls, so a hot loop must live in a function
// that is called many times (once per restart), not in one entered once.
#[inline(never)]
pub(super) fn lloyd_any_k(
    points: &[Point],
    mut centroids: Vec<Point>,
    max_iterations: u64,
    tolerance: f64,
) -> (Vec<Point>, f64) {
    let k = centroids.len();
    let mut sums = vec![[0.0f64; 3]; k];
    let mut counts = vec![0usize; k];
    for _ in 0..max_iterations {
        let table = CentreTable::new(&centroids);
        // Assign and accumulate in one pass over the points.
        sums.iter_mut().for_each(|s| *s = [0.0; 3]);
        counts.iter_mut().for_each(|c| *c = 0);
        for p in points {
            let l = table.nearest(p);
            for d in 0..3 {
                sums[l][d] += p[d];
            }
            counts[l] += 1;
        }
        if move_to_means(&mut centroids, &sums, &counts) <= tolerance {
            break;
        }
    }
    let table = CentreTable::new(&centroids);
    let inertia = points
        .iter()
        .map(|p| {
            let c = centroids[table.nearest(p)];
            (0..3).map(|d| (c[d] - p[d]).powi(2)).sum::<f64>()
        })
        .sum();
    (centroids, inertia)
}

/// Centres per coordinate in blocks of [`LANES`], so the distances from a
/// point to a block of centres compile to vector instructions (SSE2 natively,
/// simd128 in WebAssembly). Padding centres lie at infinity: never nearest.
pub(super) struct CentreTable {
    blocks: Vec<[[f64; LANES]; 3]>,
}

const LANES: usize = 4;

impl CentreTable {
    pub(super) fn new(centroids: &[Point]) -> Self {
        let mut blocks = vec![[[f64::INFINITY; LANES]; 3]; centroids.len().div_ceil(LANES)];
        for (i, c) in centroids.iter().enumerate() {
            for d in 0..3 {
                blocks[i / LANES][d][i % LANES] = c[d];
            }
        }
        Self { blocks }
    }

    /// Index of the nearest centre; the same distances and tie-breaking
    /// (lowest index) as [`nearest`](super::points::nearest).
    #[inline]
    pub(super) fn nearest(&self, p: &Point) -> usize {
        let mut best = (0, f64::INFINITY);
        for (b, block) in self.blocks.iter().enumerate() {
            let mut d = [0.0f64; LANES];
            for (lane, d) in d.iter_mut().enumerate() {
                *d = (block[0][lane] - p[0]).powi(2)
                    + (block[1][lane] - p[1]).powi(2)
                    + (block[2][lane] - p[2]).powi(2);
            }
            for (lane, &d) in d.iter().enumerate() {
                if d < best.1 {
                    best = (b * LANES + lane, d);
                }
            }
        }
        best.0
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::engine::clustering::points::nearest;
    use rand_xoshiro::rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    /// Three tight blobs of different "value" (monetary = third coordinate).
    pub fn blobs() -> Vec<Point> {
        let mut points = Vec::new();
        for (i, centre) in [[0.0, 0.0, 0.0], [5.0, 5.0, 5.0], [-5.0, 5.0, -5.0]]
            .iter()
            .enumerate()
        {
            for j in 0..20 {
                let jitter = (j as f64 * 0.37 + i as f64).sin() * 0.3;
                points.push([
                    centre[0] + jitter,
                    centre[1] - jitter,
                    centre[2] + jitter * 0.5,
                ]);
            }
        }
        points
    }

    /// Long-tailed, overlapping points like standardised log RFM features.
    pub fn rfm_like(n: usize, seed: u64) -> Vec<Point> {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let mut uniform = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (0..n)
            .map(|_| {
                let f = (1.0 / (uniform() + 0.03)).ln();
                [uniform() * 3.0 - 1.5, f, f * 0.7 + uniform() * 2.0]
            })
            .collect()
    }

    #[test]
    fn centre_table_picks_what_nearest_picks_ties_included() {
        let points = rfm_like(2_000, 4);
        for k in 1..=13 {
            // Every third centre repeated: exact ties go to the lower index.
            let centres: Vec<Point> = (0..k).map(|i| points[(i - i % 3) * 7]).collect();
            let table = CentreTable::new(&centres);
            for p in &points {
                assert_eq!(table.nearest(p), nearest(&centres, p), "k = {k}");
            }
        }
    }
}
