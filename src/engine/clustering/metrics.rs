//! Cluster quality metrics with scikit-learn's definitions: silhouette,
//! Calinski–Harabasz, Davies–Bouldin; plus inertia.

use super::points::{dist2, Point};

/// Sum of squared distances of points to their cluster's centroid.
pub fn inertia(points: &[Point], labels: &[usize], centroids: &[Point]) -> f64 {
    points
        .iter()
        .zip(labels)
        .filter_map(|(p, &l)| centroids.get(l).map(|c| dist2(p, c)))
        .sum()
}

/// The silhouette pass is always cut into this many blocks of about equal
/// work, whoever computes them: the blocks' sums are added in block order,
/// so the silhouettes do not depend on how many workers shared the pass.
pub const SILHOUETTE_BLOCKS: usize = 8;

/// Mean silhouette for several labelings of the same points at once.
///
/// Points that share a cluster in every labeling (a "cell" of the labelings'
/// common refinement; a k sweep in 3-D has a few hundred at most) are
/// interchangeable when summing distances per cluster. The points are
/// ordered by cell and each pair's distance is computed once: it counts for
/// the earlier point towards the later one's cell and for the later point
/// towards the earlier one's cell. Each labeling's per-cluster sums are then
/// added up from the per-cell sums: about n²/2 + n·cells·labelings operations
/// instead of n²·labelings.
/// `labelings[j][i]` is point i's cluster in labeling j, which has `ks[j]` clusters.
pub fn silhouettes(points: &[Point], labelings: &[Vec<usize>], ks: &[usize]) -> Vec<f64> {
    let pass = SilhouettePass::new(points, labelings, ks);
    let blocks: Vec<BlockSums> = pass.blocks().into_iter().map(|b| pass.block(b)).collect();
    pass.finish(&blocks)
}

/// One block's per-point, per-cluster distance sums (see [`SilhouettePass`]):
/// the rows of the points ordered from `first_row` on, `stride` slots each.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockSums {
    pub first_row: usize,
    pub sums: Vec<f64>,
}

/// The silhouettes of a sweep, cut into [`SILHOUETTE_BLOCKS`] blocks of
/// cells that can be computed apart (by several workers) and then added up.
pub struct SilhouettePass {
    n: usize,
    compact: Vec<Vec<u8>>,
    sizes: Vec<Vec<usize>>,
    offsets: Vec<usize>,
    width: usize,
    stride: usize,
    /// Points (by their order in `order`) per cell: `starts[c]..starts[c + 1]`.
    starts: Vec<usize>,
    order: Vec<usize>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    zs: Vec<f64>,
    /// Per cell, the row slots its sums go to: one per labeling.
    targets: Vec<usize>,
    per_cell: usize,
}

