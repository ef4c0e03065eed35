//! Figures: conversion curves, the distribution of final conversions, the
//! comparison of several scenarios, validation and scaling figures, as PNG
//! (1200×800) and SVG.
//!
//! Text uses DejaVu Sans, embedded through the `dejavu` crate and registered with
//! plotters' `ab_glyph` backend, so no system font or font library is needed at build
//! or run time. Every figure is rendered in memory and written atomically.
//!
//! Rules every figure follows, so that none can be misread:
//! - legends sit in a strip below the plotting area ([`draw_legend`]), never on data;
//! - a shaded band of curves says what it is ("5–95% of replicates"), distinct from
//!   interval whiskers ("95% CI of the mean");
//! - titles are shrunk, wrapped onto two lines or ended with an ellipsis to fit the
//!   image ([`draw_title`]);
//! - money is labelled in [`MONEY`];
//! - bands are drawn before every line, so no band tints a line;
//! - lines have even stroke widths: plotters' bitmap backend rounds the two ends
//!   of a wide line differently from its middle when half the width is fractional,
//!   which showed as a one-pixel dip at the last step of a flat curve.

use crate::error::{Result, WomError};
use crate::results::aggregate::{Bin, CurveRow};
use crate::results::files;
use crate::statistics::Z95;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

/// Width and height of every figure, in pixels.
pub const SIZE: (u32, u32) = (1200, 800);

/// The unit of every cost, ROI and "per 1,000 spent" on a figure. Scenarios have
/// no currency yet; a later `currency` key replaces this one constant.
pub const MONEY: &str = "units of money";

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
    files::write_file(&dir.join(format!("{stem}.svg")), svg.as_bytes())
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

/// Width in pixels of `text` at `size`.
fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, size: u32) -> u32 {
    area.estimate_text_size(text, &(FONT, size).into_font().into())
        .map(|(w, _)| w)
        // An estimate that fails counts as wide: 0.62 em per character.
        .unwrap_or_else(|_| (text.chars().count() as f64 * 0.62 * f64::from(size)) as u32)
}

/// `text` cut to fit `width` pixels at `size`, ending with "…" when cut.
pub(crate) fn ellipsize<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    width: u32,
) -> String {
    if text_width(area, text, size) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (0..chars.len()).rev() {
        let candidate = format!("{}…", chars[..keep].iter().collect::<String>().trim_end());
        if text_width(area, &candidate, size) <= width {
            return candidate;
        }
    }
    "…".into()
}

/// The lines and font size a title is drawn with to fit `width` pixels: one line
/// shrunk down to 2/3 of `size`, else two lines split at the space that balances
/// them, else two lines with the second ended by "…".
fn title_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    size: u32,
    width: u32,
) -> (Vec<String>, u32) {
    let smallest = (size * 2 / 3).max(16);
    let sizes: Vec<u32> = (smallest..=size).rev().step_by(2).collect();
    for &s in &sizes {
        if text_width(area, title, s) <= width {
            return (vec![title.to_string()], s);
        }
    }
    // Two lines: the split whose longer line is shortest.
    let splits: Vec<(String, String)> = title
        .char_indices()
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| {
            (
                title[..i].trim_end().to_string(),
                title[i..].trim_start().to_string(),
            )
        })
        .collect();
    let balanced = splits
        .iter()
        .min_by_key(|(a, b)| text_width(area, a, smallest).max(text_width(area, b, smallest)));
    let Some((first, second)) = balanced else {
        return (vec![ellipsize(area, title, smallest, width)], smallest);
    };
    for &s in &sizes {
        if text_width(area, first, s) <= width && text_width(area, second, s) <= width {
            return (vec![first.clone(), second.clone()], s);
        }
    }
    // Fill the first line, cut the second.
    let words: Vec<&str> = title.split(' ').collect();
    let mut line = String::new();
    let mut used = 0;
    for (i, word) in words.iter().enumerate() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if i > 0 && text_width(area, &candidate, smallest) > width {
            break;
        }
        line = candidate;
        used = i + 1;
    }
    let rest = words[used..].join(" ");
    (
        vec![
            ellipsize(area, &line, smallest, width),
            ellipsize(area, &rest, smallest, width),
        ],
        smallest,
    )
}

/// Draw `title` centred at the top of `area`, fitted to its width (see
/// [`title_lines`]); returns the area below it.
pub(crate) fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    size: u32,
) -> Result<DrawingArea<DB, Shift>> {
    let (w, _) = area.dim_in_pixel();
    let (lines, s) = title_lines(area, title, size, w.saturating_sub(48));
    let line_h = (f64::from(s) * 1.3) as i32;
    let pad = 10;
    for (i, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.clone(),
            (w as i32 / 2, pad + i as i32 * line_h + line_h / 2),
            TextStyle::from((FONT, s).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(plot_error)?;
    }
    let used = (2 * pad + lines.len() as i32 * line_h) as u32;
    Ok(area.split_vertically(used).1)
}

/// A marker shape; hollow ones stay distinguishable where markers overlap.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Marker {
    Disc,
    Ring,
    Triangle,
    Square,
    Diamond,
}

