//! The whole analysis from a ledger, as the studio runs it.

use super::classify::{self, ClassifierSettings, ClassifyError, CrossValidation, Forest};
use super::clustering::{
    self, BusinessRange, Clustering, ClusteringMethod, ClusteringMethodSettings, DbscanSettings,
    GmmSettings, KMeansSettings, MethodComparison, MethodError, MethodFit, Point, Recommendation,
};
use super::cohorts::{self, CohortTable};
use super::cut_points::Scoring;
use super::error::AnalysisError;
use super::explain::{self, ExplainError, Explanation, TreeSettings};
use super::explore::Exploration;
use super::export::{self, ExportColumns};
use super::features::{raw_features, Scaler};
use super::ledger::Ledger;
use super::model::{ModelParts, SegmentationModel, TrainingSummary};
use super::presets::SegmentScheme;
use super::profile::{self, ClusterProfile, Playbook};
use super::rfm::{self, median, RfmSettings, RfmTable};
use super::score::{self, RfmScores};
use super::segments::{SegmentGrid, SegmentSummary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisSettings {
    pub rfm: RfmSettings,
    /// The score scale of the grid (a preset has its own, see [`Self::bins`]).
    pub score_bins: u8,
    pub grid: SegmentGrid,
    /// The grid, or a preset's named groups.
    #[serde(default)]
    pub scheme: SegmentScheme,
    /// Quantile scores, or scores from cut points.
    #[serde(default)]
    pub scoring: Scoring,
    pub kmeans: KMeansSettings,
    pub k_min: usize,
    pub k_max: usize,
    /// The ks the recommendation chooses from.
    pub recommend_range: BusinessRange,
    /// `None`: use the recommended k.
    pub chosen_k: Option<usize>,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        Self {
            rfm: RfmSettings::default(),
            score_bins: 5,
            grid: SegmentGrid::default(),
            scheme: SegmentScheme::default(),
            scoring: Scoring::default(),
            kmeans: KMeansSettings::default(),
            k_min: 2,
            k_max: 10,
            recommend_range: BusinessRange::default(),
            chosen_k: None,
        }
    }
}

impl AnalysisSettings {
    /// The score scale in use: the preset's, else the grid's.
    pub fn bins(&self) -> u8 {
        self.scheme.bins().unwrap_or(self.score_bins)
    }

    /// How scores and segments are made, for the definitions line.
    pub fn describe_segments(&self) -> String {
        let scores = match &self.scoring {
            Scoring::Quantiles => format!(
                "scores 1–{} are quantiles of the customers analysed",
                self.bins()
            ),
            Scoring::CutPoints(cuts) => format!("{} (1–{})", cuts.describe(), self.bins()),
        };
        format!("{scores}; {}", self.scheme.describe())
    }
}

/// Headline figures for the overview cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub customers: usize,
    pub purchases: u64,
    pub revenue: f64,
    pub first_purchase: String,
    pub last_purchase: String,
    pub reference_date: String,
    pub median_recency: f64,
    pub median_frequency: f64,
    pub median_monetary: f64,
    /// The RFM definitions in one sentence.
    pub definitions: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub settings: AnalysisSettings,
    pub overview: Overview,
    pub rfm: RfmTable,
    pub scores: RfmScores,
    /// Segment name per customer (table order).
    pub segments: Vec<String>,
    pub segment_summaries: Vec<SegmentSummary>,
    pub scaler: Scaler,
    /// Standardised features per customer.
    pub features: Vec<Point>,
    pub sweep: Vec<Clustering>,
    pub recommendation: Recommendation,
    pub chosen_k: usize,
    pub profiles: Vec<ClusterProfile>,
    /// Monthly cohort retention; `None` for an imported RFM table (no
    /// transactions) and for analyses saved before cohorts existed.
    #[serde(default)]
    pub cohorts: Option<CohortTable>,
    /// A Gaussian mixture or DBSCAN used instead of k-means at `chosen_k`;
    /// profiles, exports and the model follow it. `None`: k-means.
    #[serde(default)]
    pub alternative: Option<MethodFit>,
    /// The file explored (by country, products, orders, months): ingest's
    /// [`crate::engine::ingest::IngestOutcome::exploration`], set with
    /// [`Analysis::with_exploration`]; `None` for an imported RFM table (no
    /// transactions) and for analyses saved before exploration existed.
    #[serde(default)]
    pub exploration: Option<Exploration>,
}

/// The name DBSCAN's noise cluster gets in profiles, exports and the model.
pub const NOISE_CLUSTER_NAME: &str = "Unusual customers (noise)";

/// Progress of the analysis: fraction done in 0..=1 and what is happening.
pub type Progress<'a> = &'a mut dyn FnMut(&str, f64);

pub fn analyze(
    ledger: &Ledger,
    settings: &AnalysisSettings,
    progress: Progress,
) -> Result<Analysis, AnalysisError> {
    progress("Computing RFM", 0.0);
    prepare(ledger, settings)?.sweep_and_finish(progress)
}

