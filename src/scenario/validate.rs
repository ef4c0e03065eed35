//! Raw scenario → resolved [`Scenario`]: defaults, ranges, combinations.
//!
//! Every problem is collected (not just the first) and reported with its location.
//! The defaults here are the ones documented in `docs/scenarios.md`; keep them in step.

use super::locate::{did_you_mean, Locator};
use super::raw::*;
use super::DegreeDistribution;
use super::*;
use crate::error::{Diagnostic, Result, WomError};

mod channels;
mod uncertain;

pub use uncertain::{assumption_range, is_population_key, FieldRange, ASSUMPTION_KEYS};

/// The largest population: node ids are `u32`, and one value is kept as a sentinel.
pub const MAX_NODES: u64 = u32::MAX as u64 - 1;

/// Defaults, in one place.
pub mod defaults {
    pub const REPLICATES: u32 = 1000;
    pub const STEPS: u32 = 30;
    pub const SEED: u64 = 42;
    pub const RULE: &str = "cascade";
    pub const WOM_REACH: f64 = 0.3;
    pub const WOM_TRUST: f64 = 0.92;
    pub const TRUST_MODE: &str = "consumer";
    pub const CONVERSION: f64 = 0.1;
    pub const ADVOCACY: f64 = 0.3;
    pub const ACTIVE_STEPS: u32 = 1;
    pub const EXTERNAL: f64 = 0.0;
    pub const THRESHOLD: f64 = 0.18;
    pub const BASS_P: f64 = 0.03;
    pub const BASS_Q: f64 = 0.38;
    pub const BASS_DT: f64 = 1.0;
    pub const FOLLOWER_CHOICE: &str = "random";
    pub const INFLUENCER_REACH: f64 = 0.0227;
    pub const INFLUENCER_TRUST: f64 = 0.18;
    pub const CHOOSE: &str = "random";
    /// IMM's approximation slack for `choose = "influence"`.
    pub const EPSILON: f64 = 0.1;
    pub const FATIGUE: f64 = 0.0;
    pub const TRUST_FACTOR: f64 = 1.0;
    pub const CUSTOMERS: f64 = 0.0;
    /// The default engagement bands: (largest follower count, reach of one post).
    /// Markerly (2016) like rates by audience size: about 8% under 1k followers,
    /// 4% at 1k-10k, 2.4% at 10k-100k, 1.7% at 1M-10M; between 100k and 1M
    /// interpolated (1.8%); Locowise (2015) measured 2.27% reach for 1M+ pages.
    pub const ENGAGEMENT: [(f64, f64); 5] = [
        (1_000.0, 0.08),
        (10_000.0, 0.04),
        (100_000.0, 0.024),
        (1_000_000.0, 0.018),
        (f64::INFINITY, 0.017),
    ];
}

const GENERATORS: &[&str] = &[
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "configuration",
    "stochastic_block",
    "complete",
    "edge_list",
];

