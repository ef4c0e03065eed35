//! The frontier of `wom optimize`: the best plan's conversions against the
//! budget, a step (a plan holds from its cost until a better one is affordable),
//! with the 95% CI of its mean as a band, and the chosen plan marked.

use super::legend::{draw_legend, with_legend_strip, Entry, Key};
use super::marks::Marker;
use super::title::draw_title;
use super::{plot_error, render, tick, CI_LABEL, CURVE, FONT, PALETTE};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One row of the frontier: from `budget` on, this plan.
#[derive(Debug, Clone, Copy)]
pub struct FrontierPoint {
    /// The least budget that buys the plan (its cost).
    pub budget: f64,
    /// Its conversions: mean and 95% CI of the mean.
    pub mean: f64,
    /// Lower end of the 95% CI of the mean.
    pub ci95_low: f64,
    /// Upper end of the 95% CI of the mean.
    pub ci95_high: f64,
}

/// `frontier.png` / `.svg` in `dir`: the points as a step up to `budget`, the
/// `plan` (its budget and mean) as a ringed dot; `money` labels the budget axis.
pub fn frontier(
    dir: &Path,
    title: &str,
    money: &str,
    points: &[FrontierPoint],
    budget: f64,
    plan: (f64, f64),
) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        money: &str,
        points: &[FrontierPoint],
        budget: f64,
        plan: (f64, f64),
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 28)?;
        let blue = PALETTE[0];
        let orange = PALETTE[1];
        let entries = vec![
            Entry::new(
                Key::Line(blue, CURVE),
                "best plan found at each budget: conversions, mean",
            ),
            Entry::new(Key::Band(blue, 0.25), CI_LABEL),
            Entry::new(
                Key::Mark(Marker::Disc, orange),
                "the plan for the whole budget",
            ),
        ];
        let (plot, legend) = with_legend_strip(&body, &entries, 20);
        // A step: each row holds until the next row's budget, the last to `budget`.
        let mut line = Vec::new();
        let mut upper = Vec::new();
        let mut lower = Vec::new();
        for (i, p) in points.iter().enumerate() {
            let end = points.get(i + 1).map_or(budget, |q| q.budget).max(p.budget);
            line.extend([(p.budget, p.mean), (end, p.mean)]);
            upper.extend([(p.budget, p.ci95_high), (end, p.ci95_high)]);
            lower.extend([(p.budget, p.ci95_low), (end, p.ci95_low)]);
        }
        let y1 = points
            .iter()
            .map(|p| p.ci95_high)
            .filter(|v| v.is_finite())
            .fold(1.0, f64::max)
            * 1.08;
        let y0 = points
            .iter()
            .map(|p| p.ci95_low)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::min);
        let x1 = budget.max(1.0) * 1.02;
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x1, y0..y1)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc(format!("budget ({})", crate::error::escape_controls(money)))
            .y_desc("conversions (consumers)")
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .label_style((FONT, 20))
            .axis_desc_style((FONT, 24))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_error)?;
        if !line.is_empty() {
            let mut band = upper;
            band.extend(lower.into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(band, blue.mix(0.25).filled())))
                .map_err(plot_error)?;
            chart
                .draw_series(LineSeries::new(line, blue.stroke_width(CURVE)))
                .map_err(plot_error)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new((p.budget, p.mean), 5, blue.filled())),
                )
                .map_err(plot_error)?;
        }
        chart
            .draw_series([
                Circle::new(plan, 11, orange.stroke_width(3)),
                Circle::new(plan, 7, orange.filled()),
            ])
            .map_err(plot_error)?;
        draw_legend(&legend, &entries, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "frontier",
        |root| draw(root, title, money, points, budget, plan),
        |root| draw(root, title, money, points, budget, plan),
    )
}
