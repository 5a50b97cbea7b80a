//! Orders by weekday (rows, Monday on top) and hour of day (columns), each
//! cell coloured by its share of the busiest cell, with its count.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::compact;
use super::layout::{
    draw_heatmap_cell, draw_no_data, ensure_min_size, fill_background, style_mesh, widest,
    x_label_area, y_label_area, MARGIN_PX,
};
use super::theme::Theme;

pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
pub const HOUR_AXIS_LABEL: &str = "Hour of day";
pub const WEEKDAY_AXIS_LABEL: &str = "Weekday";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekdayHourInput {
    /// Orders per weekday (Monday first) and hour (0–23).
    pub counts: [[u64; 24]; 7],
}

pub fn draw_weekday_hour<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &WeekdayHourInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let busiest = input.counts.iter().flatten().copied().max().unwrap_or(0);
    if busiest == 0 {
        return draw_no_data(area, theme);
    }
    ensure_min_size(area, theme)?;
    let tick_style = theme.tick_style();
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &WEEKDAYS, &tick_style)?))
        .build_cartesian_2d((0..23).into_segmented(), (0..6).into_segmented())
        .map_err(ChartError::drawing)?;
    // Weekday d sits at y = 6 − d, so Monday is on top.
    let format_hour = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(h) if h % 3 == 0 => h.to_string(),
        _ => String::new(),
    };
    let format_day = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(y) => usize::try_from(6 - y)
            .ok()
            .and_then(|d| WEEKDAYS.get(d))
            .map_or(String::new(), |d| (*d).to_string()),
        _ => String::new(),
    };
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_mesh()
        .x_labels(25)
        .y_labels(8)
        .x_label_formatter(&format_hour)
        .y_label_formatter(&format_day)
        .x_desc(HOUR_AXIS_LABEL)
        .y_desc(WEEKDAY_AXIS_LABEL)
        .draw()
        .map_err(ChartError::drawing)?;
    let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
    let room = (plot_width as i32 / 24, plot_height as i32 / 7);
    for (day, row) in (0i32..).zip(&input.counts) {
        for (hour, &count) in (0i32..).zip(row) {
            if count == 0 {
                continue;
            }
            let fill = theme.sequential(count as f64 / busiest as f64);
            let text = compact(count as f64);
            draw_heatmap_cell(&mut chart, area, theme, (hour, 6 - day), fill, &text, room)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::{RecordingBackend, Shape};

    #[test]
    fn draws_busy_cells_with_counts_and_weekdays() {
        let mut counts = [[0u64; 24]; 7];
        counts[0][9] = 40;
        counts[2][14] = 10;
        counts[6][23] = 1;
        let (area, rec) = RecordingBackend::area(900, 400);
        let theme = Theme::light();
        draw_weekday_hour(&area, &WeekdayHourInput { counts }, &theme).unwrap();
        for label in [
            HOUR_AXIS_LABEL,
            WEEKDAY_AXIS_LABEL,
            "Mon",
            "Sun",
            "40",
            "10",
        ] {
            assert!(rec.has_text(label), "{label}");
        }
        let cells = rec
            .visible()
            .into_iter()
            .filter(|p| matches!(p.shape, Shape::Rect { filled: true, .. }))
            .filter(|p| p.colour != theme.background)
            .count();
        assert_eq!(cells, 3, "empty hours stay background");
        assert_eq!(rec.filled_rects(theme.sequential(1.0)).len(), 1);
        let texts = rec.texts_with_colour();
        let y_of = |label: &str| texts.iter().find(|t| t.0 == label).map(|t| t.2 .1);
        assert!(y_of("Mon").unwrap() < y_of("Sun").unwrap(), "Monday on top");
    }

    #[test]
    fn no_orders_is_no_data() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let input = WeekdayHourInput {
            counts: [[0; 24]; 7],
        };
        assert_eq!(
            draw_weekday_hour(&area, &input, &Theme::dark()),
            Err(ChartError::NoData)
        );
        assert!(rec.has_text(crate::charts::NO_DATA_MESSAGE));
    }
}
