//! `wom report DIR`: write `DIR/report.html` from a result folder
//! ([`crate::results::report`]).

use super::io_error;
use crate::error::Result;
use crate::results::report;
use std::io::{self, Write};
use std::path::Path;

pub(super) fn report(dir: &Path) -> Result<()> {
    let path = report::write(dir)?;
    writeln!(io::stdout().lock(), "wrote {}", path.display()).map_err(io_error)
}

/// `--report` on a command that wrote `dir`: the report, and one line saying so.
pub(super) fn after(dir: &Path, wanted: bool) -> Result<()> {
    if wanted {
        report(dir)?;
    }
    Ok(())
}