/// Collects diagnostics while resolving.
struct Checker<'a> {
    locator: &'a Locator<'a>,
    errors: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, field: &str, message: String) {
        let d = self.locator.diagnostic(field, message, false);
        self.errors.push(d);
    }

    fn error_help(&mut self, field: &str, message: String, help: String) {
        let d = self.locator.diagnostic(field, message, false).help(help);
        self.errors.push(d);
    }

    /// A probability in [0, 1].
    fn probability(&mut self, field: &str, value: Option<f64>, default: f64) -> f64 {
        self.number_in(field, value, default, 0.0, 1.0)
    }

    /// A finite number in [min, max].
    fn number_in(
        &mut self,
        field: &str,
        value: Option<f64>,
        default: f64,
        min: f64,
        max: f64,
    ) -> f64 {
        let v = value.unwrap_or(default);
        if !v.is_finite() || v < min || v > max {
            let range = if max.is_infinite() {
                format!("a number >= {min}")
            } else {
                format!("a number from {min} to {max}")
            };
            self.error(field, format!("is {v}; allowed: {range}"));
            return default;
        }
        v
    }

    /// A non-negative amount of money.
    fn money(&mut self, field: &str, value: Option<f64>) -> f64 {
        self.number_in(field, value, 0.0, 0.0, f64::INFINITY)
    }

    /// An integer in [min, max].
    fn integer_in(&mut self, field: &str, value: i64, min: u64, max: u64) -> Option<u64> {
        if value < 0 || (value as u64) < min || (value as u64) > max {
            self.error(
                field,
                format!("is {value}; allowed: an integer from {min} to {max}"),
            );
            return None;
        }
        Some(value as u64)
    }

    fn required<T>(&mut self, field: &str, value: Option<T>, what: &str) -> Option<T> {
        if value.is_none() {
            self.error(field, format!("is missing; {what}"));
        }
        value
    }

    /// One of `allowed`, with a suggestion for near misses.
    fn choice(
        &mut self,
        field: &str,
        value: Option<String>,
        default: &str,
        allowed: &[&str],
    ) -> String {
        let v = value.unwrap_or_else(|| default.to_string());
        if allowed.contains(&v.as_str()) {
            return v;
        }
        let message = format!("is \"{v}\"; allowed: {}", allowed.join(", "));
        match did_you_mean(&v, allowed) {
            Some(s) => self.error_help(field, message, format!("did you mean \"{s}\"?")),
            None => self.error(field, message),
        }
        String::new()
    }

    /// A key that must not be given in this context.
    fn reject(&mut self, field: &str, present: bool, why: &str) {
        if present {
            let d = self
                .locator
                .diagnostic(field, format!("does not apply {why}"), true);
            self.errors.push(d.help(format!("remove `{field}`")));
        }
    }

    /// Steps at which something happens: each in 0..steps, sorted, repeats removed.
    fn posts(&mut self, field: &str, value: Option<Vec<i64>>, steps: u32) -> Vec<u32> {
        let values = value.unwrap_or_else(|| vec![0]);
        let mut posts = Vec::with_capacity(values.len());
        for v in values {
            if v < 0 || v >= i64::from(steps) {
                self.error_help(
                    field,
                    format!(
                        "has step {v}, but the simulation runs steps 0 to {} (`simulation.steps` = {steps})",
                        steps.saturating_sub(1)
                    ),
                    "post within the simulated steps, or raise `simulation.steps`".into(),
                );
            } else {
                posts.push(v as u32);
            }
        }
        posts.sort_unstable();
        posts.dedup();
        posts
    }
}

pub fn resolve(raw: RawScenario, path: &Path, locator: &Locator<'_>) -> Result<Scenario> {
    let mut c = Checker {
        locator,
        errors: Vec::new(),
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string());
    let base_dir = path.parent().unwrap_or(Path::new(""));

    let simulation = simulation(&mut c, raw.simulation.unwrap_or_default());
    let steps = simulation.steps;
    let population = match c.required(
        "population",
        raw.population,
        "add a [population] table with a `generator` (see docs/scenarios.md)",
    ) {
        Some(p) => population(&mut c, p, base_dir),
        None => None,
    };
    if simulation.new_graph_each_replicate {
        if let Some(p @ (PopulationSpec::EdgeList { .. } | PopulationSpec::Complete { .. })) =
            &population
        {
            c.error(
                "simulation.new_graph_each_replicate",
                format!(
                    "is true, but a `{}` population is the same in every replicate; allowed only for random generators",
                    p.generator_name()
                ),
            );
        }
    }
    let nodes = population.as_ref().and_then(PopulationSpec::nodes);
    let word_of_mouth = word_of_mouth(&mut c, raw.word_of_mouth.unwrap_or_default(), steps);
    let market = channels::market(&mut c, raw.market.unwrap_or_default());
    let engagement = channels::engagement(&mut c, raw.engagement);
    let influencers = channels::influencers(&mut c, raw.influencers, steps, nodes);
    let programmes = channels::programmes(&mut c, raw.programmes, steps, nodes, market, base_dir);
    channels::unique_names(&mut c, &influencers, &programmes);
    channels::supported(
        &mut c,
        &word_of_mouth,
        population.as_ref(),
        &influencers,
        &programmes,
    );
    let economics = channels::economics(&mut c, raw.economics.unwrap_or_default());

    let uncertain = uncertain::uncertain(
        &mut c,
        raw.uncertain,
        population.as_ref(),
        &word_of_mouth,
        &influencers,
        &programmes,
    );

    if !c.errors.is_empty() {
        // Report in reading order; diagnostics without a line (from --set) come first.
        c.errors.sort_by_key(|d| (d.line, d.column));
        return Err(WomError::Input(c.errors));
    }
    Ok(Scenario {
        name: raw.name.unwrap_or_else(|| stem.clone()),
        description: raw.description.unwrap_or_default(),
        stem,
        simulation,
        population: population.expect("no errors means a population"),
        word_of_mouth,
        influencers: influencers.into_iter().map(|(_, i)| i).collect(),
        programmes: programmes.into_iter().map(|(_, p)| p).collect(),
        market,
        engagement,
        economics,
        uncertain,
        origin: Origin::default(),
    })
}

