//! The engine's CLV prediction on the bundled sample against lifetimes'
//! BetaGeoFitter + GammaGammaFitter on the same cleaned data
//! (tests/reference/clv_reference.py → tests/fixtures/clv_reference.json).

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use chrono::NaiveDate;
use segmento::engine::clv::{predict, ClvReport, ClvSettings};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use serde_json::Value;
use std::collections::HashMap;

fn load() -> (Value, ClvReport, Vec<String>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/tests/fixtures/clv_reference.json")).unwrap(),
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
    let settings = ClvSettings {
        prediction_days: fixture["settings"]["prediction_days"].as_u64().unwrap() as u32,
        horizon_months: fixture["settings"]["horizon_months"].as_u64().unwrap() as u32,
        monthly_discount_rate: fixture["settings"]["monthly_discount_rate"]
            .as_f64()
            .unwrap(),
        ..Default::default()
    };
    let report = predict(&outcome.ledger, analysis.rfm.reference_date, &settings).unwrap();
    let rfm_order = analysis
        .rfm
        .rows
        .iter()
        .map(|r| r.customer_id.clone())
        .collect();
    (fixture, report, rfm_order)
}

fn assert_close(ours: f64, theirs: f64, rel: f64, abs: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= rel * theirs.abs() + abs,
        "{what}: ours {ours}, lifetimes {theirs}"
    );
}

#[test]
fn summaries_match_lifetimes_exactly_in_rfm_order() {
    let (fixture, report, rfm_order) = load();
    assert_eq!(
        report.reference_date,
        NaiveDate::parse_from_str(fixture["reference_date"].as_str().unwrap(), "%Y-%m-%d").unwrap()
    );
    let ids: Vec<String> = report
        .customers
        .iter()
        .map(|c| c.customer_id.clone())
        .collect();
    assert_eq!(ids, rfm_order, "customers follow the RFM table's order");
    assert_eq!(
        report.customers.len() as u64,
        fixture["customers"].as_u64().unwrap()
    );
    assert_eq!(
        report.repeat_buyers as u64,
        fixture["repeat_buyers"].as_u64().unwrap()
    );
    let ours: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    for row in fixture["rows"].as_array().unwrap() {
        let id = row["customer_id"].as_str().unwrap();
        let c = &report.customers[ours[id]];
        assert_eq!(
            u64::from(c.frequency),
            row["frequency"].as_u64().unwrap(),
            "{id} frequency"
        );
        assert_eq!(
            c.recency_days,
            row["recency"].as_f64().unwrap(),
            "{id} recency"
        );
        assert_eq!(c.age_days, row["T"].as_f64().unwrap(), "{id} T");
        assert_close(
            c.monetary_value,
            row["monetary_value"].as_f64().unwrap(),
            0.0,
            1e-6,
            id,
        );
    }
}

