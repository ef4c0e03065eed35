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
        if let Some(offset) = self.offset_of(field, at_key) {
            let (line, column) = self.line_column(offset);
            d = d.at(line, Some(column));
        }
        d
    }

    fn offset_of(&self, field: &str, at_key: bool) -> Option<usize> {
        let document = self.document.as_ref()?;
        let mut item: &Item = document.as_item();
        let mut best: Option<usize> = None;
        let segments: Vec<&str> = field.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let table = item.as_table_like()?;
            let (key, next) = match table.get_key_value(segment) {
                Some(kv) => kv,
                None => return best,
            };
            let last = i + 1 == segments.len();
            let key_span = key.span().map(|s| s.start);
            let value_span = next.span().map(|s| s.start);
            best = if last && !at_key {
                value_span.or(key_span).or(best)
            } else {
                key_span.or(value_span).or(best)
            };
            item = next;
        }
        best
    }
}

/// Turn a deserialisation error (unknown key, wrong type) into a diagnostic, with
/// the path of the offending key (so the caller can drop it and look for more).
pub fn serde_diagnostic(
    locator: &Locator<'_>,
    error: &serde_path_to_error::Error<toml::de::Error>,
) -> (Diagnostic, Vec<String>) {
    use serde_path_to_error::Segment;
    let mut parts: Vec<String> = Vec::new();
    let mut index = None;
    for segment in error.path().iter() {
        match segment {
            Segment::Map { key } => parts.push(key.clone()),
            Segment::Seq { index: i } => index = Some(*i),
            Segment::Enum { variant } => parts.push(variant.clone()),
            Segment::Unknown => {}
        }
    }
    let inner = error.inner().message().trim().to_string();
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        // serde_path_to_error records the unknown key as the last segment.
        if parts.last() != Some(&key) {
            parts.push(key.clone());
        }
        let field = parts.join(".");
        let allowed: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|list| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let section = if parts.len() > 1 {
            format!("[{}]", parts[..parts.len() - 1].join("."))
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
    let field = parts.join(".");
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
