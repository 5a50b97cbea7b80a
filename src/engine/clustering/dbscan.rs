//! Fitting DBSCAN (linfa) with [`DbscanSettings`]: clusters are dense
//! regions of the standardised feature space, however shaped; customers in
//! sparse regions are noise (their own cluster, last). The number of clusters
//! is found, not chosen; an automatic eps comes from the k-distance curve.

use super::error::MethodError;
use super::labels::{compact, sample_indices};
use super::method::{finish, ClusteringMethodSettings, DbscanSettings, MethodFit};
use super::points::{dist2, Point};
use linfa::prelude::*;
use linfa_clustering::Dbscan;
use linfa_nn::distance::L2Dist;
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour, NearestNeighbourIndex};
use ndarray::{aview1, Array2};

/// Fitted on at most this many customers (seeded sample), which bounds the
/// fit's time; the rest join the cluster of their nearest core customer
/// within eps, else noise (DBSCAN's own rule for border points).
pub const DBSCAN_SAMPLE: usize = 10_000;
/// Customers whose neighbour distances make the k-distance curve for the eps suggestion.
pub const EPS_QUERIES: usize = 2_000;
/// More clusters than this is fragmentation, not segmentation.
pub const MAX_DBSCAN_CLUSTERS: usize = 12;
/// With eps automatic: runs at most, each widening eps by the step while
/// there are more than [`MAX_DBSCAN_CLUSTERS`] clusters (or none), narrowing
/// it while there is only one.
pub const AUTO_EPS_TRIES: usize = 4;
pub const AUTO_EPS_STEP: f64 = 1.5;

fn records(points: &[Point], indices: &[usize]) -> Result<Array2<f64>, MethodError> {
    Array2::from_shape_vec(
        (indices.len(), 3),
        indices.iter().flat_map(|&i| points[i]).collect(),
    )
    .map_err(|e| MethodError::Library(e.to_string()))
}

fn tree(
    records: &Array2<f64>,
) -> Result<Box<dyn NearestNeighbourIndex<f64> + Send + Sync + '_>, MethodError> {
    CommonNearestNeighbour::KdTree
        .from_batch(records, L2Dist)
        .map_err(|e| MethodError::Library(e.to_string()))
}

/// A suggested eps: the knee of the sorted k-distance curve (each sampled
/// customer's distance to its `min_points`-th nearest neighbour, itself
/// included, among the fitting sample) — the point farthest below the chord
/// from the smallest to the largest distance. Below the knee distances grow
/// slowly (dense regions), above it they shoot up (sparse regions).
pub fn suggest_eps(points: &[Point], min_points: usize, seed: u64) -> Result<f64, MethodError> {
    suggest_eps_sampled(points, min_points, seed, DBSCAN_SAMPLE)
}

fn suggest_eps_sampled(
    points: &[Point],
    min_points: usize,
    seed: u64,
    sample_size: usize,
) -> Result<f64, MethodError> {
    DbscanSettings {
        eps: None,
        min_points,
        seed,
    }
    .check(points)?;
    let sample = sample_indices(points.len(), sample_size.max(1), seed);
    let data = records(points, &sample)?;
    let index = tree(&data)?;
    let queries = sample_indices(sample.len(), EPS_QUERIES, seed.wrapping_add(1));
    let mut distances = Vec::with_capacity(queries.len());
    for &q in &queries {
        let p = points[sample[q]];
        let neighbours = index
            .k_nearest(aview1(&p), min_points)
            .map_err(|e| MethodError::Library(e.to_string()))?;
        if let Some((far, _)) = neighbours.last() {
            distances.push(dist2(&p, &[far[0], far[1], far[2]]).sqrt());
        }
    }
    distances.sort_by(f64::total_cmp);
    Ok(knee(&distances).max(1e-3))
}

/// The value of a sorted increasing curve farthest below its chord.
fn knee(sorted: &[f64]) -> f64 {
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return 0.0;
    };
    if hi <= lo || sorted.len() < 3 {
        return hi;
    }
    let last = (sorted.len() - 1) as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &d)| (i as f64 / last - (d - lo) / (hi - lo), d))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(hi, |(_, d)| d)
}

