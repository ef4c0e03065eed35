//! `wom fit SCENARIO DATA.csv --params KEY,...`: fit a scenario's parameters to
//! an observed curve by ABC-SMC and write `DIR/fit-<scenario stem>/`; and
//! `wom fit --bass DATA.csv`: fit the Bass model to a sales series, write
//! `DIR/fit-<data file stem>/`. Both print the estimates.

use super::{
    all_overrides, in_file, io_error, output_folder_name, ScenarioOptions, SimulationOptions,
};
use crate::decide::abc::AbcOptions;
use crate::decide::calibrate::{calibrate_bass, BassCalibration};
use crate::decide::network_fit::{self, NetworkFit};
use crate::decide::observations::read_observations;
use crate::error::{Diagnostic, Result, WomError};
use crate::results::fit::{six_digits as g6, write_bass_fit, FitFiles};
use crate::results::network_fit::write_network_fit;
use crate::results::run::prepare_output_dir;
use crate::scenario;
use crate::sim::distribute;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The sampler's knobs from the command line.
pub(super) struct Knobs {
    pub particles: usize,
    pub per_particle: usize,
    pub generations: usize,
    pub min_acceptance: f64,
}

const USAGE: &str = "wom fit SCENARIO DATA.csv --params KEY[,KEY...] (fit a scenario to an observed curve), or wom fit --bass DATA.csv (the Bass model)";

/// `--bass` takes no scenario, data file or network-fit option.
pub(super) fn check_bass_alone(
    scenario: Option<&Path>,
    data: Option<&Path>,
    params: &[String],
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let mut extra = Vec::new();
    if scenario.is_some() || data.is_some() {
        extra.push("SCENARIO / DATA.csv");
    }
    if !params.is_empty() {
        extra.push("--params");
    }
    if simulation.replicates.is_some() {
        extra.push("--replicates");
    }
    if simulation.steps.is_some() {
        extra.push("--steps");
    }
    if simulation.threads.is_some() {
        extra.push("--threads");
    }
    if !options.set.is_empty() {
        extra.push("--set");
    }
    if options.seed.is_some() {
        extra.push("--seed");
    }
    if extra.is_empty() {
        return Ok(());
    }
    Err(WomError::input(
        Diagnostic::new(format!(
            "--bass fits the Bass model to a sales file alone; {} belong{} to the network fit",
            extra.join(", "),
            if extra.len() == 1 { "s" } else { "" }
        ))
        .help(USAGE),
    ))
}

pub(super) fn fit_network(
    scenario_file: Option<&Path>,
    data_file: Option<&Path>,
    params: &[String],
    knobs: Knobs,
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let (Some(file), Some(data_file)) = (scenario_file, data_file) else {
        return Err(WomError::input(
            Diagnostic::new(match scenario_file {
                None => "no scenario and no data file given",
                Some(_) => "no data file given",
            })
            .help(USAGE),
        ));
    };
    // The scenario's and the data's problems, all at once.
    let overrides = all_overrides(simulation, options);
    let loaded = scenario::load(file, &overrides);
    let data = read_observations(data_file);
    let (s, data) = match (loaded, data) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(WomError::Input(mut a)), Err(WomError::Input(b))) => {
            a.extend(b);
            return Err(WomError::Input(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    if params.is_empty() {
        return Err(WomError::input(
            Diagnostic::new("--params names no key to fit").help(format!(
                "name one or more keys of the scenario's [uncertain] table, e.g. --params {}",
                s.uncertain
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        ));
    }
    network_fit::check_fit(&s, &data, params)?;
    let abc = AbcOptions {
        particles: knobs.particles,
        replicates: knobs.per_particle,
        generations: knobs.generations,
        min_acceptance: knobs.min_acceptance,
        seed: s.simulation.seed,
        ..AbcOptions::default()
    };
    abc.validate()
        .map_err(|m| WomError::input(Diagnostic::new(m).field("--min-acceptance")))?;
    let counters = !matches!(s.word_of_mouth.rule, crate::scenario::Rule::Cascade);
    let threads = simulation
        .threads
        .map_or_else(rayon::current_num_threads, |t| t as usize);
    crate::graph::check_run_memory(
        &s.population,
        threads,
        counters,
        crate::graph::available_memory(),
    )
    .map_err(|e| in_file(e, file))?;
    let dir = simulation
        .out
        .join(format!("fit-{}", output_folder_name(&s.stem)));
    // Under MPI every rank simulates its share of each generation's candidates
    // (and of the fitted scenario's run); rank 0 writes.
    let root = distribute::is_root();
    if root {
        prepare_output_dir(&dir, simulation.force)?;
    }
    let progress = progress_bar(root && !simulation.quiet && io::stderr().is_terminal());
    let fit = simulation
        .with_threads(|| network_fit::fit_network(&s, data, params, &abc, &progress))?
        .map_err(|e| in_file(e, file))?;
    progress.finish_and_clear();
    if !root {
        return Ok(());
    }
    let written = write_network_fit(&dir, &fit)?;
    if !simulation.quiet {
        let mut out = io::stdout().lock();
        write_network_report(&mut out, &fit, &written, &dir).map_err(io_error)?;
    }
    super::report::after(&dir, simulation.report)
}

fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} particles accepted, {msg}, {elapsed} elapsed",
        )
        .expect("valid template"),
    );
    bar
}

