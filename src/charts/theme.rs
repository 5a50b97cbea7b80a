//! Colours and sizes shared by every chart, so cluster `i` looks the same
//! everywhere and light/dark modes stay readable.

use plotters::style::{FontDesc, IntoFont, RGBColor, TextStyle};

/// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

/// Black is invisible on a dark background; light grey takes its place.
const DARK_MODE_LAST: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

/// Viridis sampled at 9 evenly spaced stops (dark purple → yellow).
const VIRIDIS: [RGBColor; 9] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x47, 0x2C, 0x7A),
    RGBColor(0x3B, 0x51, 0x8B),
    RGBColor(0x2C, 0x71, 0x8E),
    RGBColor(0x21, 0x90, 0x8D),
    RGBColor(0x27, 0xAD, 0x81),
    RGBColor(0x5C, 0xC8, 0x63),
    RGBColor(0xAA, 0xDC, 0x32),
    RGBColor(0xFD, 0xE7, 0x25),
];

/// Number of distinct categorical colours before they repeat.
pub const PALETTE_LEN: usize = OKABE_ITO.len();

/// Categorical colour `i` (light mode); indices wrap around.
pub fn palette(i: usize) -> RGBColor {
    OKABE_ITO[i % PALETTE_LEN]
}

/// Categorical colour `i` for the given mode; indices wrap around.
pub fn palette_for(mode: ThemeMode, i: usize) -> RGBColor {
    match mode {
        ThemeMode::Dark if i % PALETTE_LEN == PALETTE_LEN - 1 => DARK_MODE_LAST,
        _ => palette(i),
    }
}

