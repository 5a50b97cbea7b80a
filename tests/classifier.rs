//! The cluster classifier (engine::classify): folds, metrics, planted
//! clusters, determinism, the saved model, and scikit-learn's
//! RandomForestClassifier on the bundled sample
//! (tests/reference/classifier_reference.py → tests/fixtures/classifier_reference.json).

// A panic here is a failing test, not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use segmento::engine::classify::{
    cross_validate, fit_forest, fold_of, folds, metrics, ClassifierSettings, ClassifyError, Forest,
    Metrics, Row,
};
use segmento::engine::error::AnalysisError;
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::model::SegmentationModel;
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use serde_json::Value;
use std::collections::HashMap;

fn uniform(rng: &mut Xoshiro256Plus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `n` customers in 4 groups (label = i % 4) with whole-day recency, whole
/// purchases and cents; the ranges touch, so a few customers are ambiguous.
fn planted(n: usize, seed: u64) -> (Vec<Row>, Vec<usize>) {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    // (recency range, frequency range, monetary range) per group.
    let groups = [
        ((0.0, 40.0), (8.0, 30.0), (2000.0, 9000.0)),
        ((20.0, 120.0), (3.0, 9.0), (400.0, 2100.0)),
        ((100.0, 300.0), (1.0, 4.0), (50.0, 450.0)),
        ((280.0, 700.0), (1.0, 2.0), (5.0, 120.0)),
    ];
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % 4;
        let ((r0, r1), (f0, f1), (m0, m1)) = groups[c];
        let r = (r0 + uniform(&mut rng) * (r1 - r0)).round();
        let f = (f0 + uniform(&mut rng) * (f1 - f0)).round();
        let m = ((m0 + uniform(&mut rng) * (m1 - m0)) * 100.0).round() / 100.0;
        x.push([r, f, m]);
        y.push(c);
    }
    (x, y)
}

fn settings(trees: usize, seed: u64) -> ClassifierSettings {
    ClassifierSettings {
        trees,
        seed,
        ..ClassifierSettings::default()
    }
}

#[test]
fn folds_are_disjoint_cover_everyone_once_and_are_stratified() {
    // Unbalanced clusters: 0 × 53, 1 × 20, 2 × 7.
    let labels: Vec<usize> = (0..80)
        .map(|i| match i % 8 {
            0..=4 => 0,
            5 if i < 56 => 1,
            5 | 6 => usize::from(i >= 56) + 1,
            _ => 0,
        })
        .collect();
    let support: Vec<usize> = (0..3)
        .map(|c| labels.iter().filter(|&&l| l == c).count())
        .collect();
    let k = 5;
    let split = folds(&labels, 3, k, 11);
    assert_eq!(split.len(), k);
    let mut seen = vec![0usize; labels.len()];
    for fold in &split {
        for &i in fold {
            seen[i] += 1;
        }
        assert!(fold.windows(2).all(|w| w[0] < w[1]));
    }
    assert!(seen.iter().all(|&n| n == 1), "every customer exactly once");
    let sizes: Vec<usize> = split.iter().map(Vec::len).collect();
    assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
    for (c, &n) in support.iter().enumerate() {
        let per_fold: Vec<usize> = split
            .iter()
            .map(|f| f.iter().filter(|&&i| labels[i] == c).count())
            .collect();
        let (lo, hi) = (n / k, n.div_ceil(k));
        assert!(
            per_fold.iter().all(|&n| n == lo || n == hi),
            "cluster {c}: {per_fold:?} (support {n})"
        );
    }
    assert_eq!(fold_of(&labels, 3, k, 11), fold_of(&labels, 3, k, 11));
    assert_ne!(fold_of(&labels, 3, k, 11), fold_of(&labels, 3, k, 12));
}

#[test]
fn metrics_match_a_hand_computed_oracle() {
    // rows = true, cols = predicted
    //          p0 p1 p2
    // t0  [     5, 1, 0 ]   support 6
    // t1  [     2, 3, 0 ]   support 5
    // t2  [     0, 1, 0 ]   support 1 (never predicted as 2)
    // accuracy = (5 + 3 + 0) / 12 = 2/3
    // precision: 0 → 5/7, 1 → 3/5, 2 → 0 (no predictions: zero_division = 0)
    // recall:    0 → 5/6, 1 → 3/5, 2 → 0/1 = 0
    // F1: 0 → 2·(5/7)(5/6)/((5/7)+(5/6)) = (50/42)/(65/42) = 10/13
    //     1 → 3/5;  2 → 0
    // macro-F1 = (10/13 + 3/5 + 0) / 3 = (50/65 + 39/65) / 3 = 89/195
    let truth = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2];
    let pred = [0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1];
    let m = Metrics::from_confusion(metrics::confusion(&truth, &pred, 3));
    assert_eq!(
        m.confusion,
        vec![vec![5, 1, 0], vec![2, 3, 0], vec![0, 1, 0]]
    );
    assert_eq!(m.support, vec![6, 5, 1]);
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    close(m.accuracy, 2.0 / 3.0);
    close(m.precision[0], 5.0 / 7.0);
    close(m.precision[1], 3.0 / 5.0);
    close(m.precision[2], 0.0);
    close(m.recall[0], 5.0 / 6.0);
    close(m.recall[1], 3.0 / 5.0);
    close(m.recall[2], 0.0);
    close(m.f1[0], 10.0 / 13.0);
    close(m.macro_f1, 89.0 / 195.0);
}

