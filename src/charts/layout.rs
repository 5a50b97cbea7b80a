//! Pieces every chart shares: background, "No data" notice, legend strip,
//! axis styling and label-area sizing.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::RangedCoordi32;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::ChartError;
use super::theme::Theme;

/// Text shown when a chart has nothing to plot.
pub const NO_DATA_MESSAGE: &str = "No data";

/// Space around the plot, CSS px.
pub(crate) const MARGIN_PX: f64 = 8.0;

pub(crate) fn fill_background<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(ChartError::drawing)
}

/// Draws a centred notice and returns [`ChartError::NoData`] so callers know.
pub(crate) fn draw_no_data<DB: DrawingBackend, T>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
) -> Result<T, ChartError> {
    draw_centred_message(area, theme, NO_DATA_MESSAGE)?;
    Err(ChartError::NoData)
}

pub(crate) fn draw_centred_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    message: &str,
) -> Result<(), ChartError> {
    let (width, height) = area.dim_in_pixel();
    let style = theme
        .font(theme.label_font_px, theme.muted)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let centre = (width as i32 / 2, height as i32 / 2);
    area.draw(&Text::new(message.to_string(), centre, style))
        .map_err(ChartError::drawing)
}

/// Refuses areas too small for axes; a chart squeezed below this only
/// produces plotters layout errors.
pub(crate) fn ensure_min_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
) -> Result<(), ChartError> {
    let (width, height) = area.dim_in_pixel();
    let min = theme.px(60.0) as u32;
    if width < min || height < min {
        return Err(ChartError::AreaTooSmall { width, height });
    }
    Ok(())
}

pub(crate) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<u32, ChartError> {
    area.estimate_text_size(text, style)
        .map(|(width, _)| width)
        .map_err(ChartError::drawing)
}

/// Width of the widest label, in canvas px.
pub(crate) fn widest<DB: DrawingBackend, S: AsRef<str>>(
    area: &DrawingArea<DB, Shift>,
    labels: &[S],
    style: &TextStyle,
) -> Result<u32, ChartError> {
    let mut widest = 0;
    for label in labels {
        widest = widest.max(text_width(area, label.as_ref(), style)?);
    }
    Ok(widest)
}

/// Height for the x label area: tick labels, then the axis description.
pub(crate) fn x_label_area(theme: &Theme) -> u32 {
    theme
        .px(theme.tick_font_px + theme.label_font_px + 16.0)
        .ceil() as u32
}

/// Width for a y label area whose widest tick label is `tick_width` canvas px.
pub(crate) fn y_label_area(theme: &Theme, tick_width: u32) -> u32 {
    tick_width + theme.px(theme.label_font_px + 16.0).ceil() as u32
}

/// Consistent axes: grid lines only at labelled ticks, muted axis lines.
pub(crate) fn style_mesh<X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, X, Y, DB>,
    theme: &Theme,
) {
    // Light lines are hidden by colour, not by a zero count: plotters' integer
    // key-point search overflows when asked for zero points.
    mesh.bold_line_style(theme.grid.stroke_width(1))
        .max_light_lines(1)
        .light_line_style(TRANSPARENT)
        .axis_style(theme.muted.stroke_width(1))
        .label_style(theme.tick_style())
        .axis_desc_style(theme.label_style())
        .set_all_tick_mark_size(theme.px_i32(4.0));
}

/// One legend entry: a colour swatch and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub colour: RGBColor,
    pub label: String,
}

impl LegendEntry {
    pub fn new(colour: RGBColor, label: impl Into<String>) -> Self {
        LegendEntry {
            colour,
            label: label.into(),
        }
    }
}

/// Draws `entries` left to right (wrapping) in a strip at the top of `area`
/// and returns the remaining area below it. The legend sits outside the plot
/// so points drawn later (scatter) cannot cover it.
pub(crate) fn legend_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    theme: &Theme,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let style = theme.tick_style().pos(Pos::new(HPos::Left, VPos::Center));
    let swatch = theme.px_i32(10.0);
    let gap = theme.px_i32(6.0);
    let entry_gap = theme.px_i32(16.0);
    let row_height = theme.px(theme.tick_font_px * 1.8).ceil() as i32;
    let margin = theme.px_i32(MARGIN_PX);
    let (width, _) = area.dim_in_pixel();
    let max_x = width as i32 - margin;

    // Lay out first so the strip is exactly as tall as its rows.
    let mut placed = Vec::with_capacity(entries.len());
    let (mut x, mut row) = (margin, 0);
    for entry in entries {
        let entry_width = swatch + gap + text_width(area, &entry.label, &style)? as i32;
        if x > margin && x + entry_width > max_x {
            x = margin;
            row += 1;
        }
        placed.push((x, row));
        x += entry_width + entry_gap;
    }
    let strip_height = (row + 1) * row_height + theme.px_i32(4.0);
    let (strip, rest) = area.split_vertically(strip_height);

    for (entry, (x, row)) in entries.iter().zip(placed) {
        let centre_y = row * row_height + row_height / 2 + theme.px_i32(2.0);
        let square = [
            (x, centre_y - swatch / 2),
            (x + swatch, centre_y + swatch / 2),
        ];
        strip
            .draw(&Rectangle::new(square, entry.colour.filled()))
            .map_err(ChartError::drawing)?;
        let text = Text::new(
            entry.label.clone(),
            (x + swatch + gap, centre_y),
            style.clone(),
        );
        strip.draw(&text).map_err(ChartError::drawing)?;
    }
    Ok(rest)
}

