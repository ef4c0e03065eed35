//! Figures: conversion curves, the distribution of final conversions, the
//! comparison of several scenarios, validation and scaling figures, as PNG
//! (1200×800) and SVG.
//!
//! Text uses DejaVu Sans, embedded through the `dejavu` crate and registered with
//! plotters' `ab_glyph` backend, so no system font or font library is needed at build
//! or run time. Every figure is rendered in memory and written atomically.
//!
//! Rules every figure follows, so that none can be misread:
//! - legends sit in a strip below the plotting area (`draw_legend`), never on data;
//! - a shaded band of curves says what it is ("5–95% of replicates"), distinct from
//!   interval whiskers ("95% CI of the mean");
//! - titles are shrunk, wrapped onto two lines or ended with an ellipsis to fit the
//!   image (`draw_title`);
//! - money is labelled in the scenario's currency (`Economics::unit`: its
//!   `currency`, or "units"), passed to each figure that shows money;
//! - bands are drawn before every line, so no band tints a line;
//! - lines have even stroke widths: plotters' bitmap backend rounds the two ends
//!   of a wide line differently from its middle when half the width is fractional,
//!   which showed as a one-pixel dip at the last step of a flat curve.
//!
//! This module holds what every figure shares: size, palette, font registration,
//! rendering to PNG and SVG, tick labels and axis helpers. One module per figure
//! kind ([`conversion`](fn@conversion), [`histogram`](fn@histogram),
//! [`comparison`](fn@comparison), [`validation`](fn@validation),
//! [`scaling`](fn@scaling)) and three for the parts they draw with: titles
//! (`title`), legends (`legend`) and markers and whiskers (`marks`).

mod comparison;
mod conversion;
mod frontier;
mod histogram;
mod legend;
mod marks;
mod scaling;
mod title;
mod validation;

pub use comparison::{comparison, ComparedSeries};
pub use conversion::conversion;
pub use frontier::{frontier, FrontierPoint};
pub use histogram::{exact_mean_ci, histogram, histogram_with_mean, MeanCi};
pub(crate) use legend::{draw_legend, with_legend_strip, Entry, Key};
pub(crate) use marks::Marker;
pub use scaling::{scaling, ScalingPoint};
pub(crate) use title::draw_title;
pub use validation::{validation, PointSeries, SecondPanel, ValidationLayout};

// Drawing helpers other figures of the crate may use, at the paths they had
// before this module was split (not every one has a user outside it today).
#[allow(unused_imports)]
pub(crate) use {
    legend::legend_height,
    marks::{draw_marker, draw_whisker, marker_of},
    title::ellipsize,
};

use crate::error::{Result, WomError};
use crate::results::aggregate::CurveRow;
use crate::results::files;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// Width and height of every figure, in pixels.
pub const SIZE: (u32, u32) = (1200, 800);

pub(crate) const FONT: &str = "sans-serif";

/// Stroke width of a main curve (even: see the module documentation).
const CURVE: u32 = 4;
/// Stroke width of a theory line or a whisker.
const THIN: u32 = 2;

/// One colour per scenario or series (Tableau 10).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The label of a shaded band of curves.
pub const BAND_LABEL: &str = "5–95% of replicates";
/// The label of interval whiskers around a mean.
pub const CI_LABEL: &str = "95% CI of the mean";

/// Register the embedded font once, before any text is drawn.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped by the crate; failing here
        // would be a packaging bug, and plotters would then report missing fonts.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

pub(crate) fn plot_error(e: impl std::fmt::Display) -> WomError {
    WomError::Runtime(format!("cannot draw the figure: {e}"))
}

/// Render `draw` to `stem.png` and `stem.svg` in `dir`.
pub(crate) fn render(
    dir: &Path,
    stem: &str,
    draw: impl Fn(DrawingArea<BitMapBackend, Shift>) -> Result<()>,
    draw_svg: impl Fn(DrawingArea<SVGBackend, Shift>) -> Result<()>,
) -> Result<()> {
    register_fonts();
    let (w, h) = SIZE;
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        draw(root)?;
    }
    let image = image::RgbImage::from_raw(w, h, pixels).expect("buffer of the right size");
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(
            &mut std::io::Cursor::new(&mut png),
            image::ImageOutputFormat::Png,
        )
        .map_err(plot_error)?;
    files::write_file(&dir.join(format!("{stem}.png")), &png)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw_svg(root)?;
    }
    files::write_file(&dir.join(format!("{stem}.svg")), xml_safe(&svg).as_bytes())
}

/// SVG text that is well-formed XML whatever text was drawn: XML 1.0 allows no
/// control character but tab, newline and carriage return, even as a character
/// reference, so any other is shown escaped (`\u{7}`). Titles and legends escape
/// them already; this guards every other label.
pub(crate) fn xml_safe(svg: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !svg.chars().any(bad) {
        return std::borrow::Cow::Borrowed(svg);
    }
    let mut out = String::with_capacity(svg.len() + 16);
    for c in svg.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Tick labels: whole numbers with thousands separators, one decimal below 10.
pub(crate) fn tick(v: &f64) -> String {
    if v.abs() < 10.0 && v.fract().abs() > 1e-9 {
        return format!("{v:.1}");
    }
    let whole = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if *v < -0.5 {
        format!("-{out}")
    } else {
        out
    }
}

/// Tick labels of a validation axis: up to three decimals, no trailing zeros.
fn fine_tick(v: &f64) -> String {
    if v.abs() >= 10.0 {
        return tick(v);
    }
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// Axes with titles and whole-number tick labels, no minor grid.
fn draw_axes<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
    label_size: u32,
) -> Result<()> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FONT, label_size))
        .axis_desc_style((FONT, label_size + 4))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(plot_error)
}

/// The y extent of a chart: at least 1, with 5% headroom.
fn top(values: impl Iterator<Item = f64>) -> f64 {
    (values.filter(|v| v.is_finite()).fold(0.0, f64::max) * 1.05).max(1.0)
}

/// The x extent: the last step, plus a little room so the last point is not clipped.
fn x_extent(rows: &[CurveRow]) -> f64 {
    (rows.len().saturating_sub(1) as f64).max(1.0) * 1.01
}

/// A closed polygon between the 5% and 95% curves.
fn band(
    rows: &[CurveRow],
    low: impl Fn(&CurveRow) -> f64,
    high: impl Fn(&CurveRow) -> f64,
) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = rows.iter().map(|r| (f64::from(r.step), high(r))).collect();
    points.extend(rows.iter().rev().map(|r| (f64::from(r.step), low(r))));
    points
}
