//! `wom fit SCENARIO DATA.csv --params KEY,...`: fit a network scenario's
//! parameters to an observed adoption curve by ABC-SMC ([`crate::decide::abc`]),
//! with the scenario's `[uncertain]` entries for those keys as priors
//! (docs/calibration.md).
//!
//! Each candidate parameter vector is written into the scenario as a `--set`
//! would be ([`Scenario::with_assumptions`]) and simulated `replicates` times on
//! the scenario's own population (built once, unless a key changes it or the
//! scenario builds a graph per replicate). A simulation's distance from the data
//! is the root mean squared difference between its curve, in the data's measure,
//! and the data over the observed steps. After the fit, the scenario with every
//! key at its estimate (the posterior median) is run with its own seed and
//! replicates, exactly as `wom run fitted.toml` runs it: its mean curve and
//! 5–95% band are the fitted curve of the figure, and its mean curve's RMSE from
//! the data is the fit's `rmse`.

use crate::decide::abc::{abc_smc, AbcOptions, AbcResult, CandidateId};
use crate::decide::observations::{Measure, Observations};
use crate::decide::uncertain::Uncertain;
use crate::error::{Diagnostic, Result, WomError};
use crate::graph::{self, Population};
use crate::scenario::{is_population_key, Scenario};
use crate::sim::campaign::CampaignPlan;
use crate::sim::engine::{simulate_replicate, Model, Scratch, StepCounts, World};
use crate::sim::runner::simulate_on;
use crate::statistics::percentile;
use indicatif::ProgressBar;
use std::sync::Mutex;
use std::time::Instant;

/// The method, as written in `fit.json`.
pub const METHOD: &str = "ABC-SMC (Toni et al. 2009; Beaumont et al. 2009): adaptive tolerance, Gaussian kernel with twice the weighted covariance, importance weights; distance = RMSE of a simulated curve from the data";

/// One fitted key.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The dotted scenario key.
    pub key: String,
    /// Its prior (from `[uncertain]`).
    pub prior: Uncertain,
    /// The posterior median.
    pub estimate: f64,
    /// The posterior's 2.5% quantile.
    pub ci95_low: f64,
    /// The posterior's 97.5% quantile.
    pub ci95_high: f64,
    /// The prior's 2.5% and 97.5% quantiles, to compare the interval with.
    pub prior_low: f64,
    /// The prior's 97.5% quantile.
    pub prior_high: f64,
}

/// The fitted scenario's curve, in the data's measure, one value per step.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedCurve {
    /// Mean over the replicates, per step.
    pub mean: Vec<f64>,
    /// 5% of replicates, per step.
    pub p05: Vec<f64>,
    /// 95% of replicates, per step.
    pub p95: Vec<f64>,
    /// Replicates behind it.
    pub replicates: usize,
}

/// Everything a network fit found.
#[derive(Debug, Clone)]
pub struct NetworkFit {
    /// The data.
    pub data: Observations,
    /// The scenario as given (with its overrides).
    pub scenario: Scenario,
    /// The scenario with every fitted key at its estimate, the fitted keys removed
    /// from `[uncertain]`.
    pub fitted: Scenario,
    /// One per key, in `--params` order.
    pub estimates: Vec<Estimate>,
    /// The sampler's output.
    pub abc: AbcResult,
    /// The knobs used.
    pub options: AbcOptions,
    /// The fitted scenario's curve.
    pub curve: FittedCurve,
    /// RMSE of the fitted mean curve from the data over the observed steps.
    pub rmse: f64,
    /// Wall-clock seconds (not written where files must be byte-identical).
    pub seconds: f64,
}