impl SilhouettePass {
    pub fn new(points: &[Point], labelings: &[Vec<usize>], ks: &[usize]) -> Self {
        let n = points.len();
        let compact: Vec<Vec<u8>> = labelings
            .iter()
            .map(|l| l.iter().map(|&c| c.min(255) as u8).collect())
            .collect();
        let sizes: Vec<Vec<usize>> = compact
            .iter()
            .zip(ks)
            .map(|(labels, &k)| {
                let mut sizes = vec![0usize; k.clamp(1, 256)];
                for &l in labels {
                    if let Some(s) = sizes.get_mut(usize::from(l)) {
                        *s += 1;
                    }
                }
                sizes
            })
            .collect();
        let (cell_of, cell_labels) = common_refinement(&compact, n);
        let cells = cell_labels.first().map_or(1, Vec::len).max(1);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| cell_of.get(i).copied().unwrap_or(0));
        let mut starts = vec![0usize; cells + 1];
        for &i in &order {
            if let Some(s) = starts.get_mut(cell_of.get(i).map_or(0, |&c| c as usize) + 1) {
                *s += 1;
            }
        }
        for c in 0..cells {
            starts[c + 1] += starts[c];
        }
        let coordinate = |d: usize| -> Vec<f64> {
            order
                .iter()
                .map(|&i| points.get(i).map_or(0.0, |p| p[d]))
                .collect()
        };
        let (xs, ys, zs) = (coordinate(0), coordinate(1), coordinate(2));
        let mut offsets = Vec::with_capacity(sizes.len());
        let mut width = 0;
        for s in &sizes {
            offsets.push(width);
            width += s.len();
        }
        let per_cell = cell_labels.len();
        let targets: Vec<usize> = (0..cells)
            .flat_map(|cell| {
                cell_labels.iter().zip(&offsets).zip(&sizes).map(
                    move |((labels, &offset), clusters)| match labels
                        .get(cell)
                        .map(|&l| usize::from(l))
                    {
                        Some(l) if l < clusters.len() => offset + l,
                        _ => width,
                    },
                )
            })
            .collect();
        Self {
            n,
            compact,
            sizes,
            offsets,
            width,
            // Each row has one more slot, where a label outside its
            // labeling's k (never from k-means) is summed and ignored.
            stride: width + 1,
            starts,
            order,
            xs,
            ys,
            zs,
            targets,
            per_cell,
        }
    }

    /// The cells of each block: [`SILHOUETTE_BLOCKS`] runs of cells with
    /// about the same number of pairs (a cell's points pair with every
    /// point after them), empty ones included so their number is fixed.
    pub fn blocks(&self) -> Vec<std::ops::Range<usize>> {
        let cells = self.starts.len().saturating_sub(1);
        let n = self.n as f64;
        // Pairs of points before position p: p·n − p·(p+1)/2.
        let pairs_before = |p: usize| -> f64 { p as f64 * n - p as f64 * (p as f64 + 1.0) / 2.0 };
        let total = pairs_before(self.n);
        // A cell goes to the block its pairs' midpoint falls in, so a big
        // cell does not leave the block before it empty.
        let midpoint = |cell: usize| -> f64 {
            let start = self.starts.get(cell).copied().unwrap_or(self.n);
            let end = self.starts.get(cell + 1).copied().unwrap_or(self.n);
            (pairs_before(start) + pairs_before(end)) / 2.0
        };
        let mut blocks = Vec::with_capacity(SILHOUETTE_BLOCKS);
        let mut first = 0;
        for b in 1..=SILHOUETTE_BLOCKS {
            let wanted = total * b as f64 / SILHOUETTE_BLOCKS as f64;
            let mut end = first;
            while end < cells && (b == SILHOUETTE_BLOCKS || midpoint(end) <= wanted) {
                end += 1;
            }
            blocks.push(first..end);
            first = end;
        }
        blocks
    }

    /// Whether `sums` has the shape of `cells`' block (a helper's answer is
    /// checked before it is added).
    pub fn fits(&self, cells: &std::ops::Range<usize>, sums: &BlockSums) -> bool {
        self.shape(cells) == (sums.first_row, sums.sums.len())
    }

    /// The first row and the length of the sums of `cells`' block.
    pub fn shape(&self, cells: &std::ops::Range<usize>) -> (usize, usize) {
        let first_row = self.starts.get(cells.start).copied().unwrap_or(self.n);
        (first_row, (self.n - first_row.min(self.n)) * self.stride)
    }

    /// The distance sums of one block of cells.
    pub fn block(&self, cells: std::ops::Range<usize>) -> BlockSums {
        let starts = &self.starts;
        let first_row = starts.get(cells.start).copied().unwrap_or(self.n);
        let mut by_cluster = vec![0.0f64; (self.n - first_row) * self.stride];
        let (stride, per_cell) = (self.stride, self.per_cell);
        let add = |by_cluster: &mut [f64], point: usize, cell: usize, sum: f64| {
            let row = point - first_row;
            let row = by_cluster
                .get_mut(row * stride..(row + 1) * stride)
                .unwrap_or_default();
            let slots = self
                .targets
                .get(cell * per_cell..(cell + 1) * per_cell)
                .unwrap_or_default();
            for &slot in slots {
                if let Some(total) = row.get_mut(slot) {
                    *total += sum;
                }
            }
        };
        let (xs, ys, zs) = (&self.xs, &self.ys, &self.zs);
        let n = self.n;
        let cell_count = starts.len().saturating_sub(1);
        let mut column = vec![0.0f64; n];
        let mut sums = vec![0.0f64; cell_count];
        for c in cells.start..cells.end.min(cell_count) {
            column[starts[c]..].iter_mut().for_each(|s| *s = 0.0);
            for i in starts[c]..starts[c + 1] {
                let p = [xs[i], ys[i], zs[i]];
                let after = i + 1;
                distance_row(
                    &p,
                    (&xs[after..], &ys[after..], &zs[after..]),
                    &mut column[after..],
                    &starts[c + 1..],
                    after,
                    &mut sums[c..],
                );
                for (d, &sum) in sums.iter().enumerate().skip(c) {
                    if after.max(starts[d]) < starts[d + 1] {
                        add(&mut by_cluster, i, d, sum);
                    }
                }
            }
            // column[j]: j's distances to the points of cell c before it.
            for (j, &sum) in column.iter().enumerate().skip(starts[c]) {
                add(&mut by_cluster, j, c, sum);
            }
        }
        BlockSums {
            first_row,
            sums: by_cluster,
        }
    }

    /// The mean silhouette of each labeling, from every block's sums (added
    /// in the order given: the blocks' order).
    pub fn finish(&self, blocks: &[BlockSums]) -> Vec<f64> {
        let n = self.n;
        if n == 0 {
            return vec![0.0; self.compact.len()];
        }
        let stride = self.stride;
        let mut by_cluster = vec![0.0f64; n * stride];
        for block in blocks {
            let from = block.first_row.min(n) * stride;
            for (total, &part) in by_cluster[from..].iter_mut().zip(&block.sums) {
                *total += part;
            }
        }
        let mut totals = vec![0.0f64; self.compact.len()];
        for (position, &i) in self.order.iter().enumerate() {
            let row = &by_cluster[position * stride..position * stride + self.width];
            for (((labels, sizes), total), &offset) in self
                .compact
                .iter()
                .zip(&self.sizes)
                .zip(totals.iter_mut())
                .zip(&self.offsets)
            {
                let sums = &row[offset..offset + sizes.len()];
                let Some(own) = labels.get(i).map(|&l| usize::from(l)) else {
                    continue;
                };
                if sizes.get(own).is_none_or(|&s| s <= 1) {
                    continue; // sklearn: a singleton cluster's silhouette is 0
                }
                // The distance to itself is 0, so it adds nothing to the own sum.
                let a = sums[own] / (sizes[own] - 1) as f64;
                let b = (0..sizes.len())
                    .filter(|&c| c != own && sizes[c] > 0)
                    .map(|c| sums[c] / sizes[c] as f64)
                    .fold(f64::INFINITY, f64::min);
                if b.is_finite() && a.max(b) > 0.0 {
                    *total += (b - a) / a.max(b);
                }
            }
        }
        totals.into_iter().map(|t| t / n as f64).collect()
    }
}

