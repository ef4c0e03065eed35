//! `wom validate`: check scenario files without running them.

use crate::error::{Result, WomError};
use crate::scenario::{self, Override};
use std::io::{self, Write};
use std::path::PathBuf;

pub(super) fn validate(files: &[PathBuf], explain: bool, overrides: &[Override]) -> Result<()> {
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
