//! The k sweep: k-means at every k of a range (or a share of it, for two
//! workers), the silhouettes of all ks in one shared pass, and the
//! recommended k (best silhouette within the range a marketer can act on,
//! the silhouette's own pick and the elbow of the inertia curve for context).

use super::kmeans::fit_checked;
use super::kmeans_settings::KMeansSettings;
use super::labels::{sample_indices, Clustering, SILHOUETTE_SAMPLE};
use super::metrics;
use super::points::{distinct_points, distinct_points_up_to, Point};
use crate::engine::error::AnalysisError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub k: usize,
    pub reason: String,
    /// The k the silhouette alone picks over the whole sweep.
    pub silhouette_k: usize,
}

/// The ks a recommendation may choose: enough segments for a campaign plan,
/// few enough to write a playbook for each. Editable; the sweep still fits
/// every k of its own range, and any k can be chosen by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessRange {
    pub min: usize,
    pub max: usize,
}

impl Default for BusinessRange {
    fn default() -> Self {
        Self { min: 3, max: 8 }
    }
}

impl BusinessRange {
    pub fn contains(self, k: usize) -> bool {
        (self.min..=self.max).contains(&k)
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
    let k_min = k_min.max(2);
    // Exact below the limit, which is all the clamping needs.
    let distinct = distinct_points_up_to(points, k_max.max(k_min));
    if distinct < 2 {
        return Err(AnalysisError::TooFewDistinct(distinct));
    }
    let k_max = k_max.min(distinct);
    if k_min > k_max {
        let distinct = distinct_points(points);
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

/// A fit's relative cost: a little more than proportional to k, as native
/// timings of fits at several ks show.
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

/// Among `candidates`, the k with the highest silhouette (best-separated
/// clusters); among ks within 0.01 of it, the smallest (simpler to act on).
/// Also that highest silhouette.
fn best_separated<'a>(
    candidates: impl Iterator<Item = &'a Clustering> + Clone,
) -> Option<(&'a Clustering, f64)> {
    let best = candidates
        .clone()
        .map(|c| c.silhouette)
        .fold(f64::NEG_INFINITY, f64::max);
    candidates
        .filter(|c| c.silhouette >= best - 0.01)
        .min_by_key(|c| c.k)
        .map(|chosen| (chosen, best))
}

/// The best-separated k within `range`; the silhouette's own pick over the
/// whole sweep is given beside it when it differs (on real shop data it is
/// often k = 2, too coarse to act on), and the elbow of the inertia curve.
/// When the sweep has no k in the range (few distinct customers), the whole
/// sweep is the range.
pub fn recommend(sweep: &[Clustering], range: BusinessRange) -> Option<Recommendation> {
    let (overall, overall_best) = best_separated(sweep.iter())?;
    let ((chosen, best), scope) = match best_separated(sweep.iter().filter(|c| range.contains(c.k)))
    {
        Some(in_range) => (
            in_range,
            format!(" between {} and {}", range.min, range.max),
        ),
        None => (
            (overall, overall_best),
            format!(
                " (the sweep has no k between {} and {}: too few distinct customers)",
                range.min, range.max
            ),
        ),
    };
    let mut reason = format!(
        "k = {} gives the best-separated clusters{scope} (silhouette {:.2}; higher is better)",
        chosen.k, chosen.silhouette
    );
    if chosen.silhouette < best {
        reason.push_str(&format!(
            ", within 0.01 of the best ({best:.2}) with fewer clusters"
        ));
    }
    if overall.k != chosen.k {
        reason.push_str(&format!(
            "; the silhouette alone would pick k = {} ({:.2})",
            overall.k, overall.silhouette
        ));
    }
    if let Some(elbow) = elbow(sweep) {
        reason.push_str(&format!("; the inertia curve bends at k = {elbow}"));
    }
    Some(Recommendation {
        k: chosen.k,
        reason: reason + ".",
        silhouette_k: overall.k,
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
    use super::super::kmeans::fit;
    use super::super::kmeans_settings::KMeansSettingsError;
    use super::super::lloyd::tests::{blobs, rfm_like};
    use super::*;

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
    fn sweep_recommends_the_true_k() {
        let mut calls = 0;
        let sweep = sweep(&blobs(), 2, 10, &KMeansSettings::default(), &mut |_, _| {
            calls += 1
        })
        .unwrap();
        assert_eq!(sweep.len(), 9);
        assert_eq!(calls, 10);
        let rec = recommend(&sweep, BusinessRange::default()).unwrap();
        assert_eq!(rec.k, 3, "{rec:?}");
        assert_eq!(rec.silhouette_k, 3);
        assert!(rec.reason.contains("silhouette"));
        assert!(!rec.reason.contains("alone"), "{}", rec.reason);
        assert!(sweep[1].silhouette > 0.8);
    }

    fn with_silhouettes(silhouettes: &[(usize, f64)]) -> Vec<Clustering> {
        silhouettes
            .iter()
            .map(|&(k, silhouette)| Clustering {
                k,
                centroids: Vec::new(),
                labels: Vec::new(),
                inertia: 100.0 / k as f64,
                silhouette,
                calinski_harabasz: 0.0,
                davies_bouldin: 0.0,
            })
            .collect()
    }

    #[test]
    fn recommends_within_the_business_range_and_names_the_silhouettes_pick() {
        // Real shop data: k = 2 separates best, but two groups make no plan.
        let sweep = with_silhouettes(&[
            (2, 0.41),
            (3, 0.346),
            (4, 0.347),
            (5, 0.33),
            (8, 0.335),
            (9, 0.36),
            (10, 0.31),
        ]);
        let rec = recommend(&sweep, BusinessRange::default()).unwrap();
        assert_eq!((rec.k, rec.silhouette_k), (3, 2));
        assert_eq!(
            rec.reason,
            "k = 3 gives the best-separated clusters between 3 and 8 (silhouette 0.35; higher \
             is better), within 0.01 of the best (0.35) with fewer clusters; the silhouette \
             alone would pick k = 2 (0.41); the inertia curve bends at k = 3."
        );
        let wide = recommend(&sweep, BusinessRange { min: 2, max: 10 }).unwrap();
        assert_eq!((wide.k, wide.silhouette_k), (2, 2));
        let narrow = recommend(&sweep, BusinessRange { min: 9, max: 10 }).unwrap();
        assert_eq!(narrow.k, 9);
        // No k of the sweep in the range: the whole sweep decides, and says so.
        let few = with_silhouettes(&[(2, 0.5)]);
        let rec = recommend(&few, BusinessRange::default()).unwrap();
        assert_eq!(rec.k, 2);
        assert!(
            rec.reason.contains("no k between 3 and 8"),
            "{}",
            rec.reason
        );
        // The same there: the smallest k within 0.01 of the best, and why.
        let outside = with_silhouettes(&[(2, 0.495), (9, 0.5)]);
        let rec = recommend(&outside, BusinessRange::default()).unwrap();
        assert_eq!(rec.k, 2);
        assert!(
            rec.reason.contains("within 0.01 of the best (0.50)"),
            "{}",
            rec.reason
        );
        assert_eq!(recommend(&[], BusinessRange::default()), None);
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
