//! Scatter plots split for speed: plotters draws only the frame (axes, grid,
//! legend); the caller draws the points itself in batches (one canvas path per
//! colour) using the pixel mapping in [`ScatterFrame`]. Drawing 100k points as
//! plotters elements costs several JS calls each, far too slow in a browser.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::error::ChartError;
use super::format::compact;
use super::layout::{
    ensure_min_size, fill_background, legend_strip, padded_range, style_mesh, widest, x_label_area,
    y_label_area, LegendEntry, MARGIN_PX,
};
use super::theme::Theme;

/// A data point: x, y and its palette/colour index (usually the cluster id).
pub type ScatterPoint = (f64, f64, usize);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScatterLabels {
    /// With unit, e.g. "Recency (days)".
    pub x_label: String,
    pub y_label: String,
    /// Palette index and name per legend entry, e.g. `(2, "Champions")`.
    pub legend: Vec<(usize, String)>,
}

/// Inclusive pixel rectangle of the plotting area, in backend (canvas) pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

impl PixelRect {
    pub fn width(&self) -> i32 {
        self.right - self.left + 1
    }

    pub fn height(&self) -> i32 {
        self.bottom - self.top + 1
    }

    pub fn contains(&self, (x, y): (i32, i32)) -> bool {
        (self.left..=self.right).contains(&x) && (self.top..=self.bottom).contains(&y)
    }
}

/// Maps data coordinates to backend pixels exactly as plotters does for the
/// frame it drew, so points line up with ticks and grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatterFrame {
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// Pixels of `x_range.0` and `x_range.1`.
    x_pixels: (i32, i32),
    /// Pixels of `y_range.0` (bottom) and `y_range.1` (top).
    y_pixels: (i32, i32),
}

/// plotters' `RangedCoordf64::map`, reproduced so the frame is plain data.
fn map_linear(value: f64, (lo, hi): (f64, f64), (p0, p1): (i32, i32)) -> i32 {
    if hi == lo {
        return (p1 - p0) / 2;
    }
    let fraction = (value - lo) / (hi - lo);
    let length = (p1 - p0) as f64;
    let offset = if length >= 0.0 {
        (length * fraction + 1e-3).floor()
    } else {
        (length * fraction - 1e-3).ceil()
    };
    // Saturating casts keep far-off values from wrapping around.
    p0.saturating_add(offset.clamp(i32::MIN as f64, i32::MAX as f64) as i32)
}

impl ScatterFrame {
    /// Backend pixel of a data point. Points outside the ranges map outside
    /// [`Self::plot_rect`]; NaN maps to the range start (filter first).
    pub fn to_pixel(&self, x: f64, y: f64) -> (i32, i32) {
        (
            map_linear(x, self.x_range, self.x_pixels),
            map_linear(y, self.y_range, self.y_pixels),
        )
    }

    /// Data coordinates at a backend pixel (for tooltips and zoom).
    pub fn from_pixel(&self, (px, py): (i32, i32)) -> (f64, f64) {
        let unmap = |p: i32, (lo, hi): (f64, f64), (p0, p1): (i32, i32)| {
            if p1 == p0 {
                lo
            } else {
                lo + (hi - lo) * f64::from(p - p0) / f64::from(p1 - p0)
            }
        };
        (
            unmap(px, self.x_range, self.x_pixels),
            unmap(py, self.y_range, self.y_pixels),
        )
    }

    pub fn plot_rect(&self) -> PixelRect {
        PixelRect {
            left: self.x_pixels.0.min(self.x_pixels.1),
            right: self.x_pixels.0.max(self.x_pixels.1),
            top: self.y_pixels.0.min(self.y_pixels.1),
            bottom: self.y_pixels.0.max(self.y_pixels.1),
        }
    }
}

