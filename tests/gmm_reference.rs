//! The Gaussian mixture's EM (engine::clustering::gmm) against scikit-learn's
//! GaussianMixture from the same start
//! (tests/reference/gmm_reference.py → tests/fixtures/gmm_reference.json).

// A panic here is a failing test, not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use segmento::engine::clustering::gmm::{self, Mixture};
use segmento::engine::clustering::{GmmSettings, Point};
use serde_json::Value;

struct Case {
    name: String,
    k: usize,
    points: Vec<Point>,
    json: Value,
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/gmm_reference.json"
    ))
    .unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_string(),
            k: c["k"].as_u64().unwrap() as usize,
            points: c["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let v = floats(p);
                    [v[0], v[1], v[2]]
                })
                .collect(),
            json: c.clone(),
        })
        .collect()
}

fn close(ours: f64, theirs: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= 1e-6 * (1.0 + theirs.abs()),
        "{what}: ours {ours}, scikit-learn {theirs}"
    );
}

#[test]
fn em_from_the_same_start_matches_scikit_learn() {
    for case in cases() {
        let c = &case.json;
        let name = format!("{} k={}", case.name, case.k);
        let labels: Vec<usize> = floats(&c["labels"]).iter().map(|&l| l as usize).collect();
        let mixture: Mixture = gmm::fit_from_labels(
            &case.points,
            &labels,
            case.k,
            c["max_iter"].as_u64().unwrap(),
            c["tol"].as_f64().unwrap(),
        )
        .unwrap();
        let report = mixture.report();
        assert_eq!(report.iterations, c["n_iter"].as_u64().unwrap(), "{name}");
        assert_eq!(
            report.converged,
            c["converged"].as_bool().unwrap(),
            "{name}"
        );
        close(
            report.lower_bound,
            c["lower_bound"].as_f64().unwrap(),
            &format!("{name} lower bound"),
        );
        close(
            mixture.mean_log_likelihood(&case.points),
            c["score"].as_f64().unwrap(),
            &format!("{name} mean log-likelihood"),
        );
        let weights = floats(&c["weights"]);
        let means = c["means"].as_array().unwrap();
        let covariances = c["covariances"].as_array().unwrap();
        assert_eq!(mixture.k(), case.k);
        for (j, g) in mixture.gaussians().iter().enumerate() {
            close(g.weight, weights[j], &format!("{name} weight {j}"));
            let mean = floats(&means[j]);
            let covariance = covariances[j].as_array().unwrap();
            for (a, (&ours, row)) in g.mean.iter().zip(covariance).enumerate() {
                close(ours, mean[a], &format!("{name} mean {j}[{a}]"));
                for (b, theirs) in floats(row).into_iter().enumerate() {
                    close(
                        g.covariance[a][b],
                        theirs,
                        &format!("{name} covariance {j}[{a}][{b}]"),
                    );
                }
            }
        }
    }
}

#[test]
fn the_whole_fit_reaches_scikit_learns_likelihood() {
    let mut checked = 0;
    for case in cases() {
        let own = &case.json["own_fit"];
        if own.is_null() {
            continue;
        }
        let settings = GmmSettings {
            k: case.k,
            n_runs: own["n_init"].as_u64().unwrap() as usize,
            ..GmmSettings::default()
        };
        let mixture = gmm::fit_mixture(&case.points, &settings, gmm::GMM_SAMPLE).unwrap();
        let name = format!("{} k={}", case.name, case.k);
        close(
            mixture.mean_log_likelihood(&case.points),
            own["score"].as_f64().unwrap(),
            &format!("{name} mean log-likelihood"),
        );
        close(
            mixture.bic(&case.points),
            own["bic"].as_f64().unwrap(),
            &format!("{name} BIC"),
        );
        // One run (the app's default) finds the same optimum here.
        let one = gmm::fit_mixture(
            &case.points,
            &GmmSettings {
                n_runs: 1,
                ..settings
            },
            gmm::GMM_SAMPLE,
        )
        .unwrap();
        close(
            one.mean_log_likelihood(&case.points),
            own["score"].as_f64().unwrap(),
            &format!("{name} mean log-likelihood, one run"),
        );
        checked += 1;
    }
    assert!(checked > 0);
}