fn simulation(c: &mut Checker<'_>, raw: RawSimulation) -> Simulation {
    let replicates = raw
        .replicates
        .map(|v| c.integer_in("simulation.replicates", v, 1, 100_000_000))
        .unwrap_or(Some(u64::from(defaults::REPLICATES)))
        .unwrap_or(1) as u32;
    let steps = raw
        .steps
        .map(|v| c.integer_in("simulation.steps", v, 1, 1_000_000))
        .unwrap_or(Some(u64::from(defaults::STEPS)))
        .unwrap_or(1) as u32;
    let seed = match raw.seed {
        None => defaults::SEED,
        Some(toml::Value::Integer(v)) => c
            .integer_in("simulation.seed", v, 0, i64::MAX as u64)
            .unwrap_or(0),
        // TOML integers stop at 2^63 - 1; larger seeds are written as a string.
        Some(toml::Value::String(text)) => match text.trim().parse::<u64>() {
            Ok(v) => v,
            Err(_) => {
                c.error(
                    "simulation.seed",
                    format!(
                        "is \"{}\"; allowed: an integer from 0 to {}",
                        crate::error::echo(&text),
                        u64::MAX
                    ),
                );
                0
            }
        },
        Some(other) => {
            c.error(
                "simulation.seed",
                format!(
                    "is {}; allowed: an integer from 0 to {} (above {} as a string)",
                    other.type_str(),
                    u64::MAX,
                    i64::MAX
                ),
            );
            0
        }
    };
    Simulation {
        replicates,
        steps,
        seed,
        new_graph_each_replicate: raw.new_graph_each_replicate.unwrap_or(false),
    }
}

/// Which `[population]` keys each generator takes (besides `generator`).
fn generator_keys(generator: &str) -> &'static [&'static str] {
    match generator {
        "erdos_renyi" => &["nodes", "mean_degree"],
        "barabasi_albert" => &["nodes", "attach"],
        "watts_strogatz" => &["nodes", "neighbors", "rewire"],
        "configuration" => &["nodes", "degrees", "power_law"],
        "stochastic_block" => &["blocks", "p_in", "p_out"],
        "complete" => &["nodes"],
        "edge_list" => &["path", "directed", "weighted"],
        _ => &[],
    }
}

