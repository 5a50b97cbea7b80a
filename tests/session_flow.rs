//! A whole user session without a browser: the page's pure `update` drives a
//! worker made of the same session code the browser worker runs (one thread,
//! no helper). Figures are checked against pandas and scikit-learn (the
//! committed reference fixture of the bundled sample).

// A panic here is a failing test (or a tool's error), not an aborted app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use segmento::engine::clustering::{ClusteringMethod, ClusteringMethodSettings, GmmSettings};
use segmento::engine::clv::PurchaseModel;
use segmento::engine::ingest::{IngestSettings, Ingestor};
use segmento::engine::segments::SegmentGrid;
use segmento::protocol::page::{answer_held, PageRequest, WorkerEvent, WorkerMessage};
use segmento::protocol::{decode, encode};
use segmento::session::run::{analyse_bytes, apply_model, sniff, Sniffed};
use segmento::session::{Download, ExportKind, Session, WorkerError};
use segmento::studio::model::{Attachment, FileRef};
use segmento::studio::{update, Effect, Event, Model};
use serde_json::Value;
use std::collections::VecDeque;

fn sample() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/sample.csv")).unwrap()
}

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sample_reference.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The browser shell and its worker, natively: effects become worker
/// requests (queued, like messages), the worker's answers become events.
struct Shell {
    model: Model,
    file: Vec<u8>,
    model_data: Vec<u8>,
    /// The worker's inbox; `None` session = a fresh worker.
    inbox: VecDeque<(u64, PageRequest, Attachment)>,
    session: Option<Session>,
    workers_started: usize,
    downloads: Vec<Download>,
    idle_timers: Vec<u64>,
}

impl Shell {
    fn new() -> Self {
        Self {
            model: Model::default(),
            file: Vec::new(),
            model_data: Vec::new(),
            inbox: VecDeque::new(),
            session: None,
            workers_started: 1,
            downloads: Vec::new(),
            idle_timers: Vec::new(),
        }
    }

    fn dispatch(&mut self, event: Event) {
        for effect in update(event, &mut self.model) {
            match effect {
                Effect::Send {
                    id,
                    request,
                    attach,
                } => {
                    // What crosses to the worker is encoded and decoded, as in the browser.
                    let request = decode(&encode(&request).unwrap()).unwrap();
                    self.inbox.push_back((id, request, attach));
                }
                Effect::ReplaceWorker => {
                    self.inbox.clear();
                    self.session = None;
                    self.workers_started += 1;
                }
                Effect::Download(download) => self.downloads.push(download),
                Effect::RecycleWhenIdle { runs, .. } => self.idle_timers.push(runs),
            }
        }
    }

    /// The worker handles its next message.
    fn step(&mut self) -> bool {
        let Some((id, request, attach)) = self.inbox.pop_front() else {
            return false;
        };
        let events = match self.handle(request, attach) {
            Ok(events) => events,
            Err(e) => vec![WorkerEvent::Failed {
                message: e.to_string(),
            }],
        };
        for event in events {
            let event = decode(&encode(&event).unwrap()).unwrap();
            self.dispatch(Event::Worker(WorkerMessage { id, event }));
        }
        true
    }

    fn work(&mut self) {
        while self.step() {}
    }

    fn handle(
        &mut self,
        request: PageRequest,
        attach: Attachment,
    ) -> Result<Vec<WorkerEvent>, WorkerError> {
        let file = match attach {
            Attachment::CurrentFile => self.file.clone(),
            Attachment::ModelData => self.model_data.clone(),
            Attachment::None => Vec::new(),
        };
        let request = match answer_held(&mut self.session, request) {
            Ok(answered) => return answered.map(|event| vec![event]),
            Err(reads_a_file) => *reads_a_file,
        };
        Ok(match request {
            PageRequest::Sniff { settings } => match sniff(&file, &settings)? {
                Sniffed::Transactions(report) => vec![WorkerEvent::Sniffed(report)],
                Sniffed::RfmTable => vec![WorkerEvent::RfmTableDetected],
            },
            PageRequest::Analyze {
                file_name,
                ingest,
                analysis,
            } => {
                let session = analyse_bytes(&file_name, &file, &ingest, &analysis)?;
                let dashboard = session.dashboard();
                self.session = Some(session);
                vec![WorkerEvent::Finished(Box::new(dashboard))]
            }
            PageRequest::ApplyModel {
                file_name,
                model_json,
                ingest,
                labeller,
            } => {
                let mut ingestor = Ingestor::new(ingest);
                ingestor.push(&file)?;
                let outcome = ingestor.finish()?;
                let applied = apply_model(file_name, &model_json, &outcome, labeller)?;
                vec![WorkerEvent::Applied(Box::new(applied))]
            }
            PageRequest::Session(_) | PageRequest::Snapshot | PageRequest::Restore(_) => {
                unreachable!("answered by answer_held")
            }
        })
    }

