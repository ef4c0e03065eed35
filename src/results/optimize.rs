//! The files of `wom optimize` (docs/decisions.md): `plan.toml` (the chosen mix
//! as a runnable scenario), `frontier.csv` (the best mix found at each budget),
//! `optimize.json` (the menu, the plan, greedy's steps, the best single-channel
//! plan and the paired difference, the frontier, the scenario's `inputs`) and `frontier.png` / `.svg`.
//! Every file is written atomically; numbers are printed with the shortest
//! round-trip text, as `summary.json` prints them.

use crate::decide::optimize::{Menu, Objective, Outcome};
use crate::error::Result;
use crate::results::files;
use crate::results::plots::{frontier, FrontierPoint};
use crate::results::sweep::number;
use crate::scenario::{to_toml, Scenario};
use serde::Serialize;
use std::path::Path;

/// One level of a menu channel, as `optimize.json` lists it.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct MenuLevel {
    pub label: String,
    pub cost: f64,
}

/// One channel of the menu.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct MenuChannel {
    pub name: String,
    /// "creator" or "programme".
    pub kind: &'static str,
    pub levels: Vec<MenuLevel>,
}

/// The menu's channels as `optimize.json` lists them.
pub fn menu_channels(menu: &Menu) -> Vec<MenuChannel> {
    menu.channels
        .iter()
        .map(|c| MenuChannel {
            name: c.name.clone(),
            kind: if c.creator { "creator" } else { "programme" },
            levels: c
                .levels
                .iter()
                .map(|l| MenuLevel {
                    label: l.label.clone(),
                    cost: l.cost,
                })
                .collect(),
        })
        .collect()
}

/// Everything `optimize.json` holds.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct OptimizeReport {
    pub wom_version: &'static str,
    pub scenario: String,
    pub file: String,
    pub metric: Objective,
    pub budget: f64,
    /// Levels of each programme's ladder (`--levels`).
    pub levels: u32,
    pub exhaustive_limit: usize,
    pub seed: u64,
    pub replicates: u32,
    pub steps: u32,
    pub value_per_conversion: f64,
    /// The currency of the budget and every cost and profit; null when the
    /// scenario names none (money in "units").
    pub currency: Option<String>,
    /// Command-line overrides applied to every mix.
    pub overrides: Vec<String>,
    pub menu: Vec<MenuChannel>,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The scenario the menu was read from, with every assumption.
    pub inputs: Vec<crate::results::inputs::ScenarioInput>,
    /// Wall-clock seconds (the only field that changes between identical runs).
    pub seconds: f64,
}

/// `frontier.csv`: budget (the least budget that buys the row's mix: its cost),
/// conversions with their 95% CI, the mix, and the metric with its 95% CI.
pub fn frontier_csv(outcome: &Outcome) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "budget",
        "conversions_mean",
        "conversions_ci95_low",
        "conversions_ci95_high",
        "mix",
        "metric_mean",
        "metric_ci95_low",
        "metric_ci95_high",
    ])
    .expect("writing to memory");
    for e in &outcome.frontier {
        let n = |v: f64| number(Some(v));
        w.write_record([
            n(e.cost),
            n(e.conversions.mean),
            n(e.conversions.ci95_low),
            n(e.conversions.ci95_high),
            e.description.clone(),
            n(e.metric.mean),
            n(e.metric.ci95_low),
            n(e.metric.ci95_high),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}

/// `plan.toml`: the scenario of the plan's mix, named after it.
pub fn plan_toml(plan: &Scenario, report: &OptimizeReport) -> String {
    let mut s = plan.clone();
    s.name = format!("{}: optimised plan", report.scenario);
    s.description = format!(
        "wom optimize --budget {} --metric {}: {} (cost {} {})",
        number(Some(report.budget)),
        match report.metric {
            Objective::Conversions => "conversions",
            Objective::Profit => "profit",
        },
        report.outcome.plan.description,
        number(Some(report.outcome.plan.cost)),
        crate::scenario::money_unit(report.currency.as_deref()),
    );
    to_toml(&s)
}

/// Write the four files (and the SVG) into `dir`.
pub fn write(dir: &Path, plan: &Scenario, report: &OptimizeReport, title: &str) -> Result<()> {
    files::write_file(&dir.join("plan.toml"), plan_toml(plan, report).as_bytes())?;
    files::write_file(
        &dir.join("frontier.csv"),
        frontier_csv(&report.outcome).as_bytes(),
    )?;
    let json = serde_json::to_string_pretty(report).expect("reports serialise");
    files::write_file(&dir.join("optimize.json"), format!("{json}\n").as_bytes())?;
    let points: Vec<FrontierPoint> = report
        .outcome
        .frontier
        .iter()
        .map(|e| FrontierPoint {
            budget: e.cost,
            mean: e.conversions.mean,
            ci95_low: e.conversions.ci95_low,
            ci95_high: e.conversions.ci95_high,
        })
        .collect();
    let plan = &report.outcome.plan;
    frontier(
        dir,
        title,
        crate::scenario::money_unit(report.currency.as_deref()),
        &points,
        report.budget,
        (plan.cost, plan.conversions.mean),
    )
}
