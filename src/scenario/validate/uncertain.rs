//! `[uncertain]`: the scenario's assumptions that are not known exactly, each a
//! distribution over one numeric field, for `wom sensitivity`
//! (docs/scenarios.md, docs/decisions.md).
//!
//! ```toml
//! [uncertain]
//! "word_of_mouth.conversion" = { low = 0.05, high = 0.2 }           # uniform
//! "word_of_mouth.trust" = { survey = 0.92, sample = 1000 }          # a survey's share
//! "word_of_mouth.advocacy" = { dist = "beta", a = 3.0, b = 7.0 }
//! "influencer.reach" = { dist = "lognormal", median = 0.0227, sigma = 0.5 }
//! ```
//!
//! Each key must be one of [`ASSUMPTION_KEYS`] that the scenario uses (an
//! `influencer.*` key needs one `[influencer]` table, a `population.*` key a
//! generator that takes it, …), each distribution's parameters must be in range
//! (`Uncertain::validate`), and its support must lie inside the field's range: a
//! probability takes a uniform within [0, 1], a beta or a survey share, not a
//! log-normal. Every problem is reported, located at the key or the parameter.
//! Whether every value the distribution can draw makes a valid scenario (an
//! integer field's upper bound, `active_steps` ≤ `steps`) is checked by
//! `wom sensitivity` before it runs, by validating the scenario at each
//! distribution's 5%, 50% and 95% quantiles.

use super::super::*;
use super::{generator_keys, Checker};
use crate::decide::uncertain::Uncertain;

/// What values a field of the scenario takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldRange {
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value (infinite when unbounded above, or bounded only by
    /// another field).
    pub max: f64,
    /// Whole numbers only: a drawn value is rounded to the nearest integer.
    pub integer: bool,
}

const P: FieldRange = FieldRange {
    min: 0.0,
    max: 1.0,
    integer: false,
};
const MONEY: FieldRange = FieldRange {
    min: 0.0,
    max: f64::INFINITY,
    integer: false,
};
const fn whole(min: f64) -> FieldRange {
    FieldRange {
        min,
        max: f64::INFINITY,
        integer: true,
    }
}

/// The numeric fields an `[uncertain]` key may name, with their ranges.
pub const ASSUMPTION_KEYS: &[(&str, FieldRange)] = &[
    ("word_of_mouth.reach", P),
    ("word_of_mouth.trust", P),
    ("word_of_mouth.conversion", P),
    ("word_of_mouth.advocacy", P),
    ("word_of_mouth.external", P),
    ("word_of_mouth.active_steps", whole(1.0)),
    ("word_of_mouth.threshold", P),
    ("word_of_mouth.p", P),
    (
        "word_of_mouth.q",
        FieldRange {
            min: 0.0,
            max: 1000.0,
            integer: false,
        },
    ),
    ("influencer.reach", P),
    ("influencer.trust", P),
    ("influencer.fatigue", P),
    ("influencer.fee", MONEY),
    ("influencer.followers", whole(0.0)),
    ("influencer.follower_share", P),
    ("advocates.count", whole(0.0)),
    ("advocates.share", P),
    ("advocates.incentive", MONEY),
    ("advocates.trust_factor", P),
    ("market.customers", P),
    ("economics.value_per_conversion", MONEY),
    ("population.nodes", whole(2.0)),
    ("population.mean_degree", MONEY),
    ("population.attach", whole(1.0)),
    ("population.neighbors", whole(2.0)),
    ("population.rewire", P),
    ("population.p_in", P),
    ("population.p_out", P),
];

/// The range of an assumption key, `None` when `[uncertain]` cannot name it.
pub fn assumption_range(key: &str) -> Option<FieldRange> {
    ASSUMPTION_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|&(_, range)| range)
}

/// Whether an assumption key changes the population (which must then be built
/// for every sample instead of once).
pub fn is_population_key(key: &str) -> bool {
    key.starts_with("population.")
}

impl Scenario {
    /// This scenario with assumption `key` set to `value` for each pair (an
    /// integer field gets the nearest integer), validated again from its text as a
    /// `--set` after the scenario's own overrides.
    ///
    /// # Errors
    /// The diagnostics of an invalid result (named after the `--set` they came
    /// from), or an unknown key.
    pub fn with_assumptions(&self, values: &[(&str, f64)]) -> Result<Scenario> {
        let mut overrides = self.origin.overrides.clone();
        for &(key, value) in values {
            overrides.push(Override::new(key, assumption_value(key, value)?));
        }
        parse(&self.origin.text, &self.origin.path, &overrides)
    }
}

