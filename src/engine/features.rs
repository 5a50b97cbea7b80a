//! Clustering features: log1p of R, F, M, standardised (mean 0, population
//! std 1, like scikit-learn's StandardScaler). Parameters are kept so a
//! saved model scales new customers identically.

use super::clustering::Point;
use super::rfm::RfmRow;
use serde::{Deserialize, Serialize};

pub const FEATURE_NAMES: [&str; 3] = ["Recency", "Frequency", "Monetary"];

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub mean: Point,
    /// Population standard deviation; 1 where a feature has no variance.
    pub scale: Point,
}

/// log1p of recency, frequency and non-negative monetary.
pub fn raw_features(row: &RfmRow) -> Point {
    [
        (row.recency_days.max(0) as f64).ln_1p(),
        f64::from(row.frequency).ln_1p(),
        row.monetary.max(0.0).ln_1p(),
    ]
}

impl Scaler {
    pub fn fit(points: &[Point]) -> Self {
        let n = points.len().max(1) as f64;
        let mut mean = [0.0; 3];
        for p in points {
            for d in 0..3 {
                mean[d] += p[d] / n;
            }
        }
        let mut scale = [0.0; 3];
        for p in points {
            for d in 0..3 {
                scale[d] += (p[d] - mean[d]).powi(2) / n;
            }
        }
        // Zero variance: leave the feature centred at 0 instead of dividing by 0.
        let scale = scale.map(|v| if v.sqrt() > 1e-12 { v.sqrt() } else { 1.0 });
        Self { mean, scale }
    }

    pub fn transform(&self, p: &Point) -> Point {
        [0, 1, 2].map(|d| (p[d] - self.mean[d]) / self.scale[d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardises_with_population_std_and_survives_zero_variance() {
        let points = [[0.0, 5.0, 1.0], [2.0, 5.0, 3.0]];
        let s = Scaler::fit(&points);
        assert_eq!(s.mean, [1.0, 5.0, 2.0]);
        assert_eq!(s.scale, [1.0, 1.0, 1.0]); // population std of {0,2} is 1; {5,5} has none
        assert_eq!(s.transform(&points[0]), [-1.0, 0.0, -1.0]);
        let row = RfmRow {
            customer_id: "x".into(),
            country: None,
            recency_days: 0,
            frequency: 1,
            monetary: -5.0,
        };
        assert_eq!(raw_features(&row), [0.0, 2f64.ln(), 0.0]);
    }
}