/// The marker of the `i`th simulated series.
pub(crate) fn marker_of(i: usize) -> Marker {
    [
        Marker::Disc,
        Marker::Ring,
        Marker::Triangle,
        Marker::Square,
        Marker::Diamond,
    ][i % 5]
}

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    /// A line of this colour and width.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor, u32),
    /// A shaded area of this opacity.
    Band(RGBColor, f64),
    /// A marker.
    Mark(Marker, RGBColor),
    /// A horizontal whisker with caps.
    Whisker(RGBColor),
    /// A vertical line.
    VLine(RGBColor, u32),
}

/// One legend entry.
pub(crate) struct Entry {
    pub key: Key,
    pub label: String,
}

impl Entry {
    pub(crate) fn new(key: Key, label: impl Into<String>) -> Self {
        Entry {
            key,
            label: label.into(),
        }
    }
}

/// A coordinate of the backend relative to `area`.
fn local<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32)) -> (i32, i32) {
    let (x0, y0) = area.get_base_pixel();
    (x - x0, y - y0)
}

/// Draw `marker` centred on `at` (backend pixels) with radius `r`.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    marker: Marker,
    colour: RGBColor,
    r: i32,
) -> Result<()> {
    let (x, y) = local(area, at);
    let stroke = colour.stroke_width(THIN);
    let result = match marker {
        Marker::Disc => area.draw(&Circle::new((x, y), r, colour.filled())),
        Marker::Ring => area
            .draw(&Circle::new((x, y), r, WHITE.filled()))
            .and_then(|_| area.draw(&Circle::new((x, y), r, stroke))),
        Marker::Triangle | Marker::Square | Marker::Diamond => {
            let r = r + 1;
            let points = match marker {
                Marker::Triangle => {
                    vec![(x, y - r), (x + r, y + r * 3 / 4), (x - r, y + r * 3 / 4)]
                }
                Marker::Square => vec![
                    (x - r + 1, y - r + 1),
                    (x + r - 1, y - r + 1),
                    (x + r - 1, y + r - 1),
                    (x - r + 1, y + r - 1),
                ],
                _ => vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
            };
            let mut closed = points.clone();
            closed.push(points[0]);
            area.draw(&Polygon::new(points, WHITE.filled()))
                .and_then(|_| area.draw(&PathElement::new(closed, stroke)))
        }
    };
    result.map_err(plot_error)
}

/// A whisker from `a` to `b` (backend pixels) with caps of half-length `cap`
/// across it at both ends; `vertical` says which way it runs (its ends can meet).
pub(crate) fn draw_whisker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    cap: i32,
    colour: RGBColor,
    vertical: bool,
) -> Result<()> {
    let (a, b) = (local(area, a), local(area, b));
    let style = colour.stroke_width(THIN);
    let caps = |p: (i32, i32)| {
        if vertical {
            vec![(p.0 - cap, p.1), (p.0 + cap, p.1)]
        } else {
            vec![(p.0, p.1 - cap), (p.0, p.1 + cap)]
        }
    };
    area.draw(&PathElement::new(vec![a, b], style))
        .and_then(|_| area.draw(&PathElement::new(caps(a), style)))
        .and_then(|_| area.draw(&PathElement::new(caps(b), style)))
        .map_err(plot_error)
}

const KEY_WIDTH: u32 = 32;
const KEY_GAP: u32 = 8;
const ENTRY_GAP: u32 = 30;

/// The rows of a legend of `entries` at `size` in `width` pixels: indices and
/// widths of the entries on each row.
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
    width: u32,
) -> Vec<Vec<(usize, u32)>> {
    let mut rows: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut used = 0;
    for (i, e) in entries.iter().enumerate() {
        let w = KEY_WIDTH + KEY_GAP + text_width(area, &e.label, size);
        match rows.last_mut() {
            Some(row) if used + ENTRY_GAP + w <= width => {
                row.push((i, w));
                used += ENTRY_GAP + w;
            }
            _ => {
                rows.push(vec![(i, w)]);
                used = w;
            }
        }
    }
    rows
}

fn legend_row_height(size: u32) -> u32 {
    (f64::from(size) * 1.6) as u32
}

/// Height of the strip [`draw_legend`] needs for `entries` across `area`.
pub(crate) fn legend_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
) -> u32 {
    let rows = legend_rows(
        area,
        entries,
        size,
        area.dim_in_pixel().0.saturating_sub(40),
    );
    rows.len() as u32 * legend_row_height(size) + 16
}

