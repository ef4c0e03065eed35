//! `wom sensitivity`: which uncertain assumption moves the result most, and how
//! sure is the decision when they all vary together (docs/decisions.md).
//!
//! The scenario's `[uncertain]` table names k assumptions and their
//! distributions. This module computes, writing nothing:
//! - a **tornado**: the scenario's mean metric with one assumption at its 5% and
//!   then its 95% quantile, every other field at the scenario's own value;
//! - **Sobol' indices** from a Saltelli design of N base samples
//!   ([`crate::decide::sobol`]): N (k + 2) scenario evaluations, the output of
//!   each being its mean metric over the replicates, all with the scenario's seed
//!   (common random numbers: two samples differ only by their assumptions);
//! - the **distribution of the metric** over the A matrix's N samples, and with
//!   another scenario B, **p_better**: the share of (sample, replicate) pairs in
//!   which the scenario beats B when both get the same drawn values (for the keys
//!   B's `[uncertain]` table lists too; B keeps its own values for the others).
//!
//! Evaluations run one after another, each on the whole rayon pool (replicates in
//! parallel), so results do not depend on the thread count.

use crate::decide::evaluate::{evaluate, Evaluation, Metric};
use crate::decide::sobol::{sobol_indices, FirstOrder, SaltelliDesign, SobolOptions};
use crate::decide::uncertain::Uncertain;
use crate::error::{Diagnostic, Result, WomError};
use crate::graph::{self, Population};
use crate::rng::{self, Stream};
use crate::scenario::{is_population_key, Scenario};
use crate::statistics::{mean, Summary};
use indicatif::ProgressBar;
use rand::RngCore;
use serde::Serialize;
use std::time::Instant;

/// Settings of [`analyse`] that are not part of the scenario.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityOptions {
    /// N, the base samples of the Saltelli design (at least 2).
    pub samples: usize,
    /// What is judged.
    pub metric: Metric,
    /// The first-order estimator (default Jansen 1999).
    pub first_order: FirstOrder,
    /// Bootstrap resamples of the indices' confidence intervals.
    pub resamples: usize,
}

impl Default for SensitivityOptions {
    fn default() -> Self {
        SensitivityOptions {
            samples: 256,
            metric: Metric::Conversions,
            first_order: FirstOrder::Jansen1999,
            resamples: 1000,
        }
    }
}

/// One assumption's row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyResult {
    /// The dotted scenario field.
    pub key: String,
    /// Its distribution.
    pub distribution: Uncertain,
    /// Its 5% quantile.
    pub low: f64,
    /// Its 95% quantile.
    pub high: f64,
    /// The scenario's mean metric with this key at `low` / `high` and every other
    /// field at the scenario's own value.
    pub metric_at_low: f64,
    /// Likewise at `high`.
    pub metric_at_high: f64,
    /// |metric_at_high − metric_at_low|.
    pub swing: f64,
    /// First-order Sobol' index and its 95% bootstrap interval.
    pub s1: f64,
    /// 2.5% bootstrap percentile of S1.
    pub s1_ci95_low: f64,
    /// 97.5% bootstrap percentile of S1.
    pub s1_ci95_high: f64,
    /// Total Sobol' index and its 95% bootstrap interval.
    pub st: f64,
    /// 2.5% bootstrap percentile of ST.
    pub st_ci95_low: f64,
    /// 97.5% bootstrap percentile of ST.
    pub st_ci95_high: f64,
}

/// The comparison with another scenario (`--against`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Against {
    /// B's title.
    pub scenario: String,
    /// The assumptions applied to B too (those B's own `[uncertain]` lists); the
    /// others are left at B's own values.
    pub shared_keys: Vec<String>,
    /// Share of (sample, replicate) pairs in which the scenario's metric is above
    /// B's.
    pub p_better: f64,
    /// Share of pairs with equal metrics.
    pub ties: f64,
    /// Pairs compared: N samples × replicates.
    pub pairs: usize,
    /// B's mean metric at its own values.
    pub base: f64,
    /// The difference (scenario − B) of the sample means over the A matrix.
    pub difference: Summary,
}

