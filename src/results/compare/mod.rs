//! `wom compare`: run several scenarios and set them side by side.
//!
//! Each scenario runs into its own `run`-style folder; the comparison is then
//! computed from those folders' `replicates.csv` files (the single source of truth,
//! so anyone can recompute it). Scenarios that share the first one's population,
//! seed and replicate count are *paired*: replicate r of each ran on the same graph
//! with the same consumers (common random numbers), so differences are taken
//! replicate by replicate and their confidence intervals are tight.
//!
//! `analysis.rs` computes the numbers, `table.rs` writes them as CSV and as the
//! printed table; this file runs the scenarios and writes the folder.

mod analysis;
mod table;

pub use analysis::{
    analyse, estimate, paired, read_replicates, unpaired_reason, Comparison, Difference, Estimate,
    ReplicateRecord, ScenarioComparison, VersusFirst,
};
pub use table::{comparison_csv, table};

use crate::error::{Diagnostic, Result, WomError};
use crate::results::files;
use crate::results::plots::{self, ComparedSeries};
use crate::results::run::{self as runner, RunOptions};
use crate::results::staging::{self, Staging};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

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
///
/// Scenarios in different currencies are refused (exit 2) before anything runs:
/// their money cannot be compared ([`crate::scenario::common_currency`]).
pub fn compare(scenarios: &[Scenario], dir: &Path, options: RunOptions) -> Result<Comparison> {
    crate::scenario::common_currency(scenarios)?;
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
    files::write_file(
        &dir.join("comparison.csv"),
        comparison_csv(&comparison).as_bytes(),
    )?;
    let json = serde_json::to_string_pretty(&comparison).expect("comparisons serialise");
    files::write_file(&dir.join("comparison.json"), format!("{json}\n").as_bytes())?;
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
    let money = crate::scenario::money_unit(comparison.currency.as_deref());
    plots::comparison(dir, &title, money, &series)?;
    Ok(comparison)
}