    /// The user runs the analysis again with the settings as they stand.
    fn analyse_again(&mut self) {
        let (ingest, analysis) = (
            self.model.ingest_settings.clone(),
            self.model.analysis_settings.clone(),
        );
        self.dispatch(Event::Analyse { ingest, analysis });
    }

    /// The user chooses `bytes` as `name` (the mapping step follows).
    fn choose(&mut self, name: &str, bytes: Vec<u8>) {
        self.file = bytes;
        let file = FileRef {
            name: name.into(),
            bytes: self.file.len() as u64,
        };
        self.dispatch(Event::FileChosen {
            file,
            analyse_now: false,
        });
    }

    fn dashboard(&self) -> &segmento::views::Dashboard {
        self.model.dashboard.as_deref().unwrap()
    }

    fn export(&mut self, kind: ExportKind) -> String {
        self.dispatch(Event::Export(kind));
        self.work();
        let download = self.downloads.pop().unwrap();
        String::from_utf8(download.bytes).unwrap()
    }
}

/// The customers CSV as rows of named cells.
fn csv_rows(csv: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn open_and_analyse(shell: &mut Shell) {
    let runs = shell.model.runs;
    shell.choose("sample.csv", sample());
    assert!(
        shell.model.progress.is_some(),
        "detecting columns shows progress"
    );
    shell.work();
    let report = shell.model.sniffed.clone().expect("the mapping step opens");
    assert!(shell.model.progress.is_none());
    assert_eq!(
        shell.model.ingest_settings.mapping.as_ref(),
        Some(&report.mapping)
    );
    shell.analyse_again();
    shell.work();
    assert!(shell.model.sniffed.is_none(), "the mapping step closes");
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
    assert_eq!(shell.model.runs, runs + 1);
}

#[test]
fn a_whole_session_through_the_pure_update() {
    let reference = fixture();
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);

    // The dashboard and its follow-ups (table page, rules, scatters) arrived.
    let customers = reference["customers"].as_u64().unwrap() as usize;
    assert_eq!(shell.dashboard().overview.customers, customers);
    let page = shell
        .model
        .table_page
        .clone()
        .expect("the first page of the table");
    assert_eq!((page.matched, page.rows.len()), (customers, 25));
    assert!(shell.model.rules.is_some());
    assert_eq!(
        shell.model.pca.as_ref().map(|p| p.points.len()),
        Some(customers)
    );

    // Every customer's R, F, M and segment match pandas.
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert_eq!(csv.len(), customers);
    let expected: std::collections::HashMap<String, &Value> = reference["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["customer_id"].as_str().unwrap().to_string(), r))
        .collect();
    for row in &csv {
        let theirs = expected[&row["customer_id"]];
        let recency = row
            .iter()
            .find(|(k, _)| k.starts_with("recency_days"))
            .unwrap()
            .1;
        assert_eq!(
            recency.parse::<i64>().unwrap(),
            theirs["recency_days"].as_i64().unwrap()
        );
        assert_eq!(row["rfm_segment"], theirs["segment"].as_str().unwrap());
    }

    // Switch k: k = 5, then k = 2, whose partition and metrics are scikit-learn's.
    shell.dispatch(Event::ChooseK(5));
    shell.work();
    assert_eq!(
        shell.dashboard().clusters.title,
        "Clusters (k-means, k = 5)"
    );
    assert_eq!(shell.dashboard().clusters.profiles.len(), 5);
    shell.dispatch(Event::ChooseK(2));
    shell.work();
    let theirs = reference["kmeans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["k"] == 2)
        .unwrap();
    let clusters = &shell.dashboard().clusters;
    let ours = clusters.sweep.iter().find(|r| r.k == 2).unwrap();
    let close = |a: f64, b: &Value| (a - b.as_f64().unwrap()).abs() <= 1e-6 * a.abs().max(1.0);
    assert!(close(ours.silhouette, &theirs["silhouette"]));
    assert!(close(ours.inertia, &theirs["inertia"]));
    let mut sizes: Vec<u64> = clusters
        .profiles
        .iter()
        .map(|p| p.customers as u64)
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let their_sizes: Vec<u64> = theirs["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert_eq!(sizes, their_sizes);
    // The export follows the k chosen.
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert!(csv
        .iter()
        .all(|r| r["cluster"] == "0" || r["cluster"] == "1"));

    // Rename a segment: the table, the summaries and the export follow.
    let champions = reference["segment_counts"]["Champions"].as_u64().unwrap() as usize;
    let mut grid = SegmentGrid::default();
    for cell in grid
        .names
        .iter_mut()
        .flatten()
        .filter(|c| *c == "Champions")
    {
        *cell = "VIP".into();
    }
    shell.dispatch(Event::SetGrid(grid));
    shell.work();
    let summaries = &shell.dashboard().segments.summaries;
    assert!(summaries
        .iter()
        .any(|s| s.name == "VIP" && s.customers == champions));
    assert!(!summaries.iter().any(|s| s.name == "Champions"));
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert_eq!(
        csv.iter().filter(|r| r["rfm_segment"] == "VIP").count(),
        champions
    );

    // Another method, fitted in the worker from the held features.
    let gmm = GmmSettings {
        k: 3,
        ..GmmSettings::default()
    };
    shell.dispatch(Event::UseMethod(ClusteringMethodSettings::GaussianMixture(
        gmm,
    )));
    assert!(shell.model.progress.is_some(), "fitting shows progress");
    shell.work();
    assert!(shell.model.progress.is_none());
    assert_eq!(
        shell.dashboard().clusters.method,
        ClusteringMethod::GaussianMixture
    );
    assert_eq!(shell.dashboard().clusters.profiles.len(), 3);
    assert!(
        !shell.model.holds_snapshot(),
        "the snapshot goes when the run ends"
    );
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert!(csv
        .iter()
        .all(|r| ["0", "1", "2"].contains(&r["cluster"].as_str())));

    // The model JSON carries the edited grid and the mixture's clusters, and
    // labels the sample's customers as the export does.
    let model_json = shell.export(ExportKind::ModelJson);
    assert!(model_json.contains("\"VIP\""));
    shell.model_data = sample();
    shell.dispatch(Event::ApplyModel {
        data: FileRef {
            name: "again.csv".into(),
            bytes: 1,
        },
        model_json,
        labeller: segmento::engine::model::Labeller::NearestCentre,
    });
    shell.work();
    let applied = shell.model.applied.clone().unwrap();
    assert_eq!(applied.customers, customers);
    assert_eq!(applied.clusters.len(), 3);
    // Applying a model did not replace the session.
    assert_eq!(
        shell.dashboard().clusters.method,
        ClusteringMethod::GaussianMixture
    );

    // Lifetime value from the held purchases, and its CSV.
    shell.dispatch(Event::PredictClv {
        penalizer: 0.0,
        model: PurchaseModel::ModifiedBgNbd,
        holdout_days: None,
    });
    shell.work();
    let clv = shell.model.clv.clone().expect("a prediction");
    assert!(clv.customers > 0 && clv.total_clv > 0.0);
    assert_eq!(clv.settings.model, PurchaseModel::ModifiedBgNbd);
    assert_eq!(clv.trust.comparison.len(), 2);
    let predictions = shell.export(ExportKind::PredictionsCsv);
    assert_eq!(predictions.lines().count(), clv.customers + 1);
    assert!(predictions
        .lines()
        .next()
        .unwrap()
        .ends_with(",purchase_model"));
    assert!(predictions.lines().skip(1).all(|l| l.ends_with(",MBG/NBD")));

    // Back to k-means through the method chooser.
    shell.dispatch(Event::UseMethod(ClusteringMethodSettings::KMeans));
    shell.work();
    assert_eq!(shell.dashboard().clusters.method, ClusteringMethod::KMeans);
    assert_eq!(shell.dashboard().clusters.chosen_k, 2);
    assert_eq!(shell.workers_started, 1);
}

#[test]
fn a_cancelled_run_loses_nothing() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    shell.dispatch(Event::ChooseK(4));
    shell.work();
    let before = shell.dashboard().clone();

    // A new run: the page first takes a snapshot of the session.
    shell.analyse_again();
    assert!(matches!(
        shell.inbox.front(),
        Some((_, PageRequest::Snapshot, _))
    ));
    shell.step(); // the snapshot arrives; the run is under way
    assert!(shell.model.holds_snapshot());
    // Meanwhile a k switch (answered by the worker before the run ends).
    shell.dispatch(Event::ChooseK(3));
    // Cancel terminates the worker: the fresh one gets the snapshot and the k switch.
    shell.dispatch(Event::Cancel);
    assert_eq!(shell.workers_started, 2);
    assert!(shell.model.progress.is_none());
    shell.work();
    assert_eq!(shell.model.runs, 1, "the cancelled run never finished");
    assert_eq!(shell.dashboard().clusters.chosen_k, 3);
    assert_eq!(shell.dashboard().overview, before.overview);
    // The restored session answers like the old one.
    shell.dispatch(Event::ChooseK(4));
    shell.work();
    assert_eq!(*shell.dashboard(), before);
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
}

#[test]
fn a_worker_that_stops_mid_run_loses_nothing_and_says_so() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    let before = shell.dashboard().clone();
    shell.analyse_again();
    shell.step(); // the snapshot arrives; the run is under way

    // The worker panics (an `unreachable` trap reaches the page as an error event).
    shell.dispatch(Event::WorkerStopped("RuntimeError: unreachable".into()));
    assert_eq!(shell.workers_started, 2, "a fresh worker");
    assert!(shell.model.progress.is_none(), "the run has ended");
    let said = shell.model.error.clone().unwrap();
    assert!(said.starts_with("The analysis stopped unexpectedly (RuntimeError: unreachable). The previous results are kept"), "{said}");
    shell.work();
    // The fresh worker holds the session: it answers like the old one.
    assert_eq!(*shell.dashboard(), before);
    shell.dispatch(Event::ChooseK(3));
    shell.work();
    assert_eq!(shell.dashboard().clusters.chosen_k, 3);
    // And the next run works.
    shell.analyse_again();
    shell.work();
    assert_eq!(shell.model.runs, 2);

    // Between runs there is no snapshot: the results stay, and the message says what that means.
    shell.dispatch(Event::WorkerStopped(String::new()));
    assert_eq!(shell.workers_started, 3);
    let said = shell.model.error.clone().unwrap();
    assert!(
        said.starts_with("The analysis worker stopped unexpectedly. The results on screen stay"),
        "{said}"
    );
    assert!(shell.model.dashboard.is_some());
}

#[test]
fn a_second_file_chosen_during_a_run_replaces_it_and_loses_nothing() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    let before = shell.dashboard().clone();
    shell.analyse_again();
    shell.step(); // the snapshot arrives; the run is under way

    // Another file, before the run has ended: that run stops, the new file's mapping step opens.
    let other = lines_without_order_ids().into_bytes();
    shell.choose("other.csv", other);
    assert_eq!(shell.workers_started, 2, "the running worker was replaced");
    shell.work();
    let report = shell
        .model
        .sniffed
        .clone()
        .expect("the new file's mapping step");
    assert!(report
        .mapping
        .index(segmento::engine::ingest::Field::Invoice)
        .is_none());
    assert_eq!(shell.model.runs, 1, "the replaced run never finished");
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
    // The earlier results stay, and their session answers.
    assert_eq!(*shell.dashboard(), before);
    shell.dispatch(Event::ChooseK(3));
    shell.work();
    assert_eq!(shell.dashboard().clusters.chosen_k, 3);
}

