//! Recency score × frequency score grid, coloured by a value per cell
//! (usually the customer count) with the value printed in each cell.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::{NumberFormat, MISSING};
use super::layout::{
    draw_heatmap_cell, draw_no_data, ensure_min_size, fill_background, finite_min_max, style_mesh,
    widest, x_label_area, y_label_area, MARGIN_PX,
};
use super::theme::Theme;

pub const FREQUENCY_AXIS_LABEL: &str = "Frequency score";

/// "Recency score (5 = most recent)" for 5 bins.
pub fn recency_axis_label(bins: usize) -> String {
    format!("Recency score ({bins} = most recent)")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfHeatmapInput {
    /// Scores run 1..=bins on both axes.
    pub bins: usize,
    /// `bins × bins` values, row-major by recency score:
    /// `values[(r - 1) * bins + (f - 1)]`. NaN marks a missing cell.
    pub values: Vec<f64>,
    pub value_format: NumberFormat,
}

impl RfHeatmapInput {
    /// Customer counts (integers with thousands separators).
    pub fn counts(bins: usize, values: Vec<f64>) -> Self {
        RfHeatmapInput {
            bins,
            values,
            value_format: NumberFormat::Grouped(0),
        }
    }

    pub fn value(&self, recency_score: usize, frequency_score: usize) -> Option<f64> {
        let index = (recency_score.checked_sub(1)?) * self.bins + frequency_score.checked_sub(1)?;
        self.values.get(index).copied()
    }
}

/// Recency on x, frequency on y. Colour scale starts at `min(0, smallest)` so
/// counts are compared against zero, not against the emptiest cell.
pub fn draw_rf_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &RfHeatmapInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let bins = input.bins;
    if bins == 0 || input.values.is_empty() {
        return draw_no_data(area, theme);
    }
    if Some(input.values.len()) != bins.checked_mul(bins) {
        return Err(ChartError::InvalidInput(format!(
            "heatmap with {bins} bins needs {} values, got {}",
            bins.saturating_mul(bins),
            input.values.len()
        )));
    }
    let Some((min, max)) = finite_min_max(input.values.iter().copied()) else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    let (scale_lo, scale_hi) = (min.min(0.0), max);
    let colour_position = |v: f64| {
        if scale_hi > scale_lo {
            (v - scale_lo) / (scale_hi - scale_lo)
        } else {
            0.0
        }
    };

    let tick_style = theme.tick_style();
    let score_labels: Vec<String> = (1..=bins).map(|s| s.to_string()).collect();
    let bins_i32 = i32::try_from(bins)
        .map_err(|_| ChartError::InvalidInput(format!("{bins} bins is too many")))?;
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(
            theme,
            widest(area, &score_labels, &tick_style)?,
        ))
        .build_cartesian_2d(
            // A segmented `a..b` has a segment for every value in a..=b.
            (1..bins_i32).into_segmented(),
            (1..bins_i32).into_segmented(),
        )
        .map_err(ChartError::drawing)?;

    let format_score = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(score) => score.to_string(),
        _ => String::new(),
    };
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_mesh()
        .x_labels(bins + 1)
        .y_labels(bins + 1)
        .x_label_formatter(&format_score)
        .y_label_formatter(&format_score)
        .x_desc(recency_axis_label(bins))
        .y_desc(FREQUENCY_AXIS_LABEL)
        .draw()
        .map_err(ChartError::drawing)?;

    let cell_width = chart.plotting_area().dim_in_pixel().0 as i32 / bins_i32;
    for r in 1..=bins_i32 {
        for f in 1..=bins_i32 {
            let value = input.value(r as usize, f as usize).unwrap_or(f64::NAN);
            let (fill, text) = if value.is_finite() {
                let fill = theme.sequential(colour_position(value));
                (fill, input.value_format.format(value))
            } else {
                (theme.grid, MISSING.to_string())
            };
            draw_heatmap_cell(
                &mut chart,
                area,
                theme,
                (r, f),
                fill,
                &text,
                (cell_width, i32::MAX),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{RecordingBackend, Shape};

    fn five_by_five() -> RfHeatmapInput {
        RfHeatmapInput::counts(5, (0..25).map(|i| (i * 100) as f64).collect())
    }

    #[test]
    fn draws_every_cell_with_its_count_and_axis_labels() {
        let (area, rec) = RecordingBackend::area(500, 400);
        let input = five_by_five();
        let theme = Theme::light();
        draw_rf_heatmap(&area, &input, &theme).unwrap();

        assert!(rec.has_text("Recency score (5 = most recent)"));
        assert!(rec.has_text(FREQUENCY_AXIS_LABEL));
        assert!(rec.has_text("5"), "the top score is labelled");
        assert!(
            !rec.has_text("6"),
            "no empty row or column past the top score"
        );
        for i in 0..25 {
            let label = NumberFormat::Grouped(0).format((i * 100) as f64);
            assert!(rec.has_text(&label), "missing cell label {label}");
        }
        let cells: Vec<_> = rec
            .visible()
            .into_iter()
            .filter(|p| matches!(p.shape, Shape::Rect { filled: true, .. }))
            .filter(|p| p.colour != theme.background)
            .collect();
        assert_eq!(cells.len(), 25);
        // Lowest value gets the start of the scale, highest the end.
        assert!(cells.iter().any(|c| c.colour == theme.sequential(0.0)));
        assert!(cells.iter().any(|c| c.colour == theme.sequential(1.0)));
    }

    #[test]
    fn cell_text_contrasts_with_the_cell() {
        let (area, rec) = RecordingBackend::area(500, 400);
        let theme = Theme::light();
        draw_rf_heatmap(&area, &five_by_five(), &theme).unwrap();
        let texts = rec.texts_with_colour();
        let colour_of = |label: &str| texts.iter().find(|t| t.0 == label).map(|t| t.1);
        // 0 sits on the palest cell, 2,400 on the darkest.
        assert_eq!(colour_of("0"), Some(theme.text_on(theme.sequential(0.0))));
        assert_eq!(
            colour_of("2,400"),
            Some(theme.text_on(theme.sequential(1.0)))
        );
        assert_ne!(colour_of("0"), colour_of("2,400"));
    }

    #[test]
    fn wrong_cell_count_is_invalid_input() {
        let (area, _) = RecordingBackend::area(500, 400);
        let input = RfHeatmapInput::counts(5, vec![1.0; 24]);
        let result = draw_rf_heatmap(&area, &input, &Theme::light());
        assert!(matches!(result, Err(ChartError::InvalidInput(_))));
    }

    #[test]
    fn empty_all_nan_and_all_equal() {
        let (area, rec) = RecordingBackend::area(500, 400);
        let theme = Theme::dark();
        let empty = RfHeatmapInput::counts(0, vec![]);
        assert_eq!(
            draw_rf_heatmap(&area, &empty, &theme),
            Err(ChartError::NoData)
        );
        let nan = RfHeatmapInput::counts(2, vec![f64::NAN; 4]);
        assert_eq!(
            draw_rf_heatmap(&area, &nan, &theme),
            Err(ChartError::NoData)
        );

        rec.clear();
        let mut flat = RfHeatmapInput::counts(3, vec![7.0; 9]);
        flat.values[4] = f64::NAN;
        draw_rf_heatmap(&area, &flat, &theme).unwrap();
        assert_eq!(rec.texts().iter().filter(|t| *t == "7").count(), 8);
        assert!(rec.has_text(MISSING));
    }
}
