use super::rule_tree::values;
use super::rules::tests::text_holds;
use super::*;
use crate::engine::rfm::tests::table_of;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

fn uniform(rng: &mut Xoshiro256Plus, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The planted truth: recent frequent buyers are loyal; otherwise spend over £1,000 is "big".
fn planted(r: i64, f: u32, m: f64) -> usize {
    if r <= 30 && f >= 5 {
        0
    } else if m > 1000.0 {
        1
    } else {
        2
    }
}

fn names() -> Vec<String> {
    ["Loyalists", "Big spenders", "Others"]
        .map(String::from)
        .to_vec()
}

/// `n` random customers (R in 1..=120 days, F in 1..=10, M in £10..£2,000 to
/// the cent), so every planted region holds well over 1% of them.
fn customers(n: usize, seed: u64) -> Vec<(i64, u32, f64)> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let r = 1 + (rng.next_u64() % 120) as i64;
            let f = 1 + (rng.next_u64() % 10) as u32;
            let m = (uniform(&mut rng, 10.0, 2000.0) * 100.0).round() / 100.0;
            (r, f, m)
        })
        .collect()
}

fn planted_table(n: usize) -> (Vec<RfmRow>, Vec<usize>) {
    let rows = customers(n, 7);
    let labels = rows.iter().map(|&(r, f, m)| planted(r, f, m)).collect();
    (table_of(&rows).rows, labels)
}

#[test]
fn recovers_planted_thresholds() {
    let (rows, labels) = planted_table(5000);
    let e = explain(&rows, &labels, &names(), &TreeSettings::default()).unwrap();
    assert!(e.train_accuracy >= 0.99, "{:#?}", e.rules);
    assert!(e.holdout_accuracy.unwrap() >= 0.99, "{e:?}");
    assert_eq!((e.customers_used, e.holdout_customers), (4000, 1000));
    let all: String = e.rules.iter().map(|r| r.text.clone() + "\n").collect();
    for planted in [
        "recency ≤ 30 days",
        "frequency ≥ 5 purchases",
        "monetary ≤ £1,000",
        "monetary > £1,000",
    ] {
        assert!(all.contains(planted), "{planted} missing from\n{all}");
    }
    // The loyal region may be cut by monetary too, but always by both planted thresholds.
    for loyal in e.rules.iter().filter(|r| r.cluster == 0) {
        assert!(loyal
            .text
            .starts_with("recency ≤ 30 days and frequency ≥ 5 purchases"));
        assert!(loyal.text.ends_with(" → Loyalists"));
        assert!(loyal.purity > 0.99);
    }
    let shares: f64 = e.rules.iter().map(|r| r.share).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert_eq!(
        e.rules.iter().map(|r| r.customers).sum::<usize>(),
        e.customers_used
    );
}

#[test]
fn same_input_same_explanation() {
    let (rows, mut labels) = planted_table(3000);
    // Noise makes near-ties between splits likely.
    for l in labels.iter_mut().step_by(7) {
        *l = (*l + 1) % 3;
    }
    let settings = TreeSettings {
        max_depth: 5,
        ..Default::default()
    };
    let first = explain(&rows, &labels, &names(), &settings).unwrap();
    for _ in 0..3 {
        assert_eq!(explain(&rows, &labels, &names(), &settings).unwrap(), first);
    }
    let other_seed = TreeSettings {
        seed: 1,
        ..settings
    };
    let reseeded = explain(&rows, &labels, &names(), &other_seed).unwrap();
    assert_ne!(reseeded.holdout_accuracy, None);
}

#[test]
fn rule_texts_agree_with_predict() {
    let (rows, mut labels) = planted_table(4000);
    for l in labels.iter_mut().step_by(5) {
        *l = (*l + 2) % 3;
    }
    let names = names();
    for depth in [1, 3, 6] {
        let settings = TreeSettings {
            max_depth: depth,
            min_leaf_share: 0.002,
            ..Default::default()
        };
        let e = explain(&rows, &labels, &names, &settings).unwrap();
        // Training-like points, points between cents and days, and points outside the range.
        let mut rng = Xoshiro256Plus::seed_from_u64(depth as u64);
        let mut points: Vec<(i64, u32, f64)> = customers(3000, 99);
        for _ in 0..2000 {
            let r = (rng.next_u64() % 1000) as i64 - 100;
            let f = (rng.next_u64() % 60) as u32;
            points.push((r, f, uniform(&mut rng, -100.0, 20_000.0)));
        }
        for (r, f, m) in points {
            let x = values(r, f, m);
            let predicted = e.tree.predict(r, f, m);
            let by_text: Vec<String> = e
                .rules
                .iter()
                .filter_map(|rule| text_holds(&rule.text, &x))
                .collect();
            assert_eq!(by_text, [names[predicted].clone()], "({r}, {f}, {m})");
            let by_conditions: Vec<usize> = e
                .rules
                .iter()
                .filter(|rule| rule.conditions.iter().all(|c| c.holds(&x)))
                .map(|rule| rule.cluster)
                .collect();
            assert_eq!(by_conditions, [predicted]);
        }
    }
}