#[test]
fn a_failed_run_keeps_the_previous_results_and_session() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    let before = shell.dashboard().clone();
    // A PNG renamed .csv.
    shell.file = vec![0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    shell.dispatch(Event::FileChosen {
        file: FileRef {
            name: "photo.csv".into(),
            bytes: 12,
        },
        analyse_now: true,
    });
    shell.work();
    let error = shell.model.error.clone().expect("a message");
    assert!(error.contains("PNG"), "{error}");
    assert_eq!(*shell.dashboard(), before);
    assert!(shell.model.progress.is_none());
    // The worker still holds the session: a k switch works.
    shell.dispatch(Event::ChooseK(3));
    shell.work();
    assert_eq!(shell.dashboard().clusters.chosen_k, 3);
    assert_eq!(shell.workers_started, 1);
}

#[test]
fn the_session_is_handed_to_a_fresh_worker_when_idle() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    shell.dispatch(Event::ChooseK(5));
    shell.work();
    let runs = shell.model.runs;
    // A later run has finished since: this timer's idle check does nothing.
    shell.dispatch(Event::IdleTimeout { runs: runs - 1 });
    assert!(shell.inbox.is_empty());
    shell.dispatch(Event::IdleTimeout { runs });
    shell.work();
    assert_eq!(shell.workers_started, 2);
    assert!(
        shell.session.is_some(),
        "the fresh worker holds the session"
    );
    assert_eq!(shell.dashboard().clusters.chosen_k, 5);
    // A k switch after the replacement.
    shell.dispatch(Event::ChooseK(2));
    shell.work();
    assert_eq!(shell.dashboard().clusters.chosen_k, 2);
    assert_eq!(shell.dashboard().clusters.profiles.len(), 2);
    assert!(shell.model.error.is_none());
}

