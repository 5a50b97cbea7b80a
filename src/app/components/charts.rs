//! Dashboard charts: each one a canvas drawn by `crate::charts` from a chart
//! input built in `crate::views::chart_inputs`.

use crate::app::canvas::{pixel_ratio, theme, track_viewport, ChartCanvas};
use crate::app::state::Studio;
use crate::charts::{
    self, palette_for, HoverIndex, Rgba, ScatterFrame, ScatterLabels, ScatterPoint,
};
use crate::studio::Event;
use crate::views::chart_inputs::ScatterView;
use crate::views::dashboard::ScatterPlot;
use crate::views::Dashboard;
use leptos::{ev, html, prelude::*};
use plotters::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

#[component]
pub fn SegmentCharts(dashboard: Arc<Dashboard>) -> impl IntoView {
    let heatmap = dashboard.segments.rf_heatmap.clone();
    let sizes = dashboard.segments.sizes.clone();
    let revenue = dashboard.segments.revenue.clone();
    view! {
        <div class="chart-grid">
            <ChartCanvas title="Customers by R and F score" file_name="rf-heatmap.png"
                description="Heatmap of customer counts by recency score (columns) and frequency score (rows)"
                draw=move |area, theme| charts::draw_rf_heatmap(area, &heatmap, theme)/>
            <ChartCanvas title="Segment sizes" file_name="segment-sizes.png"
                description="Bar chart of customers per RFM segment"
                draw=move |area, theme| charts::draw_bars(area, &sizes, theme)/>
            <ChartCanvas title="Revenue share by segment" file_name="segment-revenue.png"
                description="Bar chart of each segment's share of revenue"
                draw=move |area, theme| charts::draw_bars(area, &revenue, theme)/>
        </div>
    }
}

#[component]
pub fn ClusterCharts(dashboard: Arc<Dashboard>) -> impl IntoView {
    let sweep = dashboard.clusters.k_sweep.clone();
    let snake = dashboard.clusters.snake.clone();
    view! {
        <div class="chart-grid">
            <ChartCanvas title="Choosing k: inertia (elbow) and silhouette" file_name="k-sweep.png"
                description="Line chart of inertia and silhouette for k from 2 to 10, with the recommended and chosen k marked"
                draw=move |area, theme| charts::draw_k_sweep(area, &sweep, theme)/>
            <ChartCanvas title="Snake plot: standardised means per cluster" file_name="snake-plot.png"
                description="Line chart of each cluster's standardised mean log recency, frequency and monetary"
                draw=move |area, theme| charts::draw_snake_plot(area, &snake, theme)/>
        </div>
        <div class="chart-grid">
            <Scatter view=ScatterView::RecencyMonetary title="Customers: recency vs monetary" file_name="scatter-rm.png"/>
            <Scatter view=ScatterView::Pca title="Customers: PCA of the clustering features" file_name="scatter-pca.png"/>
        </div>
    }
}