/// Everything of [`analyze`] before the k sweep: RFM, scores, segments,
/// features and cohorts. The sweep can then run here or be shared between
/// workers, and [`Prepared::finish`] completes the analysis.
pub fn prepare(ledger: &Ledger, settings: &AnalysisSettings) -> Result<Prepared, AnalysisError> {
    let table = rfm::compute(ledger, &settings.rfm)?;
    let (first, last) = ledger.date_range().ok_or(AnalysisError::NoCustomers)?;
    let span = PurchaseSpan {
        first: first.date(),
        last: last.date(),
        definitions: if table.net_of_returns {
            format!(
                "{}; {}",
                settings.rfm.describe(table.reference_date),
                rfm::NET_OF_RETURNS
            )
        } else {
            settings.rfm.describe(table.reference_date)
        },
    };
    let mut prepared = Prepared::new(table, settings.clone(), span)?;
    prepared.cohorts = Some(cohorts::compute(ledger));
    Ok(prepared)
}

/// The analysis of an imported RFM table (see [`super::rfm_import`]): the
/// same scores, segments and clusters as [`analyze`], without transactions.
/// The table's own definitions replace `settings.rfm`.
pub fn analyze_table(
    table: RfmTable,
    settings: &AnalysisSettings,
    progress: Progress,
) -> Result<Analysis, AnalysisError> {
    progress("Reading the RFM table", 0.0);
    prepare_table(table, settings)?.sweep_and_finish(progress)
}

/// [`prepare`] for an imported RFM table.
pub fn prepare_table(
    table: RfmTable,
    settings: &AnalysisSettings,
) -> Result<Prepared, AnalysisError> {
    let recency = |pick: fn(i64, i64) -> i64| {
        table
            .rows
            .iter()
            .map(|r| r.recency_days)
            .reduce(pick)
            .ok_or(AnalysisError::NoCustomers)
    };
    // The oldest recency is the first purchase, the smallest the last.
    let days_before_reference = |days: i64| {
        table
            .reference_date
            .checked_sub_signed(chrono::TimeDelta::days(days))
            .unwrap_or(table.reference_date)
    };
    let span = PurchaseSpan {
        first: days_before_reference(recency(i64::max)?),
        last: days_before_reference(recency(i64::min)?),
        definitions: format!(
            "imported RFM table; {}{}",
            table.settings.describe_imported(table.reference_date),
            if table.net_of_returns {
                format!(" ({})", rfm::NET_OF_RETURNS)
            } else {
                String::new()
            }
        ),
    };
    let settings = AnalysisSettings {
        rfm: table.settings,
        ..settings.clone()
    };
    Prepared::new(table, settings, span)
}

/// What the overview says about purchases besides the RFM table.
struct PurchaseSpan {
    first: NaiveDate,
    last: NaiveDate,
    definitions: String,
}

/// An analysis before its k sweep (see [`prepare`]).
pub struct Prepared {
    table: RfmTable,
    settings: AnalysisSettings,
    span: PurchaseSpan,
    scores: RfmScores,
    segment_names: Vec<String>,
    segment_summaries: Vec<SegmentSummary>,
    scaler: Scaler,
    features: Vec<Point>,
    cohorts: Option<CohortTable>,
}

impl Prepared {
    /// Scores, segments and standardised features: shared by both entry points.
    fn new(
        table: RfmTable,
        settings: AnalysisSettings,
        span: PurchaseSpan,
    ) -> Result<Prepared, AnalysisError> {
        let scores = score::score_with(&table, settings.bins(), &settings.scoring)?;
        let (segment_names, segment_summaries) =
            settings.scheme.assign(&table, &scores, &settings.grid);
        let raw: Vec<Point> = table.rows.iter().map(raw_features).collect();
        let scaler = Scaler::fit(&raw);
        let features = raw.iter().map(|p| scaler.transform(p)).collect();
        Ok(Prepared {
            table,
            settings,
            span,
            scores,
            segment_names,
            segment_summaries,
            scaler,
            features,
            cohorts: None,
        })
    }

    /// Standardised features, one per customer: what k-means clusters.
    pub fn features(&self) -> &[Point] {
        &self.features
    }

    pub fn kmeans(&self) -> &KMeansSettings {
        &self.settings.kmeans
    }

    /// The ks the sweep fits.
    pub fn sweep_ks(&self) -> Result<Vec<usize>, AnalysisError> {
        self.settings.kmeans.check()?;
        clustering::sweep_ks(&self.features, self.settings.k_min, self.settings.k_max)
    }

    /// Runs the whole sweep here, then finishes.
    pub fn sweep_and_finish(self, progress: Progress) -> Result<Analysis, AnalysisError> {
        progress("Clustering", 0.05);
        let ks = self.sweep_ks()?;
        let sweep = clustering::fit_ks(
            &self.features,
            &ks,
            &self.settings.kmeans,
            &mut sweep_progress(progress),
        )?;
        self.finish(sweep)
    }

