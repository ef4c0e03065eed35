//! Validation figures: theory as lines, simulation as points with 95% CI whiskers,
//! on a numeric or categorical x axis, in one panel or two.

use super::legend::{draw_legend, with_legend_strip, Entry, Key};
use super::marks::{draw_marker, draw_whisker, local, marker_of};
use super::title::draw_title;
use super::{fine_tick, plot_error, render, CURVE, FONT, PALETTE, SIZE, THIN};
use crate::error::Result;
use crate::statistics::Z95;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Simulated points with standard errors, for validation figures.
pub struct PointSeries {
    /// The series' name, in the legend (and in [`SecondPanel::series`]).
    pub name: String,
    /// (x, y, standard error); drawn with a ±1.96 se bar.
    pub points: Vec<(f64, f64, f64)>,
}

/// How a [`validation`] figure lays out its axes and panels; the default is one
/// panel with a numeric x axis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationLayout {
    /// Makes the x axis categorical: x = 0, 1, … are these labels, drawn at evenly
    /// spaced positions; theory is then drawn as a short horizontal mark per
    /// category, not a line between them. None (or no labels) keeps it numeric.
    pub x_categories: Option<Vec<String>>,
    /// Splits the figure into two panels; see [`SecondPanel`].
    pub second_panel: Option<SecondPanel>,
}

/// The second panel of a [`validation`] figure, on the right: the simulated series
/// and theory curves named in `series` go there, on a y axis of its own; the
/// others stay on the left, on the figure's y axis.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondPanel {
    /// The description of the second panel's y axis.
    pub y_description: String,
    /// Names of the simulated series and theory curves drawn in it.
    pub series: Vec<String>,
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
/// visible) with 95% CI whiskers; the legend below. `axes` are the x and (left
/// panel's) y descriptions; `layout` can make the x axis categorical and add a
/// second panel (see [`ValidationLayout`]).
pub fn validation(
    dir: &Path,
    stem: &str,
    title: &str,
    axes: (&str, &str),
    layout: &ValidationLayout,
    theory: &[(String, Vec<(f64, f64)>)],
    simulated: &[PointSeries],
) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        title: &str,
        axes: (&str, &str),
        layout: &ValidationLayout,
        theory: &[(String, Vec<(f64, f64)>)],
        simulated: &[PointSeries],
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 30)?;
        let x_desc = axes.0;
        let categories: &[String] = layout.x_categories.as_deref().unwrap_or(&[]);
        let right_names: &[String] = layout
            .second_panel
            .as_ref()
            .map_or(&[], |p| p.series.as_slice());
        let on_right = |name: &str| right_names.iter().any(|n| n == name);
        let mut panels = vec![Panel {
            y_desc: axes.1,
            theory: (0..theory.len())
                .filter(|&i| !on_right(&theory[i].0))
                .collect(),
            simulated: (0..simulated.len())
                .filter(|&i| !on_right(&simulated[i].name))
                .collect(),
        }];
        if let Some(second) = &layout.second_panel {
            panels.push(Panel {
                y_desc: &second.y_description,
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
            validation_panel(&root, area, panel, x_desc, categories, theory, simulated)?;
        }
        draw_legend(&legend, &entries, 17)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        stem,
        |root| draw(root, title, axes, layout, theory, simulated),
        |root| draw(root, title, axes, layout, theory, simulated),
    )
}

fn validation_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    panel: &Panel<'_>,
    x_desc: &str,
    categories: &[String],
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
                label.clone(),
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
