//! The report of a network fit folder (`wom fit SCENARIO DATA.csv --params ...`):
//! `fit.json` with `params` (per key: the posterior median and its 95% interval),
//! the RMSE of the fitted curve, the simulations run and the tolerance schedule.

use super::fit::data_name;
use super::{command, common_flags, figure, inputs, parse, InputJson, Page, Table};
use crate::error::{Diagnostic, Result, WomError};
use crate::results::fit::six_digits as g6;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Param {
    estimate: f64,
    ci95_low: f64,
    ci95_high: f64,
    prior: Value,
    prior_ci95_low: f64,
    prior_ci95_high: f64,
    width_share_of_prior: f64,
}

#[derive(Debug, Deserialize)]
struct Generation {
    generation: u64,
    tolerance: Option<f64>,
    candidates: u64,
    simulations: u64,
    accepted: u64,
    acceptance_rate: f64,
    ess: f64,
    abandoned: bool,
}

#[derive(Debug, Deserialize)]
struct NetworkFit {
    scenario: String,
    scenario_file: String,
    data: String,
    measure: String,
    steps: u64,
    method: String,
    /// In the order `--params` gave them (absent from older files).
    #[serde(default)]
    keys: Vec<String>,
    params: BTreeMap<String, Param>,
    rmse: f64,
    fitted_replicates: u64,
    simulations: u64,
    particles: u64,
    replicates_per_particle: u64,
    max_generations: u64,
    min_acceptance: f64,
    seed: u64,
    tolerance: Option<f64>,
    stop: String,
    generations: Vec<Generation>,
    #[serde(default)]
    inputs: Vec<InputJson>,
    wom_version: String,
}

/// A prior as `[uncertain]` writes it: `{ dist = "uniform", low = 0.02, high = 0.3 }`.
fn prior(v: &Value) -> String {
    let Some(map) = v.as_object() else {
        return v.to_string();
    };
    // The distribution first, then its parameters in the order the docs give them.
    const ORDER: [&str; 9] = [
        "dist", "low", "high", "a", "b", "survey", "sample", "median", "sigma",
    ];
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    let parts: Vec<String> = keys.iter().map(|k| format!("{k} = {}", map[*k])).collect();
    format!("{{ {} }}", parts.join(", "))
}

