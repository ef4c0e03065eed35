//! A run's files: check the output folder, simulate every replicate (with
//! [`crate::sim::runner::simulate`]), stream them into the aggregates and
//! `replicates.csv`, and write `curves.csv`, `summary.json` and the figures.

use crate::error::{Diagnostic, Result, WomError};
use crate::results::aggregate::{self, Aggregates, Aggregator};
use crate::results::channels;
use crate::results::files::{self, AtomicFile};
use crate::results::plots;
use crate::results::staging::{self, Staging};
use crate::results::summary::{RunSummary, Timing};
use crate::scenario::Scenario;
use crate::sim::runner::simulate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Options of a run that are not part of the scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Draw a progress bar on stderr (the caller checks it is a terminal).
    pub progress: bool,
}

/// Check the output folder before anything long starts: take its lock (waiting
/// for another process writing it, [`staging::lock`]; held until [`run`] ends, or
/// until this process exits), create it, and refuse to overwrite earlier results
/// unless `force`.
pub fn prepare_output_dir(dir: &Path, force: bool) -> Result<()> {
    staging::lock(dir)?;
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
        // Only results block a run: an empty folder, or one holding nothing but a
        // killed run's hidden temporaries, is free to use.
        let occupied = std::fs::read_dir(dir)
            .map_err(|e| WomError::Runtime(format!("cannot read {}: {e}", dir.display())))?
            .filter_map(|entry| entry.ok())
            .any(|entry| !entry.file_name().to_string_lossy().starts_with('.'));
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

/// What a rank other than 0 does for [`run`] under MPI (`sim::distribute`): its
/// share of the replicates, handed to rank 0, which writes the files.
pub fn follow(scenario: &Scenario) -> Result<()> {
    simulate(scenario, &ProgressBar::hidden(), |_, _, _, _| Ok(())).map(drop)
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The contents of `summary.json`.
    pub summary: RunSummary,
    /// The curves, final summaries and histogram.
    pub aggregates: Aggregates,
}

/// Run `scenario` and write `curves.csv`, `replicates.csv`, `summary.json` and the
/// figures (`conversion`, `histogram`, PNG and SVG) into `dir` (which
/// [`prepare_output_dir`] has checked). Uses the current rayon pool.
///
/// The set is written into a temporary folder beside `dir` and replaces `dir` as a
/// whole at the end ([`Staging`]), under the folder's lock (released on return).
pub fn run(scenario: &Scenario, dir: &Path, options: RunOptions) -> Result<RunResult> {
    struct Release<'a>(&'a Path);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            staging::release(self.0);
        }
    }
    staging::lock(dir)?;
    let _release = Release(dir);
    let stage = Staging::new(dir)?;
    let result = write_run(scenario, stage.path(), options)
        .map_err(|e| staging::rename_in_error(e, stage.path(), dir))?;
    stage.commit()?;
    Ok(result)
}

/// [`run`] into the folder `dir` itself.
fn write_run(scenario: &Scenario, dir: &Path, options: RunOptions) -> Result<RunResult> {
    // The population and every thread's scratch, before anything is allocated.
    let counters = !matches!(scenario.word_of_mouth.rule, crate::scenario::Rule::Cascade);
    crate::graph::check_run_memory(
        &scenario.population,
        rayon::current_num_threads(),
        counters,
        crate::graph::available_memory(),
    )?;
    let start = Instant::now();
    let mut aggregator = Aggregator::new(scenario.simulation.steps, dir)?;
    let replicates_path = dir.join("replicates.csv");
    let mut replicates_file = AtomicFile::create(&replicates_path)?;
    let write_err = |e| files::write_error(&replicates_path, e);
    replicates_file
        .writer()
        .write_all(aggregate::REPLICATES_HEADER.as_bytes())
        .map_err(write_err)?;
    let progress = progress_bar(options.progress, u64::from(scenario.simulation.replicates));
    let mut channel_totals = channels::ChannelTotals::default();
    let built = simulate(
        scenario,
        &progress,
        |replicate, curve, outcome, by_channel| {
            aggregator.push(curve, outcome)?;
            channel_totals.push(by_channel);
            aggregate::replicate_row(replicates_file.writer(), replicate, outcome)
                .map_err(write_err)
        },
    )?;
    aggregator.set_recruited(built.recruited);
    let aggregates = aggregator.finish()?;
    let simulate_seconds = start.elapsed().as_secs_f64() - built.build_seconds;
    let channel_rows = channels::rows(scenario, &built, &channel_totals);
    let summary = RunSummary::new(
        scenario,
        &aggregates,
        &built,
        channel_rows.clone(),
        Timing {
            build_seconds: built.build_seconds,
            simulate_seconds,
            choose_seconds: (!built.influence.is_empty())
                .then(|| built.influence.iter().map(|(c, _)| c.seconds).sum()),
        },
    );
    if !built.influence.is_empty() {
        files::write_file(
            &dir.join("advocates.txt"),
            advocates_txt(scenario, &built).as_bytes(),
        )?;
    }
    if !channel_rows.is_empty() {
        channels::write_csv(dir, &channel_rows)?;
    }
    let json = serde_json::to_string_pretty(&summary).expect("summaries serialise");
    files::write_file(&dir.join("curves.csv"), aggregates.curves_csv().as_bytes())?;
    files::write_file(&dir.join("summary.json"), format!("{json}\n").as_bytes())?;
    replicates_file.commit()?;
    let title = scenario.title();
    plots::conversion(dir, &title, &aggregates.rows, aggregates.replicates)?;
    let c = &summary.finals.conversions;
    plots::histogram_with_mean(
        dir,
        &title,
        &aggregates.histogram,
        aggregates.replicates,
        Some(plots::MeanCi {
            mean: c.mean,
            ci95_low: c.ci95_low,
            ci95_high: c.ci95_high,
        }),
    )?;
    Ok(RunResult {
        summary,
        aggregates,
    })
}

/// `advocates.txt`: for each `choose = "influence"` programme, a `#` comment
/// naming it, then the chosen advocates' labels, one a line, in order of choice
/// (readable back as an advocate file, `choose = "file"`).
fn advocates_txt(scenario: &Scenario, built: &crate::sim::runner::Built) -> String {
    let mut text = String::new();
    for (choice, labels) in &built.influence {
        let p = &scenario.programmes[choice.programme];
        let pool = match p.pool {
            crate::scenario::Pool::Anyone => "",
            crate::scenario::Pool::Customers => {
                " among replicate 0's customers (each replicate chooses among its own)"
            }
        };
        text.push_str(&format!(
            "# {}: {} advocates chosen by influence{pool}, {} RR sets, {:.1} expected conversions on them\n",
            p.name,
            labels.len(),
            choice.rr_sets,
            choice.estimated_conversions
        ));
        for label in labels {
            text.push_str(label);
            text.push('\n');
        }
    }
    text
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
