//! Worker events survive the binary encoding the worker posts to the page.

use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use segmento::worker_protocol::{decode_event, encode_event, DataSource, RunResult, WorkerEvent};

fn sample_result() -> RunResult {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/sample.csv")).unwrap();
    let outcome = ingest_bytes(&bytes, IngestSettings::default()).unwrap();
    let analysis = analyze(
        &outcome.ledger,
        &AnalysisSettings::default(),
        &mut |_, _| {},
    )
    .unwrap();
    RunResult {
        file_name: "sample.csv".into(),
        source: DataSource::Transactions {
            format: outcome.format,
            report: outcome.report,
        },
        monthly: outcome.ledger.monthly,
        analysis,
        ingest_ms: 1.5,
        analysis_ms: 2.5,
        ingest_workers: 2,
        sweep_workers: 2,
        worker_memory_bytes: 1e6,
    }
}

#[test]
fn a_finished_run_round_trips_exactly_and_is_smaller_than_json() {
    let event = WorkerEvent::Finished(Box::new(sample_result()));
    let bytes = encode_event(&event).unwrap();
    let json = serde_json::to_string(&event).unwrap();
    assert!(
        bytes.len() * 2 < json.len(),
        "binary {} bytes vs JSON {} bytes",
        bytes.len(),
        json.len()
    );
    match decode_event(&bytes).unwrap() {
        WorkerEvent::Finished(back) => assert_eq!(*back, sample_result()),
        other => panic!("decoded {other:?}"),
    }
}

#[test]
fn truncated_or_foreign_bytes_are_an_error_not_a_panic() {
    let bytes = encode_event(&WorkerEvent::Finished(Box::new(sample_result()))).unwrap();
    assert!(decode_event(&bytes[..bytes.len() / 2]).is_err());
    assert!(decode_event(b"{\"Ready\":null}").is_err());
    assert!(matches!(
        decode_event(&encode_event(&WorkerEvent::Ready).unwrap()),
        Ok(WorkerEvent::Ready)
    ));
}

#[test]
fn a_sweep_share_round_trips_exactly() {
    let result = sample_result();
    let event = WorkerEvent::KsFitted(result.analysis.sweep.clone());
    let decoded = decode_event(&encode_event(&event).unwrap()).unwrap();
    let WorkerEvent::KsFitted(sweep) = decoded else {
        panic!("decoded another event");
    };
    assert_eq!(sweep, result.analysis.sweep);
}
