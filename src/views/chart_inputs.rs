//! Chart inputs built from a run's results: what each dashboard chart shows.

use crate::charts::{
    AxisScale, Bar, BarsInput, CohortHeatmapInput, CohortRow, HistogramInput, KSweepInput,
    KSweepPoint, MonthRevenue, MonthlyRevenueInput, NumberFormat, RfHeatmapInput, ScatterPoint,
    SnakeInput, SnakeSeries,
};
use crate::engine::cohorts::CohortTable;
use crate::engine::features::FEATURE_NAMES;
use crate::engine::ledger::MonthlyRevenue;
use crate::engine::pipeline::Analysis;
use chrono::Datelike;

pub fn k_sweep(analysis: &Analysis) -> KSweepInput {
    KSweepInput {
        points: analysis
            .sweep
            .iter()
            .map(|c| KSweepPoint {
                k: c.k,
                inertia: c.inertia,
                silhouette: Some(c.silhouette),
            })
            .collect(),
        recommended_k: Some(analysis.recommendation.k),
        chosen_k: Some(analysis.chosen_k),
    }
}

/// Cohort retention; `None` for an imported RFM table (no transactions).
pub fn cohort_heatmap(analysis: &Analysis) -> Option<CohortHeatmapInput> {
    cohort_rows(analysis.cohorts.as_ref()?)
}

/// One row per month in which customers first bought, labelled with the
/// cohort's size; months without new customers are left out.
pub fn cohort_rows(table: &CohortTable) -> Option<CohortHeatmapInput> {
    let rows: Vec<CohortRow> = table
        .months
        .iter()
        .zip(&table.sizes)
        .zip(&table.retention)
        .filter(|((_, size), _)| **size > 0)
        .map(|((month, size), retention)| CohortRow {
            label: format!(
                "{month} ({})",
                NumberFormat::Grouped(0).format(*size as f64)
            ),
            retention: retention.clone(),
        })
        .collect();
    (!rows.is_empty()).then_some(CohortHeatmapInput { rows })
}

/// Customers per (R score, F score) cell.
pub fn rf_heatmap(analysis: &Analysis) -> RfHeatmapInput {
    let bins = usize::from(analysis.scores.bins);
    let mut counts = vec![0.0; bins * bins];
    for (r, f) in analysis
        .scores
        .r
        .scores
        .iter()
        .zip(&analysis.scores.f.scores)
    {
        let (r, f) = (usize::from(*r), usize::from(*f));
        if (1..=bins).contains(&r) && (1..=bins).contains(&f) {
            counts[(r - 1) * bins + (f - 1)] += 1.0;
        }
    }
    RfHeatmapInput::counts(bins, counts)
}

/// Customers per segment, largest first, each segment in its grid colour order.
pub fn segment_sizes(analysis: &Analysis) -> BarsInput {
    BarsInput {
        bars: analysis
            .segment_summaries
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                value: s.customers as f64,
                colour: Some(0),
            })
            .collect(),
        value_format: NumberFormat::Grouped(0),
        value_axis_label: "Customers".into(),
    }
}

/// Revenue share per segment (fractions).
pub fn segment_revenue(analysis: &Analysis) -> BarsInput {
    BarsInput {
        bars: analysis
            .segment_summaries
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                value: s.revenue_share,
                colour: Some(1),
            })
            .collect(),
        value_format: NumberFormat::Percent(1),
        value_axis_label: "Share of revenue (%)".into(),
    }
}

/// Standardised feature means per cluster of the chosen k.
pub fn snake(analysis: &Analysis) -> SnakeInput {
    SnakeInput {
        features: FEATURE_NAMES.iter().map(|f| format!("log {f}")).collect(),
        clusters: analysis
            .profiles
            .iter()
            .map(|p| SnakeSeries {
                name: p.name.clone(),
                colour: p.cluster,
                means: p.centroid.to_vec(),
            })
            .collect(),
    }
}

/// Which view of the customers the scatter shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ScatterView {
    /// log(1 + recency days) against log(1 + monetary).
    RecencyMonetary,
    /// First two principal components of the standardised features.
    Pca,
    /// The t-SNE map of a sample (computed on request: see
    /// [`crate::views::dashboard::ScatterPlot::of_embedding`]).
    Tsne,
}

/// Points (x, y, cluster) for the chosen k, the axis labels, and the axis ranges.
pub fn scatter(analysis: &Analysis, view: ScatterView) -> (Vec<ScatterPoint>, (String, String)) {
    let cluster = |i: usize| analysis.cluster_of(i);
    match view {
        ScatterView::RecencyMonetary => (
            analysis
                .rfm
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        (r.recency_days.max(0) as f64).ln_1p(),
                        r.monetary.max(0.0).ln_1p(),
                        cluster(i),
                    )
                })
                .collect(),
            (
                "log(1 + recency in days)".into(),
                "log(1 + monetary)".into(),
            ),
        ),
        ScatterView::Tsne => (Vec::new(), tsne_axes()),
        ScatterView::Pca => {
            let axes = principal_axes(&analysis.features);
            (
                analysis
                    .features
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (dot(&axes[0], p), dot(&axes[1], p), cluster(i)))
                    .collect(),
                (
                    "Principal component 1".into(),
                    "Principal component 2".into(),
                ),
            )
        }
    }
}

