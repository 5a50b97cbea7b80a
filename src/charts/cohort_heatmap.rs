//! Cohort retention heatmap: one row per first-purchase month (earliest at
//! the top), one column per month since the first purchase, each cell
//! coloured by the share of the cohort that bought then, on a fixed 0–100 %
//! scale so charts of different shops compare.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::NumberFormat;
use super::layout::{
    draw_heatmap_cell, draw_no_data, ensure_min_size, fill_background, style_mesh, widest,
    x_label_area, y_label_area, MARGIN_PX,
};
use super::theme::Theme;

pub const COHORT_AXIS_LABEL: &str = "First purchase month";
pub const MONTHS_SINCE_AXIS_LABEL: &str = "Months since first purchase";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortRow {
    /// Shown on the y axis, e.g. `2010-12 (948)`.
    pub label: String,
    /// Share (0..=1) per month since the first purchase; `None` = not observed.
    pub retention: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortHeatmapInput {
    pub rows: Vec<CohortRow>,
}

impl CohortHeatmapInput {
    /// Columns: the longest row.
    pub fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.retention.len())
            .max()
            .unwrap_or(0)
    }
}

pub fn draw_cohort_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &CohortHeatmapInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let columns = input.columns();
    let observed = input
        .rows
        .iter()
        .flat_map(|r| r.retention.iter())
        .any(|v| v.is_some_and(f64::is_finite));
    if columns == 0 || !observed {
        return draw_no_data(area, theme);
    }
    if let Some(bad) = input
        .rows
        .iter()
        .flat_map(|r| r.retention.iter().flatten())
        .find(|v| !(0.0..=1.0).contains(*v))
    {
        return Err(ChartError::InvalidInput(format!(
            "retention {bad} is not a share between 0 and 1"
        )));
    }
    ensure_min_size(area, theme)?;
    let too_many =
        |n: usize| ChartError::InvalidInput(format!("{n} cohorts or months is too many"));
    let rows_i32 = i32::try_from(input.rows.len()).map_err(|_| too_many(input.rows.len()))?;
    let columns_i32 = i32::try_from(columns).map_err(|_| too_many(columns))?;

    let tick_style = theme.tick_style();
    let labels: Vec<&str> = input.rows.iter().map(|r| r.label.as_str()).collect();
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &labels, &tick_style)?))
        // A segmented `a..b` has a segment for every value in a..=b.
        .build_cartesian_2d(
            (0..columns_i32 - 1).into_segmented(),
            (0..rows_i32 - 1).into_segmented(),
        )
        .map_err(ChartError::drawing)?;

    // Row i sits at y = rows − 1 − i, so the earliest cohort is on top.
    let row_at = |y: i32| usize::try_from(rows_i32 - 1 - y).ok();
    let format_month = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(m) => m.to_string(),
        _ => String::new(),
    };
    let format_cohort = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(y) => row_at(*y)
            .and_then(|i| labels.get(i))
            .map_or(String::new(), |l| l.to_string()),
        _ => String::new(),
    };
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_mesh()
        .x_labels(columns + 1)
        .y_labels(input.rows.len() + 1)
        .x_label_formatter(&format_month)
        .y_label_formatter(&format_cohort)
        .x_desc(MONTHS_SINCE_AXIS_LABEL)
        .y_desc(COHORT_AXIS_LABEL)
        .draw()
        .map_err(ChartError::drawing)?;

    let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
    let room = (
        plot_width as i32 / columns_i32,
        plot_height as i32 / rows_i32,
    );
    let percent = NumberFormat::Percent(0);
    for (i, row) in input.rows.iter().enumerate() {
        let y = rows_i32 - 1 - i as i32;
        for (m, value) in row.retention.iter().enumerate() {
            // Unobserved cells stay background: the triangle shows the data's end.
            let Some(share) = value else { continue };
            let fill = theme.sequential(*share);
            let text = percent.format(*share);
            draw_heatmap_cell(&mut chart, area, theme, (m as i32, y), fill, &text, room)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{RecordingBackend, Shape};

    fn triangle() -> CohortHeatmapInput {
        CohortHeatmapInput {
            rows: vec![
                CohortRow {
                    label: "2011-01 (4)".into(),
                    retention: vec![Some(1.0), Some(0.5), Some(0.25)],
                },
                CohortRow {
                    label: "2011-02 (2)".into(),
                    retention: vec![Some(1.0), Some(0.0), None],
                },
                CohortRow {
                    label: "2011-03 (3)".into(),
                    retention: vec![Some(1.0), None, None],
                },
            ],
        }
    }

    #[test]
    fn draws_observed_cells_with_percentages_and_labels() {
        let (area, rec) = RecordingBackend::area(600, 400);
        let theme = Theme::light();
        draw_cohort_heatmap(&area, &triangle(), &theme).unwrap();
        assert!(rec.has_text(COHORT_AXIS_LABEL));
        assert!(rec.has_text(MONTHS_SINCE_AXIS_LABEL));
        for label in ["2011-01 (4)", "2011-02 (2)", "2011-03 (3)"] {
            assert!(rec.has_text(label), "{label}");
        }
        for text in ["100%", "50%", "25%", "0%"] {
            assert!(rec.has_text(text), "{text}");
        }
        let cells: Vec<_> = rec
            .visible()
            .into_iter()
            .filter(|p| matches!(p.shape, Shape::Rect { filled: true, .. }))
            .filter(|p| p.colour != theme.background)
            .collect();
        assert_eq!(cells.len(), 6, "only observed cells are drawn");
        assert!(rec.has_text("2"), "the last month is labelled");
        assert!(!rec.has_text("3"), "no empty column after the last month");
        assert_eq!(rec.filled_rects(theme.sequential(1.0)).len(), 3);
        assert_eq!(rec.filled_rects(theme.sequential(0.0)).len(), 1);
    }

    #[test]
    fn earliest_cohort_is_on_top() {
        let (area, rec) = RecordingBackend::area(600, 400);
        draw_cohort_heatmap(&area, &triangle(), &Theme::light()).unwrap();
        let texts = rec.texts_with_colour();
        let y_of = |label: &str| texts.iter().find(|t| t.0 == label).map(|t| t.2 .1);
        assert!(y_of("2011-01 (4)").unwrap() < y_of("2011-03 (3)").unwrap());
    }

    #[test]
    fn empty_unobserved_and_invalid() {
        let (area, _) = RecordingBackend::area(600, 400);
        let theme = Theme::dark();
        let empty = CohortHeatmapInput { rows: vec![] };
        assert_eq!(
            draw_cohort_heatmap(&area, &empty, &theme),
            Err(ChartError::NoData)
        );
        let unobserved = CohortHeatmapInput {
            rows: vec![CohortRow {
                label: "2011-01 (0)".into(),
                retention: vec![None, None],
            }],
        };
        assert_eq!(
            draw_cohort_heatmap(&area, &unobserved, &theme),
            Err(ChartError::NoData)
        );
        let mut bad = triangle();
        bad.rows[0].retention[1] = Some(1.5);
        assert!(matches!(
            draw_cohort_heatmap(&area, &bad, &theme),
            Err(ChartError::InvalidInput(_))
        ));
    }
}
