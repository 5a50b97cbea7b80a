//! Elbow chart: inertia (left axis) and silhouette (right axis) against k,
//! with the recommended and the chosen k marked.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::format::compact;
use super::layout::{
    draw_no_data, ensure_min_size, fill_background, finite_min_max, legend_strip, padded_range,
    plottable, style_mesh, widest, x_label_area, y_label_area, LegendEntry, MARGIN_PX,
};
use super::theme::Theme;

pub const K_AXIS_LABEL: &str = "Number of clusters (k)";
pub const INERTIA_AXIS_LABEL: &str = "Inertia (within-cluster sum of squares)";
pub const SILHOUETTE_AXIS_LABEL: &str = "Silhouette score (−1 to 1)";

/// Palette slots, so the legend and the marks always agree.
pub const INERTIA_COLOUR_INDEX: usize = 0;
pub const SILHOUETTE_COLOUR_INDEX: usize = 1;
pub const RECOMMENDED_COLOUR_INDEX: usize = 2;

/// Result of clustering with one k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KSweepPoint {
    pub k: usize,
    pub inertia: f64,
    /// `None` when not computed (e.g. skipped for speed).
    pub silhouette: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KSweepInput {
    /// One entry per k tried, any order.
    pub points: Vec<KSweepPoint>,
    pub recommended_k: Option<usize>,
    /// The k the user currently has selected.
    pub chosen_k: Option<usize>,
}

pub fn recommended_label(k: usize) -> String {
    format!("Recommended k = {k}")
}

pub fn chosen_label(k: usize) -> String {
    format!("Chosen k = {k}")
}

/// The finite points of inertia and silhouette, each sorted by k.
type Series = Vec<(f64, f64)>;

fn series(input: &KSweepInput) -> (Series, Series) {
    let mut inertia: Series = input
        .points
        .iter()
        .filter(|p| p.inertia.is_finite())
        .map(|p| (p.k as f64, p.inertia))
        .collect();
    let mut silhouette: Series = input
        .points
        .iter()
        .filter_map(|p| {
            p.silhouette
                .filter(|s| s.is_finite())
                .map(|s| (p.k as f64, s))
        })
        .collect();
    inertia.sort_by(|a, b| a.0.total_cmp(&b.0));
    silhouette.sort_by(|a, b| a.0.total_cmp(&b.0));
    (inertia, silhouette)
}

/// The legend: each series shown, the recommended and the chosen k.
fn legend(
    theme: &Theme,
    (has_inertia, has_silhouette): (bool, bool),
    recommended: Option<usize>,
    chosen: Option<usize>,
) -> Vec<LegendEntry> {
    let mut legend = Vec::new();
    if has_inertia {
        legend.push(LegendEntry::new(
            theme.palette(INERTIA_COLOUR_INDEX),
            "Inertia",
        ));
    }
    if has_silhouette {
        legend.push(LegendEntry::new(
            theme.palette(SILHOUETTE_COLOUR_INDEX),
            "Silhouette",
        ));
    }
    if let Some(k) = recommended {
        legend.push(LegendEntry::new(
            theme.palette(RECOMMENDED_COLOUR_INDEX),
            recommended_label(k),
        ));
    }
    if let Some(k) = chosen {
        legend.push(LegendEntry::new(theme.foreground, chosen_label(k)));
    }
    legend
}

/// Widths of the inertia (left) and silhouette (right) tick label areas.
fn axis_widths<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    (inertia_lo, inertia_hi): (f64, f64),
    has_silhouette: bool,
) -> Result<(u32, u32), ChartError> {
    let tick_style = theme.tick_style();
    let left_ticks = [
        compact(inertia_lo),
        compact(inertia_hi),
        compact(-inertia_hi),
    ];
    let left = y_label_area(theme, widest(area, &left_ticks, &tick_style)?);
    let right = match has_silhouette {
        true => y_label_area(theme, widest(area, &["-0.00"], &tick_style)?),
        false => 0,
    };
    Ok((left, right))
}

/// Values no axis can hold are refused, not drawn far outside it.
fn refused() -> ChartError {
    ChartError::InvalidInput("the sweep's values cannot be drawn".into())
}

/// The padded range of a series' values (0..1 when it has none).
fn value_axis(series: &[(f64, f64)]) -> Result<(f64, f64), ChartError> {
    match finite_min_max(series.iter().map(|p| p.1)) {
        None => Ok((0.0, 1.0)),
        Some((lo, hi)) => padded_range(lo, hi, 0.08).ok_or_else(refused),
    }
}

