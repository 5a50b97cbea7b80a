//! DBSCAN's automatic eps on the bundled sample: the k-distance knee lumps
//! these 198 customers into one cluster, so the automatic search narrows it.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clustering::dbscan::{self, MAX_DBSCAN_CLUSTERS};
use segmento::engine::clustering::{ClusteringMethodSettings, DbscanSettings, MethodError};
use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};

#[test]
fn automatic_eps_narrows_when_the_knee_gives_one_cluster() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let points = &analysis.features;
    let knee = dbscan::suggest_eps(points, 6, 42).unwrap();
    let at_knee = dbscan::fit(
        points,
        &DbscanSettings {
            eps: Some(knee),
            ..Default::default()
        },
    );
    assert!(
        matches!(
            at_knee,
            Err(MethodError::DbscanClusterCount { found: 1, .. })
        ),
        "{at_knee:?}"
    );
    let auto = dbscan::fit(points, &DbscanSettings::default()).unwrap();
    let clusters = auto.clustering.k - usize::from(auto.noise_cluster.is_some());
    assert!((2..=MAX_DBSCAN_CLUSTERS).contains(&clusters), "{clusters}");
    assert!(
        matches!(auto.settings, ClusteringMethodSettings::Dbscan(DbscanSettings { eps: Some(e), .. }) if e < knee)
    );
}
