//! `wom optimize`: the mix of a scenario's channels that maximises a metric
//! within a budget (the menu: [`menu`]).
//!
//! Every mix is simulated with the scenario's own seed on one population, so
//! any two mixes are paired replicate by replicate (common random numbers) and
//! a difference between them carries the noise of the difference, not of each
//! mean. The search:
//!
//! 1. **Greedy** by marginal gain per cost: from the empty mix, each step
//!    takes the affordable next purchase (a creator not yet bought, or the next
//!    level of a programme) whose gain in the metric's mean per unit of added
//!    cost is largest (a free purchase with a gain comes first); it stops when
//!    no affordable purchase raises the mean. Gains are measured lazily (CELF,
//!    Leskovec et al. 2007): a purchase's ratio measured at an earlier, smaller
//!    mix is taken as a bound on its ratio now, and only the purchase with the
//!    largest bound is re-measured; it is taken when its fresh ratio is still
//!    the largest. This is plain greedy whenever gains shrink as the mix grows
//!    (diminishing returns, as under the independent cascade); where channels
//!    reinforce each other a purchase may be re-measured too rarely, and one
//!    whose gain was not positive is not tried again. The greedy
//!    answer is the better of that chain's end and the best single purchase
//!    (any one channel at any affordable level): for a monotone submodular
//!    objective known exactly this is within ½(1 − 1/e) of the optimum
//!    (Leskovec et al., KDD 2007; Khuller, Moss & Naor 1999).
//! 2. **Exhaustive** when the menu has at most [`EXHAUSTIVE_LIMIT`] affordable
//!    mixes: every one is evaluated and the plan is the best of them, so there
//!    the plan is the exact optimum of the estimated means (on these replicates),
//!    and the report says whether greedy found it.
//!
//! The plan is compared, paired, with the best single-channel plan (the best
//! mix buying one channel only). Selection picks maxima of noisy estimates, so
//! the plan's mean is biased upwards by the noise of the candidates it beat
//! (winner's curse); re-running `plan.toml` with another seed gives an unbiased
//! estimate. Pure: the caller's closure simulates a scenario.
//!
//! Under MPI (`sim::distribute`) the greedy chain's mixes, each needed before
//! the next is chosen, are simulated one at a time with their replicates split
//! across the ranks (inside the caller's closure); the single purchases and the
//! exhaustive search's mixes, known beforehand, are split whole across the
//! ranks instead. Every rank ends with the same evaluations, so it takes the
//! same steps and the result is the same for any number of ranks.

pub mod menu;

use crate::decide::evaluate::{Evaluation, Metric};
use crate::decide::sweep::{difference, Difference, Estimate};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::distribute::{self, Record, Words};
pub use menu::{Channel, Menu, Mix};
use serde::Serialize;
use std::collections::BTreeMap;

/// The most affordable mixes evaluated one by one (exhaustive search).
pub const EXHAUSTIVE_LIMIT: usize = 256;

/// Levels of a programme's ladder unless `--levels` says otherwise.
pub const DEFAULT_LEVELS: u32 = 10;

/// What `wom optimize` maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Conversions (new customers).
    Conversions,
    /// Value of the conversions − cost.
    Profit,
}

impl Objective {
    /// The matching evaluation metric.
    pub fn metric(self) -> Metric {
        match self {
            Objective::Conversions => Metric::Conversions,
            Objective::Profit => Metric::Profit,
        }
    }
}

/// A cost within a budget, allowing for rounding in sums of money.
pub fn fits(cost: f64, budget: f64) -> bool {
    cost <= budget + 1e-9 * budget.abs().max(1.0)
}

/// One evaluated mix.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct Evaluated {
    /// Level index per channel (0: not bought).
    pub mix: Mix,
    /// The mix in words.
    pub description: String,
    pub cost: f64,
    pub conversions: Estimate,
    pub metric: Estimate,
    /// The metric per replicate (not written).
    #[serde(skip)]
    pub values: Vec<f64>,
}

