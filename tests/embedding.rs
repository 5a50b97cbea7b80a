//! The t-SNE map: deterministic for a seed, and planted groups that are
//! apart in the features stay apart on the map.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::embedding::{embed, sample_rows, trust, EmbeddingSettings};

/// Three Gaussian blobs in 3-D, far apart (centres 8 apart, spread 0.6),
/// from a small LCG so the test needs no RNG crate.
fn planted(per_blob: usize) -> (Vec<[f64; 3]>, Vec<usize>) {
    let mut state: u64 = 12345;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let centres = [[0.0, 0.0, 0.0], [8.0, 0.0, 0.0], [0.0, 8.0, 8.0]];
    let mut points = Vec::new();
    let mut labels = Vec::new();
    for (label, c) in centres.iter().enumerate() {
        for _ in 0..per_blob {
            let mut p = [0.0; 3];
            for d in 0..3 {
                let (u, v) = (uniform(), uniform());
                let normal = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                p[d] = c[d] + 0.6 * normal;
            }
            points.push(p);
            labels.push(label);
        }
    }
    (points, labels)
}

fn settings() -> EmbeddingSettings {
    EmbeddingSettings {
        iterations: 500,
        perplexity: 20.0,
        ..EmbeddingSettings::default()
    }
}

#[test]
fn same_seed_same_map_other_seed_other_map() {
    let (points, _) = planted(60);
    let mut ticks = Vec::new();
    let a = embed(&points, &settings(), &mut |f| ticks.push(f)).unwrap();
    let b = embed(&points, &settings(), &mut |_| {}).unwrap();
    assert_eq!(a, b);
    let other = EmbeddingSettings {
        seed: 7,
        ..settings()
    };
    let c = embed(&points, &other, &mut |_| {}).unwrap();
    assert_ne!(a.points, c.points);
    assert!(
        ticks.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows"
    );
    assert!(ticks.len() > 10 && *ticks.last().unwrap() > 0.99);
}

#[test]
fn planted_groups_stay_apart() {
    let (points, labels) = planted(200);
    let map = embed(&points, &settings(), &mut |_| {}).unwrap();
    assert_eq!(map.customers.len(), 600);
    // Each customer's 10 nearest on the map belong to its own group.
    let mut same = 0usize;
    for (i, p) in map.points.iter().enumerate() {
        let mut by_distance: Vec<(f64, usize)> = map
            .points
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(j, q)| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2), j))
            .collect();
        by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
        same += by_distance
            .iter()
            .take(10)
            .filter(|&&(_, j)| labels[j] == labels[i])
            .count();
    }
    assert!(
        same as f64 / 6000.0 > 0.99,
        "kNN preservation {}",
        same as f64 / 6000.0
    );
    // Groups' spread on the map is far smaller than the gaps between them.
    let centre = |g: usize| {
        let members: Vec<&[f64; 2]> = map
            .points
            .iter()
            .zip(&labels)
            .filter(|(_, &l)| l == g)
            .map(|(p, _)| p)
            .collect();
        let n = members.len() as f64;
        let c = members
            .iter()
            .fold([0.0; 2], |s, p| [s[0] + p[0], s[1] + p[1]]);
        let c = [c[0] / n, c[1] / n];
        let spread = members
            .iter()
            .map(|p| ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt())
            .fold(0.0, f64::max);
        (c, spread)
    };
    let groups: Vec<([f64; 2], f64)> = (0..3).map(centre).collect();
    for a in 0..3 {
        for b in a + 1..3 {
            let gap = ((groups[a].0[0] - groups[b].0[0]).powi(2)
                + (groups[a].0[1] - groups[b].0[1]).powi(2))
            .sqrt();
            assert!(
                gap > groups[a].1 + groups[b].1,
                "groups {a} and {b} overlap: gap {gap}"
            );
        }
    }
    assert!(
        map.trustworthiness.unwrap() > 0.9,
        "{:?}",
        map.trustworthiness
    );
    assert!(map.kl_divergence.is_finite() && map.kl_divergence > 0.0);
}

#[test]
fn a_large_file_is_sampled_with_the_seed() {
    let rows = sample_rows(10_000, 5_000, 42);
    assert_eq!(rows.len(), 5_000);
    assert!(rows.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(rows, sample_rows(10_000, 5_000, 42));
    assert_ne!(rows, sample_rows(10_000, 5_000, 43));
    assert_eq!(sample_rows(30, 5_000, 42), (0..30).collect::<Vec<_>>());
}

#[test]
fn small_files_lower_the_perplexity_and_tiny_ones_are_refused() {
    let (points, _) = planted(10);
    let map = embed(&points, &settings(), &mut |_| {}).unwrap();
    assert!((map.perplexity - 29.0 / 3.0).abs() < 1e-12);
    let err = embed(&points[..12], &settings(), &mut |_| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the map needs at least 20 customers; this file has 12"
    );
    let bad = EmbeddingSettings {
        perplexity: 0.5,
        ..settings()
    };
    assert!(embed(&points, &bad, &mut |_| {}).is_err());
}

#[test]
fn identical_customers_do_not_break_the_map() {
    let points = vec![[1.0, 2.0, 3.0]; 50];
    let map = embed(&points, &settings(), &mut |_| {}).unwrap();
    assert!(map
        .points
        .iter()
        .all(|p| p[0].is_finite() && p[1].is_finite()));
    let _ = trust::trustworthiness(&points, &map.points, 5);
}
