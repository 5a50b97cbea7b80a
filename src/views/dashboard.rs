//! The dashboard's view model: everything the results sections show after a
//! run, per segment and per cluster (never per customer), so it is small to
//! send to the page whatever the file's size. Per-customer views (the table's
//! pages, the scatter plots) are requested separately.

use super::chart_inputs::{self as inputs, ScatterView};
use super::explore::ExploreView;
use super::format::{percent, thousands};
use super::model_trust::ModelTrust;
use crate::charts::{
    BarsInput, BinnedHistogram, CohortHeatmapInput, KSweepInput, MonthlyRevenueInput,
    RfHeatmapInput, ScatterLabels, ScatterPoint, SnakeInput,
};
use crate::engine::classify::{ClassifierSettings, CrossValidation, Metrics};
use crate::engine::clean::CleaningReport;
use crate::engine::clustering::{
    sample_indices, ClusteringMethod, ClusteringMethodSettings, MethodFit,
};
use crate::engine::clv::{diagnose, ClvParams, ClvReport, ClvSettings, Diagnosis};
use crate::engine::embedding::{Embedding, TRUST_NEIGHBOURS};
use crate::engine::explain::{Explanation, Rule};
use crate::engine::ingest::DetectedFormat;
use crate::engine::ledger::MonthlyRevenue;
use crate::engine::pipeline::{Analysis, AnalysisSettings, Overview};
use crate::engine::profile::ClusterProfile;
use crate::engine::rfm_import::RfmColumns;
use crate::engine::segments::SegmentSummary;
use serde::{Deserialize, Serialize};

/// What a run read: transactions (cleaned into a ledger) or an RFM table.
// One per run, so the variants' size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    Transactions {
        format: DetectedFormat,
        report: CleaningReport,
        /// For a file without order ids: what a purchase and a duplicate
        /// are taken to be, and how to change it.
        without_order_ids: Option<String>,
    },
    RfmTable {
        rows: usize,
        delimiter: u8,
        decimal_comma: bool,
        columns: RfmColumns,
        /// Where the reference date came from, in words.
        reference_from: String,
    },
}

impl DataSource {
    pub fn is_rfm_table(&self) -> bool {
        matches!(self, Self::RfmTable { .. })
    }
}

/// How the run went: time spent and how many workers shared it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Milliseconds spent reading + cleaning, and analysing.
    pub ingest_ms: f64,
    pub analysis_ms: f64,
    /// Workers that shared reading and the k sweep: 2 with the helper, 1 without.
    pub ingest_workers: u8,
    pub sweep_workers: u8,
    /// Size of the worker's WebAssembly memory after the run (it never
    /// shrinks, so this is the run's peak).
    pub worker_memory_bytes: f64,
}

/// What the session knows about the run besides the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub file_name: String,
    /// How the text was unwrapped from the file ("sheet Orders of the
    /// workbook"); empty for a plain text file.
    #[serde(default)]
    pub read_from: String,
    pub source: DataSource,
    /// Empty for an imported RFM table.
    pub monthly: Vec<MonthlyRevenue>,
    pub stats: RunStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub file_name: String,
    pub read_from: String,
    pub source: DataSource,
    pub stats: RunStats,
    pub overview: Overview,
    /// The settings the analysis ran with (the segment grid as edited).
    pub settings: AnalysisSettings,
    pub segments: SegmentsView,
    pub clusters: ClustersView,
    pub distributions: DistributionsView,
    /// The file explored (countries, products, orders, months); `None` for
    /// an imported RFM table.
    #[serde(default)]
    pub explore: Option<ExploreView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentsView {
    pub score_bins: u8,
    pub warnings: Vec<String>,
    pub summaries: Vec<SegmentSummary>,
    pub rf_heatmap: RfHeatmapInput,
    pub sizes: BarsInput,
    pub revenue: BarsInput,
}

