//! Scenario files: parse, apply `--set` overrides, validate, resolve.
//!
//! Two stages, as in ripgrep: the TOML text is deserialised into raw structs that
//! reject unknown keys ([`raw`]), then validated into a [`Scenario`] whose fields
//! cannot be invalid ([`validate`]). Nothing after this module re-checks ranges.
//! Errors carry the file, line and column (found through the document's spans,
//! [`locate`]), the field, what was found and what is allowed.

mod locate;
pub mod overrides;
mod raw;
mod validate;
mod write;

use crate::error::{Diagnostic, Result, WomError};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use overrides::Override;
pub use write::to_toml;

/// Degree distribution of the configuration model.
#[derive(Debug, Clone, PartialEq)]
pub enum DegreeDistribution {
    /// (degree, share of nodes); shares sum to 1 (validated by the caller). Exact
    /// counts by largest-remainder rounding of share · n (ties to the earlier
    /// entry), assigned to nodes in random order.
    Table(Vec<(u32, f64)>),
    /// P(k) ∝ k^-exponent for min <= k <= max (discrete; inverse-CDF sampling per
    /// node, by binary search in a table of max − min + 1 cumulative weights).
    PowerLaw {
        /// The exponent of the power law (any finite value).
        exponent: f64,
        /// Smallest degree, at least 1.
        min: u32,
        /// Largest degree, at least `min`.
        max: u32,
    },
}

/// A validated scenario. Every value is in range; paths are resolved against the
/// scenario file's folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The scenario file's stem: names the output folder.
    pub stem: String,
    pub simulation: Simulation,
    pub population: PopulationSpec,
    pub word_of_mouth: WordOfMouth,
    pub influencer: Option<Influencer>,
    pub advocates: Option<Advocates>,
    pub economics: Economics,
    /// Where the scenario came from, to locate problems found later (when the
    /// population is built). Not part of the resolved scenario's value.
    #[serde(skip)]
    pub origin: Origin,
}

/// The text a scenario was read from, its path and the `--set` overrides applied.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The scenario file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// The overrides applied to it, in order.
    pub overrides: Vec<Override>,
}

