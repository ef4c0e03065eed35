//! Reproductions of published diffusion results (`wom reproduce NAME`).
//!
//! Each experiment starts from a scenario in `scenarios/validation/`, varies one
//! parameter with overrides, runs the replicates in memory and sets the simulated
//! estimates (with standard errors) beside the formula from [`crate::reproduce::theory`]. The
//! same functions back the tests in `tests/validation.rs`, at smaller sizes.

use crate::error::{Result, WomError};
use crate::results::aggregate::num;
use crate::results::files;
use crate::results::plots::{self, PointSeries};
use crate::scenario::{self, Override, Scenario};
use crate::sim::runner::{simulate_in_memory, ReplicateResult};
use std::path::Path;

pub mod theory;

/// The experiments, by name.
pub const EXPERIMENTS: [&str; 7] = [
    "er-percolation",
    "configuration-hubs",
    "miller-trust",
    "watts-window",
    "bass",
    "bass-ring",
    "kkt-submodular",
];

/// Size of an experiment: `None` keeps the scenario's value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scale {
    pub replicates: Option<u32>,
    pub nodes: Option<u32>,
}

/// One comparison of simulation with theory.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What is compared, e.g. "P(large outbreak)".
    pub quantity: String,
    /// The parameter value of this row, e.g. "T = 0.4".
    pub setting: String,
    pub x: f64,
    pub simulated: f64,
    /// Standard error of `simulated`.
    pub se: f64,
    pub theory: f64,
}

/// The result of one experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    pub name: &'static str,
    pub title: String,
    pub axes: (String, String),
    pub rows: Vec<Row>,
    /// Theory curves for the figure.
    pub curves: Vec<(String, Vec<(f64, f64)>)>,
    /// Rows of these quantities are drawn as points (others only tabulated).
    pub plotted: Vec<String>,
}

fn load(dir: &Path, file: &str, scale: Scale, mut overrides: Vec<Override>) -> Result<Scenario> {
    if let Some(r) = scale.replicates {
        overrides.insert(
            0,
            Override::new("simulation.replicates", toml::Value::Integer(i64::from(r))),
        );
    }
    if let Some(n) = scale.nodes {
        overrides.insert(
            0,
            Override::new("population.nodes", toml::Value::Integer(i64::from(n))),
        );
    }
    scenario::load(&dir.join(file), &overrides)
}

fn set(key: &str, value: f64) -> Override {
    Override::new(key, toml::Value::Float(value))
}

fn set_int(key: &str, value: i64) -> Override {
    Override::new(key, toml::Value::Integer(value))
}

fn simulate(s: &Scenario) -> Result<(u64, Vec<ReplicateResult>)> {
    let (built, results) = simulate_in_memory(s)?;
    Ok((built.nodes, results))
}

/// Mean and standard error.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (m, 0.0);
    }
    let var = values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Share of replicates with a large outbreak (final adopters above `cut` · n), its
/// standard error, and the mean final share of those outbreaks with its se.
fn outbreaks(results: &[ReplicateResult], nodes: u64, cut: f64) -> ((f64, f64), (f64, f64)) {
    let n = nodes as f64;
    let shares: Vec<f64> = results
        .iter()
        .map(|r| f64::from(r.outcome.adopters) / n)
        .collect();
    let large: Vec<f64> = shares.iter().copied().filter(|&s| s > cut).collect();
    let p = large.len() as f64 / shares.len() as f64;
    let p_se = (p * (1.0 - p) / shares.len() as f64).sqrt();
    let size = if large.is_empty() {
        (0.0, 0.0)
    } else {
        mean_se(&large)
    };
    ((p, p_se), size)
}

fn row(quantity: &str, setting: String, x: f64, (simulated, se): (f64, f64), theory: f64) -> Row {
    Row {
        quantity: quantity.to_string(),
        setting,
        x,
        simulated,
        se,
        theory,
    }
}

fn curve(from: f64, to: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..=200)
        .map(|i| from + (to - from) * f64::from(i) / 200.0)
        .map(|x| (x, f(x)))
        .collect()
}