/// One k of the sweep, as the chooser and its table show it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub k: usize,
    pub silhouette: f64,
    pub inertia: f64,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClustersView {
    pub method: ClusteringMethod,
    /// "Clusters (k-means, k = 4)".
    pub title: String,
    pub chosen_k: usize,
    pub recommended_k: usize,
    pub recommendation: String,
    pub sweep: Vec<SweepRow>,
    /// The alternative method in use, with its settings as run.
    pub alternative: Option<ClusteringMethodSettings>,
    /// What the alternative method did, in words; `None` for k-means.
    pub in_use: Option<String>,
    pub customers: usize,
    pub profiles: Vec<ClusterProfile>,
    pub k_sweep: KSweepInput,
    pub snake: SnakeInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionsView {
    /// Recency, frequency and monetary: each binned on a linear and a log axis.
    pub histograms: Vec<FeatureHistograms>,
    pub monthly: MonthlyRevenueInput,
    /// `None` for an imported RFM table (no transactions).
    pub cohorts: Option<CohortHeatmapInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureHistograms {
    pub title: String,
    pub file_name: String,
    pub linear: BinnedHistogram,
    pub log: BinnedHistogram,
}

impl Dashboard {
    pub fn build(analysis: &Analysis, run: &RunInfo) -> Self {
        Self {
            file_name: run.file_name.clone(),
            read_from: run.read_from.clone(),
            source: run.source.clone(),
            stats: run.stats,
            overview: analysis.overview.clone(),
            settings: analysis.settings.clone(),
            segments: SegmentsView {
                score_bins: analysis.scores.bins,
                warnings: analysis.scores.warnings.clone(),
                summaries: analysis.segment_summaries.clone(),
                rf_heatmap: inputs::rf_heatmap(analysis),
                sizes: inputs::segment_sizes(analysis),
                revenue: inputs::segment_revenue(analysis),
            },
            clusters: ClustersView::build(analysis),
            distributions: DistributionsView {
                histograms: FEATURES
                    .iter()
                    .enumerate()
                    .map(|(feature, (title, file_name))| FeatureHistograms {
                        title: (*title).into(),
                        file_name: (*file_name).into(),
                        linear: inputs::distribution(analysis, feature, false).binned(),
                        log: inputs::distribution(analysis, feature, true).binned(),
                    })
                    .collect(),
                monthly: inputs::monthly_revenue(&run.monthly),
                cohorts: inputs::cohort_heatmap(analysis),
            },
            explore: analysis.exploration.as_ref().map(ExploreView::build),
        }
    }
}

const FEATURES: [(&str, &str); 3] = [
    ("Recency", "recency-histogram.png"),
    ("Frequency", "frequency-histogram.png"),
    ("Monetary", "monetary-histogram.png"),
];

impl ClustersView {
    fn build(analysis: &Analysis) -> Self {
        let title = match &analysis.alternative {
            None => format!("Clusters (k-means, k = {})", analysis.chosen_k),
            Some(fit) => format!(
                "Clusters ({}, {} clusters)",
                fit.settings.method().name(),
                fit.clustering.k
            ),
        };
        Self {
            method: analysis.method(),
            title,
            chosen_k: analysis.chosen_k,
            recommended_k: analysis.recommendation.k,
            recommendation: analysis.recommendation.reason.clone(),
            sweep: analysis
                .sweep
                .iter()
                .map(|c| SweepRow {
                    k: c.k,
                    silhouette: c.silhouette,
                    inertia: c.inertia,
                    calinski_harabasz: c.calinski_harabasz,
                    davies_bouldin: c.davies_bouldin,
                })
                .collect(),
            alternative: analysis.alternative.as_ref().map(|f| f.settings.clone()),
            in_use: analysis
                .alternative
                .as_ref()
                .map(|fit| in_use(fit, analysis.features.len())),
            customers: analysis.rfm.rows.len(),
            profiles: analysis.profiles.clone(),
            k_sweep: inputs::k_sweep(analysis),
            snake: inputs::snake(analysis),
        }
    }
}

/// "Using DBSCAN (3 clusters, eps 0.310, min points 5, 4.1% noise). …".
fn in_use(fit: &MethodFit, customers: usize) -> String {
    let mut text = format!(
        "Using {} ({} clusters",
        fit.settings.method().name(),
        fit.clustering
            .k
            .saturating_sub(usize::from(fit.noise_cluster.is_some()))
    );
    if let ClusteringMethodSettings::Dbscan(d) = &fit.settings {
        if let Some(eps) = d.eps {
            text.push_str(&format!(", eps {eps:.3}, min points {}", d.min_points));
        }
        text.push_str(&format!(", {} noise", percent(fit.noise_share)));
    }
    if fit.fitted_on < customers {
        text.push_str(&format!(
            "; fitted on a seeded sample of {} of {} customers, the rest assigned",
            thousands(fit.fitted_on as u64),
            thousands(customers as u64)
        ));
    }
    text.push_str(
        "). Profiles, charts and downloads follow it; pick a k above to return to k-means.",
    );
    text
}

/// Customers a scatter draws at most: more are a seeded sample of this
/// many (see [`drawn_sample`]). The page decodes, draws and indexes every
/// point it gets in one task; a million customers' two scatters blocked it
/// for over a second, while this many look the same at a chart's size.
pub const SCATTER_POINTS: usize = 50_000;

/// A scatter of the customers (up to [`SCATTER_POINTS`], else a sample),
/// coloured by the clustering in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScatterPlot {
    pub view: ScatterView,
    pub points: Vec<ScatterPoint>,
    pub labels: ScatterLabels,
    /// Each point's row in the customer table when the plot shows a sample
    /// (the t-SNE map, many customers); empty when point i is customer i.
    pub rows: Vec<usize>,
    /// What the plot is, in words (a sample, the t-SNE map's quality).
    pub note: String,
}

impl ScatterPlot {
    pub fn build(analysis: &Analysis, view: ScatterView) -> Self {
        let (points, (x_label, y_label)) = inputs::scatter(analysis, view);
        let legend = analysis
            .profiles
            .iter()
            .map(|p| (p.cluster, p.name.clone()))
            .collect();
        let customers = points.len();
        let (points, rows) = drawn_sample(points, SCATTER_POINTS, analysis.settings.kmeans.seed);
        let note = match rows.is_empty() {
            true => String::new(),
            false => format!(
                "Drawn: a seeded sample of {} of the {} customers, and the outermost on each axis.",
                thousands(SCATTER_POINTS as u64),
                thousands(customers as u64)
            ),
        };
        Self {
            view,
            points,
            labels: ScatterLabels {
                x_label,
                y_label,
                legend,
            },
            rows,
            note,
        }
    }

    /// The t-SNE map coloured by the clustering in use.
    pub fn of_embedding(analysis: &Analysis, map: &Embedding, seconds: f64) -> Self {
        let mut plot = Self::build(analysis, ScatterView::Tsne);
        plot.points = map
            .customers
            .iter()
            .zip(&map.points)
            .map(|(&row, p)| (p[0], p[1], analysis.cluster_of(row)))
            .collect();
        plot.rows = map.customers.clone();
        plot.note = embedding_note(map, seconds);
        plot
    }

    /// The customer-table row of point `index`.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        match self.rows.is_empty() {
            true => (index < self.points.len()).then_some(index),
            false => self.rows.get(index).copied(),
        }
    }
}

