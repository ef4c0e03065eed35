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
pub mod sources;
mod validate;
mod write;

use crate::error::{Diagnostic, Result, WomError};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use overrides::Override;
pub use validate::{assumption_range, is_population_key, FieldRange, ASSUMPTION_KEYS};
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
    /// Paid creators, in file order.
    pub influencers: Vec<Influencer>,
    /// Advocate programmes, in file order.
    pub programmes: Vec<Advocates>,
    pub market: Market,
    /// The audience-size law of `reach = "by_audience"`.
    pub engagement: Engagement,
    pub economics: Economics,
    /// `[uncertain]`: assumptions and their distributions, in file order (used by
    /// `wom sensitivity`; empty when the table is absent).
    #[serde(serialize_with = "serialize_uncertain")]
    pub uncertain: Vec<(String, crate::decide::uncertain::Uncertain)>,
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
    /// The overrides applied on the command line (`--set`, `--seed`,
    /// `--replicates`, `--steps`), as `key=value`, in the order applied.
    pub fn overrides(&self) -> Vec<String> {
        self.origin
            .overrides
            .iter()
            .map(|o| o.text.clone())
            .collect()
    }

    /// The scenario's name for titles and tables, with its overrides when it has
    /// any, so a figure made after `--set` does not pass for the file's own.
    pub fn title(&self) -> String {
        let overrides = self.overrides();
        if overrides.is_empty() {
            self.name.clone()
        } else {
            format!("{} (with {})", self.name, overrides.join(", "))
        }
    }

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

/// `[uncertain]` as a map from key to distribution, in file order.
fn serialize_uncertain<S: serde::Serializer>(
    uncertain: &[(String, crate::decide::uncertain::Uncertain)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_map(uncertain.iter().map(|(k, d)| (k, d)))
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

/// Who follows an influencer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowerChoice {
    /// Uniformly at random.
    Random,
    /// With probability proportional to degree: well-connected consumers follow more.
    ByDegree,
    /// The consumers nearest (breadth-first) to a random centre: an audience is a
    /// community.
    Niche,
}

/// The share of followers who see one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// As given.
    Fixed(f64),
    /// From the follower count, through the scenario's engagement bands.
    ByAudience,
}

/// Engagement falls with audience size: `(bound, reach)` rows, bounds increasing,
/// the last one infinite; an audience of F followers sees a post with the reach
/// of the first row whose bound is at least F.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Engagement {
    /// `(largest follower count of the band, reach)`, bounds increasing.
    #[serde(serialize_with = "serialize_bands")]
    pub bands: Vec<(f64, f64)>,
}

/// Bands as `[bound, reach]` pairs, an infinite bound written `"inf"` (JSON has
/// no infinity).
fn serialize_bands<S: serde::Serializer>(
    bands: &[(f64, f64)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Bound {
        Finite(f64),
        Infinite(&'static str),
    }
    let mut seq = serializer.serialize_seq(Some(bands.len()))?;
    for &(bound, reach) in bands {
        let bound = if bound.is_finite() {
            Bound::Finite(bound)
        } else {
            Bound::Infinite("inf")
        };
        seq.serialize_element(&(bound, reach))?;
    }
    seq.end()
}

impl Engagement {
    /// The reach of an audience of `followers`.
    pub fn reach(&self, followers: u64) -> f64 {
        let f = followers as f64;
        self.bands
            .iter()
            .find(|(bound, _)| f <= *bound)
            .or(self.bands.last())
            .map_or(0.0, |&(_, reach)| reach)
    }
}

impl Reach {
    /// The reach of an audience of `followers` under `engagement`.
    pub fn resolve(&self, followers: u64, engagement: &Engagement) -> f64 {
        match self {
            Reach::Fixed(r) => *r,
            Reach::ByAudience => engagement.reach(followers),
        }
    }
}

/// One paid creator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Influencer {
    /// Unique among the scenario's channels; "influencer" for the single-table form.
    pub name: String,
    pub followers: Amount,
    pub follower_choice: FollowerChoice,
    pub reach: Reach,
    pub trust: f64,
    pub posts: Vec<u32>,
    pub fee: f64,
    /// The k-th post a follower sees converts with (1 - fatigue)^(k-1) of the chance.
    pub fatigue: f64,
}

/// Which consumers are recruited as advocates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "choose", rename_all = "snake_case")]
pub enum AdvocateChoice {
    Random {
        amount: Recruits,
    },
    TopDegree {
        amount: Recruits,
    },
    DegreeBand {
        amount: Recruits,
        min_degree: u32,
        max_degree: u32,
    },
    Spread {
        amount: Recruits,
    },
    File {
        path: PathBuf,
    },
}

/// How many advocates a programme recruits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Recruits {
    /// A count or a share of the population.
    Amount(Amount),
    /// round(pool × acceptance(incentive)): `(incentive, share of the pool who
    /// accept)` points, incentives increasing, interpolated linearly and held
    /// flat beyond the ends.
    Acceptance {
        /// The curve's points.
        acceptance: Vec<(f64, f64)>,
    },
}