/// Run experiment `name` with scenarios from `dir` (normally `scenarios/validation`).
pub fn run(name: &str, dir: &Path, scale: Scale) -> Result<Experiment> {
    match name {
        "er-percolation" => er_percolation(dir, scale),
        "configuration-hubs" => configuration_hubs(dir, scale),
        "miller-trust" => miller_trust(dir, scale),
        "watts-window" => watts_window(dir, scale),
        "bass" => bass(dir, scale),
        "bass-ring" => bass_ring(dir, scale),
        "kkt-submodular" => kkt_submodular(dir, scale),
        other => Err(WomError::input(
            crate::error::Diagnostic::new(format!(
                "no experiment \"{other}\"; allowed: {}",
                EXPERIMENTS.join(", ")
            ))
            .field("NAME"),
        )),
    }
}

fn mean_degree_of(s: &Scenario) -> f64 {
    match s.population {
        crate::scenario::PopulationSpec::ErdosRenyi { mean_degree, .. } => mean_degree,
        _ => f64::NAN,
    }
}

fn er_percolation(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "er-percolation.toml";
    let base = load(dir, file, scale, vec![])?;
    let c = mean_degree_of(&base);
    let mut rows = Vec::new();
    for t in [0.25, 0.3, 0.4, 0.6] {
        let s = load(dir, file, scale, vec![set("word_of_mouth.conversion", t)])?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.05);
        let theory = theory::er_outbreak_size(c, t);
        rows.push(row("P(large outbreak)", format!("T = {t}"), t, p, theory));
        rows.push(row(
            "large-outbreak share",
            format!("T = {t}"),
            t,
            size,
            theory,
        ));
    }
    for t in [0.05, 0.1, 0.15] {
        let s = load(dir, file, scale, vec![set("word_of_mouth.conversion", t)])?;
        let (_, results) = simulate(&s)?;
        let sizes: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.outcome.adopters))
            .collect();
        rows.push(row(
            "mean outbreak, one seed (subcritical)",
            format!("T = {t}"),
            t,
            mean_se(&sizes),
            theory::er_subcritical_mean(c, t),
        ));
    }
    for t in [0.1, 0.4] {
        let rho = 0.02;
        let s = load(
            dir,
            file,
            scale,
            vec![
                set("word_of_mouth.conversion", t),
                Override::new(
                    "advocates",
                    toml::Value::Table(toml::Table::from_iter([(
                        "share".to_string(),
                        toml::Value::Float(rho),
                    )])),
                ),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let shares: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.outcome.adopters) / n as f64)
            .collect();
        rows.push(row(
            "final share, 2% seeded",
            format!("T = {t}"),
            t,
            mean_se(&shares),
            theory::er_outbreak_size_seeded(c, t, rho),
        ));
    }
    Ok(Experiment {
        name: "er-percolation",
        title: format!("Bond percolation on Erdős–Rényi (c = {c})"),
        axes: (
            "transmissibility T".into(),
            "share of consumers / probability".into(),
        ),
        curves: vec![
            (
                "S = 1 − exp(−cTS)".into(),
                curve(0.15, 0.65, |t| theory::er_outbreak_size(c, t)),
            ),
            (
                "S = 1 − (1 − ρ) exp(−cTS), ρ = 2%".into(),
                curve(0.05, 0.65, |t| theory::er_outbreak_size_seeded(c, t, 0.02)),
            ),
        ],
        plotted: vec![
            "large-outbreak share".into(),
            "final share, 2% seeded".into(),
            "P(large outbreak)".into(),
        ],
        rows,
    })
}

/// The truncated power law the configuration scenario asks for.
fn power_law(exponent: f64, min: u32, max: u32) -> Vec<(u32, f64)> {
    let weights: Vec<(u32, f64)> = (min..=max)
        .map(|k| (k, f64::from(k).powf(-exponent)))
        .collect();
    let total: f64 = weights.iter().map(|w| w.1).sum();
    weights.into_iter().map(|(k, w)| (k, w / total)).collect()
}

