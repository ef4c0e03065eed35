//! Errors and their exit codes.
//!
//! Bad input (exit code 2) is reported as one or more [`Diagnostic`]s that name the
//! file, the line and column where known, the field, what was found and what is
//! allowed. Everything else that fails at run time is exit code 1.

use std::fmt;
use std::path::Path;

/// One problem with the user's input, precise enough to fix without guessing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (or `--set`) the problem is in.
    pub file: Option<String>,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// Dotted field path such as `advocates.count`, where one applies.
    pub field: Option<String>,
    /// What is wrong: what was found and what is allowed.
    pub message: String,
    /// How to fix it, where we can say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic saying `message`, located nowhere yet.
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            file: None,
            line: None,
            column: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    /// Located in `file` (shown as given).
    pub fn file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().display().to_string());
        self
    }

    /// At 1-based `line` and, when known, `column`.
    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// About `field`, a dotted key such as `word_of_mouth.reach`.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// With `help`: how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "`{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every way a wom command can fail.
#[derive(Debug, thiserror::Error)]
pub enum WomError {
    /// The user's input is wrong (exit code 2).
    #[error("{}", join(.0))]
    Input(Vec<Diagnostic>),
    /// Something failed while running (exit code 1).
    #[error("{0}")]
    Runtime(String),
    /// Writing to standard output failed (exit code 1; a closed pipe, as when the
    /// output goes to `head`, is success and is told apart by its kind).
    #[error("cannot write to stdout: {0}")]
    Stdout(#[source] std::io::Error),
}

fn join(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl WomError {
    /// The process exit code for this error: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            WomError::Input(_) => 2,
            WomError::Runtime(_) | WomError::Stdout(_) => 1,
        }
    }

    /// Shorthand for an input error with a single diagnostic.
    pub fn input(diagnostic: Diagnostic) -> Self {
        WomError::Input(vec![diagnostic])
    }
}

impl From<Diagnostic> for WomError {
    fn from(d: Diagnostic) -> Self {
        WomError::input(d)
    }
}

/// wom's result: errors are [`WomError`] unless said otherwise.
pub type Result<T, E = WomError> = std::result::Result<T, E>;

/// Text from a user's file made safe to echo in a message: control characters
/// (which could move the cursor, retitle or recolour a terminal) are shown escaped,
/// and anything past [`ECHO_LIMIT`] characters is cut and marked with `…`.
pub fn echo(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == ECHO_LIMIT {
            out.push('…');
            break;
        }
        push_visible(&mut out, c);
    }
    out
}

/// `text` with its control characters shown escaped (`\u{7}`), whole: for names and
/// other text from the user that is shown in full (terminal lines, figure titles and
/// legends, whose SVG must stay well-formed XML). Tabs stay tabs.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\t' {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    if c.is_control() {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// The most characters of a user's text that a message echoes.
pub const ECHO_LIMIT: usize = 60;

/// Each diagnostic of an input error as `line:column:field message` (for unit
/// tests of readers); panics on anything but an input error.
#[cfg(test)]
pub(crate) fn input_messages<T: std::fmt::Debug>(r: Result<T>) -> Vec<String> {
    match r {
        Err(WomError::Input(ds)) => ds
            .iter()
            .map(|d| {
                format!(
                    "{:?}:{:?}:{:?} {}",
                    d.line,
                    d.column,
                    d.field.as_deref().unwrap_or(""),
                    d.message
                )
            })
            .collect(),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_escapes_control_characters_and_caps_length() {
        assert_eq!(echo("a\u{1b}]0;title\u{7}b"), "a\\u{1b}]0;title\\u{7}b");
        assert_eq!(echo(&"x".repeat(100)).chars().count(), ECHO_LIMIT + 1);
        assert_eq!(echo("plain"), "plain");
    }

    #[test]
    fn escape_controls_keeps_the_whole_text() {
        assert_eq!(escape_controls("bell\u{7}"), "bell\\u{7}");
        assert_eq!(escape_controls("a\tb\u{9b}c\u{7f}"), "a\tb\\u{9b}c\\u{7f}");
        assert_eq!(escape_controls(&"x".repeat(100)).len(), 100);
        assert!(matches!(
            escape_controls("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
