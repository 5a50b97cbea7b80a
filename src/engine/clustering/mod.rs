//! Clustering the customers' standardised features: the k sweep of k-means
//! (our own Lloyd with greedy k-means++ seeding and seeded restarts, not
//! linfa's), a Gaussian mixture (our EM from our k-means) and DBSCAN
//! (linfa) as alternatives, their
//! comparison, and the quality metrics (silhouette, Calinski–Harabasz,
//! Davies–Bouldin, inertia). Every method returns the same [`Clustering`].
//!
//! Files from the bottom up; each imports only files above it in this list:
//! - `points`: the feature point, distances, nearest centre, distinct points;
//! - `labels`: the [`Clustering`] result, cluster ids by value, samples;
//! - `kmeans_settings`: [`KMeansSettings`] and their check;
//! - `metrics`: the quality metrics;
//! - `error`: [`MethodError`];
//! - `lloyd`, `restarts`: Lloyd's iterations (double precision; the
//!   restarts' single precision);
//! - `kmeans`: one k (seeding, restarts, refinement); `sweep`: every k of a
//!   range, the silhouettes and the recommended k;
//! - `method`: the methods, their settings and what a fit returns;
//!   `gmm`, `dbscan`: the two fits; `compare`: the chosen method's fit and the
//!   side-by-side comparison.

pub mod compare;
pub mod dbscan;
pub mod error;
pub mod gmm;
pub mod kmeans;
pub mod kmeans_settings;
pub mod labels;
mod lloyd;
pub mod method;
pub mod metrics;
pub mod points;
mod restarts;
pub mod sweep;

pub use compare::{compare, fit_method, MethodComparison, MethodMetrics};
pub use error::MethodError;
pub use kmeans::{fit as kmeans_fit, RESTART_SAMPLE};
pub use kmeans_settings::{KMeansSettings, KMeansSettingsError, MAX_KMEANS_RUNS};
pub use labels::{
    order_by_value, sample_indices, sweep_digest, Clustering, MAX_CLUSTERS, SILHOUETTE_SAMPLE,
};
pub use method::{
    ClusteringMethod, ClusteringMethodSettings, Covariance, DbscanSettings, GmmSettings, MethodFit,
};
pub use metrics::{BlockSums, SilhouettePass};
pub use points::{dist2, distinct_points, nearest, Point};
pub use sweep::{
    add_silhouettes, elbow, fit_ks, queue_order, recommend, set_silhouettes, silhouette_labels,
    silhouette_pass, sweep, sweep_ks, BusinessRange, Recommendation,
};
