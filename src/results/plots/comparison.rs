//! The comparison figure of several scenarios: conversion curves beside
//! conversions per 1,000 spent.

use super::legend::{draw_legend, with_legend_strip, Entry, Key};
use super::marks::{draw_marker, draw_whisker, local, Marker};
use super::title::{draw_title, ellipsize, text_width};
use super::{
    band, draw_axes, fine_tick, plot_error, render, top, x_extent, BAND_LABEL, CI_LABEL, CURVE,
    FONT, PALETTE, SIZE,
};
use crate::error::Result;
use crate::results::aggregate::CurveRow;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// One scenario in a comparison figure.
pub struct ComparedSeries<'a> {
    /// The scenario's name, in the legend and as its row's label.
    pub name: &'a str,
    /// Its aggregated curve, one row per step.
    pub rows: &'a [CurveRow],
    /// Replicates behind the curve (a band is drawn for more than one).
    pub replicates: usize,
    /// Conversions per 1,000 spent: (mean, 95% CI low, high); None without a cost.
    pub per_thousand: Option<(f64, f64, f64)>,
}

/// `comparison.png` / `.svg`: every scenario's conversion curve with its band, one
/// colour each (all bands under all lines); beside it, conversions per 1,000 spent
/// as dots with 95% CI whiskers, one labelled row per scenario; one legend below.
/// `money` labels the spending ("conversions per 1,000 EUR spent").
pub fn comparison(
    dir: &Path,
    title: &str,
    money: &str,
    series: &[ComparedSeries<'_>],
) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        money: &str,
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
        per_thousand_panel(&root, &right, money, series)?;
        draw_legend(&legend, &entries, 18)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "comparison",
        |root| draw(root, title, money, series),
        |root| draw(root, title, money, series),
    )
}

/// The dot-and-whisker panel of a comparison: one row per scenario, top to bottom
/// in the given order, its name as the tick label; x from 0.
fn per_thousand_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    money: &str,
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
        .x_desc(format!(
            "conversions per 1,000 {} spent",
            crate::error::escape_controls(money)
        ))
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
