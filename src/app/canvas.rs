//! Charts on `<canvas>`: sized for the device pixel ratio so they are crisp on
//! HiDPI screens, drawn with the light or dark theme, downloadable as PNG.

use super::measured_canvas::MeasuredCanvas;
use super::next_task::after_this_task;
use crate::charts::{ChartError, Theme};
use leptos::{html, prelude::*};
use plotters::coord::Shift;
use plotters::prelude::*;
use wasm_bindgen::JsCast;

pub type CanvasArea = DrawingArea<MeasuredCanvas, Shift>;

/// Bumped when the window is resized, so charts redraw at the new width.
#[derive(Clone, Copy)]
pub struct ViewportVersion(pub RwSignal<u32>);

/// Installs the resize listener; call once at the top of the app.
pub fn provide_viewport_version() {
    let version = RwSignal::new(0u32);
    let handle = window_event_listener(leptos::ev::resize, move |_| version.update(|v| *v += 1));
    on_cleanup(move || handle.remove());
    provide_context(ViewportVersion(version));
}

/// Makes the calling effect re-run when the window is resized.
pub fn track_viewport() {
    if let Some(ViewportVersion(version)) = use_context::<ViewportVersion>() {
        version.track();
    }
}

/// Current devicePixelRatio (1 when unknown).
pub fn pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| *r > 0.0)
        .unwrap_or(1.0)
}

/// Whether the user's system asks for a dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The chart theme for the user's colour scheme at this pixel ratio.
pub fn theme(ratio: f64) -> Theme {
    let base = if prefers_dark() {
        Theme::dark()
    } else {
        Theme::light()
    };
    base.with_scale(ratio)
}

/// Resizes `canvas` to its CSS width × devicePixelRatio (and `css_height`)
/// and hands a drawing area to `draw`. A failure is logged and described on
/// the canvas's accessible label instead of aborting the app; "no data" is
/// already drawn on the canvas by the chart itself.
pub fn redraw(
    canvas: &web_sys::HtmlCanvasElement,
    css_height: u32,
    draw: impl FnOnce(&CanvasArea, &Theme) -> Result<(), ChartError>,
) {
    let ratio = pixel_ratio();
    let css_width = f64::from(canvas.client_width().max(200));
    canvas.set_width((css_width * ratio).round() as u32);
    canvas.set_height((f64::from(css_height) * ratio).round() as u32);
    let Some(backend) = MeasuredCanvas::new(canvas) else {
        return;
    };
    let area = backend.into_drawing_area();
    match draw(&area, &theme(ratio)) {
        Ok(()) | Err(ChartError::NoData) => {
            let _ = area.present();
        }
        Err(error) => {
            let _ =
                canvas.set_attribute("aria-description", &format!("Chart unavailable: {error}"));
            web_sys::console::warn_1(&format!("chart: {error}").into());
        }
    }
}

/// Triggers a download of `canvas` as `file_name` (PNG).
pub fn download_png(canvas: &web_sys::HtmlCanvasElement, file_name: &str) {
    if let Ok(url) = canvas.to_data_url_with_type("image/png") {
        download_url(&url, file_name);
    }
}

/// Clicks a temporary `<a download>` for `url`.
pub fn download_url(url: &str, file_name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.click();
}

/// A chart card: title, canvas, PNG download button. `draw` re-runs whenever
/// the signals it reads change.
#[component]
pub fn ChartCanvas<F>(
    #[prop(into)] title: String,
    /// Accessible description of what the chart shows.
    #[prop(into)]
    description: Signal<String>,
    #[prop(into)] file_name: String,
    #[prop(default = 320)] height: u32,
    draw: F,
) -> impl IntoView
where
    F: Fn(&CanvasArea, &Theme) -> Result<(), ChartError> + 'static,
{
    let canvas_ref = NodeRef::<html::Canvas>::new();
    // The first drawing waits for a task of its own, so that a section's
    // charts do not block the page together. Later redraws (a toggle, a
    // resize) follow at once.
    let ready = after_this_task();
    Effect::new(move |_| {
        track_viewport();
        if let (Some(canvas), true) = (canvas_ref.get(), ready.get()) {
            redraw(&canvas, height, &draw);
        }
    });
    view! {
        <figure class="chart panel">
            <figcaption>
                <h3>{title.clone()}</h3>
                <button
                    class="link"
                    aria-label=format!("Download the {title} chart as PNG")
                    on:click=move |_| {
                        if let Some(canvas) = canvas_ref.get() {
                            download_png(&canvas, &file_name);
                        }
                    }
                >"PNG"</button>
            </figcaption>
            <canvas node_ref=canvas_ref class="chart-canvas" height=height role="img" aria-label=move || description.get()></canvas>
        </figure>
    }
}

/// Offers `bytes` as a file download through a temporary object URL.
pub fn save_bytes(bytes: &[u8], mime: &str, file_name: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(&url, file_name);
    let _ = web_sys::Url::revoke_object_url(&url);
}
