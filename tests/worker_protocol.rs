//! Worker events survive the binary encoding the worker posts to the page.

use segmento::engine::ingest::{ingest_bytes, IngestSettings};
use segmento::engine::pipeline::{analyze, AnalysisSettings};
use segmento::worker_protocol::{
    decode_event, encode_event, split_result, DataSource, ResultAssembler, RunResult, WorkerEvent,
    CUSTOMERS_PER_MESSAGE,
};

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

/// The sample's result with its customers repeated (renamed) to `customers`.
fn result_with_customers(customers: usize) -> RunResult {
    let mut result = sample_result();
    let analysis = &mut result.analysis;
    let (rows, segments) = (analysis.rfm.rows.clone(), analysis.segments.clone());
    analysis.rfm.rows = (0..customers)
        .map(|i| {
            let mut row = rows[i % rows.len()].clone();
            row.customer_id = format!("C{i}");
            row
        })
        .collect();
    analysis.segments = (0..customers)
        .map(|i| segments[i % segments.len()].clone())
        .collect();
    result
}

/// What the page gets from the worker's messages, each encoded and decoded.
fn posted_and_assembled(event: WorkerEvent) -> (usize, Vec<WorkerEvent>) {
    let messages = split_result(event);
    let count = messages.len();
    let mut assembler = ResultAssembler::default();
    let acted_on = messages
        .into_iter()
        .map(|m| decode_event(&encode_event(&m).unwrap()).unwrap())
        .filter_map(|m| assembler.accept(m))
        .collect();
    (count, acted_on)
}

#[test]
fn a_large_result_travels_in_slices_of_customers_and_arrives_whole() {
    let customers = 2 * CUSTOMERS_PER_MESSAGE + 123;
    let whole = result_with_customers(customers);
    let (count, acted_on) = posted_and_assembled(WorkerEvent::Finished(Box::new(whole.clone())));
    // Three slices of customers, then the rest.
    assert_eq!(count, 4);
    match acted_on.as_slice() {
        [WorkerEvent::Finished(back)] => assert_eq!(**back, whole),
        other => panic!("the page acted on {} events", other.len()),
    }
    // A small result stays one message.
    let small = sample_result();
    let (count, acted_on) = posted_and_assembled(WorkerEvent::Finished(Box::new(small.clone())));
    assert_eq!(count, 1);
    assert!(matches!(acted_on.as_slice(), [WorkerEvent::Finished(back)] if **back == small));
}

#[test]
fn customers_of_a_run_that_failed_midway_are_not_given_to_the_next() {
    let messages = split_result(WorkerEvent::Finished(Box::new(result_with_customers(
        CUSTOMERS_PER_MESSAGE + 1,
    ))));
    let mut assembler = ResultAssembler::default();
    assert!(assembler.accept(messages[0].clone()).is_none());
    assert!(matches!(
        assembler.accept(WorkerEvent::Failed {
            message: "x".into()
        }),
        Some(WorkerEvent::Failed { .. })
    ));
    let next = sample_result();
    match assembler.accept(WorkerEvent::Finished(Box::new(next.clone()))) {
        Some(WorkerEvent::Finished(back)) => assert_eq!(*back, next),
        _ => panic!("the next run's result was not passed on"),
    }
}
