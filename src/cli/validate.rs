//! `wom validate`: check scenario files without running them.

use super::io_error;
use crate::error::{Result, WomError};
use crate::scenario::{self, Override};
use std::io::Write;
use std::path::PathBuf;

pub(super) fn validate(files: &[PathBuf], explain: bool, overrides: &[Override]) -> Result<()> {
    let mut diagnostics = Vec::new();
    let mut out = super::terminal();
    for file in files {
        match scenario::load(file, overrides) {
            // What is known only once the population is built (an audience larger
            // than an edge list's consumers) is checked here too, with its line.
            Ok(s) => match crate::sim::campaign::check_fits(&s) {
                Ok(()) => {
                    writeln!(out, "ok: {} ({})", file.display(), s.name).map_err(io_error)?;
                    if explain {
                        // A scenario file with every default filled in and absolute
                        // paths: it can be saved anywhere and run as it is.
                        write!(out, "{}", scenario::to_toml_absolute(&s)).map_err(io_error)?;
                    }
                }
                Err(WomError::Input(mut d)) => diagnostics.append(&mut d),
                Err(e) => return Err(e),
            },
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
