//! k-means (our own Lloyd with greedy k-means++ seeding and seeded
//! restarts, not linfa's) and the k sweep with quality metrics and a
//! recommended k.

use super::kmeans_settings::KMeansSettings;
use super::labels::{order_by_value, sample_indices, Clustering, SILHOUETTE_SAMPLE};
use super::metrics;
use super::points::{dist2, distinct_points, Point};
use super::restarts;
use crate::engine::error::AnalysisError;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

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

/// Above this many customers, k-means' restarts run on a seeded sample of
/// this size and only the best few are refined on all customers. Measured on
/// generated 540k- and 1M-row files (18k and 33k customers), k = 2..10: the
/// inertia is within 0.02% of restarting on everyone, as close as another
/// seed gets, and the sweep takes 40–45% less time (200k imported customers
/// took 45 s in Chromium with every restart on everyone).
pub const RESTART_SAMPLE: usize = 10_000;

/// How many of the best restarts are refined: run on to the full tolerance
/// (on all customers when the restarts ran on a sample).
const REFINED_CANDIDATES: usize = 3;

/// The restarts stop at this many times the tolerance; only the best
/// [`REFINED_CANDIDATES`] run on to the full tolerance. Lloyd's state is its
/// centroids, so running on is exactly what one run to the full tolerance
/// would have done: the result differs from that only when the eventual best
/// restart was not among the three best at the looser tolerance. Measured on
/// generated 100k-, 540k- and 1M-row files, k = 2..10: Lloyd's work 32–38%
/// less (most of a restart's iterations are its slow last approach), the
/// inertia within 0.02% of running every restart to the end (sometimes
/// lower), as close as another seed gets.
const RESTART_TOLERANCE_FACTOR: f64 = 10.0;

/// Where the restarts run and how far, before the best are refined.
#[derive(Debug, Clone, Copy)]
struct RestartPlan {
    /// The restarts run on a seeded sample of this many customers, if fewer than all.
    sample: usize,
    /// Multiplies the tolerance of the restarts.
    tolerance_factor: f64,
}

