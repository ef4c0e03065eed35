//! The files of `wom sweep` (docs/decisions.md): `sweep.csv` (one row per point),
//! `sweep.json` (the same with the metric, the reference scenario, pairing,
//! overrides, version and seed) and `sweep.png` / `.svg`: the metric against one
//! key with its 95% CI band, or a heat map over two keys (of `p_better` with a
//! reference scenario, else of the metric) with a colour bar. Every file is
//! written atomically; numbers are printed with the shortest round-trip text (as
//! `summary.json` prints them), so a point's mean reads the same in both files.

use crate::decide::evaluate::Metric;
use crate::error::Result;
use crate::results::files;
use crate::results::plots::{
    draw_legend, draw_title, plot_error, render, tick, with_legend_strip, Entry, Key, CI_LABEL,
    FONT, PALETTE,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use std::path::Path;

/// The reference scenario of `--against`.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    pub name: String,
    pub file: String,
    pub metric_mean: Option<f64>,
    pub metric_ci95_low: Option<f64>,
    pub metric_ci95_high: Option<f64>,
    pub conversions_mean: f64,
    pub cost: f64,
    pub roi_mean: Option<f64>,
}

/// One point of the sweep.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// 0, 1, …: the first key slowest.
    pub point: usize,
    /// The varied keys' values, in the order of `keys`.
    pub values: Vec<toml::Value>,
    pub conversions_mean: f64,
    pub conversions_ci95_low: f64,
    pub conversions_ci95_high: f64,
    pub adopters_mean: f64,
    pub aware_mean: f64,
    pub cost: f64,
    /// (value × mean conversions − cost) / cost, as `summary.json`; null without a cost.
    pub roi_mean: Option<f64>,
    /// The metric's mean and 95% CI (null for ROI without a cost).
    pub metric_mean: Option<f64>,
    pub metric_ci95_low: Option<f64>,
    pub metric_ci95_high: Option<f64>,
    /// This point's metric − the reference's (with `--against`).
    pub diff_mean: Option<f64>,
    pub diff_ci95_low: Option<f64>,
    pub diff_ci95_high: Option<f64>,
    /// Share of replicates in which this point beats the reference.
    pub p_better: Option<f64>,
    /// Share of replicates in which they tie.
    pub ties: Option<f64>,
    /// Paired replicate by replicate (else Welch).
    pub paired: Option<bool>,
    pub unpaired_reason: Option<String>,
}

/// Everything `sweep.json` holds.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    pub wom_version: &'static str,
    pub scenario: String,
    pub file: String,
    pub metric: Metric,
    /// The varied keys, first (slowest) first.
    pub keys: Vec<String>,
    pub seed: u64,
    pub replicates: u32,
    pub steps: u32,
    /// Command-line overrides applied to every point (and to the reference).
    pub overrides: Vec<String>,
    /// The population was built once for every point (no varied key changes it).
    pub population_built_once: bool,
    pub against: Option<Against>,
    pub points: Vec<Point>,
    /// The scenario (and the reference with `--against`): every resolved
    /// parameter and its source.
    pub inputs: Vec<crate::results::inputs::ScenarioInput>,
    /// Wall-clock seconds (the only field that changes between identical runs).
    pub seconds: f64,
}

/// Shortest round-trip text of a number (as serde_json writes it); empty when
/// absent or not finite.
pub fn number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => serde_json::to_string(&v).expect("finite numbers serialise"),
        _ => String::new(),
    }
}