/// One greedy step.
#[allow(missing_docs)] // the fields of the files, described in docs/decisions.md
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The channel bought (or raised a level).
    pub channel: String,
    /// Its level after the step ("bought", "120 advocates", ...).
    pub level: String,
    pub added_cost: f64,
    /// Gain in the metric's mean, and per unit of added cost (null when free).
    pub gain: f64,
    pub gain_per_cost: Option<f64>,
    /// The mix after the step.
    pub cost: f64,
    pub metric_mean: f64,
}

/// How the plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Every affordable mix was evaluated.
    Exhaustive,
    /// Greedy by gain per cost, or the best single purchase.
    Greedy,
}

/// What the search found.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Whether the plan is exhaustive search's or greedy's.
    pub method: Method,
    /// Mixes the menu has, and those within the budget (None when more than
    /// [`EXHAUSTIVE_LIMIT`]).
    pub menu_mixes: u64,
    /// Mixes within the budget, when counted (at most the exhaustive limit).
    pub affordable_mixes: Option<usize>,
    /// The plan.
    pub plan: Evaluated,
    /// Greedy's answer, its steps, and whether it is the plan.
    pub greedy: Evaluated,
    /// Greedy's purchases in order.
    pub greedy_steps: Vec<Step>,
    /// Whether greedy's answer is the plan.
    pub greedy_is_plan: bool,
    /// The best mix buying one channel only, and the plan minus it (paired).
    pub best_single: Option<Evaluated>,
    /// The plan minus the best single-channel mix, paired.
    pub versus_single: Option<Difference>,
    /// The best mix found at each budget: rows where it improves, by cost.
    pub frontier: Vec<Evaluated>,
    /// Distinct mixes simulated: by greedy and the single purchases, and in all.
    pub greedy_evaluations: usize,
    /// Distinct mixes simulated in all.
    pub evaluations: usize,
}

/// Evaluations made so far, by mix.
struct Cache<'m, F> {
    menu: &'m Menu,
    metric: Metric,
    eval: F,
    done: BTreeMap<Mix, Evaluated>,
}

impl<F: FnMut(&Scenario) -> Result<Evaluation>> Cache<'_, F> {
    fn get(&mut self, mix: &Mix) -> Result<Evaluated> {
        if let Some(e) = self.done.get(mix) {
            return Ok(e.clone());
        }
        let e = (self.eval)(&self.menu.scenario(mix))?;
        Ok(self.insert(mix, e))
    }

    /// Evaluate every mix of `mixes` not evaluated yet, before the search asks
    /// for them one by one. Under MPI the ranks split these mixes, each rank
    /// evaluating its share whole on its own threads (its simulations exchange
    /// nothing: `sim::distribute::gather` inside a gather), rather than split
    /// each mix's replicates; rank r takes mixes r, r + ranks, ..., so that
    /// costly and cheap mixes (lexicographic neighbours) spread over the ranks.
    /// Each mix's evaluation is the same whoever makes it, so the cache, and
    /// everything after, is the same for any number of ranks.
    fn prefetch(&mut self, mixes: &[Mix]) -> Result<()> {
        let todo: Vec<&Mix> = mixes
            .iter()
            .filter(|m| !self.done.contains_key(*m))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let n = todo.len();
        let ranks = if distribute::splits() {
            distribute::size()
        } else {
            1
        };
        // Gather blocks are contiguous; rank r's block is this order's r-th
        // stride (block r and stride r have the same length).
        let order: Vec<usize> = (0..ranks).flat_map(|r| (r..n).step_by(ranks)).collect();
        let (menu, eval) = (self.menu, &mut self.eval);
        let evaluations = distribute::gather(n, |block| {
            block
                .map(|i| eval(&menu.scenario(todo[order[i]])).map(MixRecord))
                .collect()
        })?;
        for (&i, MixRecord(e)) in order.iter().zip(evaluations) {
            self.insert(todo[i], e);
        }
        Ok(())
    }

    fn insert(&mut self, mix: &Mix, e: Evaluation) -> Evaluated {
        // Profit needs no cost > 0; conversions none: the metric always exists.
        let values = e.metric(self.metric).unwrap_or_default();
        let evaluated = Evaluated {
            mix: mix.clone(),
            description: self.menu.describe(mix),
            cost: self.menu.cost(mix),
            conversions: Estimate::of(&e.conversions),
            metric: Estimate::of(&values),
            values,
        };
        self.done.insert(mix.clone(), evaluated.clone());
        evaluated
    }
}