fn configuration_hubs(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "configuration-hubs.toml";
    let base = load(dir, file, scale, vec![])?;
    let degrees = match &base.population {
        crate::scenario::PopulationSpec::Configuration {
            degrees: crate::scenario::DegreeDistribution::PowerLaw { exponent, min, max },
            ..
        } => power_law(*exponent, *min, *max),
        _ => {
            return Err(WomError::Runtime(format!(
                "{file} must use a power-law configuration model"
            )))
        }
    };
    let t = base.word_of_mouth.conversion;
    let mut rows = Vec::new();
    let mut size_estimates = Vec::new();
    for k in [2u32, 4, 8, 16, 32] {
        let s = load(
            dir,
            file,
            scale,
            vec![
                set_int("advocates.min_degree", i64::from(k)),
                set_int("advocates.max_degree", i64::from(k)),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.02);
        rows.push(row(
            "P(large outbreak | seed degree k)",
            format!("k = {k}"),
            f64::from(k),
            p,
            theory::outbreak_probability_from_degree(&degrees, t, k),
        ));
        if size.0 > 0.0 {
            size_estimates.push(size);
        }
    }
    // Pool the large-outbreak sizes of all seed degrees (they share one giant).
    let pooled = size_estimates
        .iter()
        .fold((0.0, 0.0, 0.0), |(m, w, v), &(mean, se)| {
            let weight = if se > 0.0 { 1.0 / (se * se) } else { 1.0 };
            (m + weight * mean, w + weight, v + weight)
        });
    let pooled_mean = pooled.0 / pooled.1;
    rows.push(row(
        "large-outbreak share",
        format!("T = {t}"),
        t,
        (pooled_mean, (1.0 / pooled.2).sqrt()),
        theory::percolation_size(&degrees, t),
    ));
    let tc = theory::percolation_threshold(&degrees);
    rows.push(Row {
        quantity: "threshold T_c = <k>/(<k²> − <k>)".into(),
        setting: "power law 2.5 on 2..100".into(),
        x: 0.0,
        simulated: f64::NAN,
        se: f64::NAN,
        theory: tc,
    });
    // Either side of the threshold, seeded at a hub (k = 32) where an outbreak is
    // likeliest: none below, S above.
    for factor in [0.5, 2.0] {
        let t_here = factor * tc;
        let s = load(
            dir,
            file,
            scale,
            vec![
                set("word_of_mouth.conversion", t_here),
                set_int("advocates.min_degree", 32),
                set_int("advocates.max_degree", 32),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let (p, _) = outbreaks(&results, n, 0.02);
        let theory = if factor < 1.0 {
            0.0
        } else {
            theory::outbreak_probability_from_degree(&degrees, t_here, 32)
        };
        rows.push(row(
            "P(large outbreak) either side of T_c, seed degree 32",
            format!("T = {factor} T_c = {t_here:.4}"),
            t_here,
            p,
            theory,
        ));
    }
    Ok(Experiment {
        name: "configuration-hubs",
        title: format!("Hub or leaf seed on a power-law network (T = {t})"),
        axes: (
            "degree k of the one seed".into(),
            "probability of a large outbreak".into(),
        ),
        curves: vec![(
            "1 − u^k, u = 1 − T + T G1(u)".into(),
            curve(2.0, 32.0, |k| {
                1.0 - theory::percolation_u(&degrees, t).powf(k)
            }),
        )],
        plotted: vec!["P(large outbreak | seed degree k)".into()],
        rows,
    })
}

fn miller_trust(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "miller-trust.toml";
    let base = load(dir, file, scale, vec![])?;
    let c = mean_degree_of(&base);
    let (conversion, trust) = (base.word_of_mouth.conversion, base.word_of_mouth.trust);
    let homogeneous = theory::er_outbreak_size(c, conversion * trust);
    let heterogeneous =
        theory::er_heterogeneous_size(c, &[(conversion, trust), (0.0, 1.0 - trust)]);
    let mut rows = Vec::new();
    for (x, mode, size_theory) in [
        (0.0, "exposure", homogeneous),
        (1.0, "consumer", heterogeneous),
    ] {
        let s = load(
            dir,
            file,
            scale,
            vec![Override::new(
                "word_of_mouth.trust_mode",
                toml::Value::String(mode.into()),
            )],
        )?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.05);
        rows.push(row(
            "P(large outbreak)",
            format!("trust_mode = {mode}"),
            x,
            p,
            homogeneous,
        ));
        rows.push(row(
            "large-outbreak share",
            format!("trust_mode = {mode}"),
            x,
            size,
            size_theory,
        ));
    }
    Ok(Experiment {
        name: "miller-trust",
        title: format!("Trust per consumer or per recommendation (c = {c}, trust {trust})"),
        axes: (
            "0 = exposure mode, 1 = consumer mode".into(),
            "share / probability".into(),
        ),
        curves: vec![
            (
                "P(large), both modes".into(),
                vec![(0.0, homogeneous), (1.0, homogeneous)],
            ),
            (
                "share: 1 − E[exp(−cτS)]".into(),
                vec![(0.0, homogeneous), (1.0, heterogeneous)],
            ),
        ],
        plotted: vec!["P(large outbreak)".into(), "large-outbreak share".into()],
        rows,
    })
}

fn watts_window(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "watts-window.toml";
    let base = load(dir, file, scale, vec![])?;
    let phi = match base.word_of_mouth.rule {
        crate::scenario::Rule::Threshold {
            threshold: crate::scenario::Threshold::Fixed(phi),
        } => phi,
        _ => {
            return Err(WomError::Runtime(format!(
                "{file} must use a fixed threshold"
            )))
        }
    };
    let mut rows = Vec::new();
    for z in [0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0] {
        let s = load(dir, file, scale, vec![set("population.mean_degree", z)])?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.1);
        let d = theory::poisson(z);
        rows.push(row(
            "P(global cascade), random seed",
            format!("z = {z}"),
            z,
            p,
            theory::watts_trigger_probability(&d, phi, &d),
        ));
        if size.0 > 0.0 {
            rows.push(row(
                "global-cascade share",
                format!("z = {z}"),
                z,
                size,
                theory::watts_cascade_size(&d, phi, 1.0 / n as f64),
            ));
        }
    }
    // Watts & Dodds (2007): a seed from the top 10% of degrees, mid-window.
    let z = 4.0;
    let d = theory::poisson(z);
    let mut cumulative = 0.0;
    let top_min = d
        .iter()
        .rev()
        .find(|&&(_, p)| {
            cumulative += p;
            cumulative >= 0.1
        })
        .map_or(1, |&(k, _)| k);
    let top: Vec<(u32, f64)> = d.iter().copied().filter(|&(k, _)| k >= top_min).collect();
    let s = load(
        dir,
        file,
        scale,
        vec![
            set("population.mean_degree", z),
            Override::new(
                "advocates.choose",
                toml::Value::String("degree_band".into()),
            ),
            set_int("advocates.min_degree", i64::from(top_min)),
            set_int("advocates.max_degree", 1_000_000),
        ],
    )?;
    let (n, results) = simulate(&s)?;
    let (p, _) = outbreaks(&results, n, 0.1);
    rows.push(row(
        "P(global cascade), top-10% seed",
        format!("z = {z}, seed degree >= {top_min}"),
        z,
        p,
        theory::watts_trigger_probability(&d, phi, &top),
    ));
    let lower = 0.3;
    Ok(Experiment {
        name: "watts-window",
        title: format!("Watts cascade window on Erdős–Rényi (threshold {phi})"),
        axes: ("mean degree z".into(), "probability / share".into()),
        curves: vec![
            (
                "P(global) = 1 − G0(u)".into(),
                curve(lower, 12.0, |z| {
                    let d = theory::poisson(z);
                    theory::watts_trigger_probability(&d, phi, &d)
                }),
            ),
            (
                "global-cascade share (Gleeson & Cahalane 2007)".into(),
                curve(lower, 12.0, |z| {
                    let d = theory::poisson(z);
                    if theory::watts_cascade_condition(&d, phi) > 0.0 {
                        theory::watts_cascade_size(&d, phi, 1e-4)
                    } else {
                        0.0
                    }
                }),
            ),
        ],
        plotted: vec![
            "P(global cascade), random seed".into(),
            "global-cascade share".into(),
        ],
        rows,
    })
}

/// Mean adopted share after each step, over replicates.
fn mean_curve(results: &[ReplicateResult], nodes: u64) -> Vec<f64> {
    let steps = results.first().map_or(0, |r| r.curve.len());
    (0..steps)
        .map(|t| {
            results
                .iter()
                .map(|r| f64::from(r.curve[t].adopters))
                .sum::<f64>()
                / (results.len() as f64 * nodes as f64)
        })
        .collect()
}

fn bass(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "bass-complete.toml";
    let base = load(dir, file, scale, vec![])?;
    let crate::scenario::Rule::Bass { p, q, .. } = base.word_of_mouth.rule else {
        return Err(WomError::Runtime(format!("{file} must use the bass rule")));
    };
    let horizon = f64::from(base.simulation.steps);
    let mut rows = Vec::new();
    let mut curves = vec![(
        "closed form F(t)".to_string(),
        curve(0.0, horizon, |t| theory::bass_closed_form(p, q, t)),
    )];
    for dt in [1.0, 0.5, 0.2, 0.1] {
        let steps = (horizon / dt).round() as i64;
        let s = load(
            dir,
            file,
            scale,
            vec![
                set("word_of_mouth.dt", dt),
                set_int("simulation.steps", steps),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let simulated = mean_curve(&results, n);
        let map = theory::bass_discrete(p, q, dt, steps as usize);
        let closed = |i: usize| theory::bass_closed_form(p, q, (i + 1) as f64 * dt);
        let sim_error = (0..simulated.len())
            .map(|i| (simulated[i] - closed(i)).abs())
            .fold(0.0, f64::max);
        let map_error = (0..map.len())
            .map(|i| (map[i] - closed(i)).abs())
            .fold(0.0, f64::max);
        let vs_map = (0..map.len())
            .map(|i| (simulated[i] - map[i]).abs())
            .fold(0.0, f64::max);
        // se of a mean share: at most sqrt(0.25 / (N R)).
        let se = (0.25 / (n as f64 * results.len() as f64)).sqrt();
        rows.push(row(
            "max |F_sim − closed form|",
            format!("dt = {dt}"),
            dt,
            (sim_error, se),
            map_error,
        ));
        rows.push(row(
            "max |F_sim − discrete map|",
            format!("dt = {dt}"),
            dt,
            (vs_map, se),
            0.0,
        ));
        if dt == 1.0 || dt == 0.1 {
            curves.push((
                format!("discrete map, dt = {dt}"),
                map.iter()
                    .enumerate()
                    .map(|(i, &f)| ((i + 1) as f64 * dt, f))
                    .collect(),
            ));
        }
    }
    Ok(Experiment {
        name: "bass",
        title: format!("Bass on a well-mixed population (p = {p}, q = {q})"),
        axes: ("time step dt".into(), "largest gap in adopted share".into()),
        curves: vec![(
            "max |discrete map − closed form|".into(),
            [1.0, 0.5, 0.2, 0.1, 0.05, 0.02]
                .iter()
                .map(|&dt| {
                    let steps = (horizon / dt).round() as usize;
                    let map = theory::bass_discrete(p, q, dt, steps);
                    let gap = (0..steps)
                        .map(|i| {
                            (map[i] - theory::bass_closed_form(p, q, (i + 1) as f64 * dt)).abs()
                        })
                        .fold(0.0, f64::max);
                    (dt, gap)
                })
                .collect(),
        )],
        plotted: vec!["max |F_sim − closed form|".into()],
        rows,
    })
}

fn bass_ring(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "bass-ring.toml";
    let base = load(dir, file, scale, vec![])?;
    let crate::scenario::Rule::Bass { p, q, dt } = base.word_of_mouth.rule else {
        return Err(WomError::Runtime(format!("{file} must use the bass rule")));
    };
    let (n, results) = simulate(&base)?;
    let simulated = mean_curve(&results, n);
    let mut rows = Vec::new();
    let horizon = simulated.len() as f64 * dt;
    for t in [2.5, 5.0, 10.0, 15.0, 20.0] {
        if t > horizon + 1e-9 {
            continue;
        }
        let i = ((t / dt).round() as usize).saturating_sub(1);
        let shares: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.curve[i].adopters) / n as f64)
            .collect();
        rows.push(row(
            "adopted share on the ring",
            format!("t = {t}"),
            t,
            mean_se(&shares),
            theory::bass_ring(p, q, t),
        ));
        rows.push(Row {
            quantity: "well-mixed closed form, for contrast".into(),
            setting: format!("t = {t}"),
            x: t,
            simulated: f64::NAN,
            se: f64::NAN,
            theory: theory::bass_closed_form(p, q, t),
        });
    }
    Ok(Experiment {
        name: "bass-ring",
        title: format!("Bass on a ring (p = {p}, q = {q}, dt = {dt})"),
        axes: ("time t".into(), "adopted share".into()),
        curves: vec![
            (
                "ring: Fibich & Gibori (2010)".into(),
                curve(0.0, horizon, |t| theory::bass_ring(p, q, t)),
            ),
            (
                "well mixed: Bass (1969)".into(),
                curve(0.0, horizon, |t| theory::bass_closed_form(p, q, t)),
            ),
        ],
        plotted: vec!["adopted share on the ring".into()],
        rows,
    })
}

fn kkt_submodular(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "kkt-submodular.toml";
    let base = load(dir, file, scale, vec![])?;
    let edge_path = match &base.population {
        crate::scenario::PopulationSpec::EdgeList { path, .. } => path.clone(),
        _ => return Err(WomError::Runtime(format!("{file} must use an edge list"))),
    };
    let list = crate::graph::edge_list::read_edge_list(&edge_path, Default::default())?;
    let labels = list.labels;
    let nodes = list.csr.node_count();
    let mut edges = Vec::new();
    for u in 0..nodes as u32 {
        for &v in list.csr.neighbors(u) {
            if u < v {
                edges.push((u, v));
            }
        }
    }
    let p = base.word_of_mouth.conversion;
    let sets: Vec<Vec<u32>> = vec![
        vec![0],
        vec![3],
        vec![6],
        vec![0, 3],
        vec![0, 6],
        vec![3, 6],
        vec![0, 3, 6],
        vec![0, 3, 6, 7],
        vec![0, 7],
    ];
    let scratch = tempfile_dir()?;
    let mut rows = Vec::new();
    for (i, set_ids) in sets.iter().enumerate() {
        let seeds = scratch.join(format!("seeds-{i}.txt"));
        let text: String = set_ids
            .iter()
            .map(|&v| format!("{}\n", labels.label(v)))
            .collect();
        std::fs::write(&seeds, text).map_err(|e| files::write_error(&seeds, e))?;
        let s = load(
            dir,
            file,
            scale,
            vec![Override::new(
                "advocates.path",
                toml::Value::String(seeds.display().to_string()),
            )],
        )?;
        let (_, results) = simulate(&s)?;
        let spread: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.outcome.adopters))
            .collect();
        let names: Vec<String> = set_ids.iter().map(|&v| labels.label(v)).collect();
        let exact = theory::ic_spread_exact(nodes, &edges, p, set_ids);
        rows.push(row(
            "expected spread σ(S)",
            format!("S = {{{}}}", names.join(", ")),
            exact,
            mean_se(&spread),
            exact,
        ));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(Experiment {
        name: "kkt-submodular",
        title: format!("Expected spread, simulated and exact (p = {p})"),
        axes: ("exact σ(S) from all live-edge graphs".into(), "σ(S)".into()),
        curves: vec![("σ simulated = σ exact".into(), curve(1.0, 8.0, |x| x))],
        plotted: vec!["expected spread σ(S)".into()],
        rows,
    })
}