#[test]
fn a_snapshot_is_compact_and_restores_exactly() {
    let mut session = analyse_bytes(
        "sample.csv",
        &sample(),
        &IngestSettings::default(),
        &Default::default(),
    )
    .unwrap();
    session.compact();
    let bytes = session.to_bytes().unwrap();
    let restored = Session::from_bytes(&bytes).unwrap();
    assert_eq!(restored, session);
    // Per customer, not per line: well under the file's own size.
    assert!(bytes.len() < sample().len() / 2, "{} B", bytes.len());
    assert!(Session::from_bytes(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn the_table_drops_pages_of_queries_typed_over() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    let mut query = shell.model.table_query.clone();
    query.search = "1".into();
    shell.dispatch(Event::QueryTable(query.clone()));
    query.search = "12".into();
    shell.dispatch(Event::QueryTable(query.clone()));
    shell.work();
    let page = shell.model.table_page.clone().unwrap();
    assert_eq!(page.query.search, "12");
    assert!(page.rows.iter().all(|r| r.customer_id.contains("12")
        || r.country.to_lowercase().contains("12")
        || r.segment.contains("12")
        || r.cluster_name.contains("12")));
}

/// Lines without order ids: customer `c{i}` buys on `1 + i % 3` days; on its
/// first day it buys two identical items (the same line twice) and one more.
fn lines_without_order_ids() -> String {
    let mut csv = String::from("customer_id,date,amount\n");
    for i in 0..40 {
        for day in 0..=(i % 3) {
            let date = format!("2011-{:02}-{:02}", 1 + day * 3, 1 + i % 28);
            let amount = 5 + i % 7;
            csv.push_str(&format!("c{i},{date},{amount}.00\n"));
            if day == 0 {
                csv.push_str(&format!("c{i},{date},{amount}.00\n"));
                csv.push_str(&format!("c{i},{date},2.50\n"));
            }
        }
    }
    csv
}

/// The oracle, straight from the lines: (distinct days, lines, total) per customer.
fn days_lines_totals(csv: &str) -> std::collections::HashMap<String, (usize, usize, f64)> {
    let mut days = std::collections::HashMap::<String, std::collections::HashSet<String>>::new();
    let mut out = std::collections::HashMap::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        days.entry(cells[0].into())
            .or_default()
            .insert(cells[1].into());
        let entry = out.entry(cells[0].to_string()).or_insert((0, 0, 0.0));
        entry.1 += 1;
        entry.2 += cells[2].parse::<f64>().unwrap();
    }
    for (customer, entry) in &mut out {
        entry.0 = days[customer].len();
    }
    out
}

#[test]
fn without_order_ids_a_purchase_is_a_day_and_identical_lines_are_kept() {
    let mut shell = Shell::new();
    let csv = lines_without_order_ids();
    shell.choose("no-orders.csv", csv.clone().into_bytes());
    shell.work();
    assert!(shell.model.sniffed.is_some());
    // The user never opens the settings.
    shell.analyse_again();
    shell.work();
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
    let definitions = &shell.dashboard().overview.definitions;
    assert!(
        definitions.contains("a purchase is a calendar day"),
        "{definitions}"
    );
    assert!(definitions.contains("no order id"), "{definitions}");
    assert!(
        definitions.contains("identical lines are kept"),
        "{definitions}"
    );

    let oracle = days_lines_totals(&csv);
    let rows = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert_eq!(rows.len(), 40);
    for row in &rows {
        let (days, _, total) = oracle[&row["customer_id"]];
        assert_eq!(row["frequency_days"], days.to_string(), "{row:?}");
        let monetary: f64 = row["monetary_total"].parse().unwrap();
        assert!((monetary - total).abs() < 1e-9, "{row:?}");
    }

    // Counting every line is one setting away; identical lines stay kept.
    let ingest = shell.model.ingest_settings.clone();
    let mut analysis = shell.model.analysis_settings.clone();
    analysis.rfm.purchase = segmento::engine::rfm::PurchaseUnit::Invoice;
    shell.dispatch(Event::Analyse { ingest, analysis });
    shell.work();
    let definitions = &shell.dashboard().overview.definitions;
    assert!(
        definitions.contains("purchases are lines and identical lines are kept"),
        "{definitions}"
    );
    let rows = csv_rows(&shell.export(ExportKind::CustomersCsv));
    for row in &rows {
        let (_, lines, _) = oracle[&row["customer_id"]];
        assert_eq!(row["frequency_invoices"], lines.to_string(), "{row:?}");
    }

    // The sample has order ids: duplicates are dropped again (the purchase
    // unit, changed by the user, stays an invoice).
    open_and_analyse(&mut shell);
    assert_eq!(
        shell.model.analysis_settings.rfm.purchase,
        segmento::engine::rfm::PurchaseUnit::Invoice
    );
    assert!(shell.model.ingest_settings.rules.drop_duplicates);
    let definitions = &shell.dashboard().overview.definitions;
    assert!(!definitions.contains("order id"), "{definitions}");
}

#[test]
fn the_customer_map_is_drawn_on_request_recoloured_with_k_and_cancellable() {
    use segmento::engine::embedding::EmbeddingSettings;
    use segmento::views::chart_inputs::ScatterView;
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    assert!(shell.model.tsne.is_none(), "not drawn until asked for");
    let settings = EmbeddingSettings {
        iterations: 300,
        ..EmbeddingSettings::default()
    };
    shell.dispatch(Event::Embed(settings));
    assert!(
        shell.model.progress.is_some(),
        "the map shows progress and Cancel"
    );
    shell.work();
    assert!(shell.model.progress.is_none());
    let map = shell.model.tsne.clone().expect("the map arrives");
    assert_eq!(map.view, ScatterView::Tsne);
    let customers = shell.dashboard().overview.customers;
    assert_eq!(map.points.len(), customers, "198 customers: no sampling");
    assert!(
        map.note.starts_with("All 198 customers, perplexity 30"),
        "{}",
        map.note
    );
    // Colours are the clusters in use; a change of k recolours the same map.
    shell.dispatch(Event::ChooseK(5));
    shell.work();
    let recoloured = shell.model.tsne.clone().unwrap();
    assert_eq!(
        recoloured
            .points
            .iter()
            .map(|p| (p.0, p.1))
            .collect::<Vec<_>>(),
        map.points.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>()
    );
    let clusters: std::collections::BTreeSet<usize> =
        recoloured.points.iter().map(|p| p.2).collect();
    assert_eq!(clusters.len(), 5);
    // The hover names the customer behind the point.
    let row = recoloured.row_of(17).unwrap();
    shell.dispatch(Event::Hover(Some(row)));
    shell.work();
    assert!(!shell.model.hover.as_ref().unwrap().1.is_empty());
    // Cancel during a map keeps the previous map and everything else.
    let before = shell.dashboard().clone();
    shell.dispatch(Event::Embed(EmbeddingSettings {
        perplexity: 10.0,
        ..settings
    }));
    shell.step(); // the snapshot
    shell.dispatch(Event::Cancel);
    shell.work();
    assert_eq!(*shell.dashboard(), before);
    assert_eq!(shell.model.tsne.as_deref(), Some(&*recoloured));
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
    // A bad setting is a message, and the map stays.
    shell.dispatch(Event::Embed(EmbeddingSettings {
        perplexity: 500.0,
        ..settings
    }));
    shell.work();
    assert_eq!(
        shell.model.error.as_deref(),
        Some("perplexity must be between 2 and 100 (got 500)")
    );
    assert!(shell.model.tsne.is_some());
}

#[test]
fn the_classifier_is_trained_on_request_saved_with_the_model_and_labels_new_customers() {
    use segmento::engine::classify::ClassifierSettings;
    use segmento::engine::model::Labeller;
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    shell.dispatch(Event::ChooseK(4));
    shell.work();
    let no_forest: Value = serde_json::from_str(&shell.export(ExportKind::ModelJson)).unwrap();
    assert!(
        no_forest.get("classifier").is_none(),
        "no forest before training"
    );

    shell.dispatch(Event::TrainClassifier(ClassifierSettings::default()));
    assert!(
        shell.model.progress.is_some(),
        "training shows progress and Cancel"
    );
    shell.work();
    let view = shell.model.classifier.clone().expect("the scores arrive");
    assert_eq!(view.customers, 198);
    assert_eq!(view.fold_accuracy.len(), 5);
    assert_eq!(view.names.len(), 4);
    let m = &view.metrics;
    let total: usize = m.confusion.iter().flatten().sum();
    assert_eq!(
        total, 198,
        "every customer is predicted once, by a fold that never saw it"
    );
    let right: usize = (0..4).map(|c| m.confusion[c][c]).sum();
    assert!((m.accuracy - right as f64 / 198.0).abs() < 1e-12);
    assert!(m.accuracy > 0.85, "{}", m.accuracy);

    // The model JSON carries the forest; applying it labels the sample.
    let model_json = shell.export(ExportKind::ModelJson);
    let json: Value = serde_json::from_str(&model_json).unwrap();
    assert!(json["classifier"]["trees"].as_array().unwrap().len() == 100);
    let customers = shell.export(ExportKind::CustomersCsv);
    let clusters: std::collections::HashMap<String, String> = csv_rows(&customers)
        .into_iter()
        .map(|r| (r["customer_id"].clone(), r["cluster"].clone()))
        .collect();
    shell.model_data = sample();
    shell.dispatch(Event::ApplyModel {
        data: FileRef {
            name: "new.csv".into(),
            bytes: 1,
        },
        model_json,
        labeller: Labeller::Classifier,
    });
    shell.work();
    let applied = shell.model.applied.clone().unwrap();
    assert_eq!(applied.method, "the model's random forest");
    let labelled = csv_rows(std::str::from_utf8(&applied.csv).unwrap());
    assert_eq!(labelled.len(), 198);
    let agree = labelled
        .iter()
        .filter(|r| clusters.get(&r["customer_id"]) == Some(&r["cluster"]))
        .count();
    // Fitted on every customer: the forest reproduces its training labels.
    assert!(agree >= 190, "{agree} of 198 agree");

    // Another k: the scores and the forest were for the old clusters.
    shell.dispatch(Event::ChooseK(3));
    shell.work();
    assert!(shell.model.classifier.is_none());
    let json: Value = serde_json::from_str(&shell.export(ExportKind::ModelJson)).unwrap();
    assert!(json.get("classifier").is_none());
    // A model without a forest asked to label with it says what to do.
    shell.dispatch(Event::ApplyModel {
        data: FileRef {
            name: "new.csv".into(),
            bytes: 1,
        },
        model_json: serde_json::to_string(&json).unwrap(),
        labeller: Labeller::Classifier,
    });
    shell.work();
    assert!(
        shell
            .model
            .error
            .as_deref()
            .unwrap()
            .contains("train the classifier"),
        "{:?}",
        shell.model.error
    );
}

/// The column of the customers CSV whose name starts with `prefix`.
fn column_named<'a>(
    row: &'a std::collections::HashMap<String, String>,
    prefix: &str,
) -> Option<&'a str> {
    row.iter()
        .find(|(name, _)| name.starts_with(prefix))
        .map(|(_, value)| value.as_str())
}

