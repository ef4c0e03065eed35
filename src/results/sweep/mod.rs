//! The files of `wom sweep` (docs/decisions.md): `sweep.csv` (one row per point),
//! `sweep.json` (the same with the metric, the reference scenario, pairing,
//! overrides, version and seed) and `sweep.png` / `.svg`: the metric against one
//! key with its 95% CI band, or a heat map over two keys (of `p_better` with a
//! reference scenario, else of the metric) with a colour bar. Every file is
//! written atomically; numbers are printed with the shortest round-trip text (as
//! `summary.json` prints them), so a point's mean reads the same in both files.
//!
//! The two figures are in `line.rs` (one key) and `heat_map.rs` (two keys).

mod heat_map;
mod line;

use crate::decide::evaluate::Metric;
use crate::error::Result;
use crate::results::files;
use crate::results::plots::tick;
use heat_map::heat_map;
use line::line_figure;
use serde::Serialize;
use std::path::Path;

/// The reference scenario of `--against`.
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    /// The reference scenario's name.
    pub name: String,
    /// Its file, as given on the command line.
    pub file: String,
    /// Its mean metric (null for ROI without a cost).
    pub metric_mean: Option<f64>,
    /// Lower bound of the 95% CI of its metric.
    pub metric_ci95_low: Option<f64>,
    /// Upper bound of the 95% CI of its metric.
    pub metric_ci95_high: Option<f64>,
    /// Its mean final conversions.
    pub conversions_mean: f64,
    /// Its cost, in the sweep's currency.
    pub cost: f64,
    /// Its ROI, as `summary.json` computes it; null without a cost.
    pub roi_mean: Option<f64>,
}

/// One point of the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// 0, 1, …: the first key slowest.
    pub point: usize,
    /// The varied keys' values, in the order of `keys`.
    pub values: Vec<toml::Value>,
    /// Mean final conversions over replicates.
    pub conversions_mean: f64,
    /// Lower bound of the 95% CI of `conversions_mean`.
    pub conversions_ci95_low: f64,
    /// Upper bound of the 95% CI of `conversions_mean`.
    pub conversions_ci95_high: f64,
    /// Mean final adopters.
    pub adopters_mean: f64,
    /// Mean final aware consumers.
    pub aware_mean: f64,
    /// The point's cost, in the sweep's currency.
    pub cost: f64,
    /// (value × mean conversions − cost) / cost, as `summary.json`; null without a cost.
    pub roi_mean: Option<f64>,
    /// The metric's mean and 95% CI (null for ROI without a cost).
    pub metric_mean: Option<f64>,
    /// Lower bound of the metric's 95% CI.
    pub metric_ci95_low: Option<f64>,
    /// Upper bound of the metric's 95% CI.
    pub metric_ci95_high: Option<f64>,
    /// This point's metric − the reference's (with `--against`).
    pub diff_mean: Option<f64>,
    /// Lower bound of the difference's 95% CI (paired or Welch).
    pub diff_ci95_low: Option<f64>,
    /// Upper bound of the difference's 95% CI.
    pub diff_ci95_high: Option<f64>,
    /// Share of replicates in which this point beats the reference.
    pub p_better: Option<f64>,
    /// Share of replicates in which they tie.
    pub ties: Option<f64>,
    /// Paired replicate by replicate (else Welch).
    pub paired: Option<bool>,
    /// Why the point is not paired with the reference (null when it is).
    pub unpaired_reason: Option<String>,
}

/// Everything `sweep.json` holds.
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    /// The version of wom that wrote the file.
    pub wom_version: &'static str,
    /// The swept scenario's name.
    pub scenario: String,
    /// Its file, as given on the command line.
    pub file: String,
    /// What the points are judged by.
    pub metric: Metric,
    /// The varied keys, first (slowest) first.
    pub keys: Vec<String>,
    /// The master seed, the same at every point.
    pub seed: u64,
    /// Replicates per point.
    pub replicates: u32,
    /// Steps per replicate.
    pub steps: u32,
    /// Command-line overrides applied to every point (and to the reference).
    pub overrides: Vec<String>,
    /// The currency of every cost and profit (the points and the reference share
    /// it); null when the scenario names none (money in "units").
    pub currency: Option<String>,
    /// The population was built once for every point (no varied key changes it).
    pub population_built_once: bool,
    /// The reference scenario of `--against` (null without one).
    pub against: Option<Against>,
    /// Every point, the first key slowest.
    pub points: Vec<Point>,
    /// The scenario (and the reference with `--against`): every resolved
    /// parameter and its source.
    pub inputs: Vec<crate::results::inputs::ScenarioInput>,
    /// Wall-clock seconds (the only field that changes between identical runs).
    pub seconds: f64,
}

