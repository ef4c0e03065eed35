//! The command line: parse arguments (clap), dispatch to one module per command
//! (`run`, `compare`, `reproduce`, `validate`, `graph`, `fit`, `sweep`,
//! `breakeven`, `sensitivity`, `report`), print errors.
//!
//! Exit codes: 0 success, 1 run-time failure, 2 bad input or usage. Errors are
//! printed as `error: …` lines on stderr; a closed stdout (`wom graph … | head`) is
//! not an error.

mod breakeven;
mod compare;
mod fit;
mod graph;
mod optimize;
mod report;
mod reproduce;
mod run;
mod sensitivity;
mod sweep;
mod validate;

pub use run::output_folder_name;

use crate::decide::abc::AbcOptions;
use crate::error::{Result, WomError};
use crate::scenario::Override;
use crate::sim::distribute;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io;
use std::path::PathBuf;

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
            // TOML integers stop at 2^63 - 1: larger seeds travel as a string, which
            // the scenario accepts, so every u64 seed is kept whole.
            let value = match i64::try_from(seed) {
                Ok(v) => toml::Value::Integer(v),
                Err(_) => toml::Value::String(seed.to_string()),
            };
            all.push(Override::new("simulation.seed", value));
        }
        all.extend(self.set.iter().cloned());
        all
    }
}

