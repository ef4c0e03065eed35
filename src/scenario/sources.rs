//! Every resolved parameter of a scenario with where its value comes from: the
//! comment the scenario file writes beside it (its source, by the convention of
//! `scenarios/`), a `--set` override, or wom's default. Result files carry this
//! list (`inputs[].assumptions`, docs/outputs.md) so that a report can show every
//! assumption behind a number.
//!
//! Which comment belongs to a key (read with `toml_edit`, which keeps comments):
//! 1. the comment at the end of the key's own line, with the comment-only lines
//!    right below it that are indented further than the key (its continuation);
//! 2. else a block of comment-only lines right above the key (no blank line
//!    between, same indentation as the key), which also applies to the keys
//!    below it up to the next blank line, comment block or table;
//! 3. else none: the value is an assumption whose source the file does not give.

use super::{to_toml, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;
use toml_edit::{ImDocument, Item, Table};

/// Where a parameter's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written in the scenario file.
    File,
    /// Set on the command line (`--set`, `--seed`, `--replicates`, `--steps`).
    Override,
    /// Not in the file: wom's default.
    Default,
}

/// One resolved parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    /// Dotted path as in a scenario file: `word_of_mouth.reach`, `influencer[1].fee`,
    /// `uncertain."word_of_mouth.reach"`.
    pub key: String,
    /// The resolved value in TOML syntax, as it would be written in the file.
    pub value: String,
    /// Where the value comes from: the file, an override or a default.
    pub origin: Origin,
    /// The file's comment for the key (its source or note); for an override, the
    /// flag as given (`key=value`); null when the file gives none.
    pub source: Option<String>,
}

/// The resolved parameters of `s` in file order (defaults filled in, `name` and
/// `description` left out), each with its origin and source.
pub fn assumptions(s: &Scenario) -> Vec<Assumption> {
    let resolved: toml::Table = toml::from_str(&to_toml(s)).unwrap_or_default();
    let mut values = Vec::new();
    flatten(&resolved, "", &mut values);
    let comments = comments(&s.origin.text);
    let overrides = &s.origin.overrides;
    values
        .into_iter()
        .filter(|(key, _)| key != "name" && key != "description")
        .map(|(key, value)| {
            let flag = overrides
                .iter()
                .rev()
                .find(|o| key == o.key || key.starts_with(&format!("{}.", o.key)));
            let written = comments
                .get(&key)
                .or_else(|| comments.get(&alternate(&key)));
            let (origin, source) = match (flag, written) {
                (Some(o), _) => (Origin::Override, Some(o.text.clone())),
                (None, Some(comment)) => (Origin::File, comment.clone()),
                (None, None) => (Origin::Default, None),
            };
            Assumption {
                key,
                value: inline(&value),
                origin,
                source,
            }
        })
        .collect()
}

/// `a[0].b` for `a.b` and back: a single channel table may be written either way.
fn alternate(key: &str) -> String {
    match key.split_once("[0].") {
        Some((head, tail)) if !head.contains('[') => format!("{head}.{tail}"),
        _ => match key.split_once('.') {
            Some((head, tail)) if !head.contains('[') => format!("{head}[0].{tail}"),
            _ => key.to_string(),
        },
    }
}

fn segment(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        format!("{:?}", key)
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        segment(key)
    } else {
        format!("{prefix}.{}", segment(key))
    }
}

/// Leaves of the resolved scenario: tables and arrays of tables are walked, every
/// other value (arrays of numbers, `[uncertain]` distributions) is one leaf.
fn flatten(table: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    for (key, value) in table {
        let path = join(prefix, key);
        match value {
            toml::Value::Table(t) if prefix != "uncertain" => flatten(t, &path, out),
            toml::Value::Array(a)
                if !a.is_empty() && a.iter().all(|v| matches!(v, toml::Value::Table(_))) =>
            {
                for (i, v) in a.iter().enumerate() {
                    if let toml::Value::Table(t) = v {
                        flatten(t, &format!("{path}[{i}]"), out);
                    }
                }
            }
            other => out.push((path, other.clone())),
        }
    }
}

/// A value as one line of TOML (tables inline).
fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", segment(k), inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        toml::Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// Every key written in `text` (a scenario file), with its comment (`None` when it
/// has none). Empty when the text is not TOML.
pub fn comments(text: &str) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    let Ok(document) = ImDocument::parse(text) else {
        return out;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut starts = vec![0usize];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let reader = Reader {
        text,
        lines,
        starts,
    };
    reader.walk(document.as_table(), "", &mut out);
    out
}

struct Reader<'a> {
    text: &'a str,
    lines: Vec<&'a str>,
    starts: Vec<usize>,
}

/// A key-value pair of one table, where it was written.
struct Leaf {
    path: String,
    key_start: usize,
    value_end: usize,
}