#[test]
fn segments_over_time_follow_the_segments_and_reach_the_export() {
    use segmento::engine::cut_points::{CutPoints, Scoring};
    use segmento::engine::migration::{default_as_of, NEW_SINCE};
    use segmento::engine::presets::SegmentScheme;
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    let customers = shell.dashboard().overview.customers;
    let reference: chrono::NaiveDate = shell.dashboard().overview.reference_date.parse().unwrap();
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert!(
        column_named(&csv[0], "previous_segment").is_none(),
        "no column before it was asked for"
    );

    // At the default date (90 days back): every customer once in the matrix.
    let as_of = default_as_of(reference);
    assert_eq!(reference - as_of, chrono::TimeDelta::days(90));
    shell.dispatch(Event::Migrate { as_of });
    shell.work();
    let reply = shell.model.migration.clone().unwrap();
    let view = reply.outcome.clone().unwrap();
    assert_eq!(view.customers, customers);
    assert_eq!(
        view.heatmap.counts.iter().flatten().sum::<usize>(),
        customers
    );
    assert_eq!(
        view.heatmap.rows.last().map(String::as_str),
        Some(NEW_SINCE)
    );
    assert!(!view.flows.is_empty() && view.flows[0].contains(" became "));
    // The CSV's earlier segments agree with the matrix cell by cell.
    let header = "previous_segment".to_string();
    assert!(csv_rows(&shell.export(ExportKind::CustomersCsv))
        .iter()
        .all(|row| row["previous_segment_as_of"] == as_of.to_string()));
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert_eq!(csv.len(), customers);
    for (r, from) in view.heatmap.rows.iter().enumerate() {
        for (c, to) in view.heatmap.columns.iter().enumerate() {
            let n = csv
                .iter()
                .filter(|row| &row[&header] == from && &row["rfm_segment"] == to)
                .count();
            assert_eq!(n, view.heatmap.counts[r][c], "{from} → {to}");
        }
    }
    let new_since = csv.iter().filter(|row| row[&header] == NEW_SINCE).count();
    assert_eq!(new_since, view.new_since);
    assert!(
        new_since > 0,
        "the sample has customers who first bought in its last 90 days"
    );

    // Renaming a segment renames it then and now, in the view and the export.
    let mut grid = SegmentGrid::default();
    for cell in grid
        .names
        .iter_mut()
        .flatten()
        .filter(|c| *c == "Champions")
    {
        *cell = "VIP".into();
    }
    shell.dispatch(Event::SetGrid(grid));
    shell.work();
    let view = shell
        .model
        .migration
        .clone()
        .unwrap()
        .outcome
        .clone()
        .unwrap();
    assert!(view.heatmap.columns.contains(&"VIP".to_string()));
    assert!(view.heatmap.rows.contains(&"VIP".to_string()));
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert!(csv.iter().any(|row| row[&header] == "VIP"));
    assert!(!csv.iter().any(|row| row[&header] == "Champions"));

    // A date on or after the reference date is refused next to the date,
    // and the export no longer claims earlier segments.
    shell.dispatch(Event::Migrate { as_of: reference });
    shell.work();
    let refused = shell
        .model
        .migration
        .clone()
        .unwrap()
        .outcome
        .clone()
        .unwrap_err();
    assert!(
        refused.contains("must be before the reference date"),
        "{refused}"
    );
    assert!(shell.model.error.is_none());
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    assert!(column_named(&csv[0], "previous_segment").is_none());

    // Shopify's groups (5-point quantiles), instantly, without re-clustering.
    shell.dispatch(Event::SetSegmentation {
        scheme: SegmentScheme::Shopify,
        scoring: Scoring::Quantiles,
    });
    shell.work();
    let shopify = [
        "Champions",
        "Loyal",
        "Active",
        "Promising",
        "New",
        "Needs attention",
        "At risk",
        "Previously loyal",
        "Almost lost",
        "Dormant",
    ];
    let summaries = &shell.dashboard().segments.summaries;
    assert!(summaries.len() >= 5);
    assert!(
        summaries.iter().all(|s| shopify.contains(&s.name.as_str())),
        "{summaries:?}"
    );
    assert_eq!(
        summaries.iter().map(|s| s.customers).sum::<usize>(),
        customers
    );
    assert_eq!(shell.model.analysis_settings.scheme, SegmentScheme::Shopify);

    // Klaviyo's groups on cut points: each score follows the documented
    // boundaries (recency ≤ cut point, frequency and monetary ≥ cut point).
    let cuts = CutPoints {
        recency: vec![30.0, 90.0],
        frequency: vec![2.0, 5.0],
        monetary: vec![500.0, 2000.0],
    };
    shell.dispatch(Event::SetSegmentation {
        scheme: SegmentScheme::Klaviyo,
        scoring: Scoring::CutPoints(cuts),
    });
    shell.work();
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
    assert_eq!(shell.dashboard().segments.score_bins, 3);
    let csv = csv_rows(&shell.export(ExportKind::CustomersCsv));
    for row in &csv {
        let recency: f64 = column_named(row, "recency_days_to_")
            .unwrap()
            .parse()
            .unwrap();
        let frequency: f64 = row["frequency_invoices"].parse().unwrap();
        let monetary: f64 = row["monetary_total"].parse().unwrap();
        let r = if recency <= 30.0 {
            3
        } else if recency <= 90.0 {
            2
        } else {
            1
        };
        let f = if frequency >= 5.0 {
            3
        } else if frequency >= 2.0 {
            2
        } else {
            1
        };
        let m = if monetary >= 2000.0 {
            3
        } else if monetary >= 500.0 {
            2
        } else {
            1
        };
        assert_eq!(row["r_score"], r.to_string(), "{row:?}");
        assert_eq!(row["f_score"], f.to_string(), "{row:?}");
        assert_eq!(row["m_score"], m.to_string(), "{row:?}");
        if (r, f, m) == (3, 3, 3) {
            assert_eq!(row["rfm_segment"], "Champions");
        }
        if (r, f, m) == (1, 1, 1) {
            assert_eq!(row["rfm_segment"], "Inactive");
        }
    }
    assert!(shell
        .dashboard()
        .overview
        .definitions
        .contains("recency ≤ 30 / 90 days, frequency ≥ 2 / 5, monetary ≥ 500 / 2000"));
    let model = shell.export(ExportKind::ModelJson);
    assert!(model.contains("\"segment_scheme\": \"Klaviyo\""), "{model}");
    assert!(model.contains("CutPoints"));

    // Cut points that do not fit the scale are refused with what to do.
    shell.dispatch(Event::SetSegmentation {
        scheme: SegmentScheme::Grid,
        scoring: Scoring::CutPoints(CutPoints {
            recency: vec![30.0],
            frequency: vec![2.0],
            monetary: vec![500.0],
        }),
    });
    shell.work();
    let error = shell.model.error.clone().unwrap();
    assert!(
        error.starts_with("Recency needs 4 cut points for 1–5 scores"),
        "{error}"
    );
    assert_eq!(
        shell.dashboard().segments.score_bins,
        3,
        "the segments stay as they were"
    );
}

#[test]
fn segments_over_time_need_transactions() {
    let mut shell = Shell::new();
    open_and_analyse(&mut shell);
    let table = shell.export(ExportKind::CustomersCsv).into_bytes();
    shell.choose("segments.csv", table);
    shell.work();
    assert!(shell.model.error.is_none(), "{:?}", shell.model.error);
    assert!(shell.dashboard().source.is_rfm_table());
    let as_of = chrono::NaiveDate::from_ymd_opt(2011, 9, 1).unwrap();
    shell.dispatch(Event::Migrate { as_of });
    shell.work();
    let said = shell
        .model
        .migration
        .clone()
        .unwrap()
        .outcome
        .clone()
        .unwrap_err();
    assert!(
        said.starts_with("segments over time need transactions"),
        "{said}"
    );
}
