//! A grid of model values (expected purchases, P(alive)) over two numeric
//! axes, each cell coloured from 0 to the grid's largest value, with its
//! value written where it fits; the first row is at the bottom, as in
//! lifetimes' matrix plots turned the right way up.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::NumberFormat;
use super::layout::{
    draw_heatmap_cell, draw_no_data, ensure_min_size, fill_background, finite_min_max,
    legend_strip, style_mesh, widest, x_label_area, y_label_area, LegendEntry, MARGIN_PX,
};
use super::theme::Theme;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueHeatmapInput {
    pub x_labels: Vec<String>,
    /// Bottom to top.
    pub y_labels: Vec<String>,
    /// `values[y][x]`; NaN cells stay background.
    pub values: Vec<Vec<f64>>,
    pub value_format: NumberFormat,
    pub x_axis_label: String,
    pub y_axis_label: String,
}

/// Tick labels shown along an axis at most (the rest are skipped evenly).
const MAX_TICKS: usize = 12;

pub fn draw_value_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &ValueHeatmapInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let (columns, rows) = (input.x_labels.len(), input.y_labels.len());
    if input.values.len() != rows || input.values.iter().any(|r| r.len() != columns) {
        return Err(ChartError::InvalidInput(format!(
            "a {columns} × {rows} grid needs {rows} rows of {columns} values"
        )));
    }
    let Some((_, max)) = finite_min_max(input.values.iter().flatten().copied()) else {
        return draw_no_data(area, theme);
    };
    if columns == 0 || rows == 0 {
        return draw_no_data(area, theme);
    }
    ensure_min_size(area, theme)?;
    let too_many = |n: usize| ChartError::InvalidInput(format!("{n} cells is too many"));
    let columns_i32 = i32::try_from(columns).map_err(|_| too_many(columns))?;
    let rows_i32 = i32::try_from(rows).map_err(|_| too_many(rows))?;
    let scale = if max > 0.0 { max } else { 1.0 };
    // The colour scale's ends, so a cell reads without hovering.
    let legend = [
        LegendEntry::new(theme.sequential(0.0), "0 (lowest)"),
        LegendEntry::new(
            theme.sequential(1.0),
            format!("{} (highest)", input.value_format.format(scale)),
        ),
    ];
    let plot_area = legend_strip(area, &legend, theme)?;
    let tick_style = theme.tick_style();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(
            theme,
            widest(area, &input.y_labels, &tick_style)?,
        ))
        .build_cartesian_2d(
            (0..columns_i32 - 1).into_segmented(),
            (0..rows_i32 - 1).into_segmented(),
        )
        .map_err(ChartError::drawing)?;
    let (x_step, y_step) = (columns.div_ceil(MAX_TICKS), rows.div_ceil(MAX_TICKS));
    let label = |labels: &[String], step: usize, v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .filter(|i| i % step.max(1) == 0)
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let format_x = |v: &SegmentValue<i32>| label(&input.x_labels, x_step, v);
    let format_y = |v: &SegmentValue<i32>| label(&input.y_labels, y_step, v);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_mesh()
        .x_labels(columns + 1)
        .y_labels(rows + 1)
        .x_label_formatter(&format_x)
        .y_label_formatter(&format_y)
        .x_desc(input.x_axis_label.as_str())
        .y_desc(input.y_axis_label.as_str())
        .draw()
        .map_err(ChartError::drawing)?;
    let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
    let room = (
        plot_width as i32 / columns_i32,
        plot_height as i32 / rows_i32,
    );
    for (y, row) in (0i32..).zip(&input.values) {
        for (x, value) in (0i32..).zip(row) {
            if !value.is_finite() {
                continue;
            }
            let fill = theme.sequential((value / scale).clamp(0.0, 1.0));
            let text = input.value_format.format(*value);
            draw_heatmap_cell(&mut chart, area, theme, (x, y), fill, &text, room)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;

    fn grid() -> ValueHeatmapInput {
        ValueHeatmapInput {
            x_labels: vec!["0".into(), "1".into(), "2".into()],
            y_labels: vec!["0".into(), "30".into()],
            values: vec![vec![0.1, 0.5, f64::NAN], vec![0.2, 0.9, 1.0]],
            value_format: NumberFormat::Percent(0),
            x_axis_label: "Frequency".into(),
            y_axis_label: "Recency (days)".into(),
        }
    }

    #[test]
    fn cells_are_coloured_by_value_and_nan_stays_empty() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let theme = Theme::light();
        draw_value_heatmap(&area, &grid(), &theme).unwrap();
        for text in ["Frequency", "Recency (days)", "90%", "100%"] {
            assert!(rec.has_text(text), "{text}: {:?}", rec.texts());
        }
        // The largest value takes the scale's end (and its legend swatch); NaN draws nothing.
        assert!(rec.has_text("100% (highest)"), "{:?}", rec.texts());
        assert_eq!(rec.filled_rects(theme.sequential(1.0)).len(), 2);
        assert_eq!(rec.filled_rects(theme.sequential(0.5)).len(), 1);
        assert_eq!(rec.texts().iter().filter(|t| t.ends_with('%')).count(), 5);
        assert!(rec.has_text("0 (lowest)"));
    }

    #[test]
    fn empty_and_ragged() {
        let (area, _) = RecordingBackend::area(600, 300);
        let mut empty = grid();
        empty.values = vec![vec![f64::NAN; 3]; 2];
        assert!(matches!(
            draw_value_heatmap(&area, &empty, &Theme::light()),
            Err(ChartError::NoData)
        ));
        let mut ragged = grid();
        ragged.values[1].pop();
        assert!(matches!(
            draw_value_heatmap(&area, &ragged, &Theme::light()),
            Err(ChartError::InvalidInput(_))
        ));
    }
}
