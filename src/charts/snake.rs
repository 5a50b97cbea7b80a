//! Snake plot: each cluster's standardised feature means as a line, so
//! clusters can be compared feature by feature.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ChartError;
use super::layout::{
    draw_no_data, ensure_min_size, fill_background, finite_min_max, legend_strip, padded_range,
    style_mesh, widest, x_label_area, y_label_area, LegendEntry, MARGIN_PX,
};
use super::theme::Theme;

pub const SNAKE_Y_AXIS_LABEL: &str = "Standardised mean (z-score, SD units)";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnakeSeries {
    /// Shown in the legend, e.g. "Champions".
    pub name: String,
    /// Palette index (the cluster id), so colours match the other charts.
    pub colour: usize,
    /// One mean per feature, in `SnakeInput::features` order; NaN = missing.
    pub means: Vec<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SnakeInput {
    /// Feature names on x, e.g. ["Recency", "Frequency", "Monetary"].
    pub features: Vec<String>,
    pub clusters: Vec<SnakeSeries>,
}

pub fn draw_snake_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &SnakeInput,
    theme: &Theme,
) -> Result<(), ChartError> {
    fill_background(area, theme)?;
    let feature_count = input.features.len();
    if let Some(bad) = input
        .clusters
        .iter()
        .find(|c| c.means.len() != feature_count)
    {
        return Err(ChartError::InvalidInput(format!(
            "cluster {:?} has {} means for {feature_count} features",
            bad.name,
            bad.means.len()
        )));
    }
    let all_means = input.clusters.iter().flat_map(|c| c.means.iter().copied());
    let Some((min, max)) = finite_min_max(all_means) else {
        return draw_no_data(area, theme);
    };
    ensure_min_size(area, theme)?;
    // Keep zero (the overall mean) in view: it is the reference line.
    let (y_lo, y_hi) = padded_range(min.min(0.0), max.max(0.0), 0.1).ok_or_else(|| {
        ChartError::InvalidInput(format!("values from {min} to {max} cannot be drawn"))
    })?;
    let columns = i32::try_from(feature_count)
        .map_err(|_| ChartError::InvalidInput(format!("{feature_count} features is too many")))?;

    let legend: Vec<LegendEntry> = input
        .clusters
        .iter()
        .map(|c| LegendEntry::new(theme.palette(c.colour), c.name.as_str()))
        .collect();
    let plot_area = legend_strip(area, &legend, theme)?;
    let tick_style = theme.tick_style();
    let y_ticks = [format!("{y_lo:.1}"), format!("{y_hi:.1}")];
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &y_ticks, &tick_style)?))
        // A segmented `a..b` has a segment for every value in a..=b.
        .build_cartesian_2d((0..columns - 1).into_segmented(), y_lo..y_hi)
        .map_err(ChartError::drawing)?;

    let format_feature = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| input.features.get(i).cloned())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let format_z = |v: &f64| format!("{v:.1}");
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.disable_x_mesh()
        .x_labels(feature_count + 1)
        .y_labels(6)
        .x_label_formatter(&format_feature)
        .y_label_formatter(&format_z)
        .x_desc("Feature")
        .y_desc(SNAKE_Y_AXIS_LABEL)
        .draw()
        .map_err(ChartError::drawing)?;

    let zero_line = PathElement::new(
        vec![
            (SegmentValue::Exact(0), 0.0),
            (SegmentValue::Exact(columns), 0.0),
        ],
        theme.muted.stroke_width(1),
    );
    chart
        .draw_series(std::iter::once(zero_line))
        .map_err(ChartError::drawing)?;

    let line_width = theme.px_u32(theme.line_width_px);
    let radius = theme.px_u32(theme.point_radius_px);
    for cluster in &input.clusters {
        let colour = theme.palette(cluster.colour);
        let points: Vec<(SegmentValue<i32>, f64)> = cluster
            .means
            .iter()
            .enumerate()
            .map(|(i, &mean)| (SegmentValue::CenterOf(i as i32), mean))
            .collect();
        // A missing mean breaks the line instead of bridging the gap.
        for run in points
            .split(|p| !p.1.is_finite())
            .filter(|run| run.len() > 1)
        {
            let line = LineSeries::new(run.iter().cloned(), colour.stroke_width(line_width));
            chart.draw_series(line).map_err(ChartError::drawing)?;
        }
        let markers = points
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|p| Circle::new(p.clone(), radius, colour.filled()));
        chart.draw_series(markers).map_err(ChartError::drawing)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::RecordingBackend;
    use crate::charts::theme::palette;

    fn rfm_clusters() -> SnakeInput {
        let series = |name: &str, colour, means: [f64; 3]| SnakeSeries {
            name: name.into(),
            colour,
            means: means.to_vec(),
        };
        SnakeInput {
            features: vec!["Recency".into(), "Frequency".into(), "Monetary".into()],
            clusters: vec![
                series("Champions", 0, [-1.1, 1.8, 2.0]),
                series("At risk", 1, [0.9, -0.4, -0.3]),
                series("New", 2, [-0.8, -0.7, -0.6]),
            ],
        }
    }

    #[test]
    fn one_line_and_three_markers_per_cluster_with_legend() {
        let (area, rec) = RecordingBackend::area(600, 360);
        let input = rfm_clusters();
        draw_snake_plot(&area, &input, &Theme::light()).unwrap();
        for text in [
            "Recency",
            "Frequency",
            "Monetary",
            "Champions",
            "At risk",
            "New",
        ] {
            assert!(rec.has_text(text), "missing {text}");
        }
        assert!(rec.has_text(SNAKE_Y_AXIS_LABEL));
        for (i, cluster) in input.clusters.iter().enumerate() {
            let colour = palette(cluster.colour);
            assert_eq!(rec.filled_circles(colour).len(), 3, "cluster {i} markers");
            let lines: Vec<_> = rec
                .strokes(colour)
                .into_iter()
                .filter(|s| s.len() == 3)
                .collect();
            assert_eq!(lines.len(), 1, "cluster {i} line");
        }
        // Champions' recency (-1.1) is drawn below At risk's (+0.9).
        let champions = rec.filled_circles(palette(0));
        let at_risk = rec.filled_circles(palette(1));
        assert!(champions[0].1 > at_risk[0].1);
    }

    #[test]
    fn nan_breaks_the_line_and_mismatch_is_invalid() {
        let (area, rec) = RecordingBackend::area(600, 360);
        let mut input = rfm_clusters();
        input.clusters[0].means[1] = f64::NAN;
        draw_snake_plot(&area, &input, &Theme::light()).unwrap();
        assert_eq!(rec.filled_circles(palette(0)).len(), 2);

        input.clusters[0].means.pop();
        let result = draw_snake_plot(&area, &input, &Theme::light());
        assert!(matches!(result, Err(ChartError::InvalidInput(_))));
    }

    #[test]
    fn no_clusters_or_all_nan_is_no_data() {
        let (area, rec) = RecordingBackend::area(600, 360);
        let empty = SnakeInput::default();
        assert_eq!(
            draw_snake_plot(&area, &empty, &Theme::light()),
            Err(ChartError::NoData)
        );
        let mut nan = rfm_clusters();
        nan.clusters
            .iter_mut()
            .for_each(|c| c.means = vec![f64::NAN; 3]);
        assert_eq!(
            draw_snake_plot(&area, &nan, &Theme::light()),
            Err(ChartError::NoData)
        );
        assert!(rec.has_text(crate::charts::NO_DATA_MESSAGE));
    }
}
