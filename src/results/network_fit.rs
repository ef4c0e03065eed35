//! The files of `wom fit SCENARIO DATA.csv --params ...` (docs/calibration.md):
//! `fit.json` (estimates with their 95% intervals, the fit's RMSE, the number of
//! simulations, the tolerance schedule and the scenario's `inputs`), `posterior.csv` (the posterior
//! particles), `fitted.toml` (the scenario at the estimates) and `fit.png` /
//! `fit.svg`. The set is written into a temporary folder and replaces the result
//! folder as a whole.

use crate::decide::abc::{GenerationStats, StopReason};
use crate::decide::network_fit::{NetworkFit, METHOD};
use crate::decide::observations::Measure;
use crate::decide::uncertain::Uncertain;
use crate::error::{Result, WomError};
use crate::results::files::write_file;
use crate::results::fit::six_digits;
use crate::results::inputs::{input, ScenarioInput};
use crate::results::plots::{
    draw_legend, draw_marker, draw_title, plot_error, render, tick, with_legend_strip, Entry, Key,
    Marker, BAND_LABEL, FONT, PALETTE, SIZE,
};
use crate::results::staging::{self, Staging};
use crate::scenario::to_toml;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One key of `fit.json`.
#[derive(Debug, Serialize)]
pub struct ParamJson {
    /// The posterior median.
    pub estimate: f64,
    /// The posterior's 2.5% and 97.5% quantiles.
    pub ci95_low: f64,
    /// The posterior's 97.5% quantile.
    pub ci95_high: f64,
    /// The prior, as in `[uncertain]`.
    pub prior: Uncertain,
    /// The prior's 2.5% and 97.5% quantiles.
    pub prior_ci95_low: f64,
    /// The prior's 97.5% quantile.
    pub prior_ci95_high: f64,
    /// The interval's width as a share of the prior's range: its support when
    /// bounded (a uniform's high − low, 1 for a share), else its 95% range.
    pub width_share_of_prior: f64,
}

/// `fit.json`.
#[derive(Debug, Serialize)]
pub struct FitJson {
    /// The scenario's title.
    pub scenario: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// The data file as given.
    pub data: String,
    /// The data's column: `new_conversions`, `conversions` or `adopters`.
    pub measure: Measure,
    /// Steps compared (the data's rows).
    pub steps: usize,
    /// The inference method's name.
    pub method: &'static str,
    /// The fitted keys in the order `--params` gave them (the sampler's order,
    /// so the order that reproduces the fit).
    pub keys: Vec<String>,
    /// Per fitted key.
    pub params: BTreeMap<String, ParamJson>,
    /// RMSE of the fitted scenario's mean curve from the data, in the data's unit.
    pub rmse: f64,
    /// Replicates behind the fitted curve (the scenario's own, with its seed).
    pub fitted_replicates: usize,
    /// Simulations the fit ran.
    pub simulations: u64,
    /// Particles per generation.
    pub particles: usize,
    /// Simulations per particle.
    pub replicates_per_particle: usize,
    /// Quantile of the last generation's distances that sets the next tolerance.
    pub tolerance_quantile: f64,
    /// The most generations, the prior's included.
    pub max_generations: usize,
    /// Stop when a generation's acceptance rate would fall below this.
    pub min_acceptance: f64,
    /// The master seed.
    pub seed: u64,
    /// The posterior's tolerance (RMSE), null when the posterior is the prior.
    pub tolerance: Option<f64>,
    /// Why the sampler stopped.
    pub stop: StopReason,
    /// Every generation: tolerance schedule, candidates, simulations, acceptance
    /// rate, effective sample size.
    pub generations: Vec<GenerationStats>,
    /// The scenario fitted, with every assumption (its priors included).
    pub inputs: Vec<ScenarioInput>,
    /// The version of wom that wrote the file.
    pub wom_version: &'static str,
}