    /// Completes the analysis with the fitted sweep (any order of ks).
    pub fn finish(self, mut sweep: Vec<Clustering>) -> Result<Analysis, AnalysisError> {
        sweep.sort_by_key(|c| c.k);
        let Prepared {
            table,
            settings,
            span,
            scores,
            segment_names,
            segment_summaries,
            scaler,
            features,
            cohorts,
        } = self;
        let recommendation = clustering::recommend(&sweep, settings.recommend_range)
            .ok_or(AnalysisError::NoCustomers)?;
        let overview = Overview {
            customers: table.rows.len(),
            purchases: table.rows.iter().map(|r| u64::from(r.frequency)).sum(),
            revenue: table
                .rows
                .iter()
                .map(|r| {
                    r.monetary
                        * if settings.rfm.monetary == rfm::MonetaryMode::Total {
                            1.0
                        } else {
                            f64::from(r.frequency)
                        }
                })
                .sum(),
            first_purchase: span.first.to_string(),
            last_purchase: span.last.to_string(),
            reference_date: table.reference_date.to_string(),
            median_recency: median(table.rows.iter().map(|r| r.recency_days as f64)),
            median_frequency: median(table.rows.iter().map(|r| f64::from(r.frequency))),
            median_monetary: median(table.rows.iter().map(|r| r.monetary)),
            definitions: format!("{}; {}", span.definitions, settings.describe_segments()),
        };
        let chosen_k = settings.chosen_k;
        let mut analysis = Analysis {
            settings,
            overview,
            rfm: table,
            scores,
            segments: segment_names,
            segment_summaries,
            scaler,
            features,
            chosen_k: recommendation.k,
            recommendation,
            sweep,
            profiles: Vec::new(),
            cohorts,
            alternative: None,
            exploration: None,
        };
        let k = chosen_k
            .filter(|k| analysis.sweep.iter().any(|c| c.k == *k))
            .unwrap_or(analysis.recommendation.k);
        analysis.choose_k(k)?;
        Ok(analysis)
    }
}

/// Maps the sweep's `(done, total)` to the analysis' progress (after 5% for RFM).
pub fn sweep_progress<'a>(progress: &'a mut dyn FnMut(&str, f64)) -> impl FnMut(usize, usize) + 'a {
    move |done, total| {
        let stage = if done < total {
            "Clustering"
        } else {
            "Measuring cluster quality"
        };
        progress(stage, 0.05 + 0.95 * done as f64 / total.max(1) as f64)
    }
}

impl Analysis {
    /// This analysis with the exploration of the file it was computed from.
    pub fn with_exploration(self, exploration: Exploration) -> Self {
        Self {
            exploration: Some(exploration),
            ..self
        }
    }

    /// Switches to another k from the sweep (instant: no re-clustering),
    /// and back to k-means if another method was in use.
    pub fn choose_k(&mut self, k: usize) -> Result<(), AnalysisError> {
        if self.sweep.iter().any(|c| c.k == k) {
            self.alternative = None;
        }
        let clustering = self
            .sweep
            .iter()
            .find(|c| c.k == k)
            .ok_or(AnalysisError::UnknownK(k))?;
        self.profiles = profile::profile(&self.rfm, clustering);
        self.chosen_k = k;
        Ok(())
    }

    /// Renames segments with an edited grid (instant: scores don't change).
    pub fn set_grid(&mut self, grid: SegmentGrid) {
        let (names, summaries) = self.settings.scheme.assign(&self.rfm, &self.scores, &grid);
        self.segments = names;
        self.segment_summaries = summaries;
        self.settings.grid = grid;
    }

    /// Scores and names segments again with another scheme or scoring
    /// (instant: clusters do not depend on scores). Nothing changes on error.
    pub fn set_segmentation(
        &mut self,
        scheme: SegmentScheme,
        scoring: Scoring,
    ) -> Result<(), AnalysisError> {
        let settings = AnalysisSettings {
            scheme,
            scoring,
            ..self.settings.clone()
        };
        let scores = score::score_with(&self.rfm, settings.bins(), &settings.scoring)?;
        let (names, summaries) = settings.scheme.assign(&self.rfm, &scores, &settings.grid);
        let old = self.settings.describe_segments();
        let new = settings.describe_segments();
        self.overview.definitions = match self.overview.definitions.find(&old) {
            Some(_) => self.overview.definitions.replacen(&old, &new, 1),
            None => format!("{}; {new}", self.overview.definitions),
        };
        self.scores = scores;
        self.segments = names;
        self.segment_summaries = summaries;
        self.settings = settings;
        Ok(())
    }

    /// The clustering in use: the alternative method's, else k-means at `chosen_k`.
    pub fn clustering(&self) -> Option<&Clustering> {
        match &self.alternative {
            Some(fit) => Some(&fit.clustering),
            None => self.sweep.iter().find(|c| c.k == self.chosen_k),
        }
    }

    /// The method in use.
    pub fn method(&self) -> ClusteringMethod {
        self.alternative
            .as_ref()
            .map_or(ClusteringMethod::KMeans, |f| f.settings.method())
    }