/// The distances from `p` to the points (`xs`, `ys`, `zs`, which start at
/// position `from`), cell by cell: each added to `column` point by point,
/// and summed per cell into `sums` (the cells end at `ends`). One call per
/// point: V8 swaps optimised WebAssembly in only between calls, and a call
/// per point and cell (≈ 2M at 10k points and 200 cells) cost more than
/// the short loops it ran.
#[inline(never)]
fn distance_row(
    p: &Point,
    (xs, ys, zs): (&[f64], &[f64], &[f64]),
    column: &mut [f64],
    ends: &[usize],
    from: usize,
    sums: &mut [f64],
) {
    let mut start = 0;
    for (&end, sum) in ends.iter().zip(sums.iter_mut()) {
        let end = end.saturating_sub(from).max(start);
        *sum = match (xs.get(start..end), ys.get(start..end), zs.get(start..end)) {
            (Some(xs), Some(ys), Some(zs)) => match column.get_mut(start..end) {
                Some(column) => distance_sums(p, xs, ys, zs, column),
                None => 0.0,
            },
            _ => 0.0,
        };
        start = end;
    }
}

/// A distance from its square: the root taken in single precision (within
/// ≈ 1e-7 of the exact one; four per vector instruction in WebAssembly): in
/// double precision the roots
/// were most of the silhouettes' time (≈ 50M of them at 10k points, two per
/// vector instruction, each instruction ≈ 9 cycles).
#[inline(always)]
fn root(squared: f64) -> f64 {
    f64::from((squared as f32).sqrt())
}

