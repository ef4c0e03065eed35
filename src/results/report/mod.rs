//! `report.html`: one self-contained page that presents a result folder to someone
//! who will not open a CSV (docs/outputs.md). It opens with the answer in one
//! sentence with its 95% CI, then the figures (the folder's SVG files, inline),
//! the tables, every assumption with its source, and the command that reproduces
//! the result.
//!
//! A folder's kind is recognised by its result file ([`KINDS`]: `summary.json` is
//! a run, `comparison.json` a comparison, ...). Each kind has a context builder
//! (one file here: `page(dir, text) -> Page`) and a small template
//! (`templates/report/<kind>.html`, extending `base.html`), rendered with
//! minijinja; every value is HTML-escaped (auto-escape on `.html` templates), and
//! the inlined SVG figures are wom's own, checked for active content first.
//!
//! Adding a kind: write `kind.rs` with `pub(super) fn page(dir: &Path, text: &str)
//! -> Result<Page>` (read the JSON with `parse`, format numbers as the command
//! prints them, list the figures with `figure`, the scenario inputs with
//! `inputs`), a template `templates/report/kind.html`, and one entry in
//! [`KINDS`].

mod breakeven;
mod compare;
mod fit;
mod network_fit;
mod optimize;
mod run;
mod sensitivity;
mod svg;
mod sweep;

use crate::error::{Diagnostic, Result, WomError};
use crate::results::files;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A result kind: the file that identifies it, its template and its builder.
pub struct Kind {
    /// Name of the kind (`run`, `compare`, ...), also its template's stem.
    pub name: &'static str,
    /// The result file that identifies the kind.
    pub file: &'static str,
    template: &'static str,
    build: fn(&Path, &str) -> Result<Page>,
}

/// Every kind, in the order folders are tested for them (a comparison folder
/// holds run folders, not a `summary.json` of its own).
pub const KINDS: &[Kind] = &[
    Kind {
        name: "compare",
        file: "comparison.json",
        template: include_str!("../../../templates/report/compare.html"),
        build: compare::page,
    },
    Kind {
        name: "run",
        file: "summary.json",
        template: include_str!("../../../templates/report/run.html"),
        build: run::page,
    },
    Kind {
        name: "sweep",
        file: "sweep.json",
        template: include_str!("../../../templates/report/sweep.html"),
        build: sweep::page,
    },
    Kind {
        name: "breakeven",
        file: "breakeven.json",
        template: include_str!("../../../templates/report/breakeven.html"),
        build: breakeven::page,
    },
    Kind {
        name: "sensitivity",
        file: "sensitivity.json",
        template: include_str!("../../../templates/report/sensitivity.html"),
        build: sensitivity::page,
    },
    Kind {
        name: "optimize",
        file: "optimize.json",
        template: include_str!("../../../templates/report/optimize.html"),
        build: optimize::page,
    },
    Kind {
        name: "fit",
        file: "fit.json",
        template: include_str!("../../../templates/report/fit.html"),
        build: fit::page,
    },
];

const BASE: &str = include_str!("../../../templates/report/base.html");
const MACROS: &str = include_str!("../../../templates/report/macros.html");

/// Everything a report shows; the templates only lay it out.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The kind's name (set by [`render`]).
    pub kind: &'static str,
    /// The page's heading.
    pub title: String,
    /// A line under the heading (a scenario's description), if any.
    pub description: Option<String>,
    /// The answer in one sentence, numbers formatted as the command prints them.
    pub headline: String,
    /// Short facts under the answer: label and value.
    pub facts: Vec<(String, String)>,
    /// The folder's figures, inline.
    pub figures: Vec<Figure>,
    /// The tables, in page order.
    pub tables: Vec<Table>,
    /// Caveats the command printed as notes (pairing, convergence, ...).
    pub notes: Vec<String>,
    /// How the numbers were computed, in words (for kinds that say it).
    pub method: Option<String>,
    /// The scenarios the result was made from, with every assumption.
    pub inputs: Vec<InputView>,
    /// Command-line overrides applied (`key=value`).
    pub overrides: Vec<String>,
    /// The command that reproduces the folder.
    pub command: String,
    /// wom's version that made the folder.
    pub version: String,
    /// The master seed, when the result has one.
    pub seed: Option<String>,
}

impl Page {
    fn new(title: String, headline: String) -> Self {
        Page {
            kind: "",
            title,
            description: None,
            headline,
            facts: Vec::new(),
            figures: Vec::new(),
            tables: Vec::new(),
            notes: Vec::new(),
            method: None,
            inputs: Vec::new(),
            overrides: Vec::new(),
            command: String::new(),
            version: String::new(),
            seed: None,
        }
    }

