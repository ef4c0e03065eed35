//! The report of a fit folder (`fit.json`): the Bass model fitted to a sales
//! series (`wom fit --bass`), or any fit whose `fit.json` gives its parameters as
//! objects with `estimate`, `ci95_low` and `ci95_high`.

use super::{command, figure, parse, Page, Table};
use crate::error::{Diagnostic, Result, WomError};
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
    if ["p", "q", "m"]
        .iter()
        .all(|k| value.get(k).is_some_and(|v| v.get("se").is_some()))
    {
        return bass(dir, text);
    }
    generic(dir, &value)
}

fn data_name(path: &str) -> String {
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

/// Parameters as `{estimate, ci95_low, ci95_high}` objects, at the top level or
/// under `parameters`/`params`.
fn generic(dir: &Path, value: &Value) -> Result<Page> {
    let scope = ["parameters", "params"]
        .iter()
        .find_map(|k| value.get(*k).filter(|v| v.is_object()))
        .unwrap_or(value);
    let number = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    let params: Vec<(String, f64, f64, f64)> = scope
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| {
            Some((
                k.clone(),
                number(v, "estimate")?,
                number(v, "ci95_low")?,
                number(v, "ci95_high")?,
            ))
        })
        .collect();
    if params.is_empty() {
        return Err(WomError::input(
            Diagnostic::new("fit.json gives no parameter with estimate, ci95_low and ci95_high")
                .file(dir.join("fit.json"))
                .help("make the folder again with wom fit"),
        ));
    }
    let parts: Vec<String> = params
        .iter()
        .map(|(k, e, l, h)| format!("{k} = {} (95% CI {} to {})", g6(*e), g6(*l), g6(*h)))
        .collect();
    let mut page = Page::new(
        "A fitted scenario".to_string(),
        format!("The fit estimates {}.", parts.join(", ")),
    );
    if let Some(r) = number(value, "rmse") {
        page.fact("rmse", g6(r));
    }
    page.figures.push(figure(
        dir,
        "fit",
        "The data with the fitted curve and its band",
        "Dots are the data; the line and band are the fitted model.",
    ));
    let mut table = Table::new(
        "estimates",
        "Estimates with their 95% intervals",
        &["parameter", "estimate", "95% interval"],
    );
    for (k, e, l, h) in &params {
        table.row(k.clone(), vec![g6(*e), format!("{} to {}", g6(*l), g6(*h))]);
    }
    page.tables.push(table);
    page.version = value
        .get("wom_version")
        .and_then(Value::as_str)
        .unwrap_or("(not recorded)")
        .to_string();
    page.command = "wom fit (see the folder's fit.json for its arguments)".to_string();
    Ok(page)
}