/// Everything `wom sensitivity` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The scenario's title.
    pub scenario: String,
    /// The metric judged.
    pub metric: Metric,
    /// The currency of profit, costs and every amount of money (the scenario's,
    /// shared with B); null when it names none (money in "units").
    pub currency: Option<String>,
    /// N, the base samples.
    pub samples: usize,
    /// Scenario evaluations in the Saltelli design, N (k + 2).
    pub design_evaluations: usize,
    /// Replicates of every evaluation.
    pub replicates: u32,
    /// The master seed shared by every evaluation.
    pub seed: u64,
    /// The first-order estimator used.
    pub first_order: &'static str,
    /// Bootstrap resamples of the indices' intervals.
    pub resamples: usize,
    /// The scenario's mean metric at its own values.
    pub base: f64,
    /// Var(Y) of the sample means over the A and B matrices (the indices' denominator).
    pub variance: f64,
    /// The sample means over the A matrix (N values): the metric's distribution
    /// when every assumption varies.
    pub distribution: Summary,
    /// One row per assumption, in `[uncertain]` order.
    pub keys: Vec<KeyResult>,
    /// The comparison with `--against`, if any.
    pub against: Option<Against>,
    /// The A-matrix sample means (for the histogram), in design order.
    #[serde(skip)]
    pub sample_means: Vec<f64>,
    /// With `--against`: the A-matrix differences (scenario − B) of the sample means.
    #[serde(skip)]
    pub sample_differences: Vec<f64>,
    /// Wall-clock seconds (not written to the files, which are byte-identical
    /// for any thread count).
    #[serde(skip)]
    pub seconds: f64,
}

impl Sensitivity {
    /// The metric's name, with its currency when it is money: "profit (EUR)".
    pub fn metric_name(&self) -> String {
        match self.metric {
            Metric::Profit => format!(
                "profit ({})",
                crate::scenario::money_unit(self.currency.as_deref())
            ),
            other => other.name().to_string(),
        }
    }
}

/// The evaluations [`analyse`] will run: 1 + 2k (tornado), N (k + 2) (design),
/// and with `against`, 1 + N more.
pub fn evaluations(k: usize, samples: usize, against: bool) -> usize {
    1 + 2 * k + samples * (k + 2) + usize::from(against) * (1 + samples)
}

/// A scenario evaluated on a population built once when it can be.
struct Evaluator<'a> {
    scenario: &'a Scenario,
    population: Option<Population>,
    metric: Metric,
    progress: &'a ProgressBar,
}

impl<'a> Evaluator<'a> {
    fn new(
        scenario: &'a Scenario,
        keys: &[&str],
        metric: Metric,
        progress: &'a ProgressBar,
    ) -> Result<Self> {
        let shared = !scenario.simulation.new_graph_each_replicate
            && !keys.iter().any(|k| is_population_key(k));
        let population = if shared {
            Some(graph::build(
                &scenario.population,
                scenario.simulation.seed,
                0,
            )?)
        } else {
            None
        };
        Ok(Evaluator {
            scenario,
            population,
            metric,
            progress,
        })
    }

    /// The per-replicate metric at these assumption values.
    fn replicates(&self, values: &[(&str, f64)]) -> Result<Vec<f64>> {
        let s = if values.is_empty() {
            self.scenario.clone()
        } else {
            self.scenario.with_assumptions(values)?
        };
        let e: Evaluation = evaluate(&s, self.population.as_ref(), &ProgressBar::hidden())?;
        self.progress.inc(1);
        e.metric(self.metric).ok_or_else(|| {
            WomError::input(
                Diagnostic::new(format!(
                    "the ROI of {} is undefined: the campaign costs nothing",
                    s.title()
                ))
                .help("judge it on --metric conversions or profit"),
            )
        })
    }