/// Shortest round-trip text of a number (as serde_json writes it); empty when
/// absent or not finite.
pub fn number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => serde_json::to_string(&v).expect("finite numbers serialise"),
        _ => String::new(),
    }
}

/// A key's value as a CSV cell: numbers as in `--set`, strings bare.
pub fn value_cell(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => number(Some(*f)),
        toml::Value::String(s) => s.clone(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// `sweep.csv`.
pub fn csv(report: &SweepReport) -> String {
    let with_against = report.against.is_some();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(report.keys.iter().cloned());
    header.extend(
        [
            "conversions_mean",
            "conversions_ci95_low",
            "conversions_ci95_high",
            "adopters_mean",
            "aware_mean",
            "cost",
            "roi_mean",
        ]
        .map(String::from),
    );
    if with_against {
        header
            .extend(["diff_mean", "diff_ci95_low", "diff_ci95_high", "p_better"].map(String::from));
    }
    w.write_record(&header).expect("writing to memory");
    for p in &report.points {
        let mut row = vec![p.point.to_string()];
        row.extend(p.values.iter().map(value_cell));
        row.extend(
            [
                Some(p.conversions_mean),
                Some(p.conversions_ci95_low),
                Some(p.conversions_ci95_high),
                Some(p.adopters_mean),
                Some(p.aware_mean),
                Some(p.cost),
                p.roi_mean,
            ]
            .map(number),
        );
        if with_against {
            row.extend([p.diff_mean, p.diff_ci95_low, p.diff_ci95_high, p.p_better].map(number));
        }
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}

/// Write `sweep.csv`, `sweep.json` and the figure as the folder `dir`, replacing
/// it as a whole ([`crate::results::staging::write_staged`]).
pub fn write(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
    crate::results::staging::write_staged(dir, |stage| write_into(stage, report, title))
}

fn write_into(dir: &Path, report: &SweepReport, title: &str) -> Result<()> {
    files::write_file(&dir.join("sweep.csv"), csv(report).as_bytes())?;
    let json = serde_json::to_string_pretty(report).expect("reports serialise");
    files::write_file(&dir.join("sweep.json"), format!("{json}\n").as_bytes())?;
    if report.keys.len() == 1 {
        line_figure(dir, report, title)
    } else {
        heat_map(dir, report, title)
    }
}

impl SweepReport {
    /// The label of its money: its currency, or "units".
    pub fn unit(&self) -> &str {
        crate::scenario::money_unit(self.currency.as_deref())
    }

    /// The axis label of its key `i`, with the currency when the key is money.
    pub fn key_label(&self, i: usize) -> String {
        crate::scenario::field_label(&self.keys[i], self.unit())
    }
}

/// The metric's axis label, money in `unit`.
pub fn metric_label(metric: Metric, unit: &str) -> String {
    match metric {
        Metric::Conversions => "conversions (consumers)".into(),
        Metric::Roi => "ROI ((value − cost) / cost)".into(),
        Metric::Profit => format!("profit ({unit})"),
    }
}

/// Tick text of a key's value: up to four significant decimals.
pub fn axis_number(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract() == 0.0 {
        return tick(&v);
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{v:.digits$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_summary_json_does() {
        assert_eq!(number(Some(12.0)), "12.0");
        assert_eq!(number(Some(185.932)), "185.932");
        assert_eq!(number(None), "");
        assert_eq!(number(Some(f64::NAN)), "");
        assert_eq!(value_cell(&toml::Value::Float(0.1)), "0.1");
        assert_eq!(value_cell(&toml::Value::Integer(500)), "500");
        assert_eq!(axis_number(0.05), "0.05");
        assert_eq!(axis_number(1500.0), "1,500");
    }
}