/// A private scratch folder under the system temp dir.
fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("wom-kkt-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).map_err(|e| files::write_error(&dir, e))?;
    Ok(dir)
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// `validation.csv` of an experiment.
pub fn table_csv(e: &Experiment) -> String {
    let mut out =
        String::from("quantity,setting,simulated,standard_error,theory,difference_in_se\n");
    for r in &e.rows {
        let z = if r.se > 0.0 {
            (r.simulated - r.theory) / r.se
        } else {
            f64::NAN
        };
        let cell = |v: f64| if v.is_finite() { num(v) } else { String::new() };
        out.push_str(&format!(
            "\"{}\",\"{}\",{},{},{},{}\n",
            r.quantity,
            r.setting,
            cell(r.simulated),
            cell(r.se),
            cell(r.theory),
            cell(z)
        ));
    }
    out
}

/// A Markdown table of an experiment, as in docs/validation.md.
pub fn table_markdown(e: &Experiment) -> String {
    let mut out =
        String::from("| quantity | setting | wom (± se) | theory |\n| --- | --- | --- | --- |\n");
    for r in &e.rows {
        let sim = if r.simulated.is_finite() {
            format!("{:.4} ± {:.4}", r.simulated, r.se)
        } else {
            "—".into()
        };
        // A `|` inside a cell would end it.
        let cell = |text: &str| text.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | {} | {} | {:.4} |\n",
            cell(&r.quantity),
            cell(&r.setting),
            sim,
            r.theory
        ));
    }
    out
}

/// Write `validation.csv`, `validation.md` and the figure into `dir`.
pub fn write(e: &Experiment, dir: &Path) -> Result<()> {
    files::write_file(&dir.join("validation.csv"), table_csv(e).as_bytes())?;
    files::write_file(&dir.join("validation.md"), table_markdown(e).as_bytes())?;
    let points: Vec<PointSeries> = e
        .plotted
        .iter()
        .map(|q| PointSeries {
            name: q.clone(),
            points: e
                .rows
                .iter()
                .filter(|r| &r.quantity == q && r.simulated.is_finite())
                .map(|r| (r.x, r.simulated, r.se))
                .collect(),
        })
        .collect();
    plots::validation(
        dir,
        "validation",
        &e.title,
        (&e.axes.0, &e.axes.1),
        &e.curves,
        &points,
    )
}
