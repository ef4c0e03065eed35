//! An observed adoption curve read from CSV, for `wom fit SCENARIO DATA.csv`.
//!
//! The file has a header line naming two columns: `step` and one measure, either
//! `new_conversions` (conversions during each step), `conversions` (cumulative
//! conversions by the end of each step) or `adopters` (cumulative adopters,
//! recruited advocates and existing customers included), in either order and with
//! no others. The names and meanings are those of `curves.csv` of `wom run`. Then
//! one row per step: steps run 0, 1, 2, … (step 0 is launch day) in file order
//! without gaps; values are numbers >= 0, and a cumulative measure never falls.
//! Blank lines are skipped and spaces around fields are ignored.
//!
//! Every problem is reported at once, in file order (at most
//! [`crate::decide::sales::MAX_REPORTED`] of them), naming the file, the line, the
//! column, what was found and what is allowed.

use crate::decide::sales::{column_of, csv_problem, found, list, row_length, Problems};
use crate::error::{echo, Diagnostic, Result, WomError};
use crate::sim::engine::StepCounts;
use std::path::{Path, PathBuf};

/// The fewest steps a fit accepts.
pub const MIN_STEPS: usize = 2;

const STEP: &str = "step";

/// What the data count at each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Conversions during the step.
    NewConversions,
    /// Conversions so far (cumulative).
    Conversions,
    /// Adopters so far: recruited advocates, existing customers and conversions.
    Adopters,
}

impl Measure {
    /// Every measure, in the order the docs list them.
    pub const ALL: [Measure; 3] = [
        Measure::NewConversions,
        Measure::Conversions,
        Measure::Adopters,
    ];

    /// The column name, as in `curves.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Measure::NewConversions => "new_conversions",
            Measure::Conversions => "conversions",
            Measure::Adopters => "adopters",
        }
    }

    /// Whether the measure counts everything so far (and so never falls).
    pub fn cumulative(self) -> bool {
        !matches!(self, Measure::NewConversions)
    }

    /// The measure in one step's counts.
    #[inline]
    pub fn of(self, counts: &StepCounts) -> f64 {
        f64::from(match self {
            Measure::NewConversions => counts.new_conversions,
            Measure::Conversions => counts.conversions,
            Measure::Adopters => counts.adopters,
        })
    }

    fn from_name(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// An observed curve: `values[t]` is the measure at step t, t = 0, 1, ….
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    /// The data file, as given.
    pub path: PathBuf,
    /// What the values count.
    pub measure: Measure,
    /// One value per step from step 0.
    pub values: Vec<f64>,
}

impl Observations {
    /// The number of steps observed.
    pub fn steps(&self) -> usize {
        self.values.len()
    }
}

/// Read an observed curve (see the module documentation for the format).
pub fn read_observations(path: &Path) -> Result<Observations> {
    let file = std::fs::File::open(path).map_err(|e| {
        WomError::input(
            Diagnostic::new(format!("cannot read the data: {e}"))
                .file(path)
                .help("give a CSV file with a header line such as `step,new_conversions`"),
        )
    })?;
    parse_observations(std::io::BufReader::new(file), path)
}

