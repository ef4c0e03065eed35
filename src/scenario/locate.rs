//! Map a dotted field path back to the line and column where it was written, so a
//! message can point at it, and turn serde errors into precise diagnostics.

use super::overrides::Override;
use crate::error::Diagnostic;
use std::path::Path;
use toml_edit::{ImDocument, Item};

/// Finds where fields of one scenario file were written.
pub struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
    line_starts: Vec<usize>,
    document: Option<ImDocument<String>>,
    overrides: &'a [Override],
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, path: &'a Path, overrides: &'a [Override]) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Locator {
            path,
            text,
            line_starts,
            document: ImDocument::parse(text.to_string()).ok(),
            overrides,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        (line, column)
    }

    /// A diagnostic for `field`, located at its value (or at its key when `at_key`).
    ///
    /// A field set with `--set` is attributed to that flag. A field that is not in
    /// the file is located at the nearest enclosing table that is.
    pub fn diagnostic(&self, field: &str, message: impl Into<String>, at_key: bool) -> Diagnostic {
        let segments: Vec<&str> = field.split('.').collect();
        self.diagnostic_at(&segments, field, message, at_key)
    }

    /// [`Locator::diagnostic`] for a field given as its keys (`segments`), for keys
    /// that hold dots themselves (`[uncertain] "word_of_mouth.reach" = …`), named
    /// `field` in the message.
    pub fn diagnostic_at(
        &self,
        segments: &[&str],
        field: &str,
        message: impl Into<String>,
        at_key: bool,
    ) -> Diagnostic {
        let message = message.into();
        if let Some(o) = self
            .overrides
            .iter()
            .rev()
            .find(|o| field == o.key || field.starts_with(&format!("{}.", o.key)))
        {
            return Diagnostic::new(message)
                .file(format!("{} (--set {})", self.path.display(), o.text))
                .field(field);
        }
        let mut d = Diagnostic::new(message).file(self.path).field(field);
        if let Some(offset) = self.offset_of(segments, at_key) {
            let (line, column) = self.line_column(offset);
            d = d.at(line, Some(column));
        }
        d
    }

    fn offset_of(&self, segments: &[&str], at_key: bool) -> Option<usize> {
        let document = self.document.as_ref()?;
        let top = document.as_item().as_table_like()?;
        offset_in(top, segments, at_key, None)
    }
}

/// Where the field `segments` of `table` was written (`name[i]` steps into an
/// array of tables), or the closest enclosing place that was.
fn offset_in(
    table: &dyn toml_edit::TableLike,
    segments: &[&str],
    at_key: bool,
    best: Option<usize>,
) -> Option<usize> {
    let Some((segment, rest)) = segments.split_first() else {
        return best;
    };
    let (name, index) = match segment.split_once('[') {
        Some((key, tail)) => (key, tail.trim_end_matches(']').parse::<usize>().ok()),
        None => (*segment, None),
    };
    let Some((key, item)) = table.get_key_value(name) else {
        return best;
    };
    let last = rest.is_empty() && index.is_none();
    let key_span = key.span().map(|s| s.start);
    let value_span = item.span().map(|s| s.start);
    let mut best = if last && !at_key {
        value_span.or(key_span).or(best)
    } else {
        key_span.or(value_span).or(best)
    };
    let inner: Option<&dyn toml_edit::TableLike> = match (index, item) {
        (None, item) => item.as_table_like(),
        (Some(i), Item::ArrayOfTables(a)) => a.get(i).map(|t| {
            best = t.span().map(|s| s.start).or(best);
            t as &dyn toml_edit::TableLike
        }),
        (Some(i), item) => item
            .as_array()
            .and_then(|a| a.get(i))
            .and_then(|v| {
                best = v.span().map(|s| s.start).or(best);
                v.as_inline_table()
            })
            .map(|t| t as &dyn toml_edit::TableLike),
    };
    match inner {
        Some(t) if !rest.is_empty() => offset_in(t, rest, at_key, best),
        _ => best,
    }
}

/// One step of a path into a scenario: a key, or an index into an array.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A table key.
    Key(String),
    /// An array index (0-based).
    Index(usize),
}

/// A path as written in messages: `advocates.count`, `influencer[1].reach`.
pub fn field_name(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Part::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Turn a deserialisation error (unknown key, wrong type) of a value found at
/// `prefix` into a diagnostic, with the full path of the offending key (so the
/// caller can drop it and look for more).
pub fn serde_diagnostic(
    locator: &Locator<'_>,
    error: &serde_path_to_error::Error<toml::de::Error>,
    prefix: &[Part],
) -> (Diagnostic, Vec<Part>) {
    use serde_path_to_error::Segment;
    let mut parts: Vec<Part> = prefix.to_vec();
    for segment in error.path().iter() {
        match segment {
            Segment::Map { key } => parts.push(Part::Key(key.clone())),
            Segment::Seq { index } => parts.push(Part::Index(*index)),
            Segment::Enum { variant } => parts.push(Part::Key(variant.clone())),
            Segment::Unknown => {}
        }
    }
    let inner = error.inner().message().trim().to_string();
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        // serde_path_to_error records the unknown key as the last segment.
        if parts.last() != Some(&Part::Key(key.clone())) {
            parts.push(Part::Key(key.clone()));
        }
        let field = field_name(&parts);
        let allowed: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|list| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let section = if parts.len() > 1 {
            format!("[{}]", field_name(&parts[..parts.len() - 1]))
        } else {
            "the top level".to_string()
        };
        let mut d = locator.diagnostic(
            &field,
            format!(
                "unknown key `{key}` in {section}; allowed keys: {}",
                allowed.join(", ")
            ),
            true,
        );
        if let Some(suggestion) = did_you_mean(&key, &allowed) {
            d = d.help(format!("did you mean `{suggestion}`?"));
        }
        return (d, parts);
    }
    // An error inside an array of numbers names the array, with the item.
    let index = match parts.last() {
        Some(Part::Index(i)) => Some(*i),
        _ => None,
    };
    let field = match index {
        Some(_) => field_name(&parts[..parts.len() - 1]),
        None => field_name(&parts),
    };
    let found = friendly_types(&inner);
    let message = match index {
        Some(i) => format!("item {i} of the array: {found}"),
        None => found,
    };
    let d = locator.diagnostic(&field, format!("wrong type: {message}"), false);
    (d, parts)
}

/// Serde's type names, in the words of a TOML user.
fn friendly_types(message: &str) -> String {
    message
        .replace("invalid type: ", "found ")
        .replace("invalid value: ", "found ")
        .replace("expected i64", "expected an integer")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a sequence", "expected an array, e.g. [0, 7]")
        .replace("expected a map", "expected a table")
        .replace("floating point", "number")
}

/// The closest of `candidates` to `word`, if it is close enough to be a typo.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
