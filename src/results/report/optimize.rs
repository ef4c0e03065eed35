//! The report of an optimisation folder (`optimize.json`, `wom optimize`).

use super::{command, common_flags, figure, inputs, money, parse, unit, InputJson, Page, Table};
use crate::error::Result;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Level {
    label: String,
    cost: f64,
}

#[derive(Debug, Deserialize)]
struct Channel {
    name: String,
    kind: String,
    levels: Vec<Level>,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    mean: f64,
    ci95_low: f64,
    ci95_high: f64,
}

#[derive(Debug, Deserialize)]
struct Evaluated {
    mix: Vec<usize>,
    description: String,
    cost: f64,
    conversions: Estimate,
    metric: Estimate,
}

#[derive(Debug, Deserialize)]
struct Step {
    channel: String,
    level: String,
    added_cost: f64,
    gain: f64,
    gain_per_cost: Option<f64>,
    cost: f64,
    metric_mean: f64,
}

#[derive(Debug, Deserialize)]
struct Difference {
    mean: f64,
    ci95_low: f64,
    ci95_high: f64,
    paired: bool,
    p_better: f64,
}

#[derive(Debug, Deserialize)]
struct Optimize {
    wom_version: String,
    scenario: String,
    file: String,
    metric: String,
    budget: f64,
    #[serde(default)]
    currency: Option<String>,
    levels: u32,
    exhaustive_limit: u64,
    seed: u64,
    replicates: u64,
    #[serde(default)]
    overrides: Vec<String>,
    menu: Vec<Channel>,
    method: String,
    menu_mixes: u64,
    affordable_mixes: Option<u64>,
    plan: Evaluated,
    greedy: Evaluated,
    greedy_steps: Vec<Step>,
    greedy_is_plan: bool,
    best_single: Option<Evaluated>,
    versus_single: Option<Difference>,
    frontier: Vec<Evaluated>,
    greedy_evaluations: u64,
    evaluations: u64,
    #[serde(default)]
    inputs: Vec<InputJson>,
}

impl Optimize {
    fn profit(&self) -> bool {
        self.metric == "profit"
    }

    /// The label of its money.
    fn unit(&self) -> &str {
        unit(&self.currency)
    }

    /// The budget as `wom optimize` prints it, with its currency.
    fn budget(&self) -> String {
        format!("{} {}", self.budget, self.unit())
    }
}

