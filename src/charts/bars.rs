//! Horizontal bars for segments (sizes, revenue share, …) with value labels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::NumberFormat;
use super::layout::{
    draw_no_data, ensure_min_size, fill_background, finite_min_max, style_mesh, widest,
    x_label_area, y_label_area, zero_based_range, MARGIN_PX,
};
use super::theme::Theme;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Palette index (e.g. the cluster id); `None` uses the bar's position.
    pub colour: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarsInput {
    /// Drawn top to bottom in this order.
    pub bars: Vec<Bar>,
    /// Value labels and tick labels, e.g. `Percent(1)` for shares given as fractions.
    pub value_format: NumberFormat,
    /// Value axis description with unit, e.g. "Customers" or "Share of revenue (%)".
    pub value_axis_label: String,
}

/// Longest category label, in characters, before it is cut with "…".
const MAX_LABEL_CHARS: usize = 28;

pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &BarsInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let Some((min, max)) = finite_min_max(input.bars.iter().map(|b| b.value)) else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    let (lo, hi) = zero_based_range(min, max).ok_or_else(|| {
        ChartError::InvalidInput(format!("values from {min} to {max} cannot be drawn"))
    })?;
    // Headroom on the side bars grow towards, for the value labels.
    let headroom = (hi - lo) * 0.18;
    let value_range =
        (if lo < 0.0 { lo - headroom } else { lo })..(if hi > 0.0 { hi + headroom } else { hi });

    let count = input.bars.len();
    let rows = i32::try_from(count)
        .map_err(|_| ChartError::InvalidInput(format!("{count} bars is too many")))?;
    let labels: Vec<String> = input.bars.iter().map(|b| shorten(&b.label)).collect();
    let tick_style = theme.tick_style();
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &labels, &tick_style)?))
        // A segmented `a..b` has a segment for every value in a..=b.
        .build_cartesian_2d(value_range, (0..rows - 1).into_segmented())
        .map_err(ChartError::drawing)?;

    // Row 0 is at the bottom in plotters; the first bar should be on top.
    let row_of = |index: usize| rows - 1 - index as i32;
    let format_row = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(row) => usize::try_from(rows - 1 - row)
            .ok()
            .and_then(|i| labels.get(i).cloned())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let format_value = |v: &f64| input.value_format.format(*v);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_y_mesh()
        .y_labels(count + 1)
        .x_labels(5)
        .y_label_formatter(&format_row)
        .x_label_formatter(&format_value)
        .x_desc(input.value_axis_label.as_str())
        .draw()
        .map_err(ChartError::drawing)?;

    let band = chart.plotting_area().dim_in_pixel().1 / count.max(1) as u32;
    let inset = band / 6;
    let pad = theme.px_i32(4.0);
    for (index, bar) in input.bars.iter().enumerate() {
        let row = row_of(index);
        let colour = theme.palette(bar.colour.unwrap_or(index));
        if bar.value.is_finite() {
            let corners = [
                (0.0, SegmentValue::Exact(row + 1)),
                (bar.value, SegmentValue::Exact(row)),
            ];
            let mut rect = Rectangle::new(corners, colour.filled());
            rect.set_margin(inset, inset, 0, 0);
            chart
                .draw_series(std::iter::once(rect))
                .map_err(ChartError::drawing)?;
        }
        // Label just past the bar end, on the side the bar grows towards.
        let text = input.value_format.format(bar.value);
        let value = if bar.value.is_finite() {
            bar.value
        } else {
            0.0
        };
        let (anchor, offset) = if value < 0.0 {
            (HPos::Right, -pad)
        } else {
            (HPos::Left, pad)
        };
        let style = theme.tick_style().pos(Pos::new(anchor, VPos::Center));
        let label = EmptyElement::at((value, SegmentValue::CenterOf(row)))
            + Text::new(text, (offset, 0), style);
        chart
            .draw_series(std::iter::once(label))
            .map_err(ChartError::drawing)?;
    }
    Ok(())
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_string();
    }
    let mut short: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;
    use crate::charts::theme::palette;

    fn segments() -> BarsInput {
        let bar = |label: &str, value: f64, colour: Option<usize>| Bar {
            label: label.to_string(),
            value,
            colour,
        };
        BarsInput {
            bars: vec![
                bar("Champions", 0.42, Some(5)),
                bar("Loyal", 0.31, Some(0)),
                bar("At risk", 0.19, None),
                bar("Hibernating", 0.08, None),
            ],
            value_format: NumberFormat::Percent(1),
            value_axis_label: "Share of revenue (%)".to_string(),
        }
    }

    #[test]
    fn one_bar_per_segment_in_palette_colours_with_labels() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let input = segments();
        draw_bars(&area, &input, &Theme::light()).unwrap();

        assert!(rec.has_text("Share of revenue (%)"));
        for text in ["Champions", "Loyal", "At risk", "Hibernating"] {
            assert!(rec.has_text(text), "missing category {text}");
        }
        for text in ["42.0%", "31.0%", "19.0%", "8.0%"] {
            assert!(rec.has_text(text), "missing value label {text}");
        }
        // Explicit colours are honoured; missing ones follow the position.
        let champions = rec.filled_rects(palette(5));
        let loyal = rec.filled_rects(palette(0));
        assert_eq!((champions.len(), loyal.len()), (1, 1));
        assert_eq!(rec.filled_rects(palette(2)).len(), 1);
        assert_eq!(rec.filled_rects(palette(3)).len(), 1);
        // First bar is on top and longest.
        let (c, l) = (champions[0], loyal[0]);
        assert!(c.0 .1 < l.0 .1);
        assert!(c.1 .0 - c.0 .0 > l.1 .0 - l.0 .0);
    }

    #[test]
    fn bars_fill_the_plot_with_no_empty_row() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let mut input = segments();
        draw_bars(&area, &input, &Theme::light()).unwrap();
        let top = |rec: &crate::charts::testing::Recording| {
            rec.filled_rects(palette(5))
                .first()
                .map(|(a, b)| a.1.min(b.1))
                .unwrap()
        };
        // The first bar starts within one row height of the top margin: no empty
        // segment above it (a segmented a..b has a segment per value in a..=b).
        let four = top(&rec);
        assert!(four < 40, "first bar starts at y = {four}");
        input.bars.truncate(1);
        rec.clear();
        draw_bars(&area, &input, &Theme::light()).unwrap();
        assert_eq!(
            rec.filled_rects(palette(5)).len(),
            1,
            "a single bar is drawn"
        );
    }

    #[test]
    fn nan_values_skip_the_bar_but_keep_the_row() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let mut input = segments();
        input.bars[1].value = f64::NAN;
        draw_bars(&area, &input, &Theme::light()).unwrap();
        assert!(rec.filled_rects(palette(0)).is_empty());
        assert!(rec.has_text("Loyal") && rec.has_text(crate::charts::format::MISSING));
    }

    #[test]
    fn empty_and_all_zero() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let mut input = segments();
        input.bars.clear();
        assert_eq!(
            draw_bars(&area, &input, &Theme::light()),
            Err(ChartError::NoData)
        );
        let mut zeros = segments();
        zeros.bars.iter_mut().for_each(|b| b.value = 0.0);
        rec.clear();
        draw_bars(&area, &zeros, &Theme::light()).unwrap();
        assert_eq!(rec.texts().iter().filter(|t| *t == "0.0%").count(), 4 + 1);
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("short"), "short");
        let long = "x".repeat(40);
        assert_eq!(shorten(&long).chars().count(), MAX_LABEL_CHARS);
        assert!(shorten(&long).ends_with('…'));
    }
}