/// Options of commands that simulate.
#[derive(Debug, clap::Args)]
struct SimulationOptions {
    /// Folder for results: run writes DIR/<file stem>/, compare DIR/compare-<stemA>-vs-<stemB>/
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
    /// Also write report.html into the result folder (as `wom report` does)
    #[arg(long)]
    report: bool,
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
        /// Folder of the validation scenarios (default: scenarios/validation in the
        /// current folder, else in the wom checkout this binary was built from)
        #[arg(long, value_name = "DIR")]
        scenarios: Option<PathBuf>,
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
    /// Which uncertain assumption moves the result most: Sobol' indices, a
    /// tornado and the metric's spread over the scenario's [uncertain] table
    /// (docs/decisions.md)
    Sensitivity {
        /// Scenario file (.toml) with an [uncertain] table
        #[arg(value_name = "SCENARIO")]
        file: PathBuf,
        /// Another scenario, given the same drawn assumptions: reports p_better,
        /// the chance the first beats it
        #[arg(long, value_name = "B.toml")]
        against: Option<PathBuf>,
        /// Base samples N of the Saltelli design: N (k + 2) evaluations for k assumptions
        #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
        samples: u32,
        /// What to judge
        #[arg(long, value_enum, default_value = "conversions")]
        metric: crate::decide::evaluate::Metric,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// Run a scenario over a grid of one or two keys, same seed at every point
    /// (docs/decisions.md)
    Sweep {
        /// Scenario file (.toml)
        #[arg(value_name = "SCENARIO")]
        file: PathBuf,
        /// KEY=VALUES: a list (0.05,0.1,0.2) or a grid LO..HI:N (N points, ends
        /// included); once for a line, twice for a heat map
        #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
        vary: Vec<String>,
        /// Compare every point with this scenario (diff, its 95% CI, p_better)
        #[arg(long, value_name = "B.toml")]
        against: Option<PathBuf>,
        /// What to judge
        #[arg(long, value_enum, default_value = "conversions")]
        metric: crate::decide::evaluate::Metric,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// The value of B's KEY at which B's mean metric equals A's, with a 95% CI
    /// (docs/decisions.md)
    Breakeven {
        /// The scenario to match (.toml)
        #[arg(value_name = "A")]
        a: PathBuf,
        /// The scenario whose KEY is solved for (.toml)
        #[arg(value_name = "B")]
        b: PathBuf,
        /// B's numeric key, e.g. advocates.count
        #[arg(long, value_name = "KEY")]
        solve: String,
        /// Where to search, LO..HI (default: B's value / 4 to x 4; [0, 1] for a probability)
        #[arg(long, value_name = "LO..HI")]
        range: Option<String>,
        /// What to judge
        #[arg(long, value_enum, default_value = "conversions")]
        metric: crate::decide::evaluate::Metric,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// The mix of the scenario's creators and programme levels that maximises
    /// conversions or profit within a budget (docs/decisions.md)
    Optimize {
        /// Scenario file (.toml): its creators and programmes are the menu
        #[arg(value_name = "SCENARIO")]
        file: PathBuf,
        /// The most the plan may cost, in the scenario's money (above 0)
        #[arg(long, value_name = "B", required = true, value_parser = optimize::parse_budget)]
        budget: f64,
        /// What to maximise
        #[arg(long, value_enum, default_value = "conversions")]
        metric: crate::decide::optimize::Objective,
        /// Levels of each programme's ladder: counts (or incentives) k/N of its own, k = 1..N
        #[arg(long, value_name = "N", default_value_t = crate::decide::optimize::DEFAULT_LEVELS)]
        levels: u32,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// Fit a scenario's parameters to an observed curve (ABC-SMC, priors from its
    /// [uncertain] table), or the Bass model to a sales series (docs/calibration.md)
    Fit {
        /// Scenario file (.toml) whose [uncertain] table gives the priors
        #[arg(value_name = "SCENARIO")]
        scenario: Option<PathBuf>,
        /// The observed curve: a CSV file with columns `step` (0 = launch day) and
        /// one of `new_conversions`, `conversions` or `adopters`
        #[arg(value_name = "DATA.csv")]
        data: Option<PathBuf>,
        /// Keys to fit, comma-separated, each with an [uncertain] prior, e.g.
        /// word_of_mouth.conversion,word_of_mouth.advocacy
        #[arg(long, value_name = "KEY[,KEY...]", value_delimiter = ',')]
        params: Vec<String>,
        /// Particles per generation of the sampler
        #[arg(long, value_name = "N", default_value_t = AbcOptions::default().particles as u32,
              value_parser = clap::value_parser!(u32).range(2..=crate::decide::abc::MAX_PARTICLES as i64))]
        particles: u32,
        /// Simulations per particle
        #[arg(long = "per-particle", value_name = "M", default_value_t = AbcOptions::default().replicates as u32,
              value_parser = clap::value_parser!(u32).range(1..=crate::decide::abc::MAX_REPLICATES as i64))]
        per_particle: u32,
        /// The most generations, the prior's included
        #[arg(long, value_name = "G", default_value_t = AbcOptions::default().generations as u32,
              value_parser = clap::value_parser!(u32).range(1..=crate::decide::abc::MAX_GENERATIONS as i64))]
        generations: u32,
        /// Stop when a generation's acceptance rate would fall below this
        #[arg(long = "min-acceptance", value_name = "RATE", default_value_t = AbcOptions::default().min_acceptance)]
        min_acceptance: f64,
        /// Fit the Bass model to a sales series instead: a CSV file with columns
        /// `period` (1 = first period after launch) and `sales`
        #[arg(long, value_name = "DATA.csv")]
        bass: Option<PathBuf>,
        #[command(flatten)]
        simulation: SimulationOptions,
        #[command(flatten)]
        options: ScenarioOptions,
    },
    /// Write DIR/report.html: one self-contained page with the answer, figures,
    /// tables and every assumption of a result folder (run, compare, sweep,
    /// breakeven, sensitivity, optimize, fit)
    Report {
        /// A result folder, e.g. output/micro-advocates
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Run wom with these arguments (the first is the program name) and return the
/// process exit code. Prints results on stdout and errors on stderr.
pub fn main<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Under mpirun every rank runs the command (src/sim/distribute.rs); only
    // rank 0 prints, and every rank learns how the others ended.
    // Held to the end: dropping it finalises MPI.
    let _job = match distribute::start() {
        Ok(job) => job,
        Err(e) => {
            print_error(&e.to_string());
            return e.exit_code();
        }
    };
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; everything else is usage (2).
            // Every rank parsed the same arguments, so every rank stops here.
            if distribute::is_root() {
                let _ = e.print();
            }
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let outcome = dispatch(cli);
    if let Err(e) = &outcome {
        if distribute::is_root() {
            print_error(&e.to_string());
        }
    }
    let (code, other) = distribute::finish(&outcome);
    if let Some(message) = other {
        print_error(&message);
    }
    code
}

