//! `wom compare`: run several scenarios and compare them against the first.

use super::{all_overrides, io_error, ScenarioOptions, SimulationOptions};
use crate::error::{Result, WomError};
use crate::results::compare;
use crate::results::run::{self as runner, RunOptions};
use crate::scenario;
use crate::sim::distribute;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

pub(super) fn compare_many(
    files: &[PathBuf],
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    compare::check_distinct(files)?;
    let overrides = all_overrides(simulation, options);
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match scenario::load(file, &overrides) {
            Ok(s) => scenarios.push(s),
            Err(WomError::Input(mut d)) => problems.append(&mut d),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(WomError::Input(problems));
    }
    scenario::common_currency(&scenarios)?;
    if !distribute::is_root() {
        // Under MPI: this rank's share of each scenario's replicates.
        for s in &scenarios {
            simulation.with_threads(|| runner::follow(s))??;
        }
        return Ok(());
    }
    let dir = simulation
        .out
        .join(compare::compare_folder_name(&scenarios));
    runner::prepare_output_dir(&dir, simulation.force)?;
    let run_options = RunOptions {
        progress: !simulation.quiet && io::stderr().is_terminal(),
    };
    let comparison =
        simulation.with_threads(|| compare::compare(&scenarios, &dir, run_options))??;
    let mut out = super::terminal();
    write!(out, "{}", compare::table(&comparison)).map_err(io_error)?;
    writeln!(out, "wrote {}", dir.display()).map_err(io_error)?;
    drop(out);
    super::report::after(&dir, simulation.report)
}
