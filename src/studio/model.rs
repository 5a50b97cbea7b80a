//! The page's model and its one transition function. The page holds only
//! what it shows (the dashboard, the current page of the customer table,
//! chart inputs); the analysis itself is the worker's session, so every
//! interaction is a request to the worker, and its answer an event here.
//!
//! A run (reading a file, fitting another method, predicting CLV) shows
//! progress and can be cancelled, which terminates the worker. So that a
//! cancelled run loses nothing, the page first asks the worker for a
//! snapshot of its session and, after Cancel, gives it to the fresh worker
//! with the requests sent since. A failed run leaves the worker's session as
//! it was. The same handover replaces a worker grown large after a big run.

use crate::engine::classify::ClassifierSettings;
use crate::engine::clustering::{
    ClusteringMethodSettings, DbscanSettings, GmmSettings, MethodComparison,
};
use crate::engine::clv::{ClvSettings, PurchaseModel};
use crate::engine::container::SourceChoice;
use crate::engine::cut_points::Scoring;
use crate::engine::embedding::EmbeddingSettings;
use crate::engine::explain::TreeSettings;
use crate::engine::file_defaults::FileDefaults;
use crate::engine::ingest::{IngestSettings, SniffReport};
use crate::engine::model::Labeller;
use crate::engine::pipeline::AnalysisSettings;
use crate::engine::presets::SegmentScheme;
use crate::engine::segments::SegmentGrid;
use crate::protocol::page::{PageRequest, WorkerEvent, WorkerMessage};
use crate::session::{Download, ExportKind, SessionReply, SessionRequest};
use crate::views::chart_inputs::ScatterView;
use crate::views::customer_table::{CustomerPage, TableQuery};
use crate::views::dashboard::{AppliedModel, ClassifierView, ClvView, RulesView, ScatterPlot};
use crate::views::migration::MigrationReply;
use crate::views::Dashboard;
use chrono::NaiveDate;
use std::sync::Arc;

/// After a run that left the worker this big, it is replaced when the page
/// has been idle for [`RECYCLE_AFTER_MS`] (WebAssembly memory never shrinks).
pub const RECYCLE_ABOVE_BYTES: f64 = 128e6;
pub const RECYCLE_AFTER_MS: u32 = 30_000;

/// Where a run is.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    pub file_name: String,
    pub stage: String,
    /// 0..=1 of the whole run.
    pub fraction: f64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// A file the user chose; the shell keeps the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub name: String,
    pub bytes: u64,
}

/// What travels beside a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    None,
    /// The file being analysed.
    CurrentFile,
    /// The file a saved model is applied to.
    ModelData,
}

