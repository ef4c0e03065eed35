//! The scenario file exactly as written: serde structs that reject unknown keys.
//!
//! Every field is optional here so that a missing value can be reported (or
//! defaulted) by the validator with its own message; `validate.rs` turns these into
//! the resolved [`super::Scenario`].

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub simulation: Option<RawSimulation>,
    pub population: Option<RawPopulation>,
    pub word_of_mouth: Option<RawWordOfMouth>,
    /// Taken out and read on their own before the rest (one table or an array of
    /// tables); listed here only so that they count as known keys.
    #[allow(dead_code)]
    pub influencer: Option<toml::Value>,
    #[allow(dead_code)]
    pub advocates: Option<toml::Value>,
    pub market: Option<RawMarket>,
    pub engagement: Option<RawEngagement>,
    pub economics: Option<RawEconomics>,
    /// `[uncertain]`: dotted field → distribution table, in file order (read by
    /// `validate/uncertain.rs`).
    pub uncertain: Option<toml::Table>,
    /// The `[influencer]` / `[[influencer]]` tables, each with the name its
    /// messages use (`influencer` or `influencer[i]`).
    #[serde(skip)]
    pub influencers: Vec<(String, RawInfluencer)>,
    /// The `[advocates]` / `[[advocates]]` tables, likewise.
    #[serde(skip)]
    pub programmes: Vec<(String, RawAdvocates)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    pub customers: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEngagement {
    /// `[[bound, reach], ...]`; the last bound may be `inf`.
    pub bands: Option<Vec<Vec<f64>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub replicates: Option<i64>,
    pub steps: Option<i64>,
    /// An integer, or a decimal string for seeds above TOML's largest integer.
    pub seed: Option<toml::Value>,
    pub new_graph_each_replicate: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    pub generator: Option<String>,
    pub nodes: Option<i64>,
    pub attach: Option<i64>,
    pub mean_degree: Option<f64>,
    pub neighbors: Option<i64>,
    pub rewire: Option<f64>,
    pub degrees: Option<BTreeMap<String, f64>>,
    pub power_law: Option<RawPowerLaw>,
    pub blocks: Option<Vec<i64>>,
    pub p_in: Option<f64>,
    pub p_out: Option<f64>,
    pub path: Option<String>,
    pub directed: Option<bool>,
    pub weighted: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPowerLaw {
    pub exponent: Option<f64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWordOfMouth {
    pub rule: Option<String>,
    pub reach: Option<f64>,
    pub trust: Option<f64>,
    pub trust_mode: Option<String>,
    pub conversion: Option<f64>,
    pub advocacy: Option<f64>,
    pub active_steps: Option<i64>,
    pub external: Option<f64>,
    /// A number, or the string "uniform".
    pub threshold: Option<toml::Value>,
    pub p: Option<f64>,
    pub q: Option<f64>,
    pub dt: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInfluencer {
    pub name: Option<String>,
    pub followers: Option<i64>,
    pub follower_share: Option<f64>,
    pub follower_choice: Option<String>,
    /// A number, or the string "by_audience".
    pub reach: Option<toml::Value>,
    pub trust: Option<f64>,
    pub posts: Option<Vec<i64>>,
    pub fee: Option<f64>,
    pub fatigue: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdvocates {
    pub name: Option<String>,
    pub pool: Option<String>,
    /// `[[incentive, share], ...]`
    pub acceptance: Option<Vec<Vec<f64>>>,
    pub trust_factor: Option<f64>,
    pub count: Option<i64>,
    pub share: Option<f64>,
    pub choose: Option<String>,
    pub min_degree: Option<i64>,
    pub max_degree: Option<i64>,
    pub path: Option<String>,
    pub epsilon: Option<f64>,
    pub posts: Option<Vec<i64>>,
    pub incentive: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEconomics {
    pub value_per_conversion: Option<f64>,
    pub currency: Option<String>,
}
