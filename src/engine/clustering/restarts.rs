//! Lloyd's iterations for k-means' restarts, with each point's nearest
//! centre found in single precision.
//!
//! The restarts only choose which few runs are refined (in double precision,
//! on every customer), so their assignment can afford single-precision
//! distances: four points per vector instruction instead of two. Standardised
//! features lie within a few units of 0, where an f32 distance is within
//! ≈ 1e-7 of the f64 one, so a point's nearest centre differs only when two
//! centres are that close to a tie. Centroids, their sums and the stopping
//! test stay in double precision.

use super::lloyd::{compiled_for_k, fixed_centroids, lloyd, ClusterTotals};
use super::points::{dist2, Point};

/// Points per block: one f32x4 vector in WebAssembly.
const LANES: usize = 4;

/// A restart sample's coordinates in single precision, one column per
/// coordinate, cut into blocks of [`LANES`] points (the last block padded
/// with copies of the last point, which are assigned but never counted).
pub(super) struct NarrowColumns {
    blocks: Vec<[[f32; LANES]; 3]>,
}

impl NarrowColumns {
    pub(super) fn new(points: &[Point]) -> Self {
        let blocks = points
            .chunks(LANES)
            .map(|chunk| {
                std::array::from_fn(|d| {
                    std::array::from_fn(|lane| {
                        let point = chunk.get(lane).or(chunk.last());
                        point.map_or(0.0, |p| p[d] as f32)
                    })
                })
            })
            .collect();
        Self { blocks }
    }
}

/// Lloyd's algorithm from `centroids` on `points` (whose narrow copy is
/// `columns`), stopping as [`lloyd`] does; returns the centroids and the
/// inertia of the final assignment (each point's distance in f64 to the
/// centre nearest in f32). Compiled for each k in 2..=12; other ks run
/// [`lloyd`].
pub(super) fn lloyd_narrow(
    points: &[Point],
    columns: &NarrowColumns,
    centroids: Vec<Point>,
    max_iterations: u64,
    tolerance: f64,
) -> (Vec<Point>, f64) {
    compiled_for_k!(
        centroids.len(),
        lloyd_narrow_fixed(points, columns, &centroids, max_iterations, tolerance),
        lloyd(points, centroids, max_iterations, tolerance)
    )
}

// Not inlined: V8 swaps in optimised WebAssembly only between calls (see
// `lloyd_any_k`), and this is called once per restart.
#[inline(never)]
fn lloyd_narrow_fixed<const K: usize>(
    points: &[Point],
    columns: &NarrowColumns,
    start: &[Point],
    max_iterations: u64,
    tolerance: f64,
) -> (Vec<Point>, f64) {
    let mut centroids = fixed_centroids::<K>(start);
    for _ in 0..max_iterations {
        let narrow = narrowed(&centroids);
        let mut totals = ClusterTotals::<K>::new();
        for (block, chunk) in columns.blocks.iter().zip(points.chunks(LANES)) {
            for (&l, p) in nearest_of_four(&narrow, block).iter().zip(chunk) {
                totals.add(l, p);
            }
        }
        if totals.move_to_means(&mut centroids) <= tolerance {
            break;
        }
    }
    let narrow = narrowed(&centroids);
    let mut inertia = 0.0;
    for (block, chunk) in columns.blocks.iter().zip(points.chunks(LANES)) {
        for (&l, p) in nearest_of_four(&narrow, block).iter().zip(chunk) {
            if let Some(c) = centroids.get(l) {
                inertia += dist2(c, p);
            }
        }
    }
    (centroids.to_vec(), inertia)
}

fn narrowed<const K: usize>(centroids: &[Point; K]) -> [[f32; 3]; K] {
    centroids.map(|c| c.map(|v| v as f32))
}

/// The nearest of `centres` to each point of a block, lowest index on ties,
/// written branch-free: four lanes of the same operations.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn nearest_of_four<const K: usize>(
    centres: &[[f32; 3]; K],
    [xs, ys, zs]: &[[f32; LANES]; 3],
) -> [usize; LANES] {
    let distance = |c: &[f32; 3]| -> [f32; LANES] {
        std::array::from_fn(|lane| {
            let (x, y, z) = (c[0] - xs[lane], c[1] - ys[lane], c[2] - zs[lane]);
            x * x + y * y + z * z
        })
    };
    let mut best = distance(&centres[0]);
    let mut best_index = [0u32; LANES];
    for (i, c) in centres.iter().enumerate().skip(1) {
        let d = distance(c);
        for lane in 0..LANES {
            let closer = d[lane] < best[lane];
            best[lane] = if closer { d[lane] } else { best[lane] };
            best_index[lane] = if closer { i as u32 } else { best_index[lane] };
        }
    }
    best_index.map(|i| i as usize)
}