/// `n` things, in the plural unless one.
fn count(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

/// "how the plan was found", as `wom optimize` prints its method line.
fn method(r: &Optimize) -> String {
    if r.method == "exhaustive" {
        let greedy = if r.greedy_is_plan {
            "greedy search found the same plan".to_string()
        } else {
            format!(
                "greedy search would have chosen {} ({} {:.3})",
                r.greedy.description, r.metric, r.greedy.metric.mean
            )
        };
        format!(
            "It is exact for these replicates: all {} affordable mixes were simulated (exhaustive search), and {greedy}.",
            r.affordable_mixes.unwrap_or(0)
        )
    } else {
        format!(
            "It is greedy's plan (by gain per cost, {} steps, {} mixes simulated), not proven the best: more than {} of the menu's {} mixes are affordable, too many to simulate each.",
            r.greedy_steps.len(),
            r.evaluations,
            r.exhaustive_limit,
            r.menu_mixes
        )
    }
}

fn headline(r: &Optimize) -> String {
    let p = &r.plan;
    let c = &p.conversions;
    let mut text = format!(
        "The best plan found for a budget of {} wins {:.1} customers (95% CI {:.1} to {:.1})",
        r.budget(),
        c.mean,
        c.ci95_low,
        c.ci95_high
    );
    if r.profit() {
        text.push_str(&format!(
            " for a profit of {:.2} {} (95% CI {:.2} to {:.2})",
            p.metric.mean,
            r.unit(),
            p.metric.ci95_low,
            p.metric.ci95_high
        ));
    }
    match (&r.best_single, &r.versus_single) {
        (Some(s), Some(_)) if s.mix == p.mix => {
            text.push_str("; it buys one channel only, so it is also the best single-channel plan");
        }
        (Some(_), Some(d)) => {
            // "12.00 EUR more profit", "3.40 more" (customers).
            let (unit, profit) = if r.profit() {
                (format!(" {}", r.unit()), " profit")
            } else {
                (String::new(), "")
            };
            text.push_str(&format!(
                ", {:.2}{unit} {}{profit} than the best single channel ({} 95% CI {:+.2} to {:+.2}; the plan does better in {:.0}% of replicates)",
                d.mean.abs(),
                if d.mean < 0.0 { "less" } else { "more" },
                if d.paired { "paired" } else { "Welch" },
                d.ci95_low,
                d.ci95_high,
                d.p_better * 100.0
            ));
        }
        _ => text.push_str("; no single channel fits the budget"),
    }
    text.push_str(". ");
    text.push_str(&method(r));
    text
}

/// The plan's level of every channel of the menu.
fn purchases(r: &Optimize) -> Table {
    let mut table = Table::new(
        "plan",
        format!(
            "The plan's purchases: every channel of the menu, what the plan buys of it and at what cost (money in {}); {:.2} of the budget of {} spent",
            r.unit(),
            r.plan.cost,
            r.budget()
        ),
        &["channel", "kind", "in the plan", "cost", "on the menu"],
    )
    .text_columns(&[1, 2, 4]);
    for (i, c) in r.menu.iter().enumerate() {
        let level = r.plan.mix.get(i).copied().unwrap_or(0);
        let bought = level.checked_sub(1).and_then(|l| c.levels.get(l));
        let menu = match c.levels.as_slice() {
            [one] => format!("{} at {:.2}", one.label, one.cost),
            [first, .., last] => format!(
                "{} levels, {} ({:.2}) to {} ({:.2})",
                c.levels.len(),
                first.label,
                first.cost,
                last.label,
                last.cost
            ),
            [] => "no level".to_string(),
        };
        table.row(
            c.name.clone(),
            vec![
                c.kind.clone(),
                bought.map_or("not bought".to_string(), |l| l.label.clone()),
                bought.map_or("0.00".to_string(), |l| format!("{:.2}", l.cost)),
                menu,
            ],
        );
    }
    table
}

fn frontier(r: &Optimize) -> Table {
    let mut head = vec!["budget (the mix's cost)", "conversions (95% CI)", "mix"];
    if r.profit() {
        head.insert(2, "profit (95% CI)");
    }
    let mut table = Table::new(
        "frontier",
        format!(
            "The best mix found at each budget: a row where it improves, holding until the next (money in {})",
            r.unit()
        ),
        &head,
    )
    .text_columns(&[head.len() - 1]);
    for e in &r.frontier {
        let c = &e.conversions;
        let mut cells = vec![format!(
            "{:.1} ({:.1} to {:.1})",
            c.mean, c.ci95_low, c.ci95_high
        )];
        if r.profit() {
            let m = &e.metric;
            cells.push(format!(
                "{:.2} ({:.2} to {:.2})",
                m.mean, m.ci95_low, m.ci95_high
            ));
        }
        cells.push(e.description.clone());
        table.row(format!("{:.2}", e.cost), cells);
    }
    table
}

fn steps(r: &Optimize) -> Table {
    let gain = format!("gain in {}", r.metric);
    let after = format!("{} after the step", r.metric);
    let mut table = Table::new(
        "greedy",
        format!(
            "Greedy's steps: each takes the affordable purchase with the largest gain per unit of cost (money in {})",
            r.unit()
        ),
        &[
            "step",
            "channel",
            "level",
            "added cost",
            &gain,
            "gain per unit of cost",
            "cost after the step",
            &after,
        ],
    )
    .text_columns(&[1, 2]);
    for (i, s) in r.greedy_steps.iter().enumerate() {
        table.row(
            (i + 1).to_string(),
            vec![
                s.channel.clone(),
                s.level.clone(),
                format!("{:.2}", s.added_cost),
                format!("{:.3}", s.gain),
                s.gain_per_cost
                    .map_or("free".to_string(), |g| format!("{g:.5}")),
                format!("{:.2}", s.cost),
                format!("{:.3}", s.metric_mean),
            ],
        );
    }
    table
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let r: Optimize = parse(dir, "optimize.json", text)?;
    let mut page = Page::new(
        format!("{}: the best plan within {}", r.scenario, r.budget()),
        headline(&r),
    );
    let creators = r.menu.iter().filter(|c| c.kind == "creator").count();
    page.fact(
        "menu",
        format!(
            "{} and {} ({} levels each), {} mixes",
            count(creators, "creator"),
            count(r.menu.len() - creators, "programme"),
            r.levels,
            r.menu_mixes
        ),
    );
    page.fact("best", r.metric.clone());
    page.fact(
        "plan",
        format!(
            "{}: cost {} of {}",
            r.plan.description,
            money(r.plan.cost, r.unit()),
            r.budget()
        ),
    );
    if let Some(s) = &r.best_single {
        page.fact(
            "best single",
            format!(
                "{}: cost {}; {} {:.2} (95% CI {:.2} to {:.2})",
                s.description,
                money(s.cost, r.unit()),
                r.metric,
                s.metric.mean,
                s.metric.ci95_low,
                s.metric.ci95_high
            ),
        );
    }
    page.fact(
        "replicates",
        format!(
            "{} per mix, seed {} in every mix (common random numbers: any two mixes are paired); {} mixes simulated, {} by greedy",
            r.replicates, r.seed, r.evaluations, r.greedy_evaluations
        ),
    );
    page.figures.push(figure(
        dir,
        "frontier",
        &format!(
            "Best conversions found at each budget up to {}, with the 95% CI of the mean",
            r.budget()
        ),
        "The step is the best mix found at each budget (it holds until the next step); the band is the 95% confidence interval of the mean conversions of each step's mix; the ringed point is the plan for the whole budget.",
    ));
    page.tables.push(purchases(&r));
    page.tables.push(frontier(&r));
    if !r.greedy_steps.is_empty() {
        page.tables.push(steps(&r));
    }
    page.notes.push(
        "Choosing the best of many noisy means favours mixes whose noise was lucky (winner's curse): run plan.toml with another seed for an unbiased estimate of the plan."
            .to_string(),
    );
    page.method = Some(format!(
        "Every mix is the scenario with the bought creators and the programmes at their levels, simulated with the same seed on one population. Greedy search starts from the empty mix and takes, step by step, the affordable purchase with the largest gain in mean {} per unit of added cost; its answer is the better of that chain's end and the best single purchase. When at most {} mixes are affordable every one is simulated and the plan is the best of them (exhaustive search). The plan is compared with the best single-channel plan replicate by replicate.",
        r.metric, r.exhaustive_limit
    ));
    page.inputs = inputs(&r.inputs, &[]);
    page.overrides = r.overrides.clone();
    let file = if r.inputs.is_empty() {
        r.file.clone()
    } else {
        super::file_of(&r.inputs, 0)
    };
    let mut words = vec![
        "optimize".to_string(),
        file,
        "--budget".into(),
        r.budget.to_string(),
        "--metric".into(),
        r.metric.clone(),
        "--levels".into(),
        r.levels.to_string(),
    ];
    common_flags(&mut words, &r.overrides, dir);
    page.command = command(&words);
    page.version = r.wom_version;
    page.seed = Some(r.seed.to_string());
    Ok(page)
}
