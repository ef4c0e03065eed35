//! `wom sweep`: run a scenario at every point of a grid of one or two keys, with
//! the same seed at every point (common random numbers), optionally against a
//! reference scenario; write `DIR/sweep-<stem>/` (docs/decisions.md).

use super::{all_overrides, in_file, io_error, ScenarioOptions, SimulationOptions};
use crate::decide::evaluate::{evaluate, Evaluation, Metric};
use crate::decide::sweep::{
    changes_population, check_together, difference, parse_vary, points, Estimate, Vary,
};
use crate::error::{Diagnostic, Result, WomError};
use crate::graph::{self, Population};
use crate::results::compare::unpaired_reason;
use crate::results::inputs::input;
use crate::results::run::prepare_output_dir;
use crate::results::sweep::{self as files, Against, Point, SweepReport};
use crate::scenario::{self, Override, Scenario};
use crate::sim::distribute;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

/// A progress bar over `total` replicates on stderr, or a hidden one.
pub(super) fn progress(visible: bool, total: u64) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} replicates, {elapsed} elapsed, ~{eta} left",
        )
        .expect("valid template"),
    );
    bar
}

/// `error` (from loading a scenario with `set`) told as a problem of `flag`: one
/// message naming the flag, the value and what the scenario allows.
pub(super) fn refused(flag: &str, set: &[Override], error: WomError) -> WomError {
    match error {
        WomError::Input(diagnostics) => {
            let what: Vec<String> = diagnostics
                .iter()
                .map(|d| match &d.field {
                    Some(f) => format!("`{f}`: {}", d.message),
                    None => d.message.clone(),
                })
                .collect();
            let help = diagnostics.iter().find_map(|d| d.help.clone());
            let settings: Vec<&str> = set.iter().map(|o| o.text.as_str()).collect();
            let mut d = Diagnostic::new(format!(
                "the scenario refuses {}: {}",
                settings.join(" with "),
                what.join("; ")
            ))
            .file(flag);
            if let Some(help) = help {
                d = d.help(help);
            }
            WomError::input(d)
        }
        other => other,
    }
}

/// The mean and CI of `metric` in `e` (None for ROI without a cost).
pub(super) fn metric_estimate(e: &Evaluation, metric: Metric) -> Option<(Vec<f64>, Estimate)> {
    let values = e.metric(metric)?;
    let estimate = Estimate::of(&values);
    Some((values, estimate))
}

/// The population to share between evaluations: built once, as replicate 0 of
/// `s` builds it, unless `s` draws a new graph every replicate.
pub(super) fn shared_population(s: &Scenario, file: &Path) -> Result<Option<Population>> {
    if s.simulation.new_graph_each_replicate {
        return Ok(None);
    }
    graph::build(&s.population, s.simulation.seed, 0)
        .map(Some)
        .map_err(|e| in_file(e, file))
}

/// Whether `population` (built for `base`) is the one `other` would build.
pub(super) fn same_population(base: &Scenario, other: &Scenario) -> bool {
    base.population == other.population
        && base.simulation.seed == other.simulation.seed
        && !other.simulation.new_graph_each_replicate
}