/// Split `area` into the plotting part and a legend strip below it, sized for
/// `entries`.
pub(crate) fn with_legend_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let h = legend_height(area, entries, size);
    area.split_vertically(area.dim_in_pixel().1.saturating_sub(h))
}

/// The legend: entries in centred rows across `area` (a strip outside every
/// plotting area), framed lightly.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let rows = legend_rows(area, entries, size, w.saturating_sub(40));
    let row_h = legend_row_height(size) as i32;
    let widest = rows
        .iter()
        .map(|r| r.iter().map(|e| e.1).sum::<u32>() + ENTRY_GAP * (r.len() as u32 - 1))
        .max()
        .unwrap_or(0) as i32;
    let top = 6;
    let frame_x = (w as i32 - widest) / 2 - 12;
    area.draw(&Rectangle::new(
        [
            (frame_x, top),
            (frame_x + widest + 24, top + rows.len() as i32 * row_h + 4),
        ],
        BLACK.mix(0.3).stroke_width(1),
    ))
    .map_err(plot_error)?;
    let (x0, y0) = area.get_base_pixel();
    for (r, row) in rows.iter().enumerate() {
        let row_w = row.iter().map(|e| e.1).sum::<u32>() + ENTRY_GAP * (row.len() as u32 - 1);
        let mut x = (w as i32 - row_w as i32) / 2;
        let y = top + 2 + r as i32 * row_h + row_h / 2;
        for &(i, entry_w) in row {
            let e = &entries[i];
            let k = KEY_WIDTH as i32;
            match e.key {
                Key::Line(c, width) => area.draw(&PathElement::new(
                    vec![(x, y), (x + k, y)],
                    c.stroke_width(width),
                )),
                Key::Dashed(c, width) => (0..3).try_for_each(|j| {
                    area.draw(&PathElement::new(
                        vec![(x + j * 12, y), (x + j * 12 + 8, y)],
                        c.stroke_width(width),
                    ))
                }),
                Key::Band(c, alpha) => area.draw(&Rectangle::new(
                    [(x, y - 8), (x + k, y + 8)],
                    c.mix(alpha).filled(),
                )),
                Key::VLine(c, width) => area
                    .draw(&Rectangle::new(
                        [(x, y - 9), (x + k, y + 9)],
                        WHITE.filled(),
                    ))
                    .and_then(|_| {
                        area.draw(&PathElement::new(
                            vec![(x + k / 2, y - 9), (x + k / 2, y + 9)],
                            c.stroke_width(width),
                        ))
                    }),
                Key::Mark(..) | Key::Whisker(_) => Ok(()),
            }
            .map_err(plot_error)?;
            match e.key {
                Key::Mark(m, c) => draw_marker(area, (x0 + x + k / 2, y0 + y), m, c, 6)?,
                Key::Whisker(c) => draw_whisker(
                    area,
                    (x0 + x + 2, y0 + y),
                    (x0 + x + k - 2, y0 + y),
                    8,
                    c,
                    false,
                )?,
                _ => {}
            }
            area.draw(&Text::new(
                e.label.clone(),
                (x + k + KEY_GAP as i32, y),
                TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(plot_error)?;
            x += entry_w as i32 + ENTRY_GAP as i32;
        }
    }
    Ok(())
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

/// `conversion.png` / `.svg`: mean conversions with a 5–95% band (none for a single
/// replicate), and mean awareness on a second axis; the legend below the chart.
pub fn conversion(dir: &Path, title: &str, rows: &[CurveRow], replicates: usize) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        rows: &[CurveRow],
        replicates: usize,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 32)?;
        let blue = PALETTE[0];
        let orange = PALETTE[1];
        let mut entries = Vec::new();
        if replicates > 1 {
            entries.push(Entry::new(
                Key::Band(blue, 0.2),
                format!("conversions, {BAND_LABEL}"),
            ));
        }
        entries.push(Entry::new(Key::Line(blue, CURVE), "conversions, mean"));
        entries.push(Entry::new(
            Key::Line(orange, CURVE),
            "aware, mean (right axis)",
        ));
        let (plot, legend) = with_legend_strip(&body, &entries, 20);
        let x_max = x_extent(rows);
        let y_max = top(rows
            .iter()
            .map(|r| r.conversions_p95.max(r.conversions_mean)));
        let aware_max = top(rows.iter().map(|r| r.aware_mean));
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .right_y_label_area_size(110)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(plot_error)?
            .set_secondary_coord(0f64..x_max, 0f64..aware_max);
        draw_axes(
            &mut chart,
            "time step (step 0 = launch day)",
            "conversions (consumers, cumulative)",
            20,
        )?;
        chart
            .configure_secondary_axes()
            .y_desc("aware consumers (cumulative)")
            .y_label_formatter(&tick)
            .label_style((FONT, 20))
            .axis_desc_style((FONT, 24))
            .draw()
            .map_err(plot_error)?;
        if replicates > 1 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(rows, |r| r.conversions_p05, |r| r.conversions_p95),
                    blue.mix(0.2).filled(),
                )))
                .map_err(plot_error)?;
        }
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|r| (f64::from(r.step), r.conversions_mean)),
                blue.stroke_width(CURVE),
            ))
            .map_err(plot_error)?;
        chart
            .draw_secondary_series(LineSeries::new(
                rows.iter().map(|r| (f64::from(r.step), r.aware_mean)),
                orange.stroke_width(CURVE),
            ))
            .map_err(plot_error)?;
        draw_legend(&legend, &entries, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "conversion",
        |root| draw(root, title, rows, replicates),
        |root| draw(root, title, rows, replicates),
    )
}