// One event at a time, moved once: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A new file: detect its format (or analyse it straight away: the sample).
    FileChosen {
        file: FileRef,
        analyse_now: bool,
    },
    /// Detect the current file's format again with these overrides.
    Sniff {
        settings: IngestSettings,
    },
    /// Read and analyse the current file with these settings.
    Analyse {
        ingest: IngestSettings,
        analysis: AnalysisSettings,
    },
    CloseMapping,
    ApplyModel {
        data: FileRef,
        model_json: String,
        labeller: Labeller,
    },
    ChooseK(usize),
    SetGrid(SegmentGrid),
    /// Segments from the grid or a preset, scores from quantiles or cut points.
    SetSegmentation {
        scheme: SegmentScheme,
        scoring: Scoring,
    },
    /// The segments at this earlier date, and the moves since.
    Migrate {
        as_of: NaiveDate,
    },
    UseMethod(ClusteringMethodSettings),
    CompareMethods {
        gmm: GmmSettings,
        dbscan: DbscanSettings,
    },
    SetRulesDepth(usize),
    /// Fit the value and churn models with this penalizer (lifetimes'
    /// `penalizer_coef`; 0 = plain maximum likelihood).
    PredictClv {
        penalizer: f64,
        /// Drives the figures; both are fitted and compared.
        model: PurchaseModel,
        /// Days held out to check the models (`None`: the last quarter).
        holdout_days: Option<u32>,
    },
    QueryTable(TableQuery),
    /// Draw the t-SNE map of the customers.
    Embed(EmbeddingSettings),
    /// Train (and cross-validate) the random forest that assigns clusters.
    TrainClassifier(ClassifierSettings),
    /// The pointer is over this customer of a scatter (`None`: over none).
    Hover(Option<usize>),
    Export(ExportKind),
    Cancel,
    DismissError,
    /// Something the shell could not do (read a model file, start a worker).
    Failed(String),
    /// The page has been idle since the run counted `runs` finished.
    IdleTimeout {
        runs: u64,
    },
    Worker(WorkerMessage),
    /// The worker failed outside any request (a panic, out of memory, a
    /// script error): what the browser said.
    WorkerStopped(String),
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send {
        id: u64,
        request: PageRequest,
        attach: Attachment,
    },
    /// Terminate the worker (and its helper) and start a fresh one.
    ReplaceWorker,
    Download(Download),
    /// Send [`Event::IdleTimeout`] with these `runs` after `after_ms`.
    RecycleWhenIdle {
        runs: u64,
        after_ms: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub file: Option<FileRef>,
    pub ingest_settings: IngestSettings,
    pub analysis_settings: AnalysisSettings,
    /// Bumped when the model changes the settings itself (a new file, a
    /// detected mapping, a k chosen), so the shell knows to show them.
    pub settings_version: u64,
    /// The definitions chosen for the current file's columns (see
    /// [`FileDefaults`]), while the user has not changed them.
    file_defaults: FileDefaults,
    pub worker_ready: bool,
    pub progress: Option<RunProgress>,
    pub error: Option<String>,
    /// The column-mapping step for the current file, while it is open.
    pub sniffed: Option<Arc<SniffReport>>,
    pub dashboard: Option<Arc<Dashboard>>,
    /// Counts finished runs (not k switches or grid edits of the same run).
    pub runs: u64,
    pub rules_depth: usize,
    pub rules: Option<Arc<RulesView>>,
    pub comparison: Option<Arc<MethodComparison>>,
    pub clv: Option<Arc<ClvView>>,
    /// The random forest's cross-validated scores, once trained for the
    /// clustering in use.
    pub classifier: Option<Arc<ClassifierView>>,
    pub applied: Option<Arc<AppliedModel>>,
    pub table_query: TableQuery,
    pub table_page: Option<Arc<CustomerPage>>,
    pub recency_monetary: Option<Arc<ScatterPlot>>,
    pub pca: Option<Arc<ScatterPlot>>,
    /// The t-SNE map, once asked for.
    pub tsne: Option<Arc<ScatterPlot>>,
    /// The segments at an earlier date, once asked for.
    pub migration: Option<Arc<MigrationReply>>,
    /// The earlier date last asked for; asked again after the segments
    /// change (until the next run).
    pub migration_as_of: Option<NaiveDate>,
    /// The hovered customer and its description (empty until it arrives).
    pub hover: Option<(usize, String)>,
    /// When a worker is replaced to give memory back (see [`RECYCLE_ABOVE_BYTES`]).
    pub recycle_above_bytes: f64,
    pub recycle_after_ms: u32,
    next_id: u64,
    /// The request of the run in progress.
    run_id: Option<u64>,
    /// The session as it was before the run, while the run lasts.
    snapshot: Option<Arc<Vec<u8>>>,
    awaiting_snapshot: bool,
    /// A snapshot was asked for to hand the session to a fresh worker.
    handing_over: bool,
    /// Requests sent since the snapshot, sent again after a restore.
    replay: Vec<SessionRequest>,
}

impl Default for Model {
    fn default() -> Self {
        Self {
            file: None,
            ingest_settings: IngestSettings::default(),
            analysis_settings: AnalysisSettings::default(),
            settings_version: 0,
            file_defaults: FileDefaults::with_order_ids(),
            worker_ready: false,
            progress: None,
            error: None,
            sniffed: None,
            dashboard: None,
            runs: 0,
            rules_depth: TreeSettings::default().max_depth,
            rules: None,
            comparison: None,
            clv: None,
            classifier: None,
            applied: None,
            table_query: TableQuery::default(),
            table_page: None,
            recency_monetary: None,
            pca: None,
            tsne: None,
            migration: None,
            migration_as_of: None,
            hover: None,
            recycle_above_bytes: RECYCLE_ABOVE_BYTES,
            recycle_after_ms: RECYCLE_AFTER_MS,
            next_id: 1,
            run_id: None,
            snapshot: None,
            awaiting_snapshot: false,
            handing_over: false,
            replay: Vec::new(),
        }
    }
}

