//! A font-free [`DrawingBackend`] that records what a chart draws, so tests
//! (and anyone checking a chart natively) can assert on primitives and texts.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea, RGBColor};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

/// Width of one character as a fraction of the font size; height is the size.
pub const CHAR_WIDTH_EM: f64 = 0.6;

/// One drawing call.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Pixel(BackendCoord),
    Line(BackendCoord, BackendCoord),
    Rect {
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        filled: bool,
    },
    Path(Vec<BackendCoord>),
    Circle {
        center: BackendCoord,
        radius: u32,
        filled: bool,
    },
    Polygon(Vec<BackendCoord>),
    Text {
        text: String,
        position: BackendCoord,
        size: f64,
        /// Rotated text (y-axis descriptions).
        rotated: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Primitive {
    pub shape: Shape,
    pub colour: RGBColor,
    pub alpha: f64,
    pub stroke_width: u32,
}

/// Shared log of primitives; keep a clone to read it after drawing.
#[derive(Debug, Clone, Default)]
pub struct Recording(Rc<RefCell<Vec<Primitive>>>);

impl Recording {
    pub fn primitives(&self) -> Vec<Primitive> {
        self.0.borrow().clone()
    }

    /// Visible primitives only (plotters emits fully transparent strokes for
    /// disabled styles).
    pub fn visible(&self) -> Vec<Primitive> {
        self.0
            .borrow()
            .iter()
            .filter(|p| p.alpha > 0.0)
            .cloned()
            .collect()
    }

    pub fn texts(&self) -> Vec<String> {
        self.visible()
            .into_iter()
            .filter_map(|p| match p.shape {
                Shape::Text { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }

    pub fn has_text(&self, wanted: &str) -> bool {
        self.texts().iter().any(|t| t == wanted)
    }

    /// Texts together with their colour and position.
    pub fn texts_with_colour(&self) -> Vec<(String, RGBColor, BackendCoord)> {
        self.visible()
            .into_iter()
            .filter_map(|p| match p.shape {
                Shape::Text { text, position, .. } => Some((text, p.colour, position)),
                _ => None,
            })
            .collect()
    }

    /// Filled rectangles of one colour.
    pub fn filled_rects(&self, colour: RGBColor) -> Vec<(BackendCoord, BackendCoord)> {
        self.visible()
            .into_iter()
            .filter(|p| p.colour == colour)
            .filter_map(|p| match p.shape {
                Shape::Rect {
                    upper_left,
                    bottom_right,
                    filled: true,
                } => Some((upper_left, bottom_right)),
                _ => None,
            })
            .collect()
    }

    /// Filled circles of one colour (their centres).
    pub fn filled_circles(&self, colour: RGBColor) -> Vec<BackendCoord> {
        self.visible()
            .into_iter()
            .filter(|p| p.colour == colour)
            .filter_map(|p| match p.shape {
                Shape::Circle {
                    center,
                    filled: true,
                    ..
                } => Some(center),
                _ => None,
            })
            .collect()
    }

    /// Paths and lines of one colour, as point lists.
    pub fn strokes(&self, colour: RGBColor) -> Vec<Vec<BackendCoord>> {
        self.visible()
            .into_iter()
            .filter(|p| p.colour == colour)
            .filter_map(|p| match p.shape {
                Shape::Path(points) => Some(points),
                Shape::Line(a, b) => Some(vec![a, b]),
                _ => None,
            })
            .collect()
    }

    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }
}

/// Records instead of rasterising; text is measured as
/// `len × CHAR_WIDTH_EM × size` by `size`, so no font is needed.
#[derive(Debug)]
pub struct RecordingBackend {
    size: (u32, u32),
    recording: Recording,
}

impl RecordingBackend {
    pub fn new(width: u32, height: u32, recording: &Recording) -> Self {
        RecordingBackend {
            size: (width, height),
            recording: recording.clone(),
        }
    }

    /// A drawing area of the given size plus the handle to read it back.
    pub fn area(width: u32, height: u32) -> (DrawingArea<RecordingBackend, Shift>, Recording) {
        let recording = Recording::default();
        let area = RecordingBackend::new(width, height, &recording).into_drawing_area();
        (area, recording)
    }

    fn push(&self, shape: Shape, colour: BackendColor, stroke_width: u32) {
        let (r, g, b) = colour.rgb;
        self.recording.0.borrow_mut().push(Primitive {
            shape,
            colour: RGBColor(r, g, b),
            alpha: colour.alpha,
            stroke_width,
        });
    }
}

type DrawResult = Result<(), DrawingErrorKind<Infallible>>;

impl DrawingBackend for RecordingBackend {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> DrawResult {
        Ok(())
    }

    fn present(&mut self) -> DrawResult {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, colour: BackendColor) -> DrawResult {
        self.push(Shape::Pixel(point), colour, 1);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> DrawResult {
        self.push(Shape::Line(from, to), style.color(), style.stroke_width());
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        filled: bool,
    ) -> DrawResult {
        let shape = Shape::Rect {
            upper_left,
            bottom_right,
            filled,
        };
        self.push(shape, style.color(), style.stroke_width());
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> DrawResult {
        let points = path.into_iter().collect();
        self.push(Shape::Path(points), style.color(), style.stroke_width());
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        filled: bool,
    ) -> DrawResult {
        let shape = Shape::Circle {
            center,
            radius,
            filled,
        };
        self.push(shape, style.color(), style.stroke_width());
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> DrawResult {
        let points = vertices.into_iter().collect();
        self.push(Shape::Polygon(points), style.color(), style.stroke_width());
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        position: BackendCoord,
    ) -> DrawResult {
        let shape = Shape::Text {
            text: text.to_string(),
            position,
            size: style.size(),
            rotated: !matches!(style.transform(), FontTransform::None),
        };
        self.push(shape, style.color(), 0);
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let size = style.size();
        let width = text.chars().count() as f64 * CHAR_WIDTH_EM * size;
        Ok((width.ceil() as u32, size.ceil() as u32))
    }
}