/// The mean of final conversions and its 95% CI: (mean, low, high).
pub type MeanCi = (f64, f64, f64);

/// The mean and 95% CI of the values counted by `bins`, when every bin holds one
/// whole number (so the counts are the values); None for wider bins or fewer than
/// two values.
pub fn exact_mean_ci(bins: &[Bin]) -> Option<MeanCi> {
    if bins.iter().any(|b| (b.high - b.low - 1.0).abs() > 1e-9) {
        return None;
    }
    let n: f64 = bins.iter().map(|b| f64::from(b.count)).sum();
    if n < 2.0 {
        return None;
    }
    let mean = bins.iter().map(|b| b.low * f64::from(b.count)).sum::<f64>() / n;
    let var = bins
        .iter()
        .map(|b| f64::from(b.count) * (b.low - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    let half = Z95 * (var / n).sqrt();
    Some((mean, mean - half, mean + half))
}

/// `histogram.png` / `.svg`: how final conversions are spread over replicates,
/// with their mean and its 95% CI when the bins give them exactly (see
/// [`exact_mean_ci`]; [`histogram_with_mean`] takes them from the caller).
pub fn histogram(dir: &Path, title: &str, bins: &[Bin], replicates: usize) -> Result<()> {
    histogram_with_mean(dir, title, bins, replicates, exact_mean_ci(bins))
}

/// [`histogram`] with the mean of final conversions and its 95% CI drawn as a
/// vertical line and a shaded span.
pub fn histogram_with_mean(
    dir: &Path,
    title: &str,
    bins: &[Bin],
    replicates: usize,
    mean: Option<MeanCi>,
) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        bins: &[Bin],
        replicates: usize,
        mean: Option<MeanCi>,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(
            &root,
            &format!("{title}: final conversions in {replicates} replicates"),
            30,
        )?;
        let blue = PALETTE[0];
        let red = PALETTE[3];
        let mut entries = vec![Entry::new(Key::Band(blue, 0.75), "replicates per bin")];
        if let Some((m, lo, hi)) = mean {
            entries.push(Entry::new(Key::VLine(red, THIN), format!("mean: {m:.1}")));
            entries.push(Entry::new(
                Key::Band(red, 0.3),
                format!("{CI_LABEL}: {lo:.1} to {hi:.1}"),
            ));
        }
        let (plot, legend) = with_legend_strip(&body, &entries, 20);
        let (lo, hi) = match (bins.first(), bins.last()) {
            (Some(a), Some(b)) => (a.low, b.high.max(a.low + 1.0)),
            _ => (0.0, 1.0),
        };
        let y_max = top(bins.iter().map(|b| f64::from(b.count)));
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d(lo..hi, 0f64..y_max)
            .map_err(plot_error)?;
        draw_axes(
            &mut chart,
            "final conversions (consumers)",
            "replicates",
            20,
        )?;
        chart
            .draw_series(bins.iter().map(|b| {
                Rectangle::new(
                    [(b.low, 0.0), (b.high, f64::from(b.count))],
                    blue.mix(0.75).filled(),
                )
            }))
            .map_err(plot_error)?;
        if let Some((m, ci_lo, ci_hi)) = mean {
            // At least two pixels wide, so a narrow interval stays visible.
            let (a, b) = (
                chart.backend_coord(&(ci_lo, y_max)),
                chart.backend_coord(&(ci_hi, 0.0)),
            );
            let (a, b) = ((a.0.min(b.0 - 2), a.1), b);
            let span = local(&root, a);
            root.draw(&Rectangle::new(
                [span, local(&root, b)],
                red.mix(0.3).filled(),
            ))
            .map_err(plot_error)?;
            chart
                .draw_series(LineSeries::new(
                    [(m, 0.0), (m, y_max)],
                    red.stroke_width(THIN),
                ))
                .map_err(plot_error)?;
        }
        draw_legend(&legend, &entries, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "histogram",
        |root| draw(root, title, bins, replicates, mean),
        |root| draw(root, title, bins, replicates, mean),
    )
}

/// One scenario in a comparison figure.
pub struct ComparedSeries<'a> {
    pub name: &'a str,
    pub rows: &'a [CurveRow],
    pub replicates: usize,
    /// Conversions per 1,000 spent: (mean, 95% CI low, high); None without a cost.
    pub per_thousand: Option<(f64, f64, f64)>,
}