#[test]
fn sibling_leaves_of_one_cluster_are_merged() {
    let (rows, labels) = planted_table(3000);
    let e = explain(
        &rows,
        &labels,
        &names(),
        &TreeSettings {
            max_depth: 6,
            ..Default::default()
        },
    )
    .unwrap();
    for node in &e.tree.nodes {
        if let RuleNode::Split { left, right, .. } = node {
            if let (RuleNode::Leaf(a), RuleNode::Leaf(b)) =
                (&e.tree.nodes[*left], &e.tree.nodes[*right])
            {
                assert_ne!(a.cluster, b.cluster, "{:?}", e.tree);
            }
        }
    }
    assert_eq!(e.tree.validate(3), Ok(()));
}

#[test]
fn large_tables_train_on_a_sample() {
    let (rows, labels) = planted_table(3000);
    let settings = TreeSettings {
        max_training_customers: 500,
        ..Default::default()
    };
    let e = explain(&rows, &labels, &names(), &settings).unwrap();
    assert_eq!((e.customers_used, e.holdout_customers), (500, 600));
    assert!(e.holdout_accuracy.unwrap() > 0.9);
}

#[test]
fn degenerate_inputs() {
    let one_cluster = table_of(&[(5, 1, 10.0), (9, 2, 30.0)]).rows;
    let e = explain(&one_cluster, &[0, 0], &names(), &TreeSettings::default()).unwrap();
    assert_eq!(e.rules.len(), 1);
    assert_eq!(e.rules[0].text, "all customers → Loyalists");
    assert_eq!(e.train_accuracy, 1.0);
    assert_eq!(e.holdout_accuracy, None, "two customers: none held out");

    let e = explain(&one_cluster, &[1, 0], &names(), &TreeSettings::default()).unwrap();
    assert_eq!(e.train_accuracy, 1.0);
    assert_eq!(e.tree.predict(5, 1, 10.0), 1);
    assert_eq!(e.tree.predict(9, 2, 30.0), 0);

    let twins = table_of(&[(5, 1, 10.0), (5, 1, 10.0)]).rows;
    let e = explain(&twins, &[0, 1], &names(), &TreeSettings::default()).unwrap();
    assert_eq!(e.rules.len(), 1);
    assert_eq!(e.train_accuracy, 0.5);

    assert_eq!(
        explain(&[], &[], &names(), &TreeSettings::default()),
        Err(ExplainError::NoCustomers)
    );
    assert!(matches!(
        explain(&twins, &[0], &names(), &TreeSettings::default()),
        Err(ExplainError::LabelMismatch { .. })
    ));
    let mut nan = twins.clone();
    nan[1].monetary = f64::NAN;
    assert!(matches!(
        explain(&nan, &[0, 1], &names(), &TreeSettings::default()),
        Err(ExplainError::NonFiniteMonetary { .. })
    ));
    for (bad, error) in [
        (
            TreeSettings {
                max_depth: 0,
                ..Default::default()
            },
            ExplainError::BadDepth(0),
        ),
        (
            TreeSettings {
                max_depth: 7,
                ..Default::default()
            },
            ExplainError::BadDepth(7),
        ),
        (
            TreeSettings {
                min_leaf_share: 0.5,
                ..Default::default()
            },
            ExplainError::BadLeafShare(0.5),
        ),
        (
            TreeSettings {
                holdout_share: f64::NAN,
                ..Default::default()
            },
            ExplainError::BadHoldoutShare(f64::NAN),
        ),
    ] {
        let got = explain(&twins, &[0, 1], &names(), &bad).unwrap_err();
        assert_eq!(got.to_string(), error.to_string());
    }
}

mod with_model {
    use super::*;
    use crate::engine::error::AnalysisError;
    use crate::engine::ledger::Ledger;
    use crate::engine::model::SegmentationModel;
    use crate::engine::pipeline::{analyze, AnalysisSettings};
    use crate::engine::rfm::tests::customer;
    use chrono::{Days, NaiveDate};