impl Model {
    /// Whether the page holds a snapshot of the worker's session (during a run).
    pub fn holds_snapshot(&self) -> bool {
        self.snapshot.is_some()
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn send(&mut self, request: PageRequest, attach: Attachment) -> Effect {
        Effect::Send {
            id: self.id(),
            request,
            attach,
        }
    }

    /// A quick request against the session (none without a dashboard).
    fn ask(&mut self, request: SessionRequest) -> Vec<Effect> {
        if self.dashboard.is_none() {
            return Vec::new();
        }
        if self.snapshot.is_some() || self.awaiting_snapshot || self.handing_over {
            self.replay.push(request.clone());
        }
        vec![self.send(PageRequest::Session(request), Attachment::None)]
    }

    /// Starts a run, replacing (cancelling) one in progress.
    fn start_run(
        &mut self,
        request: PageRequest,
        attach: Attachment,
        stage: &str,
        file: Option<FileRef>,
    ) -> Vec<Effect> {
        let mut effects = match self.progress.is_some() {
            true => self.cancel(),
            false => Vec::new(),
        };
        self.error = None;
        let file = file.or_else(|| self.file.clone());
        self.progress = Some(RunProgress {
            file_name: file.as_ref().map(|f| f.name.clone()).unwrap_or_default(),
            stage: stage.into(),
            fraction: 0.0,
            bytes_done: 0,
            bytes_total: match attach {
                Attachment::None => 0,
                _ => file.map_or(0, |f| f.bytes),
            },
        });
        if self.dashboard.is_some() && self.snapshot.is_none() && !self.awaiting_snapshot {
            self.awaiting_snapshot = true;
            effects.push(self.send(PageRequest::Snapshot, Attachment::None));
        }
        let effect = self.send(request, attach);
        if let Effect::Send { id, .. } = &effect {
            self.run_id = Some(*id);
        }
        effects.push(effect);
        effects
    }

    fn end_run(&mut self) {
        self.progress = None;
        self.run_id = None;
        self.snapshot = None;
        self.awaiting_snapshot = false;
        self.replay.clear();
    }

    /// The worker stopped: a fresh one takes over. During a run it gets the
    /// session back, as after Cancel; between runs the session is gone and
    /// the results on screen can only be read.
    fn worker_stopped(&mut self, detail: &str) -> Vec<Effect> {
        let detail = match detail.trim() {
            "" => String::new(),
            said => format!(" ({said})"),
        };
        // During a run the page holds the session's snapshot (once it came).
        let restored = self.progress.is_some() && self.snapshot.is_some();
        let effects = self.cancel();
        let again =
            "If it stops again with this file, the file may be too large for this tab's memory.";
        self.error = Some(match (self.dashboard.is_some(), restored) {
            (false, _) => format!(
                "The analysis stopped unexpectedly{detail}. A fresh worker is ready: try again. {again}"
            ),
            (true, true) => format!(
                "The analysis stopped unexpectedly{detail}. The previous results are kept and a \
                 fresh worker is ready: try again. {again}"
            ),
            (true, false) => format!(
                "The analysis worker stopped unexpectedly{detail}. The results on screen stay; to \
                 change them (another k, downloads), run the analysis again."
            ),
        });
        effects
    }

    /// Terminates the worker; the fresh one gets the session back.
    fn cancel(&mut self) -> Vec<Effect> {
        let snapshot = self.snapshot.take();
        let replay = std::mem::take(&mut self.replay);
        self.end_run();
        let mut effects = vec![Effect::ReplaceWorker];
        if let Some(bytes) = snapshot {
            effects.push(self.send(
                PageRequest::Restore(bytes.as_ref().clone()),
                Attachment::None,
            ));
            for request in replay {
                effects.push(self.send(PageRequest::Session(request), Attachment::None));
            }
        }
        effects
    }

    /// Applies the definitions that fit the file to every setting the user
    /// has left at the defaults applied last.
    fn fit_defaults_to(&mut self, defaults: FileDefaults) {
        let rfm = &mut self.analysis_settings.rfm;
        let rules = &mut self.ingest_settings.rules;
        defaults.replace(&self.file_defaults, rfm, rules);
        self.file_defaults = defaults;
    }

    fn analyse(&mut self) -> Vec<Effect> {
        let Some(file) = self.file.clone() else {
            return Vec::new();
        };
        let request = PageRequest::Analyze {
            file_name: file.name.clone(),
            ingest: self.ingest_settings.clone(),
            analysis: Box::new(self.analysis_settings.clone()),
        };
        self.start_run(request, Attachment::CurrentFile, "Starting", Some(file))
    }

    fn sniff(&mut self) -> Vec<Effect> {
        let request = PageRequest::Sniff {
            settings: self.ingest_settings.clone(),
        };
        self.start_run(request, Attachment::CurrentFile, "Detecting columns", None)
    }

    /// What a new dashboard needs besides itself, asked for in the order it is shown.
    fn follow_ups(&mut self) -> Vec<Effect> {
        let mut effects = self.ask(SessionRequest::Rules {
            depth: self.rules_depth,
        });
        effects.extend(self.ask(SessionRequest::Scatter(ScatterView::RecencyMonetary)));
        effects.extend(self.ask(SessionRequest::Scatter(ScatterView::Pca)));
        // A map drawn before a change of k or method: recoloured, not recomputed.
        if self.tsne.is_some() {
            effects.extend(self.ask(SessionRequest::Scatter(ScatterView::Tsne)));
        }
        effects.extend(self.ask(SessionRequest::CustomerPage(self.table_query.clone())));
        // Segments over time, named like the segments now shown.
        if let Some(as_of) = self.migration_as_of {
            effects.extend(self.ask(SessionRequest::Migration { as_of }));
        }
        effects
    }

    /// Long work on the session, shown with progress and Cancel (none
    /// without a dashboard).
    fn long_session_request(&mut self, request: SessionRequest, stage: &str) -> Vec<Effect> {
        if self.dashboard.is_none() {
            return Vec::new();
        }
        self.start_run(PageRequest::Session(request), Attachment::None, stage, None)
    }

    fn set_segmentation(&mut self, scheme: SegmentScheme, scoring: Scoring) -> Vec<Effect> {
        self.analysis_settings.scheme = scheme;
        self.analysis_settings.scoring = scoring.clone();
        self.settings_version += 1;
        self.ask(SessionRequest::SetSegmentation { scheme, scoring })
    }

    /// Segments at an earlier date; asked again whenever the segments change.
    fn migrate(&mut self, as_of: NaiveDate) -> Vec<Effect> {
        self.migration_as_of = Some(as_of);
        self.migration = None;
        self.ask(SessionRequest::Migration { as_of })
    }

    fn is_run(&self, id: u64) -> bool {
        self.run_id == Some(id)
    }
}

/// The one transition: applies `event` to `model` and says what the shell must do.
pub fn update(event: Event, model: &mut Model) -> Vec<Effect> {
    match event {
        Event::FileChosen { file, analyse_now } => {
            // Format overrides made for the previous file do not apply to this one.
            let s = &mut model.ingest_settings;
            s.mapping = None;
            s.delimiter = None;
            s.day_first = None;
            s.decimal_comma = None;
            s.source = SourceChoice::default();
            s.has_header = None;
            model.fit_defaults_to(FileDefaults::with_order_ids());
            model.settings_version += 1;
            model.file = Some(file);
            match analyse_now {
                true => model.analyse(),
                false => model.sniff(),
            }
        }
        Event::Sniff { settings } => {
            model.ingest_settings = settings;
            model.sniff()
        }
        Event::Analyse { ingest, analysis } => {
            model.ingest_settings = ingest;
            model.analysis_settings = analysis;
            // The mapping may have gained or lost its order column since the sniff.
            if let Some(mapping) = &model.ingest_settings.mapping {
                model.fit_defaults_to(FileDefaults::for_mapping(mapping));
            }
            model.analyse()
        }
        Event::CloseMapping => {
            model.sniffed = None;
            Vec::new()
        }
        Event::ApplyModel {
            data,
            model_json,
            labeller,
        } => {
            let request = PageRequest::ApplyModel {
                file_name: data.name.clone(),
                model_json,
                ingest: IngestSettings::default(),
                labeller,
            };
            model.start_run(
                request,
                Attachment::ModelData,
                "Applying the saved model",
                Some(data),
            )
        }
        Event::ChooseK(k) => {
            model.analysis_settings.chosen_k = Some(k);
            model.settings_version += 1;
            model.ask(SessionRequest::ChooseK(k))
        }
        Event::SetGrid(grid) => {
            model.analysis_settings.grid = grid.clone();
            model.settings_version += 1;
            model.ask(SessionRequest::SetGrid(Box::new(grid)))
        }
        Event::SetSegmentation { scheme, scoring } => model.set_segmentation(scheme, scoring),
        Event::Migrate { as_of } => model.migrate(as_of),
        Event::UseMethod(settings) => {
            if model.dashboard.is_none() {
                return Vec::new();
            }
            if settings == ClusteringMethodSettings::KMeans {
                let k = model.dashboard.as_ref().map_or(2, |d| d.clusters.chosen_k);
                return update(Event::ChooseK(k), model);
            }
            let stage = format!("Fitting {}", settings.method().name());
            let request = PageRequest::Session(SessionRequest::UseMethod(settings));
            model.start_run(request, Attachment::None, &stage, None)
        }
        Event::CompareMethods { gmm, dbscan } => model.long_session_request(
            SessionRequest::CompareMethods { gmm, dbscan },
            "Comparing clustering methods",
        ),
        Event::SetRulesDepth(depth) => {
            model.rules_depth = depth;
            model.rules = None;
            model.ask(SessionRequest::Rules { depth })
        }
        Event::PredictClv {
            penalizer,
            model: purchase_model,
            holdout_days,
        } => {
            if model.dashboard.is_none() {
                return Vec::new();
            }
            let settings = ClvSettings {
                penalizer,
                model: purchase_model,
                holdout_days,
                ..ClvSettings::default()
            };
            let request = PageRequest::Session(SessionRequest::PredictClv(settings));
            model.start_run(request, Attachment::None, "Predicting lifetime value", None)
        }
        Event::Embed(settings) => model.long_session_request(
            SessionRequest::Embed(settings),
            "Mapping customers with t-SNE",
        ),
        Event::TrainClassifier(settings) => model.long_session_request(
            SessionRequest::TrainClassifier(settings),
            "Training the random forest (cross-validated)",
        ),
        Event::QueryTable(query) => {
            model.table_query = query.clone();
            model.ask(SessionRequest::CustomerPage(query))
        }
        Event::Hover(None) => {
            model.hover = None;
            Vec::new()
        }
        Event::Hover(Some(index)) => {
            if model.hover.as_ref().is_some_and(|(i, _)| *i == index) {
                return Vec::new();
            }
            model.hover = Some((index, String::new()));
            model.ask(SessionRequest::Customer { index })
        }
        Event::Export(kind) => model.ask(SessionRequest::Export(kind)),
        Event::Cancel => match model.progress.is_some() {
            true => model.cancel(),
            false => Vec::new(),
        },
        Event::DismissError => {
            model.error = None;
            Vec::new()
        }
        Event::Failed(message) => {
            model.error = Some(message);
            Vec::new()
        }
        Event::IdleTimeout { runs } => {
            let idle = runs == model.runs && model.progress.is_none() && !model.handing_over;
            if !idle || model.dashboard.is_none() {
                return Vec::new();
            }
            model.handing_over = true;
            vec![model.send(PageRequest::Snapshot, Attachment::None)]
        }
        Event::Worker(WorkerMessage { id, event }) => on_worker_event(id, event, model),
        Event::WorkerStopped(detail) => model.worker_stopped(&detail),
    }
}

fn on_worker_event(id: u64, event: WorkerEvent, model: &mut Model) -> Vec<Effect> {
    match event {
        WorkerEvent::Ready => {
            model.worker_ready = true;
            Vec::new()
        }
        WorkerEvent::Progress {
            stage,
            fraction,
            bytes_done,
            bytes_total,
        } => {
            if let Some(p) = &mut model.progress {
                p.stage = stage;
                p.fraction = fraction;
                p.bytes_done = bytes_done;
                p.bytes_total = bytes_total;
            }
            Vec::new()
        }
        WorkerEvent::Sniffed(report) => {
            if !model.is_run(id) {
                return Vec::new();
            }
            model.end_run();
            // Later edits start from what was detected.
            model.ingest_settings.mapping = Some(report.mapping.clone());
            model.fit_defaults_to(FileDefaults::for_mapping(&report.mapping));
            model.settings_version += 1;
            model.sniffed = Some(Arc::from(report));
            Vec::new()
        }
        WorkerEvent::RfmTableDetected => {
            if !model.is_run(id) {
                return Vec::new();
            }
            // Still the same run for the user: the snapshot taken for it stays.
            model.progress = None;
            model.run_id = None;
            model.analyse()
        }
        WorkerEvent::Finished(dashboard) => {
            if !model.is_run(id) {
                return Vec::new();
            }
            model.end_run();
            let memory = dashboard.stats.worker_memory_bytes;
            model.sniffed = None;
            model.clv = None;
            model.classifier = None;
            model.comparison = None;
            model.rules = None;
            model.table_page = None;
            model.recency_monetary = None;
            model.pca = None;
            model.tsne = None;
            model.migration = None;
            model.migration_as_of = None;
            model.hover = None;
            model.table_query = TableQuery::default();
            model.runs += 1;
            model.dashboard = Some(Arc::from(dashboard));
            let mut effects = model.follow_ups();
            if memory > model.recycle_above_bytes {
                effects.push(Effect::RecycleWhenIdle {
                    runs: model.runs,
                    after_ms: model.recycle_after_ms,
                });
            }
            effects
        }
        WorkerEvent::Session(reply) => on_session_reply(id, reply, model),
        WorkerEvent::Applied(applied) => {
            if model.is_run(id) {
                model.end_run();
            }
            model.applied = Some(Arc::from(applied));
            Vec::new()
        }
        WorkerEvent::Snapshot(bytes) => {
            model.awaiting_snapshot = false;
            if model.handing_over {
                model.handing_over = false;
                let replay = std::mem::take(&mut model.replay);
                let mut effects = vec![
                    Effect::ReplaceWorker,
                    model.send(PageRequest::Restore(bytes), Attachment::None),
                ];
                for request in replay {
                    effects.push(model.send(PageRequest::Session(request), Attachment::None));
                }
                return effects;
            }
            if model.progress.is_some() {
                model.snapshot = Some(Arc::new(bytes));
            } else {
                // The run ended before its snapshot came: nothing to keep.
                model.replay.clear();
            }
            Vec::new()
        }
        WorkerEvent::Restored | WorkerEvent::WarmedUp => Vec::new(),
        WorkerEvent::Failed { message } => {
            if model.is_run(id) {
                model.end_run();
            }
            model.error = Some(message);
            Vec::new()
        }
    }
}

fn on_session_reply(id: u64, reply: SessionReply, model: &mut Model) -> Vec<Effect> {
    if model.is_run(id) {
        model.end_run();
    }
    match reply {
        SessionReply::Dashboard(dashboard) => {
            model.dashboard = Some(Arc::from(dashboard));
            model.rules = None;
            // Trained for the clustering that was in use (the session drops it too).
            model.classifier = None;
            model.follow_ups()
        }
        SessionReply::Comparison(comparison) => {
            model.comparison = Some(Arc::from(comparison));
            Vec::new()
        }
        SessionReply::Rules(rules) => {
            if rules.depth == model.rules_depth {
                model.rules = Some(Arc::from(rules));
            }
            Vec::new()
        }
        SessionReply::Classifier(view) => {
            model.classifier = Some(Arc::from(view));
            Vec::new()
        }
        SessionReply::Clv(clv) => {
            model.clv = Some(Arc::from(clv));
            Vec::new()
        }
        SessionReply::CustomerPage(page) => {
            // A page for a query typed over since is dropped.
            if page.query.search == model.table_query.search
                && page.query.sort == model.table_query.sort
                && page.query.descending == model.table_query.descending
                && page.query.page == model.table_query.page
            {
                model.table_page = Some(Arc::from(page));
            }
            Vec::new()
        }
        SessionReply::Scatter(plot) => {
            let slot = match plot.view {
                ScatterView::RecencyMonetary => &mut model.recency_monetary,
                ScatterView::Pca => &mut model.pca,
                ScatterView::Tsne => &mut model.tsne,
            };
            *slot = Some(Arc::from(plot));
            Vec::new()
        }
        SessionReply::Customer { index, text } => {
            if let Some((hovered, shown)) = &mut model.hover {
                if *hovered == index {
                    *shown = text;
                }
            }
            Vec::new()
        }
        SessionReply::Download(download) => vec![Effect::Download(*download)],
        SessionReply::Migration(view) => {
            // An answer for a date asked for before the last one is dropped.
            if model.migration_as_of == Some(view.as_of) {
                model.migration = Some(Arc::from(view));
            }
            Vec::new()
        }
    }
}
