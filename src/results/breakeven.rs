//! The files of `wom breakeven` (docs/decisions.md): `breakeven.json` (the value,
//! its 95% CI, A's mean and every evaluation of B) and `breakeven.png` / `.svg`
//! (the paired difference B − A against the key with its 95% CI band, the zero
//! line, and the crossing with its CI). Written atomically.

use crate::decide::breakeven::Evaluated;
use crate::decide::evaluate::Metric;
use crate::error::Result;
use crate::results::files;
use crate::results::plots::{
    draw_legend, draw_title, plot_error, render, with_legend_strip, Entry, Key, CI_LABEL, FONT,
    PALETTE,
};
use crate::results::sweep::axis_number;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::path::Path;

/// A scenario of the break-even, as named in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The scenario's name (with its overrides, if any).
    pub name: String,
    /// Its file, as given on the command line.
    pub file: String,
}

/// Everything `breakeven.json` holds.
#[derive(Debug, Clone, Serialize)]
pub struct BreakevenReport {
    /// The version of wom that wrote the file.
    pub wom_version: &'static str,
    /// B's key that is solved for.
    pub key: String,
    /// The break-even value of `key` (null when none is in the range).
    pub value: Option<f64>,
    /// Where the 95% CI bounds of the difference cross 0 (null: beyond the range).
    pub ci95_low: Option<f64>,
    /// The upper end of that interval (null: beyond the range).
    pub ci95_high: Option<f64>,
    /// Why `value` is null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What A and B are compared by.
    pub metric: Metric,
    /// The currency of profit and of a key that is money (A and B share it); null
    /// when they name none (money in "units").
    pub currency: Option<String>,
    /// A's mean metric and its 95% CI.
    pub a_mean: f64,
    /// Lower bound of A's 95% CI.
    pub a_ci95_low: f64,
    /// Upper bound of A's 95% CI.
    pub a_ci95_high: f64,
    /// The scenario held fixed.
    pub a: Side,
    /// The scenario whose key is solved for.
    pub b: Side,
    /// B's own value of `key`, and the range searched.
    pub b_current: Option<f64>,
    /// The range of `key` searched, [low, high].
    pub range: [f64; 2],
    /// `key` takes whole values.
    pub integer: bool,
    /// A and B(x) paired replicate by replicate (else Welch), and why not.
    pub paired: bool,
    /// Why A and B(x) are not paired (null when they are).
    pub unpaired_reason: Option<String>,
    /// B improves as `key` grows.
    pub increasing: bool,
    /// How the crossing was found, in words.
    pub method: String,
    /// Remarks on the result (several crossings, an open interval).
    pub notes: Vec<String>,
    /// B's master seed.
    pub seed: u64,
    /// B's replicates, per evaluation.
    pub replicates: u32,
    /// Command-line overrides applied to A and B (`key=value`, in order).
    pub overrides: Vec<String>,
    /// Every evaluation of B, by x.
    pub evaluations: Vec<Evaluated>,
    /// A and B: every resolved parameter and its source.
    pub inputs: Vec<crate::results::inputs::ScenarioInput>,
    /// Wall-clock seconds (the only field that changes between identical runs).
    pub seconds: f64,
}

impl BreakevenReport {
    /// The label of its money: its currency, or "units".
    pub fn unit(&self) -> &str {
        crate::scenario::money_unit(self.currency.as_deref())
    }

    /// The metric's name, with its currency when it is money: "profit (EUR)".
    pub fn metric_name(&self) -> String {
        match self.metric {
            Metric::Profit => format!("profit ({})", self.unit()),
            other => other.name().to_string(),
        }
    }

    /// The solved key, with its currency when it is money.
    pub fn key_label(&self) -> String {
        crate::scenario::field_label(&self.key, self.unit())
    }
}

/// Write `breakeven.json` and the figure as the folder `dir`, replacing it as a
/// whole ([`crate::results::staging::write_staged`]).
pub fn write(dir: &Path, report: &BreakevenReport, title: &str) -> Result<()> {
    crate::results::staging::write_staged(dir, |stage| write_into(stage, report, title))
}

