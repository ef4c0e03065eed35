//! Reproductions of published diffusion results (`wom reproduce NAME`): the
//! registry of experiments, their shared helpers, and their tables and files.
//!
//! Each experiment (one module each) starts from a scenario in
//! `scenarios/validation/`, varies one parameter with overrides, runs the replicates
//! in memory and sets the simulated estimates (with standard errors) beside the
//! formula from [`crate::reproduce::theory`]. The same functions back the tests in
//! `tests/validation.rs`, at smaller sizes.

use crate::error::{Result, WomError};
use crate::results::aggregate::num;
use crate::results::files;
use crate::results::plots::{self, PointSeries, ValidationLayout};
use crate::scenario::{self, Override, Scenario};
use crate::sim::runner::{simulate_in_memory, ReplicateResult};
use crate::statistics;
use std::path::Path;

mod bass;
mod bass_ring;
mod configuration_hubs;
mod er_percolation;
mod kkt_submodular;
mod miller_trust;
pub mod theory;
mod watts_window;

/// The experiments, by name.
pub const EXPERIMENTS: [&str; 7] = [
    "er-percolation",
    "configuration-hubs",
    "miller-trust",
    "watts-window",
    "bass",
    "bass-ring",
    "kkt-submodular",
];

/// Size of an experiment: `None` keeps the scenario's value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scale {
    /// Replicates per point.
    pub replicates: Option<u32>,
    /// Consumers.
    pub nodes: Option<u32>,
}

/// One comparison of simulation with theory.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What is compared, e.g. "P(large outbreak)".
    pub quantity: String,
    /// The parameter value of this row, e.g. "T = 0.4".
    pub setting: String,
    /// Where the row is drawn on the figure's x axis.
    pub x: f64,
    /// The simulated estimate.
    pub simulated: f64,
    /// Standard error of `simulated`.
    pub se: f64,
    /// The value theory predicts.
    pub theory: f64,
}

/// The result of one experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The experiment's name, one of [`EXPERIMENTS`].
    pub name: &'static str,
    /// The figure's title.
    pub title: String,
    /// Descriptions of the x axis and of the (left panel's) y axis.
    pub axes: (String, String),
    /// A categorical x axis or a second panel, when the figure needs one.
    pub layout: ValidationLayout,
    /// The comparisons, in the order of the tables.
    pub rows: Vec<Row>,
    /// Theory curves for the figure.
    pub curves: Vec<(String, Vec<(f64, f64)>)>,
    /// Rows of these quantities are drawn as points (others only tabulated).
    pub plotted: Vec<String>,
}

fn load(dir: &Path, file: &str, scale: Scale, mut overrides: Vec<Override>) -> Result<Scenario> {
    if let Some(r) = scale.replicates {
        overrides.insert(
            0,
            Override::new("simulation.replicates", toml::Value::Integer(i64::from(r))),
        );
    }
    if let Some(n) = scale.nodes {
        overrides.insert(
            0,
            Override::new("population.nodes", toml::Value::Integer(i64::from(n))),
        );
    }
    scenario::load(&dir.join(file), &overrides)
}

fn set(key: &str, value: f64) -> Override {
    Override::new(key, toml::Value::Float(value))
}

fn set_int(key: &str, value: i64) -> Override {
    Override::new(key, toml::Value::Integer(value))
}

fn simulate(s: &Scenario) -> Result<(u64, Vec<ReplicateResult>)> {
    let (built, results) = simulate_in_memory(s)?;
    Ok((built.nodes, results))
}

/// Mean and standard error.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let m = statistics::mean(values);
    if values.len() < 2 {
        return (m, 0.0);
    }
    (
        m,
        (statistics::variance(values, m) / values.len() as f64).sqrt(),
    )
}

/// Share of replicates with a large outbreak (final adopters above `cut` · n), its
/// standard error, and the mean final share of those outbreaks with its se.
fn outbreaks(results: &[ReplicateResult], nodes: u64, cut: f64) -> ((f64, f64), (f64, f64)) {
    let n = nodes as f64;
    let shares: Vec<f64> = results
        .iter()
        .map(|r| f64::from(r.outcome.adopters) / n)
        .collect();
    let large: Vec<f64> = shares.iter().copied().filter(|&s| s > cut).collect();
    let p = large.len() as f64 / shares.len() as f64;
    let p_se = (p * (1.0 - p) / shares.len() as f64).sqrt();
    let size = if large.is_empty() {
        (0.0, 0.0)
    } else {
        mean_se(&large)
    };
    ((p, p_se), size)
}