impl Default for RestartPlan {
    fn default() -> Self {
        Self {
            sample: RESTART_SAMPLE,
            tolerance_factor: RESTART_TOLERANCE_FACTOR,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub k: usize,
    pub reason: String,
}

/// Fits k-means with `k` clusters. Deterministic for a given seed.
pub fn fit(
    points: &[Point],
    k: usize,
    settings: &KMeansSettings,
) -> Result<Clustering, AnalysisError> {
    settings.check()?;
    fit_checked(points, k, settings)
}

/// [`fit`] with settings that passed [`KMeansSettings::check`].
pub(super) fn fit_checked(
    points: &[Point],
    k: usize,
    settings: &KMeansSettings,
) -> Result<Clustering, AnalysisError> {
    fit_with_plan(points, k, settings, RestartPlan::default())
}

fn fit_with_plan(
    points: &[Point],
    k: usize,
    settings: &KMeansSettings,
    plan: RestartPlan,
) -> Result<Clustering, AnalysisError> {
    if k < 2 {
        return Err(AnalysisError::KTooSmall(k));
    }
    let distinct = distinct_points(points);
    if k > distinct {
        return Err(AnalysisError::KTooLarge { k, distinct });
    }
    // Each restart: greedy k-means++ seeding, then Lloyd iterations; the
    // lowest inertia wins (scikit-learn's algorithm). Lloyd is written out for
    // 3-D points: linfa's generic KMeans (its m_k-means update and per-row
    // ndarray views) measured 2.8 s for k = 10 on 20k customers, this ~30 ms.
    let mut rng = Xoshiro256Plus::seed_from_u64(settings.seed);
    // Many customers: the restarts run on a seeded sample. The best few are
    // refined on everyone (see `RestartPlan`).
    let sample: Vec<Point>;
    let restart_points = if points.len() > plan.sample {
        sample = sample_indices(points.len(), plan.sample, settings.seed)
            .into_iter()
            .map(|i| points[i])
            .collect();
        sample.as_slice()
    } else {
        points
    };
    // When the best restarts are refined, the restarts only choose which:
    // their nearest centres are found in single precision (see `restarts`).
    let refined = restart_points.len() < points.len() || plan.tolerance_factor != 1.0;
    let narrow = refined.then(|| restarts::NarrowColumns::new(restart_points));
    let max_iterations = settings.max_iterations;
    let restart_tolerance = settings.tolerance * plan.tolerance_factor;
    let mut runs: Vec<(Vec<Point>, f64)> = Vec::new();
    for _ in 0..settings.n_runs {
        let seeds = greedy_kmeans_plus_plus(restart_points, k, &mut rng);
        runs.push(match &narrow {
            Some(columns) => restarts::lloyd_narrow(
                restart_points,
                columns,
                seeds,
                max_iterations,
                restart_tolerance,
            ),
            None => lloyd(restart_points, seeds, max_iterations, restart_tolerance),
        });
    }
    if refined {
        // The best few, refined; the lowest inertia wins.
        runs.sort_by(|a, b| a.1.total_cmp(&b.1));
        runs.truncate(REFINED_CANDIDATES);
        runs = runs
            .into_iter()
            .map(|(centroids, _)| lloyd(points, centroids, max_iterations, settings.tolerance))
            .collect();
    }
    let Some((centroids, _)) = runs
        .into_iter()
        .reduce(|best, run| if run.1 < best.1 { run } else { best })
    else {
        return Err(AnalysisError::Clustering("no run converged".into()));
    };
    let table = CentreTable::new(&centroids);
    let labels: Vec<usize> = points.iter().map(|p| table.nearest(p)).collect();
    let (centroids, labels) = order_by_value(centroids, labels, k);
    Ok(Clustering {
        k,
        inertia: metrics::inertia(points, &labels, &centroids),
        silhouette: 0.0,
        calinski_harabasz: metrics::calinski_harabasz(points, &labels, k),
        davies_bouldin: metrics::davies_bouldin(points, &labels, k),
        labels: labels.iter().map(|&l| l as u8).collect(),
        centroids,
    })
}

/// k-means++ seeding with 2 + ln(k) candidates per centre, keeping the
/// candidate that lowers the total squared distance most (the greedy variant
/// scikit-learn uses).
#[inline(never)]
fn greedy_kmeans_plus_plus(points: &[Point], k: usize, rng: &mut Xoshiro256Plus) -> Vec<Point> {
    let uniform = |rng: &mut Xoshiro256Plus| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let n = points.len();
    let first = points[(rng.next_u64() % n as u64) as usize];
    let mut centres = vec![first];
    let mut closest: Vec<f64> = points.iter().map(|p| dist2(p, &first)).collect();
    let trials = 2 + (k as f64).ln() as usize;
    while centres.len() < k {
        let total = sum_in_lanes(&closest);
        let mut best: Option<(f64, usize)> = None;
        for _ in 0..trials {
            // Draw an index with probability proportional to its squared distance.
            let mut target = uniform(rng) * total;
            let mut candidate = n - 1;
            for (i, d) in closest.iter().enumerate() {
                if target < *d {
                    candidate = i;
                    break;
                }
                target -= d;
            }
            let potential = potential_with(points, &closest, &points[candidate]);
            if best.is_none_or(|(b, _)| potential < b) {
                best = Some((potential, candidate));
            }
        }
        let Some((_, candidate)) = best else {
            break;
        };
        let c = points[candidate];
        for (d, p) in closest.iter_mut().zip(points) {
            *d = smaller(*d, dist2(p, &c));
        }
        centres.push(c);
    }
    centres
}

/// Lanes of the running sums below: one sum is a chain of dependent adds,
/// each waiting for the last (≈ 4 cycles apiece); four independent ones
/// keep the adder busy and go two per vector instruction.
const SUM_LANES: usize = 4;

/// The sum of `values`, in [`SUM_LANES`] running sums.
fn sum_in_lanes(values: &[f64]) -> f64 {
    let mut sums = [0.0f64; SUM_LANES];
    let mut chunks = values.chunks_exact(SUM_LANES);
    for chunk in &mut chunks {
        for (sum, value) in sums.iter_mut().zip(chunk) {
            *sum += value;
        }
    }
    for (sum, value) in sums.iter_mut().zip(chunks.remainder()) {
        *sum += value;
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// The k-means++ potential once `c` is a centre too: the sum over points of
/// the smaller of `closest` (each point's squared distance to its nearest
/// centre so far) and its squared distance to `c`, in [`SUM_LANES`] sums.
#[inline(never)]
fn potential_with(points: &[Point], closest: &[f64], c: &Point) -> f64 {
    let mut sums = [0.0f64; SUM_LANES];
    let mut point_chunks = points.chunks_exact(SUM_LANES);
    let mut closest_chunks = closest.chunks_exact(SUM_LANES);
    for (ps, ds) in (&mut point_chunks).zip(&mut closest_chunks) {
        for lane in 0..SUM_LANES {
            sums[lane] += smaller(ds[lane], dist2(&ps[lane], c));
        }
    }
    let rest = point_chunks
        .remainder()
        .iter()
        .zip(closest_chunks.remainder());
    for (sum, (p, d)) in sums.iter_mut().zip(rest) {
        *sum += smaller(*d, dist2(p, c));
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// The smaller of two distances. `f64::min` handles NaN specially, which in
/// WebAssembly is a call to `fmin` instead of one instruction.
#[inline]
fn smaller(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// Lloyd's algorithm from `centroids`. Stops when the total squared
/// centroid shift is ≤ `tolerance` (features are standardised, so this is
/// scikit-learn's relative tolerance). An empty cluster keeps its centroid.
/// Returns the centroids and the inertia of the final assignment.
///
/// In WebAssembly the sweep's ks run a copy compiled for their k: with k
/// known, the nearest-centre search is k straight-line distance computations
/// with no padding lanes or loop bookkeeping (wasm gets no vector code from
/// the generic version; the sweep measured 1.45 → 1.05 s in V8 on the
/// 540k-row file). Natively the generic version's vector code is faster
/// (620 vs 790 ms). Every copy computes the same distances in the same order
/// with the same tie-breaking: bit-for-bit the generic result (tested).
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

/// Fits every k in `k_min..=k_max` (clamped to the distinct points), then
/// fills in silhouettes in one shared pass. `progress(done, total)` after each k.
pub fn sweep(
    points: &[Point],
    k_min: usize,
    k_max: usize,
    settings: &KMeansSettings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Clustering>, AnalysisError> {
    let ks = sweep_ks(points, k_min, k_max)?;
    fit_ks(points, &ks, settings, progress)
}

/// The ks a sweep over `k_min..=k_max` fits: clamped to the distinct points.
pub fn sweep_ks(points: &[Point], k_min: usize, k_max: usize) -> Result<Vec<usize>, AnalysisError> {
    let distinct = distinct_points(points);
    if distinct < 2 {
        return Err(AnalysisError::TooFewDistinct(distinct));
    }
    let k_min = k_min.max(2);
    let k_max = k_max.min(distinct);
    if k_min > k_max {
        return Err(AnalysisError::KTooLarge { k: k_min, distinct });
    }
    Ok((k_min..=k_max).collect())
}

/// Splits a sweep's ks into two shares of about equal work, for two
/// workers: the first no lighter than the second (a single k is all first).
/// Each share is sorted.
pub fn split_ks(ks: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let costs: Vec<f64> = ks.iter().map(|&k| fit_cost(k)).collect();
    let in_lighter = match ks.len() <= MAX_KS_SPLIT_EXACTLY {
        true => lighter_half_exactly(&costs),
        false => lighter_half_greedily(&costs),
    };
    let mut heavier: Vec<usize> = Vec::new();
    let mut lighter: Vec<usize> = Vec::new();
    for (&k, lighter_one) in ks.iter().zip(in_lighter) {
        match lighter_one {
            true => lighter.push(k),
            false => heavier.push(k),
        }
    }
    // The greedy split's last k can tip its "lighter" share over.
    let cost = |share: &[usize]| share.iter().map(|&k| fit_cost(k)).sum::<f64>();
    if cost(&heavier) < cost(&lighter) {
        std::mem::swap(&mut heavier, &mut lighter);
    }
    heavier.sort_unstable();
    lighter.sort_unstable();
    (heavier, lighter)
}

/// Sweeps of up to this many ks are split by trying every subset.
const MAX_KS_SPLIT_EXACTLY: usize = 16;

/// A fit's relative cost: a little more than proportional to k (natively at
/// 540k rows, k = 2 took 11–14 ms, k = 5 32–36 ms, k = 10 69–71 ms).
fn fit_cost(k: usize) -> f64 {
    (k as f64).powf(1.3)
}

/// The heaviest subset of at most half the total cost, tried exhaustively:
/// the greedy split (largest first, to the lighter share) left a sweep of
/// k = 2..10 with 10% more work on one worker.
fn lighter_half_exactly(costs: &[f64]) -> Vec<bool> {
    let half = costs.iter().sum::<f64>() / 2.0;
    let cost_of = |mask: u32| -> f64 {
        (0..costs.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| costs[i])
            .sum()
    };
    let best = (0..1u32 << costs.len())
        .map(|mask| (mask, cost_of(mask)))
        .filter(|&(_, cost)| cost <= half)
        .fold((0, 0.0), |best, next| match next.1 > best.1 {
            true => next,
            false => best,
        });
    (0..costs.len()).map(|i| best.0 & (1 << i) != 0).collect()
}

/// Largest cost first, each to the lighter share so far.
fn lighter_half_greedily(costs: &[f64]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[b].total_cmp(&costs[a]));
    let mut in_lighter = vec![false; costs.len()];
    let (mut heavier, mut lighter) = (0.0, 0.0);
    for i in order {
        if lighter < heavier {
            in_lighter[i] = true;
            lighter += costs[i];
        } else {
            heavier += costs[i];
        }
    }
    in_lighter
}

/// Fits each of `ks`, then fills in their silhouettes in one shared pass.
/// `progress(done, total)` after each k and after the silhouettes.
pub fn fit_ks(
    points: &[Point],
    ks: &[usize],
    settings: &KMeansSettings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Clustering>, AnalysisError> {
    settings.check()?;
    let total = ks.len() + 1; // + the silhouette pass
    let mut results = Vec::new();
    for &k in ks {
        results.push(fit_checked(points, k, settings)?);
        progress(results.len(), total);
    }
    let sample = silhouette_sample(points.len(), settings.seed);
    let sampled: Vec<Point> = sample.iter().map(|&i| points[i]).collect();
    let labelings: Vec<Vec<usize>> = results
        .iter()
        .map(|c| sample.iter().map(|&i| usize::from(c.labels[i])).collect())
        .collect();
    let ks: Vec<usize> = results.iter().map(|c| c.k).collect();
    for (c, s) in results
        .iter_mut()
        .zip(metrics::silhouettes(&sampled, &labelings, &ks))
    {
        c.silhouette = s;
    }
    progress(total, total);
    Ok(results)
}

/// All indices when small enough, else a seeded sample of [`SILHOUETTE_SAMPLE`].
fn silhouette_sample(n: usize, seed: u64) -> Vec<usize> {
    sample_indices(n, SILHOUETTE_SAMPLE, seed)
}

/// The k with the highest silhouette (best-separated clusters); among k
/// within 0.01 of it, the smallest (simpler to act on). The elbow of the
/// inertia curve is mentioned for context.
pub fn recommend(sweep: &[Clustering]) -> Option<Recommendation> {
    let best = sweep
        .iter()
        .map(|c| c.silhouette)
        .fold(f64::NEG_INFINITY, f64::max);
    let chosen = sweep
        .iter()
        .filter(|c| c.silhouette >= best - 0.01)
        .min_by_key(|c| c.k)?;
    let mut reason = format!(
        "k = {} gives the best-separated clusters (silhouette {:.2}; higher is better)",
        chosen.k, chosen.silhouette
    );
    if chosen.silhouette < best {
        reason.push_str(&format!(
            ", within 0.01 of the best ({best:.2}) with fewer clusters"
        ));
    }
    if let Some(elbow) = elbow(sweep) {
        reason.push_str(&format!("; the inertia curve bends at k = {elbow}"));
    }
    Some(Recommendation {
        k: chosen.k,
        reason: reason + ".",
    })
}

/// The k where inertia's decrease slows the most (largest second difference).
pub fn elbow(sweep: &[Clustering]) -> Option<usize> {
    sweep
        .windows(3)
        .map(|w| {
            (
                w[1].k,
                (w[0].inertia - w[1].inertia) - (w[1].inertia - w[2].inertia),
            )
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::super::kmeans_settings::KMeansSettingsError;
    use super::super::points::nearest;
    use super::*;

    /// Three tight blobs of different "value" (monetary = third coordinate).
    fn blobs() -> Vec<Point> {
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
    fn rfm_like(n: usize, seed: u64) -> Vec<Point> {
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
    fn a_sweep_split_in_two_fits_the_same_clusterings() {
        let points = rfm_like(4_000, 8);
        let settings = KMeansSettings::default();
        let ks = sweep_ks(&points, 2, 10).unwrap();
        let (first, second) = split_ks(&ks);
        let cost = |share: &[usize]| share.iter().map(|&k| fit_cost(k)).sum::<f64>();
        // The heavier share first, less apart than the cheapest fit (the
        // greedy split, {2, 3, 6, 7, 10} against {4, 5, 8, 9}, was not).
        assert!(cost(&first) >= cost(&second));
        assert!(
            cost(&first) - cost(&second) < fit_cost(2),
            "{first:?} {second:?}"
        );
        assert_eq!(split_ks(&[4]), (vec![4], vec![]));
        assert_eq!(split_ks(&[2, 3]), (vec![3], vec![2]));
        let many: Vec<usize> = (2..=30).collect();
        let (heavier, lighter) = split_ks(&many);
        assert_eq!(heavier.len() + lighter.len(), many.len());
        assert!(cost(&heavier) >= cost(&lighter), "{heavier:?} {lighter:?}");
        assert!(cost(&heavier) - cost(&lighter) < fit_cost(30));
        let whole = sweep(&points, 2, 10, &settings, &mut |_, _| {}).unwrap();
        let mut halves = fit_ks(&points, &first, &settings, &mut |_, _| {}).unwrap();
        halves.extend(fit_ks(&points, &second, &settings, &mut |_, _| {}).unwrap());
        halves.sort_by_key(|c| c.k);
        assert_eq!(halves.len(), whole.len());
        for (half, one) in halves.iter().zip(&whole) {
            assert_eq!(
                (half.k, &half.labels, half.inertia),
                (one.k, &one.labels, one.inertia)
            );
            // Silhouettes summed in another grouping: equal up to rounding.
            assert!(
                (half.silhouette - one.silhouette).abs() < 1e-12,
                "k = {}",
                one.k
            );
        }
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

    #[test]
    fn lloyd_for_a_fixed_k_is_bit_for_bit_the_generic_one() {
        // An odd count (the last point has no pair), and points on an integer
        // grid with a repeated centre: exact ties go to the lower index.
        let mut points = rfm_like(3_001, 11);
        points.extend((0..999).map(|i| [(i % 10) as f64, (i / 10 % 10) as f64, (i / 100) as f64]));
        let mut rng = Xoshiro256Plus::seed_from_u64(7);
        for k in 2..=12 {
            let seeds = greedy_kmeans_plus_plus(&points, k, &mut rng);
            let mut repeated = seeds.clone();
            repeated[k - 1] = repeated[0];
            for (seeds, case) in [(seeds, "k-means++"), (repeated, "repeated centre")] {
                for max_iterations in [1, 300] {
                    let generic = lloyd_any_k(&points, seeds.clone(), max_iterations, 1e-4);
                    let fixed = lloyd_compiled_for_k(&points, seeds.clone(), max_iterations, 1e-4);
                    assert_eq!(
                        fixed.0, generic.0,
                        "k = {k}, {case}, {max_iterations}: centroids"
                    );
                    assert_eq!(
                        fixed.1.to_bits(),
                        generic.1.to_bits(),
                        "k = {k}, {case}, {max_iterations}: inertia"
                    );
                }
            }
        }
    }

    #[test]
    fn restarts_on_a_sample_cost_almost_no_inertia() {
        let points = rfm_like(3 * RESTART_SAMPLE, 3);
        let settings = KMeansSettings::default();
        for k in [3, 6, 9] {
            let on_everyone = RestartPlan {
                sample: usize::MAX,
                ..RestartPlan::default()
            };
            let everyone = fit_with_plan(&points, k, &settings, on_everyone).unwrap();
            let sampled = fit(&points, k, &settings).unwrap();
            assert_ne!(
                everyone.centroids, sampled.centroids,
                "k = {k}: the sample was used"
            );
            let worse = sampled.inertia / everyone.inertia - 1.0;
            assert!(worse < 1e-3, "k = {k}: {:.4}% more inertia", worse * 100.0);
        }
    }

    #[test]
    fn running_on_from_a_looser_stop_is_running_to_the_end() {
        let points = rfm_like(3_000, 12);
        let mut rng = Xoshiro256Plus::seed_from_u64(3);
        for k in 2..=10 {
            let seeds = greedy_kmeans_plus_plus(&points, k, &mut rng);
            let to_the_end = lloyd(&points, seeds.clone(), 300, 1e-4);
            let (stopped, _) = lloyd(&points, seeds, 300, 1e-4 * RESTART_TOLERANCE_FACTOR);
            let run_on = lloyd(&points, stopped, 300, 1e-4);
            assert_eq!(run_on.0, to_the_end.0, "k = {k}: centroids");
            assert_eq!(run_on.1.to_bits(), to_the_end.1.to_bits(), "k = {k}");
        }
    }

    #[test]
    fn looser_restarts_cost_almost_no_inertia() {
        let points = rfm_like(RESTART_SAMPLE / 2, 9);
        let settings = KMeansSettings::default();
        let every_restart_to_the_end = RestartPlan {
            tolerance_factor: 1.0,
            ..RestartPlan::default()
        };
        let mut differs = 0;
        for k in 2..=10 {
            let exact = fit_with_plan(&points, k, &settings, every_restart_to_the_end).unwrap();
            let looser = fit(&points, k, &settings).unwrap();
            differs += usize::from(exact.centroids != looser.centroids);
            let worse = looser.inertia / exact.inertia - 1.0;
            assert!(worse < 1e-3, "k = {k}: {:.4}% more inertia", worse * 100.0);
        }
        // Most ks end exactly where running every restart to the end does
        // (the winner was among the best at the looser tolerance, then ran on).
        assert!(differs <= 4, "{differs} of 9 ks differ");
    }

    #[test]
    fn above_the_restart_sample_the_winner_is_refined_on_everyone() {
        let n = RESTART_SAMPLE + 10_000;
        let mut rng = Xoshiro256Plus::seed_from_u64(5);
        let mut uniform = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
        let centres = [
            [0.0, 0.0, 0.0],
            [4.0, 4.0, 4.0],
            [-4.0, 4.0, -4.0],
            [4.0, -4.0, 1.0],
        ];
        let points: Vec<Point> = (0..n)
            .map(|i| {
                let c = centres[i % 4];
                [c[0] + uniform(), c[1] + uniform(), c[2] + uniform()]
            })
            .collect();
        let settings = KMeansSettings {
            n_runs: 3,
            ..KMeansSettings::default()
        };
        let a = fit(&points, 4, &settings).unwrap();
        assert_eq!(a, fit(&points, 4, &settings).unwrap(), "deterministic");
        // Every customer is labelled, the blobs are recovered, and each centroid
        // is the mean of all its members (a Lloyd fixed point on everyone, not
        // only on the sample).
        assert_eq!(a.labels.len(), n);
        for cluster in 0..4u8 {
            let members: Vec<&Point> = points
                .iter()
                .zip(&a.labels)
                .filter(|(_, &l)| l == cluster)
                .map(|(p, _)| p)
                .collect();
            assert_eq!(members.len(), n / 4);
            for d in 0..3 {
                let mean = members.iter().map(|p| p[d]).sum::<f64>() / members.len() as f64;
                assert!((mean - a.centroids[usize::from(cluster)][d]).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn finds_three_blobs_ordered_by_value_deterministically() {
        let points = blobs();
        let settings = KMeansSettings::default();
        let a = fit(&points, 3, &settings).unwrap();
        let b = fit(&points, 3, &settings).unwrap();
        assert_eq!(a, b);
        // Blob at monetary 5 is cluster 0, at 0 cluster 1, at -5 cluster 2.
        assert!(a.labels[20..40].iter().all(|&l| l == 0));
        assert!(a.labels[..20].iter().all(|&l| l == 1));
        assert!(a.labels[40..].iter().all(|&l| l == 2));
    }

    #[test]
    fn sweep_recommends_the_true_k() {
        let mut calls = 0;
        let sweep = sweep(&blobs(), 2, 10, &KMeansSettings::default(), &mut |_, _| {
            calls += 1
        })
        .unwrap();
        assert_eq!(sweep.len(), 9);
        assert_eq!(calls, 10);
        let rec = recommend(&sweep).unwrap();
        assert_eq!(rec.k, 3, "{rec:?}");
        assert!(rec.reason.contains("silhouette"));
        assert!(sweep[1].silhouette > 0.8);
    }

    /// Our Lloyd + greedy seeding reaches an optimum at least as good as
    /// linfa's KMeans (k-means++ with the same number of restarts).
    #[test]
    fn as_good_as_linfa_kmeans() {
        use linfa::prelude::*;
        let points = blobs();
        let records = ndarray::Array2::from_shape_vec(
            (points.len(), 3),
            points.iter().flatten().copied().collect(),
        )
        .unwrap();
        let dataset = linfa::DatasetBase::from(records);
        for k in 2..=6 {
            let linfa_model =
                linfa_clustering::KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(7))
                    .n_runs(10)
                    .fit(&dataset)
                    .unwrap();
            let centroids: Vec<Point> = linfa_model
                .centroids()
                .rows()
                .into_iter()
                .map(|r| [r[0], r[1], r[2]])
                .collect();
            let labels: Vec<usize> = points.iter().map(|p| nearest(&centroids, p)).collect();
            let linfa_inertia = metrics::inertia(&points, &labels, &centroids);
            let ours = fit(&points, k, &KMeansSettings::default()).unwrap();
            assert!(
                ours.inertia <= linfa_inertia * 1.001,
                "k={k}: ours {} vs linfa {linfa_inertia}",
                ours.inertia
            );
        }
    }

    #[test]
    fn refuses_impossible_k() {
        let points = vec![[0.0; 3], [0.0; 3], [1.0; 3]];
        assert_eq!(
            fit(&points, 3, &KMeansSettings::default()),
            Err(AnalysisError::KTooLarge { k: 3, distinct: 2 })
        );
        assert_eq!(
            fit(&points, 1, &KMeansSettings::default()),
            Err(AnalysisError::KTooSmall(1))
        );
        let same = vec![[1.0; 3]; 5];
        assert_eq!(
            sweep(&same, 2, 10, &KMeansSettings::default(), &mut |_, _| {}),
            Err(AnalysisError::TooFewDistinct(1))
        );
        // Sweep clamps k_max to the distinct points.
        let s = sweep(&points, 2, 10, &KMeansSettings::default(), &mut |_, _| {}).unwrap();
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn bad_settings_stop_the_sweep_before_any_fit() {
        let points = blobs();
        let settings = KMeansSettings {
            n_runs: 0,
            ..KMeansSettings::default()
        };
        let mut calls = 0;
        let result = fit_ks(&points, &[2, 3], &settings, &mut |_, _| calls += 1);
        assert_eq!(
            result,
            Err(AnalysisError::KMeansSettings(KMeansSettingsError::NoRuns))
        );
        assert_eq!(calls, 0);
        let tolerance = KMeansSettings {
            tolerance: -1.0,
            ..KMeansSettings::default()
        };
        assert_eq!(
            fit(&points, 3, &tolerance),
            Err(KMeansSettingsError::BadTolerance(-1.0).into())
        );
    }

    #[test]
    fn silhouette_sample_is_seeded_and_bounded() {
        let a = silhouette_sample(50_000, 42);
        assert_eq!(a.len(), SILHOUETTE_SAMPLE);
        assert_eq!(a, silhouette_sample(50_000, 42));
        assert_ne!(a, silhouette_sample(50_000, 43));
        assert_eq!(silhouette_sample(10, 1), (0..10).collect::<Vec<_>>());
    }
}
