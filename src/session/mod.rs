//! The analysis session the worker owns. After a run it holds the analysis
//! (RFM table, scores, features, sweep, clusterings) and the purchases per
//! customer (for lifetime value), and answers every request of the dashboard
//! from them: choosing k, editing the segment grid, the rules, another
//! method, the comparison, CLV, the customer table, the scatters, exports.
//! Pure: tested natively; [`Session::to_bytes`] hands it to another worker.

pub mod error;
pub mod run;

pub use error::WorkerError;

use crate::engine::classify::{ClassifierSettings, Forest};
use crate::engine::clustering::{
    fit_method, ClusteringMethodSettings, DbscanSettings, GmmSettings, MethodComparison,
};
use crate::engine::clv::{self, export::write_predictions_csv, ClvReport, ClvSettings};
use crate::engine::cut_points::Scoring;
use crate::engine::embedding::{embed, Embedding, EmbeddingSettings};
use crate::engine::explain::{Explanation, TreeSettings};
use crate::engine::export::PreviousSegments;
use crate::engine::ledger::Ledger;
use crate::engine::migration::{migrate, Migration};
use crate::engine::model_sql::{labelling_sql, SqlDialect};
use crate::engine::pipeline::Analysis;
use crate::engine::presets::SegmentScheme;
use crate::engine::segments::SegmentGrid;
use crate::views::chart_inputs::ScatterView;
use crate::views::customer_table::{self, CustomerPage, CustomerRow, TableQuery};
use crate::views::dashboard::{
    ClassifierView, ClvView, RulesFound, RulesView, RunInfo, ScatterPlot,
};
use crate::views::migration::{MigrationReply, MigrationView};
use crate::views::Dashboard;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Customers the rule tree learns from at most (a seeded sample of larger
/// files), so a k switch's rules come back quickly.
pub const RULES_TRAINING_CUSTOMERS: usize = 10_000;

/// A request against the held session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SessionRequest {
    /// Switch to another k of the sweep (and back to k-means).
    ChooseK(usize),
    /// Rename segments with an edited grid.
    SetGrid(Box<SegmentGrid>),
    /// Score and name segments with another scheme (the grid or a preset)
    /// and scoring (quantiles or cut points).
    SetSegmentation {
        scheme: SegmentScheme,
        scoring: Scoring,
    },
    /// The segments at an earlier date and the moves since (kept for the
    /// customers CSV's earlier-segment column).
    Migration {
        as_of: NaiveDate,
    },
    /// Cluster with a Gaussian mixture or DBSCAN (k-means: choose a k instead).
    UseMethod(ClusteringMethodSettings),
    /// k-means at the chosen k, a mixture and DBSCAN side by side.
    CompareMethods {
        gmm: GmmSettings,
        dbscan: DbscanSettings,
    },
    /// The decision-tree rules of the clustering in use, at this depth.
    Rules {
        depth: usize,
    },
    /// Lifetime value and churn from the held purchases.
    PredictClv(ClvSettings),
    /// One page of the customer table.
    CustomerPage(TableQuery),
    /// The scatter of every customer in one view.
    Scatter(ScatterView),
    /// The t-SNE map of a sample of the customers (kept for later recolouring).
    Embed(EmbeddingSettings),
    /// Cross-validate and fit a random forest that assigns the clusters in
    /// use from raw R, F, M (kept for the model JSON).
    TrainClassifier(ClassifierSettings),
    /// One customer, in words (the scatter's hover).
    Customer {
        index: usize,
    },
    Export(ExportKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Every customer with R, F, M, scores, segment and cluster.
    CustomersCsv,
    /// The reusable model (scaler, centroids, grid, rules): no customer data.
    ModelJson,
    /// Every customer's CLV and P(alive) (after a prediction).
    PredictionsCsv,
    /// The model as a query that labels an RFM table in a warehouse.
    LabellingSql(SqlDialect),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SessionReply {
    Dashboard(Box<Dashboard>),
    Comparison(Box<MethodComparison>),
    Rules(Box<RulesView>),
    Classifier(Box<ClassifierView>),
    Clv(Box<ClvView>),
    CustomerPage(Box<CustomerPage>),
    Scatter(Box<ScatterPlot>),
    Customer { index: usize, text: String },
    Download(Box<Download>),
    Migration(Box<MigrationReply>),
}

/// A file for the user to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Download {
    pub file_name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    run: RunInfo,
    analysis: Analysis,
    /// Purchases per customer, invoice ids dropped (see [`Session::compact`]);
    /// `None` for an imported RFM table.
    ledger: Option<Ledger>,
    /// The depth of the rules last shown, which the model JSON carries.
    rules_depth: usize,
    /// The last lifetime-value prediction, for its CSV.
    clv: Option<ClvReport>,
    /// The random forest of the clustering in use, once trained.
    classifier: Option<Forest>,
    /// The t-SNE map, once asked for, and the seconds it took.
    embedding: Option<(Embedding, f64)>,
    /// The segments at an earlier date, once asked for; recomputed when the
    /// segments change.
    migration: Option<Migration>,
    /// Rebuilt on demand after a change of k, grid or method.
    #[serde(skip)]
    table: Option<Vec<CustomerRow>>,
    #[serde(skip)]
    rules: Option<(usize, Result<Explanation, String>)>,
}

impl Session {
    pub fn new(run: RunInfo, analysis: Analysis, ledger: Option<Ledger>) -> Self {
        Self {
            run,
            analysis,
            ledger,
            rules_depth: TreeSettings::default().max_depth,
            clv: None,
            embedding: None,
            classifier: None,
            migration: None,
            table: None,
            rules: None,
        }
    }

    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Says how the file's text was unwrapped (see [`RunInfo::read_from`]).
    pub fn read_from(mut self, note: String) -> Self {
        self.run.read_from = note;
        self
    }

    pub fn dashboard(&self) -> Dashboard {
        Dashboard::build(&self.analysis, &self.run)
    }

    /// Keeps of the purchases only what lifetime value needs (dates and
    /// amounts): frees the invoice ids too long to be stored inline.
    pub fn compact(&mut self) {
        if let Some(ledger) = &mut self.ledger {
            for customer in &mut ledger.customers {
                for purchase in &mut customer.purchases {
                    purchase.invoice = compact_str::CompactString::default();
                }
                customer.purchases.shrink_to_fit();
            }
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, WorkerError> {
        postcard::to_allocvec(self).map_err(|e| WorkerError::BadSnapshot(e.to_string()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, WorkerError> {
        postcard::from_bytes(bytes).map_err(|e| WorkerError::BadSnapshot(e.to_string()))
    }

    pub fn handle(&mut self, request: SessionRequest) -> Result<SessionReply, WorkerError> {
        self.handle_with_progress(request, &mut |_, _| {}, &|| 0.0)
    }

    /// [`Self::handle`], telling `progress` how far long work is (a stage
    /// and a fraction); `clock` gives seconds, for the figures shown.
    pub fn handle_with_progress(
        &mut self,
        request: SessionRequest,
        progress: &mut dyn FnMut(&str, f64),
        clock: &dyn Fn() -> f64,
    ) -> Result<SessionReply, WorkerError> {
        match request {
            SessionRequest::Embed(settings) => {
                let started = clock();
                let stage = "Mapping customers with t-SNE";
                let map = embed(&self.analysis.features, &settings, &mut |f| {
                    progress(stage, f)
                })?;
                let seconds = clock() - started;
                let plot = ScatterPlot::of_embedding(&self.analysis, &map, seconds);
                self.embedding = Some((map, seconds));
                Ok(SessionReply::Scatter(Box::new(plot)))
            }
            SessionRequest::TrainClassifier(settings) => {
                let started = clock();
                let stage = "Training the random forest (cross-validated)";
                let (cv, forest) = self
                    .analysis
                    .classify(&settings, &mut |f| progress(stage, f))?;
                let view = ClassifierView::of(&self.analysis, &cv, settings, clock() - started);
                self.classifier = Some(forest);
                Ok(SessionReply::Classifier(Box::new(view)))
            }
            other => self.answer(other),
        }
    }

    fn answer(&mut self, request: SessionRequest) -> Result<SessionReply, WorkerError> {
        match request {
            long @ (SessionRequest::Embed(_) | SessionRequest::TrainClassifier(_)) => {
                self.handle(long)
            }
            SessionRequest::ChooseK(k) => {
                self.analysis.choose_k(k)?;
                self.changed();
                Ok(self.dashboard_reply())
            }
            SessionRequest::SetGrid(grid) => {
                self.analysis.set_grid(*grid);
                self.segments_changed();
                Ok(self.dashboard_reply())
            }
            SessionRequest::SetSegmentation { scheme, scoring } => {
                self.analysis.set_segmentation(scheme, scoring)?;
                self.segments_changed();
                Ok(self.dashboard_reply())
            }
            SessionRequest::Migration { as_of } => {
                // A date that does not work is said next to the date, not as a failure.
                let outcome = self.migrate(as_of).map_err(|e| e.to_string());
                Ok(SessionReply::Migration(Box::new(MigrationReply {
                    as_of,
                    outcome,
                })))
            }
            SessionRequest::UseMethod(settings) => {
                if settings == ClusteringMethodSettings::KMeans {
                    let k = self.analysis.chosen_k;
                    return self.handle(SessionRequest::ChooseK(k));
                }
                let fit = fit_method(&self.analysis.features, &settings)?
                    .ok_or(WorkerError::KMeansIsTheSweep)?;
                self.analysis.use_fit(Some(fit))?;
                self.changed();
                Ok(self.dashboard_reply())
            }
            SessionRequest::CompareMethods { gmm, dbscan } => Ok(SessionReply::Comparison(
                Box::new(self.analysis.compare_methods(&gmm, &dbscan)),
            )),
            SessionRequest::Rules { depth } => {
                let outcome = self.rules(depth).map(RulesFound::of);
                Ok(SessionReply::Rules(Box::new(RulesView { depth, outcome })))
            }
            SessionRequest::PredictClv(settings) => {
                let ledger = self.ledger.as_ref().ok_or(WorkerError::NoTransactions)?;
                let report = clv::predict(ledger, self.analysis.rfm.reference_date, &settings)?;
                let view = ClvView::of(&report);
                self.clv = Some(report);
                Ok(SessionReply::Clv(Box::new(view)))
            }
            SessionRequest::CustomerPage(query) => {
                let rows = self.table();
                Ok(SessionReply::CustomerPage(Box::new(
                    customer_table::page_of(rows, query),
                )))
            }
            SessionRequest::Scatter(ScatterView::Tsne) => {
                let plot = match &self.embedding {
                    Some((map, seconds)) => {
                        ScatterPlot::of_embedding(&self.analysis, map, *seconds)
                    }
                    None => ScatterPlot::build(&self.analysis, ScatterView::Tsne),
                };
                Ok(SessionReply::Scatter(Box::new(plot)))
            }
            SessionRequest::Scatter(view) => Ok(SessionReply::Scatter(Box::new(
                ScatterPlot::build(&self.analysis, view),
            ))),
            SessionRequest::Customer { index } => Ok(SessionReply::Customer {
                index,
                text: customer_table::describe(&self.analysis, index).unwrap_or_default(),
            }),
            SessionRequest::Export(kind) => {
                Ok(SessionReply::Download(Box::new(self.export(kind)?)))
            }
        }
    }

    fn dashboard_reply(&self) -> SessionReply {
        SessionReply::Dashboard(Box::new(self.dashboard()))
    }

    /// The segments at `as_of`, kept for the customers CSV (none kept on error).
    fn migrate(&mut self, as_of: NaiveDate) -> Result<MigrationView, WorkerError> {
        self.migration = None;
        let ledger = self
            .ledger
            .as_ref()
            .ok_or(WorkerError::MigrationNeedsTransactions)?;
        let migration = migrate(ledger, &self.analysis, as_of)?;
        let view = MigrationView::of(&migration, &self.analysis);
        self.migration = Some(migration);
        Ok(view)
    }

    /// The segments changed: the earlier segments are named again the same
    /// way (or dropped if that is no longer possible), then as [`Self::changed`].
    fn segments_changed(&mut self) {
        let as_of = self.migration.as_ref().map(|m| m.as_of);
        self.migration = match (&self.ledger, as_of) {
            (Some(ledger), Some(as_of)) => migrate(ledger, &self.analysis, as_of).ok(),
            _ => None,
        };
        self.changed();
    }

    /// The clustering or the segments changed: what was built from them goes.
    fn changed(&mut self) {
        self.table = None;
        self.rules = None;
        self.classifier = None;
    }

    fn table(&mut self) -> &[CustomerRow] {
        let analysis = &self.analysis;
        self.table
            .get_or_insert_with(|| customer_table::rows_of(analysis))
    }

    fn rules(&mut self, depth: usize) -> Result<&Explanation, String> {
        self.rules_depth = depth;
        if !matches!(&self.rules, Some((d, _)) if *d == depth) {
            let found = self.explain(depth);
            self.rules = Some((depth, found));
        }
        match &self.rules {
            Some((_, Ok(found))) => Ok(found),
            Some((_, Err(message))) => Err(message.clone()),
            None => Err("there are no rules yet".into()),
        }
    }

    fn explain(&self, depth: usize) -> Result<Explanation, String> {
        let settings = TreeSettings {
            max_depth: depth,
            max_training_customers: RULES_TRAINING_CUSTOMERS,
            ..TreeSettings::default()
        };
        self.analysis.explain(&settings).map_err(|e| e.to_string())
    }

    fn export(&mut self, kind: ExportKind) -> Result<Download, WorkerError> {
        let stem = file_stem(&self.run.file_name).to_string();
        match kind {
            ExportKind::CustomersCsv => Ok(Download {
                file_name: format!("{stem}-segments.csv"),
                mime: "text/csv".into(),
                bytes: self
                    .analysis
                    .customers_csv_with(self.migration.as_ref().map(|m| PreviousSegments {
                        as_of: m.as_of,
                        names: &m.previous,
                    })),
            }),
            ExportKind::ModelJson => {
                let depth = self.rules_depth;
                let tree = self.rules(depth).ok().map(|found| found.tree.clone());
                let model = self.analysis.model().ok_or(WorkerError::NoSession)?;
                let model = match tree {
                    Some(tree) => model.with_rules(tree),
                    None => model,
                };
                let model = match self.classifier.clone() {
                    Some(forest) => model.with_classifier(forest),
                    None => model,
                };
                Ok(Download {
                    file_name: format!("{stem}-model.json"),
                    mime: "application/json".into(),
                    bytes: model.to_json().into_bytes(),
                })
            }
            ExportKind::LabellingSql(dialect) => {
                let model = self.analysis.model().ok_or(WorkerError::NoSession)?;
                Ok(Download {
                    file_name: format!("{stem}-labelling-{}.sql", dialect.slug()),
                    mime: "application/sql".into(),
                    bytes: labelling_sql(&model, dialect).into_bytes(),
                })
            }
            ExportKind::PredictionsCsv => {
                let report = self.clv.as_ref().ok_or(WorkerError::NotPredicted)?;
                let mut bytes = Vec::new();
                // Writing to a Vec cannot fail.
                let _ = write_predictions_csv(&mut bytes, report);
                Ok(Download {
                    file_name: format!("{stem}-clv.csv"),
                    mime: "text/csv".into(),
                    bytes,
                })
            }
        }
    }
}

/// "online-retail.csv" → "online-retail".
pub fn file_stem(file_name: &str) -> &str {
    file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
}

impl SessionRequest {
    /// Work long enough to show progress and offer Cancel.
    pub fn is_long(&self) -> bool {
        matches!(
            self,
            Self::UseMethod(_)
                | Self::CompareMethods { .. }
                | Self::PredictClv(_)
                | Self::Embed(_)
                | Self::TrainClassifier(_)
        )
    }
}