/// Viridis at `t` in 0..=1 (clamped; NaN → 0), linearly interpolated.
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let position = t * (VIRIDIS.len() - 1) as f64;
    let lower = (position.floor() as usize).min(VIRIDIS.len() - 2);
    let fraction = position - lower as f64;
    let (a, b) = (VIRIDIS[lower], VIRIDIS[lower + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * fraction).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// WCAG relative luminance (0 = black, 1 = white).
pub fn relative_luminance(colour: RGBColor) -> f64 {
    let channel = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(colour.0) + 0.7152 * channel(colour.1) + 0.0722 * channel(colour.2)
}

/// `#0072b2`, for canvas code that sets `fillStyle` itself.
pub fn css_hex(colour: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeMode {
    Light,
    Dark,
}

/// Colours and CSS-pixel sizes; `scale` (devicePixelRatio) multiplies every size.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub mode: ThemeMode,
    pub background: RGBColor,
    /// Text and emphasised marks.
    pub foreground: RGBColor,
    pub grid: RGBColor,
    /// Axes, secondary marks, missing cells.
    pub muted: RGBColor,
    /// Tick labels and legend text, CSS px.
    pub tick_font_px: f64,
    /// Axis descriptions and notices, CSS px.
    pub label_font_px: f64,
    /// Data line width, CSS px.
    pub line_width_px: f64,
    /// Point marker radius, CSS px.
    pub point_radius_px: f64,
    /// Canvas pixels per CSS pixel.
    pub scale: f64,
}

impl Theme {
    pub fn light() -> Self {
        Theme {
            mode: ThemeMode::Light,
            background: RGBColor(0xFF, 0xFF, 0xFF),
            foreground: RGBColor(0x22, 0x22, 0x22),
            grid: RGBColor(0xE3, 0xE3, 0xE3),
            muted: RGBColor(0x76, 0x76, 0x76),
            ..Self::sizes()
        }
    }

    pub fn dark() -> Self {
        Theme {
            mode: ThemeMode::Dark,
            background: RGBColor(0x1E, 0x1E, 0x1E),
            foreground: RGBColor(0xE8, 0xE8, 0xE8),
            grid: RGBColor(0x3A, 0x3A, 0x3A),
            muted: RGBColor(0x9A, 0x9A, 0x9A),
            ..Self::sizes()
        }
    }

    fn sizes() -> Self {
        Theme {
            mode: ThemeMode::Light,
            background: RGBColor(0xFF, 0xFF, 0xFF),
            foreground: RGBColor(0, 0, 0),
            grid: RGBColor(0xE3, 0xE3, 0xE3),
            muted: RGBColor(0x76, 0x76, 0x76),
            tick_font_px: 11.0,
            label_font_px: 12.0,
            line_width_px: 2.0,
            point_radius_px: 3.5,
            scale: 1.0,
        }
    }

    /// Same theme for a canvas sized at CSS size × `scale`; non-positive or
    /// non-finite scales fall back to 1.
    pub fn with_scale(mut self, scale: f64) -> Self {
        self.scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        self
    }

    /// CSS px → canvas px.
    pub fn px(&self, css_px: f64) -> f64 {
        css_px * self.scale
    }

    /// CSS px → whole canvas px (at least 1).
    pub fn px_i32(&self, css_px: f64) -> i32 {
        self.px(css_px).round().max(1.0) as i32
    }

    /// Canvas px as u32, for plotters' stroke widths and label areas.
    pub fn px_u32(&self, css_px: f64) -> u32 {
        self.px_i32(css_px) as u32
    }

    /// Categorical colour for cluster/series `i`.
    pub fn palette(&self, i: usize) -> RGBColor {
        palette_for(self.mode, i)
    }

    /// Sequential colour for `t` in 0..=1: low values blend into the
    /// background, high values stand out (light → dark on a light theme,
    /// dark → light on a dark theme). Viridis either way.
    pub fn sequential(&self, t: f64) -> RGBColor {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        match self.mode {
            ThemeMode::Light => viridis(1.0 - t),
            ThemeMode::Dark => viridis(t),
        }
    }

    /// Readable text colour on a filled background.
    pub fn text_on(&self, fill: RGBColor) -> RGBColor {
        if relative_luminance(fill) > 0.35 {
            RGBColor(0x11, 0x11, 0x11)
        } else {
            RGBColor(0xFF, 0xFF, 0xFF)
        }
    }

    pub(crate) fn font<'a>(&self, css_px: f64, colour: RGBColor) -> TextStyle<'a> {
        let font: FontDesc<'a> = ("sans-serif", self.px(css_px)).into_font();
        font.color(&colour)
    }

    pub(crate) fn tick_style<'a>(&self) -> TextStyle<'a> {
        self.font(self.tick_font_px, self.foreground)
    }

    pub(crate) fn label_style<'a>(&self) -> TextStyle<'a> {
        self.font(self.label_font_px, self.foreground)
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::light()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_okabe_ito_and_wraps() {
        assert_eq!(css_hex(palette(0)), "#0072b2");
        assert_eq!(css_hex(palette(1)), "#e69f00");
        assert_eq!(css_hex(palette(7)), "#000000");
        assert_eq!(palette(8), palette(0));
    }

    #[test]
    fn dark_mode_replaces_black_only() {
        let dark = Theme::dark();
        assert_eq!(dark.palette(7), DARK_MODE_LAST);
        assert_eq!(dark.palette(15), DARK_MODE_LAST);
        assert_eq!(dark.palette(0), palette(0));
    }

    #[test]
    fn sequential_runs_from_background_towards_contrast() {
        let light = Theme::light();
        let dark = Theme::dark();
        let lum = |t, theme: &Theme| relative_luminance(theme.sequential(t));
        assert!(lum(0.0, &light) > lum(0.5, &light) && lum(0.5, &light) > lum(1.0, &light));
        assert!(lum(0.0, &dark) < lum(0.5, &dark) && lum(0.5, &dark) < lum(1.0, &dark));
        assert_eq!(light.sequential(f64::NAN), light.sequential(0.0));
        assert_eq!(viridis(0.0), VIRIDIS[0]);
        assert_eq!(viridis(1.0), VIRIDIS[8]);
    }

    #[test]
    fn text_on_contrasts_with_fill() {
        let theme = Theme::light();
        assert_eq!(theme.text_on(viridis(0.0)), RGBColor(0xFF, 0xFF, 0xFF));
        assert_eq!(theme.text_on(viridis(1.0)), RGBColor(0x11, 0x11, 0x11));
    }

    #[test]
    fn scale_multiplies_sizes() {
        let theme = Theme::light().with_scale(2.0);
        assert_eq!(theme.px(11.0), 22.0);
        assert_eq!(Theme::light().with_scale(f64::NAN).scale, 1.0);
    }
}
