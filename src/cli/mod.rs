//! The command line: parse arguments (clap), run a command, print results.
//!
//! Exit codes: 0 success, 1 run-time failure, 2 bad input or usage. Errors are
//! printed as `error: …` lines on stderr; a closed stdout (`wom graph … | head`) is
//! not an error.

use crate::error::{Result, WomError};
use crate::graph;
use crate::graph::stats::{self, GraphStats};
use crate::reproduce;
use crate::results::aggregate::RunSummary;
use crate::results::compare;
use crate::scenario::{self, Override};
use crate::sim::runner::{self, RunOptions};
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "wom",
    version,
    about = "Word of mouth: does one macro-influencer or many micro-advocates win more customers?",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by commands that read scenarios.
#[derive(Debug, clap::Args)]
struct ScenarioOptions {
    /// Override a scenario field, e.g. --set word_of_mouth.conversion=0.2 (TOML value)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<Override>,
    /// Master seed (same as --set simulation.seed=S)
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
}

impl ScenarioOptions {
    fn overrides(&self) -> Vec<Override> {
        let mut all = Vec::new();
        if let Some(seed) = self.seed {
            all.push(Override::new(
                "simulation.seed",
                toml::Value::Integer(seed.min(i64::MAX as u64) as i64),
            ));
        }
        all.extend(self.set.iter().cloned());
        all
    }
}

/// Options of commands that simulate.
#[derive(Debug, clap::Args)]
struct SimulationOptions {
    /// Folder for results; each scenario writes DIR/<file stem>/
    #[arg(long, value_name = "DIR", default_value = "output")]
    out: PathBuf,
    /// Monte-Carlo replicates (same as --set simulation.replicates=N)
    #[arg(long, value_name = "N")]
    replicates: Option<u32>,
    /// Time steps (same as --set simulation.steps=N)
    #[arg(long, value_name = "N")]
    steps: Option<u32>,
    /// Worker threads (default: RAYON_NUM_THREADS, else one per core); results do not depend on it
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// No progress bar
    #[arg(long, short)]
    quiet: bool,
    /// Overwrite earlier results in the output folder
    #[arg(long)]
    force: bool,
}

impl SimulationOptions {
    fn overrides(&self) -> Vec<Override> {
        let mut all = Vec::new();
        if let Some(n) = self.replicates {
            all.push(Override::new(
                "simulation.replicates",
                toml::Value::Integer(i64::from(n)),
            ));
        }
        if let Some(n) = self.steps {
            all.push(Override::new(
                "simulation.steps",
                toml::Value::Integer(i64::from(n)),
            ));
        }
        all
    }

    /// Run `work` on a rayon pool of the requested size.
    fn with_threads<T: Send>(&self, work: impl FnOnce() -> T + Send) -> Result<T> {
        with_threads(self.threads, work)
    }
}

