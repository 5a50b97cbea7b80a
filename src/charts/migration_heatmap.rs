//! Segment migration heatmap: one row per earlier segment (best at the
//! top, "New since" last), one column per current segment, each cell
//! coloured by its share of the row (where that earlier segment's customers
//! went) and labelled with the count. Segment names are long, so when they
//! do not fit under their columns, columns are numbered and the rows carry
//! the same numbers.

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

pub const FROM_AXIS_LABEL: &str = "Segment at the earlier date";
pub const TO_AXIS_LABEL: &str = "Segment now";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationHeatmapInput {
    /// Earlier segments, top to bottom.
    pub rows: Vec<String>,
    /// Current segments, left to right.
    pub columns: Vec<String>,
    /// `counts[row][column]` customers.
    pub counts: Vec<Vec<usize>>,
}

impl MigrationHeatmapInput {
    /// The count's share of its row (0 for an empty row).
    pub fn row_share(&self, row: usize, column: usize) -> f64 {
        let Some(cells) = self.counts.get(row) else {
            return 0.0;
        };
        let total: usize = cells.iter().sum();
        match (total, cells.get(column)) {
            (0, _) | (_, None) => 0.0,
            (total, Some(&n)) => n as f64 / total as f64,
        }
    }
}

pub fn draw_migration_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &MigrationHeatmapInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let (rows, columns) = (input.rows.len(), input.columns.len());
    if rows == 0 || columns == 0 || input.counts.iter().flatten().all(|&n| n == 0) {
        return draw_no_data(area, theme);
    }
    if input.counts.len() != rows || input.counts.iter().any(|r| r.len() != columns) {
        return Err(ChartError::InvalidInput(format!(
            "a {rows} × {columns} migration needs {rows} rows of {columns} counts"
        )));
    }
    ensure_min_size(area, theme)?;
    let too_many = |n: usize| ChartError::InvalidInput(format!("{n} segments is too many"));
    let rows_i32 = i32::try_from(rows).map_err(|_| too_many(rows))?;
    let columns_i32 = i32::try_from(columns).map_err(|_| too_many(columns))?;

    let tick_style = theme.tick_style();
    // Whether the names fit under their columns (estimated before the axes
    // exist: the plot is the area less a generous row-label allowance).
    let widest_column = widest(area, &input.columns, &tick_style)?;
    let row_allowance = widest(area, &input.rows, &tick_style)? + theme.px_u32(70.0);
    let plot_width = area.dim_in_pixel().0.saturating_sub(row_allowance);
    let numbered = widest_column + theme.px_u32(8.0) > plot_width / columns.max(1) as u32;
    let column_labels: Vec<String> = match numbered {
        true => (1..=columns).map(|i| i.to_string()).collect(),
        false => input.columns.clone(),
    };
    let row_labels: Vec<String> = input
        .rows
        .iter()
        .map(|name| match input.columns.iter().position(|c| c == name) {
            Some(i) if numbered => format!("{name} ({})", i + 1),
            _ => name.clone(),
        })
        .collect();
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &row_labels, &tick_style)?))
        // A segmented `a..b` has a segment for every value in a..=b.
        .build_cartesian_2d(
            (0..columns_i32 - 1).into_segmented(),
            (0..rows_i32 - 1).into_segmented(),
        )
        .map_err(ChartError::drawing)?;

    // Row i sits at y = rows − 1 − i, so the first row is on top.
    let row_at = |y: i32| usize::try_from(rows_i32 - 1 - y).ok();
    let format_column = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(x) => usize::try_from(*x)
            .ok()
            .and_then(|i| column_labels.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let format_row = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(y) => row_at(*y)
            .and_then(|i| row_labels.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let x_desc = match numbered {
        true => format!("{TO_AXIS_LABEL} (numbered as in the rows)"),
        false => TO_AXIS_LABEL.to_string(),
    };
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_mesh()
        .x_labels(columns + 1)
        .y_labels(rows + 1)
        .x_label_formatter(&format_column)
        .y_label_formatter(&format_row)
        .x_desc(x_desc)
        .y_desc(FROM_AXIS_LABEL)
        .draw()
        .map_err(ChartError::drawing)?;

    let (width, height) = chart.plotting_area().dim_in_pixel();
    let room = (width as i32 / columns_i32, height as i32 / rows_i32);
    let format = NumberFormat::Grouped(0);
    for (i, row) in input.counts.iter().enumerate() {
        let y = rows_i32 - 1 - i as i32;
        for (c, &n) in row.iter().enumerate() {
            let fill = theme.sequential(input.row_share(i, c));
            let text = format.format(n as f64);
            draw_heatmap_cell(&mut chart, area, theme, (c as i32, y), fill, &text, room)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{RecordingBackend, Shape};

    fn input() -> MigrationHeatmapInput {
        MigrationHeatmapInput {
            rows: vec!["Loyal".into(), "At Risk".into(), "New since".into()],
            columns: vec!["Loyal".into(), "At Risk".into()],
            counts: vec![vec![50, 212], vec![3, 40], vec![7, 0]],
        }
    }

    #[test]
    fn draws_counts_coloured_by_row_share() {
        let (area, rec) = RecordingBackend::area(900, 400);
        let theme = Theme::light();
        draw_migration_heatmap(&area, &input(), &theme).unwrap();
        for text in [
            "50",
            "212",
            "3",
            "40",
            "7",
            "0",
            "Loyal",
            "At Risk",
            "New since",
            FROM_AXIS_LABEL,
            TO_AXIS_LABEL,
        ] {
            assert!(rec.has_text(text), "{text}");
        }
        // "New since" went all to Loyal: a full share; its empty cell none.
        assert_eq!(rec.filled_rects(theme.sequential(1.0)).len(), 1);
        assert_eq!(rec.filled_rects(theme.sequential(0.0)).len(), 1);
        let cells: Vec<_> = rec
            .visible()
            .into_iter()
            .filter(|p| matches!(p.shape, Shape::Rect { filled: true, .. }))
            .filter(|p| p.colour != theme.background)
            .collect();
        assert_eq!(cells.len(), 6);
        assert!((input().row_share(0, 1) - 212.0 / 262.0).abs() < 1e-12);
    }

    #[test]
    fn narrow_columns_are_numbered_and_rows_carry_the_numbers() {
        let (area, rec) = RecordingBackend::area(260, 300);
        let mut wide = input();
        wide.columns = vec!["Loyal customers of long standing".into(), "At Risk".into()];
        wide.rows[0] = "Loyal customers of long standing".into();
        draw_migration_heatmap(&area, &wide, &Theme::light()).unwrap();
        assert!(rec.has_text("Loyal customers of long standing (1)"));
        assert!(rec.has_text("At Risk (2)"));
        assert!(rec.has_text("New since"));
    }

    #[test]
    fn empty_and_inconsistent_input() {
        let (area, _) = RecordingBackend::area(600, 400);
        let theme = Theme::dark();
        let mut empty = input();
        empty.counts = vec![vec![0, 0]; 3];
        assert_eq!(
            draw_migration_heatmap(&area, &empty, &theme),
            Err(ChartError::NoData)
        );
        let mut ragged = input();
        ragged.counts[1].pop();
        assert!(matches!(
            draw_migration_heatmap(&area, &ragged, &theme),
            Err(ChartError::InvalidInput(_))
        ));
    }
}