/// Draws background, axes with `labels`, grid and a legend strip above the
/// plot (outside it, so points cannot cover it). Equal range ends are padded;
/// non-finite or reversed ranges are `InvalidInput`.
pub fn draw_scatter_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_range: (f64, f64),
    y_range: (f64, f64),
    labels: &ScatterLabels,
    theme: &Theme,
) -> Result<ScatterFrame, ChartError> {
    let checked = |(lo, hi): (f64, f64), axis: &str| {
        padded_range(lo, hi, 0.0)
            .ok_or_else(|| ChartError::InvalidInput(format!("bad {axis} range {lo}..{hi}")))
    };
    let x_range = checked(x_range, "x")?;
    let y_range = checked(y_range, "y")?;
    fill_background(area, theme)?;
    ensure_min_size(area, theme)?;

    let legend: Vec<LegendEntry> = labels
        .legend
        .iter()
        .map(|(index, name)| LegendEntry::new(theme.palette(*index), name.as_str()))
        .collect();
    let plot_area = legend_strip(area, &legend, theme)?;

    let tick_style = theme.tick_style();
    let y_ticks = [compact(y_range.0), compact(y_range.1)];
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(theme.px_u32(MARGIN_PX))
        .x_label_area_size(x_label_area(theme))
        .y_label_area_size(y_label_area(theme, widest(area, &y_ticks, &tick_style)?))
        .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)
        .map_err(ChartError::drawing)?;
    let format_tick = |v: &f64| compact(*v);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_labels(6)
        .y_labels(6)
        .x_label_formatter(&format_tick)
        .y_label_formatter(&format_tick)
        .x_desc(labels.x_label.as_str())
        .y_desc(labels.y_label.as_str())
        .draw()
        .map_err(ChartError::drawing)?;

    let bottom_left = chart.backend_coord(&(x_range.0, y_range.0));
    let top_right = chart.backend_coord(&(x_range.1, y_range.1));
    Ok(ScatterFrame {
        x_range,
        y_range,
        x_pixels: (bottom_left.0, top_right.0),
        y_pixels: (bottom_left.1, top_right.1),
    })
}

/// A "seen" bitset over the plot rectangle and the pixels kept, for one colour.
type SeenPixels = (Vec<u64>, Vec<(i32, i32)>);

/// Pixels per colour, ready for one path per colour. Identical pixels are
/// kept once (first occurrence order), so a million points shrink to at most
/// plot-width × plot-height per colour. Points outside the plot rectangle and
/// non-finite points are dropped. Groups are sorted by colour index.
pub fn group_points_by_colour(
    points: &[ScatterPoint],
    frame: &ScatterFrame,
) -> Vec<(usize, Vec<(i32, i32)>)> {
    let rect = frame.plot_rect();
    let (width, height) = (rect.width() as usize, rect.height() as usize);
    // One "seen" bit per plot pixel and colour: cheaper than hashing pixels.
    let mut groups: BTreeMap<usize, SeenPixels> = BTreeMap::new();
    for &(x, y, colour) in points {
        if !x.is_finite() || !y.is_finite() {
            continue;
        }
        let pixel = frame.to_pixel(x, y);
        if !rect.contains(pixel) {
            continue;
        }
        let bit = (pixel.1 - rect.top) as usize * width + (pixel.0 - rect.left) as usize;
        let (seen, pixels) = groups
            .entry(colour)
            .or_insert_with(|| (vec![0u64; (width * height).div_ceil(64)], Vec::new()));
        let (word, mask) = (bit / 64, 1u64 << (bit % 64));
        if seen[word] & mask == 0 {
            seen[word] |= mask;
            pixels.push(pixel);
        }
    }
    groups
        .into_iter()
        .map(|(colour, (_, pixels))| (colour, pixels))
        .collect()
}

/// An RGBA image (row-major, not premultiplied, like the canvas's ImageData).
pub struct Rgba<'a> {
    pub pixels: &'a mut [u8],
    pub width: usize,
    pub height: usize,
}

/// Paints each group's pixels as `size` × `size` squares centred on them, in
/// `colour` at `alpha` over what is there: every covered pixel is blended
/// once per group, as filling one path per colour does. Written into the
/// image instead of one canvas `rect` call per pixel: with many customers
/// the rect calls blocked the page too long for each scatter.
pub fn paint_points(
    image: &mut Rgba<'_>,
    groups: &[(RGBColor, Vec<(i32, i32)>)],
    size: u32,
    alpha: f64,
) {
    let (width, height) = (image.width as i64, image.height as i64);
    if image.pixels.len() < (width * height * 4) as usize {
        return;
    }
    let size = i64::from(size.max(1));
    let half = size / 2;
    let alpha = alpha.clamp(0.0, 1.0);
    // Which group last painted each pixel, so a group blends a pixel once.
    let mut painted_by = vec![0u32; (width * height) as usize];
    for (group, (colour, pixels)) in (1u32..).zip(groups) {
        let source = [colour.0, colour.1, colour.2].map(f64::from);
        for &(x, y) in pixels {
            let (x0, y0) = (i64::from(x) - half, i64::from(y) - half);
            for py in y0.max(0)..(y0 + size).min(height) {
                for px in x0.max(0)..(x0 + size).min(width) {
                    let at = (py * width + px) as usize;
                    if painted_by[at] == group {
                        continue;
                    }
                    painted_by[at] = group;
                    blend(&mut image.pixels[at * 4..at * 4 + 4], source, alpha);
                }
            }
        }
    }
}

