//! A whole run: population → replicates in parallel → aggregates → files.
//!
//! Replicates run in batches with rayon; each batch is then folded into the
//! aggregates and streamed to `replicates.csv` in replicate order (while the next
//! batch simulates), so the files do not depend on the thread count and memory
//! holds two batches of curves at a time.

use crate::campaign::CampaignPlan;
use crate::engine::{self, Model, ReplicateOutcome, Scratch, StepCounts, World};
use crate::error::{Diagnostic, Result, WomError};
use crate::outputs::{self, Aggregates, Aggregator, AtomicFile, RunSummary, Timing};
use crate::plots;
use crate::population;
use crate::scenario::Scenario;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Replicates simulated between two folds into the aggregates.
const BATCH: usize = 256;

/// Options of a run that are not part of the scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Draw a progress bar on stderr (the caller checks it is a terminal).
    pub progress: bool,
}

/// Check the output folder before anything long starts: create it, and refuse to
/// overwrite earlier results unless `force`.
pub fn prepare_output_dir(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(WomError::input(
                Diagnostic::new(format!(
                    "the output path {} exists and is not a folder",
                    dir.display()
                ))
                .help("choose another folder with --out"),
            ));
        }
        let occupied = std::fs::read_dir(dir)
            .map_err(|e| WomError::Runtime(format!("cannot read {}: {e}", dir.display())))?
            .next()
            .is_some();
        if occupied && !force {
            return Err(WomError::input(
                Diagnostic::new(format!("{} already holds results", dir.display()))
                    .help("add --force to overwrite them, or --out DIR to write elsewhere"),
            ));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        WomError::input(Diagnostic::new(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        )))
    })
}

/// Build the population of replicate `replicate` and prepare the campaign on it.
fn world_for(scenario: &Scenario, replicate: u64) -> Result<World> {
    let population = population::build(&scenario.population, scenario.simulation.seed, replicate)?;
    let plan = CampaignPlan::new(scenario, &population)?;
    Ok(World::new(population, plan))
}

/// What was built before the replicates ran.
#[derive(Debug, Clone, Copy)]
pub struct Built {
    pub nodes: u64,
    pub ties: u64,
    /// Recruited advocates in every replicate.
    pub recruited: u32,
    pub build_seconds: f64,
}

/// One batch's results: curves (replicate-major, `steps` each) and outcomes.
struct BatchBuffers {
    curves: Vec<StepCounts>,
    finals: Vec<ReplicateOutcome>,
}

/// Simulate every replicate of `scenario` on the current rayon pool, handing each
/// one's curve and outcome to `sink` in replicate order.
///
/// Batch k is folded into `sink` (one thread) while batch k + 1 is simulated (the
/// others, and the folding one once it is done), so the serial fold does not leave
/// cores idle.
pub fn simulate(
    scenario: &Scenario,
    progress: &ProgressBar,
    mut sink: impl FnMut(u64, &[StepCounts], &ReplicateOutcome) -> Result<()> + Send,
) -> Result<Built> {
    let build_start = Instant::now();
    let model = Model::new(scenario);
    let first = world_for(scenario, 0)?;
    let built = Built {
        nodes: first.population.nodes(),
        ties: first.population.ties(),
        recruited: first.plan.advocate_count,
        build_seconds: 0.0,
    };
    let shared = (!scenario.simulation.new_graph_each_replicate).then_some(first);
    let built = Built {
        build_seconds: build_start.elapsed().as_secs_f64(),
        ..built
    };

    let replicates = scenario.simulation.replicates as usize;
    let steps = model.steps as usize;
    let batch = BATCH.min(replicates);
    let buffers = || BatchBuffers {
        curves: vec![StepCounts::default(); batch * steps],
        finals: vec![ReplicateOutcome::default(); batch],
    };
    let scratch_pool: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    // Simulate replicates start..start + len into `into`.
    let run_batch = |start: usize, len: usize, into: &mut BatchBuffers| -> Result<()> {
        into.curves[..len * steps]
            .par_chunks_mut(steps)
            .zip(into.finals[..len].par_iter_mut())
            .enumerate()
            .try_for_each(|(i, (curve, outcome))| -> Result<()> {
                let replicate = (start + i) as u64;
                let mut scratch = scratch_pool
                    .lock()
                    .expect("scratch pool")
                    .pop()
                    .unwrap_or_else(|| Scratch::new(built.nodes as usize));
                *outcome = match &shared {
                    Some(world) => {
                        engine::simulate_replicate(&model, world, replicate, &mut scratch, curve)
                    }
                    None => {
                        let world = world_for(scenario, replicate)?;
                        engine::simulate_replicate(&model, &world, replicate, &mut scratch, curve)
                    }
                };
                scratch_pool.lock().expect("scratch pool").push(scratch);
                Ok(())
            })
    };
    // Hand replicates start..start + len from `from` to the sink, in order.
    let mut fold = |start: usize, len: usize, from: &BatchBuffers| -> Result<()> {
        for i in 0..len {
            sink(
                (start + i) as u64,
                &from.curves[i * steps..(i + 1) * steps],
                &from.finals[i],
            )?;
        }
        progress.inc(len as u64);
        Ok(())
    };
    let (mut done, mut next) = (buffers(), buffers());
    let mut done_range = (0, batch);
    run_batch(done_range.0, done_range.1, &mut done)?;
    for start in (batch..replicates).step_by(batch) {
        let len = batch.min(replicates - start);
        let (simulated, folded) = rayon::join(
            || run_batch(start, len, &mut next),
            || fold(done_range.0, done_range.1, &done),
        );
        simulated?;
        folded?;
        std::mem::swap(&mut done, &mut next);
        done_range = (start, len);
    }
    fold(done_range.0, done_range.1, &done)?;
    progress.finish_and_clear();
    Ok(built)
}

