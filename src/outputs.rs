//! Aggregates over replicates and the files a run writes (SPEC §4).
//!
//! Every file is written to a temporary name in the output folder and renamed into
//! place only when complete ([`AtomicFile`]), so a failed run leaves no half-written
//! file. Numbers are printed with Rust's shortest round-trip formatting and rows in
//! replicate order, so files are byte-identical for any thread count.

use crate::engine::{ReplicateOutcome, StepCounts};
use crate::error::{Result, WomError};
use crate::scenario::Scenario;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file that appears under its name only once [`AtomicFile::commit`] succeeds.
pub struct AtomicFile {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<Self> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = target.with_file_name(format!(".{name}.partial"));
        let file = File::create(&temp).map_err(|e| write_error(&temp, e))?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("not yet committed")
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("committed once");
        let file = writer
            .into_inner()
            .map_err(|e| write_error(&self.temp, e.into_error()))?;
        file.sync_all().map_err(|e| write_error(&self.temp, e))?;
        std::fs::rename(&self.temp, &self.target).map_err(|e| write_error(&self.target, e))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

pub fn write_error(path: &Path, e: std::io::Error) -> WomError {
    WomError::Runtime(format!("cannot write {}: {e}", path.display()))
}

/// Write a whole file atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.writer()
        .write_all(bytes)
        .map_err(|e| write_error(path, e))?;
    f.commit()
}

/// Mean, standard deviation, 95% CI of the mean, and percentiles of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub std: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