/// Share of the pool who accept at `incentive` (piecewise linear in the points,
/// flat beyond the first and last).
pub fn acceptance_share(points: &[(f64, f64)], incentive: f64) -> f64 {
    let Some(&(x0, y0)) = points.first() else {
        return 0.0;
    };
    if incentive <= x0 {
        return y0;
    }
    for w in points.windows(2) {
        let ((xa, ya), (xb, yb)) = (w[0], w[1]);
        if incentive <= xb {
            return if xb > xa {
                ya + (yb - ya) * (incentive - xa) / (xb - xa)
            } else {
                yb
            };
        }
    }
    points.last().map_or(0.0, |p| p.1)
}

impl Recruits {
    /// The number recruited from a pool of `pool` consumers out of `nodes`, at
    /// `incentive`.
    pub fn resolve(&self, nodes: u64, pool: u64, incentive: f64) -> u64 {
        match self {
            Recruits::Amount(a) => a.resolve(nodes),
            Recruits::Acceptance { acceptance } => {
                (pool as f64 * acceptance_share(acceptance, incentive)).round() as u64
            }
        }
    }
}

/// Whom a programme may recruit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    /// Any consumer.
    Anyone,
    /// Only existing customers (`[market] customers`).
    Customers,
}

/// One advocate programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advocates {
    /// Unique among the scenario's channels; "advocates" for the single-table form.
    pub name: String,
    #[serde(flatten)]
    pub choice: AdvocateChoice,
    pub pool: Pool,
    pub posts: Vec<u32>,
    pub incentive: f64,
    /// Disclosed incentives: this programme's recommendations convert with
    /// conversion × trust_factor.
    pub trust_factor: f64,
}

/// The market at launch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Market {
    /// Share of consumers who are already customers (adopters, not conversions).
    pub customers: f64,
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
    // found is dropped and the rest is read again. The validator then says nothing
    // more about a dropped key (it would only repeat "missing"). Channels may be
    // one table (`[influencer]`) or an array of tables (`[[influencer]]`); each is
    // read on its own, named `influencer` or `influencer[i]` in messages.
    let mut reader = Reader {
        locator: &locator,
        problems: Vec::new(),
        dropped: Vec::new(),
    };
    let influencers = reader.channels::<raw::RawInfluencer>(&mut table, "influencer");
    let programmes = reader.channels::<raw::RawAdvocates>(&mut table, "advocates");
    let Some(mut raw) = reader.read::<raw::RawScenario>(toml::Value::Table(table), &[]) else {
        return Err(WomError::Input(sorted(reader.problems)));
    };
    raw.influencers = influencers;
    raw.programmes = programmes;
    let Reader {
        mut problems,
        dropped,
        ..
    } = reader;
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

/// Reads raw structs out of TOML values, collecting every problem.
struct Reader<'a> {
    locator: &'a locate::Locator<'a>,
    problems: Vec<Diagnostic>,
    /// Fields dropped for a wrong type or an unknown key, as written in messages.
    dropped: Vec<String>,
}

impl Reader<'_> {
    /// Deserialise `value` (found at `prefix`), dropping each offending key and
    /// trying again until it reads; `None` when what is wrong cannot be dropped.
    fn read<T: serde::de::DeserializeOwned>(
        &mut self,
        mut value: toml::Value,
        prefix: &[locate::Part],
    ) -> Option<T> {
        loop {
            match serde_path_to_error::deserialize(value.clone()) {
                Ok(v) => return Some(v),
                Err(e) => {
                    let (d, parts) = locate::serde_diagnostic(self.locator, &e, prefix);
                    self.problems.push(d);
                    let relative = &parts[prefix.len().min(parts.len())..];
                    if relative.is_empty() || !remove_at(&mut value, relative) {
                        return None;
                    }
                    self.dropped.push(locate::field_name(&parts));
                }
            }
        }
    }

    /// Take the channel tables `key` out of `table`: one table (named `key` in
    /// messages) or an array of tables (`key[i]`), each read on its own.
    fn channels<T: serde::de::DeserializeOwned>(
        &mut self,
        table: &mut toml::Table,
        key: &str,
    ) -> Vec<(String, T)> {
        let name = locate::Part::Key(key.to_string());
        match table.remove(key) {
            None => Vec::new(),
            Some(v @ toml::Value::Table(_)) => self
                .read(v, std::slice::from_ref(&name))
                .map(|t| vec![(key.to_string(), t)])
                .unwrap_or_default(),
            Some(toml::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let prefix = [name.clone(), locate::Part::Index(i)];
                    if !v.is_table() {
                        self.problems.push(self.locator.diagnostic(
                            &locate::field_name(&prefix),
                            format!("is {}; allowed: a table of {key} settings", v.type_str()),
                            false,
                        ));
                        return None;
                    }
                    self.read(v, &prefix)
                        .map(|t| (locate::field_name(&prefix), t))
                })
                .collect(),
            Some(other) => {
                self.problems.push(self.locator.diagnostic(
                    key,
                    format!(
                        "is {}; allowed: a table [{key}] or an array of tables [[{key}]]",
                        other.type_str()
                    ),
                    false,
                ));
                Vec::new()
            }
        }
    }
}

/// Remove the value at `path` inside `value`; false when it is not there.
fn remove_at(value: &mut toml::Value, path: &[locate::Part]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut current = value;
    for part in parents {
        let next = match (part, current) {
            (locate::Part::Key(k), toml::Value::Table(t)) => t.get_mut(k),
            (locate::Part::Index(i), toml::Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return false,
        }
    }
    match (last, current) {
        (locate::Part::Key(k), toml::Value::Table(t)) => t.remove(k).is_some(),
        (locate::Part::Index(i), toml::Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}