/// The contents of `fit.json`.
pub fn fit_json(fit: &NetworkFit) -> FitJson {
    let params = fit
        .estimates
        .iter()
        .map(|e| {
            let prior_width = prior_range(&e.prior);
            (
                e.key.clone(),
                ParamJson {
                    estimate: e.estimate,
                    ci95_low: e.ci95_low,
                    ci95_high: e.ci95_high,
                    prior: e.prior,
                    prior_ci95_low: e.prior_low,
                    prior_ci95_high: e.prior_high,
                    width_share_of_prior: (e.ci95_high - e.ci95_low) / prior_width,
                },
            )
        })
        .collect();
    FitJson {
        scenario: fit.scenario.title(),
        scenario_file: fit.scenario.origin.path.display().to_string(),
        data: fit.data.path.display().to_string(),
        measure: fit.data.measure,
        steps: fit.data.steps(),
        method: METHOD,
        keys: fit.estimates.iter().map(|e| e.key.clone()).collect(),
        params,
        rmse: fit.rmse,
        fitted_replicates: fit.curve.replicates,
        simulations: fit.abc.simulations,
        particles: fit.options.particles,
        replicates_per_particle: fit.options.replicates,
        tolerance_quantile: fit.options.quantile,
        max_generations: fit.options.generations,
        min_acceptance: fit.options.min_acceptance,
        seed: fit.options.seed,
        tolerance: fit.abc.tolerance(),
        stop: fit.abc.stop,
        generations: fit.abc.generations.clone(),
        inputs: vec![input("scenario", &fit.scenario)],
        wom_version: env!("CARGO_PKG_VERSION"),
    }
}

/// The width the intervals are compared with: the prior's support when it is
/// bounded, else its 2.5–97.5% range.
pub fn prior_range(prior: &Uncertain) -> f64 {
    let (low, high) = prior.support();
    if (high - low).is_finite() {
        high - low
    } else {
        prior.quantile(0.975) - prior.quantile(0.025)
    }
}

/// Write every file of `fit` as one set replacing `dir` (which
/// [`crate::results::run::prepare_output_dir`] has checked). Returns the file names.
pub fn write_network_fit(dir: &Path, fit: &NetworkFit) -> Result<Vec<PathBuf>> {
    struct Release<'a>(&'a Path);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            staging::release(self.0);
        }
    }
    staging::lock(dir)?;
    let _release = Release(dir);
    let stage = Staging::new(dir)?;
    let names = write_into(stage.path(), fit)
        .map_err(|e| staging::rename_in_error(e, stage.path(), dir))?;
    stage.commit()?;
    Ok(names.into_iter().map(|n| dir.join(n)).collect())
}

fn write_into(dir: &Path, fit: &NetworkFit) -> Result<Vec<&'static str>> {
    let json = serde_json::to_string_pretty(&fit_json(fit)).expect("fits serialise");
    write_file(&dir.join("fit.json"), format!("{json}\n").as_bytes())?;
    write_file(&dir.join("posterior.csv"), &posterior_csv(fit)?)?;
    write_file(&dir.join("fitted.toml"), fitted_toml(fit).as_bytes())?;
    figure(dir, fit)?;
    Ok(vec![
        "fit.json",
        "posterior.csv",
        "fitted.toml",
        "fit.png",
        "fit.svg",
    ])
}