impl Summary {
    /// Summarise `values` (sorted in place). The CI is mean ± 1.96 · std / √n
    /// (normal approximation); std uses n − 1.
    pub fn of(values: &mut [f64]) -> Summary {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = if values.len() > 1 {
            values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let std = var.sqrt();
        let half = 1.96 * std / n.sqrt();
        values.sort_by(f64::total_cmp);
        Summary {
            mean,
            std,
            ci95_low: mean - half,
            ci95_high: mean + half,
            p05: percentile(values, 0.05),
            p50: percentile(values, 0.50),
            p95: percentile(values, 0.95),
        }
    }
}

/// A number for a CSV cell: rounded to 9 decimals (hiding float noise such as
/// 164.04999999999995) and printed without trailing zeros.
pub fn num(v: f64) -> String {
    let rounded = (v * 1e9).round() / 1e9;
    let text = format!("{rounded:.9}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Percentile of sorted values by linear interpolation between order statistics
/// (numpy's default, Hyndman & Fan type 7).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Collects replicate results in replicate order.
///
/// Keeps, per replicate, its final values and its conversions and awareness per step
/// (8 bytes a step), which the percentile bands need; everything else is summed as
/// it streams past.
pub struct Aggregator {
    steps: usize,
    recruited: u32,
    sums: Vec<[f64; 5]>,
    conversions: Vec<u32>,
    aware: Vec<u32>,
    outcomes: Vec<ReplicateOutcome>,
}

impl Aggregator {
    pub fn new(steps: u32, recruited: u32) -> Self {
        Aggregator {
            steps: steps as usize,
            recruited,
            sums: vec![[0.0; 5]; steps as usize],
            conversions: Vec::new(),
            aware: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    /// Add the next replicate (in order).
    pub fn push(&mut self, curve: &[StepCounts], outcome: ReplicateOutcome) {
        for (sum, c) in self.sums.iter_mut().zip(curve) {
            sum[0] += f64::from(c.adopters);
            sum[1] += f64::from(c.conversions);
            sum[2] += f64::from(c.new_conversions);
            sum[3] += f64::from(c.aware);
            sum[4] += f64::from(c.active_advocates);
        }
        self.conversions.extend(curve.iter().map(|c| c.conversions));
        self.aware.extend(curve.iter().map(|c| c.aware));
        self.outcomes.push(outcome);
    }

    /// The number of recruited advocates (adopters who are not conversions).
    pub fn set_recruited(&mut self, recruited: u32) {
        self.recruited = recruited;
    }

    pub fn replicates(&self) -> usize {
        self.outcomes.len()
    }

    pub fn outcomes(&self) -> &[ReplicateOutcome] {
        &self.outcomes
    }

    /// `curves.csv`: one row per step.
    pub fn curves_csv(&self) -> String {
        let r = self.outcomes.len();
        let mut out = String::from(
            "step,adopters_mean,adopters_p05,adopters_p50,adopters_p95,conversions_mean,conversions_p05,conversions_p50,conversions_p95,new_conversions_mean,aware_mean,aware_p05,aware_p50,aware_p95,active_advocates_mean\n",
        );
        let mut column = vec![0f64; r];
        let recruited = f64::from(self.recruited);
        for (t, sum) in self.sums.iter().enumerate() {
            let mean = |i: usize| sum[i] / r as f64;
            let mut bands = |data: &[u32]| {
                for (i, slot) in column.iter_mut().enumerate() {
                    *slot = f64::from(data[i * self.steps + t]);
                }
                column.sort_by(f64::total_cmp);
                [
                    percentile(&column, 0.05),
                    percentile(&column, 0.50),
                    percentile(&column, 0.95),
                ]
            };
            let conv = bands(&self.conversions);
            let aware = bands(&self.aware);
            let cells = [
                mean(0),
                conv[0] + recruited,
                conv[1] + recruited,
                conv[2] + recruited,
                mean(1),
                conv[0],
                conv[1],
                conv[2],
                mean(2),
                mean(3),
                aware[0],
                aware[1],
                aware[2],
                mean(4),
            ];
            out.push_str(&t.to_string());
            for cell in cells {
                out.push(',');
                out.push_str(&num(cell));
            }
            out.push('\n');
        }
        out
    }

    /// Summary of one final metric over replicates.
    pub fn final_summary(&self, metric: impl Fn(&ReplicateOutcome) -> u32) -> Summary {
        let mut values: Vec<f64> = self.outcomes.iter().map(|o| f64::from(metric(o))).collect();
        Summary::of(&mut values)
    }
}

/// The header of `replicates.csv`.
pub const REPLICATES_HEADER: &str =
    "replicate,adopters,conversions,aware,from_influencer,from_advocates,from_word_of_mouth,from_organic,peak_step\n";

/// One row of `replicates.csv`.
pub fn replicate_row(
    out: &mut impl Write,
    replicate: u64,
    o: &ReplicateOutcome,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{replicate},{},{},{},{},{},{},{},{}",
        o.adopters, o.conversions, o.aware, o.from[0], o.from[1], o.from[2], o.from[3], o.peak_step
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct Finals {
    pub adopters: Summary,
    pub conversions: Summary,
    pub aware: Summary,
}

/// Share of all conversions by source (0 when there are none).
#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    pub influencer: f64,
    pub advocates: f64,
    pub word_of_mouth: f64,
    pub organic: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Economics {
    /// Influencer fee plus incentives for the recruited advocates.
    pub cost: f64,
    pub influencer_fee: f64,
    pub advocate_incentives: f64,
    pub recruited_advocates: u32,
    pub value_per_conversion: f64,
    /// Cost over mean conversions; null when there are none.
    pub cost_per_conversion: Option<f64>,
    /// (value of mean conversions − cost) / cost; null when the cost is 0.
    pub roi: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub build_seconds: f64,
    pub simulate_seconds: f64,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub wom_version: &'static str,
    pub seed: u64,
    pub replicates: u32,
    pub steps: u32,
    pub nodes: u64,
    pub ties: u64,
    /// Whether every replicate ran on its own freshly generated graph.
    pub new_graph_each_replicate: bool,
    #[serde(rename = "final")]
    pub finals: Finals,
    pub attribution: Attribution,
    pub economics: Economics,
    pub timing: Timing,
    pub resolved_scenario: Scenario,
}

impl RunSummary {
    pub fn new(
        scenario: &Scenario,
        agg: &Aggregator,
        nodes: u64,
        ties: u64,
        recruited: u32,
        timing: Timing,
    ) -> Self {
        let finals = Finals {
            adopters: agg.final_summary(|o| o.adopters),
            conversions: agg.final_summary(|o| o.conversions),
            aware: agg.final_summary(|o| o.aware),
        };
        let mut totals = [0f64; 4];
        for o in agg.outcomes() {
            for (t, &f) in totals.iter_mut().zip(&o.from) {
                *t += f64::from(f);
            }
        }
        let all: f64 = totals.iter().sum();
        let share = |x: f64| if all > 0.0 { x / all } else { 0.0 };
        let fee = scenario.influencer.as_ref().map_or(0.0, |i| i.fee);
        let incentives = scenario
            .advocates
            .as_ref()
            .map_or(0.0, |a| a.incentive * f64::from(recruited));
        let cost = fee + incentives;
        let mean_conversions = finals.conversions.mean;
        let value = scenario.economics.value_per_conversion;
        RunSummary {
            scenario: scenario.name.clone(),
            wom_version: env!("CARGO_PKG_VERSION"),
            seed: scenario.simulation.seed,
            replicates: scenario.simulation.replicates,
            steps: scenario.simulation.steps,
            nodes,
            ties,
            new_graph_each_replicate: scenario.simulation.new_graph_each_replicate,
            attribution: Attribution {
                influencer: share(totals[0]),
                advocates: share(totals[1]),
                word_of_mouth: share(totals[2]),
                organic: share(totals[3]),
            },
            economics: Economics {
                cost,
                influencer_fee: fee,
                advocate_incentives: incentives,
                recruited_advocates: recruited,
                value_per_conversion: value,
                cost_per_conversion: (mean_conversions > 0.0).then(|| cost / mean_conversions),
                roi: (cost > 0.0).then(|| (value * mean_conversions - cost) / cost),
            },
            finals,
            timing,
            resolved_scenario: scenario.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), 2.5);
        assert!((percentile(&v, 0.05) - 1.15).abs() < 1e-12);
        assert!((percentile(&v, 0.95) - 3.85).abs() < 1e-12);
        assert_eq!(percentile(&[7.0], 0.95), 7.0);
    }

    #[test]
    fn numbers_hide_float_noise() {
        assert_eq!(num(164.04999999999995), "164.05");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.0), "0");
    }

    #[test]
    fn summary_of_a_constant_has_a_zero_width_ci() {
        let s = Summary::of(&mut [3.0, 3.0, 3.0]);
        assert_eq!(
            (s.mean, s.std, s.ci95_low, s.ci95_high),
            (3.0, 0.0, 3.0, 3.0)
        );
    }

    #[test]
    fn atomic_file_leaves_nothing_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.csv");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_file(&target, b"whole").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