    fn fact(&mut self, label: &str, value: impl Into<String>) {
        self.facts.push((label.to_string(), value.into()));
    }
}

/// An inline SVG figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// The element id (`figure-<stem>`).
    pub id: String,
    /// What the figure shows (its `<title>` for screen readers).
    pub title: String,
    /// A caption saying how to read it.
    pub caption: String,
    /// The SVG markup, scaled to the page width; `None` when the file is missing
    /// or unsafe to inline.
    pub svg: Option<String>,
    /// Why the figure is not shown, when it is not.
    pub missing: Option<String>,
}

/// A table: a header row, then rows whose first cell heads the row.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The element id.
    pub id: String,
    /// What the table holds, and its units.
    pub caption: String,
    /// Column headings (the first heads the row headers).
    pub head: Vec<String>,
    /// Which columns are numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// The rows, in order.
    pub rows: Vec<Row>,
}

/// A table row: its header cell, then the other cells.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The first cell, which heads the row.
    pub header: String,
    /// The other cells, one per remaining column.
    pub cells: Vec<String>,
}

impl Table {
    fn new(id: &str, caption: impl Into<String>, head: &[&str]) -> Self {
        Table {
            id: id.to_string(),
            caption: caption.into(),
            head: head.iter().map(|h| h.to_string()).collect(),
            numeric: head.iter().enumerate().map(|(i, _)| i > 0).collect(),
            rows: Vec::new(),
        }
    }

    fn text_columns(mut self, columns: &[usize]) -> Self {
        for &c in columns {
            if let Some(n) = self.numeric.get_mut(c) {
                *n = false;
            }
        }
        self
    }

    fn row(&mut self, header: impl Into<String>, cells: Vec<String>) {
        self.rows.push(Row {
            header: header.into(),
            cells,
        });
    }
}

/// One scenario's assumptions as the page lists them.
#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    /// The element id (`input-<i>`).
    pub id: String,
    /// Its role and name.
    pub heading: String,
    /// The scenario file as given on the command line.
    pub file: String,
    /// Command-line overrides applied to it.
    pub overrides: Vec<String>,
    /// Every resolved parameter, in file order.
    pub rows: Vec<AssumptionView>,
}

/// One parameter of a scenario, as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AssumptionView {
    /// The dotted key (`word_of_mouth.reach`).
    pub key: String,
    /// Its value, in TOML syntax.
    pub value: String,
    /// The file's comment, the flag that set it, or what it is when neither.
    pub source: String,
    /// `file`, `override` or `default`.
    pub origin: String,
    /// What this result does with the key (`varied`, `solved for`), if anything.
    pub role: Option<String>,
}

/// `inputs` of a result file (`crate::results::inputs`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct InputJson {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub overrides: Vec<String>,
    #[serde(default)]
    pub assumptions: Vec<AssumptionJson>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AssumptionJson {
    pub key: String,
    pub value: String,
    pub origin: String,
    pub source: Option<String>,
}

/// The page's view of `inputs`; `roles` marks keys the result varies or solves
/// (key, what is done with it).
fn inputs(inputs: &[InputJson], roles: &[(String, String)]) -> Vec<InputView> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| InputView {
            id: format!("input-{i}"),
            heading: format!("{} “{}”", capitalised(&input.role), input.name),
            file: input.file.clone(),
            overrides: input.overrides.clone(),
            rows: input
                .assumptions
                .iter()
                .map(|a| AssumptionView {
                    key: a.key.clone(),
                    value: a.value.clone(),
                    source: match (a.origin.as_str(), &a.source) {
                        ("override", Some(flag)) => {
                            format!("set on the command line: --set {flag}")
                        }
                        ("default", _) => "wom's default (an assumption)".to_string(),
                        (_, Some(comment)) => comment.clone(),
                        (_, None) => "assumption (the file gives no source)".to_string(),
                    },
                    origin: a.origin.clone(),
                    role: roles
                        .iter()
                        .find(|(k, _)| k == &a.key)
                        .map(|(_, what)| what.clone()),
                })
                .collect(),
        })
        .collect()
}

/// The file of input `i`, or a placeholder for a result file made before
/// `inputs` were recorded.
fn file_of(inputs: &[InputJson], i: usize) -> String {
    inputs
        .get(i)
        .map(|input| input.file.clone())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "SCENARIO.toml".to_string())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => "Scenario".to_string(),
    }
}

/// Read `text` (the kind's result file in `dir`) as `T`; a file of another shape
/// is bad input naming the file, line and column.
fn parse<T: serde::de::DeserializeOwned>(dir: &Path, file: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        WomError::input(
            Diagnostic::new(format!("not a wom result file: {e}"))
                .file(dir.join(file))
                .at(e.line(), Some(e.column()))
                .help("make the folder again with the wom command that writes it"),
        )
    })
}

