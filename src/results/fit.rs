//! The files of `wom fit --bass DATA.csv` (docs/calibration.md): `fit.json` (the
//! estimates with their standard errors, Bass's OLS beside them), `fit.png` /
//! `fit.svg` (the data against the fitted curve) and `fitted.toml` (a scenario that
//! runs the fitted model in wom). Every file is written atomically.

use crate::decide::bass_fit::{BassParams, StartSource};
use crate::decide::calibrate::{BassCalibration, BASS_METHOD};
use crate::error::{echo, Result};
use crate::results::files::write_file;
use crate::results::plots::{
    draw_legend, draw_title, plot_error, render, with_legend_strip, Entry, Key, Marker, FONT,
    PALETTE, SIZE,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What [`write_bass_fit`] wrote.
#[derive(Debug, Clone)]
pub struct FitFiles {
    /// Every file written, in order.
    pub written: Vec<PathBuf>,
    /// Why `fitted.toml` was not written, when the estimates are outside what a
    /// scenario accepts.
    pub no_scenario: Option<String>,
}

/// Write `fit.json`, `fit.png`, `fit.svg` and `fitted.toml` as the folder `dir`
/// (which the caller has prepared), replacing it as a whole
/// ([`crate::results::staging::write_staged`]). `name` names the scenario, e.g.
/// the data file's stem.
pub fn write_bass_fit(dir: &Path, name: &str, fit: &BassCalibration) -> Result<FitFiles> {
    crate::results::staging::write_staged(dir, |stage| {
        let mut files = write_bass_fit_into(stage, name, fit)?;
        for path in &mut files.written {
            if let Some(file) = path.file_name() {
                *path = dir.join(file);
            }
        }
        Ok(files)
    })
}

fn write_bass_fit_into(dir: &Path, name: &str, fit: &BassCalibration) -> Result<FitFiles> {
    let mut written = Vec::new();
    let json = serde_json::to_string_pretty(&fit_json(fit)).expect("fits serialise");
    let path = dir.join("fit.json");
    write_file(&path, format!("{json}\n").as_bytes())?;
    written.push(path);
    figure(dir, name, fit)?;
    written.extend(["fit.png", "fit.svg"].map(|f| dir.join(f)));
    let no_scenario = match fitted_scenario(name, fit) {
        Ok(toml) => {
            let path = dir.join("fitted.toml");
            write_file(&path, toml.as_bytes())?;
            written.push(path);
            None
        }
        Err(why) => Some(why),
    };
    Ok(FitFiles {
        written,
        no_scenario,
    })
}

/// An estimate with its standard error.
#[derive(Debug, Serialize)]
pub struct EstimateJson {
    /// Point estimate.
    pub estimate: f64,
    /// Asymptotic standard error, √diag(s² (JᵀJ)⁻¹).
    pub se: f64,
}

/// Bass's (1969) OLS regression s_t = a + b S_{t-1} + c S_{t-1}^2 and the p, q, m
/// it implies.
#[derive(Debug, Serialize)]
pub struct OlsJson {
    /// Innovation coefficient p = a / m.
    pub p: f64,
    /// Imitation coefficient q = −c m.
    pub q: f64,
    /// Market potential m, in the unit of the sales.
    pub m: f64,
    /// Intercept a (= p m).
    pub a: f64,
    /// Coefficient b on S_{t-1} (= q − p).
    pub b: f64,
    /// Coefficient c on S_{t-1}² (= −q / m).
    pub c: f64,
}

/// `fit.json`.
#[derive(Debug, Serialize)]
pub struct FitJson {
    /// The data file, as given on the command line.
    pub data: String,
    /// Periods of sales data (T).
    pub periods: usize,
    /// How the estimates were obtained, in words.
    pub method: &'static str,
    /// Innovation coefficient p (per period).
    pub p: EstimateJson,
    /// Imitation coefficient q (per period).
    pub q: EstimateJson,
    /// Market potential m, in the unit of the sales.
    pub m: EstimateJson,
    /// Residual sum of squares at the optimum, in squared units of the sales.
    pub rss: f64,
    /// sqrt(rss / periods), in the unit of the sales.
    pub rmse: f64,
    /// Levenberg–Marquardt iterations (Jacobian evaluations) used.
    pub iterations: usize,
    /// Whether a convergence test (ftol, xtol or gtol) was met.
    pub converged: bool,
    /// Where Levenberg-Marquardt started: `"ols"`, or `"default"` (p = 0.03,
    /// q = 0.38, m = 1.5 x total sales) when OLS gave no valid start.
    pub start: &'static str,
    /// Null when the OLS regression has no valid solution (see `ols_error`).
    pub ols: Option<OlsJson>,
    /// Why the OLS regression has no valid solution (absent when it has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ols_error: Option<String>,
    /// The version of wom that wrote the file.
    pub wom_version: &'static str,
}

/// The contents of `fit.json`.
pub fn fit_json(fit: &BassCalibration) -> FitJson {
    let n = &fit.nls;
    let est = |e: crate::decide::bass_fit::Estimate| EstimateJson {
        estimate: e.estimate,
        se: e.se,
    };
    FitJson {
        data: fit.data.display().to_string(),
        periods: fit.periods(),
        method: BASS_METHOD,
        p: est(n.p),
        q: est(n.q),
        m: est(n.m),
        rss: n.rss,
        rmse: fit.rmse(),
        iterations: n.iterations,
        converged: n.converged,
        start: match n.start_source {
            StartSource::Ols => "ols",
            StartSource::Default => "default",
            StartSource::Caller => "caller",
        },
        ols: fit.ols.as_ref().ok().map(|o| OlsJson {
            p: o.p,
            q: o.q,
            m: o.m,
            a: o.a,
            b: o.b,
            c: o.c,
        }),
        ols_error: fit.ols.as_ref().err().map(|e| e.to_string()),
        wom_version: env!("CARGO_PKG_VERSION"),
    }
}

/// The largest population a scenario accepts (32-bit node ids).
const MAX_NODES: f64 = 4_294_967_294.0;
/// The most steps a scenario accepts.
const MAX_STEPS: usize = 1_000_000;
/// The largest q the bass rule accepts.
const MAX_Q: f64 = 1000.0;

/// `fitted.toml`: the fitted Bass model as a wom scenario, on a well-mixed
/// population of round(m) consumers, one step per period; or why the estimates
/// cannot be one (p outside (0, 1], q outside [0, 1000], m rounding outside the node
/// range, more periods than steps allowed).
pub fn fitted_scenario(name: &str, fit: &BassCalibration) -> std::result::Result<String, String> {
    let BassParams { p, q, m } = fit.nls.params();
    let (se_p, se_q, se_m) = (fit.nls.p.se, fit.nls.q.se, fit.nls.m.se);
    let nodes = m.round();
    let periods = fit.periods();
    if !(p > 0.0 && p <= 1.0) {
        return Err(format!(
            "p = {p} is not a probability in (0, 1], which the bass rule needs"
        ));
    }
    if !(0.0..=MAX_Q).contains(&q) {
        return Err(format!(
            "q = {q} is outside 0 to {MAX_Q}, which the bass rule accepts"
        ));
    }
    if !(1.0..=MAX_NODES).contains(&nodes) {
        return Err(format!(
            "m = {m} rounds to {nodes} consumers; a population has 1 to {MAX_NODES} (rescale the sales)"
        ));
    }
    if periods > MAX_STEPS {
        return Err(format!(
            "{periods} periods are more than the {MAX_STEPS} steps a scenario allows"
        ));
    }
    let data = echo(&fit.data.display().to_string());
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let title = format!("Bass fit to {name}");
    let description = format!(
        "The Bass model fitted by `wom fit --bass` to the {periods} periods of {}",
        fit.data.display()
    );
    let converged = if fit.nls.converged {
        ""
    } else {
        "\n# WARNING: the fit did not converge; treat these values with care."
    };
    // What the simulation should reach by the last period, against the fitted curve.
    let closed = fit.fitted_cumulative(periods as f64);
    let map = fit.discrete_cumulative(1.0, periods);
    let fine = fit.discrete_cumulative(0.1, periods * 10);
    let gap = |v: f64| format!("{:+.1}%", 100.0 * (v / closed - 1.0));
    Ok(format!(
        r#"# The Bass model fitted to {data} by `wom fit --bass` (wom {version}):
# {BASS_METHOD}
# on {periods} periods, RMSE {rmse} per period. Run it with `wom run fitted.toml`.{converged}
name = {title}
description = {description}

[simulation]
# One step per period of the data: step 0 is period 1, the first period after
# launch, so the {periods} steps cover the {periods} periods.
steps = {periods}
replicates = 100
seed = 1

[population]
# Well mixed, as the Bass model assumes: everyone hears every adopter.
generator = "complete"
# The market potential m = {m6} (standard error {se_m}), rounded: one simulated
# consumer per unit of the data's sales (when the data counts thousands of units,
# each consumer stands for a thousand).
nodes = {nodes}

[word_of_mouth]
rule = "bass"
# Coefficient of innovation per period: the fitted p (standard error {se_p}).
p = {p:?}
# Coefficient of imitation per period: the fitted q (standard error {se_q}).
q = {q:?}
# One step per period. wom's bass rule then follows the discrete Bass map
# F(t+1) = F(t) + (1 - F(t)) (p + q F(t)), not the closed form that was fitted (the
# map approaches it only as dt -> 0). By period {periods} the map reaches m F = {map}
# adopters where the fitted curve reaches {closed} ({map_gap}); for a closer match run
#   wom run fitted.toml --set word_of_mouth.dt=0.1 --steps {fine_steps}
# (ten steps per period: {fine}, {fine_gap}).
dt = 1.0
# Every adopter talks to the market, as in Bass (1969).
advocacy = 1.0
"#,
        version = env!("CARGO_PKG_VERSION"),
        rmse = six_digits(fit.rmse()),
        title = quoted(&title),
        description = quoted(&description),
        m6 = six_digits(m),
        se_m = six_digits(se_m),
        se_p = six_digits(se_p),
        se_q = six_digits(se_q),
        nodes = nodes as u64,
        map = tick(&map.round()),
        closed = tick(&closed.round()),
        map_gap = gap(map),
        fine_steps = periods * 10,
        fine = tick(&fine.round()),
        fine_gap = gap(fine),
    ))
}

/// Six significant digits, like C's `%.6g` without its exponent form.
pub fn six_digits(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (5 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.decimals$}")
}

/// Tick labels: whole numbers with thousands separators, else up to 2 decimals.
fn tick(v: &f64) -> String {
    if v.fract().abs() > 1e-9 {
        return format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
    }
    let whole = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if *v < -0.5 {
        format!("-{out}")
    } else {
        out
    }
}

/// A number with three significant digits, for titles and legends.
fn sig3(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.digits$}");
    if digits == 0 {
        tick(&v.round())
    } else {
        text
    }
}

