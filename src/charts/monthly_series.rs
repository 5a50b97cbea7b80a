//! One or more series per category as side-by-side bars, with a legend when
//! there are several: per calendar month (new vs returning customers; the
//! share of lines set aside), x labelled "Jan 2011", or over any labels
//! (a model's predictions against what happened).

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::{month_label, NumberFormat};
use super::layout::{
    draw_no_data, ensure_min_size, fill_background, finite_min_max, legend_strip, padded_range,
    style_mesh, widest, x_label_area, y_label_area, zero_based_range, LegendEntry, MARGIN_PX,
};
use super::theme::Theme;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthSeries {
    pub label: String,
    /// One value per month of the input (NaN: not drawn).
    pub values: Vec<f64>,
    /// Palette index.
    pub colour: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlySeriesInput {
    /// (year, month 1–12), in the order drawn.
    pub months: Vec<(i32, u32)>,
    pub series: Vec<MonthSeries>,
    pub value_format: NumberFormat,
    pub value_axis_label: String,
}

/// Series over labelled categories as side-by-side bars, with a legend when
/// there are several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategorySeriesInput {
    /// One per category, in the order drawn (thinned when they do not fit).
    pub labels: Vec<String>,
    /// One value per category each.
    pub series: Vec<MonthSeries>,
    pub value_format: NumberFormat,
    pub category_axis_label: String,
    pub value_axis_label: String,
}

pub fn draw_monthly_series<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &MonthlySeriesInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    let categories = CategorySeriesInput {
        labels: input
            .months
            .iter()
            .map(|(year, month)| month_label(*year, *month))
            .collect(),
        series: input.series.clone(),
        value_format: input.value_format.clone(),
        category_axis_label: "Month".into(),
        value_axis_label: input.value_axis_label.clone(),
    };
    draw_category_series(area, &categories, theme)
}