#[component]
pub fn Distributions(dashboard: Arc<Dashboard>) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let log = RwSignal::new(true);
    let distributions = &dashboard.distributions;
    let monthly = distributions.monthly.clone();
    let cohorts = distributions.cohorts.clone();
    let histograms = distributions
        .histograms
        .iter()
        .map(|feature| {
            let (linear, logarithmic) = (feature.linear.clone(), feature.log.clone());
            let title = feature.title.clone();
            let lower = title.to_lowercase();
            view! {
                <ChartCanvas title=title file_name=feature.file_name.clone() height=260
                    description=move || format!("Histogram of customer {lower} ({} scale)", if log.get() { "log" } else { "linear" })
                    draw=move |area, theme| charts::draw_binned_histogram(area, if log.get() { &logarithmic } else { &linear }, theme)/>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="distributions-title">
            <h2 id="distributions-title">"Distributions"</h2>
            <label class="toggle">
                <input type="checkbox" prop:checked=move || log.get() on:change=move |_| log.update(|l| *l = !*l)/>
                " Logarithmic x axis"
            </label>
            <div class="chart-grid three">{histograms}</div>
            <div class="chart-grid">
                <ChartCanvas title="Revenue by month" file_name="monthly-revenue.png"
                    description="Bar chart of revenue per calendar month"
                    draw=move |area, theme| charts::draw_monthly_revenue(area, &monthly, theme)/>
                // The customer-level models' forecast beside the history, once predicted.
                {move || match studio.clv.get() {
                    Some(clv) => {
                        let forecast = clv.trust.forecast.clone();
                        view! {
                            <ChartCanvas title="Revenue forecast: the next 12 months" file_name="revenue-forecast-beside-history.png"
                                description="Bar chart of the revenue today's customers are expected to bring in each of the next 12 months"
                                draw=move |area, theme| charts::draw_category_series(area, &forecast, theme)/>
                        }.into_any()
                    }
                    None => view! {
                        <p class="muted">"The revenue forecast for the next 12 months appears here once lifetime value is predicted (Predicted value and churn risk)."</p>
                    }.into_any(),
                }}
            </div>
            {cohorts.map(|cohorts| {
                let height = (90 + 24 * cohorts.rows.len()).clamp(260, 900) as u32;
                view! {
                    <ChartCanvas title="Cohort retention: share of each first-purchase month buying again" file_name="cohort-retention.png"
                        height=height
                        description="Heatmap: rows are customers grouped by the month of their first purchase, columns the months since; each cell is the share of the cohort that bought in that month"
                        draw=move |area, theme| charts::draw_cohort_heatmap(area, &cohorts, theme)/>
                }
            })}
        </section>
    }
}

/// A customers scatter coloured by cluster. Axes come from plotters; the
/// points are drawn straight onto the canvas, one path per cluster, because
/// plotters' per-point drawing is too slow for 100k customers. The points
/// come from the worker after the dashboard; the hover asks it who is there.
#[component]
pub fn Scatter(view: ScatterView, title: &'static str, file_name: &'static str) -> impl IntoView {
    let studio = expect_context::<Studio>();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let state: StoredValue<Option<(ScatterFrame, HoverIndex, f64)>, LocalStorage> =
        StoredValue::new_local(None);
    let plot = match view {
        ScatterView::RecencyMonetary => studio.recency_monetary,
        ScatterView::Pca => studio.pca,
        ScatterView::Tsne => studio.tsne,
    };
    Effect::new(move |_| {
        track_viewport();
        let (Some(canvas), Some(plot)) = (canvas_ref.get(), plot.get()) else {
            return;
        };
        // Drawn in a task of its own: with 100k+ customers each scatter takes
        // tens of milliseconds, and the section's other charts draw meanwhile.
        set_timeout(
            move || draw_scatter(&canvas, &plot, state),
            std::time::Duration::ZERO,
        );
    });
    let on_move = move |e: ev::MouseEvent| {
        let index = state.with_value(|s| {
            let (_, index, ratio) = s.as_ref()?;
            let pixel = (
                (f64::from(e.offset_x()) * ratio) as i32,
                (f64::from(e.offset_y()) * ratio) as i32,
            );
            index.nearest(pixel, 10.0 * ratio)
        });
        // A sampled plot's point i is not customer i.
        let row = index.and_then(|i| plot.with_untracked(|p| p.as_ref().and_then(|p| p.row_of(i))));
        studio.dispatch(Event::Hover(row));
    };
    let hovering = RwSignal::new(false);
    view! {
        <figure class="chart panel">
            <figcaption>
                <h3>{title}</h3>
                <button class="link" aria-label=format!("Download the {title} chart as PNG")
                    on:click=move |_| if let Some(c) = canvas_ref.get() { crate::app::canvas::download_png(&c, file_name) }>"PNG"</button>
            </figcaption>
            <canvas node_ref=canvas_ref class="chart-canvas" height="360" role="img"
                aria-label=format!("Scatter plot of customers coloured by cluster: {title}")
                on:mouseenter=move |_| hovering.set(true)
                on:mousemove=on_move
                on:mouseleave=move |_| { hovering.set(false); studio.dispatch(Event::Hover(None)) }></canvas>
            // The t-SNE section says what its map is drawn from itself.
            {move || plot.get().filter(|p| p.view != ScatterView::Tsne && !p.note.is_empty())
                .map(|p| view! { <p class="muted chart-note">{p.note.clone()}</p> })}
            <p class="hover muted" aria-live="polite">{move || match studio.hover.get().filter(|_| hovering.get()) {
                Some(text) if !text.is_empty() => text,
                _ => "Hover a point to see the customer.".to_string(),
            }}</p>
        </figure>
    }
}

/// Fills one small square per distinct pixel, one path per cluster colour.
fn draw_points(
    canvas: &web_sys::HtmlCanvasElement,
    frame: &ScatterFrame,
    points: &[ScatterPoint],
    theme: &charts::Theme,
) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let (width, height) = (canvas.width(), canvas.height());
    let Ok(image) = ctx.get_image_data(0.0, 0.0, f64::from(width), f64::from(height)) else {
        return;
    };
    let mut pixels = image.data().0;
    let groups: Vec<_> = charts::group_points_by_colour(points, frame)
        .into_iter()
        .map(|(colour, pixels)| (palette_for(theme.mode, colour), pixels))
        .collect();
    let size = (3.0 * theme.scale).round().max(2.0) as u32;
    charts::paint_points(
        &mut Rgba {
            pixels: &mut pixels,
            width: width as usize,
            height: height as usize,
        },
        &groups,
        size,
        0.75,
    );
    if let Ok(painted) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&pixels),
        width,
        height,
    ) {
        let _ = ctx.put_image_data(&painted, 0.0, 0.0);
    }
}

/// Axes with plotters, then the points straight onto the canvas, then the hover index.
fn draw_scatter(
    canvas: &web_sys::HtmlCanvasElement,
    plot: &ScatterPlot,
    state: StoredValue<Option<(ScatterFrame, HoverIndex, f64)>, LocalStorage>,
) {
    let (drawn_points, labels): (&[ScatterPoint], &ScatterLabels) = (&plot.points, &plot.labels);
    let ratio = pixel_ratio();
    let theme = theme(ratio);
    let css_width = canvas.client_width().max(200) as f64;
    canvas.set_width((css_width * ratio).round() as u32);
    canvas.set_height((360.0 * ratio).round() as u32);
    let Some(backend) = crate::app::measured_canvas::MeasuredCanvas::new(canvas) else {
        return;
    };
    let area = backend.into_drawing_area();
    let (xs, ys): (Vec<f64>, Vec<f64>) = drawn_points.iter().map(|p| (p.0, p.1)).unzip();
    let range = |v: &[f64]| {
        (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let Ok(frame) = charts::draw_scatter_frame(&area, range(&xs), range(&ys), labels, &theme)
    else {
        return;
    };
    let _ = area.present();
    draw_points(canvas, &frame, drawn_points, &theme);
    let index = HoverIndex::new(&frame, drawn_points, (12.0 * ratio) as i32);
    state.set_value(Some((frame, index, ratio)));
}