/// The figure `stem.svg` of `dir`, inlined with `title` as its `<title>`.
fn figure(dir: &Path, stem: &str, title: &str, caption: &str) -> Figure {
    let path = dir.join(format!("{stem}.svg"));
    let id = format!("figure-{stem}");
    let (svg, missing) = match std::fs::read_to_string(&path) {
        Ok(text) => match svg::inline(&text, &id, title) {
            Ok(svg) => (Some(svg), None),
            Err(why) => (None, Some(format!("{stem}.svg is not shown: {why}"))),
        },
        Err(e) => (None, Some(format!("{stem}.svg cannot be read: {e}"))),
    };
    Figure {
        id,
        title: title.to_string(),
        caption: caption.to_string(),
        svg,
        missing,
    }
}

/// A word for the shell: quoted when it holds anything but safe characters.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// A command line from its words.
fn command(words: &[String]) -> String {
    let mut out = String::from("wom");
    for w in words {
        out.push(' ');
        out.push_str(&shell_word(w));
    }
    out
}

/// `--set` for every override, then `--out` the folder's parent.
fn common_flags(words: &mut Vec<String>, overrides: &[String], dir: &Path) {
    for o in overrides {
        words.push("--set".into());
        words.push(o.clone());
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    words.push("--out".into());
    words.push(parent.display().to_string());
}

/// Money as the commands print it, with its currency (`unit`, see [`unit`]).
fn money(v: f64, unit: &str) -> String {
    format!("{v:.2} {unit}")
}

/// A metric's name with its unit when it is money: "profit (EUR)".
fn metric_label(metric: &str, unit: &str) -> String {
    match metric {
        "profit" => format!("profit ({unit})"),
        other => other.to_string(),
    }
}

/// The label of money of an output file's `currency` field: the currency, or
/// "units" when it is null or absent (a folder written before currencies).
fn unit(currency: &Option<String>) -> &str {
    crate::scenario::money_unit(currency.as_deref())
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "n/a".to_string(), f)
}

/// The kind of the result folder `dir`, and its result file's text.
pub fn detect(dir: &Path) -> Result<(&'static Kind, String)> {
    if !dir.is_dir() {
        return Err(WomError::input(
            Diagnostic::new(format!("{} is not a folder", dir.display()))
                .help("give a result folder, e.g. output/micro-advocates"),
        ));
    }
    for kind in KINDS {
        let path = dir.join(kind.file);
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                WomError::input(Diagnostic::new(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            })?;
            return Ok((kind, text));
        }
    }
    let files: Vec<&str> = KINDS.iter().map(|k| k.file).collect();
    Err(WomError::input(
        Diagnostic::new(format!(
            "{} is not a wom result folder: it holds none of {}",
            dir.display(),
            files.join(", ")
        ))
        .help(
            "give a folder written by wom run, compare, sweep, breakeven, sensitivity, optimize or fit",
        ),
    ))
}

/// The page of the result folder `dir`.
pub fn page(dir: &Path) -> Result<(&'static Kind, Page)> {
    let (kind, text) = detect(dir)?;
    let mut page = (kind.build)(dir, &text)?;
    page.kind = kind.name;
    Ok((kind, page))
}

/// `report.html` of the result folder `dir`, as text.
pub fn render(dir: &Path) -> Result<String> {
    let (kind, page) = page(dir)?;
    let mut env = minijinja::Environment::new();
    let add = |env: &mut minijinja::Environment<'static>, name: &'static str, source| {
        env.add_template(name, source)
            .map_err(|e| WomError::Runtime(format!("report template {name}: {e}")))
    };
    add(&mut env, "base.html", BASE)?;
    add(&mut env, "macros.html", MACROS)?;
    let name = format!("{}.html", kind.name);
    env.add_template_owned(name.clone(), kind.template)
        .map_err(|e| WomError::Runtime(format!("report template {name}: {e}")))?;
    let template = env
        .get_template(&name)
        .map_err(|e| WomError::Runtime(format!("report template {name}: {e}")))?;
    template
        .render(minijinja::context! { page => page })
        .map_err(|e| {
            WomError::Runtime(format!(
                "cannot render the report of {}: {e}",
                dir.display()
            ))
        })
}

/// Write `dir/report.html` (atomically, under the folder's lock) and return its path.
pub fn write(dir: &Path) -> Result<PathBuf> {
    let html = render(dir)?;
    let path = dir.join("report.html");
    crate::results::staging::lock(dir)?;
    let written = files::write_file(&path, html.as_bytes());
    crate::results::staging::release(dir);
    written.map(|()| path)
}
