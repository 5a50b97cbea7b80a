//! Fitting the method chosen besides the k sweep ([`fit_method`]), and the
//! methods side by side on one set of customers ([`compare`]): clusters
//! found and quality metrics (no timings: the engine has no clock on wasm).

use super::error::MethodError;
use super::labels::Clustering;
use super::method::{
    ClusteringMethod, ClusteringMethodSettings, DbscanSettings, GmmSettings, MethodFit,
};
use super::points::Point;
use super::{dbscan, gmm};
use serde::{Deserialize, Serialize};

/// Fits a Gaussian mixture or DBSCAN; `None` for k-means (which the sweep fits).
pub fn fit_method(
    points: &[Point],
    settings: &ClusteringMethodSettings,
) -> Result<Option<MethodFit>, MethodError> {
    match settings {
        ClusteringMethodSettings::KMeans => Ok(None),
        ClusteringMethodSettings::GaussianMixture(s) => gmm::fit(points, s).map(Some),
        ClusteringMethodSettings::Dbscan(s) => dbscan::fit(points, s).map(Some),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodMetrics {
    pub method: ClusteringMethod,
    pub name: String,
    /// Clusters found, the noise cluster not counted.
    pub k: usize,
    /// Over clustered customers (noise left out); higher is better.
    pub silhouette: f64,
    /// Higher is better.
    pub calinski_harabasz: f64,
    /// Lower is better.
    pub davies_bouldin: f64,
    /// Share of customers DBSCAN calls noise (`None` for the other methods).
    pub noise_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodComparison {
    /// One row per method that ran, in the order k-means, mixture, DBSCAN.
    pub rows: Vec<MethodMetrics>,
    /// Methods that could not run with these settings, with the reason.
    pub failures: Vec<(ClusteringMethod, String)>,
}

/// The metrics row of a k-means clustering from the sweep.
pub fn kmeans_row(c: &Clustering) -> MethodMetrics {
    MethodMetrics {
        method: ClusteringMethod::KMeans,
        name: ClusteringMethod::KMeans.name().into(),
        k: c.k,
        silhouette: c.silhouette,
        calinski_harabasz: c.calinski_harabasz,
        davies_bouldin: c.davies_bouldin,
        noise_share: None,
    }
}

/// The metrics row of a fitted mixture or DBSCAN.
pub fn fit_row(f: &MethodFit) -> MethodMetrics {
    let method = f.settings.method();
    MethodMetrics {
        method,
        name: method.name().into(),
        k: f.clustering.k - usize::from(f.noise_cluster.is_some()),
        silhouette: f.clustering.silhouette,
        calinski_harabasz: f.clustering.calinski_harabasz,
        davies_bouldin: f.clustering.davies_bouldin,
        noise_share: (method == ClusteringMethod::Dbscan).then_some(f.noise_share),
    }
}

/// Fits the mixture and DBSCAN on `features` and lines them up with the
/// k-means clustering already chosen. A method that fails is listed in
/// `failures` instead of failing the comparison.
pub fn compare(
    features: &[Point],
    kmeans: &Clustering,
    gmm: &GmmSettings,
    dbscan: &DbscanSettings,
) -> MethodComparison {
    let mut comparison = MethodComparison {
        rows: vec![kmeans_row(kmeans)],
        failures: Vec::new(),
    };
    for settings in [
        ClusteringMethodSettings::GaussianMixture(*gmm),
        ClusteringMethodSettings::Dbscan(*dbscan),
    ] {
        match fit_method(features, &settings) {
            Ok(Some(f)) => comparison.rows.push(fit_row(&f)),
            Ok(None) => {}
            Err(e) => comparison.failures.push((settings.method(), e.to_string())),
        }
    }
    comparison
}

#[cfg(test)]
mod tests {
    use super::super::kmeans_settings::KMeansSettings;
    use super::super::method::tests::blobs;
    use super::super::sweep;
    use super::*;

    #[test]
    fn lines_up_all_three_and_reports_failures() {
        let (points, _) = blobs(&[[0.0; 3], [4.0, 4.0, 4.0], [-4.0, 4.0, -4.0]], 150, 0.5, 2);
        // The sweep fills in the silhouette (a single fit does not).
        let sweep = sweep::sweep(&points, 3, 3, &KMeansSettings::default(), &mut |_, _| {});
        let kmeans = sweep.unwrap().remove(0);
        let gmm = GmmSettings {
            k: 3,
            ..Default::default()
        };
        let c = compare(&points, &kmeans, &gmm, &DbscanSettings::default());
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        let methods: Vec<ClusteringMethod> = c.rows.iter().map(|r| r.method).collect();
        assert_eq!(methods, ClusteringMethod::ALL.to_vec());
        for r in &c.rows {
            assert_eq!(r.k, 3, "{r:?}");
            assert!(r.silhouette > 0.7, "{r:?}");
            assert!(r.davies_bouldin < 0.5, "{r:?}");
        }
        assert!(c.rows[2].noise_share.is_some() && c.rows[1].noise_share.is_none());
        // On well-separated blobs all three agree: the same partition → the same CH.
        assert!((c.rows[0].calinski_harabasz - c.rows[1].calinski_harabasz).abs() < 1e-6);

        let bad = DbscanSettings {
            eps: Some(100.0),
            ..Default::default()
        };
        let c = compare(&points, &kmeans, &gmm, &bad);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.failures.len(), 1);
        assert_eq!(c.failures[0].0, ClusteringMethod::Dbscan);
        assert!(c.failures[0].1.contains("Try eps"), "{}", c.failures[0].1);
    }
}