/// Both are maximum-likelihood fits of the same likelihood (lifetimes by BFGS,
/// ours by Nelder–Mead), so they must agree far more tightly than the 1–2%
/// a different model would: 0.01% on every parameter and prediction.
#[test]
fn a_penalized_fit_matches_lifetimes_penalizer_coef() {
    let (fixture, _, _) = load();
    let root = env!("CARGO_MANIFEST_DIR");
    let bytes = std::fs::read(format!("{root}/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let reference =
        NaiveDate::parse_from_str(fixture["reference_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let penalized = &fixture["bgnbd_penalized"];
    let settings = ClvSettings {
        penalizer: penalized["penalizer"].as_f64().unwrap(),
        ..Default::default()
    };
    let bg = predict(&outcome.ledger, reference, &settings)
        .unwrap()
        .params
        .purchase;
    for (name, ours) in [("r", bg.r), ("alpha", bg.alpha), ("a", bg.a), ("b", bg.b)] {
        let theirs = penalized[name].as_f64().unwrap();
        eprintln!("penalized BG/NBD {name}: ours {ours:.8}, lifetimes {theirs:.8}");
        assert_close(ours, theirs, 1e-4, 0.0, name);
    }
    // The penalty moved the fit: the test would fail on the unpenalized parameters.
    assert!((bg.a - fixture["bgnbd"]["a"].as_f64().unwrap()).abs() > 1e-4);
}

#[test]
fn fitted_parameters_match_lifetimes() {
    let (fixture, report, _) = load();
    let bg = &report.params.purchase;
    for (name, ours) in [("r", bg.r), ("alpha", bg.alpha), ("a", bg.a), ("b", bg.b)] {
        let theirs = fixture["bgnbd"][name].as_f64().unwrap();
        eprintln!("BG/NBD {name}: ours {ours:.8}, lifetimes {theirs:.8}");
        assert_close(ours, theirs, 1e-4, 0.0, name);
    }
    let gg = &report.params.gamma_gamma;
    for (name, ours) in [("p", gg.p), ("q", gg.q), ("v", gg.v)] {
        let theirs = fixture["gamma_gamma"][name].as_f64().unwrap();
        eprintln!("Gamma-Gamma {name}: ours {ours:.8}, lifetimes {theirs:.8}");
        assert_close(ours, theirs, 1e-4, 0.0, name);
    }
    // Both optimisers found the same maximum: our likelihood is at least theirs, to rounding.
    let bg_ll = fixture["bgnbd"]["log_likelihood"].as_f64().unwrap();
    let gg_ll = fixture["gamma_gamma"]["log_likelihood"].as_f64().unwrap();
    eprintln!(
        "log-likelihoods: BG/NBD {} vs {bg_ll}, Gamma-Gamma {} vs {gg_ll}",
        bg.log_likelihood, gg.log_likelihood
    );
    assert!(
        bg.log_likelihood >= bg_ll - 1e-6,
        "{} < {bg_ll}",
        bg.log_likelihood
    );
    assert!(
        gg.log_likelihood >= gg_ll - 1e-6,
        "{} < {gg_ll}",
        gg.log_likelihood
    );
}

#[test]
fn per_customer_predictions_match_lifetimes() {
    let (fixture, report, _) = load();
    let ours: HashMap<&str, usize> = report
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.customer_id.as_str(), i))
        .collect();
    let mut worst = [0.0f64; 4];
    for row in fixture["rows"].as_array().unwrap() {
        let id = row["customer_id"].as_str().unwrap();
        let c = &report.customers[ours[id]];
        let pairs = [
            (c.p_alive, row["p_alive"].as_f64().unwrap(), 0.0, 0.01),
            (
                c.expected_purchases,
                row["expected_purchases"].as_f64().unwrap(),
                0.01,
                1e-3,
            ),
            (
                c.expected_average_value,
                row["expected_average_value"].as_f64().unwrap(),
                0.01,
                0.01,
            ),
            (c.clv, row["clv"].as_f64().unwrap(), 0.02, 0.01),
        ];
        for (k, (o, t, rel, abs)) in pairs.into_iter().enumerate() {
            worst[k] = worst[k].max((o - t).abs() / t.abs().max(1e-9));
            assert_close(
                o,
                t,
                rel,
                abs,
                &format!(
                    "{id} {}",
                    [
                        "p_alive",
                        "expected_purchases",
                        "expected_average_value",
                        "clv"
                    ][k]
                ),
            );
        }
    }
    eprintln!(
        "worst relative differences (p_alive, expected purchases, average value, clv): {worst:?}"
    );
}

#[test]
fn churn_list_is_ranked_by_value_at_risk() {
    let (_, report, _) = load();
    let list = report.churn_list(20);
    assert!(!list.is_empty() && list.len() <= 20);
    assert!(list
        .windows(2)
        .all(|w| w[0].value_at_risk >= w[1].value_at_risk));
    for risk in &list {
        let c = &report.customers[risk.index];
        assert_eq!(c.customer_id, risk.customer_id);
        assert!(c.p_alive < 0.5 && c.frequency > 0);
        assert_close(
            risk.value_at_risk,
            c.total_spent * (1.0 - c.p_alive),
            1e-12,
            0.0,
            "value at risk",
        );
    }
    // Nobody left out who outranks the last one listed.
    let all = report.churn_list(usize::MAX);
    let below = report.customers.iter().filter(|c| c.p_alive < 0.5).count();
    assert_eq!(all.len(), below);
    assert_eq!(&all[..list.len()], &list[..]);
}
