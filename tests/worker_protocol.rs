//! The messages between page, worker and helper survive their encoding, and
//! what crosses to the page is sized by segments and clusters, not customers.

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::ingest::IngestSettings;
use segmento::engine::pipeline::AnalysisSettings;
use segmento::protocol::helper::{accept_k, HelperReply, HelperRequest};
use segmento::protocol::page::{PageMessage, PageRequest, WorkerEvent, WorkerMessage};
use segmento::protocol::{decode, encode, ProtocolError};
use segmento::session::run::analyse_bytes;
use segmento::session::{Session, SessionRequest};

fn sample_session() -> Session {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/sample.csv")).unwrap();
    analyse_bytes(
        "sample.csv",
        &bytes,
        &IngestSettings::default(),
        &AnalysisSettings::default(),
    )
    .unwrap()
}

#[test]
fn a_finished_run_round_trips_exactly() {
    let message = WorkerMessage {
        id: 7,
        event: WorkerEvent::Finished(Box::new(sample_session().dashboard())),
    };
    let bytes = encode(&message).unwrap();
    assert_eq!(decode::<WorkerMessage>(&bytes).unwrap(), message);
}

/// The encoded sizes of a generated file's dashboard and analysis.
fn sizes(rows: usize) -> (usize, usize, usize) {
    let csv = segmento::engine::warm_up::synthetic_transactions(rows);
    let session = analyse_bytes(
        "generated.csv",
        csv.as_bytes(),
        &IngestSettings::default(),
        &AnalysisSettings::default(),
    )
    .unwrap();
    (
        session.analysis().rfm.rows.len(),
        encode(&session.dashboard()).unwrap().len(),
        encode(session.analysis()).unwrap().len(),
    )
}

#[test]
fn the_dashboard_does_not_grow_with_customers() {
    let (few, small_dashboard, small_analysis) = sizes(2_000);
    let (many, large_dashboard, large_analysis) = sizes(40_000);
    assert!(many > 5 * few, "{few} vs {many} customers");
    // The analysis holds every customer; the dashboard per-segment and
    // per-cluster figures and binned chart inputs only.
    assert!(large_analysis > 5 * small_analysis);
    assert!(
        large_dashboard < small_dashboard * 3 / 2,
        "dashboard {small_dashboard} B for {few} customers, {large_dashboard} B for {many}"
    );
}

#[test]
fn truncated_or_foreign_bytes_are_an_error_not_a_panic() {
    let bytes = encode(&WorkerMessage {
        id: 1,
        event: WorkerEvent::Finished(Box::new(sample_session().dashboard())),
    })
    .unwrap();
    assert!(matches!(
        decode::<WorkerMessage>(&bytes[..bytes.len() / 2]),
        Err(ProtocolError::Decode(_))
    ));
    assert!(decode::<PageMessage>(b"{\"Ready\":null}").is_err());
    let request = PageMessage {
        id: 3,
        request: PageRequest::Session(SessionRequest::ChooseK(4)),
    };
    assert_eq!(
        decode::<PageMessage>(&encode(&request).unwrap()).unwrap(),
        request
    );
}

#[test]
fn a_fitted_k_round_trips_and_only_its_answer_is_accepted() {
    let session = sample_session();
    let fitted = session.analysis().sweep[2].clone();
    let customers = session.analysis().rfm.rows.len();
    let reply: HelperReply =
        decode(&encode(&HelperReply::KFitted(Box::new(fitted.clone()))).unwrap()).unwrap();
    assert_eq!(
        accept_k(reply.clone(), fitted.k, customers),
        Some(fitted.clone())
    );
    // Another k, another number of customers, a failure: the worker fits it itself.
    assert_eq!(accept_k(reply.clone(), fitted.k + 1, customers), None);
    assert_eq!(accept_k(reply, fitted.k, customers + 1), None);
    assert_eq!(
        accept_k(
            HelperReply::Failed {
                message: "x".into()
            },
            fitted.k,
            customers
        ),
        None
    );
    let request = HelperRequest::FitK {
        k: fitted.k,
        settings: session.analysis().settings.kmeans,
    };
    assert_eq!(
        decode::<HelperRequest>(&encode(&request).unwrap()).unwrap(),
        request
    );
}
