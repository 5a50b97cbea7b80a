//! The engine on the bundled sample against an independent pandas +
//! scikit-learn computation of the same definitions
//! (tests/reference/rfm_reference.py → tests/fixtures/sample_reference.json).

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "common/reference.rs"]
mod reference;

use segmento::engine::clean::Rule;
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, Analysis, AnalysisSettings};
use serde_json::Value;

fn load() -> (Value, segmento::engine::ingest::IngestOutcome, Analysis) {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/tests/fixtures/sample_reference.json")).unwrap(),
    )
    .unwrap();
    let bytes = std::fs::read(format!("{root}/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    (fixture, outcome, analysis)
}

#[test]
fn cleaning_counts_match_the_reference() {
    let (fixture, outcome, _) = load();
    let c = &fixture["cleaning"];
    let report = &outcome.report;
    assert_eq!(report.rows_read, c["rows_read"].as_u64().unwrap());
    assert_eq!(report.rows_kept, c["rows_kept"].as_u64().unwrap());
    for (rule, key) in [
        (Rule::Unparseable, "unparseable"),
        (Rule::MissingCustomer, "missing_customer"),
        (Rule::Cancellation, "cancellation"),
        (Rule::Return, "return"),
        (Rule::NonPositivePrice, "non_positive_price"),
        (Rule::Duplicate, "duplicate"),
    ] {
        assert_eq!(report.removed(rule), c[key].as_u64().unwrap(), "{key}");
    }
}

#[test]
fn rfm_scores_and_segments_match_the_reference_customer_by_customer() {
    let (fixture, _, analysis) = load();
    assert_eq!(
        analysis.overview.customers as u64,
        fixture["customers"].as_u64().unwrap()
    );
    assert_eq!(
        analysis.overview.purchases,
        fixture["invoices"].as_u64().unwrap()
    );
    assert!((analysis.overview.revenue - fixture["revenue"].as_f64().unwrap()).abs() < 0.01);
    assert_eq!(
        analysis.overview.reference_date,
        fixture["reference_date"].as_str().unwrap()
    );
    let rows = fixture["rows"].as_array().unwrap();
    reference::assert_customers_match(&analysis, rows);
}

#[test]
fn scaler_matches_sklearn_standard_scaler() {
    let (fixture, _, analysis) = load();
    for d in 0..3 {
        let mean = fixture["scaler"]["mean"][d].as_f64().unwrap();
        let scale = fixture["scaler"]["scale"][d].as_f64().unwrap();
        assert!((analysis.scaler.mean[d] - mean).abs() < 1e-9, "mean {d}");
        assert!((analysis.scaler.scale[d] - scale).abs() < 1e-9, "scale {d}");
    }
}

/// linfa and scikit-learn are different k-means implementations (different
/// k-means++ draws and stopping rules), so labels can differ; the quality of
/// the optimum they reach must not. Our inertia may not be worse than
/// scikit-learn's by more than 2%, and the metrics computed on our labels must
/// be consistent with that.
#[test]
fn kmeans_sweep_is_as_good_as_scikit_learn() {
    let (fixture, _, analysis) = load();
    let reference = fixture["kmeans"].as_array().unwrap();
    assert_eq!(analysis.sweep.len(), reference.len());
    for (ours, theirs) in analysis.sweep.iter().zip(reference) {
        assert_eq!(ours.k as u64, theirs["k"].as_u64().unwrap());
        eprintln!("k={} inertia ours {:.3} sklearn {:.3} ratio {:.4}; silhouette ours {:.3} sklearn {:.3}", ours.k, ours.inertia, theirs["inertia"].as_f64().unwrap(), ours.inertia / theirs["inertia"].as_f64().unwrap(), ours.silhouette, theirs["silhouette"].as_f64().unwrap());
        let their_inertia = theirs["inertia"].as_f64().unwrap();
        assert!(
            ours.inertia <= their_inertia * 1.02,
            "k={}: inertia {} vs scikit-learn {}",
            ours.k,
            ours.inertia,
            their_inertia
        );
        let their_silhouette = theirs["silhouette"].as_f64().unwrap();
        assert!(
            (ours.silhouette - their_silhouette).abs() < 0.05,
            "k={}: silhouette {} vs {}",
            ours.k,
            ours.silhouette,
            their_silhouette
        );
    }
    // For k = 2 both must find the same partition: same sizes, same metrics.
    let (ours, theirs) = (&analysis.sweep[0], &reference[0]);
    let mut sizes = vec![0u64; 2];
    for &l in &ours.labels {
        sizes[usize::from(l)] += 1;
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(
        sizes,
        theirs["sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect::<Vec<_>>()
    );
    for key in [
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "inertia",
    ] {
        let value = match key {
            "silhouette" => ours.silhouette,
            "calinski_harabasz" => ours.calinski_harabasz,
            "davies_bouldin" => ours.davies_bouldin,
            _ => ours.inertia,
        };
        let expected = theirs[key].as_f64().unwrap();
        assert!(
            (value - expected).abs() <= 1e-6 * expected.abs().max(1.0),
            "k=2 {key}: {value} vs {expected}"
        );
    }
}