fn population(c: &mut Checker<'_>, raw: RawPopulation, base_dir: &Path) -> Option<PopulationSpec> {
    let generator = c.required(
        "population.generator",
        raw.generator.clone(),
        &format!("allowed: {}", GENERATORS.join(", ")),
    )?;
    let generator = c.choice("population.generator", Some(generator), "", GENERATORS);
    if generator.is_empty() {
        return None;
    }
    let keys = generator_keys(&generator);
    let present = [
        ("nodes", raw.nodes.is_some()),
        ("attach", raw.attach.is_some()),
        ("mean_degree", raw.mean_degree.is_some()),
        ("neighbors", raw.neighbors.is_some()),
        ("rewire", raw.rewire.is_some()),
        ("degrees", raw.degrees.is_some()),
        ("power_law", raw.power_law.is_some()),
        ("blocks", raw.blocks.is_some()),
        ("p_in", raw.p_in.is_some()),
        ("p_out", raw.p_out.is_some()),
        ("path", raw.path.is_some()),
        ("directed", raw.directed.is_some()),
        ("weighted", raw.weighted.is_some()),
    ];
    for (key, given) in present {
        if given && !keys.contains(&key) {
            let field = format!("population.{key}");
            let d = c.locator.diagnostic(
                &field,
                format!(
                    "does not apply to generator \"{generator}\", which takes: {}",
                    keys.join(", ")
                ),
                true,
            );
            c.errors
                .push(d.help(format!("remove `{key}` or change `population.generator`")));
        }
    }
    let errors_before = c.errors.len();
    // `None` when `nodes` is missing or refused: rules that depend on it are then
    // skipped rather than evaluated on a stand-in value.
    let nodes = |c: &mut Checker<'_>, min: u64| -> Option<u32> {
        c.required(
            "population.nodes",
            raw.nodes,
            &format!("generator \"{generator}\" needs `nodes`"),
        )
        .and_then(|v| c.integer_in("population.nodes", v, min, MAX_NODES))
        .map(|n| n as u32)
    };
    // The largest value a per-consumer count can take among `nodes` consumers.
    let below = |nodes: Option<u32>| nodes.map_or(MAX_NODES, |n| u64::from(n) - 1);
    let spec = match generator.as_str() {
        "erdos_renyi" => {
            let n = nodes(c, 1);
            let mean_degree = c
                .required(
                    "population.mean_degree",
                    raw.mean_degree,
                    "erdos_renyi needs `mean_degree`",
                )
                .unwrap_or(0.0);
            let mean_degree = c.number_in(
                "population.mean_degree",
                Some(mean_degree),
                0.0,
                0.0,
                n.map_or(f64::INFINITY, |n| f64::from(n.saturating_sub(1))),
            );
            PopulationSpec::ErdosRenyi {
                nodes: n.unwrap_or(1),
                mean_degree,
            }
        }
        "barabasi_albert" => {
            let n = nodes(c, 2);
            let attach = c
                .required(
                    "population.attach",
                    raw.attach,
                    "barabasi_albert needs `attach`",
                )
                .and_then(|v| c.integer_in("population.attach", v, 1, below(n)))
                .unwrap_or(1) as u32;
            PopulationSpec::BarabasiAlbert {
                nodes: n.unwrap_or(2),
                attach,
            }
        }
        "watts_strogatz" => {
            let n = nodes(c, 3);
            let neighbors = c
                .required(
                    "population.neighbors",
                    raw.neighbors,
                    "watts_strogatz needs `neighbors` (an even k)",
                )
                .and_then(|v| c.integer_in("population.neighbors", v, 2, below(n)))
                .unwrap_or(2) as u32;
            if neighbors % 2 == 1 {
                c.error_help(
                    "population.neighbors",
                    format!("is {neighbors}; allowed: an even number (k/2 neighbours on each side of the ring)"),
                    format!("use {} or {}", neighbors - 1, neighbors + 1),
                );
            }
            let rewire = c
                .required(
                    "population.rewire",
                    raw.rewire,
                    "watts_strogatz needs `rewire` (0 gives a ring lattice)",
                )
                .unwrap_or(0.0);
            let rewire = c.probability("population.rewire", Some(rewire), 0.0);
            PopulationSpec::WattsStrogatz {
                nodes: n.unwrap_or(3),
                neighbors,
                rewire,
            }
        }
        "configuration" => {
            let n = nodes(c, 2);
            let degrees = match (raw.degrees, raw.power_law) {
                (Some(table), None) => degree_table(c, table, n),
                (None, Some(law)) => power_law(c, law, n),
                (Some(_), Some(_)) => {
                    c.error(
                        "population.power_law",
                        "is given together with `degrees`; allowed: exactly one of them".into(),
                    );
                    None
                }
                (None, None) => {
                    c.error_help(
                        "population.generator",
                        "is \"configuration\", which needs a degree distribution".into(),
                        "add degrees = { \"5\" = 0.9, \"50\" = 0.1 } or power_law = { exponent = 2.5, min = 2, max = 1000 }".into(),
                    );
                    None
                }
            };
            PopulationSpec::Configuration {
                nodes: n.unwrap_or(2),
                degrees: degrees.unwrap_or(DegreeDistribution::Table(vec![])),
            }
        }
        "stochastic_block" => {
            let blocks = c
                .required(
                    "population.blocks",
                    raw.blocks,
                    "stochastic_block needs `blocks`, e.g. [5000, 5000]",
                )
                .unwrap_or_default();
            if blocks.is_empty() && c.errors.len() == errors_before {
                c.error(
                    "population.blocks",
                    "is empty; allowed: a list of block sizes, each >= 1".into(),
                );
            }
            let mut sizes = Vec::with_capacity(blocks.len());
            for (i, &b) in blocks.iter().enumerate() {
                if b < 1 || b as u64 > MAX_NODES {
                    c.error(
                        "population.blocks",
                        format!("block {i} has size {b}; allowed: 1 to {MAX_NODES}"),
                    );
                } else {
                    sizes.push(b as u32);
                }
            }
            let total: u64 = sizes.iter().map(|&b| u64::from(b)).sum();
            if total > MAX_NODES {
                c.error(
                    "population.blocks",
                    format!("add up to {total} consumers; allowed: at most {MAX_NODES}"),
                );
            }
            let p_in = c
                .required("population.p_in", raw.p_in, "stochastic_block needs `p_in`")
                .unwrap_or(0.0);
            let p_out = c
                .required(
                    "population.p_out",
                    raw.p_out,
                    "stochastic_block needs `p_out`",
                )
                .unwrap_or(0.0);
            PopulationSpec::StochasticBlock {
                blocks: sizes,
                p_in: c.probability("population.p_in", Some(p_in), 0.0),
                p_out: c.probability("population.p_out", Some(p_out), 0.0),
            }
        }
        "complete" => PopulationSpec::Complete {
            nodes: nodes(c, 1).unwrap_or(1),
        },
        "edge_list" => {
            let raw_path_given = raw.path.is_some();
            let path = c
                .required(
                    "population.path",
                    raw.path,
                    "edge_list needs `path` (relative to the scenario file)",
                )
                .unwrap_or_default();
            let resolved = base_dir.join(&path);
            if raw_path_given && path.is_empty() {
                c.error(
                    "population.path",
                    "is empty; allowed: the path of an edge list file, relative to the scenario file's folder".into(),
                );
            } else if !path.is_empty() && !resolved.exists() {
                c.error_help(
                    "population.path",
                    format!(
                        "is \"{}\", but {} does not exist",
                        crate::error::echo(&path),
                        crate::error::echo(&resolved.display().to_string())
                    ),
                    "paths in a scenario are relative to the scenario file's folder".into(),
                );
            }
            PopulationSpec::EdgeList {
                path: resolved,
                directed: raw.directed.unwrap_or(false),
                weighted: raw.weighted.unwrap_or(false),
            }
        }
        _ => unreachable!("checked against GENERATORS"),
    };
    (c.errors.len() == errors_before).then_some(spec)
}