pub fn draw_category_series<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &CategorySeriesInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    if let Some(bad) = input
        .series
        .iter()
        .find(|s| s.values.len() != input.labels.len())
    {
        return Err(ChartError::InvalidInput(format!(
            "series {} has {} values for {} categories",
            bad.label,
            bad.values.len(),
            input.labels.len()
        )));
    }
    let values = input.series.iter().flat_map(|s| s.values.iter().copied());
    let Some((min, max)) = finite_min_max(values) else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    let (lo, hi) = zero_based_range(min, max).ok_or_else(|| {
        ChartError::InvalidInput(format!("values from {min} to {max} cannot be drawn"))
    })?;
    let (y_lo, y_hi) = padded_range(lo, hi, 0.05).unwrap_or((lo, hi));
    let y_range = (if lo < 0.0 { y_lo } else { 0.0 })..(if hi > 0.0 { y_hi } else { 0.0 });
    let count = input.labels.len();
    let columns = i32::try_from(count)
        .map_err(|_| ChartError::InvalidInput(format!("{count} categories is too many")))?;
    let legend: Vec<LegendEntry> = match input.series.len() {
        0 | 1 => Vec::new(),
        _ => input
            .series
            .iter()
            .map(|s| LegendEntry::new(theme.palette(s.colour), s.label.clone()))
            .collect(),
    };
    let plot_area = legend_strip(area, &legend, theme)?;
    let tick_style = theme.tick_style();
    let format = &input.value_format;
    let y_ticks = [format.format(y_range.start), format.format(y_range.end)];
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &y_ticks, &tick_style)?))
        .build_cartesian_2d((0..columns - 1).into_segmented(), y_range)
        .map_err(ChartError::drawing)?;
    let plot_width = chart.plotting_area().dim_in_pixel().0.max(1);
    let label_width = widest(area, &input.labels, &tick_style)? + theme.px_u32(12.0);
    let step = count
        .div_ceil((plot_width / label_width.max(1)).max(1) as usize)
        .max(1);
    let format_category = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .filter(|i| i % step == 0)
            .and_then(|i| input.labels.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let format_value = |v: &f64| format.format(*v);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_x_mesh()
        .x_labels(count + 1)
        .y_labels(6)
        .x_label_formatter(&format_category)
        .y_label_formatter(&format_value)
        .x_desc(input.category_axis_label.as_str())
        .y_desc(input.value_axis_label.as_str())
        .draw()
        .map_err(ChartError::drawing)?;
    // Each month's band holds the series side by side.
    let band = plot_width / count.max(1) as u32;
    let inset = band / 8;
    let slot = (band - 2 * inset) / input.series.len().max(1) as u32;
    for (k, series) in input.series.iter().enumerate() {
        let colour = theme.palette(series.colour);
        let left = inset + slot * k as u32;
        let right = band.saturating_sub(left + slot);
        let bars = (0i32..)
            .zip(&series.values)
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| {
                let corners = [
                    (SegmentValue::Exact(i), v),
                    (SegmentValue::Exact(i + 1), 0.0),
                ];
                let mut rect = Rectangle::new(corners, colour.filled());
                rect.set_margin(0, 0, left, right);
                rect
            });
        chart.draw_series(bars).map_err(ChartError::drawing)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;
    use crate::charts::theme::palette;

    fn two_series() -> MonthlySeriesInput {
        MonthlySeriesInput {
            months: vec![(2010, 12), (2011, 1), (2011, 2)],
            series: vec![
                MonthSeries {
                    label: "New".into(),
                    values: vec![43.0, 20.0, 26.0],
                    colour: 0,
                },
                MonthSeries {
                    label: "Returning".into(),
                    values: vec![0.0, 21.0, 31.0],
                    colour: 1,
                },
            ],
            value_format: NumberFormat::Grouped(0),
            value_axis_label: "Customers".into(),
        }
    }

    #[test]
    fn bars_side_by_side_with_a_legend_and_month_labels() {
        let (area, rec) = RecordingBackend::area(800, 300);
        draw_monthly_series(&area, &two_series(), &Theme::light()).unwrap();
        for text in ["New", "Returning", "Customers", "Dec 2010", "Feb 2011"] {
            assert!(rec.has_text(text), "{text}: {:?}", rec.texts());
        }
        let new = rec.filled_rects(palette(0));
        let returning = rec.filled_rects(palette(1));
        // A legend swatch each, plus one bar per month.
        assert_eq!(new.len(), 4);
        assert_eq!(returning.len(), 4);
        // The returning bar of a month is right of its new bar.
        let left = |r: &((i32, i32), (i32, i32))| r.0 .0.min(r.1 .0);
        assert!(left(&returning[3]) > left(&new[3]));
    }

    #[test]
    fn one_series_in_percent_has_no_legend() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let input = MonthlySeriesInput {
            months: vec![(2011, 1), (2011, 2)],
            series: vec![MonthSeries {
                label: "Set aside".into(),
                values: vec![0.02, 0.05],
                colour: 2,
            }],
            value_format: NumberFormat::Percent(0),
            value_axis_label: "Share of lines".into(),
        };
        draw_monthly_series(&area, &input, &Theme::dark()).unwrap();
        assert!(!rec.has_text("Set aside"));
        assert!(rec.texts().iter().any(|t| t.ends_with('%')));
        assert_eq!(rec.filled_rects(palette(2)).len(), 2);
    }

    #[test]
    fn empty_and_inconsistent() {
        let (area, _) = RecordingBackend::area(600, 300);
        let theme = Theme::light();
        let mut empty = two_series();
        empty.months.clear();
        for series in &mut empty.series {
            series.values.clear();
        }
        assert_eq!(
            draw_monthly_series(&area, &empty, &theme),
            Err(ChartError::NoData)
        );
        let mut bad = two_series();
        bad.series[1].values.pop();
        assert!(matches!(
            draw_monthly_series(&area, &bad, &theme),
            Err(ChartError::InvalidInput(_))
        ));
    }
}
