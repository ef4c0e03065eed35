//! The figure of a two-key sweep: a heat map of `p_better` (with a reference
//! scenario) or of the metric, with a colour bar.

use super::{axis_number, metric_label, value_cell, SweepReport};
use crate::error::Result;
use crate::results::plots::{
    draw_legend, draw_title, plot_error, render, with_legend_strip, Entry, Key, FONT,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

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

pub(super) fn heat_map(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
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
            None => format!("{}, mean", metric_label(report.metric, report.unit())),
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
            .x_desc(report.key_label(0))
            .y_desc(report.key_label(1))
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
    fn colours_interpolate() {
        assert_eq!(colour_at(&DIVERGING, 0.5), RGBColor(247, 247, 247));
        assert_eq!(colour_at(&DIVERGING, 0.0), RGBColor(202, 0, 32));
        assert_eq!(colour_at(&VIRIDIS, 1.0), RGBColor(253, 231, 37));
    }
}