/// Why the sampler stopped, as `wom fit` prints it.
fn stopped(f: &NetworkFit) -> String {
    match f.stop.as_str() {
        "generations" => "every generation run".to_string(),
        "acceptance" => format!("acceptance rate below {}", f.min_acceptance),
        "tolerance" => "the tolerance stopped falling".to_string(),
        other => other.to_string(),
    }
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let f: NetworkFit = parse(dir, "fit.json", text)?;
    if f.params.is_empty() {
        return Err(WomError::input(
            Diagnostic::new("fit.json fits no key: its `params` is empty")
                .file(dir.join("fit.json"))
                .help("make the folder again with wom fit"),
        ));
    }
    // The keys in the order `--params` gave them.
    let mut keys: Vec<&str> = f
        .keys
        .iter()
        .map(String::as_str)
        .filter(|k| f.params.contains_key(*k))
        .collect();
    for k in f.params.keys() {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    let params: Vec<(&str, &Param)> = keys.iter().map(|k| (*k, &f.params[*k])).collect();
    let parts: Vec<String> = params
        .iter()
        .map(|(k, p)| {
            format!(
                "{k} = {} (95% interval {} to {})",
                g6(p.estimate),
                g6(p.ci95_low),
                g6(p.ci95_high)
            )
        })
        .collect();
    let headline = format!(
        "Fitted to the {} steps of {} in {}, “{}” has {}; at these values its mean curve misses the data by {} (RMSE, in {}).",
        f.steps,
        f.measure,
        data_name(&f.data),
        f.scenario,
        parts.join(" and "),
        g6(f.rmse),
        f.measure
    );
    let mut page = Page::new(
        format!("{} fitted to {}", f.scenario, data_name(&f.data)),
        headline,
    );
    page.fact(
        "data",
        format!("{} ({}, {} steps)", f.data, f.measure, f.steps),
    );
    page.fact(
        "rmse",
        format!(
            "{} (the mean of {} replicates at the estimates against the data)",
            g6(f.rmse),
            f.fitted_replicates
        ),
    );
    let kept = f.generations.iter().filter(|g| !g.abandoned).count();
    page.fact(
        "sampler",
        format!(
            "ABC-SMC: {} particles × {} simulations, {} generations kept of {} (at most {}), {} simulations, tolerance {}, stopped: {}",
            f.particles,
            f.replicates_per_particle,
            kept,
            f.generations.len(),
            f.max_generations,
            f.simulations,
            f.tolerance.map_or("none".to_string(), g6),
            stopped(&f)
        ),
    );
    let right = if keys.len() >= 2 {
        format!(
            "Right: the posterior particles of {} against {} over the prior's range, the estimate (diamond) and the 95% intervals (dashed lines).",
            keys[0], keys[1]
        )
    } else {
        format!(
            "Right: each posterior particle's {} against the distance (RMSE) of its simulations from the data, the estimate (diamond) and the 95% interval (dashed lines).",
            keys[0]
        )
    };
    page.figures.push(figure(
        dir,
        "fit",
        &format!(
            "The data and the scenario at the fitted values, and the posterior of {}",
            keys.join(" and ")
        ),
        &format!(
            "Left: dots are the data; the line is the mean of {} replicates of the scenario at the estimates and the band holds 5–95% of those replicates (the spread of single runs, not a confidence interval). {right}",
            f.fitted_replicates
        ),
    ));
    let mut table = Table::new(
        "estimates",
        "Estimates (posterior medians) with their 95% intervals (the posterior's 2.5% and 97.5% quantiles), against the prior",
        &[
            "key",
            "estimate",
            "95% interval",
            "prior",
            "prior 95% range",
            "interval width / prior's range",
        ],
    )
    .text_columns(&[3]);
    for (k, p) in &params {
        table.row(
            k.to_string(),
            vec![
                g6(p.estimate),
                format!("{} to {}", g6(p.ci95_low), g6(p.ci95_high)),
                prior(&p.prior),
                format!("{} to {}", g6(p.prior_ci95_low), g6(p.prior_ci95_high)),
                format!("{:.0}%", 100.0 * p.width_share_of_prior),
            ],
        );
    }
    page.tables.push(table);
    let mut schedule = Table::new(
        "generations",
        "The tolerance schedule: every generation of the sampler (generation 0 samples the prior)",
        &[
            "generation",
            "tolerance (RMSE)",
            "candidates",
            "simulations",
            "accepted",
            "acceptance rate",
            "effective sample size",
            "kept",
        ],
    )
    .text_columns(&[7]);
    for g in &f.generations {
        schedule.row(
            g.generation.to_string(),
            vec![
                g.tolerance.map_or("none (the prior)".to_string(), g6),
                g.candidates.to_string(),
                g.simulations.to_string(),
                g.accepted.to_string(),
                format!("{:.3}", g.acceptance_rate),
                format!("{:.1}", g.ess),
                if g.abandoned {
                    "abandoned".to_string()
                } else {
                    "yes".to_string()
                },
            ],
        );
    }
    page.tables.push(schedule);
    if f.stop == "acceptance" {
        page.notes.push(format!(
            "The sampler stopped because a generation's acceptance rate fell below {}; the posterior is the last generation kept.",
            f.min_acceptance
        ));
    }
    page.method = Some(format!(
        "{}. Each estimate is its key's posterior median, taken key by key: when keys trade off (posterior.csv holds the joint sample), their pair is one plausible point, not the only one. fitted.toml is the scenario at the estimates.",
        f.method
    ));
    let roles: Vec<(String, String)> = keys
        .iter()
        .map(|k| (k.to_string(), "fitted by this fit".to_string()))
        .collect();
    page.inputs = inputs(&f.inputs, &roles);
    let overrides = f
        .inputs
        .first()
        .map(|i| i.overrides.clone())
        .unwrap_or_default();
    page.overrides = overrides.clone();
    let mut words = vec![
        "fit".to_string(),
        f.scenario_file.clone(),
        f.data.clone(),
        "--params".into(),
        keys.join(","),
        "--particles".into(),
        f.particles.to_string(),
        "--per-particle".into(),
        f.replicates_per_particle.to_string(),
        "--generations".into(),
        f.max_generations.to_string(),
        "--min-acceptance".into(),
        f.min_acceptance.to_string(),
    ];
    common_flags(&mut words, &overrides, dir);
    page.command = command(&words);
    page.version = f.wom_version;
    page.seed = Some(f.seed.to_string());
    Ok(page)
}