/// Like [`read_observations`], from any reader; `path` names it in messages.
pub fn parse_observations(input: impl std::io::Read, path: &Path) -> Result<Observations> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| WomError::input(csv_problem(path, &e, "the data")))?
        .clone();
    let measure = check_header(path, &headers)?;
    let name = measure.name();
    let step_column = column_of(&headers, STEP);
    let value_column = column_of(&headers, name);

    let mut problems = Problems::new(path);
    let mut values = Vec::new();
    let mut expected: u64 = 0;
    // The last cumulative value read and its step, to report a fall.
    let mut last: Option<(f64, u64)> = None;
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let fatal = !matches!(e.kind(), csv::ErrorKind::Utf8 { .. });
                problems.push(csv_problem(path, &e, "the data"));
                if fatal {
                    break;
                }
                expected += 1;
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let at = |field: &str, column: Option<usize>, message: String| {
            Diagnostic::new(message)
                .file(path)
                .at(line, column)
                .field(field)
        };
        if record.len() != headers.len() {
            problems.push(row_length(
                path,
                line,
                record.len(),
                headers.len(),
                &format!("a step and its `{name}`"),
            ));
            expected += 1;
            continue;
        }
        let text = |column: Option<usize>| {
            column
                .and_then(|c| record.get(c - 1))
                .unwrap_or_default()
                .to_string()
        };
        let step_text = text(step_column);
        let value_text = text(value_column);
        let step = step_text.parse::<u64>();
        let value = value_text.parse::<f64>();
        match &step {
            Err(_) => problems.push(at(
                STEP,
                step_column,
                format!(
                    "found {}; allowed: a whole number (0 for launch day, then 1, 2, …)",
                    found(&step_text)
                ),
            )),
            Ok(step) if *step != expected => {
                let message = if expected == 0 {
                    format!("found {step}; the first row must be step 0, launch day")
                } else {
                    format!(
                        "step {step} follows step {}; steps must run 0, 1, 2, … in file order without gaps, so {expected} was expected here",
                        expected - 1
                    )
                };
                problems.push(at(STEP, step_column, message));
            }
            Ok(_) => {}
        }
        let step_now = step.as_ref().map_or(expected, |&s| s);
        expected = step_now.saturating_add(1);
        match value {
            Ok(v) if v.is_finite() && v >= 0.0 => {
                if measure.cumulative() {
                    if let Some((before, at_step)) = last {
                        if v < before {
                            problems.push(at(
                                name,
                                value_column,
                                format!(
                                    "found {}, below {before} at step {at_step}; `{name}` counts everything so far and cannot fall (for counts per step use a `new_conversions` column)",
                                    echo(&value_text),
                                ),
                            ));
                        }
                    }
                    last = Some((v, step_now));
                }
                values.push(v);
            }
            _ => {
                problems.push(at(
                    name,
                    value_column,
                    format!(
                        "found {}; allowed: a number >= 0{}",
                        found(&value_text),
                        match value {
                            Ok(v) if !v.is_finite() => ", a finite one",
                            Ok(_) => " (a count cannot be negative)",
                            Err(_) => "",
                        }
                    ),
                ));
                values.push(0.0);
            }
        }
    }
    problems.finish()?;
    if values.is_empty() {
        return Err(WomError::input(
            Diagnostic::new("the file has a header but no rows")
                .file(path)
                .help(format!(
                    "add one row per step from launch day, at least {MIN_STEPS}: `0,<{name} on launch day>`, `1,…`"
                )),
        ));
    }
    if values.len() < MIN_STEPS {
        return Err(WomError::input(
            Diagnostic::new(format!(
                "1 step found; a fit needs at least {MIN_STEPS} (a curve, not a single point)"
            ))
            .file(path),
        ));
    }
    Ok(Observations {
        path: path.to_path_buf(),
        measure,
        values,
    })
}

