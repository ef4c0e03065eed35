//! `wom fit --bass DATA.csv`: fit the Bass model to a sales series, write
//! `DIR/fit-<data file stem>/` and print the estimates.

use super::{io_error, output_folder_name};
use crate::decide::calibrate::{calibrate_bass, BassCalibration};
use crate::error::Result;
use crate::results::fit::{six_digits as g6, write_bass_fit, FitFiles};
use crate::results::run::prepare_output_dir;
use std::io::{self, Write};
use std::path::Path;

pub(super) fn fit_bass(
    data: &Path,
    out: &Path,
    force: bool,
    quiet: bool,
    report: bool,
) -> Result<()> {
    let fit = calibrate_bass(data)?;
    let stem = data
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = out.join(format!("fit-{}", output_folder_name(&stem)));
    prepare_output_dir(&dir, force)?;
    let files = write_bass_fit(&dir, &stem, &fit)?;
    if !fit.nls.converged {
        eprintln!(
            "warning: the fit did not converge in {} iterations; the estimates are the last point reached",
            fit.nls.iterations
        );
    }
    if let Some(why) = &files.no_scenario {
        eprintln!("warning: fitted.toml not written: {why}");
    }
    if !quiet {
        let mut out = super::terminal();
        write_fit_report(&mut out, &fit, &files, &dir).map_err(io_error)?;
    }
    super::report::after(&dir, report)
}

fn write_fit_report(
    out: &mut impl Write,
    fit: &BassCalibration,
    files: &FitFiles,
    dir: &Path,
) -> io::Result<()> {
    let n = &fit.nls;
    writeln!(
        out,
        "{}: Bass model fitted to {} periods by nonlinear least squares ({} iterations{})",
        fit.data.display(),
        fit.periods(),
        n.iterations,
        if n.converged { "" } else { ", not converged" }
    )?;
    writeln!(
        out,
        "{:<6} {:>12} {:>12} {:>16}",
        "", "estimate", "std. error", "OLS (Bass 1969)"
    )?;
    let ols = fit.ols.as_ref().ok();
    for (name, e, o) in [
        ("p", n.p, ols.map(|o| o.p)),
        ("q", n.q, ols.map(|o| o.q)),
        ("m", n.m, ols.map(|o| o.m)),
    ] {
        writeln!(
            out,
            "{name:<6} {:>12} {:>12} {:>16}",
            g6(e.estimate),
            g6(e.se),
            o.map_or_else(|| "n/a".to_string(), g6)
        )?;
    }
    if let Err(e) = &fit.ols {
        writeln!(out, "OLS    n/a: {e}")?;
    }
    writeln!(
        out,
        "rmse   {} per period (rss {})",
        g6(fit.rmse()),
        g6(n.rss)
    )?;
    let names: Vec<String> = files
        .written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    writeln!(out, "wrote  {} ({})", dir.display(), names.join(", "))
}
