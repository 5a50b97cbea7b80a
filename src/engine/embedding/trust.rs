//! Trustworthiness (Venna & Kaski): how far the map's nearest neighbours
//! are true neighbours in the features; 1 when every map neighbourhood is
//! one of the original space. Same definition as scikit-learn's
//! `sklearn.manifold.trustworthiness`.

/// T(k) of `embedded` against `original` (same points, same order); `None`
/// when k is not below n / 2, where the formula is undefined.
pub fn trustworthiness<const D: usize>(
    original: &[[f64; D]],
    embedded: &[[f64; 2]],
    k: usize,
) -> Option<f64> {
    let n = original.len().min(embedded.len());
    if k == 0 || 2 * k >= n {
        return None;
    }
    let mut penalty = 0.0;
    let mut by_original: Vec<(f64, usize)> = Vec::with_capacity(n);
    let mut rank = vec![0usize; n];
    let mut by_map: Vec<(f64, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        by_original.clear();
        by_original.extend(
            (0..n)
                .filter(|&j| j != i)
                .map(|j| (distance(&original[i], &original[j]), j)),
        );
        by_original.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, &(_, j)) in by_original.iter().enumerate() {
            rank[j] = r + 1;
        }
        by_map.clear();
        by_map.extend(
            (0..n)
                .filter(|&j| j != i)
                .map(|j| (distance(&embedded[i], &embedded[j]), j)),
        );
        by_map.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        penalty += by_map
            .iter()
            .take(k)
            .map(|&(_, j)| rank[j].saturating_sub(k) as f64)
            .sum::<f64>();
    }
    let (n, k) = (n as f64, k as f64);
    Some(1.0 - penalty * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)))
}

fn distance<const D: usize>(a: &[f64; D], b: &[f64; D]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_faithful_map_scores_one() {
        let original: Vec<[f64; 3]> = (0..10).map(|i| [f64::from(i), 0.0, 0.0]).collect();
        let map: Vec<[f64; 2]> = (0..10).map(|i| [f64::from(i) * 2.0, 1.0]).collect();
        assert_eq!(trustworthiness(&original, &map, 2), Some(1.0));
    }

    /// Hand-computed (no distance ties): points at 0, 1, 3, 7, 15, 31 on a
    /// line; the map swaps the first and the last. For k = 1 each point's map
    /// neighbour and its rank in the original: 0 → 4 (rank 4, penalty 3),
    /// 1 → 5 (rank 5, penalty 4), 2 → 1, 3 → 2, 4 → 3 (rank 1 each), 5 → 1
    /// (rank 4, penalty 3). Penalty 10; T = 1 − 10·2 / (6·1·(12 − 3 − 1)) = 7/12,
    /// which `sklearn.manifold.trustworthiness(X, Y, n_neighbors=1)` also gives.
    #[test]
    fn hand_computed_swap() {
        let line = [0.0, 1.0, 3.0, 7.0, 15.0, 31.0];
        let original: Vec<[f64; 1]> = line.iter().map(|&x| [x]).collect();
        let positions = [31.0, 1.0, 3.0, 7.0, 15.0, 0.0];
        let map: Vec<[f64; 2]> = positions.iter().map(|&x| [x, 0.0]).collect();
        let t = trustworthiness(&original, &map, 1).unwrap_or(f64::NAN);
        assert!((t - 7.0 / 12.0).abs() < 1e-12, "{t}");
    }
}