/// The TOML value written for `value` of assumption `key`.
fn assumption_value(key: &str, value: f64) -> Result<toml::Value> {
    let range = assumption_range(key).ok_or_else(|| {
        WomError::input(Diagnostic::new(format!(
            "`{key}` is not a numeric scenario field an assumption can vary"
        )))
    })?;
    Ok(if range.integer {
        toml::Value::Integer(value.round() as i64)
    } else {
        toml::Value::Float(value)
    })
}

/// Read `[uncertain]` into (key, distribution) pairs in file order, reporting
/// every problem into `c`.
pub(super) fn uncertain(
    c: &mut Checker<'_>,
    raw: Option<toml::Table>,
    population: Option<&PopulationSpec>,
    word_of_mouth: &WordOfMouth,
    influencers: &[(String, Influencer)],
    programmes: &[(String, Advocates)],
) -> Vec<(String, Uncertain)> {
    let Some(table) = raw else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(table.len());
    for (key, value) in table {
        let field = format!("uncertain.{key}");
        let at = |param: Option<&str>| -> Vec<String> {
            let mut s = vec!["uncertain".to_string(), key.clone()];
            s.extend(param.map(str::to_string));
            s
        };
        let error = |c: &mut Checker<'_>, param: Option<&str>, message: String| {
            let segments = at(param);
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            let name = match param {
                Some(p) => format!("{field}.{p}"),
                None => field.clone(),
            };
            let d = c
                .locator
                .diagnostic_at(&segments, &name, message, param.is_none());
            c.errors.push(d);
        };
        let errors_before = c.errors.len();
        let Some(range) = assumption_range(&key) else {
            let keys: Vec<&str> = ASSUMPTION_KEYS.iter().map(|(k, _)| *k).collect();
            let mut message = format!(
                "is not a field an assumption can vary; allowed: {}",
                keys.join(", ")
            );
            if let Some(s) = super::did_you_mean(&key, &keys) {
                message.push_str(&format!(" (did you mean `{s}`?)"));
            }
            error(c, None, message);
            continue;
        };
        if let Some(why) = not_applicable(&key, population, word_of_mouth, influencers, programmes)
        {
            error(c, None, why);
        }
        let Some(dist) = distribution(&value, &mut |param, message| error(c, param, message))
        else {
            continue;
        };
        if let Err((param, message)) = dist.validate() {
            error(c, Some(param), message);
            continue;
        }
        let (low, high) = dist.support();
        if low < range.min || high > range.max {
            let allowed = if range == P {
                "a probability from 0 to 1: a uniform with 0 <= low < high <= 1, a beta or a survey share".to_string()
            } else if range.max.is_infinite() {
                format!("values >= {}", range.min)
            } else {
                format!("values from {} to {}", range.min, range.max)
            };
            let what = match dist {
                Uncertain::LogNormal { .. } => {
                    "a log-normal, which takes any value above 0".to_string()
                }
                _ => format!("a distribution from {low} to {high}"),
            };
            error(c, None, format!("is given {what}; allowed: {allowed}"));
        } else if range.integer && range.min > 0.0 && !matches!(dist, Uncertain::Uniform { .. }) {
            error(
                c,
                None,
                format!(
                    "is a whole number of at least {}; allowed: a uniform {{ low = .., high = .. }} with low >= {}",
                    range.min, range.min
                ),
            );
        } else if range.integer && dist.beta_parameters().is_some() {
            error(
                c,
                None,
                "is a whole number; allowed: a uniform or a log-normal, not a share".to_string(),
            );
        }
        if c.errors.len() == errors_before {
            out.push((key, dist));
        }
    }
    out
}