#[test]
fn planted_clusters_are_learned_and_results_are_deterministic() {
    let (x, y) = planted(2000, 3);
    let s = settings(50, 9);
    let mut calls = Vec::new();
    let cv = cross_validate(&x, &y, 4, &s, &mut |f| calls.push(f)).unwrap();
    assert!(cv.metrics.accuracy >= 0.95, "{:?}", cv.metrics);
    assert!(cv.metrics.macro_f1 >= 0.95);
    assert_eq!(cv.fold_accuracy.len(), 5);
    assert_eq!(cv.metrics.support, vec![500; 4]);
    assert!(calls.windows(2).all(|w| w[0] <= w[1]) && calls.last() == Some(&1.0));
    assert!(calls.iter().all(|f| (0.0..=1.0).contains(f)));
    // Same inputs and seed → identical results; another seed → other trees.
    assert_eq!(cv, cross_validate(&x, &y, 4, &s, &mut |_| {}).unwrap());
    let forest = fit_forest(&x, &y, 4, &s, &mut |_| {}).unwrap();
    assert_eq!(forest, fit_forest(&x, &y, 4, &s, &mut |_| {}).unwrap());
    assert_ne!(
        forest,
        fit_forest(&x, &y, 4, &settings(50, 10), &mut |_| {}).unwrap()
    );
    assert_eq!(forest.trees.len(), 50);
    assert_eq!(forest.validate(4), Ok(()));
    let train_right = x
        .iter()
        .zip(&y)
        .filter(|(r, &l)| forest.predict(r[0], r[1], r[2]) == l)
        .count();
    assert!(train_right as f64 / x.len() as f64 > cv.metrics.accuracy - 0.01);
}

#[test]
fn the_serialised_forest_predicts_exactly_like_the_fitted_one() {
    let (x, y) = planted(600, 5);
    let forest = fit_forest(
        &x,
        &y,
        4,
        &ClassifierSettings {
            max_depth: None,
            ..settings(30, 1)
        },
        &mut |_| {},
    )
    .unwrap();
    let back: Forest = serde_json::from_str(&serde_json::to_string(&forest).unwrap()).unwrap();
    assert_eq!(back, forest);
    // Each tree on its own, then the vote (ties to the smallest cluster).
    for row in &x {
        let mut votes = [0usize; 4];
        for tree in &back.trees {
            votes[tree.predict_row(row).unwrap()] += 1;
        }
        let top = *votes.iter().max().unwrap();
        let expected = votes.iter().position(|&v| v == top).unwrap();
        assert_eq!(back.predict_row(row), expected);
        assert_eq!(forest.predict_row(row), expected);
    }
}

#[test]
fn bad_data_gets_a_plain_error() {
    let (mut x, mut y) = planted(40, 2);
    let s = settings(5, 1);
    assert_eq!(
        cross_validate(&x, &y[..39], 4, &s, &mut |_| {}),
        Err(ClassifyError::LabelMismatch {
            customers: 40,
            labels: 39
        })
    );
    assert_eq!(
        cross_validate(&x, &y, 3, &s, &mut |_| {}),
        Err(ClassifyError::LabelOutOfRange {
            label: 3,
            classes: 3
        })
    );
    assert_eq!(
        cross_validate(&[], &[], 4, &s, &mut |_| {}),
        Err(ClassifyError::NoCustomers)
    );
    // Cluster 3 with only 3 customers cannot fill 5 folds.
    let small: Vec<usize> = (0..40).filter(|&i| y[i] != 3 || i < 12).collect();
    let xs: Vec<Row> = small.iter().map(|&i| x[i]).collect();
    let ys: Vec<usize> = small.iter().map(|&i| y[i]).collect();
    let err = cross_validate(&xs, &ys, 4, &s, &mut |_| {}).unwrap_err();
    assert_eq!(
        err,
        ClassifyError::ClassTooSmall {
            class: 3,
            customers: 3,
            folds: 5
        }
    );
    assert!(err.to_string().contains("cluster 3"));
    assert!(err.to_string().contains("fewer folds"));
    assert!(fit_forest(&xs, &ys, 4, &s, &mut |_| {}).is_ok());
    x[7][2] = f64::NAN;
    assert!(matches!(
        cross_validate(&x, &y, 4, &s, &mut |_| {}),
        Err(ClassifyError::NonFinite { .. })
    ));
    x[7][2] = f64::INFINITY;
    assert!(fit_forest(&x, &y, 4, &s, &mut |_| {}).is_err());
    y.truncate(0);
    x.truncate(0);
    assert_eq!(
        cross_validate(&x, &y, 1, &s, &mut |_| {}),
        Err(ClassifyError::NoCustomers)
    );
}