/// An error as `error: …` lines on stderr (indented lines as they are). Messages
/// echo names and paths from the user's files: their control characters are
/// shown escaped, never sent to the terminal.
fn print_error(message: &str) {
    for line in message.lines() {
        let line = crate::error::escape_controls(line);
        if line.starts_with("  ") {
            eprintln!("{line}");
        } else {
            eprintln!("error: {line}");
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    // Commands with nothing to split run on rank 0 alone under MPI.
    let single = matches!(
        cli.command,
        Command::Validate { .. } | Command::Graph { .. } | Command::Fit { bass: Some(_), .. }
    );
    if single && !distribute::is_root() {
        return Ok(());
    }
    let result = match cli.command {
        Command::Run {
            file,
            simulation,
            options,
        } => run::run_one(&file, &simulation, &options),
        Command::Compare {
            files,
            simulation,
            options,
        } => compare::compare_many(&files, &simulation, &options),
        Command::Reproduce {
            name,
            scenarios,
            out,
            replicates,
            nodes,
            threads,
            force,
            quiet,
        } => reproduce::reproduce(
            &name,
            &reproduce::scenarios_folder(scenarios.as_deref())?,
            &out,
            crate::reproduce::Scale { replicates, nodes },
            threads,
            force,
            quiet,
        ),
        Command::Validate {
            files,
            explain,
            options,
        } => return validate::validate(&files, explain, &options.overrides()),
        Command::Graph {
            file,
            json,
            options,
        } => graph::graph(&file, json, &options.overrides()),
        Command::Sensitivity {
            file,
            against,
            samples,
            metric,
            simulation,
            options,
        } => sensitivity::sensitivity(
            &file,
            against.as_deref(),
            samples as usize,
            metric,
            &simulation,
            &options,
        ),
        Command::Sweep {
            file,
            vary,
            against,
            metric,
            simulation,
            options,
        } => sweep::sweep(
            &file,
            &vary,
            against.as_deref(),
            metric,
            &simulation,
            &options,
        ),
        Command::Breakeven {
            a,
            b,
            solve,
            range,
            metric,
            simulation,
            options,
        } => breakeven::breakeven(
            &a,
            &b,
            &solve,
            range.as_deref(),
            metric,
            &simulation,
            &options,
        ),
        Command::Optimize {
            file,
            budget,
            metric,
            levels,
            simulation,
            options,
        } => optimize::optimize(&file, budget, metric, levels, &simulation, &options),
        Command::Fit {
            scenario,
            data,
            params,
            particles,
            per_particle,
            generations,
            min_acceptance,
            bass,
            simulation,
            options,
        } => match bass {
            Some(bass) => {
                fit::check_bass_alone(
                    scenario.as_deref(),
                    data.as_deref(),
                    &params,
                    &simulation,
                    &options,
                )?;
                fit::fit_bass(
                    &bass,
                    &simulation.out,
                    simulation.force,
                    simulation.quiet,
                    simulation.report,
                )
            }
            None => fit::fit_network(
                scenario.as_deref(),
                data.as_deref(),
                &params,
                fit::Knobs {
                    particles: particles as usize,
                    per_particle: per_particle as usize,
                    generations: generations as usize,
                    min_acceptance,
                },
                &simulation,
                &options,
            ),
        },
        Command::Report { dir } => report::report(&dir),
    };
    ignore_broken_pipe(result)
}

/// Writing to a closed pipe (`wom graph x.toml | head -1`) is success.
fn ignore_broken_pipe(result: Result<()>) -> Result<()> {
    match result {
        Err(WomError::Stdout(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Standard output with control characters shown escaped (`\u{7}`): what a command
/// prints echoes names from the user's files, which must not ring, retitle or
/// recolour the terminal. Newlines and tabs pass.
fn terminal() -> Escaping<io::StdoutLock<'static>> {
    Escaping {
        inner: io::stdout().lock(),
        lead: false,
    }
}

/// A writer that escapes C0 control bytes (but newline and tab), DEL and the C1
/// controls (U+0080 to U+009F, `C2 80` to `C2 9F` in UTF-8).
struct Escaping<W: io::Write> {
    inner: W,
    /// The last byte written was a `C2` lead byte, held back.
    lead: bool,
}

impl<W: io::Write> io::Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if self.lead {
                self.lead = false;
                if (0x80..=0x9f).contains(&b) {
                    write!(self.inner, "\\u{{{b:x}}}")?;
                    start = i + 1;
                    continue;
                }
                self.inner.write_all(&[0xc2])?;
            }
            if b == 0xc2 || (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                self.inner.write_all(&buf[start..i])?;
                start = i + 1;
                if b == 0xc2 {
                    self.lead = true;
                } else {
                    write!(self.inner, "\\u{{{b:x}}}")?;
                }
            }
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.lead) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

impl<W: io::Write> Drop for Escaping<W> {
    fn drop(&mut self) {
        let _ = io::Write::flush(self);
    }
}

fn io_error(e: io::Error) -> WomError {
    WomError::Stdout(e)
}

/// Overrides from the simulation flags first, then --seed and --set (which win).
fn all_overrides(simulation: &SimulationOptions, options: &ScenarioOptions) -> Vec<Override> {
    let mut all = simulation.overrides();
    all.extend(options.overrides());
    all
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn the_terminal_gets_control_characters_escaped() {
        let mut bytes = Vec::new();
        {
            let mut out = super::Escaping {
                inner: &mut bytes,
                lead: false,
            };
            write!(out, "bell\u{7}\tok\u{1b}]0;x\né\u{9b}").unwrap();
            out.write_all(&[0xc2]).unwrap();
            out.write_all(&[0x9b, b'z']).unwrap();
        }
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "bell\\u{7}\tok\\u{1b}]0;x\né\\u{9b}\\u{9b}z"
        );
    }
}
