//! The "Segments over time" block: the transition matrix between the
//! segments at an earlier date and now, as counts and row shares, its
//! heatmap, and the largest moves in words.

use super::format::thousands;
use crate::charts::MigrationHeatmapInput;
use crate::engine::export::{PREVIOUS_SEGMENT, PREVIOUS_SEGMENT_AS_OF};
use crate::engine::migration::{Migration, NEW_SINCE};
use crate::engine::pipeline::Analysis;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The answer to "segments at this earlier date": the view, or what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationReply {
    pub as_of: NaiveDate,
    pub outcome: Result<MigrationView, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationView {
    pub as_of: NaiveDate,
    pub reference_date: NaiveDate,
    pub heatmap: MigrationHeatmapInput,
    /// `shares[row][column]`: the count's share of its row.
    pub shares: Vec<Vec<f64>>,
    pub row_totals: Vec<usize>,
    /// The matrix's total: today's customers.
    pub customers: usize,
    pub new_since: usize,
    /// The largest moves, in words.
    pub flows: Vec<String>,
    /// How the earlier segments were made, and where they are exported.
    pub note: String,
}

impl MigrationView {
    pub fn of(migration: &Migration, analysis: &Analysis) -> Self {
        let heatmap = MigrationHeatmapInput {
            rows: migration.from.clone(),
            columns: migration.to.clone(),
            counts: migration.counts.clone(),
        };
        let shares = (0..heatmap.rows.len())
            .map(|r| {
                (0..heatmap.columns.len())
                    .map(|c| heatmap.row_share(r, c))
                    .collect()
            })
            .collect();
        let row_totals: Vec<usize> = migration.counts.iter().map(|r| r.iter().sum()).collect();
        let scores = match analysis.settings.scoring {
            crate::engine::cut_points::Scoring::Quantiles => {
                "its scores are quantiles of the customers who had bought by then"
            }
            crate::engine::cut_points::Scoring::CutPoints(_) => {
                "its scores use the same cut points as today's"
            }
        };
        let note = format!(
            "Earlier segments are computed from purchases before {as_of} with the same definitions and segments as today's; {scores}. {} of today's customers had not bought by then (\"{NEW_SINCE}\"). The customers CSV now carries each customer's earlier segment in the column {PREVIOUS_SEGMENT} (and the date in {PREVIOUS_SEGMENT_AS_OF}).",
            thousands(migration.new_since as u64),
            as_of = migration.as_of,
        );
        Self {
            as_of: migration.as_of,
            reference_date: migration.reference_date,
            customers: row_totals.iter().sum(),
            row_totals,
            shares,
            heatmap,
            new_since: migration.new_since,
            flows: migration.flows.iter().map(|f| f.words.clone()).collect(),
            note,
        }
    }
}
