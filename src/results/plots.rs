//! Figures: conversion curves, the distribution of final conversions, and the
//! comparison of several scenarios, as PNG (1200×800) and SVG.
//!
//! Text uses DejaVu Sans, embedded through the `dejavu` crate and registered with
//! plotters' `ab_glyph` backend, so no system font or font library is needed at build
//! or run time. Every figure is rendered in memory and written atomically.

use crate::error::{Result, WomError};
use crate::results::aggregate::{Bin, CurveRow};
use crate::results::files;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

/// Width and height of every figure, in pixels.
pub const SIZE: (u32, u32) = (1200, 800);

const FONT: &str = "sans-serif";

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

fn plot_error(e: impl std::fmt::Display) -> WomError {
    WomError::Runtime(format!("cannot draw the figure: {e}"))
}

/// Render `draw` to `stem.png` and `stem.svg` in `dir`.
fn render(
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
fn tick(v: &f64) -> String {
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

/// The legend every figure uses: a white, lightly framed box.
fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    font_size: u32,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FONT, font_size))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()
        .map_err(plot_error)
}

/// The legend key of a line: a short stroke in its colour and width.
fn line_key(colour: RGBColor, width: u32) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(width))
}

/// The y extent of a chart: at least 1, with 5% headroom.
fn top(values: impl Iterator<Item = f64>) -> f64 {
    (values.fold(0.0, f64::max) * 1.05).max(1.0)
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
/// replicate), and mean awareness on a second axis.
pub fn conversion(dir: &Path, title: &str, rows: &[CurveRow], replicates: usize) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        rows: &[CurveRow],
        replicates: usize,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let x_max = x_extent(rows);
        let y_max = top(rows
            .iter()
            .map(|r| r.conversions_p95.max(r.conversions_mean)));
        let aware_max = top(rows.iter().map(|r| r.aware_mean));
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 34))
            .margin(24)
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
        let blue = PALETTE[0];
        let orange = PALETTE[1];
        if replicates > 1 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(rows, |r| r.conversions_p05, |r| r.conversions_p95),
                    blue.mix(0.2).filled(),
                )))
                .map_err(plot_error)?
                .label("conversions, 5–95% of replicates")
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 24, y + 7)], blue.mix(0.2).filled())
                });
        }
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|r| (f64::from(r.step), r.conversions_mean)),
                blue.stroke_width(3),
            ))
            .map_err(plot_error)?
            .label("conversions, mean")
            .legend(line_key(blue, 3));
        chart
            .draw_secondary_series(LineSeries::new(
                rows.iter().map(|r| (f64::from(r.step), r.aware_mean)),
                orange.stroke_width(3),
            ))
            .map_err(plot_error)?
            .label("aware, mean (right axis)")
            .legend(line_key(orange, 3));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "conversion",
        |root| draw(root, title, rows, replicates),
        |root| draw(root, title, rows, replicates),
    )
}

/// `histogram.png` / `.svg`: how final conversions are spread over replicates.
pub fn histogram(dir: &Path, title: &str, bins: &[Bin], replicates: usize) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        bins: &[Bin],
        replicates: usize,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let (lo, hi) = match (bins.first(), bins.last()) {
            (Some(a), Some(b)) => (a.low, b.high.max(a.low + 1.0)),
            _ => (0.0, 1.0),
        };
        let y_max = top(bins.iter().map(|b| f64::from(b.count)));
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{title}: final conversions in {replicates} replicates"),
                (FONT, 30),
            )
            .margin(24)
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
        let blue = PALETTE[0];
        chart
            .draw_series(bins.iter().map(|b| {
                Rectangle::new(
                    [(b.low, 0.0), (b.high, f64::from(b.count))],
                    blue.mix(0.75).filled(),
                )
            }))
            .map_err(plot_error)?
            .label("replicates per bin")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 7), (x + 24, y + 7)], blue.mix(0.75).filled())
            });
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "histogram",
        |root| draw(root, title, bins, replicates),
        |root| draw(root, title, bins, replicates),
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
/// colour each; beside it, conversions per 1,000 spent with 95% error bars.
pub fn comparison(dir: &Path, title: &str, series: &[ComparedSeries<'_>]) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        series: &[ComparedSeries<'_>],
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let (head, body) = root.split_vertically(56);
        head.draw(&Text::new(
            title.to_string(),
            (SIZE.0 as i32 / 2, 30),
            TextStyle::from((FONT, 26).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(plot_error)?;
        let (left, right) = body.split_horizontally((SIZE.0 as f64 * 0.62) as u32);
        let x_max = series.iter().map(|s| x_extent(s.rows)).fold(1.0, f64::max);
        let y_max = top(series.iter().flat_map(|s| {
            s.rows
                .iter()
                .map(|r| r.conversions_p95.max(r.conversions_mean))
        }));
        let mut chart = ChartBuilder::on(&left)
            .caption("conversions over time", (FONT, 24))
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
        for (i, s) in series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            if s.replicates > 1 {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band(s.rows, |r| r.conversions_p05, |r| r.conversions_p95),
                        colour.mix(0.18).filled(),
                    )))
                    .map_err(plot_error)?;
            }
            chart
                .draw_series(LineSeries::new(
                    s.rows
                        .iter()
                        .map(|r| (f64::from(r.step), r.conversions_mean)),
                    colour.stroke_width(3),
                ))
                .map_err(plot_error)?
                .label(s.name)
                .legend(line_key(colour, 3));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, 18)?;

        // Conversions per 1,000 spent, one row per scenario (top to bottom).
        let k = series.len();
        let x_hi = top(series.iter().filter_map(|s| s.per_thousand.map(|p| p.2))) * 1.1;
        let mut panel = ChartBuilder::on(&right)
            .caption("conversions per 1,000 spent (95% CI)", (FONT, 22))
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(20)
            .build_cartesian_2d(0f64..x_hi, -0.5f64..(k as f64 - 0.5))
            .map_err(plot_error)?;
        panel
            .configure_mesh()
            .x_desc("conversions per 1,000 spent")
            .x_label_formatter(&tick)
            .y_labels(0)
            .label_style((FONT, 18))
            .axis_desc_style((FONT, 20))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_error)?;
        for (i, s) in series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let row = (k - 1 - i) as f64;
            match s.per_thousand {
                Some((mean, low, high)) => {
                    panel
                        .draw_series(std::iter::once(ErrorBar::new_horizontal(
                            row,
                            low.max(0.0),
                            mean,
                            high,
                            colour.filled().stroke_width(3),
                            16,
                        )))
                        .map_err(plot_error)?;
                    panel
                        .draw_series(std::iter::once(Circle::new(
                            (mean, row),
                            7,
                            colour.filled(),
                        )))
                        .map_err(plot_error)?;
                    panel
                        .draw_series(std::iter::once(Text::new(
                            format!("{}: {mean:.2}", s.name),
                            (0.02 * x_hi, row + 0.18),
                            (FONT, 18).into_font().color(&colour),
                        )))
                        .map_err(plot_error)?;
                }
                None => {
                    panel
                        .draw_series(std::iter::once(Text::new(
                            format!("{}: no cost", s.name),
                            (0.02 * x_hi, row),
                            (FONT, 16).into_font().color(&colour),
                        )))
                        .map_err(plot_error)?;
                }
            }
        }
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "comparison",
        |root| draw(root, title, series),
        |root| draw(root, title, series),
    )
}