/// The distances from `p` to the points (`xs`, `ys`, `zs`): added to `column`
/// point by point, and returned summed (in four running sums). In
/// WebAssembly the same operations as [`distance_sums_portable`], as vector
/// instructions; the two agree to the last bit.
#[inline(always)]
fn distance_sums(p: &Point, xs: &[f64], ys: &[f64], zs: &[f64], column: &mut [f64]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return distance_sums_simd(p, xs, ys, zs, column);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    return distance_sums_portable(p, xs, ys, zs, column);
}

#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
#[inline(always)]
fn distance_sums_portable(
    p: &Point,
    xs: &[f64],
    ys: &[f64],
    zs: &[f64],
    column: &mut [f64],
) -> f64 {
    // Equal lengths by construction; re-sliced so the loop has no bounds checks.
    let n = column.len().min(xs.len()).min(ys.len()).min(zs.len());
    let (xs, ys, zs, column) = (&xs[..n], &ys[..n], &zs[..n], &mut column[..n]);
    let mut sums = [0.0f64; 4];
    let mut quads = column.chunks_exact_mut(4);
    let mut j = 0;
    for out in quads.by_ref() {
        for lane in 0..4 {
            let (x, y, z) = (
                xs[j + lane] - p[0],
                ys[j + lane] - p[1],
                zs[j + lane] - p[2],
            );
            let d = root(x * x + y * y + z * z);
            sums[lane] += d;
            out[lane] += d;
        }
        j += 4;
    }
    let rest = j..n;
    sums[0] = add_rest(
        p,
        (&xs[rest.clone()], &ys[rest.clone()], &zs[rest]),
        quads.into_remainder(),
        sums[0],
    );
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// The distances from `p` to the last few points, past the last four: added
/// to `column` and to `sum` (the first running sum), which is returned.
#[inline(always)]
fn add_rest(
    p: &Point,
    (xs, ys, zs): (&[f64], &[f64], &[f64]),
    column: &mut [f64],
    mut sum: f64,
) -> f64 {
    for (((out, x), y), z) in column.iter_mut().zip(xs).zip(ys).zip(zs) {
        let (x, y, z) = (x - p[0], y - p[1], z - p[2]);
        let d = root(x * x + y * y + z * z);
        sum += d;
        *out += d;
    }
    sum
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn distance_sums_simd(p: &Point, xs: &[f64], ys: &[f64], zs: &[f64], column: &mut [f64]) -> f64 {
    use core::arch::wasm32::*;
    let n = column.len().min(xs.len()).min(ys.len()).min(zs.len());
    let (xs, ys, zs, column) = (&xs[..n], &ys[..n], &zs[..n], &mut column[..n]);
    let (px, py, pz) = (f64x2_splat(p[0]), f64x2_splat(p[1]), f64x2_splat(p[2]));
    let mut low_sums = f64x2_splat(0.0);
    let mut high_sums = f64x2_splat(0.0);
    let mut quads = column.chunks_exact_mut(4);
    let mut j = 0;
    for out in quads.by_ref() {
        let squared = |k: usize| {
            let x = f64x2_sub(f64x2(xs[j + k], xs[j + k + 1]), px);
            let y = f64x2_sub(f64x2(ys[j + k], ys[j + k + 1]), py);
            let z = f64x2_sub(f64x2(zs[j + k], zs[j + k + 1]), pz);
            f64x2_add(f64x2_add(f64x2_mul(x, x), f64x2_mul(y, y)), f64x2_mul(z, z))
        };
        let narrow = i32x4_shuffle::<0, 1, 4, 5>(
            f32x4_demote_f64x2_zero(squared(0)),
            f32x4_demote_f64x2_zero(squared(2)),
        );
        let roots = f32x4_sqrt(narrow);
        let low = f64x2_promote_low_f32x4(roots);
        let high = f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 2, 3>(roots, roots));
        low_sums = f64x2_add(low_sums, low);
        high_sums = f64x2_add(high_sums, high);
        let low_out = f64x2_add(f64x2(out[0], out[1]), low);
        let high_out = f64x2_add(f64x2(out[2], out[3]), high);
        out[0] = f64x2_extract_lane::<0>(low_out);
        out[1] = f64x2_extract_lane::<1>(low_out);
        out[2] = f64x2_extract_lane::<0>(high_out);
        out[3] = f64x2_extract_lane::<1>(high_out);
        j += 4;
    }
    let rest = j..n;
    let first = add_rest(
        p,
        (&xs[rest.clone()], &ys[rest.clone()], &zs[rest]),
        quads.into_remainder(),
        f64x2_extract_lane::<0>(low_sums),
    );
    (first + f64x2_extract_lane::<1>(low_sums))
        + (f64x2_extract_lane::<0>(high_sums) + f64x2_extract_lane::<1>(high_sums))
}

/// The cells of several labelings' common refinement: each point's cell, and
/// per labeling each cell's cluster.
fn common_refinement(labelings: &[Vec<u8>], n: usize) -> (Vec<u32>, Vec<Vec<u8>>) {
    let mut index: std::collections::HashMap<Vec<u8>, u32> = std::collections::HashMap::new();
    let mut cell_labels: Vec<Vec<u8>> = vec![Vec::new(); labelings.len()];
    let cell_of = (0..n)
        .map(|i| {
            let key: Vec<u8> = labelings
                .iter()
                .map(|l| l.get(i).copied().unwrap_or(0))
                .collect();
            let next = index.len() as u32;
            *index.entry(key.clone()).or_insert_with(|| {
                for (cells, &label) in cell_labels.iter_mut().zip(&key) {
                    cells.push(label);
                }
                next
            })
        })
        .collect();
    (cell_of, cell_labels)
}

fn cluster_means(points: &[Point], labels: &[usize], k: usize) -> (Vec<Point>, Vec<usize>) {
    let mut sums = vec![[0.0; 3]; k];
    let mut sizes = vec![0usize; k];
    for (p, &l) in points.iter().zip(labels) {
        for d in 0..3 {
            sums[l][d] += p[d];
        }
        sizes[l] += 1;
    }
    let means = sums
        .iter()
        .zip(&sizes)
        .map(|(s, &n)| s.map(|v| if n > 0 { v / n as f64 } else { 0.0 }))
        .collect();
    (means, sizes)
}

pub fn calinski_harabasz(points: &[Point], labels: &[usize], k: usize) -> f64 {
    let n = points.len();
    let (means, sizes) = cluster_means(points, labels, k);
    let (overall, _) = cluster_means(points, &vec![0; n], 1);
    let overall = overall.first().copied().unwrap_or([0.0; 3]);
    let extra: f64 = means
        .iter()
        .zip(&sizes)
        .map(|(m, &s)| s as f64 * dist2(m, &overall))
        .sum();
    let intra: f64 = points
        .iter()
        .zip(labels)
        .map(|(p, &l)| dist2(p, &means[l]))
        .sum();
    if intra == 0.0 || k < 2 {
        1.0
    } else {
        extra * (n - k) as f64 / (intra * (k - 1) as f64)
    }
}

pub fn davies_bouldin(points: &[Point], labels: &[usize], k: usize) -> f64 {
    let (means, sizes) = cluster_means(points, labels, k);
    let mut spread = vec![0.0; k];
    for (p, &l) in points.iter().zip(labels) {
        spread[l] += dist2(p, &means[l]).sqrt();
    }
    for (s, &n) in spread.iter_mut().zip(&sizes) {
        *s = if n > 0 { *s / n as f64 } else { 0.0 };
    }
    if spread.iter().all(|&s| s == 0.0) {
        return 0.0;
    }
    let worst: f64 = (0..k)
        .map(|i| {
            (0..k)
                .filter(|&j| j != i)
                .map(|j| {
                    let separation = dist2(&means[i], &means[j]).sqrt();
                    if separation == 0.0 {
                        0.0
                    } else {
                        (spread[i] + spread[j]) / separation
                    }
                })
                .fold(0.0, f64::max)
        })
        .sum();
    worst / k as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two clusters on a line: {0, 1} and {4, 5} (first coordinate).
    fn data() -> (Vec<Point>, Vec<usize>) {
        (
            vec![
                [0.0, 0.0, 0.0],
                [1.0, 0.0, 0.0],
                [4.0, 0.0, 0.0],
                [5.0, 0.0, 0.0],
            ],
            vec![0, 0, 1, 1],
        )
    }

    #[test]
    fn silhouette_by_hand() {
        let (p, l) = data();
        // Point 0: a = 1, b = (4+5)/2 = 4.5 → 3.5/4.5. Point 1: a = 1, b = 3.5 → 2.5/3.5. Symmetric.
        let expected = (3.5 / 4.5 + 2.5 / 3.5) / 2.0;
        let s = silhouettes(&p, &[l.clone(), vec![0, 1, 2, 2]], &[2, 3]);
        assert!((s[0] - expected).abs() < 1e-12, "{}", s[0]);
        // Labeling 2: points 0 and 1 are singletons (0); point 2 (x=4): a = 1, b = min(4, 3) = 3 → 2/3; point 3 (x=5): b = min(5, 4) = 4 → 3/4.
        let expected2 = (0.0 + 0.0 + 2.0 / 3.0 + 3.0 / 4.0) / 4.0;
        assert!((s[1] - expected2).abs() < 1e-12, "{}", s[1]);
    }

    /// The textbook definition, one labeling at a time.
    fn naive_silhouette(points: &[Point], labels: &[usize]) -> f64 {
        let n = points.len();
        let total: f64 = (0..n)
            .map(|i| {
                let mean_to = |c: usize, skip_self: bool| {
                    let members: Vec<usize> = (0..n)
                        .filter(|&j| labels[j] == c && !(skip_self && j == i))
                        .collect();
                    let sum: f64 = members
                        .iter()
                        .map(|&j| dist2(&points[i], &points[j]).sqrt())
                        .sum();
                    (sum / members.len().max(1) as f64, members.len())
                };
                let (a, own_others) = mean_to(labels[i], true);
                if own_others == 0 {
                    return 0.0;
                }
                let b = (0..=*labels.iter().max().unwrap())
                    .filter(|&c| c != labels[i] && labels.contains(&c))
                    .map(|c| mean_to(c, false).0)
                    .fold(f64::INFINITY, f64::min);
                (b - a) / a.max(b)
            })
            .sum();
        total / n as f64
    }

    #[test]
    fn shared_silhouettes_equal_the_definition_per_labeling() {
        use rand_xoshiro::rand_core::{RngCore, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(7);
        let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let points: Vec<Point> = (0..300).map(|_| [unit(), unit(), unit() * 3.0]).collect();
        let ks = [2, 3, 5, 9];
        // Labelings by thresholds (nested-ish, like a k sweep) and one random one.
        let mut labelings: Vec<Vec<usize>> = ks[..3]
            .iter()
            .map(|&k| {
                points
                    .iter()
                    .map(|p| ((p[2] / 3.0 * k as f64) as usize).min(k - 1))
                    .collect()
            })
            .collect();
        labelings.push((0..points.len()).map(|i| (i * 7 + i / 5) % 9).collect());
        let shared = silhouettes(&points, &labelings, &ks);
        for (labels, s) in labelings.iter().zip(&shared) {
            let expected = naive_silhouette(&points, labels);
            assert!((s - expected).abs() < 1e-9, "{s} vs {expected}");
        }
        assert!(shared[0] > 0.3, "threshold clusters are well separated");
    }

    #[test]
    fn the_pass_is_cut_into_fixed_blocks_of_even_work_covering_every_cell() {
        use rand_xoshiro::rand_core::{RngCore, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(11);
        let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let points: Vec<Point> = (0..2000).map(|_| [unit(), unit(), unit()]).collect();
        // Bands across x and across y: 6 × 9 cells of ≈ 37 points each.
        let ks = [6, 9];
        let labelings: Vec<Vec<usize>> = ks
            .iter()
            .enumerate()
            .map(|(axis, &k)| {
                points
                    .iter()
                    .map(|p| ((p[axis] * k as f64) as usize).min(k - 1))
                    .collect()
            })
            .collect();
        let pass = SilhouettePass::new(&points, &labelings, &ks);
        let blocks = pass.blocks();
        assert_eq!(blocks.len(), SILHOUETTE_BLOCKS);
        assert_eq!(blocks[0].start, 0);
        for pair in blocks.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        assert_eq!(blocks[SILHOUETTE_BLOCKS - 1].end, pass.starts.len() - 1);
        // Each block a fair share of the n²/2 pairs (a cell here holds ≈ 1/54
        // of the points, so a block can be off by about half a cell).
        let pairs = |r: &std::ops::Range<usize>| -> f64 {
            (pass.starts[r.start]..pass.starts[r.end])
                .map(|i| (points.len() - i - 1) as f64)
                .sum()
        };
        let total: f64 = blocks.iter().map(pairs).sum();
        for block in &blocks {
            let share = pairs(block) / total;
            assert!((share - 0.125).abs() < 0.03, "{block:?}: {share}");
        }
        // Blocks computed apart (in any order, as workers would) and added
        // in block order: the definition, and the same bits each time.
        let mut computed: Vec<(usize, BlockSums)> = blocks
            .iter()
            .enumerate()
            .rev()
            .map(|(i, b)| (i, pass.block(b.clone())))
            .collect();
        computed.sort_by_key(|(i, _)| *i);
        let apart: Vec<BlockSums> = computed.into_iter().map(|(_, b)| b).collect();
        assert!(blocks
            .iter()
            .zip(&apart)
            .all(|(b, sums)| pass.fits(b, sums)));
        assert!(
            !pass.fits(&blocks[1], &apart[0]),
            "a block's sums are not another's"
        );
        let measured = pass.finish(&apart);
        assert_eq!(measured, silhouettes(&points, &labelings, &ks));
        for (labels, s) in labelings.iter().zip(&measured) {
            let expected = naive_silhouette(&points, labels);
            assert!((s - expected).abs() < 1e-9, "{s} vs {expected}");
        }
    }

    #[test]
    fn calinski_harabasz_and_davies_bouldin_by_hand() {
        let (p, l) = data();
        // Means 0.5 and 4.5, overall 2.5: extra = 2×4 + 2×4 = 16; intra = 4 × 0.25 = 1 → 16×2/(1×1) = 32.
        assert!((calinski_harabasz(&p, &l, 2) - 32.0).abs() < 1e-12);
        // Spreads 0.5 each, separation 4 → (0.5+0.5)/4 = 0.25.
        assert!((davies_bouldin(&p, &l, 2) - 0.25).abs() < 1e-12);
        // Inertia around the means: 4 × 0.25.
        assert!((inertia(&p, &l, &[[0.5, 0.0, 0.0], [4.5, 0.0, 0.0]]) - 1.0).abs() < 1e-12);
    }
}
