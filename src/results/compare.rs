//! `wom compare`: run several scenarios and set them side by side.
//!
//! Each scenario runs into its own `run`-style folder; the comparison is then
//! computed from those folders' `replicates.csv` files (the single source of truth,
//! so anyone can recompute it). Scenarios that share the first one's population,
//! seed and replicate count are *paired*: replicate r of each ran on the same graph
//! with the same consumers (common random numbers), so differences are taken
//! replicate by replicate and their confidence intervals are tight.

use crate::error::{Diagnostic, Result, WomError};
use crate::results::aggregate::{self, num};
use crate::results::channels::ChannelRow;
use crate::results::inputs::{input, ScenarioInput};
use crate::results::plots::{self, ComparedSeries};
use crate::results::run::{self as runner, RunOptions, RunResult};
use crate::results::staging::{self, Staging};
use crate::scenario::Scenario;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// z for a two-sided 95% normal interval.
const Z95: f64 = 1.96;

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// Mean and normal-approximation 95% CI of `values` (n − 1 in the variance).
pub fn estimate(values: &[f64]) -> Option<Estimate> {
    let n = values.len() as f64;
    if values.is_empty() {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n;
    let half = Z95 * (variance(values, mean) / n).sqrt();
    Some(Estimate {
        mean,
        ci95_low: mean - half,
        ci95_high: mean + half,
    })
}

fn variance(values: &[f64], mean: f64) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (values.len() as f64 - 1.0)
}

/// One row of `replicates.csv`, the values a comparison needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplicateRecord {
    pub conversions: f64,
    pub aware: f64,
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
    pub mean: f64,
    /// The interval used: paired when the scenarios are paired, else unpaired.
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Replicate-by-replicate interval (meaningful only when paired).
    pub paired_ci95_low: Option<f64>,
    pub paired_ci95_high: Option<f64>,
    /// Welch interval that ignores pairing.
    pub unpaired_ci95_low: f64,
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

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersusFirst {
    pub conversions: Difference,
    pub aware: Difference,
    pub roi: Option<Difference>,
    /// Share of replicates in which this scenario converts more than the first
    /// (replicate r against replicate r).
    pub beats_first_share: f64,
    pub ties_share: f64,
}

/// One scenario's line of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioComparison {
    pub name: String,
    pub stem: String,
    pub folder: PathBuf,
    pub replicates: usize,
    /// Same population, seed and replicates as the first scenario.
    pub paired_with_first: bool,
    /// Why it is not paired with the first scenario (null when it is, and for the
    /// first scenario itself).
    pub unpaired_reason: Option<String>,
    pub conversions: Estimate,
    pub aware: Estimate,
    pub cost: f64,
    /// cost / conversions; the CI maps the conversions CI (null bound when it
    /// reaches 0).
    pub cost_per_conversion: Option<(f64, Option<f64>, Option<f64>)>,
    pub roi: Option<Estimate>,
    /// Steps until half of the replicate's final conversions, over replicates with
    /// any conversion.
    pub steps_to_half: Option<Estimate>,
    pub conversions_per_1000: Option<Estimate>,
    pub versus_first: Option<VersusFirst>,
    /// The scenario's channels (as in its `channels.csv`), for scenarios with
    /// several; empty otherwise.
    pub channels: Vec<ChannelRow>,
}

/// `comparison.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub wom_version: &'static str,
    /// Command-line overrides applied to every scenario (`key=value`, in order).
    pub overrides: Vec<String>,
    pub scenarios: Vec<ScenarioComparison>,
    /// The scenario files (the first is the reference), every resolved parameter
    /// and its source.
    pub inputs: Vec<ScenarioInput>,
}

/// The folder names for `scenarios`: their stems, with a numeric suffix where two
/// files share a stem.
pub fn folder_names(scenarios: &[Scenario]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in scenarios {
        let base = crate::cli::output_folder_name(&s.stem);
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}-{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// The comparison folder's name: `compare-<stemA>-vs-<stemB>...`.
pub fn compare_folder_name(scenarios: &[Scenario]) -> String {
    format!("compare-{}", folder_names(scenarios).join("-vs-"))
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
        scenarios: out,
        inputs: scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| input(if i == 0 { "reference" } else { "scenario" }, s))
            .collect(),
    })
}