impl Reader<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1) - 1
    }

    fn walk(&self, table: &Table, prefix: &str, out: &mut BTreeMap<String, Option<String>>) {
        let mut leaves = Vec::new();
        for (key, item) in table.iter() {
            let path = join(prefix, key);
            match item {
                Item::Table(t) => self.walk(t, &path, out),
                Item::ArrayOfTables(a) => {
                    for (i, t) in a.iter().enumerate() {
                        self.walk(t, &format!("{path}[{i}]"), out);
                    }
                }
                Item::Value(v) => {
                    let key_start = table.key(key).and_then(|k| k.span()).map(|s| s.start);
                    if let (Some(key_start), Some(span)) = (key_start, v.span()) {
                        leaves.push(Leaf {
                            path,
                            key_start,
                            value_end: span.end,
                        });
                    }
                }
                Item::None => {}
            }
        }
        leaves.sort_by_key(|l| l.key_start);
        // The block comment in force, and the last line of the previous key.
        let mut block: Option<String> = None;
        let mut previous_end: Option<usize> = None;
        for leaf in leaves {
            let key_line = self.line_of(leaf.key_start);
            let indent = indentation(self.lines[key_line]);
            let (own, last_line) = self.trailing(leaf.value_end, indent);
            match self.block_above(key_line, indent) {
                Some(above) => block = Some(above),
                None => {
                    let gap = previous_end.map_or(true, |end| {
                        (end + 1..key_line).any(|l| self.lines[l].trim().is_empty())
                    });
                    if gap {
                        block = None;
                    }
                }
            }
            previous_end = Some(last_line);
            out.insert(leaf.path, own.or_else(|| block.clone()));
        }
    }

    /// The comment after a value ending at `end`, with its indented continuation
    /// lines, and the last line it takes.
    fn trailing(&self, end: usize, indent: usize) -> (Option<String>, usize) {
        let line = self.line_of(end.saturating_sub(1));
        let line_end = self.starts.get(line + 1).map_or(self.text.len(), |s| s - 1);
        let rest = self.text.get(end..line_end.max(end)).unwrap_or("").trim();
        let Some(first) = rest.strip_prefix('#') else {
            return (None, line);
        };
        let mut parts = vec![first.trim().to_string()];
        let mut last = line;
        while let Some(next) = self.lines.get(last + 1) {
            let body = next.trim_start();
            if !body.starts_with('#') || indentation(next) <= indent {
                break;
            }
            parts.push(body.trim_start_matches('#').trim().to_string());
            last += 1;
        }
        (Some(tidy(&parts)), last)
    }

    /// The comment block right above `key_line` at the key's indentation.
    fn block_above(&self, key_line: usize, indent: usize) -> Option<String> {
        let mut first = key_line;
        while first > 0 {
            let line = self.lines[first - 1];
            if !line.trim_start().starts_with('#') || indentation(line) != indent {
                break;
            }
            first -= 1;
        }
        let parts: Vec<String> = (first..key_line)
            .map(|l| {
                self.lines[l]
                    .trim_start()
                    .trim_start_matches('#')
                    .trim()
                    .to_string()
            })
            .collect();
        (!parts.is_empty()).then(|| tidy(&parts))
    }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Comment lines joined into one text (empty lines dropped, trailing `\r` gone).
fn tidy(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# A file comment, then a blank line: it belongs to no key.

name = "x"

[simulation]
steps = 30                 # days; step 0 is launch day
seed = 42

[population]
# Assumption: a scale-free network
# of 100,000 consumers.
generator = "barabasi_albert"
nodes = 100_000

attach = 5

[market]
customers = 0.02           # assumption: 2% bought already;
                           # the same in all files
# The next key's own block.
other = 1

[[influencer]]
fee = 7.5 # a rate card
reach = 0.1

[uncertain]
"word_of_mouth.reach" = { low = 0.1, high = 0.5 }  # a guess
"#;

    #[test]
    fn comments_follow_the_documented_rules() {
        let c = comments(TEXT);
        let get = |k: &str| c.get(k).cloned().unwrap_or_else(|| panic!("{k} missing"));
        assert_eq!(get("name"), None);
        assert_eq!(
            get("simulation.steps").as_deref(),
            Some("days; step 0 is launch day")
        );
        assert_eq!(get("simulation.seed"), None);
        let block = "Assumption: a scale-free network of 100,000 consumers.";
        assert_eq!(get("population.generator").as_deref(), Some(block));
        assert_eq!(get("population.nodes").as_deref(), Some(block));
        // A blank line ends the block.
        assert_eq!(get("population.attach"), None);
        assert_eq!(
            get("market.customers").as_deref(),
            Some("assumption: 2% bought already; the same in all files")
        );
        assert_eq!(
            get("market.other").as_deref(),
            Some("The next key's own block.")
        );
        assert_eq!(get("influencer[0].fee").as_deref(), Some("a rate card"));
        assert_eq!(get("influencer[0].reach"), None);
        assert_eq!(
            get("uncertain.\"word_of_mouth.reach\"").as_deref(),
            Some("a guess")
        );
    }

    #[test]
    fn single_channel_keys_match_either_spelling() {
        assert_eq!(alternate("influencer[0].fee"), "influencer.fee");
        assert_eq!(alternate("influencer.fee"), "influencer[0].fee");
        assert_eq!(alternate("influencer[1].fee"), "influencer[1].fee");
    }
}