/// Source-over: `source` at `alpha` over the (non-premultiplied) `pixel`.
fn blend(pixel: &mut [u8], source: [f64; 3], alpha: f64) {
    let below = f64::from(pixel[3]) / 255.0;
    let out = alpha + below * (1.0 - alpha);
    if out <= 0.0 {
        return;
    }
    for c in 0..3 {
        let value = (source[c] * alpha + f64::from(pixel[c]) * below * (1.0 - alpha)) / out;
        pixel[c] = value.round().clamp(0.0, 255.0) as u8;
    }
    pixel[3] = (out * 255.0).round() as u8;
}

fn squared_distance(a: (i32, i32), b: (i32, i32)) -> i64 {
    let dx = i64::from(a.0) - i64::from(b.0);
    let dy = i64::from(a.1) - i64::from(b.1);
    dx * dx + dy * dy
}

/// Index of the point whose pixel is nearest `pixel`, within
/// `max_distance_px`; ties go to the lowest index. A linear scan is fast
/// enough for one hover; for repeated hovers over the same data use
/// [`HoverIndex`].
pub fn nearest_point(
    frame: &ScatterFrame,
    points: &[ScatterPoint],
    pixel: (i32, i32),
    max_distance_px: f64,
) -> Option<usize> {
    let limit = max_distance_px * max_distance_px;
    let mut best: Option<(i64, usize)> = None;
    for (index, &(x, y, _)) in points.iter().enumerate() {
        if !x.is_finite() || !y.is_finite() {
            continue;
        }
        let d = squared_distance(frame.to_pixel(x, y), pixel);
        if (d as f64) <= limit && best.is_none_or(|(best_d, _)| d < best_d) {
            best = Some((d, index));
        }
    }
    best.map(|(_, index)| index)
}

/// Grid of plot cells → point indices, built once per (points, frame) so a
/// hover only looks at the few cells around the cursor.
#[derive(Debug, Clone)]
pub struct HoverIndex {
    rect: PixelRect,
    cell_px: i32,
    columns: usize,
    rows: usize,
    /// Points of cell `c` are `point_ids[cell_starts[c]..cell_starts[c + 1]]`.
    cell_starts: Vec<u32>,
    point_ids: Vec<u32>,
    pixels: Vec<(i32, i32)>,
}

impl HoverIndex {
    /// Indexes points inside the plot rectangle; `cell_px` ≈ the hover radius.
    pub fn new(frame: &ScatterFrame, points: &[ScatterPoint], cell_px: i32) -> Self {
        let rect = frame.plot_rect();
        let cell_px = cell_px.max(1);
        let columns = (rect.width() / cell_px + 1) as usize;
        let rows = (rect.height() / cell_px + 1) as usize;
        let mut pixels = Vec::with_capacity(points.len());
        let mut cells = Vec::with_capacity(points.len());
        for &(x, y, _) in points {
            let pixel = frame.to_pixel(x, y);
            pixels.push(pixel);
            let inside = x.is_finite() && y.is_finite() && rect.contains(pixel);
            cells.push(inside.then(|| {
                let column = ((pixel.0 - rect.left) / cell_px) as usize;
                let row = ((pixel.1 - rect.top) / cell_px) as usize;
                row * columns + column
            }));
        }
        // Counting sort into compressed rows.
        let mut cell_starts = vec![0u32; columns * rows + 1];
        for cell in cells.iter().flatten() {
            cell_starts[cell + 1] += 1;
        }
        for i in 1..cell_starts.len() {
            cell_starts[i] += cell_starts[i - 1];
        }
        let mut next = cell_starts.clone();
        let mut point_ids = vec![0u32; cell_starts[columns * rows] as usize];
        for (index, cell) in cells.iter().enumerate() {
            if let Some(cell) = cell {
                point_ids[next[*cell] as usize] = index as u32;
                next[*cell] += 1;
            }
        }
        HoverIndex {
            rect,
            cell_px,
            columns,
            rows,
            cell_starts,
            point_ids,
            pixels,
        }
    }