/// Runs DBSCAN on (a seeded sample of) `points`. Between 2 and
/// [`MAX_DBSCAN_CLUSTERS`] clusters are required; otherwise the error names an eps to try.
pub fn fit(points: &[Point], settings: &DbscanSettings) -> Result<MethodFit, MethodError> {
    fit_on_sample(points, settings, DBSCAN_SAMPLE)
}

/// [`fit`] on a seeded sample of at most `sample_size` customers.
pub fn fit_on_sample(
    points: &[Point],
    settings: &DbscanSettings,
    sample_size: usize,
) -> Result<MethodFit, MethodError> {
    settings.check(points)?;
    let auto = match settings.eps {
        Some(_) => None,
        None => Some(suggest_eps_sampled(
            points,
            settings.min_points,
            settings.seed,
            sample_size,
        )?),
    };
    let sample = sample_indices(points.len(), sample_size.max(1), settings.seed);
    let data = records(points, &sample)?;
    let run = |eps: f64| -> Result<Vec<Option<usize>>, MethodError> {
        Ok(Dbscan::params(settings.min_points)
            .tolerance(eps)
            .check()
            .map_err(|e| MethodError::Library(e.to_string()))?
            .transform(&data)
            .to_vec())
    };
    let (mut eps, mut sample_labels) = match (settings.eps, auto) {
        (Some(eps), _) | (None, Some(eps)) => (eps, run(eps)?),
        (None, None) => return Err(MethodError::BadEps(0.0)),
    };
    // Automatic eps: the knee can sit inside tight local clumps (customers
    // with the same purchase count lie on thin sheets), giving dozens of
    // clusters; widen it a few times until the clusters are few enough.
    // On small files the knee can instead swallow everyone into one cluster;
    // then narrow it.
    if auto.is_some() {
        for _ in 1..AUTO_EPS_TRIES {
            match compact(&sample_labels).1 {
                1 => eps /= AUTO_EPS_STEP,
                0 => eps *= AUTO_EPS_STEP,
                k if k > MAX_DBSCAN_CLUSTERS => eps *= AUTO_EPS_STEP,
                _ => break,
            }
            sample_labels = run(eps)?;
        }
    }
    let mut raw: Vec<Option<usize>> = vec![None; points.len()];
    for (&i, &l) in sample.iter().zip(&sample_labels) {
        raw[i] = l;
    }
    if sample.len() < points.len() {
        assign_outside_sample(points, &sample, &data, &mut raw, eps, settings.min_points)?;
    }
    let (labels, k) = compact(&raw);
    if !(2..=MAX_DBSCAN_CLUSTERS).contains(&k) {
        let auto = match auto {
            Some(a) => a,
            None => suggest_eps_sampled(points, settings.min_points, settings.seed, sample_size)?,
        };
        // Which way to move eps: no cluster → too strict; one → too loose; many → too strict.
        let (factor, why) = match k {
            0 => (1.5, "; a larger eps, since every customer was noise"),
            1 => (0.7, "; a smaller eps splits the one big cluster"),
            _ => (1.5, "; a larger eps merges small clusters"),
        };
        let suggestion = if (auto - eps).abs() > 1e-9 * eps {
            auto
        } else {
            eps * factor
        };
        return Err(MethodError::DbscanClusterCount {
            eps,
            found: k,
            max: MAX_DBSCAN_CLUSTERS,
            suggestion,
            hint: why.into(),
        });
    }
    let (clustering, noise_cluster) = finish(points, &labels, k, settings.seed)?;
    let noise = labels.iter().filter(|l| l.is_none()).count();
    Ok(MethodFit {
        settings: ClusteringMethodSettings::Dbscan(DbscanSettings {
            eps: Some(eps),
            ..*settings
        }),
        clustering,
        noise_cluster,
        noise_share: noise as f64 / points.len().max(1) as f64,
        fitted_on: sample.len(),
    })
}