/// `comparison.png` / `.svg`: every scenario's conversion curve with its band, one
/// colour each (all bands under all lines); beside it, conversions per 1,000 spent
/// as dots with 95% CI whiskers, one labelled row per scenario; one legend below.
pub fn comparison(dir: &Path, title: &str, series: &[ComparedSeries<'_>]) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        series: &[ComparedSeries<'_>],
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 28)?;
        let grey = PALETTE[7];
        let colour = |i: usize| PALETTE[i % PALETTE.len()];
        let mut entries: Vec<Entry> = series
            .iter()
            .enumerate()
            .map(|(i, s)| Entry::new(Key::Line(colour(i), CURVE), s.name))
            .collect();
        if series.iter().any(|s| s.replicates > 1) {
            entries.push(Entry::new(
                Key::Band(grey, 0.3),
                format!("shaded: {BAND_LABEL}"),
            ));
        }
        let costed = series.iter().any(|s| s.per_thousand.is_some());
        if costed {
            entries.push(Entry::new(Key::Mark(Marker::Disc, grey), "mean"));
            entries.push(Entry::new(Key::Whisker(grey), CI_LABEL));
        }
        let (plots, legend) = with_legend_strip(&body, &entries, 18);
        let (left, right) = plots.split_horizontally((SIZE.0 as f64 * 0.55) as u32);
        let x_max = series.iter().map(|s| x_extent(s.rows)).fold(1.0, f64::max);
        let y_max = top(series.iter().flat_map(|s| {
            s.rows
                .iter()
                .map(|r| r.conversions_p95.max(r.conversions_mean))
        }));
        let mut chart = ChartBuilder::on(&left)
            .caption("conversions over time", (FONT, 22))
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(plot_error)?;
        draw_axes(
            &mut chart,
            "time step (step 0 = launch day)",
            "conversions (consumers, cumulative)",
            18,
        )?;
        // Every band first: a later band must not tint an earlier line.
        for (i, s) in series.iter().enumerate() {
            if s.replicates > 1 {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band(s.rows, |r| r.conversions_p05, |r| r.conversions_p95),
                        colour(i).mix(0.15).filled(),
                    )))
                    .map_err(plot_error)?;
            }
        }
        for (i, s) in series.iter().enumerate() {
            chart
                .draw_series(LineSeries::new(
                    s.rows
                        .iter()
                        .map(|r| (f64::from(r.step), r.conversions_mean)),
                    colour(i).stroke_width(CURVE),
                ))
                .map_err(plot_error)?;
        }
        per_thousand_panel(&root, &right, series)?;
        draw_legend(&legend, &entries, 18)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "comparison",
        |root| draw(root, title, series),
        |root| draw(root, title, series),
    )
}

