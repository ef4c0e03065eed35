//! The histogram of final conversions of a run, with their mean and its 95% CI.

use super::legend::{draw_legend, with_legend_strip, Entry, Key};
use super::marks::local;
use super::title::draw_title;
use super::{draw_axes, plot_error, render, top, CI_LABEL, PALETTE, THIN};
use crate::error::Result;
use crate::results::aggregate::Bin;
use crate::statistics::Z95;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The mean of final conversions and its 95% CI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// The mean.
    pub mean: f64,
    /// The lower end of its 95% CI.
    pub ci95_low: f64,
    /// The upper end of its 95% CI.
    pub ci95_high: f64,
}

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
    Some(MeanCi {
        mean,
        ci95_low: mean - half,
        ci95_high: mean + half,
    })
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
        if let Some(MeanCi {
            mean: m,
            ci95_low: lo,
            ci95_high: hi,
        }) = mean
        {
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
        if let Some(MeanCi {
            mean: m,
            ci95_low: ci_lo,
            ci95_high: ci_hi,
        }) = mean
        {
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
