//! Scenario files: parse, apply `--set` overrides, validate, resolve.
//!
//! Two stages, as in ripgrep: the TOML text is deserialised into raw structs that
//! reject unknown keys (module `raw`), then validated into a [`Scenario`] whose fields
//! cannot be invalid (module `validate`). Nothing after this module re-checks ranges.
//! Errors carry the file, line and column (found through the document's spans,
//! module `locate`), the field, what was found and what is allowed.
//!
//! Files: `read.rs` (text to raw structs, all problems at once), `raw.rs`,
//! `validate.rs` (and `validate/`), `locate.rs`, `overrides.rs`, `write.rs`
//! (the resolved scenario as TOML); the resolved types are here
//! ([`Scenario`] and its small sections), in `population.rs` and in `channels.rs`.

mod channels;
mod locate;
pub mod overrides;
mod population;
mod raw;
mod read;
pub mod sources;
mod validate;
mod write;

use crate::error::{Diagnostic, Result, WomError};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use channels::{
    acceptance_share, AdvocateChoice, Advocates, Amount, Engagement, FollowerChoice, Influencer,
    Pool, Reach, Recruits,
};
pub use overrides::Override;
pub use population::{DegreeDistribution, PopulationSpec};
pub use read::{load, parse};
pub use validate::{assumption_range, is_population_key, FieldRange, ASSUMPTION_KEYS};
pub use write::{to_toml, to_toml_absolute};

/// A validated scenario. Every value is in range; paths are resolved against the
/// scenario file's folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Shown in outputs and figures; the file stem when the file names none.
    pub name: String,
    /// Free text; empty by default.
    pub description: String,
    /// The scenario file's stem: names the output folder.
    pub stem: String,
    /// Replicates, steps and seed.
    pub simulation: Simulation,
    /// How the social graph of consumers is built.
    pub population: PopulationSpec,
    /// The peer-to-peer adoption rule and its probabilities.
    pub word_of_mouth: WordOfMouth,
    /// Paid creators, in file order.
    pub influencers: Vec<Influencer>,
    /// Advocate programmes, in file order.
    pub programmes: Vec<Advocates>,
    /// Existing customers at launch.
    pub market: Market,
    /// The audience-size law of `reach = "by_audience"`.
    pub engagement: Engagement,
    /// Money: the margin of one conversion.
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

/// `[uncertain]` as a map from key to distribution, in file order.
fn serialize_uncertain<S: serde::Serializer>(
    uncertain: &[(String, crate::decide::uncertain::Uncertain)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_map(uncertain.iter().map(|(k, d)| (k, d)))
}

/// `[simulation]`: how many replicates of how many steps, from which seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    /// Independent Monte-Carlo replicates, 1 to 10^8.
    pub replicates: u32,
    /// Time steps per replicate (step 0 is launch day), 1 to 10^6.
    pub steps: u32,
    /// The master seed every random stream derives from.
    pub seed: u64,
    /// A fresh graph per replicate (random generators only); otherwise replicate 0's
    /// graph serves every replicate.
    pub new_graph_each_replicate: bool,
}

/// How the survey shares `trust` become probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustMode {
    /// Each consumer is a truster or not, drawn once per replicate with probability
    /// `trust`; an untrusting consumer is never converted by that kind of source.
    Consumer,
    /// Each noticed recommendation or post is trusted independently with
    /// probability `trust`.
    Exposure,
}

/// The threshold θ_v of the threshold rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// The same θ for every consumer, a probability.
    Fixed(f64),
    /// θ_v ~ U(0, 1), drawn per consumer and replicate.
    Uniform,
}

/// How recommendations turn into adoptions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Trust-weighted independent cascade: each active advocate recommends once per
    /// step to each neighbour.
    Cascade,
    /// Trust-weighted linear threshold: a consumer adopts once the weighted share of
    /// noticed, trusted advocates among its neighbours reaches θ_v.
    Threshold {
        /// θ_v.
        threshold: Threshold,
    },
    /// Bass diffusion on the graph: adopt with min(1, (p + q · share of advocate
    /// neighbours) · dt) per step.
    Bass {
        /// Innovation coefficient, a probability.
        p: f64,
        /// Imitation coefficient, 0 to 1000.
        q: f64,
        /// Time per step, in (0, 1].
        dt: f64,
    },
}