    /// Customers with the given R, F, M as purchase histories (reference date 2011-12-10).
    fn ledger_of(rows: &[(i64, u32, f64)]) -> Ledger {
        let reference = NaiveDate::from_ymd_opt(2011, 12, 10).unwrap();
        let customers = rows
            .iter()
            .enumerate()
            .map(|(i, &(r, f, m))| {
                let purchases: Vec<(String, String, f64)> = (0..f)
                    .map(|j| {
                        let day = reference - Days::new(r as u64 + 3 * u64::from(j));
                        (format!("{i}-{j}"), format!("{day} 10:00"), m / f64::from(f))
                    })
                    .collect();
                let refs: Vec<(&str, &str, f64)> = purchases
                    .iter()
                    .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
                    .collect();
                customer(&format!("c{i}"), &refs)
            })
            .collect();
        Ledger {
            customers,
            monthly: vec![],
            net_returns: false,
        }
    }

    #[test]
    fn explains_an_analysis_and_labels_new_customers_by_its_rules() {
        let mut rows = customers(600, 3);
        rows[0].0 = 1; // someone bought on the last day, so the reference date is fixed
        let ledger = ledger_of(&rows);
        let analysis = analyze(&ledger, &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        let e = analysis.explain(&TreeSettings::default()).unwrap();
        assert_eq!(e.customers_used + e.holdout_customers, 600);
        assert!(e.train_accuracy > 0.7, "{e:#?}");
        for rule in &e.rules {
            assert_eq!(rule.cluster_name, analysis.profiles[rule.cluster].name);
            assert!(rule.text.ends_with(&format!("→ {}", rule.cluster_name)));
        }
        // Accuracy is the share of customers whose rule names their k-means cluster.
        let agree = (0..600)
            .filter(|&i| {
                let r = &analysis.rfm.rows[i];
                e.tree.predict(r.recency_days, r.frequency, r.monetary) == analysis.cluster_of(i)
            })
            .count() as f64
            / 600.0;
        let expected = (e.train_accuracy * e.customers_used as f64
            + e.holdout_accuracy.unwrap() * e.holdout_customers as f64)
            / 600.0;
        assert!((agree - expected).abs() < 1e-9);

        let plain = analysis.model().unwrap();
        assert_eq!(
            plain.apply_rules(&ledger),
            Err(AnalysisError::ModelHasNoRules)
        );
        let model = plain.clone().with_rules(e.tree.clone());
        let json = model.to_json();
        assert!(json.contains("\"rules\""));
        assert!(!plain.to_json().contains("\"rules\""));
        assert_eq!(SegmentationModel::from_json(&json).unwrap(), model);
        assert_eq!(
            SegmentationModel::from_json(&plain.to_json()).unwrap(),
            plain
        );

        // A new customer base: labelled by the rules exactly as the tree predicts,
        // while `apply` still uses the nearest centroid.
        let newcomers = ledger_of(&customers(200, 8));
        let by_rules = model.apply_rules(&newcomers).unwrap();
        let by_centroid = model.apply(&newcomers).unwrap();
        assert_eq!(by_centroid, plain.apply(&newcomers).unwrap());
        assert_eq!(by_rules.len(), 200);
        for (a, c) in by_rules.iter().zip(&by_centroid) {
            assert_eq!(
                a.cluster,
                e.tree.predict(a.recency_days, a.frequency, a.monetary)
            );
            assert_eq!(a.cluster_name, analysis.profiles[a.cluster].name);
            assert_eq!((&a.customer_id, &a.segment), (&c.customer_id, &c.segment));
        }
        let training = model.apply_rules(&ledger).unwrap();
        for (i, a) in training.iter().enumerate() {
            let r = &analysis.rfm.rows[i];
            assert_eq!(
                a.cluster,
                e.tree.predict(r.recency_days, r.frequency, r.monetary)
            );
        }
    }

    #[test]
    fn model_files_with_broken_rules_are_refused() {
        let mut rows = customers(100, 5);
        rows[0].0 = 1;
        let analysis = analyze(
            &ledger_of(&rows),
            &AnalysisSettings::default(),
            &mut |_, _| {},
        )
        .unwrap();
        let e = analysis.explain(&TreeSettings::default()).unwrap();
        let mut model = analysis.model().unwrap().with_rules(e.tree);
        if let Some(tree) = model.rules.as_mut() {
            tree.nodes.push(RuleNode::Leaf(Leaf {
                cluster: 99,
                customers: 0,
                share: 0.0,
                purity: 0.0,
            }));
        }
        assert!(matches!(
            SegmentationModel::from_json(&model.to_json()),
            Err(AnalysisError::BadModel(_))
        ));
    }
}
