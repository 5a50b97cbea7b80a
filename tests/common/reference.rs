//! Every customer's R, F, M, scores and segment against a pandas reference
//! fixture's `rows`, shared by the tests of the sample and of the
//! whitespace-separated fixture.

use segmento::engine::pipeline::Analysis;
use serde_json::Value;
use std::collections::HashMap;

pub fn assert_customers_match(analysis: &Analysis, rows: &[Value]) {
    assert_eq!(rows.len(), analysis.rfm.rows.len());
    let ours: HashMap<&str, usize> = analysis
        .rfm
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.customer_id.as_str(), i))
        .collect();
    for expected in rows {
        let id = expected["customer_id"].as_str().unwrap();
        let i = *ours
            .get(id)
            .unwrap_or_else(|| panic!("customer {id} missing"));
        let row = &analysis.rfm.rows[i];
        assert_eq!(
            row.recency_days,
            expected["recency_days"].as_i64().unwrap(),
            "{id} recency"
        );
        assert_eq!(
            u64::from(row.frequency),
            expected["frequency"].as_u64().unwrap(),
            "{id} frequency"
        );
        assert!(
            (row.monetary - expected["monetary"].as_f64().unwrap()).abs() < 1e-6,
            "{id} monetary {} vs {}",
            row.monetary,
            expected["monetary"]
        );
        let scores = [
            &analysis.scores.r.scores,
            &analysis.scores.f.scores,
            &analysis.scores.m.scores,
        ]
        .map(|s| u64::from(s[i]));
        let reference = ["r_score", "f_score", "m_score"].map(|k| expected[k].as_u64().unwrap());
        assert_eq!(scores, reference, "{id} scores");
        assert_eq!(
            analysis.segments[i],
            expected["segment"].as_str().unwrap(),
            "{id} segment"
        );
    }
}