/// The dot-and-whisker panel of a comparison: one row per scenario, top to bottom
/// in the given order, its name as the tick label; x from 0.
fn per_thousand_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    series: &[ComparedSeries<'_>],
) -> Result<()> {
    let k = series.len().max(1);
    let label_size = 17;
    let (panel_w, _) = area.dim_in_pixel();
    let name_room = panel_w / 3;
    let names: Vec<String> = series
        .iter()
        .map(|s| ellipsize(area, s.name, label_size, name_room))
        .collect();
    let label_area = names
        .iter()
        .map(|n| text_width(area, n, label_size))
        .max()
        .unwrap_or(0)
        + 24;
    let highest = series
        .iter()
        .filter_map(|s| s.per_thousand.map(|p| p.2.max(p.0)))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let x_hi = if highest > 0.0 { highest * 1.25 } else { 1.0 };
    let mut panel = ChartBuilder::on(area)
        .caption("cost-effectiveness (mean, 95% CI)", (FONT, 22))
        .margin(16)
        .margin_right(28)
        .x_label_area_size(60)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0f64..x_hi, -0.6f64..(k as f64 - 0.4))
        .map_err(plot_error)?;
    panel
        .configure_mesh()
        .x_desc(format!("conversions per 1,000 {MONEY} spent"))
        .x_label_formatter(&fine_tick)
        .x_labels(6)
        .y_labels(0)
        .disable_y_mesh()
        .label_style((FONT, label_size))
        .axis_desc_style((FONT, 16))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(plot_error)?;
    let row_of = |i: usize| (k - 1 - i) as f64;
    for (i, s) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let (x_axis, y) = panel.backend_coord(&(0.0, row_of(i)));
        // The scenario's name as the tick label of its row, with a tick mark.
        root.draw(&Text::new(
            names[i].clone(),
            local(root, (x_axis - 10, y)),
            TextStyle::from((FONT, label_size).into_font())
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(plot_error)?;
        root.draw(&PathElement::new(
            vec![local(root, (x_axis - 6, y)), local(root, (x_axis, y))],
            BLACK.stroke_width(1),
        ))
        .map_err(plot_error)?;
        match s.per_thousand {
            Some((mean, low, high)) if mean.is_finite() => {
                let at = panel.backend_coord(&(mean, row_of(i)));
                let lo = panel.backend_coord(&(low.max(0.0), row_of(i)));
                let hi = panel.backend_coord(&(high, row_of(i)));
                draw_marker(root, at, Marker::Disc, colour, 6)?;
                draw_whisker(root, lo, hi, 11, colour, false)?;
                root.draw(&Text::new(
                    format!(
                        "{} ({}–{})",
                        fine_tick(&mean),
                        fine_tick(&low),
                        fine_tick(&high)
                    ),
                    local(root, (at.0, at.1 - 16)),
                    (FONT, 15)
                        .into_font()
                        .color(&colour)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))
                .map_err(plot_error)?;
            }
            _ => {
                root.draw(&Text::new(
                    "no cost",
                    local(root, (x_axis + 8, y)),
                    (FONT, 16)
                        .into_font()
                        .color(&colour)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(plot_error)?;
            }
        }
    }
    Ok(())
}

/// Simulated points with standard errors, for validation figures.
pub struct PointSeries {
    pub name: String,
    /// (x, y, standard error); drawn with a ±1.96 se bar.
    pub points: Vec<(f64, f64, f64)>,
}

/// Separates the parts of a categorical x-axis description; see [`categorical_axis`].
const CATEGORIES: char = '\u{1e}';
/// Separates the parts of a two-panel y-axis description; see [`second_panel`].
const PANELS: char = '\u{1f}';

/// An x-axis description for [`validation`] that makes the axis categorical: x = 0,
/// 1, … are the `labels`, drawn at evenly spaced positions; theory is then drawn
/// as a short horizontal mark per category, not a line between them.
pub fn categorical_axis(description: &str, labels: &[&str]) -> String {
    let mut out = description.to_string();
    for l in labels {
        out.push(CATEGORIES);
        out.push_str(l);
    }
    out
}

/// A y-axis description for [`validation`] that splits the figure into two panels:
/// the simulated series and theory curves named in `names` go to a second panel on
/// the right, whose y axis is `right`; the others stay on the left, on `left`.
pub fn second_panel(left: &str, right: &str, names: &[&str]) -> String {
    let mut out = format!("{left}{PANELS}{right}");
    for n in names {
        out.push(PANELS);
        out.push_str(n);
    }
    out
}

/// One panel of a validation figure: its y description and the indices of its
/// theory curves and simulated series (global indices keep colours and markers).
struct Panel<'a> {
    y_desc: &'a str,
    theory: Vec<usize>,
    simulated: Vec<usize>,
}

/// A validation figure: theory as lines, simulation as points (a distinct marker
/// per series, hollow after the first, slightly offset so that equal values stay
/// visible) with 95% CI whiskers; the legend below. See [`categorical_axis`] and
/// [`second_panel`] for the two variants an axis description can ask for.
pub fn validation(
    dir: &Path,
    stem: &str,
    title: &str,
    axes: (&str, &str),
    theory: &[(String, Vec<(f64, f64)>)],
    simulated: &[PointSeries],
) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        axes: (&str, &str),
        theory: &[(String, Vec<(f64, f64)>)],
        simulated: &[PointSeries],
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 30)?;
        let mut x_parts = axes.0.split(CATEGORIES);
        let x_desc = x_parts.next().unwrap_or_default();
        let categories: Vec<&str> = x_parts.collect();
        let y_parts: Vec<&str> = axes.1.split(PANELS).collect();
        let right_names: &[&str] = y_parts.get(2..).unwrap_or(&[]);
        let on_right = |name: &str| right_names.contains(&name);
        let mut panels = vec![Panel {
            y_desc: y_parts[0],
            theory: (0..theory.len())
                .filter(|&i| !on_right(&theory[i].0))
                .collect(),
            simulated: (0..simulated.len())
                .filter(|&i| !on_right(&simulated[i].name))
                .collect(),
        }];
        if y_parts.len() > 1 {
            panels.push(Panel {
                y_desc: y_parts[1],
                theory: (0..theory.len())
                    .filter(|&i| on_right(&theory[i].0))
                    .collect(),
                simulated: (0..simulated.len())
                    .filter(|&i| on_right(&simulated[i].name))
                    .collect(),
            });
        }
        let mut entries: Vec<Entry> = theory
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                Entry::new(
                    Key::Line(PALETTE[i % PALETTE.len()], THIN),
                    format!("theory: {name}"),
                )
            })
            .collect();
        entries.extend(simulated.iter().enumerate().map(|(i, s)| {
            Entry::new(
                Key::Mark(marker_of(i), PALETTE[i % PALETTE.len()]),
                format!("wom: {}", s.name),
            )
        }));
        entries.push(Entry::new(
            Key::Whisker(PALETTE[7]),
            "wom: 95% CI of the mean (±1.96 se)",
        ));
        let (plots, legend) = with_legend_strip(&body, &entries, 17);
        let areas = if panels.len() == 2 {
            let (a, b) = plots.split_horizontally((SIZE.0 as f64 * 0.6) as u32);
            vec![a, b]
        } else {
            vec![plots]
        };
        for (panel, area) in panels.iter().zip(&areas) {
            validation_panel(&root, area, panel, x_desc, &categories, theory, simulated)?;
        }
        draw_legend(&legend, &entries, 17)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        stem,
        |root| draw(root, title, axes, theory, simulated),
        |root| draw(root, title, axes, theory, simulated),
    )
}

