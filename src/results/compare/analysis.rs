//! The comparison's numbers, from the run folders' `replicates.csv`: each
//! scenario's estimates, whether it is paired with the first, and its differences
//! from the first (paired replicate by replicate, or Welch).

use crate::error::{Result, WomError};
use crate::results::channels::ChannelRow;
use crate::results::inputs::{input, ScenarioInput};
use crate::results::run::RunResult;
use crate::scenario::Scenario;
use crate::statistics::{mean, variance, Z95};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The sample mean.
    pub mean: f64,
    /// Lower bound of the 95% CI (normal approximation).
    pub ci95_low: f64,
    /// Upper bound of the 95% CI.
    pub ci95_high: f64,
}

/// Mean and normal-approximation 95% CI of `values`: mean ± [`Z95`] · √(s² / n),
/// s² the sample variance ([`variance`], n − 1). `None` for no values.
pub fn estimate(values: &[f64]) -> Option<Estimate> {
    let n = values.len() as f64;
    if values.is_empty() {
        return None;
    }
    let mean = mean(values);
    let half = Z95 * (variance(values, mean) / n).sqrt();
    Some(Estimate {
        mean,
        ci95_low: mean - half,
        ci95_high: mean + half,
    })
}

/// One row of `replicates.csv`, the values a comparison needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplicateRecord {
    /// Final conversions.
    pub conversions: f64,
    /// Final number of aware consumers.
    pub aware: f64,
    /// First step by which half of the final conversions had happened; `None`
    /// without conversions.
    pub half_step: Option<f64>,
}

/// Read the columns a comparison needs from a `replicates.csv` (by header name,
/// through the `csv` crate; other columns are ignored).
pub fn read_replicates(path: &Path) -> Result<Vec<ReplicateRecord>> {
    #[derive(serde::Deserialize)]
    struct Row {
        conversions: f64,
        aware: f64,
        half_step: Option<f64>,
    }
    let bad = |what: String| WomError::Runtime(format!("{}: {what}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    reader
        .deserialize::<Row>()
        .map(|row| {
            let row = row.map_err(|e| bad(e.to_string()))?;
            Ok(ReplicateRecord {
                conversions: row.conversions,
                aware: row.aware,
                half_step: row.half_step,
            })
        })
        .collect()
}

/// A difference against the first scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// This scenario's mean minus the first's.
    pub mean: f64,
    /// The interval used: paired when the scenarios are paired, else unpaired.
    pub ci95_low: f64,
    /// Upper bound of the interval used.
    pub ci95_high: f64,
    /// Replicate-by-replicate interval (meaningful only when paired; `None` when
    /// the replicate counts differ).
    pub paired_ci95_low: Option<f64>,
    /// Upper bound of the replicate-by-replicate interval.
    pub paired_ci95_high: Option<f64>,
    /// Welch interval that ignores pairing.
    pub unpaired_ci95_low: f64,
    /// Upper bound of the Welch interval.
    pub unpaired_ci95_high: f64,
}

fn difference(first: &[f64], other: &[f64], paired: bool) -> Difference {
    let (ma, mb) = (mean(first), mean(other));
    let unpaired_half = Z95
        * (variance(first, ma) / first.len() as f64 + variance(other, mb) / other.len() as f64)
            .sqrt();
    let by_replicate = (first.len() == other.len()).then(|| {
        let d: Vec<f64> = other.iter().zip(first).map(|(b, a)| b - a).collect();
        estimate(&d).expect("non-empty")
    });
    let (low, high) = match (paired, by_replicate) {
        (true, Some(e)) => (e.ci95_low, e.ci95_high),
        _ => (mb - ma - unpaired_half, mb - ma + unpaired_half),
    };
    Difference {
        mean: mb - ma,
        ci95_low: low,
        ci95_high: high,
        paired_ci95_low: by_replicate.map(|e| e.ci95_low),
        paired_ci95_high: by_replicate.map(|e| e.ci95_high),
        unpaired_ci95_low: mb - ma - unpaired_half,
        unpaired_ci95_high: mb - ma + unpaired_half,
    }
}

/// A scenario against the first one of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersusFirst {
    /// Difference in final conversions.
    pub conversions: Difference,
    /// Difference in final awareness.
    pub aware: Difference,
    /// Difference in ROI; `None` when either scenario costs nothing.
    pub roi: Option<Difference>,
    /// Share of replicates in which this scenario converts more than the first
    /// (replicate r against replicate r).
    pub beats_first_share: f64,
    /// Share of replicates in which it converts exactly as many as the first.
    pub ties_share: f64,
}

