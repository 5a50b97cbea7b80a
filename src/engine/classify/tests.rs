#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::forest::majority;
use super::*;

fn tree(nodes: Vec<Node>) -> Tree {
    Tree { nodes }
}

/// recency ≤ 30 → 1, else 0.
fn stump() -> Tree {
    tree(vec![
        Node::Split {
            feature: 0,
            threshold: 30.0,
            left: 1,
            right: 2,
        },
        Node::Leaf { class: 1 },
        Node::Leaf { class: 0 },
    ])
}

#[test]
fn votes_break_ties_towards_the_smallest_cluster() {
    assert_eq!(majority(&[1, 2, 2]), 1);
    assert_eq!(majority(&[0, 0, 0]), 0);
    let forest = Forest {
        classes: 3,
        trees: vec![stump(), tree(vec![Node::Leaf { class: 2 }])],
        cross_validated_accuracy: None,
    };
    // One vote each for 1 and 2 → 1; one each for 0 and 2 → 0.
    assert_eq!(forest.predict(30.0, 1.0, 1.0), 1);
    assert_eq!(forest.predict(31.0, 1.0, 1.0), 0);
    assert_eq!(forest.validate(3), Ok(()));
}

#[test]
fn malformed_forests_are_rejected_and_never_loop() {
    let bad_child = Forest {
        classes: 2,
        trees: vec![tree(vec![
            Node::Split {
                feature: 1,
                threshold: 1.0,
                left: 0,
                right: 1,
            },
            Node::Leaf { class: 0 },
        ])],
        cross_validated_accuracy: None,
    };
    assert!(bad_child.validate(2).is_err());
    assert_eq!(bad_child.trees[0].predict_row(&[0.0, 0.0, 0.0]), None);
    assert_eq!(bad_child.predict(0.0, 0.0, 0.0), 0);
    let mut wrong_class = Forest {
        classes: 2,
        trees: vec![stump(), tree(vec![Node::Leaf { class: 2 }])],
        cross_validated_accuracy: None,
    };
    assert!(
        wrong_class.validate(2).is_err(),
        "a leaf names cluster 2 of 2"
    );
    wrong_class.classes = 3;
    assert!(wrong_class.validate(2).is_err(), "3 clusters, model has 2");
    assert!(Forest {
        classes: 2,
        trees: vec![],
        cross_validated_accuracy: None
    }
    .validate(2)
    .is_err());
    let bad_feature = tree(vec![
        Node::Split {
            feature: 3,
            threshold: 1.0,
            left: 1,
            right: 2,
        },
        Node::Leaf { class: 0 },
        Node::Leaf { class: 1 },
    ]);
    assert_eq!(bad_feature.predict_row(&[0.0, 0.0, 0.0]), None);
}

#[test]
fn settings_are_checked() {
    let ok = ClassifierSettings::default();
    assert!(ok.check().is_ok());
    for (bad, err) in [
        (
            ClassifierSettings { folds: 1, ..ok },
            ClassifyError::BadFolds(1),
        ),
        (
            ClassifierSettings { folds: 11, ..ok },
            ClassifyError::BadFolds(11),
        ),
        (
            ClassifierSettings { trees: 0, ..ok },
            ClassifyError::BadTrees(0),
        ),
        (
            ClassifierSettings { trees: 501, ..ok },
            ClassifyError::BadTrees(501),
        ),
        (
            ClassifierSettings {
                max_depth: Some(0),
                ..ok
            },
            ClassifyError::BadDepth(0),
        ),
        (
            ClassifierSettings {
                max_training_customers: 99,
                ..ok
            },
            ClassifyError::BadSampleSize(99),
        ),
    ] {
        assert_eq!(bad.check(), Err(err));
    }
    assert!(ClassifierSettings {
        max_depth: None,
        ..ok
    }
    .check()
    .is_ok());
}

#[test]
fn sampling_is_seeded_and_keeps_small_inputs_whole() {
    assert_eq!(sample_indices(5, 10, 1), vec![0, 1, 2, 3, 4]);
    let a = sample_indices(1000, 100, 7);
    assert_eq!(a.len(), 100);
    assert!(a.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(a, sample_indices(1000, 100, 7));
    assert_ne!(a, sample_indices(1000, 100, 8));
}
