//! The report of a fit folder (`fit.json`): the Bass model fitted to a sales
//! series (`wom fit --bass`, here), or a scenario fitted to an observed curve
//! (`wom fit SCENARIO DATA.csv --params ...`, whose `fit.json` has `params`:
//! [`super::network_fit`]).

use super::{command, figure, parse, Page, Table};
use crate::error::Result;
use crate::results::fit::six_digits as g6;
use crate::statistics::Z95;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Estimate {
    estimate: f64,
    se: f64,
}

#[derive(Debug, Deserialize)]
struct Ols {
    p: f64,
    q: f64,
    m: f64,
}

#[derive(Debug, Deserialize)]
struct BassFit {
    data: String,
    periods: u64,
    method: String,
    p: Estimate,
    q: Estimate,
    m: Estimate,
    rss: f64,
    rmse: f64,
    iterations: u64,
    converged: bool,
    start: String,
    ols: Option<Ols>,
    ols_error: Option<String>,
    wom_version: String,
}

/// A parameter's normal-approximation 95% CI from its standard error.
fn ci(e: &Estimate) -> (f64, f64) {
    (e.estimate - Z95 * e.se, e.estimate + Z95 * e.se)
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let value: Value = parse(dir, "fit.json", text)?;
    if value.get("params").is_some_and(Value::is_object) {
        return super::network_fit::page(dir, text);
    }
    // The Bass fit; a file of neither shape is refused naming what it lacks.
    bass(dir, text)
}

pub(super) fn data_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn bass(dir: &Path, text: &str) -> Result<Page> {
    let f: BassFit = parse(dir, "fit.json", text)?;
    let part = |name: &str, what: &str, e: &Estimate| {
        let (l, h) = ci(e);
        format!(
            "{what} {name} = {} (95% CI {} to {})",
            g6(e.estimate),
            g6(l),
            g6(h)
        )
    };
    let headline = format!(
        "The Bass model fits the {} periods of {} with {}, {} and {}.",
        f.periods,
        data_name(&f.data),
        part("p", "innovation", &f.p),
        part("q", "imitation", &f.q),
        part("m", "market size", &f.m)
    );
    let mut page = Page::new(
        format!("Bass model fitted to {}", data_name(&f.data)),
        headline,
    );
    page.fact("data", f.data.clone());
    page.fact(
        "rmse",
        format!("{} per period (rss {})", g6(f.rmse), g6(f.rss)),
    );
    page.fact(
        "solver",
        format!(
            "{} iterations from the {} start, {}",
            f.iterations,
            f.start,
            if f.converged {
                "converged"
            } else {
                "not converged"
            }
        ),
    );
    page.figures.push(figure(
        dir,
        "fit",
        "Sales per period: the data and the fitted Bass curve",
        "Dots are the data; the line is the Bass model with the estimated p, q and m.",
    ));
    let mut table = Table::new(
        "estimates",
        "Estimates, standard errors, 95% CIs (estimate ± 1.96 standard errors) and the OLS estimates of Bass (1969)",
        &["parameter", "estimate", "std. error", "95% CI", "OLS (Bass 1969)"],
    );
    let ols = f.ols.as_ref();
    for (name, e, o) in [
        ("p (innovation)", &f.p, ols.map(|o| o.p)),
        ("q (imitation)", &f.q, ols.map(|o| o.q)),
        ("m (market size)", &f.m, ols.map(|o| o.m)),
    ] {
        let (l, h) = ci(e);
        table.row(
            name,
            vec![
                g6(e.estimate),
                g6(e.se),
                format!("{} to {}", g6(l), g6(h)),
                o.map_or_else(|| "n/a".to_string(), g6),
            ],
        );
    }
    page.tables.push(table);
    if let Some(e) = &f.ols_error {
        page.notes.push(format!("OLS n/a: {e}"));
    }
    if !f.converged {
        page.notes.push(format!(
            "The fit did not converge in {} iterations; the estimates are the last point reached.",
            f.iterations
        ));
    }
    page.method = Some(format!(
        "{}. Period 1 is the first period after launch and F(0) = 0. The 95% CIs are the normal approximation estimate ± 1.96 standard errors.",
        f.method
    ));
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    page.command = command(&[
        "fit".into(),
        "--bass".into(),
        f.data.clone(),
        "--out".into(),
        parent.display().to_string(),
    ]);
    page.version = f.wom_version;
    Ok(page)
}