/// One scenario's line of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioComparison {
    /// The scenario's name.
    pub name: String,
    /// The scenario file's stem.
    pub stem: String,
    /// Its run folder, under the comparison folder.
    pub folder: PathBuf,
    /// Replicates read from its `replicates.csv`.
    pub replicates: usize,
    /// Same population, seed and replicates as the first scenario.
    pub paired_with_first: bool,
    /// Why it is not paired with the first scenario (null when it is, and for the
    /// first scenario itself).
    pub unpaired_reason: Option<String>,
    /// Final conversions: mean and 95% CI over replicates.
    pub conversions: Estimate,
    /// Final awareness: mean and 95% CI over replicates.
    pub aware: Estimate,
    /// The campaign's cost, in the scenarios' currency.
    pub cost: f64,
    /// cost / conversions; the CI maps the conversions CI (null bound when it
    /// reaches 0).
    pub cost_per_conversion: Option<(f64, Option<f64>, Option<f64>)>,
    /// (value × conversions − cost) / cost per replicate, mean and 95% CI; `None`
    /// when the cost is 0.
    pub roi: Option<Estimate>,
    /// Steps until half of the replicate's final conversions, over replicates with
    /// any conversion.
    pub steps_to_half: Option<Estimate>,
    /// Conversions per 1,000 of the currency spent (the conversions estimate
    /// scaled); `None` when the cost is 0.
    pub conversions_per_1000: Option<Estimate>,
    /// Against the first scenario; `None` for the first itself.
    pub versus_first: Option<VersusFirst>,
    /// The scenario's channels (as in its `channels.csv`), for scenarios with
    /// several; empty otherwise.
    pub channels: Vec<ChannelRow>,
}

/// `comparison.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The version of wom that wrote the file.
    pub wom_version: &'static str,
    /// Command-line overrides applied to every scenario (`key=value`, in order).
    pub overrides: Vec<String>,
    /// The currency of every cost and ROI (the scenarios share it); null when the
    /// scenarios name none (money in "units").
    pub currency: Option<String>,
    /// One line per scenario, in the order given.
    pub scenarios: Vec<ScenarioComparison>,
    /// The scenario files (the first is the reference), every resolved parameter
    /// and its source.
    pub inputs: Vec<ScenarioInput>,
}

/// Whether scenario `b` is paired with `a` by common random numbers.
pub fn paired(a: &Scenario, b: &Scenario) -> bool {
    unpaired_reason(a, b).is_none()
}

/// Why scenario `b` is not paired with `a` (`None` when it is): every difference
/// in population, seed, replicate count or graph redrawing, in words.
pub fn unpaired_reason(a: &Scenario, b: &Scenario) -> Option<String> {
    let mut why = Vec::new();
    if a.population != b.population {
        why.push(format!(
            "the populations differ ({} vs {})",
            describe_population(a),
            describe_population(b)
        ));
    }
    if a.simulation.seed != b.simulation.seed {
        why.push(format!(
            "the seeds differ ({} vs {})",
            a.simulation.seed, b.simulation.seed
        ));
    }
    if a.simulation.replicates != b.simulation.replicates {
        why.push(format!(
            "the replicate counts differ ({} vs {})",
            a.simulation.replicates, b.simulation.replicates
        ));
    }
    if a.simulation.new_graph_each_replicate != b.simulation.new_graph_each_replicate {
        why.push("only one draws a new graph each replicate".to_string());
    }
    (!why.is_empty()).then(|| why.join("; "))
}

fn describe_population(s: &Scenario) -> String {
    let p = &s.population;
    match p.nodes() {
        Some(n) => format!("{} with {n} consumers", p.generator_name()),
        None => p.generator_name().to_string(),
    }
}

