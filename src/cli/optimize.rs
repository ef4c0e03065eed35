//! `wom optimize SCENARIO --budget B`: the mix of the scenario's creators and
//! programme levels that maximises conversions or profit within B (method:
//! [`crate::decide::optimize`]); writes `DIR/optimize-<stem>/` (docs/decisions.md).

use super::sweep::{progress, shared_population};
use super::{all_overrides, in_file, io_error, ScenarioOptions, SimulationOptions};
use crate::decide::evaluate::evaluate;
use crate::decide::optimize::{optimize as search, Menu, Method, Objective, EXHAUSTIVE_LIMIT};
use crate::error::Result;
use crate::graph;
use crate::results::inputs::input;
use crate::results::optimize::{self as files, menu_channels, OptimizeReport};
use crate::results::run::prepare_output_dir;
use crate::scenario;
use crate::sim::distribute;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

/// `--budget`: a finite amount of money above 0.
pub(super) fn parse_budget(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(b) if b.is_finite() && b > 0.0 => Ok(b),
        Ok(b) => Err(format!(
            "the budget is {b}; it must be a finite amount of money above 0"
        )),
        Err(_) => Err(format!(
            "`{text}` is not a number; give the budget as an amount of money, e.g. 50000"
        )),
    }
}

pub(super) fn optimize(
    file: &Path,
    budget: f64,
    objective: Objective,
    levels: u32,
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let start = Instant::now();
    let overrides = all_overrides(simulation, options);
    let base = scenario::load(file, &overrides)?;
    let dir = simulation.out.join(format!(
        "optimize-{}",
        super::output_folder_name(&base.stem)
    ));
    // Under MPI every rank simulates its share of every mix's replicates, so
    // every rank takes the same steps of the search; rank 0 writes.
    let root = distribute::is_root();
    let visible = root && !simulation.quiet && io::stderr().is_terminal();
    let bar = progress(visible, 0);
    let replicates = u64::from(base.simulation.replicates);
    let prepared = simulation.with_threads(|| -> Result<_> {
        let shared = shared_population(&base, file)?;
        let menu = match &shared {
            Some(p) => Menu::new(&base, p, levels)?,
            None => {
                let p = graph::build(&base.population, base.simulation.seed, 0)
                    .map_err(|e| in_file(e, file))?;
                Menu::new(&base, &p, levels)?
            }
        };
        Ok((shared, menu))
    })??;
    let (population, menu) = prepared;
    if root {
        prepare_output_dir(&dir, simulation.force)?;
    }
    let outcome = simulation.with_threads(|| {
        search(&menu, budget, objective, EXHAUSTIVE_LIMIT, |s| {
            bar.inc_length(replicates);
            evaluate(s, population.as_ref(), &bar).map_err(|e| in_file(e, file))
        })
    })??;
    bar.finish_and_clear();
    if !root {
        return Ok(());
    }
    let plan = menu.scenario(&outcome.plan.mix);
    let report = OptimizeReport {
        wom_version: env!("CARGO_PKG_VERSION"),
        scenario: base.name.clone(),
        file: file.display().to_string(),
        metric: objective,
        budget,
        levels,
        exhaustive_limit: EXHAUSTIVE_LIMIT,
        seed: base.simulation.seed,
        replicates: base.simulation.replicates,
        steps: base.simulation.steps,
        value_per_conversion: base.economics.value_per_conversion,
        currency: base.economics.currency.clone(),
        overrides: base.overrides(),
        menu: menu_channels(&menu),
        outcome,
        inputs: vec![input("scenario", &base)],
        seconds: start.elapsed().as_secs_f64(),
    };
    let title = format!(
        "{}: best {} within {} {}",
        base.title(),
        objective.metric().name(),
        crate::results::plots::tick(&budget),
        base.economics.unit()
    );
    files::write(&dir, &plan, &report, &title)?;
    let mut out = io::stdout().lock();
    print(&mut out, &report, &dir).map_err(io_error)?;
    drop(out);
    super::report::after(&dir, simulation.report)
}

fn print(out: &mut impl Write, r: &OptimizeReport, dir: &Path) -> io::Result<()> {
    let o = &r.outcome;
    let metric = r.metric.metric().name();
    let creators = r.menu.iter().filter(|c| c.kind == "creator").count();
    let unit = crate::scenario::money_unit(r.currency.as_deref());
    writeln!(
        out,
        "{}: {} creators and {} programmes, budget {} {unit}, best {metric}, {} replicates, seed {}",
        r.scenario,
        creators,
        r.menu.len() - creators,
        r.budget,
        r.replicates,
        r.seed
    )?;
    match o.method {
        Method::Exhaustive => writeln!(
            out,
            "method       exhaustive: all {} affordable mixes; greedy ({} of them simulated) {}",
            o.affordable_mixes.unwrap_or(0),
            o.greedy_evaluations,
            if o.greedy_is_plan {
                "found the same plan".to_string()
            } else {
                format!(
                    "chose {} ({metric} {:.3})",
                    o.greedy.description, o.greedy.metric.mean
                )
            }
        )?,
        Method::Greedy => writeln!(
            out,
            "method       greedy by gain per cost ({} steps, {} mixes simulated; more than {} of the menu's {} mixes are affordable)",
            o.greedy_steps.len(),
            o.evaluations,
            r.exhaustive_limit,
            o.menu_mixes
        )?,
    }
    let p = &o.plan;
    writeln!(out, "plan         {}", p.description)?;
    let mut line = format!(
        "             cost {:.2} of {} {unit}; conversions {:.1} (95% CI {:.1} to {:.1})",
        p.cost, r.budget, p.conversions.mean, p.conversions.ci95_low, p.conversions.ci95_high,
    );
    if r.metric != Objective::Conversions {
        line.push_str(&format!(
            "; {metric} {:.2} (95% CI {:.2} to {:.2})",
            p.metric.mean, p.metric.ci95_low, p.metric.ci95_high
        ));
    }
    writeln!(out, "{line}")?;
    if let (Some(s), Some(d)) = (&o.best_single, &o.versus_single) {
        writeln!(
            out,
            "best single  {}: cost {:.2} {unit}; {metric} {:.2} (95% CI {:.2} to {:.2})",
            s.description, s.cost, s.metric.mean, s.metric.ci95_low, s.metric.ci95_high
        )?;
        writeln!(
            out,
            "difference   plan - best single: {metric} {:+.2} (95% CI {:+.2} to {:+.2}), {}, plan better in {:.0}% of replicates",
            d.mean,
            d.ci95_low,
            d.ci95_high,
            if d.paired { "paired" } else { "Welch" },
            d.p_better * 100.0
        )?;
    } else {
        writeln!(out, "best single  no single channel fits the budget")?;
    }
    writeln!(out, "wrote        {}", dir.display())
}