    /// Fits a Gaussian mixture or DBSCAN on this analysis's features and
    /// switches to it; k-means settings switch back to k-means at `chosen_k`.
    pub fn use_method(&mut self, settings: &ClusteringMethodSettings) -> Result<(), MethodError> {
        let fit = clustering::fit_method(&self.features, settings)?;
        self.use_fit(fit)
    }

    /// Switches to an already fitted alternative (`None`: back to k-means).
    pub fn use_fit(&mut self, fit: Option<MethodFit>) -> Result<(), MethodError> {
        if let Some(f) = &fit {
            if f.clustering.labels.len() != self.rfm.rows.len() {
                return Err(MethodError::WrongCustomers {
                    labelled: f.clustering.labels.len(),
                    customers: self.rfm.rows.len(),
                });
            }
        }
        self.alternative = fit;
        if let Some(clustering) = self.clustering() {
            self.profiles = profile::profile(&self.rfm, clustering);
        }
        if let Some(noise) = self.alternative.as_ref().and_then(|f| f.noise_cluster) {
            if let Some(p) = self.profiles.get_mut(noise) {
                p.name = NOISE_CLUSTER_NAME.into();
                p.summary = format!("Unlike any dense group of customers. {}", p.summary);
                p.playbook = Playbook {
                    what_to_do: "Look at them one by one: big wholesalers, one-off buyers and data errors end up here".into(),
                    channel: "Personal contact for the valuable ones; none for the rest".into(),
                    avoid: "Treating them as one audience".into(),
                };
            }
        }
        Ok(())
    }

    /// k-means at `chosen_k`, a Gaussian mixture and DBSCAN side by side.
    pub fn compare_methods(&self, gmm: &GmmSettings, dbscan: &DbscanSettings) -> MethodComparison {
        match self.sweep.iter().find(|c| c.k == self.chosen_k) {
            Some(kmeans) => clustering::compare(&self.features, kmeans, gmm, dbscan),
            None => MethodComparison {
                rows: Vec::new(),
                failures: Vec::new(),
            },
        }
    }

    /// The decision-tree rules that explain the clustering in use.
    pub fn explain(&self, settings: &TreeSettings) -> Result<Explanation, ExplainError> {
        if self.clustering().is_none() {
            return Err(ExplainError::NoClustering);
        }
        let labels: Vec<usize> = (0..self.rfm.rows.len())
            .map(|i| self.cluster_of(i))
            .collect();
        explain::explain(&self.rfm.rows, &labels, &self.cluster_names(), settings)
    }

