//! The engine's CLV prediction on the bundled sample against lifetimes'
//! BetaGeoFitter + GammaGammaFitter on the same cleaned data
//! (tests/reference/clv_reference.py → tests/fixtures/clv_reference.json).

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use chrono::NaiveDate;
use segmento::engine::clv::holdout::{calibration_and_holdout, CalibrationHoldout};
use segmento::engine::clv::{predict, ClvReport, ClvSettings, PurchaseModel};
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

fn predict_with(model: PurchaseModel) -> (Value, ClvReport) {
    let (fixture, _, _) = load();
    let root = env!("CARGO_MANIFEST_DIR");
    let bytes = std::fs::read(format!("{root}/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let reference =
        NaiveDate::parse_from_str(fixture["reference_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let settings = ClvSettings {
        model,
        ..Default::default()
    };
    (
        fixture,
        predict(&outcome.ledger, reference, &settings).unwrap(),
    )
}

/// Relative difference; below 1e-4 absolute, as the fixture keeps 10 decimals.
fn worst_relative(pairs: &[(f64, f64)]) -> f64 {
    pairs
        .iter()
        .map(|(o, t)| (o - t).abs() / t.abs().max(1e-4))
        .fold(0.0, f64::max)
}

/// ModifiedBetaGeoFitter on the same summaries: parameters, log-likelihood,
/// AIC and every customer's P(alive), expected purchases and CLV (with the
/// same Gamma-Gamma fit) to 1e-6 relative.
#[test]
fn the_modified_model_matches_lifetimes() {
    let (fixture, report) = predict_with(PurchaseModel::ModifiedBgNbd);
    let mbg = &report.params.purchase;
    assert_eq!(mbg.model, PurchaseModel::ModifiedBgNbd);
    let theirs = &fixture["mbgnbd"];
    let params: Vec<(f64, f64)> = [
        ("r", mbg.r),
        ("alpha", mbg.alpha),
        ("a", mbg.a),
        ("b", mbg.b),
    ]
    .iter()
    .map(|(name, ours)| (*ours, theirs[name].as_f64().unwrap()))
    .collect();
    eprintln!("MBG/NBD params ours vs lifetimes: {params:?}");
    assert!(
        worst_relative(&params) < 1e-6,
        "{}",
        worst_relative(&params)
    );
    let ll = theirs["log_likelihood"].as_f64().unwrap();
    assert_close(mbg.log_likelihood, ll, 1e-9, 0.0, "log-likelihood");
    assert_close(mbg.aic(), theirs["aic"].as_f64().unwrap(), 1e-9, 0.0, "AIC");
    let ours: HashMap<&str, usize> = report
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.customer_id.as_str(), i))
        .collect();
    let mut pairs = Vec::new();
    for row in fixture["mbgnbd_rows"].as_array().unwrap() {
        let c = &report.customers[ours[row["customer_id"].as_str().unwrap()]];
        pairs.push((c.p_alive, row["p_alive"].as_f64().unwrap()));
        pairs.push((
            c.expected_purchases,
            row["expected_purchases"].as_f64().unwrap(),
        ));
        pairs.push((c.clv, row["clv"].as_f64().unwrap()));
    }
    assert_eq!(pairs.len(), 3 * report.customers.len());
    eprintln!(
        "MBG/NBD per-customer worst relative: {:e}",
        worst_relative(&pairs)
    );
    assert!(worst_relative(&pairs) < 1e-6);
    // One-time buyers can be gone under MBG/NBD (P(alive) 1 under BG/NBD).
    assert!(report
        .customers
        .iter()
        .any(|c| c.frequency == 0 && c.p_alive < 0.99));
    // The comparison holds both fits; BG/NBD's is the default model's.
    let bg_row = report.validation.row(PurchaseModel::BgNbd).unwrap();
    let bg = bg_row.fit.as_ref().unwrap();
    assert_close(
        bg.a,
        fixture["bgnbd"]["a"].as_f64().unwrap(),
        1e-4,
        0.0,
        "BG/NBD a in the comparison",
    );
}

#[test]
fn the_holdout_follows_lifetimes_calibration_and_holdout_data() {
    let (fixture, report) = predict_with(PurchaseModel::ModifiedBgNbd);
    let h = &fixture["holdout"];
    let split = report.validation.split.clone().unwrap();
    assert_eq!(
        split.calibration_end.to_string(),
        h["calibration_end"].as_str().unwrap()
    );
    assert_eq!(
        split.duration_days(),
        h["duration_holdout"].as_f64().unwrap()
    );
    assert_eq!(
        report.validation.calibration_repeat_buyers as u64,
        h["calibration_repeat_buyers"].as_u64().unwrap()
    );
    // Every row of lifetimes' matrix, from the engine's own split.
    let root = env!("CARGO_MANIFEST_DIR");
    let bytes = std::fs::read(format!("{root}/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let rows = calibration_and_holdout(&outcome.ledger, split).unwrap();
    assert_eq!(rows.len() as u64, h["customers"].as_u64().unwrap());
    let by_id: HashMap<&str, &CalibrationHoldout> = rows
        .iter()
        .map(|r| (r.calibration.customer_id.as_str(), r))
        .collect();
    for row in h["rows"].as_array().unwrap() {
        let id = row["customer_id"].as_str().unwrap();
        let ours = by_id[id];
        assert_eq!(
            u64::from(ours.calibration.frequency),
            row["frequency_cal"].as_u64().unwrap(),
            "{id}"
        );
        assert_eq!(
            ours.calibration.recency,
            row["recency_cal"].as_f64().unwrap(),
            "{id}"
        );
        assert_eq!(ours.calibration.age, row["T_cal"].as_f64().unwrap(), "{id}");
        assert_eq!(
            u64::from(ours.frequency_holdout),
            row["frequency_holdout"].as_u64().unwrap(),
            "{id}"
        );
    }
    // MBG/NBD fitted on the calibration part, and its holdout errors.
    let mbg = report.validation.row(PurchaseModel::ModifiedBgNbd).unwrap();
    let check = mbg.holdout.as_ref().unwrap();
    let theirs = &h["mbgnbd"];
    let mut pairs: Vec<(f64, f64)> = [
        ("r", check.params.r),
        ("alpha", check.params.alpha),
        ("a", check.params.a),
        ("b", check.params.b),
        ("mae", check.mae),
        ("rmse", check.rmse),
        ("predicted_total", check.predicted_total),
    ]
    .iter()
    .map(|(name, ours)| (*ours, theirs[name].as_f64().unwrap()))
    .collect();
    assert_eq!(check.actual_total, theirs["actual_total"].as_u64().unwrap());
    let groups = theirs["by_frequency"].as_array().unwrap();
    assert_eq!(check.by_frequency.len(), groups.len());
    for (ours, g) in check.by_frequency.iter().zip(groups) {
        assert_eq!(
            u64::from(ours.frequency_cal),
            g["frequency_cal"].as_u64().unwrap()
        );
        assert_eq!(ours.customers as u64, g["customers"].as_u64().unwrap());
        pairs.push((ours.actual, g["actual"].as_f64().unwrap()));
        pairs.push((ours.predicted, g["predicted"].as_f64().unwrap()));
    }
    eprintln!(
        "MBG/NBD holdout worst relative: {:e}",
        worst_relative(&pairs)
    );
    assert!(worst_relative(&pairs) < 1e-6);
    // BG/NBD on the calibration part has a + b < 1: lifetimes gives NaN for
    // customers without repeats; the engine says why instead.
    assert!(h["bgnbd"]["mae"].is_null());
    let bg = report.validation.row(PurchaseModel::BgNbd).unwrap();
    let why = bg.holdout.as_ref().unwrap_err();
    assert!(why.contains("a + b") && why.contains("MBG/NBD"), "{why}");
    // The revenue backtest of the chosen model, month by month.
    let backtest = report.validation.backtest.as_ref().unwrap();
    let months = h["backtest"]["mbgnbd"]["months"].as_array().unwrap();
    assert_eq!(backtest.months.len(), months.len());
    let mut revenue = Vec::new();
    for (ours, m) in backtest.months.iter().zip(months) {
        assert_eq!(ours.start.to_string(), m["start"].as_str().unwrap());
        assert_eq!(u64::from(ours.days), m["days"].as_u64().unwrap());
        revenue.push((ours.predicted, m["predicted"].as_f64().unwrap()));
        assert_close(
            ours.actual.unwrap(),
            m["actual"].as_f64().unwrap(),
            0.0,
            1e-6,
            "actual revenue",
        );
    }
    revenue.push((
        backtest.mape.unwrap(),
        h["backtest"]["mbgnbd"]["mape"].as_f64().unwrap(),
    ));
    eprintln!("backtest worst relative: {:e}", worst_relative(&revenue));
    assert!(worst_relative(&revenue) < 1e-6);
}

#[test]
fn diagnostic_figures_and_forecast_match_lifetimes() {
    for (model, name) in [
        (PurchaseModel::BgNbd, "bgnbd"),
        (PurchaseModel::ModifiedBgNbd, "mbgnbd"),
    ] {
        let (fixture, report) = predict_with(model);
        let f = &report.figures;
        let bars = fixture["period_transactions"][name].as_array().unwrap();
        assert_eq!(f.period_transactions.len(), bars.len());
        let mut pairs = Vec::new();
        for (ours, bar) in f.period_transactions.iter().zip(bars) {
            assert_eq!(u64::from(ours.repeat_purchases), bar["n"].as_u64().unwrap());
            assert_eq!(ours.actual as u64, bar["actual"].as_u64().unwrap());
            pairs.push((ours.expected, bar["expected"].as_f64().unwrap()));
        }
        let matrix = &fixture["matrix"];
        assert_eq!(f.expected_purchases.age, matrix["T"].as_f64().unwrap());
        let mut compared = 0;
        for cell in matrix["cells"].as_array().unwrap() {
            let x = cell["frequency"].as_u64().unwrap() as u32;
            let t_x = cell["recency"].as_u64().unwrap() as u32;
            let (Some(col), Some(row)) = (
                f.expected_purchases
                    .frequencies
                    .iter()
                    .position(|&v| v == x),
                f.expected_purchases
                    .recencies
                    .iter()
                    .position(|&v| v == t_x),
            ) else {
                continue;
            };
            compared += 1;
            pairs.push((
                f.expected_purchases.values[row][col],
                cell[format!("{name}_expected")].as_f64().unwrap(),
            ));
            pairs.push((
                f.probability_alive.values[row][col],
                cell[format!("{name}_alive")].as_f64().unwrap(),
            ));
        }
        assert!(
            compared >= 30,
            "only {compared} matrix cells on the engine's axes"
        );
        let months = fixture["forecast"].as_array().unwrap();
        if model == PurchaseModel::BgNbd {
            assert_eq!(f.forecast.len(), months.len());
            for (ours, m) in f.forecast.iter().zip(months) {
                assert_eq!(ours.start.to_string(), m["start"].as_str().unwrap());
                assert_eq!(u64::from(ours.days), m["days"].as_u64().unwrap());
                pairs.push((ours.predicted, m["predicted"].as_f64().unwrap()));
            }
        }
        let worst = worst_relative(&pairs);
        eprintln!("{name} figures worst relative: {worst:e}");
        // BG/NBD's parameters agree with lifetimes' to ~1e-5 (the test above); MBG/NBD's to 1e-6.
        let tolerance = if model == PurchaseModel::BgNbd {
            1e-4
        } else {
            1e-6
        };
        assert!(worst < tolerance, "{name}: {worst}");
    }
}