pub(super) fn sweep(
    file: &Path,
    vary: &[String],
    against: Option<&Path>,
    metric: Metric,
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let start = Instant::now();
    let overrides = all_overrides(simulation, options);
    let base = scenario::load(file, &overrides)?;
    let varies: Vec<Vary> = vary.iter().map(|v| parse_vary(v)).collect::<Result<_>>()?;
    check_together(&varies)?;
    // Every value on its own, so a bad one is named by its flag.
    for v in &varies {
        for i in 0..v.values.len() {
            let set = [v.set(i)];
            let mut all = overrides.clone();
            all.extend(set.iter().cloned());
            scenario::load(file, &all)
                .map_err(|e| refused(&format!("--vary {}", v.text), &set, e))?;
        }
    }
    let grid = points(&varies);
    let flags = varies
        .iter()
        .map(|v| format!("--vary {}", v.text))
        .collect::<Vec<_>>()
        .join(" ");
    let scenarios: Vec<Scenario> = grid
        .iter()
        .map(|p| {
            let set: Vec<Override> = p.iter().zip(&varies).map(|(&i, v)| v.set(i)).collect();
            let mut all = overrides.clone();
            all.extend(set.iter().cloned());
            scenario::load(file, &all).map_err(|e| refused(&flags, &set, e))
        })
        .collect::<Result<_>>()?;
    let reference = against
        .map(|b| scenario::load(b, &overrides).map(|s| (s, b)))
        .transpose()?;
    // Money of the points and the reference is shown together: one currency.
    let currency =
        scenario::common_currency(scenarios.iter().chain(reference.as_ref().map(|r| &r.0)))?;
    if metric == Metric::Roi {
        // Cost is known after building; refuse early only what is sure to fail.
        if scenarios
            .iter()
            .all(|s| s.influencers.is_empty() && s.programmes.is_empty())
        {
            return Err(WomError::input(
                Diagnostic::new("--metric roi needs a campaign with a cost, and no point has one")
                    .file(file)
                    .help("use --metric conversions or profit"),
            ));
        }
    }
    let dir = simulation
        .out
        .join(format!("sweep-{}", super::output_folder_name(&base.stem)));
    // Under MPI every rank evaluates (its share of) every point; rank 0 writes.
    let root = distribute::is_root();
    if root {
        prepare_output_dir(&dir, simulation.force)?;
    }

    let build_once = !varies.iter().any(|v| changes_population(&v.key));
    let total: u64 = scenarios
        .iter()
        .chain(reference.as_ref().map(|r| &r.0))
        .map(|s| u64::from(s.simulation.replicates))
        .sum();
    let bar = progress(
        root && !simulation.quiet && io::stderr().is_terminal(),
        total,
    );
    let (evaluations, reference_eval) = simulation.with_threads(|| -> Result<_> {
        let population = if build_once {
            shared_population(&base, file)?
        } else {
            None
        };
        let mut evaluations = Vec::with_capacity(scenarios.len());
        for s in &scenarios {
            evaluations.push(evaluate(s, population.as_ref(), &bar).map_err(|e| in_file(e, file))?);
        }
        let reference_eval = match &reference {
            Some((b, path)) => {
                let shared = population.as_ref().filter(|_| same_population(&base, b));
                Some(evaluate(b, shared, &bar).map_err(|e| in_file(e, path))?)
            }
            None => None,
        };
        Ok((evaluations, reference_eval))
    })??;
    bar.finish_and_clear();
    if !root {
        return Ok(());
    }

    let reference_metric = reference_eval
        .as_ref()
        .and_then(|e| metric_estimate(e, metric));
    let against_json = reference
        .as_ref()
        .zip(reference_eval.as_ref())
        .map(|((b, path), e)| {
            let m = reference_metric.as_ref().map(|m| m.1);
            Against {
                name: b.name.clone(),
                file: path.display().to_string(),
                metric_mean: m.map(|m| m.mean),
                metric_ci95_low: m.map(|m| m.ci95_low),
                metric_ci95_high: m.map(|m| m.ci95_high),
                conversions_mean: Estimate::of(&e.conversions).mean,
                cost: e.cost,
                roi_mean: roi(e),
            }
        });
    let mut out_points = Vec::new();
    for (k, ((p, s), e)) in grid.iter().zip(&scenarios).zip(&evaluations).enumerate() {
        let conversions = Estimate::of(&e.conversions);
        let m = metric_estimate(e, metric);
        let versus = match (&m, &reference_metric, &reference) {
            (Some((mine, _)), Some((theirs, _)), Some((b, _))) => {
                let why = unpaired_reason(s, b);
                Some((difference(mine, theirs, why.is_none()), why))
            }
            _ => None,
        };
        out_points.push(Point {
            point: k,
            values: p
                .iter()
                .zip(&varies)
                .map(|(&i, v)| v.values[i].clone())
                .collect(),
            conversions_mean: conversions.mean,
            conversions_ci95_low: conversions.ci95_low,
            conversions_ci95_high: conversions.ci95_high,
            adopters_mean: Estimate::of(&e.adopters).mean,
            aware_mean: Estimate::of(&e.aware).mean,
            cost: e.cost,
            roi_mean: roi(e),
            metric_mean: m.as_ref().map(|m| m.1.mean),
            metric_ci95_low: m.as_ref().map(|m| m.1.ci95_low),
            metric_ci95_high: m.as_ref().map(|m| m.1.ci95_high),
            diff_mean: versus.as_ref().map(|v| v.0.mean),
            diff_ci95_low: versus.as_ref().map(|v| v.0.ci95_low),
            diff_ci95_high: versus.as_ref().map(|v| v.0.ci95_high),
            p_better: versus.as_ref().map(|v| v.0.p_better),
            ties: versus.as_ref().map(|v| v.0.ties),
            paired: versus.as_ref().map(|v| v.0.paired),
            unpaired_reason: versus.and_then(|v| v.1),
        });
    }
    let report = SweepReport {
        wom_version: env!("CARGO_PKG_VERSION"),
        scenario: base.name.clone(),
        file: file.display().to_string(),
        metric,
        keys: varies.iter().map(|v| v.key.clone()).collect(),
        seed: base.simulation.seed,
        replicates: base.simulation.replicates,
        steps: base.simulation.steps,
        overrides: base.overrides(),
        currency,
        population_built_once: build_once && !base.simulation.new_graph_each_replicate,
        against: against_json,
        points: out_points,
        inputs: std::iter::once(input("scenario", &base))
            .chain(reference.as_ref().map(|(b, _)| input("against", b)))
            .collect(),
        seconds: start.elapsed().as_secs_f64(),
    };
    let keys = report.keys.join(" and ");
    let mut title = format!("{}: {} against {keys}", base.title(), metric.name());
    if let Some(a) = &report.against {
        if report.keys.len() == 2 {
            title = format!(
                "{}: P({} better than {}) over {keys}",
                base.title(),
                metric.name(),
                a.name
            );
        } else {
            title = format!(
                "{} vs {}: {} against {keys}",
                base.title(),
                a.name,
                metric.name()
            );
        }
    }
    files::write(&dir, &report, &title)?;
    let mut out = super::terminal();
    print_table(&mut out, &report, &dir).map_err(io_error)?;
    drop(out);
    super::report::after(&dir, simulation.report)
}

