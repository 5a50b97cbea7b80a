//! Revenue per calendar month as bars, x labelled "Jan 2011".

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::{currency_compact, month_label};
use super::layout::{
    draw_no_data, ensure_min_size, fill_background, finite_min_max, padded_range, style_mesh,
    text_width, widest, x_label_area, y_label_area, zero_based_range, MARGIN_PX,
};
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthRevenue {
    pub year: i32,
    /// 1 = January … 12 = December.
    pub month: u32,
    /// Net revenue; negative months (returns) are drawn below zero.
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRevenueInput {
    /// Any order; months missing between the first and last are drawn as 0.
    pub months: Vec<MonthRevenue>,
    /// E.g. "£"; used in the axis label "Revenue (£)" and the ticks.
    pub currency_symbol: String,
    /// Palette index of the bars.
    pub colour: usize,
}

/// "Revenue (£)".
pub fn revenue_axis_label(currency_symbol: &str) -> String {
    if currency_symbol.is_empty() {
        return "Revenue (file's currency)".into();
    }
    format!("Revenue ({currency_symbol})")
}

/// Months from first to last in calendar order, gaps filled with zero
/// revenue (a month with no invoices earned nothing). Duplicates are summed.
pub fn continuous_months(months: &[MonthRevenue]) -> Result<Vec<MonthRevenue>, ChartError> {
    if let Some(bad) = months.iter().find(|m| !(1..=12).contains(&m.month)) {
        return Err(ChartError::InvalidInput(format!(
            "month {} is not 1..=12",
            bad.month
        )));
    }
    let index = |m: &MonthRevenue| i64::from(m.year) * 12 + i64::from(m.month) - 1;
    let (Some(first), Some(last)) = (
        months.iter().map(index).min(),
        months.iter().map(index).max(),
    ) else {
        return Ok(Vec::new());
    };
    // Guard against absurd spans (bad dates) allocating millions of bars.
    const MAX_MONTHS: i64 = 1200;
    if last - first >= MAX_MONTHS {
        return Err(ChartError::InvalidInput(format!(
            "{} months is more than {MAX_MONTHS}",
            last - first + 1
        )));
    }
    let mut filled: Vec<MonthRevenue> = (first..=last)
        .map(|i| MonthRevenue {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
            revenue: 0.0,
        })
        .collect();
    for m in months {
        let slot = &mut filled[(index(m) - first) as usize];
        // NaN stays NaN so the month shows as missing rather than as zero.
        slot.revenue += m.revenue;
    }
    Ok(filled)
}

pub fn draw_monthly_revenue<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &MonthlyRevenueInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let months = continuous_months(&input.months)?;
    let Some((min, max)) = finite_min_max(months.iter().map(|m| m.revenue)) else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    let (lo, hi) = zero_based_range(min, max).ok_or_else(|| {
        ChartError::InvalidInput(format!("values from {min} to {max} cannot be drawn"))
    })?;
    let (y_lo, y_hi) = padded_range(lo, hi, 0.05).unwrap_or((lo, hi));
    // Bars start at zero: only pad away from zero.
    let y_range = (if lo < 0.0 { y_lo } else { 0.0 })..(if hi > 0.0 { y_hi } else { 0.0 });
    let count = months.len();
    let columns = i32::try_from(count)
        .map_err(|_| ChartError::InvalidInput(format!("{count} months is too many")))?;
    let symbol = input.currency_symbol.as_str();

    let tick_style = theme.tick_style();
    let y_ticks = [
        currency_compact(y_range.start, symbol),
        currency_compact(y_range.end, symbol),
    ];
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &y_ticks, &tick_style)?))
        // A segmented `a..b` has a segment for every value in a..=b.
        .build_cartesian_2d((0..columns - 1).into_segmented(), y_range)
        .map_err(ChartError::drawing)?;

    // Label every n-th month so labels never overlap.
    let plot_width = chart.plotting_area().dim_in_pixel().0.max(1);
    let label_width = text_width(area, "Sep 2011", &tick_style)? + theme.px_u32(12.0);
    let fits = (plot_width / label_width.max(1)).max(1) as usize;
    let step = count.div_ceil(fits).max(1);
    let format_month = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .filter(|i| i % step == 0)
            .and_then(|i| months.get(i))
            .map(|m| month_label(m.year, m.month))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let format_money = |v: &f64| currency_compact(*v, symbol);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_x_mesh()
        .x_labels(count + 1)
        .y_labels(6)
        .x_label_formatter(&format_month)
        .y_label_formatter(&format_money)
        .x_desc("Month")
        .y_desc(revenue_axis_label(symbol))
        .draw()
        .map_err(ChartError::drawing)?;

    let colour = theme.palette(input.colour);
    let band = plot_width / count.max(1) as u32;
    let inset = band / 8;
    let bars = months
        .iter()
        .enumerate()
        .filter(|(_, m)| m.revenue.is_finite())
        .map(|(i, m)| {
            let i = i as i32;
            let corners = [
                (SegmentValue::Exact(i), m.revenue),
                (SegmentValue::Exact(i + 1), 0.0),
            ];
            let mut rect = Rectangle::new(corners, colour.filled());
            rect.set_margin(0, 0, inset, inset);
            rect
        });
    chart.draw_series(bars).map_err(ChartError::drawing)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;
    use crate::charts::theme::palette;

    fn month(year: i32, month: u32, revenue: f64) -> MonthRevenue {
        MonthRevenue {
            year,
            month,
            revenue,
        }
    }

    fn input(months: Vec<MonthRevenue>) -> MonthlyRevenueInput {
        MonthlyRevenueInput {
            months,
            currency_symbol: "£".into(),
            colour: 0,
        }
    }

    #[test]
    fn fills_gaps_sorts_and_sums() {
        let months = [
            month(2011, 2, 5.0),
            month(2010, 12, 1.0),
            month(2011, 2, 2.0),
        ];
        let filled = continuous_months(&months).unwrap();
        assert_eq!(
            filled,
            vec![
                month(2010, 12, 1.0),
                month(2011, 1, 0.0),
                month(2011, 2, 7.0)
            ]
        );
        assert!(matches!(
            continuous_months(&[month(2011, 13, 1.0)]),
            Err(ChartError::InvalidInput(_))
        ));
    }

    #[test]
    fn one_bar_per_month_with_month_labels_and_currency() {
        let (area, rec) = RecordingBackend::area(800, 300);
        let months: Vec<_> = (1..=12)
            .map(|m| month(2011, m, 1000.0 * f64::from(m)))
            .collect();
        draw_monthly_revenue(&area, &input(months), &Theme::light()).unwrap();
        assert!(rec.has_text("Revenue (£)"));
        assert!(rec.has_text("Jan 2011"), "{:?}", rec.texts());
        assert!(rec
            .texts()
            .iter()
            .any(|t| t.starts_with('£') && t.ends_with('k')));
        let bars = rec.filled_rects(palette(0));
        assert_eq!(bars.len(), 12);
        // Growing revenue → each bar's top is higher on screen (smaller y).
        assert!(bars.windows(2).all(|w| w[1].0 .1 <= w[0].0 .1));
        // The last bar ends near the right edge: no empty month after it.
        let right = bars.iter().map(|b| b.0 .0.max(b.1 .0)).max().unwrap();
        assert!(right > 800 - 60, "last bar ends at x = {right}");
        rec.clear();
        let one = vec![month(2011, 5, 10.0)];
        draw_monthly_revenue(&area, &input(one), &Theme::light()).unwrap();
        assert_eq!(
            rec.filled_rects(palette(0)).len(),
            1,
            "a single month is drawn"
        );
    }

    #[test]
    fn many_months_thin_out_labels() {
        let (area, rec) = RecordingBackend::area(400, 300);
        let months: Vec<_> = (0..36)
            .map(|i| month(2009 + i / 12, (i % 12 + 1) as u32, 10.0))
            .collect();
        draw_monthly_revenue(&area, &input(months), &Theme::light()).unwrap();
        let month_labels = rec.texts().iter().filter(|t| t.contains(" 20")).count();
        assert!((2..36).contains(&month_labels), "{month_labels} labels");
        assert_eq!(rec.filled_rects(palette(0)).len(), 36);
    }

    #[test]
    fn empty_nan_and_negative_months() {
        let (area, rec) = RecordingBackend::area(600, 300);
        let theme = Theme::light();
        assert_eq!(
            draw_monthly_revenue(&area, &input(vec![]), &theme),
            Err(ChartError::NoData)
        );
        let nan = input(vec![month(2011, 1, f64::NAN)]);
        assert_eq!(
            draw_monthly_revenue(&area, &nan, &theme),
            Err(ChartError::NoData)
        );
        assert!(rec.has_text(crate::charts::NO_DATA_MESSAGE));

        rec.clear();
        let mixed = input(vec![month(2011, 1, -500.0), month(2011, 2, 2000.0)]);
        draw_monthly_revenue(&area, &mixed, &theme).unwrap();
        assert_eq!(rec.filled_rects(palette(0)).len(), 2);
        assert!(rec.texts().iter().any(|t| t.starts_with("-£")));
    }
}