/// Compute the comparison from the run folders (and the run results for costs).
pub fn analyse(
    scenarios: &[Scenario],
    runs: &[RunResult],
    folders: &[PathBuf],
) -> Result<Comparison> {
    let records: Vec<Vec<ReplicateRecord>> = folders
        .iter()
        .map(|f| read_replicates(&f.join("replicates.csv")))
        .collect::<Result<_>>()?;
    let column = |i: usize, pick: fn(&ReplicateRecord) -> f64| -> Vec<f64> {
        records[i].iter().map(pick).collect()
    };
    let mut out = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        let conversions = column(i, |r| r.conversions);
        let aware = column(i, |r| r.aware);
        let cost = runs[i].summary.economics.cost;
        let value = s.economics.value_per_conversion;
        let roi_of = |c: &[f64]| -> Option<Vec<f64>> {
            (cost > 0.0).then(|| c.iter().map(|x| (value * x - cost) / cost).collect())
        };
        let conv = estimate(&conversions).expect("at least one replicate");
        let halves: Vec<f64> = records[i].iter().filter_map(|r| r.half_step).collect();
        let is_paired = i > 0 && paired(&scenarios[0], s);
        let versus_first = (i > 0).then(|| {
            let first_conv = column(0, |r| r.conversions);
            let first_aware = column(0, |r| r.aware);
            let first_cost = runs[0].summary.economics.cost;
            let first_value = scenarios[0].economics.value_per_conversion;
            let roi = match (roi_of(&conversions), first_cost > 0.0) {
                (Some(mine), true) => {
                    let theirs: Vec<f64> = first_conv
                        .iter()
                        .map(|x| (first_value * x - first_cost) / first_cost)
                        .collect();
                    Some(difference(&theirs, &mine, is_paired))
                }
                _ => None,
            };
            let n = conversions.len().min(first_conv.len());
            let wins = (0..n).filter(|&r| conversions[r] > first_conv[r]).count();
            let ties = (0..n).filter(|&r| conversions[r] == first_conv[r]).count();
            VersusFirst {
                conversions: difference(&first_conv, &conversions, is_paired),
                aware: difference(&first_aware, &aware, is_paired),
                roi,
                beats_first_share: wins as f64 / n as f64,
                ties_share: ties as f64 / n as f64,
            }
        });
        out.push(ScenarioComparison {
            name: s.name.clone(),
            stem: s.stem.clone(),
            folder: folders[i].clone(),
            replicates: conversions.len(),
            paired_with_first: is_paired,
            unpaired_reason: (i > 0).then(|| unpaired_reason(&scenarios[0], s)).flatten(),
            conversions: conv,
            aware: estimate(&aware).expect("at least one replicate"),
            cost,
            cost_per_conversion: (cost > 0.0 && conv.mean > 0.0).then(|| {
                let bound = |c: f64| (c > 0.0).then(|| cost / c);
                (
                    cost / conv.mean,
                    bound(conv.ci95_high),
                    bound(conv.ci95_low),
                )
            }),
            roi: roi_of(&conversions).and_then(|r| estimate(&r)),
            steps_to_half: estimate(&halves),
            conversions_per_1000: (cost > 0.0).then(|| {
                let k = 1000.0 / cost;
                Estimate {
                    mean: conv.mean * k,
                    ci95_low: conv.ci95_low * k,
                    ci95_high: conv.ci95_high * k,
                }
            }),
            versus_first,
            channels: match runs[i].summary.channels.len() {
                // One channel and organic: the scenario's own line says it all.
                0..=2 => Vec::new(),
                _ => runs[i].summary.channels.clone(),
            },
        });
    }
    Ok(Comparison {
        wom_version: env!("CARGO_PKG_VERSION"),
        overrides: scenarios
            .first()
            .map(Scenario::overrides)
            .unwrap_or_default(),
        currency: scenarios.first().and_then(|s| s.economics.currency.clone()),
        scenarios: out,
        inputs: scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| input(if i == 0 { "reference" } else { "scenario" }, s))
            .collect(),
    })
}
