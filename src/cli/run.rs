//! `wom run`: simulate one scenario into its output folder and print the result.

use super::{all_overrides, in_file, io_error, ScenarioOptions, SimulationOptions};
use crate::error::Result;
use crate::results::run::{self as runner, RunOptions};
use crate::results::summary::RunSummary;
use crate::scenario;
use crate::sim::distribute;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

pub(super) fn run_one(
    file: &Path,
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let s = scenario::load(file, &all_overrides(simulation, options))?;
    if !distribute::is_root() {
        // Under MPI: this rank's share of the replicates; rank 0 writes.
        return simulation
            .with_threads(|| runner::follow(&s))?
            .map_err(|e| in_file(e, file));
    }
    let dir = simulation.out.join(output_folder_name(&s.stem));
    runner::prepare_output_dir(&dir, simulation.force)?;
    let run_options = RunOptions {
        progress: !simulation.quiet && io::stderr().is_terminal(),
    };
    let result = simulation
        .with_threads(|| runner::run(&s, &dir, run_options))?
        .map_err(|e| in_file(e, file))?;
    let mut out = super::terminal();
    write_run_report(&mut out, &result.summary, &dir).map_err(io_error)?;
    drop(out);
    super::report::after(&dir, simulation.report)
}

/// A folder name from a file stem: path separators and control characters are
/// replaced, everything else (spaces, non-ASCII letters) is kept.
pub fn output_folder_name(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if name.is_empty() || name == "." || name == ".." {
        "scenario".to_string()
    } else {
        name
    }
}

fn write_run_report(out: &mut impl Write, s: &RunSummary, dir: &Path) -> io::Result<()> {
    let f = &s.finals;
    writeln!(
        out,
        "{}: {} replicates x {} steps on {} consumers (build {:.2} s, simulate {:.2} s)",
        s.scenario,
        s.replicates,
        s.steps,
        s.nodes,
        s.timing.build_seconds,
        s.timing.simulate_seconds
    )?;
    if !s.overrides.is_empty() {
        writeln!(out, "{:<12} {}", "overrides", s.overrides.join(", "))?;
    }
    for (name, m) in [
        ("conversions", &f.conversions),
        ("adopters", &f.adopters),
        ("aware", &f.aware),
    ] {
        writeln!(
            out,
            "{name:<12} mean {:.1} (95% CI {:.1} to {:.1}), 5-95% of replicates {:.0} to {:.0}",
            m.mean, m.ci95_low, m.ci95_high, m.p05, m.p95
        )?;
    }
    let e = &s.economics;
    let unit = crate::scenario::money_unit(e.currency.as_deref());
    let money = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.2} {unit}"));
    writeln!(
        out,
        "economics    cost {:.2} {unit}, cost per conversion {}, ROI {}",
        e.cost,
        money(e.cost_per_conversion),
        e.roi
            .map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}"))
    )?;
    writeln!(out, "wrote        {}", dir.display())
}