/// [`nearest_of_four`] as WebAssembly vector instructions (LLVM leaves the
/// portable version scalar there): the same operations in the same order,
/// so the same result.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn nearest_of_four<const K: usize>(
    centres: &[[f32; 3]; K],
    [xs, ys, zs]: &[[f32; LANES]; 3],
) -> [usize; LANES] {
    use core::arch::wasm32::*;
    let lanes = |v: &[f32; LANES]| f32x4(v[0], v[1], v[2], v[3]);
    let (xs, ys, zs) = (lanes(xs), lanes(ys), lanes(zs));
    let distance = |c: &[f32; 3]| {
        let x = f32x4_sub(f32x4_splat(c[0]), xs);
        let y = f32x4_sub(f32x4_splat(c[1]), ys);
        let z = f32x4_sub(f32x4_splat(c[2]), zs);
        f32x4_add(f32x4_add(f32x4_mul(x, x), f32x4_mul(y, y)), f32x4_mul(z, z))
    };
    let mut best = distance(&centres[0]);
    let mut best_index = i32x4_splat(0);
    for (i, c) in centres.iter().enumerate().skip(1) {
        let d = distance(c);
        let closer = f32x4_lt(d, best);
        best = v128_bitselect(d, best, closer);
        best_index = v128_bitselect(i32x4_splat(i as i32), best_index, closer);
    }
    [
        i32x4_extract_lane::<0>(best_index) as usize,
        i32x4_extract_lane::<1>(best_index) as usize,
        i32x4_extract_lane::<2>(best_index) as usize,
        i32x4_extract_lane::<3>(best_index) as usize,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clustering::points::nearest;
    use rand_xoshiro::rand_core::{RngCore, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    fn spread(n: usize, seed: u64) -> Vec<Point> {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let mut uniform = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 6.0 - 3.0;
        (0..n).map(|_| [uniform(), uniform(), uniform()]).collect()
    }

    fn assignments_agree<const K: usize>(points: &[Point]) {
        let columns = NarrowColumns::new(points);
        let centres: [Point; K] = std::array::from_fn(|i| points[i * 7]);
        let narrow = narrowed(&centres);
        let labels: Vec<usize> = columns
            .blocks
            .iter()
            .flat_map(|block| nearest_of_four(&narrow, block))
            .collect();
        // Every lane of the padded last block is assigned; the points are its first lanes.
        assert_eq!(labels.len(), points.len().div_ceil(LANES) * LANES);
        for (p, &l) in points.iter().zip(&labels) {
            assert_eq!(nearest(&centres, p), l, "k = {K}: {p:?}");
        }
    }

    #[test]
    fn narrow_assignment_is_the_double_precision_one_away_from_ties() {
        let points = spread(1_003, 1);
        assignments_agree::<2>(&points);
        assignments_agree::<5>(&points);
        assignments_agree::<10>(&points);
        // Equal centres: the lowest index, as in double precision.
        let twins = [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.5, 0.5, 0.5]];
        assignments_agree::<2>(&twins.repeat(3));
    }

    #[test]
    fn narrow_lloyd_ends_where_double_precision_lloyd_does() {
        let points = spread(5_001, 2);
        let columns = NarrowColumns::new(&points);
        for k in 2..=12 {
            let seeds: Vec<Point> = points.iter().step_by(97).take(k).copied().collect();
            let (wide, wide_inertia) = lloyd(&points, seeds.clone(), 300, 1e-4);
            let (narrow, narrow_inertia) = lloyd_narrow(&points, &columns, seeds, 300, 1e-4);
            assert_eq!(narrow.len(), k);
            for (a, b) in wide.iter().zip(&narrow) {
                for d in 0..3 {
                    assert!((a[d] - b[d]).abs() < 1e-9, "k = {k}: {a:?} vs {b:?}");
                }
            }
            assert!(
                (narrow_inertia / wide_inertia - 1.0).abs() < 1e-9,
                "k = {k}: {narrow_inertia} vs {wide_inertia}"
            );
        }
    }
}