/// (value × mean conversions − cost) / cost, as `summary.json` computes it.
fn roi(e: &Evaluation) -> Option<f64> {
    let c = crate::statistics::Summary::of(&mut e.conversions.clone()).mean;
    (e.cost > 0.0).then(|| (e.value_per_conversion * c - e.cost) / e.cost)
}

fn print_table(out: &mut impl Write, r: &SweepReport, dir: &Path) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} points x {} replicates, same seed {} at every point{}",
        r.scenario,
        r.points.len(),
        r.replicates,
        r.seed,
        if r.population_built_once {
            " (one population for all)"
        } else {
            ""
        }
    )?;
    if let Some(a) = &r.against {
        let m = a.metric_mean.map_or("n/a".into(), |m| format!("{m:.3}"));
        writeln!(
            out,
            "against      {} ({} mean {m})",
            a.name,
            r.metric.name()
        )?;
    }
    let head: Vec<String> = r.keys.clone();
    let mut line = head.join("  ");
    let metric = match r.metric {
        Metric::Profit => format!("profit ({})", r.unit()),
        other => other.name().to_string(),
    };
    line.push_str(&format!("  | {metric} mean (95% CI)"));
    if r.against.is_some() {
        line.push_str("  | diff (95% CI)  p_better");
    }
    writeln!(out, "{line}")?;
    for p in &r.points {
        let values: Vec<String> = p.values.iter().map(files::value_cell).collect();
        let mut line = values.join("  ");
        match (p.metric_mean, p.metric_ci95_low, p.metric_ci95_high) {
            (Some(m), Some(l), Some(h)) => line.push_str(&format!("  | {m:.3} ({l:.3} to {h:.3})")),
            _ => line.push_str("  | n/a"),
        }
        if let (Some(d), Some(l), Some(h), Some(pb)) =
            (p.diff_mean, p.diff_ci95_low, p.diff_ci95_high, p.p_better)
        {
            line.push_str(&format!("  | {d:+.3} ({l:+.3} to {h:+.3})  {pb:.2}"));
        }
        writeln!(out, "{line}")?;
    }
    let unpaired = r.points.iter().filter(|p| p.paired == Some(false)).count();
    if unpaired > 0 {
        writeln!(
            out,
            "note         {unpaired} points are not paired with the reference (Welch intervals): {}",
            r.points
                .iter()
                .find_map(|p| p.unpaired_reason.clone())
                .unwrap_or_default()
        )?;
    }
    writeln!(out, "wrote        {}", dir.display())
}