/// Run `work` on a rayon pool of `threads` threads, or the default pool.
fn with_threads<T: Send>(threads: Option<u32>, work: impl FnOnce() -> T + Send) -> Result<T> {
    match threads {
        None => Ok(work()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n as usize)
                .build()
                .map_err(|e| WomError::Runtime(format!("cannot start {n} threads: {e}")))?;
            Ok(pool.install(work))
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and write curves, per-replicate results and a summary
    Run {
        /// Scenario file (.toml)
        #[arg(value_name = "SCENARIO")]
        file: PathBuf,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// Run several scenarios and compare them (paired when population and seed match)
    Compare {
        /// Scenario files (.toml); differences are against the first
        #[arg(required = true, num_args = 2.., value_name = "SCENARIO")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// Reproduce a published result, simulation beside theory (docs/validation.md)
    Reproduce {
        /// Experiment: er-percolation, configuration-hubs, miller-trust, watts-window,
        /// bass, bass-ring, kkt-submodular, or all
        #[arg(value_name = "NAME")]
        name: String,
        /// Folder of the validation scenarios
        #[arg(long, value_name = "DIR", default_value = "scenarios/validation")]
        scenarios: PathBuf,
        /// Folder for results; each experiment writes DIR/validation/<name>/
        #[arg(long, value_name = "DIR", default_value = "output")]
        out: PathBuf,
        /// Replicates per point (default: each scenario's own)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..))]
        replicates: Option<u32>,
        /// Consumers (default: each scenario's own)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(10..))]
        nodes: Option<u32>,
        /// Worker threads; results do not depend on it
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
        threads: Option<u32>,
        /// Overwrite earlier results
        #[arg(long)]
        force: bool,
        /// Print nothing but errors
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check scenario files without running them
    Validate {
        /// Scenario files (.toml)
        #[arg(required = true, value_name = "SCENARIO")]
        files: Vec<PathBuf>,
        /// Print each resolved scenario, defaults filled in, as JSON
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// Build a scenario's population and print its statistics
    Graph {
        /// Scenario file (.toml)
        #[arg(value_name = "SCENARIO")]
        file: PathBuf,
        /// Print the statistics as JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        options: ScenarioOptions,
    },
}

/// Run wom with these arguments (the first is the program name) and return the
/// process exit code. Prints results on stdout and errors on stderr.
pub fn main<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; everything else is usage (2).
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            for line in e.to_string().lines() {
                if line.starts_with("  ") {
                    eprintln!("{line}");
                } else {
                    eprintln!("error: {line}");
                }
            }
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let result = match cli.command {
        Command::Run {
            file,
            simulation,
            options,
        } => run_one(&file, &simulation, &options),
        Command::Compare {
            files,
            simulation,
            options,
        } => compare_many(&files, &simulation, &options),
        Command::Reproduce {
            name,
            scenarios,
            out,
            replicates,
            nodes,
            threads,
            force,
            quiet,
        } => {
            let names: Vec<&str> = if name == "all" {
                reproduce::EXPERIMENTS.to_vec()
            } else {
                vec![name.as_str()]
            };
            let scale = reproduce::Scale { replicates, nodes };
            let work = || -> Result<()> {
                for name in names {
                    let dir = out.join("validation").join(name);
                    let experiment = reproduce::run(name, &scenarios, scale)?;
                    runner::prepare_output_dir(&dir, force)?;
                    reproduce::write(&experiment, &dir)?;
                    if !quiet {
                        let mut stdout = io::stdout().lock();
                        writeln!(stdout, "{}\n", experiment.title).map_err(io_error)?;
                        write!(stdout, "{}", reproduce::table_markdown(&experiment))
                            .map_err(io_error)?;
                        writeln!(stdout, "\nwrote {}\n", dir.display()).map_err(io_error)?;
                    }
                }
                Ok(())
            };
            with_threads(threads, work)?
        }
        Command::Validate {
            files,
            explain,
            options,
        } => return validate(&files, explain, &options.overrides()),
        Command::Graph {
            file,
            json,
            options,
        } => graph(&file, json, &options.overrides()),
    };
    ignore_broken_pipe(result)
}

/// Writing to a closed pipe (`wom graph x.toml | head -1`) is success.
fn ignore_broken_pipe(result: Result<()>) -> Result<()> {
    match result {
        Err(WomError::Runtime(message)) if message.contains("Broken pipe") => Ok(()),
        other => other,
    }
}

fn io_error(e: io::Error) -> WomError {
    WomError::Runtime(format!("cannot write to stdout: {e}"))
}

/// Overrides from the simulation flags first, then --seed and --set (which win).
fn all_overrides(simulation: &SimulationOptions, options: &ScenarioOptions) -> Vec<Override> {
    let mut all = simulation.overrides();
    all.extend(options.overrides());
    all
}

fn run_one(file: &Path, simulation: &SimulationOptions, options: &ScenarioOptions) -> Result<()> {
    let s = scenario::load(file, &all_overrides(simulation, options))?;
    let dir = simulation.out.join(output_folder_name(&s.stem));
    runner::prepare_output_dir(&dir, simulation.force)?;
    let run_options = RunOptions {
        progress: !simulation.quiet && io::stderr().is_terminal(),
    };
    let result = simulation
        .with_threads(|| runner::run(&s, &dir, run_options))?
        .map_err(|e| in_file(e, file))?;
    let mut out = io::stdout().lock();
    write_run_report(&mut out, &result.summary, &dir).map_err(io_error)
}

fn compare_many(
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
    let dir = simulation
        .out
        .join(compare::compare_folder_name(&scenarios));
    runner::prepare_output_dir(&dir, simulation.force)?;
    let run_options = RunOptions {
        progress: !simulation.quiet && io::stderr().is_terminal(),
    };
    let comparison =
        simulation.with_threads(|| compare::compare(&scenarios, &dir, run_options))??;
    let mut out = io::stdout().lock();
    write!(out, "{}", compare::table(&comparison)).map_err(io_error)?;
    writeln!(out, "wrote {}", dir.display()).map_err(io_error)
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
    let money = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}"));
    writeln!(
        out,
        "economics    cost {:.2}, cost per conversion {}, ROI {}",
        e.cost,
        money(e.cost_per_conversion),
        money(e.roi)
    )?;
    writeln!(out, "wrote        {}", dir.display())
}

fn validate(files: &[PathBuf], explain: bool, overrides: &[Override]) -> Result<()> {
    let mut diagnostics = Vec::new();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for file in files {
        match scenario::load(file, overrides) {
            Ok(s) => {
                let _ = writeln!(out, "ok: {} ({})", file.display(), s.name);
                if explain {
                    let json = serde_json::to_string_pretty(&s).expect("scenarios serialise");
                    let _ = writeln!(out, "{json}");
                }
            }
            Err(WomError::Input(mut d)) => diagnostics.append(&mut d),
            Err(e) => return Err(e),
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(WomError::Input(diagnostics))
    }
}

fn graph(file: &std::path::Path, json: bool, overrides: &[Override]) -> Result<()> {
    let s = scenario::load(file, overrides)?;
    let population =
        graph::build(&s.population, s.simulation.seed, 0).map_err(|e| in_file(e, file))?;
    let stats = stats::graph_stats(&population, s.simulation.seed);
    let mut out = io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(&stats).expect("stats serialise");
        writeln!(out, "{text}").map_err(io_error)?;
    } else {
        let title = format!(
            "{} ({}, seed {})",
            file.display(),
            s.population.generator_name(),
            s.simulation.seed
        );
        write_stats(&mut out, &title, &stats).map_err(io_error)?;
    }
    Ok(())
}

/// Name `file` in diagnostics that do not name a file yet (e.g. the memory guard's).
fn in_file(error: WomError, file: &std::path::Path) -> WomError {
    match error {
        WomError::Input(diagnostics) => WomError::Input(
            diagnostics
                .into_iter()
                .map(|d| if d.file.is_none() { d.file(file) } else { d })
                .collect(),
        ),
        other => other,
    }
}

fn write_stats(out: &mut impl Write, title: &str, s: &GraphStats) -> io::Result<()> {
    let kind = match (s.directed, s.weighted) {
        (true, true) => "directed, weighted",
        (true, false) => "directed",
        (false, true) => "undirected, weighted",
        (false, false) => "undirected",
    };
    let share = |part: u64| {
        if s.nodes == 0 {
            0.0
        } else {
            100.0 * part as f64 / s.nodes as f64
        }
    };
    writeln!(out, "population   {title}")?;
    writeln!(out, "nodes        {}", s.nodes)?;
    writeln!(
        out,
        "ties         {} ({kind}{})",
        s.ties,
        if s.implicit {
            "; implicit, never stored"
        } else {
            ""
        }
    )?;
    let degree_word = if s.directed { "out-degree" } else { "degree" };
    writeln!(
        out,
        "{degree_word:<12} mean {:.3}, min {}, max {}",
        s.mean_degree, s.min_degree, s.max_degree
    )?;
    let percentiles: Vec<String> = s
        .degree_percentiles
        .iter()
        .map(|(p, d)| format!("p{p} {d}"))
        .collect();
    writeln!(out, "percentiles  {}", percentiles.join(", "))?;
    let how = match s.clustering_sample {
        Some(n) => format!("estimated from {n} sampled nodes"),
        None => "exact".to_string(),
    };
    writeln!(
        out,
        "clustering   {:.4} (average local coefficient, {how})",
        s.clustering
    )?;
    writeln!(
        out,
        "components   {} (largest {} nodes, {:.1}%)",
        s.components,
        s.largest_component,
        share(s.largest_component)
    )?;
    writeln!(
        out,
        "dropped      {} self-loops, {} duplicate ties",
        s.self_loops_dropped, s.duplicates_dropped
    )?;
    writeln!(out, "built in     {:.3} s", s.build_seconds)?;
    Ok(())
}