/// Origins never make two scenarios differ: two files with the same values are the
/// same scenario.
impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Scenario {
    /// A diagnostic for `field` located where the scenario file (or a `--set`) wrote
    /// it, for problems found after validation, such as an audience larger than an
    /// edge list's population.
    pub fn diagnostic(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        let o = &self.origin;
        locate::Locator::new(&o.text, &o.path, &o.overrides).diagnostic(field, message, false)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub replicates: u32,
    pub steps: u32,
    pub seed: u64,
    pub new_graph_each_replicate: bool,
}

/// How to build the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "generator", rename_all = "snake_case")]
pub enum PopulationSpec {
    ErdosRenyi {
        nodes: u32,
        mean_degree: f64,
    },
    BarabasiAlbert {
        nodes: u32,
        attach: u32,
    },
    WattsStrogatz {
        nodes: u32,
        neighbors: u32,
        rewire: f64,
    },
    Configuration {
        nodes: u32,
        #[serde(serialize_with = "serialize_degrees")]
        degrees: DegreeDistribution,
    },
    StochasticBlock {
        blocks: Vec<u32>,
        p_in: f64,
        p_out: f64,
    },
    Complete {
        nodes: u32,
    },
    EdgeList {
        path: PathBuf,
        directed: bool,
        weighted: bool,
    },
}

fn serialize_degrees<S: serde::Serializer>(
    degrees: &DegreeDistribution,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match degrees {
        DegreeDistribution::Table(rows) => {
            let mut map = serializer.serialize_map(Some(rows.len()))?;
            for (degree, share) in rows {
                map.serialize_entry(&degree.to_string(), share)?;
            }
            map.end()
        }
        DegreeDistribution::PowerLaw { exponent, min, max } => {
            let mut map = serializer.serialize_map(Some(1))?;
            #[derive(Serialize)]
            struct PowerLaw {
                exponent: f64,
                min: u32,
                max: u32,
            }
            map.serialize_entry(
                "power_law",
                &PowerLaw {
                    exponent: *exponent,
                    min: *min,
                    max: *max,
                },
            )?;
            map.end()
        }
    }
}

impl PopulationSpec {
    /// The generator's name as written in scenario files.
    pub fn generator_name(&self) -> &'static str {
        match self {
            PopulationSpec::ErdosRenyi { .. } => "erdos_renyi",
            PopulationSpec::BarabasiAlbert { .. } => "barabasi_albert",
            PopulationSpec::WattsStrogatz { .. } => "watts_strogatz",
            PopulationSpec::Configuration { .. } => "configuration",
            PopulationSpec::StochasticBlock { .. } => "stochastic_block",
            PopulationSpec::Complete { .. } => "complete",
            PopulationSpec::EdgeList { .. } => "edge_list",
        }
    }

    /// The number of consumers, when known without reading a file.
    pub fn nodes(&self) -> Option<u64> {
        match self {
            PopulationSpec::ErdosRenyi { nodes, .. }
            | PopulationSpec::BarabasiAlbert { nodes, .. }
            | PopulationSpec::WattsStrogatz { nodes, .. }
            | PopulationSpec::Configuration { nodes, .. }
            | PopulationSpec::Complete { nodes } => Some(u64::from(*nodes)),
            PopulationSpec::StochasticBlock { blocks, .. } => {
                Some(blocks.iter().map(|&b| u64::from(b)).sum())
            }
            PopulationSpec::EdgeList { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustMode {
    Consumer,
    Exposure,
}

/// The threshold θ_v of the threshold rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Fixed(f64),
    Uniform,
}

/// How recommendations turn into adoptions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    Cascade,
    Threshold { threshold: Threshold },
    Bass { p: f64, q: f64, dt: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordOfMouth {
    #[serde(flatten)]
    pub rule: Rule,
    pub reach: f64,
    pub trust: f64,
    pub trust_mode: TrustMode,
    pub conversion: f64,
    pub advocacy: f64,
    pub active_steps: u32,
    pub external: f64,
}

/// A count of consumers, or a share of the population.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    Count(u64),
    Share(f64),
}

impl Amount {
    /// The number of consumers out of `nodes` (shares round to nearest).
    pub fn resolve(self, nodes: u64) -> u64 {
        match self {
            Amount::Count(c) => c,
            Amount::Share(s) => (s * nodes as f64).round() as u64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowerChoice {
    Random,
    ByDegree,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Influencer {
    pub followers: Amount,
    pub follower_choice: FollowerChoice,
    pub reach: f64,
    pub trust: f64,
    pub posts: Vec<u32>,
    pub fee: f64,
}

/// Which consumers are recruited as advocates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "choose", rename_all = "snake_case")]
pub enum AdvocateChoice {
    Random {
        amount: Amount,
    },
    TopDegree {
        amount: Amount,
    },
    DegreeBand {
        amount: Amount,
        min_degree: u32,
        max_degree: u32,
    },
    Spread {
        amount: Amount,
    },
    File {
        path: PathBuf,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advocates {
    #[serde(flatten)]
    pub choice: AdvocateChoice,
    pub posts: Vec<u32>,
    pub incentive: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Economics {
    pub value_per_conversion: f64,
}

/// Read, override and validate the scenario file at `path`.
///
/// All problems in the file are reported together, each with its location.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::InvalidData => "the file is not UTF-8 text".to_string(),
            _ => format!("cannot read it: {e}"),
        };
        WomError::input(
            Diagnostic::new(format!("cannot load scenario: {what}"))
                .file(path)
                .help(
                    "give the path of a scenario .toml file, e.g. scenarios/micro-advocates.toml",
                ),
        )
    })?;
    parse(&text, path, overrides)
}

/// Validate scenario `text` as if read from `path` (used for messages and to resolve
/// relative paths), after applying `overrides`.
pub fn parse(text: &str, path: &Path, overrides: &[Override]) -> Result<Scenario> {
    let locator = locate::Locator::new(text, path, overrides);
    let mut table: toml::Table = toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::new(format!(
            "TOML syntax error: {}",
            e.message().trim().replace('\n', "; ")
        ))
        .file(path);
        if let Some((line, column)) = e.span().map(|s| locator.line_column(s.start)) {
            d = d.at(line, Some(column));
        }
        WomError::input(d)
    })?;
    overrides::apply(&mut table, overrides)?;
    // Every unknown key and wrong type is reported, not just the first: each one
    // found is dropped from the table and the rest is read again. The validator then
    // says nothing more about a dropped key (it would only repeat "missing").
    let mut problems = Vec::new();
    let mut dropped = Vec::new();
    let raw: raw::RawScenario = loop {
        match serde_path_to_error::deserialize(toml::Value::Table(table.clone())) {
            Ok(raw) => break raw,
            Err(e) => {
                let (d, key) = locate::serde_diagnostic(&locator, &e);
                problems.push(d);
                if key.is_empty() || !remove_key(&mut table, &key) {
                    return Err(WomError::Input(sorted(problems)));
                }
                dropped.push(key.join("."));
            }
        }
    };
    match validate::resolve(raw, path, &locator) {
        Ok(mut scenario) if problems.is_empty() => {
            scenario.origin = Origin {
                path: path.to_path_buf(),
                text: text.to_string(),
                overrides: overrides.to_vec(),
            };
            Ok(scenario)
        }
        Ok(_) => Err(WomError::Input(sorted(problems))),
        Err(WomError::Input(more)) => {
            problems.extend(more.into_iter().filter(|d| {
                !d.field.as_ref().is_some_and(|f| {
                    dropped
                        .iter()
                        .any(|k| f == k || f.starts_with(&format!("{k}.")))
                })
            }));
            Err(WomError::Input(sorted(problems)))
        }
        Err(other) => Err(other),
    }
}

/// Diagnostics in reading order; those without a line (from `--set`) first.
fn sorted(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort_by_key(|d| (d.line, d.column));
    problems
}

/// Remove the value at a dotted path from a table; false when it is not there.
fn remove_key(table: &mut toml::Table, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut current = table;
    for key in parents {
        match current.get_mut(key) {
            Some(toml::Value::Table(t)) => current = t,
            _ => return false,
        }
    }
    current.remove(last).is_some()
}