/// A mix's evaluation as the ranks of an MPI job exchange it: 4 + 8 × (3 ×
/// replicates + 2) bytes.
struct MixRecord(Evaluation);

impl Record for MixRecord {
    fn encode(&self, out: &mut Vec<u8>) {
        let e = &self.0;
        out.extend_from_slice(&(e.conversions.len() as u32).to_le_bytes());
        let values = e.conversions.iter().chain(&e.adopters).chain(&e.aware);
        for x in values.chain([&e.cost, &e.value_per_conversion]) {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut w = Words(bytes);
        let n = w.u32() as usize;
        let values = |w: &mut Words| (0..n).map(|_| w.f64()).collect();
        MixRecord(Evaluation {
            conversions: values(&mut w),
            adopters: values(&mut w),
            aware: values(&mut w),
            cost: w.f64(),
            value_per_conversion: w.f64(),
        })
    }
}

/// Better by the metric's mean; ties to the cheaper, then the earlier mix.
fn better(a: &Evaluated, b: &Evaluated) -> bool {
    a.metric.mean > b.metric.mean
        || (a.metric.mean == b.metric.mean
            && (a.cost < b.cost || (a.cost == b.cost && a.mix < b.mix)))
}

/// Find the best mix of `menu` within `budget` for `objective`; `eval`
/// simulates a scenario (with the scenario's seed, so that mixes are paired).
///
/// Cost: greedy evaluates at most (channels) × (steps) mixes, steps being at
/// most the creators plus the programmes' levels (lazily, usually the channels
/// once and then one or two per step), plus every single purchase; exhaustive
/// search adds at most [`EXHAUSTIVE_LIMIT`].
pub fn optimize(
    menu: &Menu,
    budget: f64,
    objective: Objective,
    exhaustive_limit: usize,
    eval: impl FnMut(&Scenario) -> Result<Evaluation>,
) -> Result<Outcome> {
    let mut cache = Cache {
        menu,
        metric: objective.metric(),
        eval,
        done: BTreeMap::new(),
    };
    let affordable = menu.affordable(budget, exhaustive_limit);
    // Greedy, lazily (CELF): a channel's gain per cost, measured at an earlier
    // mix, bounds its gain now when gains shrink as the mix grows; only the
    // channel with the largest bound is re-measured, and taken when its fresh
    // ratio is still the largest.
    let n = menu.channels.len();
    let mut current = cache.get(&menu.empty())?;
    let mut steps = Vec::new();
    let mut bound = vec![f64::INFINITY; n];
    let mut measured_at: Vec<Option<Mix>> = vec![None; n];
    let next = |c: usize, mix: &Mix| -> Option<Mix> {
        (mix[c] < menu.channels[c].levels.len()).then(|| {
            let mut m = mix.clone();
            m[c] += 1;
            m
        })
    };
    loop {
        let mut pick: Option<(usize, Mix)> = None;
        for c in 0..n {
            if bound[c] == f64::NEG_INFINITY {
                continue;
            }
            let Some(m) = next(c, &current.mix) else {
                continue;
            };
            if !fits(menu.cost(&m), budget) {
                continue;
            }
            if pick.as_ref().map_or(true, |(p, _)| bound[c] > bound[*p]) {
                pick = Some((c, m));
            }
        }
        let Some((c, m)) = pick else { break };
        if measured_at[c].as_ref() != Some(&current.mix) {
            let e = cache.get(&m)?;
            let gain = e.metric.mean - current.metric.mean;
            let added = e.cost - current.cost;
            bound[c] = if gain <= 0.0 {
                f64::NEG_INFINITY
            } else if added > 0.0 {
                gain / added
            } else {
                f64::INFINITY
            };
            measured_at[c] = Some(current.mix.clone());
            continue;
        }
        // Fresh and still the largest: take it.
        let e = cache.get(&m)?;
        let channel = &menu.channels[c];
        steps.push(Step {
            channel: channel.name.clone(),
            level: channel.levels[m[c] - 1].label.clone(),
            added_cost: menu::clean(e.cost - current.cost),
            gain: e.metric.mean - current.metric.mean,
            gain_per_cost: bound[c].is_finite().then_some(bound[c]),
            cost: e.cost,
            metric_mean: e.metric.mean,
        });
        current = e;
        // The channel's next level is a new purchase: not measured yet.
        bound[c] = f64::INFINITY;
        measured_at[c] = None;
    }
    // Every single purchase.
    let singles: Vec<Mix> = (0..menu.channels.len())
        .flat_map(|c| {
            (1..=menu.channels[c].levels.len()).map(move |l| {
                let mut mix = menu.empty();
                mix[c] = l;
                mix
            })
        })
        .filter(|mix| fits(menu.cost(mix), budget))
        .collect();
    cache.prefetch(&singles)?;
    let mut best_single: Option<Evaluated> = None;
    for mix in &singles {
        let e = cache.get(mix)?;
        if best_single.as_ref().map_or(true, |b| better(&e, b)) {
            best_single = Some(e);
        }
    }
    let mut greedy = current;
    if let Some(single) = &best_single {
        if better(single, &greedy) {
            greedy = single.clone();
        }
    }
    let greedy_evaluations = cache.done.len();
    // Exhaustive, when small enough.
    let (method, plan) = match &affordable {
        Some(all) => {
            cache.prefetch(all)?;
            let mut plan = cache.get(&all[0])?;
            for mix in &all[1..] {
                let e = cache.get(mix)?;
                if better(&e, &plan) {
                    plan = e;
                }
            }
            (Method::Exhaustive, plan)
        }
        None => (Method::Greedy, greedy.clone()),
    };
    let versus_single = best_single
        .as_ref()
        .map(|s| difference(&plan.values, &s.values, true));
    // The frontier: the best evaluated mix at each budget.
    let mut all: Vec<&Evaluated> = cache.done.values().collect();
    all.sort_by(|a, b| a.cost.total_cmp(&b.cost).then_with(|| a.mix.cmp(&b.mix)));
    let mut frontier: Vec<Evaluated> = Vec::new();
    for e in all {
        if !fits(e.cost, budget) {
            continue;
        }
        match frontier.last() {
            Some(last) if !better(e, last) => {}
            Some(last) if last.cost == e.cost => {
                *frontier.last_mut().expect("a row") = e.clone();
            }
            _ => frontier.push(e.clone()),
        }
    }
    Ok(Outcome {
        method,
        menu_mixes: menu.size(),
        affordable_mixes: affordable.as_ref().map(Vec::len),
        greedy_is_plan: greedy.mix == plan.mix,
        plan,
        greedy,
        greedy_steps: steps,
        best_single,
        versus_single,
        frontier,
        greedy_evaluations,
        evaluations: cache.done.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mix_record_travels_whole() {
        let e = Evaluation {
            conversions: vec![1.0, 2.5, 7.0],
            adopters: vec![3.0, 4.0, 9.25],
            aware: vec![10.0, 0.0, 1e9],
            cost: 347.85,
            value_per_conversion: 0.1,
        };
        let mut bytes = Vec::new();
        MixRecord(e.clone()).encode(&mut bytes);
        assert_eq!(bytes.len(), 4 + 8 * (3 * 3 + 2));
        assert_eq!(MixRecord::decode(&bytes).0, e);
    }
}