/// `points` when there are at most `limit`, else a seeded sample of `limit`
/// of them plus the lowest and highest on each axis (so the axes span
/// everyone), in customer order; with the customer (row) of each point
/// (empty when not sampled).
pub fn drawn_sample(
    points: Vec<ScatterPoint>,
    limit: usize,
    seed: u64,
) -> (Vec<ScatterPoint>, Vec<usize>) {
    if points.len() <= limit {
        return (points, Vec::new());
    }
    let mut rows = sample_indices(points.len(), limit, seed);
    let extreme = |coordinate: fn(&ScatterPoint) -> f64, lowest: bool| {
        let order = |a: &(usize, &ScatterPoint), b: &(usize, &ScatterPoint)| {
            coordinate(a.1).total_cmp(&coordinate(b.1))
        };
        match lowest {
            true => points.iter().enumerate().min_by(order),
            false => points.iter().enumerate().max_by(order),
        }
        .map(|(row, _)| row)
    };
    let x: fn(&ScatterPoint) -> f64 = |p| p.0;
    let y: fn(&ScatterPoint) -> f64 = |p| p.1;
    rows.extend(
        [(x, true), (x, false), (y, true), (y, false)]
            .into_iter()
            .filter_map(|(coordinate, lowest)| extreme(coordinate, lowest)),
    );
    rows.sort_unstable();
    rows.dedup();
    let drawn = rows
        .iter()
        .filter_map(|&row| points.get(row).copied())
        .collect();
    (drawn, rows)
}

