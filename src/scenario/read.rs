//! Reading a scenario: TOML text to raw structs, every unknown key and wrong type
//! collected (each offending key dropped and the rest read again), then validated.

use super::{locate, overrides, raw, validate, Origin, Override, Scenario};
use crate::error::{Diagnostic, Result, WomError};
use std::path::Path;

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

/// The message of a TOML syntax error; the parser gives none for some characters
/// (a DEL or another control character, even in a comment), so it is made here
/// from the character at the error's place.
fn syntax_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', "; ");
    if !message.is_empty() {
        return message;
    }
    let found = e
        .span()
        .and_then(|s| text.get(s.start..))
        .and_then(|t| t.chars().next());
    match found {
        Some(c) if c.is_control() => format!(
            "control character U+{:04X} is not allowed in TOML, not even in a comment or a string (only tab is)",
            u32::from(c)
        ),
        Some(c) => format!("unexpected character `{}`", crate::error::echo(&c.to_string())),
        None => "unexpected end of the file".to_string(),
    }
}

/// Validate scenario `text` as if read from `path` (used for messages and to resolve
/// relative paths), after applying `overrides`.
pub fn parse(text: &str, path: &Path, overrides: &[Override]) -> Result<Scenario> {
    let locator = locate::Locator::new(text, path, overrides);
    let mut table: toml::Table = toml::from_str(text).map_err(|e| {
        let mut d =
            Diagnostic::new(format!("TOML syntax error: {}", syntax_message(text, &e))).file(path);
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
