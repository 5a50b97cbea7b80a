//! A saved segmentation model: everything needed to label new customers the
//! same way later (daily batch labelling) without re-clustering.

use super::classify::Forest;
use super::clustering::{nearest, Clustering, Point};
use super::csv_cells::{text_cell, write_row};
use super::cut_points::{self, Direction, Scoring};
use super::error::AnalysisError;
use super::explain::RuleTree;
use super::features::{raw_features, Scaler};
use super::ledger::Ledger;
use super::presets::SegmentScheme;
use super::rfm::{self, RfmRow, RfmSettings};
use super::score::{DimensionScores, RfmScores};
use super::segments::SegmentGrid;
use serde::{Deserialize, Serialize};

pub const MODEL_FORMAT: &str = "segmento-model";
pub const MODEL_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentationModel {
    pub format: String,
    pub version: u32,
    pub rfm_settings: RfmSettings,
    /// Plain-language definitions, for whoever opens the file.
    pub definitions: String,
    pub score_bins: u8,
    /// Training value ranges per score, for R, F and M.
    pub recency_bins: DimensionScores,
    pub frequency_bins: DimensionScores,
    pub monetary_bins: DimensionScores,
    pub segment_grid: SegmentGrid,
    /// The grid or a preset's groups; absent in older files (the grid).
    #[serde(default)]
    pub segment_scheme: SegmentScheme,
    /// Quantile bins (the `*_bins` above) or cut points; absent in older
    /// files (quantiles). With cut points new customers are scored by them.
    #[serde(default)]
    pub scoring: Scoring,
    pub scaler: Scaler,
    pub centroids: Vec<Point>,
    pub cluster_names: Vec<String>,
    pub seed: u64,
    pub trained_on: TrainingSummary,
    /// The decision tree that explains the clusters, if one was saved; it can
    /// label new customers instead of the nearest centroid. Absent in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<RuleTree>,
    /// The random forest that assigns clusters from raw R, F, M (with its
    /// cross-validated accuracy), if one was saved; it can label new
    /// customers instead of the nearest centroid. Absent in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classifier: Option<Forest>,
}

/// What gives a customer its cluster when a saved model labels new customers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Labeller {
    /// The nearest cluster centre in the standardised features (the clustering itself).
    #[default]
    NearestCentre,
    /// The saved decision tree: the plain rules shown in the studio.
    Rules,
    /// The saved random forest (majority vote on raw R, F, M).
    Classifier,
}

impl Labeller {
    /// "labelled by …", in words.
    pub fn describe(self) -> &'static str {
        match self {
            Labeller::NearestCentre => "the nearest cluster centre",
            Labeller::Rules => "the model's decision rules",
            Labeller::Classifier => "the model's random forest",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub customers: usize,
    pub first_purchase: String,
    pub reference_date: String,
}

/// One customer labelled by a saved model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub customer_id: String,
    pub recency_days: i64,
    pub frequency: u32,
    pub monetary: f64,
    pub scores: [u8; 3],
    pub segment: String,
    pub cluster: usize,
    pub cluster_name: String,
}

