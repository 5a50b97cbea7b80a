//! The geometry every clustering method shares: a customer as a point in
//! the standardised 3-D feature space, squared distances, the nearest of a
//! set of centres, and how many distinct points there are (what k can be at
//! most).

/// A customer's standardised features (recency, frequency, monetary).
pub type Point = [f64; 3];

/// Squared Euclidean distance.
pub fn dist2(a: &Point, b: &Point) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// Index of the centroid nearest to `p` (the lowest index on ties).
#[inline]
pub fn nearest(centroids: &[Point], p: &Point) -> usize {
    // A plain loop: this is the innermost operation of k-means.
    let mut best = (0, f64::INFINITY);
    for (i, c) in centroids.iter().enumerate() {
        let d = (c[0] - p[0]).powi(2) + (c[1] - p[1]).powi(2) + (c[2] - p[2]).powi(2);
        if d < best.1 {
            best = (i, d);
        }
    }
    best.0
}

/// Number of distinct points (what k can be at most).
pub fn distinct_points(points: &[Point]) -> usize {
    let mut keys: Vec<[u64; 3]> = points.iter().map(|p| p.map(f64::to_bits)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}