    /// Same answer as [`nearest_point`] for points inside the plot.
    pub fn nearest(&self, pixel: (i32, i32), max_distance_px: f64) -> Option<usize> {
        if !max_distance_px.is_finite() || max_distance_px < 0.0 {
            return None;
        }
        let limit = max_distance_px * max_distance_px;
        let reach = max_distance_px.ceil() as i32;
        let cell_of = |p: i32, start: i32, count: usize| {
            ((p - start).div_euclid(self.cell_px)).clamp(0, count as i32 - 1) as usize
        };
        let (c0, c1) = (
            cell_of(pixel.0 - reach, self.rect.left, self.columns),
            cell_of(pixel.0 + reach, self.rect.left, self.columns),
        );
        let (r0, r1) = (
            cell_of(pixel.1 - reach, self.rect.top, self.rows),
            cell_of(pixel.1 + reach, self.rect.top, self.rows),
        );
        let mut best: Option<(i64, usize)> = None;
        for row in r0..=r1 {
            for column in c0..=c1 {
                let cell = row * self.columns + column;
                let range = self.cell_starts[cell] as usize..self.cell_starts[cell + 1] as usize;
                for &id in &self.point_ids[range] {
                    let index = id as usize;
                    let d = squared_distance(self.pixels[index], pixel);
                    let better = best.is_none_or(|(bd, bi)| d < bd || (d == bd && index < bi));
                    if (d as f64) <= limit && better {
                        best = Some((d, index));
                    }
                }
            }
        }
        best.map(|(_, index)| index)
    }
}

