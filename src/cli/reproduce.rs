//! `wom reproduce`: run published experiments and write simulation beside theory.

use super::{io_error, with_threads};
use crate::error::{Diagnostic, Result, WomError};
use crate::reproduce::{self, Scale};
use crate::results::run as runner;
use crate::sim::distribute;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Run experiment `name` (or `all` of them) at `scale` and write each into
/// `out/validation/<name>/`.
/// The folder of the validation scenarios: the one given, else
/// `scenarios/validation` in the current folder, else in the checkout this binary
/// was built from; an input error saying what to pass when none exists.
pub(super) fn scenarios_folder(given: Option<&Path>) -> Result<PathBuf> {
    let here = PathBuf::from("scenarios/validation");
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation");
    let candidates: Vec<PathBuf> = match given {
        Some(dir) => vec![dir.to_path_buf()],
        None => vec![here, built_from],
    };
    if let Some(found) = candidates
        .iter()
        .find(|d| d.join("bass-complete.toml").is_file())
    {
        return Ok(found.clone());
    }
    let looked: Vec<String> = candidates.iter().map(|d| d.display().to_string()).collect();
    Err(WomError::input(
        Diagnostic::new(format!(
            "cannot find the validation scenarios (looked in {})",
            looked.join(" and ")
        ))
        .field("--scenarios")
        .help("pass --scenarios DIR, the folder scenarios/validation of a wom checkout"),
    ))
}

pub(super) fn reproduce(
    name: &str,
    scenarios: &Path,
    out: &Path,
    scale: Scale,
    threads: Option<u32>,
    force: bool,
    quiet: bool,
) -> Result<()> {
    let names: Vec<&str> = if name == "all" {
        reproduce::EXPERIMENTS.to_vec()
    } else {
        vec![name]
    };
    let work = || -> Result<()> {
        for name in names {
            let dir = out.join("validation").join(name);
            let experiment = reproduce::run(name, scenarios, scale)?;
            if !distribute::is_root() {
                // Under MPI: this rank took its share of the replicates; rank 0 writes.
                continue;
            }
            runner::prepare_output_dir(&dir, force)?;
            reproduce::write(&experiment, &dir)?;
            if !quiet {
                let mut stdout = super::terminal();
                writeln!(stdout, "{}\n", experiment.title).map_err(io_error)?;
                write!(stdout, "{}", reproduce::table_markdown(&experiment)).map_err(io_error)?;
                writeln!(stdout, "\nwrote {}\n", dir.display()).map_err(io_error)?;
            }
        }
        Ok(())
    };
    with_threads(threads, work)?
}