fn embedding_note(map: &Embedding, seconds: f64) -> String {
    let sample = match map.customers.len() < map.out_of {
        true => format!(
            "A seeded sample of {} of the {} customers",
            thousands(map.customers.len() as u64),
            thousands(map.out_of as u64)
        ),
        false => format!("All {} customers", thousands(map.out_of as u64)),
    };
    let trust = map
        .trustworthiness
        .map(|t| format!("; trustworthiness {t:.3} at {TRUST_NEIGHBOURS} neighbours"))
        .unwrap_or_default();
    format!(
        "{sample}, perplexity {:.0}, {} iterations (seed {}), in {seconds:.1} s. KL divergence {:.3}{trust}. \
         Distances between groups on a t-SNE map carry little meaning: read it for which customers sit together.",
        map.perplexity, map.settings.iterations, map.settings.seed, map.kl_divergence
    )
}

/// The random forest's cross-validated scores, per cluster and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierView {
    pub metrics: Metrics,
    pub fold_accuracy: Vec<f64>,
    /// Cluster names, by cluster number.
    pub names: Vec<String>,
    /// Customers it was cross-validated and fitted on (a seeded sample of
    /// larger files) and of how many.
    pub customers: usize,
    pub out_of: usize,
    pub settings: ClassifierSettings,
    pub seconds: f64,
}

impl ClassifierView {
    pub fn of(
        analysis: &Analysis,
        cv: &CrossValidation,
        settings: ClassifierSettings,
        seconds: f64,
    ) -> Self {
        Self {
            metrics: cv.metrics.clone(),
            fold_accuracy: cv.fold_accuracy.clone(),
            names: analysis.cluster_names(),
            customers: cv.customers,
            out_of: analysis.rfm.rows.len(),
            settings,
            seconds,
        }
    }
}

/// The decision-tree rules at one depth, or why there are none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesView {
    pub depth: usize,
    pub outcome: Result<RulesFound, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesFound {
    pub rules: Vec<Rule>,
    pub train_accuracy: f64,
    pub holdout_accuracy: Option<f64>,
    pub holdout_customers: usize,
}

impl RulesFound {
    pub fn of(found: &Explanation) -> Self {
        Self {
            rules: found.rules.clone(),
            train_accuracy: found.train_accuracy,
            holdout_accuracy: found.holdout_accuracy,
            holdout_customers: found.holdout_customers,
        }
    }
}

/// Churn candidates listed on the page; the predictions CSV has everyone.
pub const CHURN_ROWS: usize = 25;