/// A key's value as a CSV cell: numbers as in `--set`, strings bare.
pub fn value_cell(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => number(Some(*f)),
        toml::Value::String(s) => s.clone(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// `sweep.csv`.
pub fn csv(report: &SweepReport) -> String {
    let with_against = report.against.is_some();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(report.keys.iter().cloned());
    header.extend(
        [
            "conversions_mean",
            "conversions_ci95_low",
            "conversions_ci95_high",
            "adopters_mean",
            "aware_mean",
            "cost",
            "roi_mean",
        ]
        .map(String::from),
    );
    if with_against {
        header
            .extend(["diff_mean", "diff_ci95_low", "diff_ci95_high", "p_better"].map(String::from));
    }
    w.write_record(&header).expect("writing to memory");
    for p in &report.points {
        let mut row = vec![p.point.to_string()];
        row.extend(p.values.iter().map(value_cell));
        row.extend(
            [
                Some(p.conversions_mean),
                Some(p.conversions_ci95_low),
                Some(p.conversions_ci95_high),
                Some(p.adopters_mean),
                Some(p.aware_mean),
                Some(p.cost),
                p.roi_mean,
            ]
            .map(number),
        );
        if with_against {
            row.extend([p.diff_mean, p.diff_ci95_low, p.diff_ci95_high, p.p_better].map(number));
        }
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}

/// Write `sweep.csv`, `sweep.json` and the figure into `dir`.
pub fn write(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
    files::write_file(&dir.join("sweep.csv"), csv(report).as_bytes())?;
    let json = serde_json::to_string_pretty(report).expect("reports serialise");
    files::write_file(&dir.join("sweep.json"), format!("{json}\n").as_bytes())?;
    if report.keys.len() == 1 {
        line_figure(dir, report, title)
    } else {
        heat_map(dir, report, title)
    }
}

/// The metric's axis label.
pub fn metric_label(metric: Metric) -> String {
    match metric {
        Metric::Conversions => "conversions (consumers)".into(),
        Metric::Roi => "ROI ((value − cost) / cost)".into(),
        Metric::Profit => format!("profit ({})", crate::results::plots::MONEY),
    }
}

/// Tick text of a key's value: up to four significant decimals.
pub fn axis_number(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract() == 0.0 {
        return tick(&v);
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{v:.digits$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// The x position of each point of a one-key sweep: its value when every value
/// is a number, else its index.
fn positions(values: &[&toml::Value]) -> (Vec<f64>, bool) {
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
        .collect();
    match numbers {
        Some(x) => (x, true),
        None => ((0..values.len()).map(|i| i as f64).collect(), false),
    }
}

fn line_figure(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        report: &SweepReport,
        title: &str,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 30)?;
        let blue = PALETTE[0];
        let orange = PALETTE[1];
        let metric = report.metric.name();
        let values: Vec<&toml::Value> = report.points.iter().map(|p| &p.values[0]).collect();
        let (xs, numeric) = positions(&values);
        let labels: Vec<String> = values.iter().map(|v| value_cell(v)).collect();
        let pts: Vec<(f64, f64, f64, f64)> = report
            .points
            .iter()
            .zip(&xs)
            .filter_map(|(p, &x)| {
                Some((x, p.metric_mean?, p.metric_ci95_low?, p.metric_ci95_high?))
            })
            .collect();
        let mut entries = vec![
            Entry::new(Key::Line(blue, 4), format!("{metric}, mean")),
            Entry::new(Key::Band(blue, 0.25), format!("{metric}, {CI_LABEL}")),
        ];
        let level = report.against.as_ref().and_then(|a| {
            Some((
                a.metric_mean?,
                a.metric_ci95_low?,
                a.metric_ci95_high?,
                &a.name,
            ))
        });
        if let Some((_, _, _, name)) = level {
            entries.push(Entry::new(
                Key::Dashed(orange, 4),
                format!("against {name}: {metric}, mean"),
            ));
            entries.push(Entry::new(
                Key::Band(orange, 0.15),
                format!("against {name}: {CI_LABEL}"),
            ));
        }
        let (plot, legend) = with_legend_strip(&body, &entries, 20);
        let mut ys: Vec<f64> = pts.iter().flat_map(|p| [p.2, p.3]).collect();
        if let Some((_, lo, hi, _)) = level {
            ys.extend([lo, hi]);
        }
        let (mut y0, mut y1) = ys
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| {
                (a.min(y), b.max(y))
            });
        if !y0.is_finite() {
            (y0, y1) = (0.0, 1.0);
        }
        if report.metric == Metric::Conversions && y0 >= 0.0 {
            y0 = 0.0;
        }
        let pad = ((y1 - y0) * 0.05).max(1e-9);
        let (y0, y1) = (y0 - if y0 == 0.0 { 0.0 } else { pad }, y1 + pad);
        let (x0, x1) = (
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let xpad = ((x1 - x0) * 0.03).max(0.5 * f64::from(u8::from(!numeric)));
        let xpad = if xpad == 0.0 { 0.5 } else { xpad };
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d((x0 - xpad)..(x1 + xpad), y0..y1)
            .map_err(plot_error)?;
        let x_label = |v: &f64| -> String {
            if numeric {
                axis_number(*v)
            } else {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                    labels[i as usize].clone()
                } else {
                    String::new()
                }
            }
        };
        chart
            .configure_mesh()
            .x_desc(report.keys[0].as_str())
            .y_desc(metric_label(report.metric))
            .x_labels(if numeric { 10 } else { labels.len() * 2 + 1 })
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| axis_number(*v))
            .label_style((FONT, 20))
            .axis_desc_style((FONT, 24))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_error)?;
        if let Some((mean, lo, hi, _)) = level {
            let (a, b) = (x0 - xpad, x1 + xpad);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, lo), (b, hi)],
                    orange.mix(0.15).filled(),
                )))
                .map_err(plot_error)?;
            chart
                .draw_series(DashedLineSeries::new(
                    [(a, mean), (b, mean)],
                    14,
                    8,
                    orange.stroke_width(4),
                ))
                .map_err(plot_error)?;
        }
        if pts.len() > 1 {
            let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.3)).collect();
            band.extend(pts.iter().rev().map(|p| (p.0, p.2)));
            chart
                .draw_series(std::iter::once(Polygon::new(band, blue.mix(0.25).filled())))
                .map_err(plot_error)?;
        }
        chart
            .draw_series(pts.iter().map(|p| {
                PathElement::new(vec![(p.0, p.2), (p.0, p.3)], blue.mix(0.6).stroke_width(2))
            }))
            .map_err(plot_error)?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|p| (p.0, p.1)),
                blue.stroke_width(4),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(
                pts.iter()
                    .map(|p| Circle::new((p.0, p.1), 6, blue.filled())),
            )
            .map_err(plot_error)?;
        draw_legend(&legend, &entries, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "sweep",
        |root| draw(root, report, title),
        |root| draw(root, report, title),
    )
}