fn row(quantity: &str, setting: String, x: f64, (simulated, se): (f64, f64), theory: f64) -> Row {
    Row {
        quantity: quantity.to_string(),
        setting,
        x,
        simulated,
        se,
        theory,
    }
}

fn curve(from: f64, to: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..=200)
        .map(|i| from + (to - from) * f64::from(i) / 200.0)
        .map(|x| (x, f(x)))
        .collect()
}

/// Run experiment `name` with scenarios from `dir` (normally `scenarios/validation`).
pub fn run(name: &str, dir: &Path, scale: Scale) -> Result<Experiment> {
    match name {
        "er-percolation" => er_percolation::run(dir, scale),
        "configuration-hubs" => configuration_hubs::run(dir, scale),
        "miller-trust" => miller_trust::run(dir, scale),
        "watts-window" => watts_window::run(dir, scale),
        "bass" => bass::run(dir, scale),
        "bass-ring" => bass_ring::run(dir, scale),
        "kkt-submodular" => kkt_submodular::run(dir, scale),
        other => Err(WomError::input(
            crate::error::Diagnostic::new(format!(
                "no experiment \"{other}\"; allowed: {}",
                EXPERIMENTS.join(", ")
            ))
            .field("NAME"),
        )),
    }
}

fn mean_degree_of(s: &Scenario) -> f64 {
    match s.population {
        crate::scenario::PopulationSpec::ErdosRenyi { mean_degree, .. } => mean_degree,
        _ => f64::NAN,
    }
}

/// Mean adopted share after each step, over replicates.
fn mean_curve(results: &[ReplicateResult], nodes: u64) -> Vec<f64> {
    let steps = results.first().map_or(0, |r| r.curve.len());
    (0..steps)
        .map(|t| {
            results
                .iter()
                .map(|r| f64::from(r.curve[t].adopters))
                .sum::<f64>()
                / (results.len() as f64 * nodes as f64)
        })
        .collect()
}

/// `validation.csv` of an experiment.
pub fn table_csv(e: &Experiment) -> String {
    let mut out =
        String::from("quantity,setting,simulated,standard_error,theory,difference_in_se\n");
    for r in &e.rows {
        let z = if r.se > 0.0 {
            (r.simulated - r.theory) / r.se
        } else {
            f64::NAN
        };
        let cell = |v: f64| if v.is_finite() { num(v) } else { String::new() };
        out.push_str(&format!(
            "\"{}\",\"{}\",{},{},{},{}\n",
            r.quantity,
            r.setting,
            cell(r.simulated),
            cell(r.se),
            cell(r.theory),
            cell(z)
        ));
    }
    out
}

/// A Markdown table of an experiment, as in docs/validation.md.
pub fn table_markdown(e: &Experiment) -> String {
    let mut out =
        String::from("| quantity | setting | wom (± se) | theory |\n| --- | --- | --- | --- |\n");
    for r in &e.rows {
        let sim = if r.simulated.is_finite() {
            format!("{:.4} ± {:.4}", r.simulated, r.se)
        } else {
            "—".into()
        };
        // A `|` inside a cell would end it.
        let cell = |text: &str| text.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | {} | {} | {:.4} |\n",
            cell(&r.quantity),
            cell(&r.setting),
            sim,
            r.theory
        ));
    }
    out
}

/// Write `validation.csv`, `validation.md` and the figure into `dir`.
pub fn write(e: &Experiment, dir: &Path) -> Result<()> {
    files::write_file(&dir.join("validation.csv"), table_csv(e).as_bytes())?;
    files::write_file(&dir.join("validation.md"), table_markdown(e).as_bytes())?;
    let points: Vec<PointSeries> = e
        .plotted
        .iter()
        .map(|q| PointSeries {
            name: q.clone(),
            points: e
                .rows
                .iter()
                .filter(|r| &r.quantity == q && r.simulated.is_finite())
                .map(|r| (r.x, r.simulated, r.se))
                .collect(),
        })
        .collect();
    plots::validation(
        dir,
        "validation",
        &e.title,
        (&e.axes.0, &e.axes.1),
        &e.layout,
        &e.curves,
        &points,
    )
}
