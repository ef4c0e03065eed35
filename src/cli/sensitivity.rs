//! `wom sensitivity`: Sobol' indices, a tornado and the metric's distribution over
//! a scenario's `[uncertain]` assumptions (docs/decisions.md).

use super::{all_overrides, in_file, io_error, ScenarioOptions, SimulationOptions};
use crate::decide::evaluate::Metric;
use crate::decide::sensitivity::{self, Sensitivity, SensitivityOptions};
use crate::error::{Diagnostic, Result, WomError};
use crate::results::inputs::input;
use crate::results::run::prepare_output_dir;
use crate::results::sensitivity as files;
use crate::scenario;
use crate::sim::distribute;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::path::Path;

pub(super) fn sensitivity(
    file: &Path,
    against: Option<&Path>,
    samples: usize,
    metric: Metric,
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let overrides = all_overrides(simulation, options);
    let s = scenario::load(file, &overrides)?;
    if s.uncertain.is_empty() {
        return Err(WomError::input(
            Diagnostic::new("the scenario has no [uncertain] assumptions, so there is nothing to vary")
                .file(file)
                .help("add an [uncertain] table, e.g. \"word_of_mouth.conversion\" = { low = 0.05, high = 0.2 } (docs/scenarios.md)"),
        ));
    }
    let b = against.map(|f| scenario::load(f, &overrides)).transpose()?;
    scenario::common_currency(std::iter::once(&s).chain(b.as_ref()))?;
    sensitivity::check_assumptions(&s)?;
    let folder = format!("sensitivity-{}", super::output_folder_name(&s.stem));
    let dir = simulation.out.join(folder);
    // Under MPI every rank runs every evaluation's share; rank 0 writes.
    let root = distribute::is_root();
    if root {
        prepare_output_dir(&dir, simulation.force)?;
    }
    let sensitivity_options = SensitivityOptions {
        samples,
        metric,
        ..SensitivityOptions::default()
    };
    let total = sensitivity::evaluations(s.uncertain.len(), samples, b.is_some());
    let progress = progress_bar(
        root && !simulation.quiet && io::stderr().is_terminal(),
        total,
    );
    let result = simulation
        .with_threads(|| sensitivity::analyse(&s, b.as_ref(), &sensitivity_options, &progress))?
        .map_err(|e| in_file(e, file))?;
    progress.finish_and_clear();
    if !root {
        return Ok(());
    }
    let inputs: Vec<_> = std::iter::once(input("scenario", &s))
        .chain(b.as_ref().map(|b| input("against", b)))
        .collect();
    files::write(&dir, &result, &inputs)?;
    let mut out = super::terminal();
    report(&mut out, &result, &dir).map_err(io_error)?;
    drop(out);
    super::report::after(&dir, simulation.report)
}

fn progress_bar(visible: bool, total: usize) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} scenario evaluations, {elapsed} elapsed, ~{eta} left",
        )
        .expect("valid template"),
    );
    bar
}

fn report(out: &mut impl Write, r: &Sensitivity, dir: &Path) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} of {} assumptions, N = {} samples, {} design evaluations x {} replicates ({:.1} s)",
        r.scenario,
        r.metric.name(),
        r.keys.len(),
        r.samples,
        r.design_evaluations,
        r.replicates,
        r.seconds
    )?;
    let d = &r.distribution;
    writeln!(
        out,
        "{:<12} base {:.2}; over the samples mean {:.2} (95% CI {:.2} to {:.2}), 5-95% {:.2} to {:.2}",
        r.metric_name(),
        r.base,
        d.mean,
        d.ci95_low,
        d.ci95_high,
        d.p05,
        d.p95
    )?;
    writeln!(
        out,
        "{:<32} {:>10} {:>10} {:>10} {:>22} {:>22}",
        "key", "at 5%", "at 95%", "swing", "S1 (95% CI)", "ST (95% CI)"
    )?;
    for k in &r.keys {
        writeln!(
            out,
            "{:<32} {:>10.2} {:>10.2} {:>10.2} {:>6.3} ({:>6.3}, {:>6.3}) {:>6.3} ({:>6.3}, {:>6.3})",
            k.key,
            k.metric_at_low,
            k.metric_at_high,
            k.swing,
            k.s1,
            k.s1_ci95_low,
            k.s1_ci95_high,
            k.st,
            k.st_ci95_low,
            k.st_ci95_high
        )?;
    }
    if let Some(a) = &r.against {
        writeln!(
            out,
            "against      {}: p_better {:.3} (ties {:.3}, {} pairs), mean difference {:.2} (95% CI {:.2} to {:.2})",
            a.scenario,
            a.p_better,
            a.ties,
            a.pairs,
            a.difference.mean,
            a.difference.ci95_low,
            a.difference.ci95_high
        )?;
    }
    writeln!(out, "wrote        {}", dir.display())
}