/// The priors of `keys`: each must be named once and have an `[uncertain]` entry.
/// Every problem is reported.
pub fn priors_for(scenario: &Scenario, keys: &[String]) -> Result<Vec<Uncertain>> {
    let mut problems = Vec::new();
    let mut priors = Vec::new();
    let listed: Vec<&str> = scenario.uncertain.iter().map(|(k, _)| k.as_str()).collect();
    if keys.is_empty() {
        problems.push(
            Diagnostic::new("--params names no key; allowed: one or more keys of the scenario's [uncertain] table")
                .field("--params"),
        );
    }
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].contains(key) {
            problems.push(
                Diagnostic::new(format!("`{key}` is named twice; name each key once"))
                    .field("--params"),
            );
            continue;
        }
        match scenario.uncertain.iter().find(|(k, _)| k == key) {
            Some((_, d)) => priors.push(*d),
            None => {
                let allowed = if listed.is_empty() {
                    "the scenario has no [uncertain] table, so no key can be fitted".to_string()
                } else {
                    format!("allowed: {}", listed.join(", "))
                };
                problems.push(
                    Diagnostic::new(format!(
                        "`{key}` has no prior: it is not in the scenario's [uncertain] table; {allowed}"
                    ))
                    .file(&scenario.origin.path)
                    .field("--params")
                    .help(format!(
                        "add a prior for it, e.g. \"{key}\" = {{ low = .., high = .. }} under [uncertain] (docs/scenarios.md)"
                    )),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(priors)
    } else {
        Err(WomError::Input(problems))
    }
}

/// Check, before anything runs, that the data fit in the scenario's steps and
/// that the scenario stays valid at each prior's 2.5%, 50% and 97.5% values.
pub fn check_fit(scenario: &Scenario, data: &Observations, keys: &[String]) -> Result<()> {
    let priors = priors_for(scenario, keys)?;
    let mut problems = Vec::new();
    let steps = scenario.simulation.steps as usize;
    if data.steps() > steps {
        problems.push(
            Diagnostic::new(format!(
                "the data have {} steps (0 to {}) but the scenario simulates {steps}; allowed: at most the scenario's steps",
                data.steps(),
                data.steps() - 1
            ))
            .file(&data.path)
            .help(format!("run the scenario longer with --steps {}", data.steps())),
        );
    }
    for (key, d) in keys.iter().zip(&priors) {
        for (what, q) in [("2.5%", 0.025), ("median", 0.5), ("97.5%", 0.975)] {
            let v = d.quantile(q);
            if let Err(WomError::Input(ds)) = scenario.with_assumptions(&[(key, v)]) {
                for mut d in ds {
                    d.message = format!("prior of `{key}` at its {what} value {v}: {}", d.message);
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

/// The model's replicate number of simulation `r` of a candidate: unique within
/// a fit and never one of the replicates 0, 1, … of a run with the same seed.
pub fn replicate_of(id: CandidateId, r: usize) -> u64 {
    ((id.generation as u64 + 1) << 40) | (id.candidate << 10) | r as u64
}

/// Root mean squared difference between `curve` (in `measure`) and `data`, over
/// the data's steps.
pub fn rmse(curve: &[StepCounts], measure: Measure, data: &[f64]) -> f64 {
    let sum: f64 = curve
        .iter()
        .zip(data)
        .map(|(c, &y)| {
            let d = measure.of(c) - y;
            d * d
        })
        .sum();
    (sum / data.len() as f64).sqrt()
}

/// Fit `keys` of `scenario` to `data` on the current rayon pool. Call
/// [`check_fit`] first for located errors; `progress` moves by accepted
/// particles.
///
/// # Errors
/// Keys without priors, a scenario made invalid by a value, a population that
/// cannot be built.
pub fn fit_network(
    scenario: &Scenario,
    data: Observations,
    keys: &[String],
    options: &AbcOptions,
    progress: &ProgressBar,
) -> Result<NetworkFit> {
    let start = Instant::now();
    let priors = priors_for(scenario, keys)?;
    let per_graph = scenario.simulation.new_graph_each_replicate;
    let population_varies = keys.iter().any(|k| is_population_key(k));
    let plan_varies = keys
        .iter()
        .any(|k| !k.starts_with("word_of_mouth.") && !k.starts_with("economics."));
    // The scenario's population (replicate 0), and its campaign when no key moves it.
    let population = if per_graph || population_varies {
        None
    } else {
        Some(graph::build(
            &scenario.population,
            scenario.simulation.seed,
            0,
        )?)
    };
    let shared_world = match &population {
        Some(p) if !plan_varies => Some(World::new(p.clone(), CampaignPlan::new(scenario, p)?)),
        _ => None,
    };
    let nodes = population.as_ref().map(Population::nodes);
    let scratches: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    let steps = scenario.simulation.steps as usize;
    let measure = data.measure;
    let observed = &data.values;
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();

    let simulate = |theta: &[f64], id: CandidateId, distances: &mut [f64]| -> Result<()> {
        let values: Vec<(&str, f64)> = key_refs
            .iter()
            .copied()
            .zip(theta.iter().copied())
            .collect();
        let s = scenario.with_assumptions(&values)?;
        let model = Model::new(&s);
        let own_world = match (&shared_world, &population) {
            (Some(_), _) => None,
            (None, Some(p)) => Some(World::new(p.clone(), CampaignPlan::new(&s, p)?)),
            (None, None) if !per_graph => {
                let p = graph::build(&s.population, s.simulation.seed, 0)?;
                let plan = CampaignPlan::new(&s, &p)?;
                Some(World::new(p, plan))
            }
            (None, None) => None,
        };
        let mut scratch = match nodes {
            Some(n) => scratches
                .lock()
                .expect("the scratch pool")
                .pop()
                .unwrap_or_else(|| Scratch::new(n as usize)),
            None => Scratch::new(0),
        };
        let mut curve = vec![StepCounts::default(); steps];
        for (r, d) in distances.iter_mut().enumerate() {
            let replicate = replicate_of(id, r);
            let per_replicate;
            let world = match (&shared_world, &own_world) {
                (Some(w), _) | (None, Some(w)) => w,
                (None, None) => {
                    let p = graph::build(&s.population, s.simulation.seed, replicate)?;
                    let plan = CampaignPlan::new(&s, &p)?;
                    per_replicate = World::new(p, plan);
                    &per_replicate
                }
            };
            if nodes.is_none() {
                let n = world.population.nodes() as usize;
                if scratch.nodes() != n {
                    scratch = Scratch::new(n);
                }
            }
            simulate_replicate(&model, world, replicate, &mut scratch, &mut curve, &mut []);
            *d = rmse(&curve, measure, observed);
        }
        if nodes.is_some() {
            scratches.lock().expect("the scratch pool").push(scratch);
        }
        Ok(())
    };
    let abc = abc_smc(&priors, options, progress, simulate)?;

    let estimates: Vec<Estimate> = keys
        .iter()
        .zip(&priors)
        .enumerate()
        .map(|(j, (key, prior))| Estimate {
            key: key.clone(),
            prior: *prior,
            estimate: abc.quantile(j, 0.5),
            ci95_low: abc.quantile(j, 0.025),
            ci95_high: abc.quantile(j, 0.975),
            prior_low: prior.quantile(0.025),
            prior_high: prior.quantile(0.975),
        })
        .collect();
    let values: Vec<(&str, f64)> = estimates
        .iter()
        .map(|e| (e.key.as_str(), e.estimate))
        .collect();
    let mut fitted = scenario.with_assumptions(&values)?;
    fitted.uncertain.retain(|(k, _)| !keys.contains(k));
    let curve = fitted_curve(
        &fitted,
        population.as_ref().filter(|_| !population_varies),
        measure,
    )?;
    let n = data.steps();
    let rmse = (curve.mean[..n]
        .iter()
        .zip(&data.values)
        .map(|(m, y)| (m - y) * (m - y))
        .sum::<f64>()
        / n as f64)
        .sqrt();
    Ok(NetworkFit {
        data,
        scenario: scenario.clone(),
        fitted,
        estimates,
        abc,
        options: *options,
        curve,
        rmse,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Run `fitted` as `wom run` would (its seed, its replicates) and reduce each
/// step's replicates to their mean and 5% / 95% percentiles in `measure`.
fn fitted_curve(
    fitted: &Scenario,
    population: Option<&Population>,
    measure: Measure,
) -> Result<FittedCurve> {
    let steps = fitted.simulation.steps as usize;
    let replicates = fitted.simulation.replicates as usize;
    let mut by_step: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates); steps];
    simulate_on(
        fitted,
        population,
        &ProgressBar::hidden(),
        |_, curve, _, _| {
            for (values, c) in by_step.iter_mut().zip(curve) {
                values.push(measure.of(c));
            }
            Ok(())
        },
    )?;
    let mut curve = FittedCurve {
        mean: Vec::with_capacity(steps),
        p05: Vec::with_capacity(steps),
        p95: Vec::with_capacity(steps),
        replicates,
    };
    for mut values in by_step {
        curve
            .mean
            .push(values.iter().sum::<f64>() / values.len() as f64);
        values.sort_by(f64::total_cmp);
        curve.p05.push(percentile(&values, 0.05));
        curve.p95.push(percentile(&values, 0.95));
    }
    Ok(curve)
}
