//! The scaling figure of `bench/scaling.sh`: time and peak memory against the
//! number of consumers.

use super::legend::{draw_legend, with_legend_strip, Entry, Key};
use super::title::draw_title;
use super::{plot_error, render, CURVE, FONT, PALETTE, SIZE, THIN};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One population size of `bench/scaling.sh`.
#[derive(Debug, Clone, Copy)]
pub struct ScalingPoint {
    /// Consumers.
    pub nodes: f64,
    /// Directed arcs stored (twice the ties of an undirected graph).
    pub arcs: f64,
    /// Wall-clock seconds of the whole run (build, simulate, files).
    pub wall_seconds: f64,
    /// Seconds to build the population.
    pub build_seconds: f64,
    /// Seconds to simulate the replicates.
    pub simulate_seconds: f64,
    /// Peak resident memory, in megabytes.
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
