//! The k sweep: k-means at every k of a range (or a share of it, for two
//! workers), the silhouettes of all ks in one shared pass, and the
//! recommended k (best silhouette within the range a marketer can act on,
//! the silhouette's own pick and the elbow of the inertia curve for context).

use super::kmeans::fit_checked;
use super::kmeans_settings::KMeansSettings;
use super::labels::{sample_indices, Clustering, SILHOUETTE_SAMPLE};
use super::metrics::{BlockSums, SilhouettePass};
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

/// The order in which workers take a sweep's ks from their shared queue:
/// the costliest first, so the cheap ones fill in at the end.
pub fn queue_order(ks: &[usize]) -> Vec<usize> {
    let mut order = ks.to_vec();
    order.sort_by(|&a, &b| fit_cost(b).total_cmp(&fit_cost(a)).then(a.cmp(&b)));
    order
}

/// A fit's relative cost: a little more than proportional to k, as native
/// timings of fits at several ks show.
fn fit_cost(k: usize) -> f64 {
    (k as f64).powf(1.3)
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
    add_silhouettes(points, &mut results, settings.seed);
    progress(total, total);
    Ok(results)
}

/// Fills in the silhouettes of a sweep's clusterings in one shared pass over
/// a seeded sample: always over the whole sweep and in the same blocks, so
/// each k's silhouette is summed the same way whoever fitted which k and
/// whoever measured which block.
pub fn add_silhouettes(points: &[Point], results: &mut [Clustering], seed: u64) {
    let labels = silhouette_labels(points.len(), results, seed);
    let ks: Vec<usize> = results.iter().map(|c| c.k).collect();
    let pass = silhouette_pass(points, &ks, &labels, seed);
    let blocks: Vec<BlockSums> = pass.blocks().into_iter().map(|b| pass.block(b)).collect();
    set_silhouettes(results, &pass.finish(&blocks));
}

/// Each clustering's labels on the silhouettes' sample of `customers`.
pub fn silhouette_labels(customers: usize, results: &[Clustering], seed: u64) -> Vec<Vec<u8>> {
    let sample = silhouette_sample(customers, seed);
    results
        .iter()
        .map(|c| {
            sample
                .iter()
                .map(|&i| c.labels.get(i).copied().unwrap_or(0))
                .collect()
        })
        .collect()
}

/// The silhouette pass of a sweep with these `ks` and their labels on the
/// sample (see [`silhouette_labels`]), cut into its blocks.
pub fn silhouette_pass(
    points: &[Point],
    ks: &[usize],
    labels: &[Vec<u8>],
    seed: u64,
) -> SilhouettePass {
    let sample = silhouette_sample(points.len(), seed);
    let sampled: Vec<Point> = sample
        .iter()
        .filter_map(|&i| points.get(i).copied())
        .collect();
    let labelings: Vec<Vec<usize>> = labels
        .iter()
        .map(|l| l.iter().map(|&c| usize::from(c)).collect())
        .collect();
    SilhouettePass::new(&sampled, &labelings, ks)
}

/// Sets each clustering's silhouette from the pass's results (in order).
pub fn set_silhouettes(results: &mut [Clustering], silhouettes: &[f64]) {
    for (c, &s) in results.iter_mut().zip(silhouettes) {
        c.silhouette = s;
    }
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
    fn a_sweep_fitted_k_by_k_in_any_order_is_the_whole_sweep() {
        let points = rfm_like(4_000, 8);
        let settings = KMeansSettings::default();
        let ks = sweep_ks(&points, 2, 10).unwrap();
        assert_eq!(queue_order(&ks), vec![10, 9, 8, 7, 6, 5, 4, 3, 2]);
        let whole = sweep(&points, 2, 10, &settings, &mut |_, _| {}).unwrap();
        // As 1, 2, 3 and 4 workers would take the queue, in whatever order
        // their fits come back: bit for bit the same, silhouettes included.
        for workers in 1..=4 {
            let mut by_worker: Vec<Vec<Clustering>> = vec![Vec::new(); workers];
            for (i, &k) in queue_order(&ks).iter().enumerate() {
                by_worker[i % workers].push(fit(&points, k, &settings).unwrap());
            }
            let mut fitted: Vec<Clustering> = by_worker.into_iter().rev().flatten().collect();
            fitted.sort_by_key(|c| c.k);
            add_silhouettes(&points, &mut fitted, settings.seed);
            assert_eq!(fitted, whole, "{workers} workers");
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