/// `comparison.csv`: one row per scenario.
pub fn comparison_csv(c: &Comparison) -> String {
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header = String::from(
        "scenario,stem,replicates,paired_with_first,conversions_mean,conversions_ci95_low,conversions_ci95_high,aware_mean,aware_ci95_low,aware_ci95_high,cost,cost_per_conversion,cost_per_conversion_ci95_low,cost_per_conversion_ci95_high,roi_mean,roi_ci95_low,roi_ci95_high,steps_to_half_mean,steps_to_half_ci95_low,steps_to_half_ci95_high,conversions_per_1000_mean,conversions_per_1000_ci95_low,conversions_per_1000_ci95_high,diff_conversions_mean,diff_conversions_ci95_low,diff_conversions_ci95_high,diff_aware_mean,diff_aware_ci95_low,diff_aware_ci95_high,beats_first_share,ties_share,diff_roi_mean,diff_roi_ci95_low,diff_roi_ci95_high,diff_conversions_paired_ci95_low,diff_conversions_paired_ci95_high,diff_conversions_unpaired_ci95_low,diff_conversions_unpaired_ci95_high,unpaired_reason",
    );
    csv.write_record(header.split(','))
        .expect("writing to memory cannot fail");
    let opt = |v: Option<f64>| v.map_or_else(String::new, num);
    let est = |e: Option<Estimate>| -> [String; 3] {
        [
            opt(e.map(|e| e.mean)),
            opt(e.map(|e| e.ci95_low)),
            opt(e.map(|e| e.ci95_high)),
        ]
    };
    for s in &c.scenarios {
        let mut cells: Vec<String> = vec![
            s.name.clone(),
            s.stem.clone(),
            s.replicates.to_string(),
            s.paired_with_first.to_string(),
        ];
        cells.extend(est(Some(s.conversions)));
        cells.extend(est(Some(s.aware)));
        cells.push(num(s.cost));
        let cpc = s.cost_per_conversion;
        cells.push(opt(cpc.map(|c| c.0)));
        cells.push(opt(cpc.and_then(|c| c.1)));
        cells.push(opt(cpc.and_then(|c| c.2)));
        cells.extend(est(s.roi));
        cells.extend(est(s.steps_to_half));
        cells.extend(est(s.conversions_per_1000));
        let v = s.versus_first.as_ref();
        let diff = |d: Option<&Difference>| {
            [
                opt(d.map(|d| d.mean)),
                opt(d.map(|d| d.ci95_low)),
                opt(d.map(|d| d.ci95_high)),
            ]
        };
        cells.extend(diff(v.map(|v| &v.conversions)));
        cells.extend(diff(v.map(|v| &v.aware)));
        cells.push(opt(v.map(|v| v.beats_first_share)));
        cells.push(opt(v.map(|v| v.ties_share)));
        cells.extend(diff(v.and_then(|v| v.roi.as_ref())));
        let conv = v.map(|v| &v.conversions);
        cells.push(opt(conv.and_then(|d| d.paired_ci95_low)));
        cells.push(opt(conv.and_then(|d| d.paired_ci95_high)));
        cells.push(opt(conv.map(|d| d.unpaired_ci95_low)));
        cells.push(opt(conv.map(|d| d.unpaired_ci95_high)));
        cells.push(s.unpaired_reason.clone().unwrap_or_default());
        csv.write_record(&cells)
            .expect("writing to memory cannot fail");
    }
    let bytes = csv.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

/// The most channel lines the printed table shows under one scenario.
const TABLE_CHANNELS: usize = 12;

/// The short table printed on stdout.
pub fn table(c: &Comparison) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "scenario".into(),
        "conversions (95% CI)".into(),
        "aware".into(),
        "cost".into(),
        "per 1,000".into(),
        "ROI".into(),
        "vs first: conversions (95% CI), beats first".into(),
    ]];
    for s in &c.scenarios {
        let versus = match &s.versus_first {
            None => "(reference)".to_string(),
            Some(v) => format!(
                "{:+.1} ({:+.1} to {:+.1}) {}, {:.0}%",
                v.conversions.mean,
                v.conversions.ci95_low,
                v.conversions.ci95_high,
                if s.paired_with_first {
                    "paired"
                } else {
                    "unpaired"
                },
                100.0 * v.beats_first_share
            ),
        };
        rows.push([
            s.name.clone(),
            format!(
                "{:.1} ({:.1} to {:.1})",
                s.conversions.mean, s.conversions.ci95_low, s.conversions.ci95_high
            ),
            format!("{:.1}", s.aware.mean),
            format!("{:.2}", s.cost),
            s.conversions_per_1000
                .map_or("n/a".into(), |e| format!("{:.2}", e.mean)),
            s.roi.map_or("n/a".into(), |e| format!("{:.2}", e.mean)),
            versus,
        ]);
        // A portfolio's channels, one line each, under the scenario (up to
        // TABLE_CHANNELS of them; all are in comparison.json and channels.csv).
        if s.channels.len() > TABLE_CHANNELS {
            rows.push([
                format!("  {} channels: see its channels.csv", s.channels.len() - 1),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for ch in s
            .channels
            .iter()
            .filter(|_| s.channels.len() <= TABLE_CHANNELS)
        {
            rows.push([
                format!("  {}", ch.channel),
                format!(
                    "{:.1} ({:.1} to {:.1})",
                    ch.conversions_mean, ch.conversions_ci95_low, ch.conversions_ci95_high
                ),
                String::new(),
                format!("{:.2}", ch.cost),
                if ch.cost > 0.0 {
                    format!("{:.2}", 1000.0 * ch.conversions_mean / ch.cost)
                } else {
                    String::new()
                },
                ch.roi.map_or(String::new(), |r| format!("{r:.2}")),
                String::new(),
            ]);
        }
    }
    let widths: Vec<usize> = (0..7)
        .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let notes: Vec<String> = c
        .scenarios
        .iter()
        .filter_map(|s| {
            s.unpaired_reason
                .as_ref()
                .map(|why| format!("{} is unpaired with the first: {why}\n", s.name))
        })
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(j, cell)| {
                let pad = widths[j] - cell.chars().count();
                if j == 0 || j == 6 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    for note in notes {
        out.push_str(&note);
    }
    if !c.overrides.is_empty() {
        out.push_str(&format!("every scenario with {}\n", c.overrides.join(", ")));
    }
    out
}

/// Refuse a comparison of a file with itself.
pub fn check_distinct(files: &[PathBuf]) -> Result<()> {
    let canonical: Vec<PathBuf> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        .collect();
    for (i, a) in canonical.iter().enumerate() {
        if let Some(j) = canonical[..i].iter().position(|b| b == a) {
            return Err(WomError::input(
                Diagnostic::new(format!(
                    "{} is given twice (arguments {} and {}); a scenario compared with itself differs by nothing",
                    files[i].display(),
                    j + 1,
                    i + 1
                ))
                .help("compare different scenario files, or copy the file and change what you want to compare"),
            ));
        }
    }
    Ok(())
}

/// Run every scenario into `dir/<stem>/`, then write `comparison.csv`,
/// `comparison.json` and the comparison figure into `dir`.
///
/// The whole folder, run folders included, is written into a temporary folder
/// beside `dir` and replaces it at the end ([`Staging`]), under `dir`'s lock.
pub fn compare(scenarios: &[Scenario], dir: &Path, options: RunOptions) -> Result<Comparison> {
    struct Release<'a>(&'a Path);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            staging::release(self.0);
        }
    }
    staging::lock(dir)?;
    let _release = Release(dir);
    let stage = Staging::new(dir)?;
    let comparison = compare_into(scenarios, stage.path(), dir, options)
        .map_err(|e| staging::rename_in_error(e, stage.path(), dir))?;
    stage.commit()?;
    Ok(comparison)
}