    /// The mean metric at these assumption values.
    fn mean(&self, values: &[(&str, f64)]) -> Result<f64> {
        Ok(mean(&self.replicates(values)?))
    }
}

/// Check that the scenario is valid with every assumption at its 5%, 50% and 95%
/// quantiles (one at a time), before anything long starts.
pub fn check_assumptions(scenario: &Scenario) -> Result<()> {
    let mut problems = Vec::new();
    for (key, d) in &scenario.uncertain {
        for (what, v) in [("5%", d.low()), ("median", d.median()), ("95%", d.high())] {
            if let Err(WomError::Input(ds)) = scenario.with_assumptions(&[(key, v)]) {
                for mut d in ds {
                    d.message =
                        format!("[uncertain] `{key}` at its {what} value {v}: {}", d.message);
                    problems.push(d);
                }
                break;
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WomError::Input(problems))
    }
}

/// Which of the scenario's assumptions B shares: those B's own `[uncertain]`
/// table lists too (B then gets the scenario's drawn value, so both face the same
/// world). A key B lacks is B's decision, not a shared assumption (B's fixed
/// `influencer.reach` against the scenario's uncertain one), and stays at B's value.
fn accepted_keys(b: &Scenario, uncertain: &[(String, Uncertain)]) -> Vec<bool> {
    uncertain
        .iter()
        .map(|(key, _)| b.uncertain.iter().any(|(k, _)| k == key))
        .collect()
}

/// Run the tornado, the Saltelli design and (with `against`) the paired
/// comparison on the current rayon pool. `progress` advances once per evaluation
/// ([`evaluations`] in all).
///
/// # Errors
/// An empty `[uncertain]` table, a scenario that becomes invalid at a drawn value,
/// a ROI without cost, or a failure to build the population.
pub fn analyse(
    scenario: &Scenario,
    against: Option<&Scenario>,
    options: &SensitivityOptions,
    progress: &ProgressBar,
) -> Result<Sensitivity> {
    let start = Instant::now();
    // Money of A and B is shown together: one currency.
    crate::scenario::common_currency(std::iter::once(scenario).chain(against))?;
    let dists: Vec<Uncertain> = scenario.uncertain.iter().map(|(_, d)| *d).collect();
    let keys: Vec<&str> = scenario.uncertain.iter().map(|(k, _)| k.as_str()).collect();
    let k = keys.len();
    if k == 0 {
        return Err(WomError::input(
            Diagnostic::new("the scenario has no [uncertain] assumptions to vary")
                .file(&scenario.origin.path)
                .help("add an [uncertain] table, e.g. \"word_of_mouth.conversion\" = { low = 0.05, high = 0.2 } (docs/scenarios.md)"),
        ));
    }
    let n = options.samples.max(2);
    let eval = Evaluator::new(scenario, &keys, options.metric, progress)?;

    // Tornado: one key at a time at its 5% / 95% quantile.
    let base = eval.mean(&[])?;
    let mut tornado = Vec::with_capacity(k);
    for (key, d) in keys.iter().zip(&dists) {
        let (low, high) = (d.low(), d.high());
        let at_low = eval.mean(&[(key, low)])?;
        let at_high = eval.mean(&[(key, high)])?;
        tornado.push((low, high, at_low, at_high));
    }

    // The Saltelli design, seeded from the scenario's seed (the statistics
    // stream, at replicate indices no simulation uses).
    let seed = scenario.simulation.seed;
    let design_seed = rng::stream(seed, u64::MAX, Stream::Statistics).next_u64();
    let bootstrap_seed = rng::stream(seed, u64::MAX - 1, Stream::Statistics).next_u64();
    let design = SaltelliDesign::new(n, k, design_seed);
    let mut unit = vec![0.0; k];
    let mut outputs = Vec::with_capacity(design.evaluations());
    let mut a_replicates: Vec<Vec<f64>> = Vec::with_capacity(n);
    for j in 0..design.evaluations() {
        design.point_into(j, &mut unit);
        let values: Vec<(&str, f64)> = keys
            .iter()
            .zip(&dists)
            .zip(&unit)
            .map(|((key, d), &u)| (*key, d.quantile(u)))
            .collect();
        let per_replicate = eval.replicates(&values)?;
        outputs.push(mean(&per_replicate));
        if j % (k + 2) == 0 {
            a_replicates.push(per_replicate);
        }
    }
    let indices = sobol_indices(
        &design,
        &outputs,
        &SobolOptions {
            resamples: options.resamples,
            seed: bootstrap_seed,
            first_order: options.first_order,
        },
    );
    let sample_means: Vec<f64> = (0..n).map(|r| outputs[r * (k + 2)]).collect();

    // The paired comparison over the A matrix.
    let (against, sample_differences) = match against {
        None => (None, Vec::new()),
        Some(b) => {
            let accepted = accepted_keys(b, &scenario.uncertain);
            let shared: Vec<&str> = keys
                .iter()
                .zip(&accepted)
                .filter(|(_, &ok)| ok)
                .map(|(key, _)| *key)
                .collect();
            let b_eval = Evaluator::new(b, &shared, options.metric, progress)?;
            let b_base = b_eval.mean(&[])?;
            let (mut better, mut ties, mut pairs) = (0usize, 0usize, 0usize);
            let mut differences = Vec::with_capacity(n);
            for (r, a_values) in a_replicates.iter().enumerate() {
                let values: Vec<(&str, f64)> = keys
                    .iter()
                    .zip(&dists)
                    .zip(design.a_row(r))
                    .zip(&accepted)
                    .filter(|(_, &ok)| ok)
                    .map(|(((key, d), &u), _)| (*key, d.quantile(u)))
                    .collect();
                let b_values = b_eval.replicates(&values)?;
                for (x, y) in a_values.iter().zip(&b_values) {
                    better += usize::from(x > y);
                    ties += usize::from(x == y);
                    pairs += 1;
                }
                differences.push(mean(a_values) - mean(&b_values));
            }
            let against = Against {
                scenario: b.title(),
                shared_keys: shared.iter().map(|s| s.to_string()).collect(),
                p_better: better as f64 / pairs as f64,
                ties: ties as f64 / pairs as f64,
                pairs,
                base: b_base,
                difference: Summary::of(&mut differences.clone()),
            };
            (Some(against), differences)
        }
    };

    let keys_out = keys
        .iter()
        .zip(&dists)
        .zip(tornado)
        .zip(&indices.factors)
        .map(|(((key, d), (low, high, at_low, at_high)), f)| KeyResult {
            key: key.to_string(),
            distribution: *d,
            low,
            high,
            metric_at_low: at_low,
            metric_at_high: at_high,
            swing: (at_high - at_low).abs(),
            s1: f.s1,
            s1_ci95_low: f.s1_ci95_low,
            s1_ci95_high: f.s1_ci95_high,
            st: f.st,
            st_ci95_low: f.st_ci95_low,
            st_ci95_high: f.st_ci95_high,
        })
        .collect();
    Ok(Sensitivity {
        scenario: scenario.title(),
        metric: options.metric,
        currency: scenario.economics.currency.clone(),
        samples: n,
        design_evaluations: design.evaluations(),
        replicates: scenario.simulation.replicates,
        seed,
        first_order: match options.first_order {
            FirstOrder::Jansen1999 => "jansen_1999",
            FirstOrder::Saltelli2010 => "saltelli_2010",
        },
        resamples: options.resamples,
        base,
        variance: indices.variance,
        distribution: Summary::of(&mut sample_means.clone()),
        keys: keys_out,
        against,
        sample_means,
        sample_differences,
        seconds: start.elapsed().as_secs_f64(),
    })
}
