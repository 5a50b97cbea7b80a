//! k-means at one k, our own implementation (not linfa's): greedy k-means++
//! seeding (as scikit-learn), then Lloyd's iterations, over seeded restarts
//! of which the lowest inertia wins. Many customers: the restarts run on a
//! seeded sample and in single precision, and only the best few are refined
//! on everyone in double precision (very many customers: on a larger sample
//! first, then the best of them on everyone; see `RestartPlan`).

use super::kmeans_settings::KMeansSettings;
use super::labels::{order_by_value, sample_indices, Clustering};
use super::lloyd::{lloyd, CentreTable};
use super::metrics;
use super::points::{dist2, distinct_points, distinct_points_up_to, Point};
use super::restarts;
use crate::engine::error::AnalysisError;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// Above this many customers, k-means' restarts run on a seeded sample of
/// this size and only the best few are refined on all customers. The
/// inertia is as close to restarting on everyone as another seed gets, and
/// the sweep takes much less time (with every restart on everyone, a large
/// imported customer table was far too slow in the browser).
pub const RESTART_SAMPLE: usize = 10_000;

/// How many of the best restarts are refined: run on to the full tolerance
/// (on all customers when the restarts ran on a sample).
const REFINED_CANDIDATES: usize = 3;

/// Mixed into the seed of the refinement's sample (see [`REFINE_SAMPLE`]).
const REFINE_SEED: u64 = 0x2EF1_5EED;

/// The restarts stop at this many times the tolerance; only the best
/// [`REFINED_CANDIDATES`] run on to the full tolerance. Lloyd's state is its
/// centroids, so running on is exactly what one run to the full tolerance
/// would have done: the result differs from that only when the eventual best
/// restart was not among the three best at the looser tolerance. It saves
/// much of Lloyd's work (most of a restart's iterations are its slow last
/// approach), and the inertia is as close to running every restart to the
/// end as another seed gets (sometimes lower).
const RESTART_TOLERANCE_FACTOR: f64 = 10.0;

/// Above this many customers, the best restarts are refined on a seeded
/// sample of this size first, and only the best of them on everyone. Each
/// refinement on everyone runs Lloyd's slow last approach over every
/// customer: at a million imported customers refining three was more than
/// half of the analysis. Started from a sample's optimum, the one run on
/// everyone needs a few iterations; it still runs to the full tolerance, so
/// the result is a Lloyd fixed point on everyone as before, and only which
/// candidate wins is decided on the sample (by an inertia within sampling
/// noise of everyone's). Fewer customers than this are refined as before.
pub const REFINE_SAMPLE: usize = 200_000;

/// Where the restarts run and how far, before the best are refined.
#[derive(Debug, Clone, Copy)]
struct RestartPlan {
    /// The restarts run on a seeded sample of this many customers, if fewer than all.
    sample: usize,
    /// Multiplies the tolerance of the restarts.
    tolerance_factor: f64,
    /// The best restarts are refined on a seeded sample of this many
    /// customers, if fewer than all, and only the best of them on everyone.
    refine_sample: usize,
}

impl Default for RestartPlan {
    fn default() -> Self {
        Self {
            sample: RESTART_SAMPLE,
            tolerance_factor: RESTART_TOLERANCE_FACTOR,
            refine_sample: REFINE_SAMPLE,
        }
    }
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
    if distinct_points_up_to(points, k) < k {
        let distinct = distinct_points(points);
        return Err(AnalysisError::KTooLarge { k, distinct });
    }
    // Each restart: greedy k-means++ seeding, then Lloyd iterations; the
    // lowest inertia wins (scikit-learn's algorithm). Lloyd is written out for
    // 3-D points: linfa's generic KMeans (its m_k-means update and per-row
    // ndarray views) was far slower.
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
        let refine_on = |points: &[Point],
                         runs: Vec<(Vec<Point>, f64)>|
         -> Vec<(Vec<Point>, f64)> {
            runs.into_iter()
                .map(|(centroids, _)| lloyd(points, centroids, max_iterations, settings.tolerance))
                .collect()
        };
        if points.len() > plan.refine_sample {
            // Another seed than the restarts' sample: drawn from all customers afresh.
            let sample: Vec<Point> = sample_indices(
                points.len(),
                plan.refine_sample,
                settings.seed ^ REFINE_SEED,
            )
            .into_iter()
            .map(|i| points[i])
            .collect();
            runs = refine_on(&sample, runs);
            runs.sort_by(|a, b| a.1.total_cmp(&b.1));
            runs.truncate(1);
        }
        runs = refine_on(points, runs);
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

#[cfg(test)]
mod tests {
    use super::super::lloyd::tests::{blobs, rfm_like};
    use super::super::lloyd::{lloyd_any_k, lloyd_compiled_for_k};
    use super::super::points::nearest;
    use super::*;

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
    fn refining_on_a_larger_sample_first_costs_almost_no_inertia() {
        let points = rfm_like(3 * RESTART_SAMPLE, 4);
        let settings = KMeansSettings::default();
        let mut differs = 0;
        for k in [3, 6, 9] {
            let on_everyone = RestartPlan {
                refine_sample: usize::MAX,
                ..RestartPlan::default()
            };
            let on_a_sample_first = RestartPlan {
                refine_sample: 2 * RESTART_SAMPLE,
                ..RestartPlan::default()
            };
            let everyone = fit_with_plan(&points, k, &settings, on_everyone).unwrap();
            let sampled = fit_with_plan(&points, k, &settings, on_a_sample_first).unwrap();
            differs += usize::from(everyone.centroids != sampled.centroids);
            let worse = sampled.inertia / everyone.inertia - 1.0;
            assert!(worse < 1e-3, "k = {k}: {:.4}% more inertia", worse * 100.0);
        }
        // The sample's optimum is not everyone's: the last run on everyone
        // moves the centres (to everyone's optimum, within the tolerance).
        assert!(differs > 0, "the larger sample was not used");
    }

    #[test]
    fn above_the_restart_sample_the_winner_is_refined_on_everyone() {
        winner_is_refined_on_everyone(RestartPlan::default());
    }

    #[test]
    fn above_the_refine_sample_the_winner_is_refined_on_everyone() {
        winner_is_refined_on_everyone(RestartPlan {
            refine_sample: RESTART_SAMPLE + 5_000,
            ..RestartPlan::default()
        });
    }

    fn winner_is_refined_on_everyone(plan: RestartPlan) {
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
        let a = fit_with_plan(&points, 4, &settings, plan).unwrap();
        let again = fit_with_plan(&points, 4, &settings, plan).unwrap();
        assert_eq!(a, again, "deterministic");
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
}
