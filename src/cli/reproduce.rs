//! `wom reproduce`: run published experiments and write simulation beside theory.

use super::{io_error, with_threads};
use crate::error::Result;
use crate::reproduce::{self, Scale};
use crate::results::run as runner;
use std::io::{self, Write};
use std::path::Path;

/// Run experiment `name` (or `all` of them) at `scale` and write each into
/// `out/validation/<name>/`.
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
            runner::prepare_output_dir(&dir, force)?;
            reproduce::write(&experiment, &dir)?;
            if !quiet {
                let mut stdout = io::stdout().lock();
                writeln!(stdout, "{}\n", experiment.title).map_err(io_error)?;
                write!(stdout, "{}", reproduce::table_markdown(&experiment)).map_err(io_error)?;
                writeln!(stdout, "\nwrote {}\n", dir.display()).map_err(io_error)?;
            }
        }
        Ok(())
    };
    with_threads(threads, work)?
}
