//! The conversion figure of a run.

use super::legend::{draw_legend, with_legend_strip, Entry, Key};
use super::title::draw_title;
use super::{
    band, draw_axes, plot_error, render, tick, top, x_extent, BAND_LABEL, CURVE, FONT, PALETTE,
};
use crate::error::Result;
use crate::results::aggregate::CurveRow;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

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