/// One replicate's result, kept in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateResult {
    pub outcome: ReplicateOutcome,
    pub curve: Vec<StepCounts>,
}

/// Simulate `scenario` and keep every replicate in memory (for tests and analyses
/// that need them all; `run` streams instead).
pub fn simulate_in_memory(scenario: &Scenario) -> Result<(Built, Vec<ReplicateResult>)> {
    let mut results = Vec::with_capacity(scenario.simulation.replicates as usize);
    let built = simulate(scenario, &ProgressBar::hidden(), |_, curve, outcome| {
        results.push(ReplicateResult {
            outcome: *outcome,
            curve: curve.to_vec(),
        });
        Ok(())
    })?;
    Ok((built, results))
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub summary: RunSummary,
    pub aggregates: Aggregates,
}

/// Run `scenario` and write `curves.csv`, `replicates.csv`, `summary.json` and the
/// figures (`conversion`, `histogram`, PNG and SVG) into `dir` (which
/// [`prepare_output_dir`] has checked). Uses the current rayon pool.
pub fn run(scenario: &Scenario, dir: &Path, options: RunOptions) -> Result<RunResult> {
    let start = Instant::now();
    let mut aggregator = Aggregator::new(scenario.simulation.steps, dir)?;
    let replicates_path = dir.join("replicates.csv");
    let mut replicates_file = AtomicFile::create(&replicates_path)?;
    let write_err = |e| outputs::write_error(&replicates_path, e);
    replicates_file
        .writer()
        .write_all(outputs::REPLICATES_HEADER.as_bytes())
        .map_err(write_err)?;
    let progress = progress_bar(options.progress, u64::from(scenario.simulation.replicates));
    let built = simulate(scenario, &progress, |replicate, curve, outcome| {
        aggregator.push(curve, outcome)?;
        outputs::replicate_row(replicates_file.writer(), replicate, outcome).map_err(write_err)
    })?;
    aggregator.set_recruited(built.recruited);
    let aggregates = aggregator.finish()?;
    let simulate_seconds = start.elapsed().as_secs_f64() - built.build_seconds;
    let summary = RunSummary::new(
        scenario,
        &aggregates,
        built.nodes,
        built.ties,
        built.recruited,
        Timing {
            build_seconds: built.build_seconds,
            simulate_seconds,
        },
    );
    let json = serde_json::to_string_pretty(&summary).expect("summaries serialise");
    outputs::write_file(&dir.join("curves.csv"), aggregates.curves_csv().as_bytes())?;
    outputs::write_file(&dir.join("summary.json"), format!("{json}\n").as_bytes())?;
    replicates_file.commit()?;
    plots::conversion(dir, &scenario.name, &aggregates.rows, aggregates.replicates)?;
    plots::histogram(
        dir,
        &scenario.name,
        &aggregates.histogram,
        aggregates.replicates,
    )?;
    Ok(RunResult {
        summary,
        aggregates,
    })
}

fn progress_bar(visible: bool, total: u64) -> ProgressBar {
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