fn degree_table(
    c: &mut Checker<'_>,
    table: std::collections::BTreeMap<String, f64>,
    nodes: Option<u32>,
) -> Option<DegreeDistribution> {
    // With `nodes` refused, degrees are checked only against the largest population.
    let nodes = nodes.unwrap_or(MAX_NODES as u32);
    let field = "population.degrees";
    if table.is_empty() {
        c.error(
            field,
            "is empty; allowed: a table of degree = share, e.g. { \"5\" = 0.9, \"50\" = 0.1 }"
                .into(),
        );
        return None;
    }
    let mut rows = Vec::with_capacity(table.len());
    let mut sum = 0.0;
    for (key, share) in table {
        match key.trim().parse::<u32>() {
            Ok(degree) if degree < nodes => {
                if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                    c.error(field, format!("degree {degree} has share {share}; allowed: 0 to 1"));
                }
                sum += share;
                rows.push((degree, share));
            }
            Ok(degree) => c.error(
                field,
                format!("has degree {degree}, but a consumer can have at most {} friends among {nodes}", nodes - 1),
            ),
            Err(_) => c.error(
                field,
                format!("has key \"{key}\"; allowed: a whole-number degree written as a string, e.g. \"5\""),
            ),
        }
    }
    if (sum - 1.0).abs() > 1e-6 {
        c.error(
            field,
            format!("shares add up to {sum}; allowed: they must add up to 1"),
        );
        return None;
    }
    rows.sort_by_key(|r| r.0);
    Some(DegreeDistribution::Table(rows))
}

fn power_law(
    c: &mut Checker<'_>,
    law: RawPowerLaw,
    nodes: Option<u32>,
) -> Option<DegreeDistribution> {
    let nodes = nodes.unwrap_or(MAX_NODES as u32);
    let errors_before = c.errors.len();
    let exponent = c.required(
        "population.power_law.exponent",
        law.exponent,
        "power_law needs `exponent`, e.g. 2.5",
    );
    let min = c.required(
        "population.power_law.min",
        law.min,
        "power_law needs `min`, e.g. 2",
    );
    let max = c.required(
        "population.power_law.max",
        law.max,
        "power_law needs `max`, e.g. 1000",
    );
    let (exponent, min, max) = (exponent?, min?, max?);
    let exponent = c.number_in(
        "population.power_law.exponent",
        Some(exponent),
        2.5,
        0.0,
        100.0,
    );
    let min = c.integer_in("population.power_law.min", min, 1, u64::from(nodes) - 1);
    let max = c.integer_in("population.power_law.max", max, 1, u64::from(nodes) - 1);
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            c.error(
                "population.power_law.max",
                format!("is {hi}, below `min` = {lo}; allowed: max >= min"),
            );
        }
    }
    (c.errors.len() == errors_before).then(|| DegreeDistribution::PowerLaw {
        exponent,
        min: min.unwrap_or(1) as u32,
        max: max.unwrap_or(1) as u32,
    })
}