/// [`compare`] into the folder `dir` itself, which will become `final_dir` (the
/// run folders named in the comparison).
fn compare_into(
    scenarios: &[Scenario],
    dir: &Path,
    final_dir: &Path,
    options: RunOptions,
) -> Result<Comparison> {
    let names = folder_names(scenarios);
    let mut runs = Vec::new();
    let mut folders = Vec::new();
    for (s, name) in scenarios.iter().zip(&names) {
        let folder = dir.join(name);
        runs.push(runner::run(s, &folder, options)?);
        // The run's lock file, inside this process's own temporary folder.
        let _ = std::fs::remove_file(staging::lock_path(&folder));
        folders.push(folder);
    }
    let mut comparison = analyse(scenarios, &runs, &folders)?;
    for (c, name) in comparison.scenarios.iter_mut().zip(&names) {
        c.folder = final_dir.join(name);
    }
    aggregate::write_file(
        &dir.join("comparison.csv"),
        comparison_csv(&comparison).as_bytes(),
    )?;
    let json = serde_json::to_string_pretty(&comparison).expect("comparisons serialise");
    aggregate::write_file(&dir.join("comparison.json"), format!("{json}\n").as_bytes())?;
    let series: Vec<ComparedSeries<'_>> = runs
        .iter()
        .zip(&comparison.scenarios)
        .map(|(run, c)| ComparedSeries {
            name: &c.name,
            rows: &run.aggregates.rows,
            replicates: run.aggregates.replicates,
            per_thousand: c
                .conversions_per_1000
                .map(|e| (e.mean, e.ci95_low, e.ci95_high)),
        })
        .collect();
    let all_paired = comparison
        .scenarios
        .iter()
        .skip(1)
        .all(|s| s.paired_with_first);
    let title = format!(
        "{} ({})",
        comparison
            .scenarios
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(" vs "),
        if all_paired {
            "paired by common random numbers"
        } else {
            "not paired"
        }
    );
    let title = match comparison.overrides.is_empty() {
        true => title,
        false => format!("{title}, with {}", comparison.overrides.join(", ")),
    };
    plots::comparison(dir, &title, &series)?;
    Ok(comparison)
}