impl SegmentationModel {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, AnalysisError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| AnalysisError::BadModel(format!("not valid JSON ({e})")))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(MODEL_FORMAT) => {}
            _ => {
                return Err(AnalysisError::BadModel(
                    "it has no \"format\": \"segmento-model\" field".into(),
                ))
            }
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(MODEL_VERSION) => {}
            Some(v) => {
                return Err(AnalysisError::BadModel(format!(
                    "version {v} is not supported (this app reads version {MODEL_VERSION})"
                )))
            }
            None => return Err(AnalysisError::BadModel("it has no version".into())),
        }
        let model: Self =
            serde_json::from_value(value).map_err(|e| AnalysisError::BadModel(e.to_string()))?;
        if model.centroids.len() < 2 || model.cluster_names.len() != model.centroids.len() {
            return Err(AnalysisError::BadModel(
                "it needs at least 2 centroids, each with a name".into(),
            ));
        }
        if let Scoring::CutPoints(cuts) = &model.scoring {
            cuts.validate(model.score_bins)
                .map_err(|e| AnalysisError::BadModel(e.to_string()))?;
        }
        if let Some(bins) = model.segment_scheme.bins() {
            if bins != model.score_bins {
                return Err(AnalysisError::BadModel(format!(
                    "its segments are {}, which need scores on 1–{bins}, but it scores on 1–{}",
                    model.segment_scheme.label(),
                    model.score_bins
                )));
            }
        }
        if let Some(tree) = &model.rules {
            tree.validate(model.centroids.len())
                .map_err(AnalysisError::BadModel)?;
        }
        if let Some(forest) = &model.classifier {
            forest
                .validate(model.centroids.len())
                .map_err(AnalysisError::BadModel)?;
        }
        Ok(model)
    }

    /// The same model carrying `tree` (from `explain::explain` or
    /// `Analysis::explain`) for [`Self::apply_rules`].
    pub fn with_rules(self, tree: RuleTree) -> Self {
        Self {
            rules: Some(tree),
            ..self
        }
    }

    /// The same model carrying `forest` (from `classify::fit_forest` or
    /// `Analysis::classify`) for [`Self::apply_classifier`].
    pub fn with_classifier(self, forest: Forest) -> Self {
        Self {
            classifier: Some(forest),
            ..self
        }
    }

    /// Labels the customers of `ledger` with the chosen labeller.
    pub fn apply_with(
        &self,
        ledger: &Ledger,
        labeller: Labeller,
    ) -> Result<Vec<Assignment>, AnalysisError> {
        match labeller {
            Labeller::NearestCentre => self.apply(ledger),
            Labeller::Rules => self.apply_rules(ledger),
            Labeller::Classifier => self.apply_classifier(ledger),
        }
    }

    /// Labels the customers of `ledger` with this model's definitions,
    /// score bins, grid, scaler and centroids.
    pub fn apply(&self, ledger: &Ledger) -> Result<Vec<Assignment>, AnalysisError> {
        let table = rfm::compute(ledger, &self.rfm_settings)?;
        Ok(self.label_rows(&table.rows))
    }

    /// Like [`Self::apply`], but the cluster comes from the saved rule tree
    /// (the plain rules shown in the studio) instead of the nearest centroid.
    pub fn apply_rules(&self, ledger: &Ledger) -> Result<Vec<Assignment>, AnalysisError> {
        let tree = self.rules.as_ref().ok_or(AnalysisError::ModelHasNoRules)?;
        let table = rfm::compute(ledger, &self.rfm_settings)?;
        Ok(self.label_with(&table.rows, |row| {
            tree.predict(row.recency_days, row.frequency, row.monetary)
        }))
    }

    /// Like [`Self::apply`], but the cluster comes from the saved random
    /// forest (majority vote on raw R, F, M) instead of the nearest centroid.
    pub fn apply_classifier(&self, ledger: &Ledger) -> Result<Vec<Assignment>, AnalysisError> {
        let table = rfm::compute(ledger, &self.rfm_settings)?;
        self.label_rows_with_classifier(&table.rows)
    }

    /// Labels RFM rows computed elsewhere (a warehouse's table) with the
    /// saved random forest: what [`Self::apply_classifier`] does after
    /// computing them.
    pub fn label_rows_with_classifier(
        &self,
        rows: &[RfmRow],
    ) -> Result<Vec<Assignment>, AnalysisError> {
        let forest = self
            .classifier
            .as_ref()
            .ok_or(AnalysisError::ModelHasNoClassifier)?;
        Ok(self.label_with(rows, |row| {
            forest.predict(
                row.recency_days as f64,
                f64::from(row.frequency),
                row.monetary,
            )
        }))
    }

    /// Labels RFM rows computed elsewhere (a warehouse's table) by the
    /// nearest centroid: what [`Self::apply`] does after computing them, and
    /// what the labelling SQL (`model_sql`) does where the data lives.
    pub fn label_rows(&self, rows: &[RfmRow]) -> Vec<Assignment> {
        self.label_with(rows, |row| {
            nearest(&self.centroids, &self.scaler.transform(&raw_features(row)))
        })
    }

    /// R, F and M scores of a row: by the cut points, else the nearest
    /// training bin.
    pub fn scores_of(&self, row: &RfmRow) -> [u8; 3] {
        let values = [
            row.recency_days as f64,
            f64::from(row.frequency),
            row.monetary,
        ];
        match &self.scoring {
            Scoring::CutPoints(cuts) => [
                cut_points::score_of(values[0], &cuts.recency, Direction::LowerIsBetter),
                cut_points::score_of(values[1], &cuts.frequency, Direction::HigherIsBetter),
                cut_points::score_of(values[2], &cuts.monetary, Direction::HigherIsBetter),
            ],
            Scoring::Quantiles => [
                self.recency_bins.score_of(values[0]),
                self.frequency_bins.score_of(values[1]),
                self.monetary_bins.score_of(values[2]),
            ],
        }
    }

    fn label_with(
        &self,
        rows: &[RfmRow],
        cluster_of: impl Fn(&RfmRow) -> usize,
    ) -> Vec<Assignment> {
        rows.iter()
            .map(|row| {
                let scores = self.scores_of(row);
                let cluster = cluster_of(row);
                Assignment {
                    customer_id: row.customer_id.clone(),
                    recency_days: row.recency_days,
                    frequency: row.frequency,
                    monetary: row.monetary,
                    segment: self
                        .segment_scheme
                        .name(
                            &self.segment_grid,
                            scores[0],
                            scores[1],
                            scores[2],
                            self.score_bins,
                        )
                        .to_string(),
                    cluster_name: self.cluster_names.get(cluster).cloned().unwrap_or_default(),
                    scores,
                    cluster,
                }
            })
            .collect()
    }
}