fn write_network_report(
    out: &mut impl Write,
    fit: &NetworkFit,
    written: &[PathBuf],
    dir: &Path,
) -> io::Result<()> {
    let abc = &fit.abc;
    let kept = abc.generations.iter().filter(|g| !g.abandoned).count();
    writeln!(
        out,
        "{}: {} fitted to {} steps of `{}` in {}",
        fit.scenario.title(),
        fit.estimates
            .iter()
            .map(|e| e.key.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        fit.data.steps(),
        fit.data.measure.name(),
        fit.data.path.display()
    )?;
    writeln!(
        out,
        "ABC-SMC: {} particles x {} simulations, {} generations kept of {}, {} simulations, tolerance {}, stopped: {} ({:.1} s)",
        fit.options.particles,
        fit.options.replicates,
        kept,
        abc.generations.len(),
        abc.simulations,
        abc.tolerance().map_or("none".to_string(), g6),
        match abc.stop {
            crate::decide::abc::StopReason::Generations => "every generation run".to_string(),
            crate::decide::abc::StopReason::Acceptance => format!(
                "acceptance rate below {}",
                fit.options.min_acceptance
            ),
            crate::decide::abc::StopReason::Tolerance => "the tolerance stopped falling".to_string(),
        },
        fit.seconds
    )?;
    writeln!(
        out,
        "{:<32} {:>12} {:>26} {:>26}",
        "key", "estimate", "95% interval", "prior 95% range"
    )?;
    for e in &fit.estimates {
        writeln!(
            out,
            "{:<32} {:>12} {:>26} {:>26}",
            e.key,
            g6(e.estimate),
            format!("{} to {}", g6(e.ci95_low), g6(e.ci95_high)),
            format!("{} to {}", g6(e.prior_low), g6(e.prior_high))
        )?;
    }
    writeln!(
        out,
        "rmse   {} (the mean of {} replicates at the estimates against the data)",
        g6(fit.rmse),
        fit.curve.replicates
    )?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    writeln!(out, "wrote  {} ({})", dir.display(), names.join(", "))
}

pub(super) fn fit_bass(
    data: &Path,
    out: &Path,
    force: bool,
    quiet: bool,
    report: bool,
) -> Result<()> {
    let fit = calibrate_bass(data)?;
    let stem = data
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = out.join(format!("fit-{}", output_folder_name(&stem)));
    prepare_output_dir(&dir, force)?;
    let files = write_bass_fit(&dir, &stem, &fit)?;
    if !fit.nls.converged {
        eprintln!(
            "warning: the fit did not converge in {} iterations; the estimates are the last point reached",
            fit.nls.iterations
        );
    }
    if let Some(why) = &files.no_scenario {
        eprintln!("warning: fitted.toml not written: {why}");
    }
    if !quiet {
        let mut out = super::terminal();
        write_fit_report(&mut out, &fit, &files, &dir).map_err(io_error)?;
    }
    super::report::after(&dir, report)
}

fn write_fit_report(
    out: &mut impl Write,
    fit: &BassCalibration,
    files: &FitFiles,
    dir: &Path,
) -> io::Result<()> {
    let n = &fit.nls;
    writeln!(
        out,
        "{}: Bass model fitted to {} periods by nonlinear least squares ({} iterations{})",
        fit.data.display(),
        fit.periods(),
        n.iterations,
        if n.converged { "" } else { ", not converged" }
    )?;
    writeln!(
        out,
        "{:<6} {:>12} {:>12} {:>16}",
        "", "estimate", "std. error", "OLS (Bass 1969)"
    )?;
    let ols = fit.ols.as_ref().ok();
    for (name, e, o) in [
        ("p", n.p, ols.map(|o| o.p)),
        ("q", n.q, ols.map(|o| o.q)),
        ("m", n.m, ols.map(|o| o.m)),
    ] {
        writeln!(
            out,
            "{name:<6} {:>12} {:>12} {:>16}",
            g6(e.estimate),
            g6(e.se),
            o.map_or_else(|| "n/a".to_string(), g6)
        )?;
    }
    if let Err(e) = &fit.ols {
        writeln!(out, "OLS    n/a: {e}")?;
    }
    writeln!(
        out,
        "rmse   {} per period (rss {})",
        g6(fit.rmse()),
        g6(n.rss)
    )?;
    let names: Vec<String> = files
        .written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    writeln!(out, "wrote  {} ({})", dir.display(), names.join(", "))
}