pub fn draw_k_sweep<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &KSweepInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let (inertia, silhouette) = series(input);
    let mut ks: Vec<f64> = inertia.iter().chain(&silhouette).map(|p| p.0).collect();
    ks.sort_by(f64::total_cmp);
    ks.dedup();
    let (Some(&k_min), Some(&k_max)) = (ks.first(), ks.last()) else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    let x_range = (k_min - 0.5)..(k_max + 0.5);
    if !plottable(x_range.start, x_range.end) {
        return Err(refused());
    }
    let (inertia_lo, inertia_hi) = value_axis(&inertia)?;
    let (silhouette_lo, silhouette_hi) = value_axis(&silhouette)?;

    let inertia_colour = theme.palette(INERTIA_COLOUR_INDEX);
    let silhouette_colour = theme.palette(SILHOUETTE_COLOUR_INDEX);
    let recommended_colour = theme.palette(RECOMMENDED_COLOUR_INDEX);
    let in_range = |k: usize| (k_min..=k_max).contains(&(k as f64));
    let recommended = input.recommended_k.filter(|&k| in_range(k));
    let chosen = input.chosen_k.filter(|&k| in_range(k));

    let legend = legend(
        theme,
        (!inertia.is_empty(), !silhouette.is_empty()),
        recommended,
        chosen,
    );
    let plot_area = legend_strip(area, &legend, theme)?;

    let (left_width, right_width) = axis_widths(
        area,
        theme,
        (inertia_lo, inertia_hi),
        !silhouette.is_empty(),
    )?;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(left_width)
        .right_y_label_area_size(right_width)
        .build_cartesian_2d(x_range.clone(), inertia_lo..inertia_hi)
        .map_err(ChartError::drawing)?
        .set_secondary_coord(x_range, silhouette_lo..silhouette_hi);

    // Only whole k are meaningful; the padded range may produce half steps.
    let format_k = |k: &f64| {
        if (k - k.round()).abs() < 1e-6 {
            format!("{k:.0}")
        } else {
            String::new()
        }
    };
    let format_inertia = |v: &f64| compact(*v);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_x_mesh()
        .x_labels(ks.len() + 1)
        .y_labels(6)
        .x_label_formatter(&format_k)
        .y_label_formatter(&format_inertia)
        .x_desc(K_AXIS_LABEL)
        .y_desc(if inertia.is_empty() {
            ""
        } else {
            INERTIA_AXIS_LABEL
        })
        .draw()
        .map_err(ChartError::drawing)?;
    if !silhouette.is_empty() {
        let format_silhouette = |v: &f64| format!("{v:.2}");
        chart
            .configure_secondary_axes()
            .axis_style(theme.muted.stroke_width(1))
            .label_style(theme.tick_style())
            .axis_desc_style(theme.label_style())
            .y_labels(6)
            .y_label_formatter(&format_silhouette)
            .y_desc(SILHOUETTE_AXIS_LABEL)
            .draw()
            .map_err(ChartError::drawing)?;
    }

    // Marker lines go under the data so points stay visible.
    let vertical_line = |k: usize, colour: RGBColor, width: u32| {
        PathElement::new(
            vec![(k as f64, inertia_lo), (k as f64, inertia_hi)],
            colour.stroke_width(width),
        )
    };
    if let Some(k) = chosen {
        chart
            .draw_series(std::iter::once(vertical_line(k, theme.foreground, 1)))
            .map_err(ChartError::drawing)?;
    }
    if let Some(k) = recommended {
        let width = theme.px_u32(theme.line_width_px);
        chart
            .draw_series(std::iter::once(vertical_line(k, recommended_colour, width)))
            .map_err(ChartError::drawing)?;
    }

    let line_width = theme.px_u32(theme.line_width_px);
    let radius = theme.px_u32(theme.point_radius_px);
    let ring_radius = radius * 2;
    let is_chosen = |k: f64| chosen.is_some_and(|c| c as f64 == k);
    if !inertia.is_empty() {
        chart
            .draw_series(LineSeries::new(
                inertia.iter().copied(),
                inertia_colour.stroke_width(line_width),
            ))
            .map_err(ChartError::drawing)?;
        chart
            .draw_series(
                inertia
                    .iter()
                    .map(|&point| Circle::new(point, radius, inertia_colour.filled())),
            )
            .map_err(ChartError::drawing)?;
        let rings = inertia.iter().filter(|p| is_chosen(p.0)).map(|&point| {
            Circle::new(
                point,
                ring_radius,
                theme.foreground.stroke_width(line_width),
            )
        });
        chart.draw_series(rings).map_err(ChartError::drawing)?;
    }
    if !silhouette.is_empty() {
        chart
            .draw_secondary_series(LineSeries::new(
                silhouette.iter().copied(),
                silhouette_colour.stroke_width(line_width),
            ))
            .map_err(ChartError::drawing)?;
        // Squares, not circles: the two series differ by shape as well as colour.
        let half = radius as i32;
        let squares = silhouette.iter().map(|&point| {
            EmptyElement::at(point)
                + Rectangle::new([(-half, -half), (half, half)], silhouette_colour.filled())
        });
        chart
            .draw_secondary_series(squares)
            .map_err(ChartError::drawing)?;
        let rings = silhouette.iter().filter(|p| is_chosen(p.0)).map(|&point| {
            Circle::new(
                point,
                ring_radius,
                theme.foreground.stroke_width(line_width),
            )
        });
        chart
            .draw_secondary_series(rings)
            .map_err(ChartError::drawing)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;
    use crate::charts::theme::palette;

    fn sweep() -> KSweepInput {
        let inertia = [
            900.0, 610.0, 420.0, 380.0, 350.0, 330.0, 315.0, 305.0, 298.0,
        ];
        let silhouette = [0.31, 0.35, 0.42, 0.38, 0.33, 0.30, 0.29, 0.27, 0.26];
        KSweepInput {
            points: (2..=10)
                .map(|k| KSweepPoint {
                    k,
                    inertia: inertia[k - 2],
                    silhouette: Some(silhouette[k - 2]),
                })
                .collect(),
            recommended_k: Some(4),
            chosen_k: Some(6),
        }
    }

    #[test]
    fn draws_both_series_axes_and_markers() {
        let (area, rec) = RecordingBackend::area(640, 360);
        let input = sweep();
        draw_k_sweep(&area, &input, &Theme::light()).unwrap();
        eprintln!("{:?}", rec.texts());

        for label in [K_AXIS_LABEL, INERTIA_AXIS_LABEL, SILHOUETTE_AXIS_LABEL] {
            assert!(rec.has_text(label), "missing axis label {label}");
        }
        for k in 2..=10 {
            assert!(rec.has_text(&k.to_string()), "missing tick k={k}");
        }
        assert!(rec.has_text("Recommended k = 4") && rec.has_text("Chosen k = 6"));

        let inertia_points = rec.filled_circles(palette(INERTIA_COLOUR_INDEX));
        assert_eq!(inertia_points.len(), input.points.len());
        // Silhouette markers are squares; one more square is the legend swatch.
        let squares = rec.filled_rects(palette(SILHOUETTE_COLOUR_INDEX));
        assert_eq!(squares.len(), input.points.len() + 1);

        // The recommended line is vertical and sits on the k = 4 point.
        let k4_x = inertia_points.iter().map(|p| p.0).collect::<Vec<_>>()[2];
        let recommended_lines: Vec<_> = rec
            .strokes(palette(RECOMMENDED_COLOUR_INDEX))
            .into_iter()
            .filter(|s| s.len() == 2 && s[0].0 == s[1].0)
            .collect();
        assert_eq!(recommended_lines.len(), 1);
        assert_eq!(recommended_lines[0][0].0, k4_x);
        // Inertia decreases with k, so points go down the screen (y grows).
        assert!(inertia_points.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn empty_and_nan_input_show_no_data() {
        let (area, rec) = RecordingBackend::area(640, 360);
        let empty = KSweepInput::default();
        assert_eq!(
            draw_k_sweep(&area, &empty, &Theme::light()),
            Err(ChartError::NoData)
        );
        assert!(rec.has_text(crate::charts::NO_DATA_MESSAGE));

        let all_nan = KSweepInput {
            points: vec![KSweepPoint {
                k: 3,
                inertia: f64::NAN,
                silhouette: Some(f64::NAN),
            }],
            ..KSweepInput::default()
        };
        assert_eq!(
            draw_k_sweep(&area, &all_nan, &Theme::dark()),
            Err(ChartError::NoData)
        );
    }

    #[test]
    fn single_k_and_flat_values_still_draw() {
        let (area, rec) = RecordingBackend::area(640, 360);
        let input = KSweepInput {
            points: vec![KSweepPoint {
                k: 3,
                inertia: 10.0,
                silhouette: None,
            }],
            recommended_k: Some(3),
            chosen_k: Some(99), // out of range: ignored, not a panic
        };
        draw_k_sweep(&area, &input, &Theme::light()).unwrap();
        assert_eq!(rec.filled_circles(palette(0)).len(), 1);
        assert!(!rec.has_text(SILHOUETTE_AXIS_LABEL));
        assert!(!rec.has_text("Chosen k = 99"));
    }

    #[test]
    fn tiny_area_is_an_error_not_a_panic() {
        let (area, _) = RecordingBackend::area(20, 20);
        let result = draw_k_sweep(&area, &sweep(), &Theme::light());
        assert!(matches!(result, Err(ChartError::AreaTooSmall { .. })));
    }
}