fn validation_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    panel: &Panel<'_>,
    x_desc: &str,
    categories: &[&str],
    theory: &[(String, Vec<(f64, f64)>)],
    simulated: &[PointSeries],
) -> Result<()> {
    let categorical = !categories.is_empty();
    let shown = panel.simulated.len();
    let xs = panel
        .theory
        .iter()
        .flat_map(|&i| theory[i].1.iter().map(|p| p.0))
        .chain(
            panel
                .simulated
                .iter()
                .flat_map(|&i| simulated[i].points.iter().map(|p| p.0)),
        )
        .filter(|x| x.is_finite());
    let (x_lo, x_hi) = if categorical {
        (-0.5, categories.len() as f64 - 0.5)
    } else {
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let (lo, hi) = if lo.is_finite() {
            (lo, hi.max(lo + 1e-9))
        } else {
            (0.0, 1.0)
        };
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    };
    // Markers of the series in one place sit side by side: a fraction of a
    // category, or of the x range.
    let step = if categorical {
        0.22
    } else {
        0.012 * (x_hi - x_lo)
    };
    let offset = |slot: usize| (slot as f64 - (shown as f64 - 1.0) / 2.0) * step;
    // Fit the data (no floor at 1: some validations plot small errors).
    let y_hi = panel
        .theory
        .iter()
        .flat_map(|&i| theory[i].1.iter().map(|p| p.1))
        .chain(
            panel
                .simulated
                .iter()
                .flat_map(|&i| simulated[i].points.iter().map(|p| p.1 + Z95 * p.2)),
        )
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.08;
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d(x_lo..x_hi, 0f64..y_hi)
        .map_err(plot_error)?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(panel.y_desc)
        .x_label_formatter(&fine_tick)
        .y_label_formatter(&fine_tick)
        .label_style((FONT, 19))
        .axis_desc_style((FONT, 21))
        .light_line_style(WHITE.mix(0.0));
    if categorical {
        mesh.x_labels(0).disable_x_mesh();
    }
    mesh.draw().map_err(plot_error)?;
    if categorical {
        for (c, label) in categories.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(c as f64, 0.0));
            root.draw(&PathElement::new(
                vec![local(root, (x, y)), local(root, (x, y + 6))],
                BLACK.stroke_width(1),
            ))
            .map_err(plot_error)?;
            root.draw(&Text::new(
                label.to_string(),
                local(root, (x, y + 10)),
                TextStyle::from((FONT, 19).into_font()).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(plot_error)?;
        }
    }
    // Theory: lines, or a short mark per category centred on its series' markers.
    for &i in &panel.theory {
        let colour = PALETTE[i % PALETTE.len()];
        let curve = &theory[i].1;
        if categorical {
            let slot = panel.simulated.iter().position(|&s| s == i).unwrap_or(0);
            for &(x, y) in curve {
                let centre = x + offset(slot);
                chart
                    .draw_series(LineSeries::new(
                        [(centre - 0.1, y), (centre + 0.1, y)],
                        colour.stroke_width(CURVE),
                    ))
                    .map_err(plot_error)?;
            }
        } else {
            chart
                .draw_series(LineSeries::new(
                    curve.iter().copied(),
                    colour.stroke_width(THIN),
                ))
                .map_err(plot_error)?;
        }
    }
    for (slot, &i) in panel.simulated.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        for &(x, y, se) in &simulated[i].points {
            let x = x + offset(slot);
            let lo = chart.backend_coord(&(x, (y - Z95 * se).max(0.0)));
            let hi = chart.backend_coord(&(x, y + Z95 * se));
            draw_whisker(root, lo, hi, 6, colour, true)?;
            draw_marker(root, chart.backend_coord(&(x, y)), marker_of(i), colour, 5)?;
        }
    }
    Ok(())
}