/// Writes labelled customers as CSV (text cells neutralised like the main export).
pub fn write_assignments_csv(
    out: &mut impl std::io::Write,
    assignments: &[Assignment],
) -> std::io::Result<()> {
    writeln!(out, "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_segment,cluster,cluster_name\r")?;
    for a in assignments {
        write_row(
            out,
            [
                text_cell(&a.customer_id),
                a.recency_days.to_string(),
                a.frequency.to_string(),
                format!("{:.2}", a.monetary),
                a.scores[0].to_string(),
                a.scores[1].to_string(),
                a.scores[2].to_string(),
                text_cell(&a.segment),
                a.cluster.to_string(),
                text_cell(&a.cluster_name),
            ]
            .into_iter(),
        )?;
    }
    Ok(())
}

/// Builds a model from a finished analysis's parts.
pub struct ModelParts<'a> {
    pub rfm_settings: RfmSettings,
    pub definitions: String,
    pub scores: &'a RfmScores,
    pub grid: &'a SegmentGrid,
    pub scheme: SegmentScheme,
    pub scoring: Scoring,
    pub scaler: Scaler,
    pub clustering: &'a Clustering,
    pub cluster_names: Vec<String>,
    pub seed: u64,
    pub trained_on: TrainingSummary,
}

impl From<ModelParts<'_>> for SegmentationModel {
    fn from(p: ModelParts<'_>) -> Self {
        Self {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            rfm_settings: p.rfm_settings,
            definitions: p.definitions,
            score_bins: p.scores.bins,
            recency_bins: strip(&p.scores.r),
            frequency_bins: strip(&p.scores.f),
            monetary_bins: strip(&p.scores.m),
            segment_grid: p.grid.clone(),
            segment_scheme: p.scheme,
            scoring: p.scoring,
            scaler: p.scaler,
            centroids: p.clustering.centroids.clone(),
            cluster_names: p.cluster_names,
            seed: p.seed,
            trained_on: p.trained_on,
            rules: None,
            classifier: None,
        }
    }
}

/// The bins without the per-customer scores (no customer data in a model).
fn strip(d: &DimensionScores) -> DimensionScores {
    DimensionScores {
        scores: Vec::new(),
        bins: d.bins.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_csv_neutralises_and_quotes_text_cells() {
        let assignment = Assignment {
            customer_id: "=x,y".into(),
            recency_days: 3,
            frequency: 2,
            monetary: 12.5,
            scores: [1, 2, 3],
            segment: "Lost".into(),
            cluster: 1,
            cluster_name: "a\"b".into(),
        };
        let mut out = Vec::new();
        write_assignments_csv(&mut out, &[assignment]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_segment,cluster,cluster_name\r\n\
             \"'=x,y\",3,2,12.50,1,2,3,Lost,1,\"a\"\"b\"\r\n"
        );
    }
}