/// Simulated points with standard errors, for validation figures.
pub struct PointSeries {
    pub name: String,
    /// (x, y, standard error); drawn with a ±1.96 se bar.
    pub points: Vec<(f64, f64, f64)>,
}

/// A validation figure: theory as lines, simulation as points with 95% error bars.
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
        let xs = theory
            .iter()
            .flat_map(|t| t.1.iter().map(|p| p.0))
            .chain(simulated.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
        let (x_lo, x_hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let (x_lo, x_hi) = if x_lo.is_finite() {
            (x_lo, x_hi.max(x_lo + 1e-9))
        } else {
            (0.0, 1.0)
        };
        let pad = 0.03 * (x_hi - x_lo);
        // Fit the data (no floor at 1: some validations plot small errors).
        let y_hi = theory
            .iter()
            .flat_map(|t| t.1.iter().map(|p| p.1))
            .chain(
                simulated
                    .iter()
                    .flat_map(|s| s.points.iter().map(|p| p.1 + 1.96 * p.2)),
            )
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1e-9)
            * 1.08;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 30))
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d((x_lo - pad)..(x_hi + pad), 0f64..y_hi)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc(axes.0)
            .y_desc(axes.1)
            .label_style((FONT, 20))
            .axis_desc_style((FONT, 24))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_error)?;
        for (i, (name, curve)) in theory.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    curve.iter().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(plot_error)?
                .label(format!("theory: {name}"))
                .legend(line_key(colour, 2));
        }
        for (i, s) in simulated.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(s.points.iter().map(|&(x, y, se)| {
                    ErrorBar::new_vertical(x, y - 1.96 * se, y, y + 1.96 * se, colour.filled(), 10)
                }))
                .map_err(plot_error)?;
            chart
                .draw_series(
                    s.points
                        .iter()
                        .map(|&(x, y, _)| Circle::new((x, y), 5, colour.filled())),
                )
                .map_err(plot_error)?
                .label(format!("wom: {}", s.name))
                .legend(move |(x, y)| Circle::new((x + 12, y), 5, colour.filled()));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, 18)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        stem,
        |root| draw(root, title, axes, theory, simulated),
        |root| draw(root, title, axes, theory, simulated),
    )
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
        let root = root.titled(title, (FONT, 30)).map_err(plot_error)?;
        let (left, right) = root.split_horizontally(SIZE.0 / 2);
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
            for (i, (name, value)) in series.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                let line: Vec<(f64, f64)> = points
                    .iter()
                    .map(|p| (p.nodes, value(p)))
                    .filter(|&(_, v)| v > 0.0)
                    .collect();
                chart
                    .draw_series(LineSeries::new(
                        line.iter().copied(),
                        colour.stroke_width(3),
                    ))
                    .map_err(plot_error)?
                    .label(*name)
                    .legend(line_key(colour, 3));
                chart
                    .draw_series(line.iter().map(|&p| Circle::new(p, 5, colour.filled())))
                    .map_err(plot_error)?;
            }
            if panel == 1 {
                let grey = PALETTE[7];
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|p| (p.nodes, memory_budget(p))),
                        grey.stroke_width(2),
                    ))
                    .map_err(plot_error)?
                    .label("budget: 16 bytes per directed arc")
                    .legend(line_key(grey, 2));
            }
            draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, 16)?;
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
