//! What is wrong with an edge list, as a message: a bad line ([`BadLine`], its kind
//! and place) made into a [`Diagnostic`] with a snippet and column, and read errors
//! (damaged gzip, I/O).

use std::fmt::Write as _;
use std::io;

use super::MAX_NODES;
use crate::error::{Diagnostic, WomError};

pub(super) fn read_error(
    name: &str,
    gzip: bool,
    line_no: u64,
    e: &io::Error,
    bad_line: Option<u64>,
) -> WomError {
    let d = if gzip {
        let mut message =
            format!("the file is not valid gzip or is truncated: {e} (after line {line_no})");
        if let Some(l) = bad_line {
            let _ = write!(
                message,
                "; line {l} looked malformed, most likely because of the damage"
            );
        }
        Diagnostic::new(message)
            .file(name)
            .help("test it with `gzip -t FILE`; download or compress it again")
    } else {
        Diagnostic::new(format!(
            "cannot read the edge list file after line {line_no}: {e}"
        ))
        .file(name)
    };
    WomError::input(d)
}

/// What is wrong with a line, and where (byte offset in the line).
#[derive(Debug, Clone, Copy)]
pub(super) struct BadLine {
    pub(super) kind: BadKind,
    pub(super) offset: usize,
    /// The offending field, as a byte range of the line.
    pub(super) field: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BadKind {
    OneField,
    MissingWeight,
    WeightNotNumber,
    WeightOutOfRange,
    WeightRoundsToZero,
    EmptyField,
    NotUtf8,
    TooManyNodes,
}

impl BadLine {
    pub(super) fn into_diagnostic(self, line: &[u8]) -> Diagnostic {
        let text = snippet(line);
        let field = snippet(&line[self.field.0..self.field.1]);
        match self.kind {
            BadKind::OneField => Diagnostic::new(format!(
                "found one field in `{text}`; an edge line needs two node labels `u v` (or `u v w` with a weight)"
            ))
            .help("separate the labels with spaces, tabs or a comma; start comment lines with `#` or `%`"),
            BadKind::MissingWeight => Diagnostic::new(format!(
                "found two fields in `{text}` but the graph is weighted: every line needs `u v w` with a weight w in (0, 1]"
            ))
            .help("add a weight to every line, or read the graph as unweighted"),
            BadKind::WeightNotNumber => Diagnostic::new(format!(
                "weight `{field}` in `{text}` is not a number; a weight must be a finite number in (0, 1]"
            ))
            .help("write weights as decimals such as `0.25`, or read the graph as unweighted to ignore the third column"),
            BadKind::WeightOutOfRange => Diagnostic::new(format!(
                "weight `{field}` in `{text}` is outside (0, 1]; a weight is a transmission probability, greater than 0 and at most 1"
            ))
            .help("rescale the weights into (0, 1], drop zero-weight edges, or read the graph as unweighted"),
            BadKind::WeightRoundsToZero => Diagnostic::new(format!(
                "weight `{field}` in `{text}` is greater than 0 but rounds to 0 in a 32-bit float (weights are stored as f32, whose smallest positive value is about 1.4e-45); a weight must be in (0, 1]"
            ))
            .help("drop the edge (a weight this small never transmits), or use a weight of at least 1e-45"),
            BadKind::EmptyField => Diagnostic::new(format!(
                "empty field in `{text}` (two commas in a row, or a comma at the start or end of the line); fields must be non-empty"
            ))
            .help("remove the extra comma"),
            BadKind::NotUtf8 => Diagnostic::new(format!(
                "label `{field}` in `{text}` is not valid UTF-8 text; labels must be UTF-8"
            ))
            .help("convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
            BadKind::TooManyNodes => Diagnostic::new(format!(
                "label `{field}` would be node number {}; at most {MAX_NODES} distinct nodes are supported",
                MAX_NODES as u64 + 1
            )),
        }
    }
}

/// The line as text for a message: lossy UTF-8, control characters escaped, at most
/// 60 characters.
fn snippet(bytes: &[u8]) -> String {
    const MAX: usize = 60;
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\r', ' ', '\t']);
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        if c == '\t' {
            out.push_str("\\t");
        } else if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// 1-based character column of byte `offset` in `line`.
pub(super) fn column(line: &[u8], offset: usize) -> usize {
    String::from_utf8_lossy(&line[..offset.min(line.len())])
        .chars()
        .count()
        + 1
}