/// t-SNE's axes have no units: only closeness on the map means something.
pub fn tsne_axes() -> (String, String) {
    ("t-SNE 1".into(), "t-SNE 2".into())
}

fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The two leading eigenvectors of the 3×3 covariance matrix (power
/// iteration with deflation; the features are already centred).
pub fn principal_axes(points: &[[f64; 3]]) -> [[f64; 3]; 2] {
    let n = points.len().max(1) as f64;
    let mut cov = [[0.0; 3]; 3];
    for p in points {
        for i in 0..3 {
            for j in 0..3 {
                cov[i][j] += p[i] * p[j] / n;
            }
        }
    }
    let leading = |m: &[[f64; 3]; 3]| {
        let mut v = [1.0, 0.7, 0.3];
        for _ in 0..200 {
            let w = [0, 1, 2].map(|i| dot(&m[i], &v));
            let norm = dot(&w, &w).sqrt();
            if norm < 1e-12 {
                break;
            }
            v = w.map(|x| x / norm);
        }
        v
    };
    let first = leading(&cov);
    let lambda = dot(&[0, 1, 2].map(|i| dot(&cov[i], &first)), &first);
    let mut deflated = cov;
    for i in 0..3 {
        for j in 0..3 {
            deflated[i][j] -= lambda * first[i] * first[j];
        }
    }
    // Re-orthogonalise: power iteration converges slowly when the smaller
    // eigenvalues are close, and the axes must be perpendicular.
    let second = leading(&deflated);
    let along = dot(&second, &first);
    let second = [0, 1, 2].map(|i| second[i] - along * first[i]);
    let norm = dot(&second, &second).sqrt().max(1e-12);
    [first, second.map(|x| x / norm)]
}

/// Values of R, F or M for the distribution histograms.
pub fn distribution(analysis: &Analysis, feature: usize, log: bool) -> HistogramInput {
    let values = analysis
        .rfm
        .rows
        .iter()
        .map(|r| match feature {
            0 => r.recency_days as f64,
            1 => f64::from(r.frequency),
            _ => r.monetary,
        })
        .collect();
    let x_label = match feature {
        0 => "Recency (days since last purchase)",
        1 => "Frequency (purchases)",
        _ => "Monetary (file's currency)",
    };
    HistogramInput {
        values,
        bins: 30,
        scale: if log {
            AxisScale::Log10
        } else {
            AxisScale::Linear
        },
        x_label: x_label.into(),
        y_label: "Customers".into(),
        colour: feature + 4,
    }
}

pub fn monthly_revenue(monthly: &[MonthlyRevenue]) -> MonthlyRevenueInput {
    MonthlyRevenueInput {
        months: monthly
            .iter()
            .map(|m| MonthRevenue {
                year: m.month.year(),
                month: m.month.month(),
                revenue: m.revenue,
            })
            .collect(),
        currency_symbol: String::new(),
        colour: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohort_rows_skip_empty_months_and_label_sizes() {
        let table = CohortTable {
            months: vec!["2011-01".into(), "2011-02".into(), "2011-03".into()],
            sizes: vec![1200, 0, 2],
            retention: vec![
                vec![Some(1.0), Some(0.25), Some(0.5)],
                vec![None, None, None],
                vec![Some(1.0), None, None],
            ],
            earlier_customers: 0,
        };
        let input = cohort_rows(&table).unwrap();
        let labels: Vec<&str> = input.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["2011-01 (1,200)", "2011-03 (2)"]);
        assert_eq!(input.rows[0].retention, table.retention[0]);
        assert_eq!(input.columns(), 3);
        assert_eq!(cohort_rows(&CohortTable::default()), None);
    }

    #[test]
    fn principal_axes_find_the_main_direction() {
        // Centred points spread along (1, 1, 0), with a little spread along z.
        let points: Vec<[f64; 3]> = (-50..=50)
            .flat_map(|i| [[i as f64, i as f64, 0.1], [i as f64, i as f64, -0.1]])
            .collect();
        let [first, second] = principal_axes(&points);
        let s = std::f64::consts::FRAC_1_SQRT_2;
        assert!(
            (first[0].abs() - s).abs() < 1e-6 && (first[1].abs() - s).abs() < 1e-6,
            "{first:?}"
        );
        assert!(dot(&first, &second).abs() < 1e-6, "axes must be orthogonal");
    }
}
