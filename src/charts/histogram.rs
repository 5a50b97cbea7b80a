//! Histogram of one variable, with linear or log10 bins on x.
//!
//! Log rule: a log axis cannot show zero or negative values, so with
//! [`AxisScale::Log10`] values ≤ 0 are left out of the bins, counted in
//! [`Histogram::skipped_non_positive`] and reported in a note on the chart
//! ("3 values ≤ 0 not shown"). NaN/infinite values are always skipped.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::{compact, thousands};
use super::layout::{
    draw_no_data, ensure_min_size, fill_background, finite_min_max, padded_range, plottable,
    style_mesh, widest, x_label_area, y_label_area, MARGIN_PX,
};
use super::theme::Theme;

pub const CUSTOMERS_AXIS_LABEL: &str = "Customers";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AxisScale {
    #[default]
    Linear,
    /// Equal-width bins in log10(value); values ≤ 0 are skipped.
    Log10,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramInput {
    pub values: Vec<f64>,
    /// Number of bins (≥ 1).
    pub bins: usize,
    pub scale: AxisScale,
    /// With unit, e.g. "Recency (days)" or "Monetary (£)".
    pub x_label: String,
    /// Usually [`CUSTOMERS_AXIS_LABEL`].
    pub y_label: String,
    /// Palette index of the bars.
    pub colour: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistogramBin {
    /// Lower edge (inclusive), in data units.
    pub lo: f64,
    /// Upper edge (exclusive, except for the last bin), in data units.
    pub hi: f64,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub bins: Vec<HistogramBin>,
    pub scale: AxisScale,
    pub skipped_non_finite: usize,
    /// Only with [`AxisScale::Log10`]: values ≤ 0.
    pub skipped_non_positive: usize,
}

/// Splits the finite values into `bins` equal-width bins (in log10 space for
/// `Log10`). All-equal values get one range of ±10% around the value (±0.5 for
/// zero) so they land in a visible middle bin. `NoData` if nothing is left.
/// The most bins a histogram is computed with.
pub const MAX_BINS: usize = 500;

pub fn compute_histogram(
    values: &[f64],
    bins: usize,
    scale: AxisScale,
) -> Result<Histogram, ChartError> {
    if bins == 0 {
        return Err(ChartError::InvalidInput(
            "histogram needs at least one bin".into(),
        ));
    }
    // More bars than a chart has pixels says nothing (and would be allocated).
    let bins = bins.min(MAX_BINS);
    let skipped_non_finite = values.iter().filter(|v| !v.is_finite()).count();
    let to_axis = |v: f64| match scale {
        AxisScale::Linear => v,
        AxisScale::Log10 => v.log10(),
    };
    let from_axis = |a: f64| match scale {
        AxisScale::Linear => a,
        AxisScale::Log10 => 10f64.powf(a),
    };
    let kept: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && (scale == AxisScale::Linear || *v > 0.0))
        .map(to_axis)
        .collect();
    let skipped_non_positive = values.len() - skipped_non_finite - kept.len();
    let Some((min, max)) = finite_min_max(kept.iter().copied()) else {
        return Err(ChartError::NoData);
    };
    let (lo, hi) = if min == max {
        let pad = match scale {
            AxisScale::Linear if min == 0.0 => 0.5,
            AxisScale::Linear => min.abs() * 0.1,
            AxisScale::Log10 => 1.1f64.log10(),
        };
        (min - pad, max + pad)
    } else {
        (min, max)
    };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    for a in kept {
        // The maximum belongs to the last bin, not one past it.
        let index = (((a - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[index] += 1;
    }
    let bins = counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| HistogramBin {
            lo: from_axis(lo + width * i as f64),
            hi: from_axis(lo + width * (i + 1) as f64),
            count,
        })
        .collect();
    Ok(Histogram {
        bins,
        scale,
        skipped_non_finite,
        skipped_non_positive,
    })
}

/// "1", "10", "100", "1k": a log tick is drawn at whole powers of ten, or at
/// every key point when the data spans less than one decade.
fn log_tick_label(exponent: f64, spans_a_decade: bool) -> String {
    if !spans_a_decade || (exponent - exponent.round()).abs() < 1e-9 {
        compact(10f64.powf(exponent))
    } else {
        String::new()
    }
}

/// A histogram already binned (by the worker, from every customer's value):
/// what the page draws, without the values themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinnedHistogram {
    /// `None`: nothing to draw (no finite value, or none above 0 on a log axis).
    pub histogram: Option<Histogram>,
    pub x_label: String,
    pub y_label: String,
    pub colour: usize,
}

impl HistogramInput {
    pub fn binned(&self) -> BinnedHistogram {
        BinnedHistogram {
            histogram: compute_histogram(&self.values, self.bins, self.scale).ok(),
            x_label: self.x_label.clone(),
            y_label: self.y_label.clone(),
            colour: self.colour,
        }
    }
}

pub fn draw_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &HistogramInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    draw_binned_histogram(area, &input.binned(), theme)
}

pub fn draw_binned_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &BinnedHistogram,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let Some(histogram) = &input.histogram else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    let (first, last) = match (histogram.bins.first(), histogram.bins.last()) {
        (Some(first), Some(last)) => (first, last),
        _ => return draw_no_data(area, theme),
    };
    // Plot in axis space (log10 for log scale) so bins are equally wide.
    let to_axis = |v: f64| match histogram.scale {
        AxisScale::Linear => v,
        AxisScale::Log10 => v.log10(),
    };
    let (x_lo, x_hi) = (to_axis(first.lo), to_axis(last.hi));
    // A histogram arrives as data: its bins must lie on one drawable axis.
    let inside = |bin: &HistogramBin| {
        let (lo, hi) = (to_axis(bin.lo), to_axis(bin.hi));
        lo >= x_lo && hi <= x_hi && lo <= hi
    };
    if !plottable(x_lo, x_hi) || !histogram.bins.iter().all(inside) {
        return Err(ChartError::InvalidInput(format!(
            "histogram bins from {} to {} cannot be drawn",
            first.lo, last.hi
        )));
    }
    let spans_a_decade = x_hi.floor() - x_lo.ceil() >= 1.0;
    let max_count = histogram.bins.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let (_, y_hi) = padded_range(0.0, max_count.max(1.0), 0.08).ok_or_else(|| {
        ChartError::InvalidInput(format!("{max_count} customers cannot be drawn"))
    })?;

    let format_x = |a: &f64| match histogram.scale {
        AxisScale::Linear => compact(*a),
        AxisScale::Log10 => log_tick_label(*a, spans_a_decade),
    };
    // Counts are whole numbers; hide fractional key points.
    let format_count = |c: &f64| {
        if (c - c.round()).abs() < 1e-9 {
            compact(*c)
        } else {
            String::new()
        }
    };
    let tick_style = theme.tick_style();
    let tick_width = widest(
        area,
        &[format_count(&max_count), compact(y_hi)],
        &tick_style,
    )?;
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, tick_width))
        .build_cartesian_2d(x_lo..x_hi, 0.0..y_hi)
        .map_err(ChartError::drawing)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_x_mesh()
        .x_labels(if histogram.scale == AxisScale::Log10 {
            12
        } else {
            6
        })
        .y_labels(5)
        .x_label_formatter(&format_x)
        .y_label_formatter(&format_count)
        .x_desc(input.x_label.as_str())
        .y_desc(input.y_label.as_str())
        .draw()
        .map_err(ChartError::drawing)?;

    let colour = theme.palette(input.colour);
    let bars = histogram
        .bins
        .iter()
        .filter(|bin| bin.count > 0)
        .map(|bin| {
            let corners = [(to_axis(bin.lo), bin.count as f64), (to_axis(bin.hi), 0.0)];
            let mut rect = Rectangle::new(corners, colour.filled());
            // A hairline gap keeps neighbouring bars apart.
            rect.set_margin(0, 0, 0, 1);
            rect
        });
    chart.draw_series(bars).map_err(ChartError::drawing)?;

    if histogram.skipped_non_positive > 0 {
        let note = format!(
            "{} values ≤ 0 not shown (log scale)",
            thousands(histogram.skipped_non_positive as f64, 0)
        );
        let style = theme
            .font(theme.tick_font_px, theme.muted)
            .pos(Pos::new(HPos::Right, VPos::Top));
        let inset = (-theme.px_i32(4.0), theme.px_i32(4.0));
        let element = EmptyElement::at((x_hi, y_hi)) + Text::new(note, inset, style);
        chart
            .draw_series(std::iter::once(element))
            .map_err(ChartError::drawing)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;
    use crate::charts::theme::palette;

    fn input(values: Vec<f64>, bins: usize, scale: AxisScale) -> HistogramInput {
        HistogramInput {
            values,
            bins,
            scale,
            x_label: "Monetary (£)".to_string(),
            y_label: CUSTOMERS_AXIS_LABEL.to_string(),
            colour: 4,
        }
    }

    #[test]
    fn a_bin_count_from_data_is_capped() {
        let histogram = compute_histogram(&[1.0, 2.0, 3.0], usize::MAX, AxisScale::Linear).unwrap();
        assert_eq!(histogram.bins.len(), MAX_BINS);
        assert_eq!(histogram.bins.iter().map(|b| b.count).sum::<u64>(), 3);
    }

    #[test]
    fn linear_bins_cover_all_values() {
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        let h = compute_histogram(&values, 10, AxisScale::Linear).unwrap();
        assert_eq!(h.bins.len(), 10);
        assert!(h.bins.iter().all(|b| b.count == 10));
        assert_eq!(h.bins[0].lo, 0.0);
        assert_eq!(h.bins[9].hi, 99.0);
    }

    #[test]
    fn log_bins_skip_non_positive_and_non_finite() {
        let values = vec![0.0, -5.0, f64::NAN, 1.0, 10.0, 100.0, 1000.0];
        let h = compute_histogram(&values, 3, AxisScale::Log10).unwrap();
        assert_eq!(h.skipped_non_positive, 2);
        assert_eq!(h.skipped_non_finite, 1);
        assert_eq!(
            h.bins.iter().map(|b| b.count).collect::<Vec<_>>(),
            [1, 1, 2]
        );
        assert!((h.bins[1].lo - 10.0).abs() < 1e-9 && (h.bins[1].hi - 100.0).abs() < 1e-9);
    }

    #[test]
    fn degenerate_inputs() {
        assert!(matches!(
            compute_histogram(&[1.0], 0, AxisScale::Linear),
            Err(ChartError::InvalidInput(_))
        ));
        assert_eq!(
            compute_histogram(&[], 5, AxisScale::Linear),
            Err(ChartError::NoData)
        );
        assert_eq!(
            compute_histogram(&[0.0, -1.0], 5, AxisScale::Log10),
            Err(ChartError::NoData)
        );
        let flat = compute_histogram(&[7.0; 50], 5, AxisScale::Linear).unwrap();
        assert_eq!(flat.bins[2].count, 50);
        let flat_log = compute_histogram(&[7.0; 50], 4, AxisScale::Log10).unwrap();
        assert_eq!(flat_log.bins.iter().map(|b| b.count).sum::<u64>(), 50);
    }

    #[test]
    fn draws_one_bar_per_non_empty_bin_with_labels() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let values: Vec<f64> = (0..100).map(|i| f64::from(i % 50)).collect();
        draw_histogram(&area, &input(values, 5, AxisScale::Linear), &Theme::light()).unwrap();
        assert!(rec.has_text("Monetary (£)") && rec.has_text(CUSTOMERS_AXIS_LABEL));
        let bars = rec.filled_rects(palette(4));
        assert_eq!(bars.len(), 5);
        // Equal counts → equal heights.
        let heights: Vec<i32> = bars.iter().map(|(a, b)| b.1 - a.1).collect();
        assert!(heights.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn log_scale_changes_tick_labels_and_notes_skipped_values() {
        let values: Vec<f64> = (0..=40).map(|i| 10f64.powf(f64::from(i) / 10.0)).collect();
        let (area, linear) = RecordingBackend::area(600, 300);
        draw_histogram(
            &area,
            &input(values.clone(), 8, AxisScale::Linear),
            &Theme::light(),
        )
        .unwrap();
        let mut with_zeros = values;
        with_zeros.extend([0.0, 0.0, -3.0]);
        let (area, log) = RecordingBackend::area(600, 300);
        draw_histogram(
            &area,
            &input(with_zeros, 8, AxisScale::Log10),
            &Theme::light(),
        )
        .unwrap();

        for decade in ["1", "10", "100", "1k", "10k"] {
            assert!(
                log.has_text(decade),
                "log axis lacks {decade}: {:?}",
                log.texts()
            );
        }
        assert!(!linear.has_text("100"), "linear axis: {:?}", linear.texts());
        assert!(linear.has_text("2k") || linear.has_text("5k"));
        assert!(log.has_text("3 values ≤ 0 not shown (log scale)"));
        assert!(!linear.texts().iter().any(|t| t.contains("not shown")));
    }

    #[test]
    fn no_data_message_for_empty_input() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let empty = input(vec![f64::NAN], 5, AxisScale::Linear);
        assert_eq!(
            draw_histogram(&area, &empty, &Theme::light()),
            Err(ChartError::NoData)
        );
        assert!(rec.has_text(crate::charts::NO_DATA_MESSAGE));
    }
}
