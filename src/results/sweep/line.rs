//! The figure of a one-key sweep: the metric against the key's values, with its
//! 95% CI band (and the reference scenario's level when there is one).

use super::{axis_number, metric_label, value_cell, SweepReport};
use crate::decide::evaluate::Metric;
use crate::error::Result;
use crate::results::plots::{
    draw_legend, draw_title, plot_error, render, with_legend_strip, Entry, Key, CI_LABEL, FONT,
    PALETTE,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

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

pub(super) fn line_figure(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
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
            .x_desc(report.key_label(0))
            .y_desc(metric_label(report.metric, report.unit()))
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
