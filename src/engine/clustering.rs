//! Temporary root names of the clustering code (replaced by the module itself).

pub use super::cluster::{
    distinct_points, fit_ks, nearest, recommend, split_ks, sweep_ks, Clustering, KMeansSettings,
    Recommendation,
};
pub use super::features::Point;
pub use super::methods::compare::{compare, MethodComparison};
pub use super::methods::dbscan::DbscanSettings;
pub use super::methods::error::MethodError;
pub use super::methods::gmm::GmmSettings;
pub use super::methods::{
    fit as fit_method, ClusteringMethod, ClusteringMethodSettings, MethodFit,
};