/// Pads a value range so a flat series still gets a visible axis; returns
/// `None` for an empty or non-finite range.
pub(crate) fn padded_range(min: f64, max: f64, pad_fraction: f64) -> Option<(f64, f64)> {
    if !min.is_finite() || !max.is_finite() || min > max {
        return None;
    }
    let magnitude = min.abs().max(max.abs());
    let range = if max - min < magnitude.max(1.0) * MIN_RELATIVE_SPAN {
        // Equal (or equal but for rounding): a span around the value.
        let pad = if magnitude == 0.0 {
            1.0
        } else {
            magnitude * 0.1
        };
        (min - pad, max + pad)
    } else {
        let pad = (max - min) * pad_fraction;
        (min - pad, max + pad)
    };
    plottable(range.0, range.1).then_some(range)
}

/// The largest magnitude an axis may reach: plotters maps values to pixels
/// with `i32` arithmetic that overflows far beyond the drawing.
pub(crate) const MAX_AXIS_MAGNITUDE: f64 = 1e15;

/// The narrowest an axis may be, relative to its values: plotters' key
/// points never end on a span that floating point cannot step through.
const MIN_RELATIVE_SPAN: f64 = 1e-9;

/// Whether `lo..hi` can be an axis: finite, increasing, within
/// [`MAX_AXIS_MAGNITUDE`], and wide enough for its magnitude.
pub(crate) fn plottable(lo: f64, hi: f64) -> bool {
    let magnitude = lo.abs().max(hi.abs()).max(1.0);
    lo.is_finite()
        && hi.is_finite()
        && lo < hi
        && magnitude <= MAX_AXIS_MAGNITUDE
        && hi - lo >= magnitude * MIN_RELATIVE_SPAN
}

/// Min and max of the finite values, if any.
pub(crate) fn finite_min_max(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Range from `min(0, lo)` to `max(0, hi)` (bars start at zero), widened so
/// an all-zero series still has an axis.
/// `None` when that range cannot be an axis (see [`plottable`]).
pub(crate) fn zero_based_range(lo: f64, hi: f64) -> Option<(f64, f64)> {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let range = if lo == hi { (0.0, 1.0) } else { (lo, hi) };
    plottable(range.0, range.1).then_some(range)
}

/// A grid of integer cells (the heatmaps' coordinate system).
pub(crate) type CellGrid =
    Cartesian2d<SegmentedCoord<RangedCoordi32>, SegmentedCoord<RangedCoordi32>>;

/// One heatmap cell: `fill` from the corner at (x, y) to (x + 1, y + 1) with a
/// one-pixel gap, and `text` centred on it in a colour readable on `fill`,
/// unless it is wider than `room.0` or taller than `room.1` pixels (skipped
/// rather than overlapping its neighbours).
pub(crate) fn draw_heatmap_cell<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, CellGrid>,
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    (x, y): (i32, i32),
    fill: RGBColor,
    text: &str,
    room: (i32, i32),
) -> Result<(), ChartError> {
    let gap = theme.px_i32(1.0);
    let corners = [
        (SegmentValue::Exact(x), SegmentValue::Exact(y + 1)),
        (SegmentValue::Exact(x + 1), SegmentValue::Exact(y)),
    ];
    let mut cell = Rectangle::new(corners, fill.filled());
    cell.set_margin(gap as u32, gap as u32, gap as u32, gap as u32);
    chart
        .draw_series(std::iter::once(cell))
        .map_err(ChartError::drawing)?;
    let style = theme.font(theme.tick_font_px, theme.text_on(fill));
    if text_width(area, text, &style)? as i32 > room.0 - 2 * gap
        || theme.px(theme.tick_font_px) as i32 > room.1 - 2 * gap
    {
        return Ok(());
    }
    let centre = (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y));
    let style = style.pos(Pos::new(HPos::Center, VPos::Center));
    chart
        .draw_series(std::iter::once(Text::new(text.to_string(), centre, style)))
        .map_err(ChartError::drawing)?;
    Ok(())
}