/// Lifetime value and churn, as the predictions section shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvView {
    pub settings: ClvSettings,
    pub params: ClvParams,
    pub customers: usize,
    pub repeat_buyers: usize,
    /// Repeat buyers whose mean repeat purchase was not positive, left out of Gamma-Gamma.
    pub spend_left_out: usize,
    pub total_clv: f64,
    pub expected_purchases: f64,
    pub likely_to_churn: usize,
    pub value_at_risk: f64,
    /// The first [`CHURN_ROWS`] customers likely to churn, most value at risk first.
    pub churn: Vec<ChurnRow>,
    /// A fit not to take at face value, in words (a dropout near zero: no churn count).
    pub diagnosis: Diagnosis,
    /// Both models compared, the holdout check, the diagnostic plots, the forecast.
    pub trust: ModelTrust,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnRow {
    pub customer_id: String,
    pub p_alive: f64,
    pub total_spent: f64,
    pub value_at_risk: f64,
    pub clv: f64,
}

impl ClvView {
    pub fn of(report: &ClvReport) -> Self {
        let all_churn = report.churn_list(usize::MAX);
        Self {
            diagnosis: diagnose(
                &report.params.purchase,
                report.customers.len(),
                report.repeat_buyers,
                report.settings.penalizer,
            ),
            trust: ModelTrust::of(report),
            settings: report.settings,
            params: report.params,
            customers: report.customers.len(),
            repeat_buyers: report.repeat_buyers,
            spend_left_out: report.spend_left_out,
            total_clv: report.total_clv(),
            expected_purchases: report.customers.iter().map(|c| c.expected_purchases).sum(),
            likely_to_churn: all_churn.len(),
            value_at_risk: all_churn.iter().map(|r| r.value_at_risk).sum(),
            churn: all_churn
                .into_iter()
                .take(CHURN_ROWS)
                .map(|r| ChurnRow {
                    clv: report.customers.get(r.index).map_or(0.0, |c| c.clv),
                    customer_id: r.customer_id,
                    p_alive: r.p_alive,
                    total_spent: r.total_spent,
                    value_at_risk: r.value_at_risk,
                })
                .collect(),
        }
    }
}

/// A saved model applied to a new file: what the page shows of it, and the
/// labelled customers as a CSV ready to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedModel {
    pub file_name: String,
    pub model_trained_on: String,
    /// How customers were labelled (nearest cluster centre or the model's rules).
    pub method: String,
    pub customers: usize,
    /// (cluster, name, customers), by cluster.
    pub clusters: Vec<(usize, String, usize)>,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub csv: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_points_are_drawn_as_they_are() {
        let points: Vec<ScatterPoint> = (0..10).map(|i| (i as f64, -(i as f64), i % 3)).collect();
        assert_eq!(drawn_sample(points.clone(), 10, 1), (points, Vec::new()));
    }

    #[test]
    fn many_points_are_a_seeded_sample_with_the_outermost() {
        // x rises with i except for a low outlier at 77; y peaks at 500
        // and is lowest at 999.
        let points: Vec<ScatterPoint> = (0..1000)
            .map(|i| {
                let x = if i == 77 { -50.0 } else { i as f64 };
                let y = if i == 500 { 1e6 } else { -(i as f64) };
                (x, y, i % 4)
            })
            .collect();
        let (drawn, rows) = drawn_sample(points.clone(), 100, 42);
        assert!((100..=104).contains(&drawn.len()), "{}", drawn.len());
        assert_eq!(rows.len(), drawn.len());
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "rows in customer order"
        );
        for (point, &row) in drawn.iter().zip(&rows) {
            assert_eq!(*point, points[row]);
        }
        // Lowest x (77), highest x (999), highest y (500), lowest y (999).
        for outermost in [77, 999, 500] {
            assert!(rows.contains(&outermost), "row {outermost} missing");
        }
        assert_eq!(drawn_sample(points, 100, 42).1, rows, "deterministic");
        // A sampled plot's point i is the customer of rows[i].
        let plot = ScatterPlot {
            view: ScatterView::Pca,
            points: drawn,
            labels: ScatterLabels {
                x_label: String::new(),
                y_label: String::new(),
                legend: Vec::new(),
            },
            rows: rows.clone(),
            note: String::new(),
        };
        assert_eq!(plot.row_of(3), Some(rows[3]));
        assert_eq!(plot.row_of(rows.len()), None);
    }
}