/// `[word_of_mouth]`: how recommendations between consumers spread and convert.
/// Every probability is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordOfMouth {
    /// The adoption rule.
    #[serde(flatten)]
    pub rule: Rule,
    /// P(a friend notices one recommendation).
    pub reach: f64,
    /// Share of consumers who trust peers' recommendations.
    pub trust: f64,
    /// How `trust` is read.
    pub trust_mode: TrustMode,
    /// P(adopt | a trusted recommendation or post was noticed).
    pub conversion: f64,
    /// P(a new adopter becomes an advocate).
    pub advocacy: f64,
    /// Steps a new advocate recommends (cascade), 1 to `steps`.
    pub active_steps: u32,
    /// Per-step probability of organic adoption.
    pub external: f64,
}

/// The market at launch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Market {
    /// Share of consumers who are already customers (adopters, not conversions).
    pub customers: f64,
}

/// How money is labelled when a scenario names no currency: "cost (units)",
/// "conversions per 1,000 units spent".
pub const NO_CURRENCY: &str = "units";

/// The most characters a currency label may have.
pub const CURRENCY_MAX_CHARS: usize = 8;

/// The label of money in `currency` (a scenario's, or one read back from an
/// output file), [`NO_CURRENCY`] when there is none.
pub fn money_unit(currency: Option<&str>) -> &str {
    currency.unwrap_or(NO_CURRENCY)
}

/// `[economics]`: what a conversion is worth, and in which currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Economics {
    /// Margin per new customer, in the scenario's currency, at least 0.
    pub value_per_conversion: f64,
    /// The label of every amount of money in the scenario (fees, incentives,
    /// `value_per_conversion`) and its outputs, e.g. "USD" or "€": 1 to
    /// [`CURRENCY_MAX_CHARS`] characters, no control characters, no space at
    /// either end. None: money is shown in [`NO_CURRENCY`].
    pub currency: Option<String>,
}

/// The currency of scenarios whose money is shown side by side (a comparison, a
/// sweep or sensitivity against a second scenario, a break-even): money cannot be
/// compared across currencies, so every scenario must name the same one, or none
/// (money in [`NO_CURRENCY`], which is not taken to be any currency). Otherwise an
/// input error (exit 2) names the first scenario's file and each file that differs
/// from it, with both currencies.
pub fn common_currency<'a>(
    scenarios: impl IntoIterator<Item = &'a Scenario>,
) -> Result<Option<String>> {
    let mut scenarios = scenarios.into_iter();
    let Some(first) = scenarios.next() else {
        return Ok(None);
    };
    let currency = first.economics.currency.clone();
    let shown = |c: &Option<String>| match c {
        Some(c) => format!("\"{}\"", crate::error::escape_controls(c)),
        None => format!("none (money in \"{NO_CURRENCY}\")"),
    };
    let problems: Vec<Diagnostic> = scenarios
        .filter(|s| s.economics.currency != currency)
        .map(|s| {
            s.diagnostic(
                "economics.currency",
                format!(
                    "is {}, but {} has {}; money cannot be compared across currencies",
                    shown(&s.economics.currency),
                    first.origin.path.display(),
                    shown(&currency)
                ),
            )
            .help("give every scenario the same `economics.currency` (convert its fees, incentives and value_per_conversion first)")
        })
        .collect();
    match problems.is_empty() {
        true => Ok(currency),
        false => Err(WomError::Input(problems)),
    }
}

/// The fields whose values are amounts of money, by their last key.
const MONEY_FIELDS: [&str; 3] = ["fee", "incentive", "value_per_conversion"];

/// A dotted field's name as an axis or column label: with the currency `unit`
/// when the field is an amount of money ("advocates.incentive (EUR)").
pub fn field_label(field: &str, unit: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    if MONEY_FIELDS.contains(&last) {
        format!("{field} ({unit})")
    } else {
        field.to_string()
    }
}

impl Economics {
    /// The label of this scenario's money: its currency or [`NO_CURRENCY`].
    pub fn unit(&self) -> &str {
        money_unit(self.currency.as_deref())
    }
}