/// The header must name `step` once and one measure once, and nothing else.
fn check_header(path: &Path, headers: &csv::StringRecord) -> Result<Measure> {
    let line = headers.position().map_or(1, |p| p.line() as usize);
    let names: Vec<String> = Measure::ALL
        .iter()
        .map(|m| format!("`{}`", m.name()))
        .collect();
    let allowed = format!("`step` and one of {}", names.join(", "));
    if headers.iter().all(str::is_empty) {
        return Err(WomError::input(
            Diagnostic::new("the file is empty").file(path).help(format!(
                "start with a header line such as `step,new_conversions`, then one row per step from 0 (launch day); the columns are {allowed}"
            )),
        ));
    }
    let mut problems = Vec::new();
    let unknown: Vec<String> = headers
        .iter()
        .filter(|h| *h != STEP && Measure::from_name(h).is_none())
        .map(|h| format!("`{}`", echo(h)))
        .collect();
    if !unknown.is_empty() {
        problems.push(
            Diagnostic::new(format!(
                "unknown column{} {}; allowed: {allowed}, nothing else",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ))
            .file(path)
            .at(line, None)
            .help("remove the other columns (or save a copy with only these two)"),
        );
    }
    let count = |name: &str| headers.iter().filter(|h| *h == name).count();
    match count(STEP) {
        0 => problems.push(
            Diagnostic::new(format!(
                "no `step` column; the header has {}",
                list(headers)
            ))
            .file(path)
            .at(line, None)
            .help(format!("the header line must name {allowed}")),
        ),
        1 => {}
        n => problems.push(
            Diagnostic::new(format!("the column `step` appears {n} times; name it once"))
                .file(path)
                .at(line, None),
        ),
    }
    let present: Vec<Measure> = Measure::ALL
        .into_iter()
        .filter(|m| count(m.name()) > 0)
        .collect();
    match present.as_slice() {
        [] => problems.push(
            Diagnostic::new(format!(
                "no measure column; the header has {}; allowed: one of {}",
                list(headers),
                names.join(", ")
            ))
            .file(path)
            .at(line, None),
        ),
        [one] if count(one.name()) > 1 => problems.push(
            Diagnostic::new(format!(
                "the column `{}` appears {} times; name it once",
                one.name(),
                count(one.name())
            ))
            .file(path)
            .at(line, None),
        ),
        [_] => {}
        many => problems.push(
            Diagnostic::new(format!(
                "{} measure columns ({}); allowed: exactly one, the one to fit",
                many.len(),
                many.iter()
                    .map(|m| format!("`{}`", m.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .file(path)
            .at(line, None)
            .help("keep the column to fit to and remove the others"),
        ),
    }
    if problems.is_empty() {
        Ok(present[0])
    } else {
        Err(WomError::Input(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Observations> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.csv");
        std::fs::write(&path, text).unwrap();
        read_observations(&path)
    }

    fn messages(r: Result<Observations>) -> Vec<String> {
        crate::error::input_messages(r)
    }

    #[test]
    fn either_order_any_measure() {
        let o = read("conversions , step\n3, 0\n\n5,1\n 5 ,2\n").unwrap();
        assert_eq!(o.measure, Measure::Conversions);
        assert_eq!(o.values, [3.0, 5.0, 5.0]);
        let o = read("step,new_conversions\n0,2.5\n1,0\n").unwrap();
        assert_eq!(o.measure, Measure::NewConversions);
        assert_eq!(o.steps(), 2);
        let o = read("step,adopters\n0,100\n1,104\n").unwrap();
        assert_eq!(o.measure, Measure::Adopters);
    }

    #[test]
    fn every_bad_row_is_reported_in_file_order() {
        let m = messages(read(
            "step,conversions\n0,5\n1,x\n2,-1\nthree,7\n4,inf\n6,9\n7,8\n8\n",
        ));
        assert_eq!(m.len(), 7, "{m:#?}");
        assert!(
            m[0].starts_with("Some(3):Some(2):\"conversions\" found `x`"),
            "{}",
            m[0]
        );
        assert!(m[1].starts_with("Some(4):Some(2):\"conversions\" found `-1`"));
        assert!(m[2].starts_with("Some(5):Some(1):\"step\" found `three`"));
        assert!(m[3].starts_with("Some(6):Some(2):\"conversions\" found `inf`"));
        assert!(m[4].contains("step 6 follows step 4"), "{}", m[4]);
        assert!(
            m[5].starts_with("Some(8):Some(2):\"conversions\" found 8, below 9 at step 6"),
            "{}",
            m[5]
        );
        assert!(m[6].starts_with("Some(9):None"), "{}", m[6]);
    }

    #[test]
    fn new_conversions_may_fall() {
        let o = read("step,new_conversions\n0,9\n1,2\n2,4\n").unwrap();
        assert_eq!(o.values, [9.0, 2.0, 4.0]);
    }

    #[test]
    fn header_problems_are_named() {
        let m = messages(read("step,conversions,region\n0,2,x\n"));
        assert!(m[0].contains("unknown column `region`"), "{m:?}");
        let m = messages(read("day,sales\n1,2\n"));
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[1].contains("no `step` column; the header has `day`, `sales`"));
        assert!(m[2].contains("no measure column"), "{m:?}");
        let m = messages(read("step,conversions,adopters\n0,1,2\n"));
        assert!(m[0].contains("2 measure columns"), "{m:?}");
        let m = messages(read(""));
        assert!(m[0].contains("the file is empty"), "{m:?}");
        let m = messages(read("step,adopters\n"));
        assert!(m[0].contains("no rows"), "{m:?}");
        let m = messages(read("step,adopters\n0,1\n"));
        assert!(m[0].contains("at least 2"), "{m:?}");
        let m = messages(read("step,adopters\n1,1\n2,3\n"));
        assert!(m[0].contains("the first row must be step 0"), "{m:?}");
    }
}