fn sample() -> (
    segmento::engine::ledger::Ledger,
    segmento::engine::pipeline::Analysis,
) {
    let root = env!("CARGO_MANIFEST_DIR");
    let bytes = std::fs::read(format!("{root}/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    (outcome.ledger, analysis)
}

#[test]
fn the_model_carries_the_classifier_and_labels_the_sample_with_it() {
    let (ledger, analysis) = sample();
    let (cv, forest) = analysis
        .classify(&ClassifierSettings::default(), &mut |_| {})
        .unwrap();
    assert_eq!(cv.customers, analysis.rfm.rows.len());
    assert_eq!(forest.cross_validated_accuracy, Some(cv.metrics.accuracy));
    assert!(cv.metrics.accuracy > 0.8, "{:?}", cv.metrics);

    let plain = analysis.model().unwrap();
    let old_json = plain.to_json();
    assert!(
        !old_json.contains("\"classifier\""),
        "old files stay as they were"
    );
    assert_eq!(SegmentationModel::from_json(&old_json).unwrap(), plain);
    assert_eq!(
        plain.apply_classifier(&ledger),
        Err(AnalysisError::ModelHasNoClassifier)
    );
    assert!(AnalysisError::ModelHasNoClassifier
        .to_string()
        .contains("save the model again"));

    let model = plain.with_classifier(forest.clone());
    let json = model.to_json();
    assert!(json.contains("\"classifier\""));
    assert_eq!(SegmentationModel::from_json(&json).unwrap(), model);

    let labelled = model.apply_classifier(&ledger).unwrap();
    let by_centroid = model.apply(&ledger).unwrap();
    assert_eq!(labelled.len(), analysis.rfm.rows.len());
    let mut agree = 0;
    for (a, b) in labelled.iter().zip(&by_centroid) {
        assert_eq!(a.customer_id, b.customer_id);
        assert_eq!(a.segment, b.segment, "segments as usual");
        assert_eq!(
            a.cluster,
            forest.predict(a.recency_days as f64, f64::from(a.frequency), a.monetary)
        );
        assert_eq!(a.cluster_name, model.cluster_names[a.cluster]);
        agree += usize::from(a.cluster == b.cluster);
    }
    assert!(
        agree * 10 >= labelled.len() * 9,
        "{agree} of {}",
        labelled.len()
    );

    // A classifier naming a cluster the model does not have is refused.
    let mut bad: Value = serde_json::from_str(&json).unwrap();
    bad["classifier"]["classes"] = Value::from(99);
    assert!(matches!(
        SegmentationModel::from_json(&bad.to_string()),
        Err(AnalysisError::BadModel(_))
    ));
}

#[test]
fn cross_validated_quality_matches_scikit_learn_on_the_sample() {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/tests/fixtures/classifier_reference.json"))
            .unwrap(),
    )
    .unwrap();
    let (_, analysis) = sample();
    let by_id: HashMap<&str, &segmento::engine::rfm::RfmRow> = analysis
        .rfm
        .rows
        .iter()
        .map(|r| (r.customer_id.as_str(), r))
        .collect();
    let (x, y): (Vec<Row>, Vec<usize>) = fixture["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let r = by_id[l["customer_id"].as_str().unwrap()];
            (
                [r.recency_days as f64, f64::from(r.frequency), r.monetary],
                l["cluster"].as_u64().unwrap() as usize,
            )
        })
        .unzip();
    assert_eq!(x.len(), analysis.rfm.rows.len());
    let k = fixture["k"].as_u64().unwrap() as usize;
    let s = ClassifierSettings {
        trees: fixture["trees"].as_u64().unwrap() as usize,
        folds: fixture["folds"].as_u64().unwrap() as usize,
        max_depth: None,
        seed: 0,
        ..ClassifierSettings::default()
    };
    let cv = cross_validate(&x, &y, k, &s, &mut |_| {}).unwrap();
    let (acc, f1) = (
        fixture["accuracy"].as_f64().unwrap(),
        fixture["macro_f1"].as_f64().unwrap(),
    );
    eprintln!(
        "Segmento: accuracy {:.4}, macro-F1 {:.4}; scikit-learn: {acc:.4}, {f1:.4}",
        cv.metrics.accuracy, cv.metrics.macro_f1
    );
    assert!((cv.metrics.accuracy - acc).abs() <= 0.05);
    assert!((cv.metrics.macro_f1 - f1).abs() <= 0.05);
}