    /// A random forest that assigns the clustering in use from raw R, F, M:
    /// cross-validated on at most `max_training_customers` customers (a
    /// seeded sample), then fitted on the same customers, its accuracy noted
    /// in the forest. Every customer has a cluster (DBSCAN's noise is one).
    /// Progress: cross-validation up to `folds / (folds + 1)`, then the fit.
    pub fn classify(
        &self,
        settings: &ClassifierSettings,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(CrossValidation, Forest), ClassifyError> {
        settings.check()?;
        let clustering = self.clustering().ok_or(ClassifyError::NoClustering)?;
        let classes = clustering.centroids.len();
        let picked = classify::sample_indices(
            self.rfm.rows.len().min(clustering.labels.len()),
            settings.max_training_customers,
            settings.seed,
        );
        let mut x = Vec::with_capacity(picked.len());
        let mut y = Vec::with_capacity(picked.len());
        for &i in &picked {
            let row = &self.rfm.rows[i];
            if !row.monetary.is_finite() {
                return Err(ClassifyError::NonFinite {
                    customer: row.customer_id.clone(),
                });
            }
            x.push([
                row.recency_days as f64,
                f64::from(row.frequency),
                row.monetary,
            ]);
            y.push(usize::from(clustering.labels[i]));
        }
        let share = settings.folds as f64 / (settings.folds + 1) as f64;
        let cv = classify::cross_validate(&x, &y, classes, settings, &mut |f| progress(f * share))?;
        let mut forest = classify::fit_forest(&x, &y, classes, settings, &mut |f| {
            progress(share + f * (1.0 - share));
        })?;
        forest.cross_validated_accuracy = Some(cv.metrics.accuracy);
        Ok((cv, forest))
    }

    /// Customer `i`'s cluster for the chosen k (0 when out of range).
    pub fn cluster_of(&self, i: usize) -> usize {
        self.clustering()
            .and_then(|c| c.labels.get(i))
            .map_or(0, |&l| usize::from(l))
    }

    pub fn cluster_names(&self) -> Vec<String> {
        self.profiles.iter().map(|p| p.name.clone()).collect()
    }

    /// The customers CSV for the chosen k.
    pub fn customers_csv(&self) -> Vec<u8> {
        self.customers_csv_with(None)
    }

    /// The customers CSV, with each customer's earlier segment (from
    /// [`super::migration::migrate`]) as a last column when given.
    pub fn customers_csv_with(&self, previous: Option<export::PreviousSegments>) -> Vec<u8> {
        let mut out = Vec::new();
        let labels = self
            .clustering()
            .map(|c| c.labels.as_slice())
            .unwrap_or(&[]);
        let names = self.cluster_names();
        // Writing to a Vec cannot fail.
        let _ = export::write_customers_csv(
            &mut out,
            &self.rfm,
            &self.scores,
            &ExportColumns {
                segments: &self.segments,
                clusters: labels,
                cluster_names: &names,
                previous,
            },
        );
        out
    }

    /// The reusable model for the clustering in use. Customers are labelled
    /// by their nearest centroid (cluster mean), also for a Gaussian mixture
    /// or DBSCAN: close to, not always equal to, those methods' own labels.
    pub fn model(&self) -> Option<SegmentationModel> {
        let clustering = self.clustering()?;
        Some(
            ModelParts {
                rfm_settings: self.settings.rfm,
                definitions: self.overview.definitions.clone(),
                scores: &self.scores,
                grid: &self.settings.grid,
                scheme: self.settings.scheme,
                scoring: self.settings.scoring.clone(),
                scaler: self.scaler,
                clustering,
                cluster_names: self.cluster_names(),
                seed: self
                    .alternative
                    .as_ref()
                    .map_or(self.settings.kmeans.seed, |f| f.settings.seed()),
                trained_on: TrainingSummary {
                    customers: self.overview.customers,
                    first_purchase: self.overview.first_purchase.clone(),
                    reference_date: self.overview.reference_date.clone(),
                },
            }
            .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rfm::tests::customer;

    /// 40 customers in four behaviour groups.
    pub fn ledger() -> Ledger {
        let mut customers = Vec::new();
        for i in 0..10 {
            let id = format!("loyal{i}");
            let purchases: Vec<(String, String, f64)> = (0..8)
                .map(|j| {
                    (
                        format!("L{i}-{j}"),
                        format!("2011-{:02}-1{} 10:00", 4 + j, i % 10),
                        200.0 + i as f64,
                    )
                })
                .collect();
            let refs: Vec<(&str, &str, f64)> = purchases
                .iter()
                .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
                .collect();
            customers.push(customer(&id, &refs));
            customers.push(customer(
                &format!("new{i}"),
                &[(
                    &format!("N{i}"),
                    &format!("2011-12-0{} 10:00", 1 + i % 9),
                    30.0 + i as f64,
                )],
            ));
            customers.push(customer(
                &format!("lost{i}"),
                &[(
                    &format!("X{i}"),
                    &format!("2011-01-1{} 10:00", i % 10),
                    15.0 + i as f64,
                )],
            ));
            let (a, b, c) = (format!("R{i}a"), format!("R{i}b"), format!("R{i}c"));
            customers.push(customer(
                &format!("risk{i}"),
                &[
                    (a.as_str(), "2011-02-01 10:00", 300.0),
                    (b.as_str(), "2011-03-01 10:00", 250.0 + i as f64),
                    (c.as_str(), "2011-04-05 10:00", 280.0),
                ],
            ));
        }
        Ledger {
            customers,
            monthly: vec![],
            net_returns: false,
        }
    }

    #[test]
    fn runs_end_to_end_deterministically() {
        let mut stages = Vec::new();
        let a = analyze(&ledger(), &AnalysisSettings::default(), &mut |s, f| {
            stages.push((s.to_string(), f))
        })
        .unwrap();
        let b = analyze(&ledger(), &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.overview.customers, 40);
        assert_eq!(a.sweep.first().map(|c| c.k), Some(2));
        assert!(stages.windows(2).all(|w| w[0].1 <= w[1].1));
        assert_eq!(stages.last().map(|s| s.1), Some(1.0));
        assert_eq!(a.profiles.len(), a.chosen_k);
        assert_eq!(a.profiles.iter().map(|p| p.customers).sum::<usize>(), 40);
        let csv = String::from_utf8(a.customers_csv()).unwrap();
        assert_eq!(csv.lines().count(), 41);
    }

    #[test]
    fn switching_k_and_model_round_trip() {
        let mut a = analyze(&ledger(), &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        a.choose_k(4).unwrap();
        assert_eq!(a.profiles.len(), 4);
        assert_eq!(a.choose_k(42), Err(AnalysisError::UnknownK(42)));
        let model = a.model().unwrap();
        let json = model.to_json();
        assert!(
            !json.contains("loyal0"),
            "a model must not contain customer data"
        );
        let loaded = SegmentationModel::from_json(&json).unwrap();
        assert_eq!(loaded, model);
        // Applying the model to its own training data reproduces the labels and segments.
        let assigned = loaded.apply(&ledger()).unwrap();
        let labels = &a.clustering().unwrap().labels;
        for (i, row) in assigned.iter().enumerate() {
            assert_eq!(row.cluster, usize::from(labels[i]), "{}", row.customer_id);
            assert_eq!(row.segment, a.segments[i]);
        }
        assert!(matches!(
            SegmentationModel::from_json("{\"format\":\"other\"}"),
            Err(AnalysisError::BadModel(_))
        ));
        assert!(matches!(
            SegmentationModel::from_json("not json"),
            Err(AnalysisError::BadModel(_))
        ));
    }

    /// (cluster, cluster_name) per customer from the customers CSV.
    fn csv_clusters(a: &Analysis) -> Vec<(usize, String)> {
        let csv = String::from_utf8(a.customers_csv()).unwrap();
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = header.iter().position(|h| *h == "cluster").unwrap();
        lines
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                (cells[at].parse().unwrap(), cells[at + 1].to_string())
            })
            .collect()
    }

    #[test]
    fn another_method_drives_profiles_exports_and_the_model() {
        let mut a = analyze(&ledger(), &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        let kmeans_profiles = a.profiles.clone();
        let gmm = GmmSettings {
            k: 4,
            ..Default::default()
        };
        a.use_method(&ClusteringMethodSettings::GaussianMixture(gmm))
            .unwrap();
        assert_eq!(a.method(), ClusteringMethod::GaussianMixture);
        let c = a.clustering().unwrap().clone();
        assert_eq!(Some(&c), a.alternative.as_ref().map(|f| &f.clustering));
        assert_eq!(a.profiles.len(), c.k);
        assert_eq!(a.profiles.iter().map(|p| p.customers).sum::<usize>(), 40);
        for (i, (cluster, name)) in csv_clusters(&a).into_iter().enumerate() {
            assert_eq!(cluster, usize::from(c.labels[i]));
            assert_eq!(name, a.profiles[cluster].name);
            assert_eq!(a.cluster_of(i), cluster);
        }
        // The model carries the mixture's cluster means and names, and labels
        // customers by the nearest of them.
        let model = SegmentationModel::from_json(&a.model().unwrap().to_json()).unwrap();
        assert_eq!(model.centroids, c.centroids);
        assert_eq!(model.cluster_names, a.cluster_names());
        assert_eq!(model.seed, gmm.seed);
        let assigned = model.apply(&ledger()).unwrap();
        let agree = assigned
            .iter()
            .zip(&c.labels)
            .filter(|(row, &l)| row.cluster == usize::from(l))
            .count();
        assert!(agree >= 38, "{agree} of 40 agree with the mixture's labels");
        assert!(assigned
            .iter()
            .all(|r| r.cluster_name == a.profiles[r.cluster].name));
        // Saved and restored analyses keep the alternative; older ones have none.
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Analysis>(&json).unwrap(), a);
        let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
        old.as_object_mut().unwrap().remove("alternative");
        let old: Analysis = serde_json::from_value(old).unwrap();
        assert_eq!(old.method(), ClusteringMethod::KMeans);
        // Choosing a k goes back to k-means.
        a.choose_k(a.chosen_k).unwrap();
        assert_eq!(a.method(), ClusteringMethod::KMeans);
        assert_eq!(a.profiles, kmeans_profiles);
    }

    #[test]
    fn dbscan_noise_is_named_and_exported_last() {
        let mut a = analyze(&ledger(), &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        let settings = DbscanSettings {
            min_points: 3,
            ..Default::default()
        };
        a.use_method(&ClusteringMethodSettings::Dbscan(settings))
            .unwrap();
        let fit = a.alternative.clone().unwrap();
        let k = fit.clustering.k;
        // The four behaviour groups, plus the customers at their edges as noise.
        assert_eq!(fit.noise_cluster, Some(4));
        assert_eq!(k, 5, "noise is last");
        assert_eq!(a.profiles[4].name, NOISE_CLUSTER_NAME);
        let share = a.profiles[4].customers as f64 / 40.0;
        assert!(share > 0.0 && (share - fit.noise_share).abs() < 1e-12);
        assert_eq!(a.profiles.len(), k);
        assert!(csv_clusters(&a)
            .iter()
            .any(|(c, name)| *c == 4 && name == NOISE_CLUSTER_NAME));
        let model = a.model().unwrap();
        assert_eq!(model.centroids.len(), k);
        assert_eq!(model.cluster_names, a.cluster_names());
        // A clustering of other customers is refused, not half-applied.
        let mut other = a.alternative.clone().unwrap();
        other.clustering.labels.pop();
        assert_eq!(
            a.use_fit(Some(other)),
            Err(MethodError::WrongCustomers {
                labelled: 39,
                customers: 40
            })
        );
        // Back to k-means through the method settings too.
        a.use_method(&ClusteringMethodSettings::KMeans).unwrap();
        assert_eq!(a.method(), ClusteringMethod::KMeans);
        assert_eq!(a.profiles.len(), a.chosen_k);
    }

    #[test]
    fn compares_methods_on_the_analysis() {
        let a = analyze(&ledger(), &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        let c = a.compare_methods(
            &GmmSettings {
                k: 4,
                ..Default::default()
            },
            &DbscanSettings {
                min_points: 3,
                ..Default::default()
            },
        );
        assert_eq!(c.rows.len() + c.failures.len(), 3);
        assert_eq!(c.rows[0].method, ClusteringMethod::KMeans);
        assert_eq!(c.rows[0].k, a.chosen_k);
        assert_eq!(c.rows[0].silhouette, a.clustering().unwrap().silhouette);
    }

    #[test]
    fn editing_the_grid_renames_segments_everywhere() {
        let mut a = analyze(&ledger(), &AnalysisSettings::default(), &mut |_, _| {}).unwrap();
        // Rename every grid cell of the first customer's segment.
        let target = a.segments[0].clone();
        let members = a.segments.iter().filter(|s| **s == target).count();
        let mut grid = SegmentGrid::default();
        for cell in grid.names.iter_mut().flatten().filter(|c| **c == target) {
            *cell = "VIP".into();
        }
        a.set_grid(grid.clone());
        assert_eq!(a.segments.iter().filter(|s| *s == "VIP").count(), members);
        assert!(a
            .segment_summaries
            .iter()
            .any(|s| s.name == "VIP" && s.customers == members));
        assert!(!a.segments.contains(&target));
        assert_eq!(
            a.model().unwrap().segment_grid,
            grid,
            "the model keeps the edited grid"
        );
    }

    /// Six customers with known R, F, M (see the oracle in each test).
    fn known_customers() -> Analysis {
        let table = crate::engine::rfm::tests::table_of(&[
            (10, 9, 900.0),
            (200, 1, 10.0),
            (40, 3, 150.0),
            (100, 2, 500.0),
            (30, 5, 499.99),
            (31, 5, 500.0),
        ]);
        let settings = AnalysisSettings {
            k_max: 3,
            ..Default::default()
        };
        analyze_table(table, &settings, &mut |_, _| {}).unwrap()
    }

    fn cuts(r: &[f64], f: &[f64], m: &[f64]) -> Scoring {
        Scoring::CutPoints(crate::engine::cut_points::CutPoints {
            recency: r.to_vec(),
            frequency: f.to_vec(),
            monetary: m.to_vec(),
        })
    }

    #[test]
    fn klaviyo_groups_from_cut_points() {
        let mut a = known_customers();
        // Recency ≤ 30 → 3, 31–90 → 2, > 90 → 1; frequency < 2 → 1, 2–4 → 2,
        // ≥ 5 → 3; monetary < 100 → 1, 100–499.99 → 2, ≥ 500 → 3.
        a.set_segmentation(
            SegmentScheme::Klaviyo,
            cuts(&[30.0, 90.0], &[2.0, 5.0], &[100.0, 500.0]),
        )
        .unwrap();
        assert_eq!(a.scores.bins, 3);
        assert_eq!(a.scores.r.scores, [3, 1, 2, 1, 3, 2]);
        assert_eq!(a.scores.f.scores, [3, 1, 2, 2, 3, 3]);
        assert_eq!(a.scores.m.scores, [3, 1, 2, 3, 2, 3]);
        // 333, 111, 222, 123, 332, 233.
        assert_eq!(
            a.segments,
            [
                "Champions",
                "Inactive",
                "Needs attention",
                "At risk",
                "Loyal",
                "Loyal"
            ]
        );
        assert!(a
            .overview
            .definitions
            .contains("scores from cut points: recency ≤ 30 / 90 days, frequency ≥ 2 / 5, monetary ≥ 100 / 500 (1–3); segments are Klaviyo's"),
            "{}", a.overview.definitions);
        assert_eq!(a.segment_summaries[0].name, "Champions");
    }

    #[test]
    fn shopify_groups_from_cut_points_reach_the_model_and_its_sql() {
        let mut a = known_customers();
        // Recency ≤30 → 5, ≤60 → 4, ≤90 → 3, ≤180 → 2, else 1; frequency
        // 1 → 1, 2 → 2, 3–4 → 3, 5–7 → 4, ≥ 8 → 5; monetary < 100 → 1, < 250
        // → 2, < 500 → 3, < 1000 → 4, else 5. F+M = mean rounded up.
        let scoring = cuts(
            &[30.0, 60.0, 90.0, 180.0],
            &[2.0, 3.0, 5.0, 8.0],
            &[100.0, 250.0, 500.0, 1000.0],
        );
        a.set_segmentation(SegmentScheme::Shopify, scoring.clone())
            .unwrap();
        assert_eq!(a.scores.r.scores, [5, 1, 4, 2, 5, 4]);
        assert_eq!(a.scores.f.scores, [5, 1, 3, 2, 4, 4]);
        assert_eq!(a.scores.m.scores, [4, 1, 2, 4, 3, 4]);
        // R, F+M: (5, 5), (1, 1), (4, 3), (2, 3), (5, 4), (4, 4).
        assert_eq!(
            a.segments,
            [
                "Champions",
                "Dormant",
                "Active",
                "At risk",
                "Champions",
                "Loyal"
            ]
        );
        let model = SegmentationModel::from_json(&a.model().unwrap().to_json()).unwrap();
        assert_eq!(model.scoring, scoring);
        assert_eq!(model.segment_scheme, SegmentScheme::Shopify);
        let labelled = model.label_rows(&a.rfm.rows);
        for (row, segment) in labelled.iter().zip(&a.segments) {
            assert_eq!(&row.segment, segment, "{}", row.customer_id);
        }
        // A recency of 35 days is beyond the training data's ranges, but the
        // cut points score it 4 (31–60) all the same.
        let mut row = a.rfm.rows[0].clone();
        row.recency_days = 35;
        assert_eq!(model.scores_of(&row)[0], 4);
        let sql = crate::engine::model_sql::labelling_sql(
            &model,
            crate::engine::model_sql::SqlDialect::DuckDb,
        );
        assert!(sql.contains("CASE WHEN r_value IS NULL THEN NULL WHEN r_value <= 3e1 THEN 5 WHEN r_value <= 6e1 THEN 4 WHEN r_value <= 9e1 THEN 3 WHEN r_value <= 1.8e2 THEN 2 ELSE 1 END AS r_score"), "{sql}");
        assert!(sql.contains("CASE WHEN f_value IS NULL THEN NULL WHEN f_value >= 8e0 THEN 5 WHEN f_value >= 5e0 THEN 4 WHEN f_value >= 3e0 THEN 3 WHEN f_value >= 2e0 THEN 2 ELSE 1 END AS f_score"), "{sql}");
        assert!(sql.contains("WHEN r_score = 2 AND f_score = 2 AND m_score = 4 THEN 'At risk'"));
        assert!(sql.contains("WHEN r_score = 5 AND f_score = 1 AND m_score = 1 THEN 'New'"));
        assert!(
            !sql.contains("r_gap_0"),
            "no quantile ranges with cut points"
        );
        // A model whose cut points do not fit its scale is refused.
        let mut broken: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        broken["score_bins"] = 3.into();
        assert!(matches!(
            SegmentationModel::from_json(&broken.to_string()),
            Err(AnalysisError::BadModel(_))
        ));
    }

    #[test]
    fn a_preset_with_quantiles_uses_its_own_scale_and_bad_cut_points_change_nothing() {
        let mut a = known_customers();
        a.set_segmentation(SegmentScheme::Klaviyo, Scoring::Quantiles)
            .unwrap();
        assert_eq!(a.scores.bins, 3);
        assert_eq!(a.settings.score_bins, 5, "the grid keeps its own scale");
        let before = a.clone();
        let wrong = a.set_segmentation(SegmentScheme::Grid, cuts(&[30.0], &[2.0], &[100.0]));
        assert!(matches!(
            wrong,
            Err(AnalysisError::CutPoints(
                crate::engine::cut_points::CutPointsError::WrongCount { expected: 4, .. }
            ))
        ));
        assert_eq!(a, before);
        a.set_segmentation(SegmentScheme::Grid, Scoring::Quantiles)
            .unwrap();
        assert_eq!(a.scores.bins, 5);
        assert_eq!(a.segments, known_customers().segments);
        assert_eq!(
            a.overview.definitions,
            known_customers().overview.definitions
        );
    }

    #[test]
    fn degenerate_inputs_are_errors_not_panics() {
        assert_eq!(
            analyze(
                &Ledger::default(),
                &AnalysisSettings::default(),
                &mut |_, _| {}
            ),
            Err(AnalysisError::NoCustomers)
        );
        let one = Ledger {
            customers: vec![customer("a", &[("1", "2011-01-01 10:00", 5.0)])],
            monthly: vec![],
            net_returns: false,
        };
        assert_eq!(
            analyze(&one, &AnalysisSettings::default(), &mut |_, _| {}).unwrap_err(),
            AnalysisError::TooFewDistinct(1)
        );
        let twins = Ledger {
            customers: vec![
                customer("a", &[("1", "2011-01-01 10:00", 5.0)]),
                customer("b", &[("2", "2011-01-01 10:00", 5.0)]),
            ],
            monthly: vec![],
            net_returns: false,
        };
        assert_eq!(
            analyze(&twins, &AnalysisSettings::default(), &mut |_, _| {}).unwrap_err(),
            AnalysisError::TooFewDistinct(1)
        );
        let mut empty = crate::engine::rfm::tests::table_of(&[]);
        assert_eq!(
            analyze_table(empty.clone(), &AnalysisSettings::default(), &mut |_, _| {}),
            Err(AnalysisError::NoCustomers)
        );
        empty.rows = crate::engine::rfm::tests::table_of(&[(1, 1, 5.0)]).rows;
        assert_eq!(
            analyze_table(empty, &AnalysisSettings::default(), &mut |_, _| {}).unwrap_err(),
            AnalysisError::TooFewDistinct(1)
        );
        let bad_bins = AnalysisSettings {
            score_bins: 7,
            ..Default::default()
        };
        assert_eq!(
            analyze(&ledger(), &bad_bins, &mut |_, _| {}).unwrap_err(),
            AnalysisError::BadBins(7)
        );
    }
}