/// Slow path for small sets and native rendering: one plotters circle per
/// grouped pixel. The browser should batch paths per colour instead.
pub fn draw_point_groups<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    groups: &[(usize, Vec<(i32, i32)>)],
    theme: &Theme,
) -> Result<(), ChartError> {
    let (origin_x, origin_y) = area.get_base_pixel();
    let radius = theme.px_u32(theme.point_radius_px * 0.6);
    for (colour, pixels) in groups {
        let style = theme.palette(*colour).filled();
        for &(x, y) in pixels {
            let centre = (x - origin_x, y - origin_y);
            area.draw(&Circle::new(centre, radius, style))
                .map_err(ChartError::drawing)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{paint_points, Rgba};

    fn white(width: usize, height: usize) -> Vec<u8> {
        vec![255; width * height * 4]
    }

    fn pixel(image: &[u8], width: usize, (x, y): (usize, usize)) -> [u8; 4] {
        let at = (y * width + x) * 4;
        [image[at], image[at + 1], image[at + 2], image[at + 3]]
    }

    #[test]
    fn points_paint_squares_blended_once_per_colour() {
        let (width, height) = (10, 10);
        let mut pixels = white(width, height);
        let red = RGBColor(255, 0, 0);
        let blue = RGBColor(0, 0, 255);
        // Two overlapping red squares, then a blue one over both.
        let groups = vec![(red, vec![(2, 2), (3, 2)]), (blue, vec![(3, 3)])];
        paint_points(
            &mut Rgba {
                pixels: &mut pixels,
                width,
                height,
            },
            &groups,
            3,
            0.5,
        );
        // Red over white once, even where the red squares overlap.
        assert_eq!(pixel(&pixels, width, (1, 1)), [255, 128, 128, 255]);
        assert_eq!(pixel(&pixels, width, (3, 1)), [255, 128, 128, 255]);
        // Blue over red-over-white.
        assert_eq!(pixel(&pixels, width, (3, 3)), [128, 64, 192, 255]);
        // Blue over white; untouched outside every square.
        assert_eq!(pixel(&pixels, width, (4, 4)), [128, 128, 255, 255]);
        assert_eq!(pixel(&pixels, width, (0, 0)), [255, 255, 255, 255]);
        assert_eq!(pixel(&pixels, width, (5, 1)), [255, 255, 255, 255]);
    }

    #[test]
    fn points_at_the_edges_are_clipped_and_transparent_pixels_take_the_colour() {
        let (width, height) = (4, 3);
        let mut pixels = vec![0u8; width * height * 4];
        let green = RGBColor(0, 200, 0);
        let groups = vec![(green, vec![(0, 0), (3, 2), (-5, 40)])];
        paint_points(
            &mut Rgba {
                pixels: &mut pixels,
                width,
                height,
            },
            &groups,
            3,
            0.75,
        );
        assert_eq!(pixel(&pixels, width, (0, 0)), [0, 200, 0, 191]);
        assert_eq!(pixel(&pixels, width, (3, 2)), [0, 200, 0, 191]);
        assert_eq!(pixel(&pixels, width, (2, 0)), [0, 0, 0, 0]);
        // A buffer too small for its size is left alone rather than indexed past.
        let mut short = vec![7u8; 10];
        paint_points(
            &mut Rgba {
                pixels: &mut short,
                width,
                height,
            },
            &groups,
            3,
            0.75,
        );
        assert_eq!(short, vec![7u8; 10]);
    }

    use super::*;
    use crate::charts::testing::{RecordingBackend, Shape};
    use crate::charts::theme::palette;

    fn labels() -> ScatterLabels {
        ScatterLabels {
            x_label: "Recency (days)".into(),
            y_label: "Monetary (£)".into(),
            legend: vec![(0, "Champions".into()), (3, "At risk".into())],
        }
    }

    fn frame(width: u32, height: u32) -> ScatterFrame {
        let (area, _) = RecordingBackend::area(width, height);
        draw_scatter_frame(
            &area,
            (0.0, 100.0),
            (0.0, 1000.0),
            &labels(),
            &Theme::light(),
        )
        .unwrap()
    }

    /// Deterministic pseudo-random points (xorshift), no extra dependency.
    fn random_points(count: usize, colours: usize) -> Vec<ScatterPoint> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..count)
            .map(|i| (next() * 100.0, next() * 1000.0, i % colours))
            .collect()
    }

    #[test]
    fn frame_draws_labels_legend_and_maps_like_the_grid() {
        let (area, rec) = RecordingBackend::area(640, 400);
        let theme = Theme::light();
        let frame =
            draw_scatter_frame(&area, (0.0, 100.0), (0.0, 1000.0), &labels(), &theme).unwrap();
        for text in ["Recency (days)", "Monetary (£)", "Champions", "At risk"] {
            assert!(rec.has_text(text), "missing {text}");
        }
        assert_eq!(rec.filled_rects(palette(3)).len(), 1, "legend swatch");

        let rect = frame.plot_rect();
        assert_eq!(frame.to_pixel(0.0, 0.0), (rect.left, rect.bottom));
        assert_eq!(frame.to_pixel(100.0, 1000.0), (rect.right, rect.top));
        // Grid lines at x = 20, 40, … sit exactly where to_pixel puts them.
        let vertical_grid_x: Vec<i32> = rec
            .strokes(theme.grid)
            .into_iter()
            .filter(|s| s.len() == 2 && s[0].0 == s[1].0)
            .map(|s| s[0].0)
            .collect();
        assert!(rec.has_text("40"));
        assert!(vertical_grid_x.contains(&frame.to_pixel(40.0, 0.0).0));
        let (x, y) = frame.from_pixel(frame.to_pixel(40.0, 500.0));
        assert!((x - 40.0).abs() < 0.5 && (y - 500.0).abs() < 5.0);
    }

    #[test]
    fn bad_ranges_are_invalid_and_flat_ranges_are_padded() {
        let (area, _) = RecordingBackend::area(640, 400);
        let theme = Theme::light();
        let nan = draw_scatter_frame(&area, (f64::NAN, 1.0), (0.0, 1.0), &labels(), &theme);
        assert!(matches!(nan, Err(ChartError::InvalidInput(_))));
        let reversed = draw_scatter_frame(&area, (0.0, 1.0), (5.0, 1.0), &labels(), &theme);
        assert!(matches!(reversed, Err(ChartError::InvalidInput(_))));
        let flat = draw_scatter_frame(&area, (3.0, 3.0), (0.0, 0.0), &labels(), &theme).unwrap();
        let rect = flat.plot_rect();
        assert!(rect.contains(flat.to_pixel(3.0, 0.0)));
    }

    #[test]
    fn grouping_dedups_pixels_and_drops_outside_points() {
        let frame = frame(300, 200);
        let rect = frame.plot_rect();
        let mut points = random_points(1_000_000, 3);
        points.push((f64::NAN, 1.0, 0));
        points.push((500.0, 1.0, 7)); // outside x range: colour 7 must not appear
        let groups = group_points_by_colour(&points, &frame);

        assert_eq!(groups.iter().map(|g| g.0).collect::<Vec<_>>(), [0, 1, 2]);
        let capacity = (rect.width() * rect.height()) as usize;
        for (_, pixels) in &groups {
            assert!(pixels.len() <= capacity);
            // A million points fill most of a small plot.
            assert!(pixels.len() > capacity / 2);
            let mut unique = pixels.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), pixels.len());
            assert!(pixels.iter().all(|p| rect.contains(*p)));
        }
    }

    #[test]
    fn grouping_keeps_distinct_pixels_and_colours() {
        let frame = frame(640, 400);
        let points = [
            (0.0, 0.0, 1),
            (0.0, 0.0, 1),
            (0.0, 0.0, 2),
            (100.0, 1000.0, 1),
        ];
        let groups = group_points_by_colour(&points, &frame);
        let rect = frame.plot_rect();
        assert_eq!(
            groups,
            vec![
                (1, vec![(rect.left, rect.bottom), (rect.right, rect.top)]),
                (2, vec![(rect.left, rect.bottom)]),
            ]
        );
    }

    #[test]
    fn hover_index_agrees_with_linear_scan() {
        let frame = frame(640, 400);
        let points = random_points(20_000, 4);
        let index = HoverIndex::new(&frame, &points, 12);
        let rect = frame.plot_rect();
        for i in 0..300 {
            let pixel = (
                rect.left - 5 + (i * 37) % (rect.width() + 10),
                rect.top + (i * 53) % rect.height(),
            );
            let expected = nearest_point(&frame, &points, pixel, 10.0);
            let found = index.nearest(pixel, 10.0);
            let distance = |p: Option<usize>| {
                p.map(|i| squared_distance(frame.to_pixel(points[i].0, points[i].1), pixel))
            };
            assert_eq!(distance(found), distance(expected), "at {pixel:?}");
            assert_eq!(found, expected, "tie-break differs at {pixel:?}");
        }
    }

    #[test]
    fn nearest_respects_radius_and_ignores_nan() {
        let frame = frame(640, 400);
        let points = [(f64::NAN, 0.0, 0), (50.0, 500.0, 0)];
        let target = frame.to_pixel(50.0, 500.0);
        let index = HoverIndex::new(&frame, &points, 8);
        assert_eq!(nearest_point(&frame, &points, target, 3.0), Some(1));
        assert_eq!(index.nearest(target, 3.0), Some(1));
        let far = (target.0 + 30, target.1);
        assert_eq!(nearest_point(&frame, &points, far, 10.0), None);
        assert_eq!(index.nearest(far, 10.0), None);
        assert_eq!(nearest_point(&frame, &[], target, 10.0), None);
    }

    #[test]
    fn point_groups_draw_in_palette_colours() {
        let (area, rec) = RecordingBackend::area(640, 400);
        let theme = Theme::dark();
        let frame =
            draw_scatter_frame(&area, (0.0, 100.0), (0.0, 1000.0), &labels(), &theme).unwrap();
        let groups = group_points_by_colour(&[(10.0, 10.0, 7), (20.0, 20.0, 0)], &frame);
        rec.clear();
        draw_point_groups(&area, &groups, &theme).unwrap();
        let circles: Vec<_> = rec
            .visible()
            .into_iter()
            .filter(|p| matches!(p.shape, Shape::Circle { .. }))
            .map(|p| p.colour)
            .collect();
        assert_eq!(circles, vec![theme.palette(0), theme.palette(7)]);
        assert_ne!(
            theme.palette(7),
            palette(7),
            "dark mode swaps black for grey"
        );
    }
}