/// Linear interpolation between colour stops at `t` in [0, 1].
fn colour_at(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Viridis (sequential), for a metric.
const VIRIDIS: [(u8, u8, u8); 5] = [
    (68, 1, 84),
    (59, 82, 139),
    (33, 145, 140),
    (94, 201, 98),
    (253, 231, 37),
];
/// Red–white–blue (diverging about 0.5), for `p_better`.
const DIVERGING: [(u8, u8, u8); 3] = [(202, 0, 32), (247, 247, 247), (5, 113, 176)];

fn heat_map(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        report: &SweepReport,
        title: &str,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 30)?;
        let against = report.against.as_ref();
        let nx =
            report
                .points
                .iter()
                .map(|p| p.values[0].clone())
                .fold(Vec::new(), |mut all, v| {
                    if !all.contains(&v) {
                        all.push(v);
                    }
                    all
                });
        let ny = report.points.len() / nx.len().max(1);
        let (cols, rows) = (nx.len(), ny);
        let z: Vec<Option<f64>> = report
            .points
            .iter()
            .map(|p| {
                if against.is_some() {
                    p.p_better
                } else {
                    p.metric_mean
                }
            })
            .collect();
        // Point index of cell (column i, row j): the first key is slowest.
        let at = |i: usize, j: usize| z[i * rows + j];
        let (zmin, zmax) = if against.is_some() {
            (0.0, 1.0)
        } else {
            let found = z.iter().flatten().copied();
            let lo = found.clone().fold(f64::INFINITY, f64::min);
            let hi = found.fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() && hi > lo {
                (lo, hi)
            } else if lo.is_finite() {
                (lo - 0.5, lo + 0.5)
            } else {
                (0.0, 1.0)
            }
        };
        let stops: &[(u8, u8, u8)] = if against.is_some() {
            &DIVERGING
        } else {
            &VIRIDIS
        };
        let colour = |v: f64| colour_at(stops, (v - zmin) / (zmax - zmin));
        let z_label = match against {
            Some(a) => format!("P({} better than {})", report.metric.name(), a.name),
            None => format!("{}, mean", metric_label(report.metric)),
        };
        let entries = match against {
            Some(_) => vec![Entry::new(
                Key::Line(BLACK, 4),
                "cell edges where P(better) crosses 0.5",
            )],
            None => Vec::new(),
        };
        let (plot, legend) = if entries.is_empty() {
            (body.clone(), None)
        } else {
            let (p, l) = with_legend_strip(&body, &entries, 20);
            (p, Some(l))
        };
        let (w, _) = plot.dim_in_pixel();
        let (main, bar) = plot.split_horizontally(w.saturating_sub(230));
        let row_labels: Vec<String> = report.points[..rows]
            .iter()
            .map(|p| value_cell(&p.values[1]))
            .collect();
        let col_labels: Vec<String> = nx.iter().map(value_cell).collect();
        let mut chart = ChartBuilder::on(&main)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(120)
            .build_cartesian_2d(-0.5..cols as f64 - 0.5, -0.5..rows as f64 - 0.5)
            .map_err(plot_error)?;
        // Cell i is centred on i; only whole positions are labelled.
        let seg_label = |labels: &[String], v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(report.keys[0].as_str())
            .y_desc(report.keys[1].as_str())
            .x_labels(cols.min(25) + 1)
            .y_labels(rows.min(25) + 1)
            .x_label_formatter(&|v| seg_label(&col_labels, v))
            .y_label_formatter(&|v| seg_label(&row_labels, v))
            .label_style((FONT, 18))
            .axis_desc_style((FONT, 24))
            .draw()
            .map_err(plot_error)?;
        let exact = |i: usize| i as f64 - 0.5;
        let mut cells = Vec::new();
        for i in 0..cols {
            for j in 0..rows {
                let fill = match at(i, j) {
                    Some(v) if v.is_finite() => colour(v).filled(),
                    _ => RGBColor(200, 200, 200).filled(),
                };
                cells.push(Rectangle::new(
                    [(exact(i), exact(j)), (exact(i + 1), exact(j + 1))],
                    fill,
                ));
            }
        }
        chart.draw_series(cells).map_err(plot_error)?;
        if cols * rows <= 144 {
            let size = if cols * rows <= 49 { 18 } else { 14 };
            let mut texts = Vec::new();
            for i in 0..cols {
                for j in 0..rows {
                    let (text, dark) = match at(i, j) {
                        Some(v) if v.is_finite() => {
                            let c = colour(v);
                            let luminance = 0.299 * f64::from(c.0)
                                + 0.587 * f64::from(c.1)
                                + 0.114 * f64::from(c.2);
                            (axis_number(v), luminance < 128.0)
                        }
                        _ => ("n/a".to_string(), false),
                    };
                    let style = TextStyle::from((FONT, size).into_font())
                        .pos(Pos::new(HPos::Center, VPos::Center))
                        .color(if dark { &WHITE } else { &BLACK });
                    texts.push(Text::new(text, (i as f64, j as f64), style));
                }
            }
            chart.draw_series(texts).map_err(plot_error)?;
        }
        if against.is_some() {
            let above = |v: Option<f64>| v.map(|v| v > 0.5);
            let mut edges = Vec::new();
            for i in 0..cols {
                for j in 0..rows {
                    let here = above(at(i, j));
                    let right = (i + 1 < cols).then(|| above(at(i + 1, j))).flatten();
                    if here.is_some() && right.is_some() && here != right {
                        edges.push(PathElement::new(
                            vec![(exact(i + 1), exact(j)), (exact(i + 1), exact(j + 1))],
                            BLACK.stroke_width(4),
                        ));
                    }
                    let up = (j + 1 < rows).then(|| above(at(i, j + 1))).flatten();
                    if here.is_some() && up.is_some() && here != up {
                        edges.push(PathElement::new(
                            vec![(exact(i), exact(j + 1)), (exact(i + 1), exact(j + 1))],
                            BLACK.stroke_width(4),
                        ));
                    }
                }
            }
            chart.draw_series(edges).map_err(plot_error)?;
        }
        // The colour bar.
        let mut bar_chart = ChartBuilder::on(&bar)
            .margin_top(20)
            .margin_bottom(90)
            .margin_right(20)
            .y_label_area_size(150)
            .build_cartesian_2d(0f64..1.0, zmin..zmax)
            .map_err(plot_error)?;
        bar_chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(z_label.as_str())
            .y_label_formatter(&|v| axis_number(*v))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .draw()
            .map_err(plot_error)?;
        let steps = 200;
        bar_chart
            .draw_series((0..steps).map(|k| {
                let a = zmin + (zmax - zmin) * k as f64 / steps as f64;
                let b = zmin + (zmax - zmin) * (k + 1) as f64 / steps as f64;
                Rectangle::new([(0.0, a), (1.0, b)], colour((a + b) / 2.0).filled())
            }))
            .map_err(plot_error)?;
        if against.is_some() {
            bar_chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.5), (1.0, 0.5)],
                    BLACK.stroke_width(4),
                )))
                .map_err(plot_error)?;
        }
        if let Some(legend) = legend {
            draw_legend(&legend, &entries, 20)?;
        }
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "sweep",
        |root| draw(root, report, title),
        |root| draw(root, report, title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_summary_json_does() {
        assert_eq!(number(Some(12.0)), "12.0");
        assert_eq!(number(Some(185.932)), "185.932");
        assert_eq!(number(None), "");
        assert_eq!(number(Some(f64::NAN)), "");
        assert_eq!(value_cell(&toml::Value::Float(0.1)), "0.1");
        assert_eq!(value_cell(&toml::Value::Integer(500)), "500");
        assert_eq!(axis_number(0.05), "0.05");
        assert_eq!(axis_number(1500.0), "1,500");
    }

    #[test]
    fn colours_interpolate() {
        assert_eq!(colour_at(&DIVERGING, 0.5), RGBColor(247, 247, 247));
        assert_eq!(colour_at(&DIVERGING, 0.0), RGBColor(202, 0, 32));
        assert_eq!(colour_at(&VIRIDIS, 1.0), RGBColor(253, 231, 37));
    }
}
