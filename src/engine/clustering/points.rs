//! The geometry every clustering method shares: a customer as a point in
//! the standardised 3-D feature space, squared distances, the nearest of a
//! set of centres, and how many distinct points there are (what k can be at
//! most).

use crate::engine::fast_hash::FastHashSet;

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

/// The number of distinct points, counted up to `limit`: `limit` when
/// there are at least that many, else exactly [`distinct_points`]. Whether
/// k clusters are possible needs only this, and it usually stops after
/// the first few points instead of sorting every customer (a sort of a
/// million points per fitted k was ≈ 9% of a large table's analysis).
pub fn distinct_points_up_to(points: &[Point], limit: usize) -> usize {
    let mut seen: FastHashSet<[u64; 3]> = FastHashSet::default();
    for p in points {
        if seen.len() >= limit {
            break;
        }
        seen.insert(p.map(f64::to_bits));
    }
    seen.len().min(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_up_to_a_limit_stops_there_and_is_exact_below_it() {
        // 0.0 and -0.0 have different bits, and count as two (as in `distinct_points`).
        let points: Vec<Point> = [0.0, 1.0, 0.0, -0.0, 2.0, 1.0, 2.0]
            .iter()
            .map(|&x| [x, 5.0, 5.0])
            .collect();
        assert_eq!(distinct_points(&points), 4);
        for limit in 0..=6 {
            assert_eq!(
                distinct_points_up_to(&points, limit),
                limit.min(4),
                "limit {limit}"
            );
        }
        assert_eq!(distinct_points_up_to(&[], 3), 0);
    }
}