/// `posterior.csv`: one row per particle of the posterior generation:
/// `particle`, one column per key, `weight`, `within` (simulations within the
/// tolerance), `distance` (their mean RMSE).
pub fn posterior_csv(fit: &NetworkFit) -> Result<Vec<u8>> {
    let err = |e: csv::Error| WomError::Runtime(format!("cannot write posterior.csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["particle".to_string()];
    header.extend(fit.estimates.iter().map(|e| e.key.clone()));
    header.extend(["weight", "within", "distance"].map(String::from));
    w.write_record(&header).map_err(err)?;
    for (i, p) in fit.abc.particles.iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(p.theta.iter().map(|v| v.to_string()));
        row.push(p.weight.to_string());
        row.push(p.within.to_string());
        row.push(p.distance.to_string());
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| WomError::Runtime(format!("cannot write posterior.csv: {e}")))
}

/// `fitted.toml`: the scenario with every fitted key at its estimate, headed by
/// comments that say where the values came from.
pub fn fitted_toml(fit: &NetworkFit) -> String {
    let mut head = format!(
        "# {} with {} fitted by `wom fit` (wom {}) to the {} steps of `{}` in {},\n\
         # by ABC-SMC ({} simulations; docs/calibration.md). Each value is its key's\n\
         # posterior median; the 95% intervals are:\n",
        fit.scenario.title(),
        fit.estimates
            .iter()
            .map(|e| e.key.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        env!("CARGO_PKG_VERSION"),
        fit.data.steps(),
        fit.data.measure.name(),
        fit.data.path.display(),
        fit.abc.simulations,
    );
    for e in &fit.estimates {
        head.push_str(&format!(
            "#   {} = {} (95% interval {} to {}; prior 95% range {} to {})\n",
            e.key,
            six_digits(e.estimate),
            six_digits(e.ci95_low),
            six_digits(e.ci95_high),
            six_digits(e.prior_low),
            six_digits(e.prior_high),
        ));
    }
    head.push_str(&format!(
        "# The medians are taken key by key: when keys trade off (posterior.csv holds the\n\
         # joint sample), their pair is one plausible point, not the only one. This\n\
         # scenario's mean curve is {} from the data (RMSE over {} replicates).\n\n",
        six_digits(fit.rmse),
        fit.curve.replicates
    ));
    head + &to_toml(&fit.fitted)
}

/// A short name for a dotted key: its last part.
fn short(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// Three significant digits.
fn sig3(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// Tick labels for parameter axes: up to three decimals, no trailing zeros.
fn fine(v: &f64) -> String {
    if v.abs() >= 100.0 {
        return tick(v);
    }
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn y_description(measure: Measure) -> &'static str {
    match measure {
        Measure::NewConversions => "new conversions per step (consumers)",
        Measure::Conversions => "conversions (consumers, cumulative)",
        Measure::Adopters => "adopters (consumers, cumulative)",
    }
}

/// `fit.png` / `fit.svg`: left, the data as points and the fitted scenario's mean
/// curve with its 5–95% band; right, the posterior particles against the prior's
/// range (the first two keys; with one key, each particle's value and distance).
fn figure(dir: &Path, fit: &NetworkFit) -> Result<()> {
    render(dir, "fit", |root| draw(root, fit), |root| draw(root, fit))
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, fit: &NetworkFit) -> Result<()> {
    root.fill(&WHITE).map_err(plot_error)?;
    let data_name = fit
        .data
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let estimates = fit
        .estimates
        .iter()
        .map(|e| {
            format!(
                "{} {} ({}–{})",
                short(&e.key),
                sig3(e.estimate),
                sig3(e.ci95_low),
                sig3(e.ci95_high)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let title = format!(
        "{} fitted to {data_name}: {estimates} (median, 95% interval)",
        fit.scenario.name
    );
    let body = draw_title(&root, &title, 26)?;
    let (left, right) = body.split_horizontally(SIZE.0 * 3 / 5);
    curves(&left, fit)?;
    posterior(&right, fit)?;
    root.present().map_err(plot_error)
}

fn curves<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, fit: &NetworkFit) -> Result<()> {
    let blue = PALETTE[0];
    let dark = RGBColor(30, 30, 30);
    let c = &fit.curve;
    let measure = fit.data.measure;
    let entries = [
        Entry::new(
            Key::Band(blue, 0.2),
            format!("fitted: {BAND_LABEL} at the estimates"),
        ),
        Entry::new(
            Key::Line(blue, 4),
            format!(
                "fitted: mean of {} replicates at the estimates",
                c.replicates
            ),
        ),
        Entry::new(
            Key::Mark(Marker::Disc, dark),
            format!("data: {}", measure.name()),
        ),
    ];
    let (plot, legend) = with_legend_strip(area, &entries, 17);
    let steps = c.mean.len();
    let x_max = (steps.saturating_sub(1) as f64).max(1.0) * 1.01;
    let y_max = (c
        .p95
        .iter()
        .chain(&c.mean)
        .chain(&fit.data.values)
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        * 1.05)
        .max(1.0);
    let mut chart = ChartBuilder::on(&plot)
        .caption("the data and the fitted scenario", (FONT, 22))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.3f64..x_max, 0f64..y_max)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("time step (step 0 = launch day)")
        .y_desc(y_description(measure))
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style((FONT, 17))
        .axis_desc_style((FONT, 19))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(plot_error)?;
    if c.replicates > 1 {
        let mut band: Vec<(f64, f64)> = c
            .p95
            .iter()
            .enumerate()
            .map(|(t, &v)| (t as f64, v))
            .collect();
        band.extend(c.p05.iter().enumerate().rev().map(|(t, &v)| (t as f64, v)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, blue.mix(0.2).filled())))
            .map_err(plot_error)?;
    }
    chart
        .draw_series(LineSeries::new(
            c.mean.iter().enumerate().map(|(t, &v)| (t as f64, v)),
            blue.stroke_width(4),
        ))
        .map_err(plot_error)?;
    chart
        .draw_series(
            fit.data
                .values
                .iter()
                .enumerate()
                .map(|(t, &v)| Circle::new((t as f64, v), 5, dark.filled())),
        )
        .map_err(plot_error)?;
    draw_legend(&legend, &entries, 17)
}

/// A particle's y coordinate in the posterior panel, by index.
type YOf<'a> = Box<dyn Fn(usize) -> f64 + 'a>;

fn posterior<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, fit: &NetworkFit) -> Result<()> {
    let blue = PALETTE[0];
    let red = PALETTE[3];
    let grey = PALETTE[7];
    let particles = &fit.abc.particles;
    let first = &fit.estimates[0];
    let range = |e: &crate::decide::network_fit::Estimate| {
        let (lo, hi) = (e.prior.quantile(0.001), e.prior.quantile(0.999));
        let pad = (hi - lo) * 0.02;
        (lo - pad)..(hi + pad)
    };
    let (y_key, y_range, y_of): (String, std::ops::Range<f64>, YOf<'_>) = match fit.estimates.get(1)
    {
        Some(second) => (
            second.key.clone(),
            range(second),
            Box::new(move |i| particles[i].theta[1]),
        ),
        None => {
            let top = particles.iter().map(|p| p.distance).fold(0.0, f64::max);
            (
                "distance of the particle's simulations (RMSE)".to_string(),
                0.0..(top * 1.05).max(1e-9),
                Box::new(move |i| particles[i].distance),
            )
        }
    };
    let generation = fit
        .abc
        .generations
        .iter()
        .rev()
        .find(|g| !g.abandoned)
        .map_or(0, |g| g.generation);
    let entries = [
        Entry::new(
            Key::Mark(Marker::Disc, blue),
            format!("posterior particles (generation {generation})"),
        ),
        Entry::new(Key::Mark(Marker::Diamond, red), "estimate (medians)"),
        Entry::new(Key::Dashed(grey, 2), "95% intervals"),
    ];
    let (plot, legend) = with_legend_strip(area, &entries, 17);
    let x_range = range(first);
    let mut chart = ChartBuilder::on(&plot)
        .caption("posterior over the prior's range", (FONT, 22))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(x_range.clone(), y_range.clone())
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc(first.key.as_str())
        .y_desc(y_key.as_str())
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&fine)
        .y_label_formatter(&fine)
        .label_style((FONT, 17))
        .axis_desc_style((FONT, 19))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(plot_error)?;
    chart
        .draw_series(
            (0..particles.len())
                .map(|i| Circle::new((particles[i].theta[0], y_of(i)), 3, blue.mix(0.35).filled())),
        )
        .map_err(plot_error)?;
    let mut dashed = vec![
        vec![
            (first.ci95_low, y_range.start),
            (first.ci95_low, y_range.end),
        ],
        vec![
            (first.ci95_high, y_range.start),
            (first.ci95_high, y_range.end),
        ],
    ];
    if let Some(second) = fit.estimates.get(1) {
        dashed.push(vec![
            (x_range.start, second.ci95_low),
            (x_range.end, second.ci95_low),
        ]);
        dashed.push(vec![
            (x_range.start, second.ci95_high),
            (x_range.end, second.ci95_high),
        ]);
    }
    for line in dashed {
        chart
            .draw_series(DashedLineSeries::new(line, 8, 6, grey.stroke_width(2)))
            .map_err(plot_error)?;
    }
    let y_estimate = fit.estimates.get(1).map_or(
        particles.iter().map(|p| p.distance).sum::<f64>() / particles.len() as f64,
        |s| s.estimate,
    );
    let at = chart.backend_coord(&(first.estimate, y_estimate));
    draw_marker(&plot, at, Marker::Diamond, red, 8)?;
    draw_legend(&legend, &entries, 17)
}