/// `fit.png` / `fit.svg`: left, sales per period (data as points, the fitted curve
/// as a line); right, cumulative sales with the fitted m F(t) and the market
/// potential m.
fn figure(dir: &Path, name: &str, fit: &BassCalibration) -> Result<()> {
    render(
        dir,
        "fit",
        |root| draw(root, name, fit),
        |root| draw(root, name, fit),
    )
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    name: &str,
    fit: &BassCalibration,
) -> Result<()> {
    root.fill(&WHITE).map_err(plot_error)?;
    let x = fit.nls.params();
    let title = format!(
        "Bass fit to {name}: p = {}, q = {}, m = {}",
        sig3(x.p),
        sig3(x.q),
        sig3(x.m)
    );
    let body = draw_title(&root, &title, 28)?;
    let (left, right) = body.split_horizontally(SIZE.0 / 2);
    let periods = fit.periods();
    let x_range = 0.5..(periods as f64 + 0.5);
    let blue = PALETTE[0];
    let orange = PALETTE[1];
    let grey = PALETTE[7];
    let t = |i: usize| (i + 1) as f64;

    // Left: sales per period; the legend below the chart.
    let entries = [
        Entry::new(Key::Line(orange, 4), "Bass model fitted: m [F(t) − F(t−1)]"),
        Entry::new(Key::Mark(Marker::Disc, blue), "data: sales per period"),
    ];
    let (left, legend) = with_legend_strip(&left, &entries, 17);
    let fitted = fit.fitted_sales();
    let top = fit
        .sales
        .iter()
        .chain(&fitted)
        .copied()
        .fold(0.0, f64::max)
        .max(1.0);
    let mut chart = ChartBuilder::on(&left)
        .caption("sales per period", (FONT, 22))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(x_range.clone(), 0f64..top * 1.08)
        .map_err(plot_error)?;
    axes(
        &mut chart,
        "period (1 = first period after launch)",
        "sales per period (units of the data)",
        periods,
    )?;
    chart
        .draw_series(LineSeries::new(
            fitted.iter().enumerate().map(|(i, &f)| (t(i), f)),
            orange.stroke_width(4),
        ))
        .map_err(plot_error)?;
    chart
        .draw_series(
            fit.sales
                .iter()
                .enumerate()
                .map(|(i, &s)| Circle::new((t(i), s), 6, blue.filled())),
        )
        .map_err(plot_error)?;
    draw_legend(&legend, &entries, 17)?;

    // Right: cumulative sales, the fitted m F(t) and the market potential m.
    let mut cumulative = Vec::with_capacity(periods);
    let mut total = 0.0;
    for &s in &fit.sales {
        total += s;
        cumulative.push(total);
    }
    let fitted_cum: Vec<(f64, f64)> = (0..=periods * 10)
        .map(|k| k as f64 / 10.0)
        .filter(|&t| t >= 0.5)
        .map(|t| (t, fit.fitted_cumulative(t)))
        .collect();
    let top = cumulative
        .iter()
        .copied()
        .chain(fitted_cum.iter().map(|p| p.1))
        .chain([x.m])
        .fold(0.0, f64::max)
        .max(1.0);
    let entries = [
        Entry::new(
            Key::Dashed(grey, 2),
            format!(
                "market potential m = {} (se {})",
                sig3(x.m),
                sig3(fit.nls.m.se)
            ),
        ),
        Entry::new(Key::Line(orange, 4), "Bass model fitted: m F(t)"),
        Entry::new(Key::Mark(Marker::Disc, blue), "data: cumulative sales"),
    ];
    let (right, legend) = with_legend_strip(&right, &entries, 17);
    let mut chart = ChartBuilder::on(&right)
        .caption("cumulative sales", (FONT, 22))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(x_range.clone(), 0f64..top * 1.08)
        .map_err(plot_error)?;
    axes(
        &mut chart,
        "period (1 = first period after launch)",
        "cumulative sales (units of the data)",
        periods,
    )?;
    chart
        .draw_series(DashedLineSeries::new(
            [(x_range.start, x.m), (x_range.end, x.m)],
            10,
            6,
            grey.stroke_width(2),
        ))
        .map_err(plot_error)?;
    chart
        .draw_series(LineSeries::new(
            fitted_cum.iter().copied(),
            orange.stroke_width(4),
        ))
        .map_err(plot_error)?;
    chart
        .draw_series(
            cumulative
                .iter()
                .enumerate()
                .map(|(i, &s)| Circle::new((t(i), s), 6, blue.filled())),
        )
        .map_err(plot_error)?;
    draw_legend(&legend, &entries, 17)?;
    root.present().map_err(plot_error)
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn axes<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    x_desc: &str,
    y_desc: &str,
    periods: usize,
) -> Result<()> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(periods.min(13))
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FONT, 17))
        .axis_desc_style((FONT, 19))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(plot_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_significant_digits() {
        assert_eq!(sig3(0.00944205), "0.00944");
        assert_eq!(sig3(0.374763), "0.375");
        assert_eq!(sig3(18712.7), "18,713");
        assert_eq!(sig3(123.456), "123");
    }
}
