//! `--set KEY=VALUE`: override any scenario field by its dotted path.

use crate::error::{Diagnostic, Result, WomError};
use std::str::FromStr;

/// One `--set` override, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted path, e.g. `word_of_mouth.conversion`.
    pub key: String,
    /// The value, parsed as TOML.
    pub value: toml::Value,
    /// The flag as the user wrote it, for messages.
    pub text: String,
}

impl Override {
    /// An override built in code (e.g. from `--replicates`).
    pub fn new(key: &str, value: toml::Value) -> Self {
        Override {
            key: key.to_string(),
            text: format!("{key}={value}"),
            value,
        }
    }
}

impl FromStr for Override {
    type Err = String;

    /// Parse `KEY=VALUE`. VALUE is TOML (`0.2`, `[0, 7]`, `"top_degree"`, `true`); a
    /// bare word such as `top_degree` is taken as a string for convenience.
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let (key, value) = text.split_once('=').ok_or_else(|| {
            format!("`{text}` is not KEY=VALUE, e.g. word_of_mouth.conversion=0.2")
        })?;
        let key = key.trim();
        let valid_key = !key.is_empty()
            && key.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        if !valid_key {
            return Err(format!(
                "`{key}` is not a dotted field path such as word_of_mouth.conversion"
            ));
        }
        let value_text = value.trim();
        let value = match toml::from_str::<toml::Table>(&format!("value = {value_text}")) {
            Ok(mut table) => table.remove("value").expect("parsed key"),
            Err(_)
                if !value_text.is_empty()
                    && value_text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                toml::Value::String(value_text.to_string())
            }
            Err(e) => return Err(bad_value(key, value_text, e.message())),
        };
        Ok(Override {
            key: key.to_string(),
            value,
            text: text.to_string(),
        })
    }
}

/// The message for a VALUE that is not one TOML value. A number is written as it
/// is (a quoted number is a string); only text that is not a bare word needs
/// quotes; several comma-separated values are a sweep, not a value.
fn bad_value(key: &str, value: &str, why: &str) -> String {
    let mut message = format!(
        "the value of `{key}` is not one TOML value ({}); write a number as it is \
         ({key}=0.2), text in quotes ({key}=\"some text\"; a bare word such as \
         top_degree needs none) or a list in brackets ({key}=[0, 7])",
        why.trim()
    );
    if value.contains(',') && !value.starts_with('[') {
        message.push_str(&format!(
            "; `{value}` is several values: set one per run, or vary the key with \
             `wom sweep --vary {key}={value}`"
        ));
    }
    message
}

/// Apply overrides in order; later ones win. Intermediate tables are created.
pub fn apply(table: &mut toml::Table, overrides: &[Override]) -> Result<()> {
    for o in overrides {
        let parts: Vec<&str> = o.key.split('.').collect();
        let (last, parents) = parts.split_last().expect("validated non-empty key");
        let mut current = &mut *table;
        for (depth, part) in parents.iter().enumerate() {
            let entry = current
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            current = match entry {
                toml::Value::Table(t) => t,
                other => {
                    return Err(WomError::input(
                        Diagnostic::new(format!(
                            "cannot set `{}`: `{}` is a {}, not a table",
                            o.key,
                            parts[..=depth].join("."),
                            other.type_str()
                        ))
                        .file(format!("--set {}", o.text)),
                    ))
                }
            };
        }
        current.insert(last.to_string(), o.value.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_toml_values_and_bare_words() {
        let o: Override = "word_of_mouth.conversion=0.2".parse().unwrap();
        assert_eq!(o.value, toml::Value::Float(0.2));
        let o: Override = "influencer.posts=[0, 7]".parse().unwrap();
        assert_eq!(o.value.as_array().unwrap().len(), 2);
        let o: Override = "advocates.choose=top_degree".parse().unwrap();
        assert_eq!(o.value, toml::Value::String("top_degree".into()));
        assert!("no_equals".parse::<Override>().is_err());
        assert!("a..b=1".parse::<Override>().is_err());
        assert!("a.b=[1,".parse::<Override>().is_err());
    }

    #[test]
    fn a_bad_value_is_explained_without_asking_to_quote_a_number() {
        let err = "word_of_mouth.conversion=0.05,0.1"
            .parse::<Override>()
            .unwrap_err();
        assert!(
            err.contains("write a number as it is (word_of_mouth.conversion=0.2)"),
            "{err}"
        );
        assert!(
            err.contains("`wom sweep --vary word_of_mouth.conversion=0.05,0.1`"),
            "{err}"
        );
        assert!(!err.contains("=\"0.05"), "{err}");
        let err = "advocates.choose=\"top".parse::<Override>().unwrap_err();
        assert!(err.contains("text in quotes"), "{err}");
        assert!(!err.contains("wom sweep"), "{err}");
    }

    #[test]
    fn apply_creates_tables_and_replaces_values() {
        let mut table: toml::Table = toml::from_str("[simulation]\nsteps = 3\n").unwrap();
        let overrides = vec![
            "simulation.steps=9".parse().unwrap(),
            "influencer.reach=0.5".parse().unwrap(),
        ];
        apply(&mut table, &overrides).unwrap();
        assert_eq!(table["simulation"]["steps"].as_integer(), Some(9));
        assert_eq!(table["influencer"]["reach"].as_float(), Some(0.5));
        let bad = vec!["simulation.steps.x=1".parse().unwrap()];
        assert!(apply(&mut table, &bad).is_err());
    }
}