/// One population size of `bench/scaling.sh`.
#[derive(Debug, Clone, Copy)]
pub struct ScalingPoint {
    pub nodes: f64,
    /// Directed arcs stored (twice the ties of an undirected graph).
    pub arcs: f64,
    pub wall_seconds: f64,
    pub build_seconds: f64,
    pub simulate_seconds: f64,
    pub peak_rss_mb: f64,
}

/// A named quantity of a [`ScalingPoint`], one line of the scaling figure.
type Measure = (&'static str, fn(&ScalingPoint) -> f64);

/// `scaling.png` / `.svg`: time (left) and peak memory (right) against the number
/// of consumers, both on log–log axes; memory with the 16-bytes-per-arc budget.
pub fn scaling(dir: &Path, title: &str, points: &[ScalingPoint]) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        points: &[ScalingPoint],
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 30)?;
        let (left, right) = body.split_horizontally(SIZE.0 / 2);
        let x_lo = points.iter().map(|p| p.nodes).fold(f64::INFINITY, f64::min) / 1.5;
        let x_hi = points.iter().map(|p| p.nodes).fold(0.0, f64::max) * 1.5;
        let time_series: [Measure; 3] = [
            ("wall clock (build + simulate + files)", |p| p.wall_seconds),
            ("build the population", |p| p.build_seconds),
            ("simulate 100 replicates", |p| p.simulate_seconds),
        ];
        let memory_budget = |p: &ScalingPoint| 16.0 * p.arcs / 1e6;
        let memory_series: [Measure; 1] = [("peak resident memory", |p| p.peak_rss_mb)];
        let panels: [(DrawingArea<DB, Shift>, &str, &[Measure]); 2] = [
            (left, "seconds", &time_series),
            (right, "megabytes", &memory_series),
        ];
        for (panel, (area, y_desc, series)) in panels.into_iter().enumerate() {
            let mut values: Vec<f64> = series
                .iter()
                .flat_map(|(_, f)| points.iter().map(f))
                .filter(|v| *v > 0.0)
                .collect();
            if panel == 1 {
                values.extend(points.iter().map(memory_budget));
            }
            let y_lo = values
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min)
                .max(1e-4)
                / 2.0;
            let y_hi = values.iter().copied().fold(0.0, f64::max).max(y_lo * 10.0) * 2.0;
            let mut entries: Vec<Entry> = series
                .iter()
                .enumerate()
                .map(|(i, (name, _))| {
                    Entry::new(Key::Line(PALETTE[i % PALETTE.len()], CURVE), *name)
                })
                .collect();
            if panel == 1 {
                entries.push(Entry::new(
                    Key::Line(PALETTE[7], THIN),
                    "budget: 16 bytes per directed arc",
                ));
            }
            let (area, legend) = with_legend_strip(&area, &entries, 16);
            let mut chart = ChartBuilder::on(&area)
                .margin(24)
                .x_label_area_size(70)
                .y_label_area_size(90)
                .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .x_desc("consumers (Barabási–Albert, attach = 5)")
                .y_desc(y_desc)
                .x_label_formatter(&|v| format!("{v:.0e}"))
                .y_label_formatter(&|v| {
                    if *v >= 1.0 {
                        format!("{v:.0}")
                    } else {
                        format!("{v}")
                    }
                })
                .label_style((FONT, 18))
                .axis_desc_style((FONT, 22))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(plot_error)?;
            for (i, (_, value)) in series.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                let line: Vec<(f64, f64)> = points
                    .iter()
                    .map(|p| (p.nodes, value(p)))
                    .filter(|&(_, v)| v > 0.0)
                    .collect();
                chart
                    .draw_series(LineSeries::new(
                        line.iter().copied(),
                        colour.stroke_width(CURVE),
                    ))
                    .map_err(plot_error)?;
                chart
                    .draw_series(line.iter().map(|&p| Circle::new(p, 5, colour.filled())))
                    .map_err(plot_error)?;
            }
            if panel == 1 {
                let grey = PALETTE[7];
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|p| (p.nodes, memory_budget(p))),
                        grey.stroke_width(THIN),
                    ))
                    .map_err(plot_error)?;
            }
            draw_legend(&legend, &entries, 16)?;
        }
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "scaling",
        |root| draw(root, title, points),
        |root| draw(root, title, points),
    )
}