fn write_into(dir: &Path, report: &BreakevenReport, title: &str) -> Result<()> {
    let json = serde_json::to_string_pretty(report).expect("reports serialise");
    files::write_file(&dir.join("breakeven.json"), format!("{json}\n").as_bytes())?;
    figure(dir, report, title)
}

fn figure(dir: &Path, report: &BreakevenReport, title: &str) -> Result<()> {
    fn draw<DB: DrawingBackend>(
        root: DrawingArea<DB, Shift>,
        r: &BreakevenReport,
        title: &str,
    ) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let body = draw_title(&root, title, 28)?;
        let blue = PALETTE[0];
        let red = PALETTE[3];
        let grey = PALETTE[7];
        let metric = r.metric.name();
        let pairing = if r.paired { "paired" } else { "unpaired" };
        let mut entries = vec![
            Entry::new(
                Key::Line(blue, 4),
                format!("{metric}: B − A, mean ({pairing})"),
            ),
            Entry::new(Key::Band(blue, 0.25), format!("B − A, {CI_LABEL}")),
            Entry::new(Key::Dashed(grey, 2), "no difference"),
        ];
        if r.value.is_some() {
            entries.push(Entry::new(Key::VLine(red, 2), "break-even"));
            entries.push(Entry::new(Key::Whisker(red), "break-even, 95% CI"));
        }
        let (plot, legend) = with_legend_strip(&body, &entries, 20);
        let e = &r.evaluations;
        let (x0, x1) = (r.range[0], r.range[1]);
        let xpad = (x1 - x0) * 0.02;
        let ys = e
            .iter()
            .flat_map(|p| [p.diff_ci95_low, p.diff_ci95_high])
            .chain([0.0]);
        let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
        let pad = ((y1 - y0) * 0.06).max(1e-9);
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d((x0 - xpad)..(x1 + xpad), (y0 - pad)..(y1 + pad))
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc(format!("B's {}", r.key_label()))
            .y_desc(format!("{}: B − A", r.metric_name()))
            .x_label_formatter(&|v| axis_number(*v))
            .y_label_formatter(&|v| axis_number(*v))
            .label_style((FONT, 20))
            .axis_desc_style((FONT, 24))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(plot_error)?;
        let mut band: Vec<(f64, f64)> = e.iter().map(|p| (p.x, p.diff_ci95_high)).collect();
        band.extend(e.iter().rev().map(|p| (p.x, p.diff_ci95_low)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, blue.mix(0.25).filled())))
            .map_err(plot_error)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(x0 - xpad, 0.0), (x1 + xpad, 0.0)],
                10,
                8,
                grey.stroke_width(2),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(LineSeries::new(
                e.iter().map(|p| (p.x, p.diff_mean)),
                blue.stroke_width(4),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(
                e.iter()
                    .map(|p| Circle::new((p.x, p.diff_mean), 4, blue.filled())),
            )
            .map_err(plot_error)?;
        if let Some(v) = r.value {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(v, y0 - pad), (v, y1 + pad)],
                    red.stroke_width(2),
                )))
                .map_err(plot_error)?;
            let lo = r.ci95_low.unwrap_or(x0 - xpad);
            let hi = r.ci95_high.unwrap_or(x1 + xpad);
            // The interval as a whisker on the zero line, caps 3% of the height.
            let cap = (y1 - y0 + 2.0 * pad) * 0.03;
            chart
                .draw_series([
                    PathElement::new(vec![(lo, 0.0), (hi, 0.0)], red.stroke_width(4)),
                    PathElement::new(vec![(lo, -cap), (lo, cap)], red.stroke_width(4)),
                    PathElement::new(vec![(hi, -cap), (hi, cap)], red.stroke_width(4)),
                ])
                .map_err(plot_error)?;
            chart
                .draw_series(std::iter::once(Circle::new((v, 0.0), 7, red.filled())))
                .map_err(plot_error)?;
        }
        draw_legend(&legend, &entries, 20)?;
        root.present().map_err(plot_error)
    }
    render(
        dir,
        "breakeven",
        |root| draw(root, report, title),
        |root| draw(root, report, title),
    )
}