/// Why `key` does not apply to this scenario, if it does not.
fn not_applicable(
    key: &str,
    population: Option<&PopulationSpec>,
    word_of_mouth: &WordOfMouth,
    influencers: &[(String, Influencer)],
    programmes: &[(String, Advocates)],
) -> Option<String> {
    let (section, name) = key.split_once('.')?;
    let single = |tables: usize, first: Option<&str>| {
        match (tables, first) {
        (1, Some(n)) if n == section => None,
        (0, _) => Some(format!(
            "varies [{section}], but the scenario has no [{section}] table; allowed: keys of the sections it has"
        )),
        _ => Some(format!(
            "varies [{section}], but the scenario has {tables} [[{section}]] tables; allowed: a scenario with one [{section}] table"
        )),
    }
    };
    match section {
        "influencer" => single(
            influencers.len(),
            influencers.first().map(|(n, _)| n.as_str()),
        ),
        "advocates" => single(
            programmes.len(),
            programmes.first().map(|(n, _)| n.as_str()),
        ),
        "population" => {
            let generator = population?.generator_name();
            (!generator_keys(generator).contains(&name)).then(|| {
                format!(
                    "is not a key of the `{generator}` generator; allowed: {}",
                    generator_keys(generator)
                        .iter()
                        .filter(|k| assumption_range(&format!("population.{k}")).is_some())
                        .map(|k| format!("population.{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        "word_of_mouth" => match (name, word_of_mouth.rule) {
            ("threshold", Rule::Threshold { .. }) | ("p" | "q", Rule::Bass { .. }) => None,
            ("threshold", _) => Some("applies only to rule = \"threshold\"".to_string()),
            ("p" | "q", _) => Some("applies only to rule = \"bass\"".to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// One `[uncertain]` value read as a distribution; problems go to `error`
/// (parameter name, message).
fn distribution(
    value: &toml::Value,
    error: &mut dyn FnMut(Option<&str>, String),
) -> Option<Uncertain> {
    const FORMS: &str = "{ low = .., high = .. }, { survey = .., sample = .. }, { dist = \"beta\", a = .., b = .. } or { dist = \"lognormal\", median = .., sigma = .. }";
    let Some(t) = value.as_table() else {
        error(None, format!("is {}; allowed: {FORMS}", value.type_str()));
        return None;
    };
    let dist = match t.get("dist") {
        None if t.contains_key("survey") || t.contains_key("sample") => "survey",
        None => "uniform",
        Some(toml::Value::String(s)) => s.as_str(),
        Some(other) => {
            error(
                Some("dist"),
                format!(
                    "is {}; allowed: \"uniform\", \"survey\", \"beta\" or \"lognormal\"",
                    other.type_str()
                ),
            );
            return None;
        }
    };
    let params: &[&str] = match dist {
        "uniform" => &["low", "high"],
        "survey" => &["survey", "sample"],
        "beta" => &["a", "b"],
        "lognormal" => &["median", "sigma"],
        other => {
            error(
                Some("dist"),
                format!(
                    "is \"{other}\"; allowed: \"uniform\", \"survey\", \"beta\" or \"lognormal\""
                ),
            );
            return None;
        }
    };
    let mut ok = true;
    for k in t
        .keys()
        .filter(|k| *k != "dist" && !params.contains(&k.as_str()))
    {
        error(
            Some(k),
            format!(
                "is not a parameter of a {dist} distribution; allowed: {}",
                params.join(", ")
            ),
        );
        ok = false;
    }
    let mut numbers = [0.0; 2];
    for (slot, &p) in numbers.iter_mut().zip(params) {
        match t.get(p) {
            Some(toml::Value::Float(v)) => *slot = *v,
            Some(toml::Value::Integer(v)) => *slot = *v as f64,
            Some(other) => {
                error(
                    Some(p),
                    format!("is {}; allowed: a number", other.type_str()),
                );
                ok = false;
            }
            None => {
                error(
                    None,
                    format!(
                        "has no `{p}`; a {dist} distribution takes {}",
                        params.join(" and ")
                    ),
                );
                ok = false;
            }
        }
    }
    if dist == "survey" {
        if let Some(v) = t.get("sample") {
            if !matches!(v, toml::Value::Integer(n) if *n >= 1) {
                error(
                    Some("sample"),
                    format!("is {v}; allowed: a whole number of respondents, at least 1"),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    let [x, y] = numbers;
    Some(match dist {
        "uniform" => Uncertain::Uniform { low: x, high: y },
        "survey" => Uncertain::Survey {
            share: x,
            sample: y as u64,
        },
        "beta" => Uncertain::Beta { a: x, b: y },
        _ => Uncertain::LogNormal {
            median: x,
            sigma: y,
        },
    })
}