/// Customers outside the fitting sample join the cluster of their nearest
/// core customer if it is within eps (where DBSCAN would have put them as
/// border points), else they are noise.
fn assign_outside_sample(
    points: &[Point],
    sample: &[usize],
    data: &Array2<f64>,
    labels: &mut [Option<usize>],
    eps: f64,
    min_points: usize,
) -> Result<(), MethodError> {
    let nn_error = |e: linfa_nn::NnError| MethodError::Library(e.to_string());
    let index = tree(data)?;
    let mut cores = Vec::new();
    for &i in sample {
        let p = points[i];
        if labels[i].is_none() {
            continue;
        }
        // Core: its min_points-th nearest (itself included) is within eps.
        // (k nearest rather than a range query: dense regions stay cheap.)
        let neighbours = index.k_nearest(aview1(&p), min_points).map_err(nn_error)?;
        if neighbours.len() >= min_points
            && neighbours
                .last()
                .is_some_and(|(q, _)| dist2(&p, &[q[0], q[1], q[2]]) <= eps * eps)
        {
            cores.push(i);
        }
    }
    if cores.is_empty() {
        return Ok(());
    }
    let core_data = records(points, &cores)?;
    let core_index = tree(&core_data)?;
    let mut in_sample = vec![false; points.len()];
    sample.iter().for_each(|&i| in_sample[i] = true);
    for (i, p) in points.iter().enumerate() {
        if in_sample[i] {
            continue;
        }
        let nearest = core_index.k_nearest(aview1(p), 1).map_err(nn_error)?;
        if let Some(&(_, c)) = nearest.first() {
            if dist2(p, &points[cores[c]]) <= eps * eps {
                labels[i] = labels[cores[c]];
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::method::tests::{adjusted_rand_index, blobs};
    use super::*;
    use crate::engine::error::AnalysisError;

    fn three_blobs_and_outliers() -> (Vec<Point>, Vec<usize>) {
        let (mut points, mut truth) = blobs(
            &[[0.0, 0.0, 0.0], [4.0, 4.0, 4.0], [-4.0, 4.0, -4.0]],
            200,
            0.4,
            5,
        );
        // Planted outliers far from every blob and from each other.
        for o in [[10.0, -10.0, 0.0], [-10.0, -10.0, 10.0], [0.0, 12.0, 12.0]] {
            points.push(o);
            truth.push(3);
        }
        (points, truth)
    }

    #[test]
    fn recovers_blobs_and_flags_outliers_as_noise() {
        let (points, truth) = three_blobs_and_outliers();
        let fit = fit(&points, &DbscanSettings::default()).unwrap();
        let labels: Vec<usize> = fit
            .clustering
            .labels
            .iter()
            .map(|&l| usize::from(l))
            .collect();
        assert_eq!(fit.noise_cluster, Some(3), "noise is the last cluster");
        assert_eq!(fit.clustering.k, 4);
        assert!(
            labels[600..].iter().all(|&l| l == 3),
            "{:?}",
            &labels[600..]
        );
        // The blobs themselves: same partition (a few blob-edge points may be noise).
        let in_blobs: Vec<(usize, usize)> = labels[..600]
            .iter()
            .zip(&truth[..600])
            .filter(|(&l, _)| l != 3)
            .map(|(&l, &t)| (l, t))
            .collect();
        assert!(
            in_blobs.len() >= 590,
            "{} blob points clustered",
            in_blobs.len()
        );
        let (l, t): (Vec<usize>, Vec<usize>) = in_blobs.into_iter().unzip();
        assert_eq!(adjusted_rand_index(&l, &t), 1.0);
        // Ordered by value: the monetary-4 blob is cluster 0.
        assert_eq!(labels[200], 0);
        assert!(
            fit.noise_share > 0.0 && fit.noise_share < 0.02,
            "{}",
            fit.noise_share
        );
        assert!(matches!(
            fit.settings,
            ClusteringMethodSettings::Dbscan(DbscanSettings { eps: Some(e), .. }) if e > 0.0
        ));
    }

    #[test]
    fn suggested_eps_sits_between_blob_and_outlier_distances() {
        let (points, _) = three_blobs_and_outliers();
        let eps = suggest_eps(&points, 6, 42).unwrap();
        // Blob sd 0.4 → 6th-neighbour distances ≈ 0.2–0.5; outliers are ≥ 8 away.
        assert!(eps > 0.1 && eps < 2.0, "{eps}");
    }

    /// Three groups, each a row of tight clumps: the knee eps sees every
    /// clump (too many clusters); the automatic eps widens to the groups.
    #[test]
    fn automatic_eps_widens_past_clumps() {
        let mut centres = Vec::new();
        for g in 0..3 {
            for c in 0..6 {
                centres.push([10.0 * g as f64 + 0.08 * c as f64, 0.0, g as f64 * 5.0]);
            }
        }
        let (points, truth) = blobs(&centres, 40, 0.015, 4);
        let knee = suggest_eps(&points, 6, 42).unwrap();
        let at_knee = fit(
            &points,
            &DbscanSettings {
                eps: Some(knee),
                ..Default::default()
            },
        );
        assert!(
            matches!(at_knee, Err(MethodError::DbscanClusterCount { found, .. }) if found > MAX_DBSCAN_CLUSTERS),
            "{at_knee:?}"
        );
        let auto = fit(&points, &DbscanSettings::default()).unwrap();
        let groups: Vec<usize> = truth.iter().map(|t| t / 6).collect();
        let labels: Vec<usize> = auto
            .clustering
            .labels
            .iter()
            .map(|&l| usize::from(l))
            .collect();
        assert_eq!(auto.noise_cluster, None);
        assert_eq!(adjusted_rand_index(&labels, &groups), 1.0);
        assert!(
            matches!(auto.settings, ClusteringMethodSettings::Dbscan(DbscanSettings { eps: Some(e), .. }) if e > knee)
        );
    }

    #[test]
    fn deterministic() {
        let (points, _) = three_blobs_and_outliers();
        let s = DbscanSettings::default();
        assert_eq!(fit(&points, &s).unwrap(), fit(&points, &s).unwrap());
    }

    #[test]
    fn too_few_or_too_many_clusters_name_an_eps() {
        let (points, _) = three_blobs_and_outliers();
        let huge = DbscanSettings {
            eps: Some(50.0),
            ..Default::default()
        };
        match fit(&points, &huge).unwrap_err() {
            MethodError::DbscanClusterCount {
                found, suggestion, ..
            } => {
                assert_eq!(found, 1);
                assert!(suggestion < 50.0);
            }
            e => panic!("{e}"),
        }
        let tiny = DbscanSettings {
            eps: Some(1e-6),
            ..Default::default()
        };
        let err = fit(&points, &tiny).unwrap_err();
        assert!(matches!(
            err,
            MethodError::DbscanClusterCount { found: 0, .. }
        ));
        assert!(err.to_string().contains("Try eps = "), "{err}");
    }

    #[test]
    fn refuses_bad_settings() {
        let (points, _) = three_blobs_and_outliers();
        for eps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let s = DbscanSettings {
                eps: Some(eps),
                ..Default::default()
            };
            assert!(matches!(fit(&points, &s), Err(MethodError::BadEps(_))));
        }
        for min_points in [0, 1] {
            let s = DbscanSettings {
                min_points,
                ..Default::default()
            };
            assert!(matches!(
                fit(&points, &s),
                Err(MethodError::TooSmall {
                    name: "min_points",
                    ..
                })
            ));
        }
        assert_eq!(
            fit(&[[1.0; 3]; 10], &DbscanSettings::default()).unwrap_err(),
            AnalysisError::TooFewDistinct(1).into()
        );
    }

    #[test]
    fn customers_outside_the_sample_join_nearby_clusters() {
        // Fitted on 1,000 of 3,000 customers: two blobs and far outliers.
        let (mut points, mut truth) = blobs(&[[0.0; 3], [5.0, 0.0, 5.0]], 1_500, 0.4, 9);
        for i in 0..20 {
            points.push([20.0 + 3.0 * i as f64, -20.0, 0.0]);
            truth.push(2);
        }
        let fit = fit_on_sample(&points, &DbscanSettings::default(), 1_000).unwrap();
        assert_eq!(fit.fitted_on, 1_000);
        let labels: Vec<usize> = fit
            .clustering
            .labels
            .iter()
            .map(|&l| usize::from(l))
            .collect();
        assert!(
            labels[3_000..].iter().all(|&l| l == 2),
            "outliers are noise"
        );
        let blob: Vec<(usize, usize)> = labels[..3_000]
            .iter()
            .zip(&truth)
            .filter(|(&l, _)| l != 2)
            .map(|(&l, &t)| (l, t))
            .collect();
        assert!(blob.len() > 2_950, "{}", blob.len());
        let (l, t): (Vec<usize>, Vec<usize>) = blob.into_iter().unzip();
        assert_eq!(adjusted_rand_index(&l, &t), 1.0);
    }
}