fn word_of_mouth(c: &mut Checker<'_>, raw: RawWordOfMouth, steps: u32) -> WordOfMouth {
    let rule_name = c.choice(
        "word_of_mouth.rule",
        raw.rule,
        defaults::RULE,
        &["cascade", "threshold", "bass"],
    );
    let not_threshold =
        format!("to rule \"{rule_name}\"; `threshold` belongs to rule = \"threshold\"");
    let not_bass = format!("to rule \"{rule_name}\"; `p`, `q` and `dt` belong to rule = \"bass\"");
    if rule_name != "threshold" {
        c.reject(
            "word_of_mouth.threshold",
            raw.threshold.is_some(),
            &not_threshold,
        );
    }
    if rule_name != "bass" {
        c.reject("word_of_mouth.p", raw.p.is_some(), &not_bass);
        c.reject("word_of_mouth.q", raw.q.is_some(), &not_bass);
        c.reject("word_of_mouth.dt", raw.dt.is_some(), &not_bass);
    }
    let rule = match rule_name.as_str() {
        "threshold" => {
            let threshold = match raw.threshold {
                None => Threshold::Fixed(defaults::THRESHOLD),
                Some(toml::Value::String(s)) if s == "uniform" => Threshold::Uniform,
                Some(toml::Value::Float(v)) => Threshold::Fixed(c.probability(
                    "word_of_mouth.threshold",
                    Some(v),
                    defaults::THRESHOLD,
                )),
                Some(toml::Value::Integer(v)) => Threshold::Fixed(c.probability(
                    "word_of_mouth.threshold",
                    Some(v as f64),
                    defaults::THRESHOLD,
                )),
                Some(other) => {
                    c.error(
                        "word_of_mouth.threshold",
                        format!("is {other}; allowed: a number from 0 to 1, or \"uniform\""),
                    );
                    Threshold::Fixed(defaults::THRESHOLD)
                }
            };
            Rule::Threshold { threshold }
        }
        "bass" => Rule::Bass {
            p: c.probability("word_of_mouth.p", raw.p, defaults::BASS_P),
            q: c.number_in("word_of_mouth.q", raw.q, defaults::BASS_Q, 0.0, 1000.0),
            dt: {
                let dt = raw.dt.unwrap_or(defaults::BASS_DT);
                if !(dt.is_finite() && dt > 0.0 && dt <= 1.0) {
                    c.error(
                        "word_of_mouth.dt",
                        format!("is {dt}; allowed: a number above 0 and at most 1"),
                    );
                }
                dt
            },
        },
        _ => Rule::Cascade,
    };
    let active_steps = raw
        .active_steps
        .map(|v| c.integer_in("word_of_mouth.active_steps", v, 1, u64::from(steps)))
        .unwrap_or(Some(
            u64::from(defaults::ACTIVE_STEPS).min(u64::from(steps)),
        ))
        .unwrap_or(1) as u32;
    WordOfMouth {
        rule,
        reach: c.probability("word_of_mouth.reach", raw.reach, defaults::WOM_REACH),
        trust: c.probability("word_of_mouth.trust", raw.trust, defaults::WOM_TRUST),
        trust_mode: match c
            .choice(
                "word_of_mouth.trust_mode",
                raw.trust_mode,
                defaults::TRUST_MODE,
                &["consumer", "exposure"],
            )
            .as_str()
        {
            "exposure" => TrustMode::Exposure,
            _ => TrustMode::Consumer,
        },
        conversion: c.probability(
            "word_of_mouth.conversion",
            raw.conversion,
            defaults::CONVERSION,
        ),
        advocacy: c.probability("word_of_mouth.advocacy", raw.advocacy, defaults::ADVOCACY),
        active_steps,
        external: c.probability("word_of_mouth.external", raw.external, defaults::EXTERNAL),
    }
}
