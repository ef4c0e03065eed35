//! A per-period sales series read from CSV, for fitting.
//!
//! The file has a header line naming two columns, `period` and `sales`, in either
//! order and with no others; then one row per period. Period 1 is the first period
//! after launch and periods run 1, 2, 3, … in file order without gaps; sales are
//! numbers >= 0. Blank lines are skipped and spaces around fields are ignored.
//!
//! Every problem is reported at once, in file order (at most [`MAX_REPORTED`] of
//! them), as a [`Diagnostic`] naming the file, the line, the column and what was
//! found and what is allowed.

use crate::error::{echo, Diagnostic, Result, WomError};
use serde::Deserialize;
use std::path::Path;

/// The fewest periods a Bass fit accepts: three parameters (p, q, m) and at least
/// one degree of freedom left for their standard errors.
pub const MIN_PERIODS: usize = 4;

/// The most problems one error lists; the rest are counted in a last line.
pub const MAX_REPORTED: usize = 50;

const PERIOD: &str = "period";
const SALES: &str = "sales";

/// One row as the header names it.
#[derive(Debug, Deserialize)]
struct Row {
    period: u64,
    sales: f64,
}

/// Read a sales series: element `t - 1` holds the sales of period `t`.
pub fn read_sales_csv(path: &Path) -> Result<Vec<f64>> {
    let file = std::fs::File::open(path).map_err(|e| {
        WomError::input(
            Diagnostic::new(format!("cannot read the sales data: {e}"))
                .file(path)
                .help("give a CSV file with a header line `period,sales`"),
        )
    })?;
    parse_sales_csv(std::io::BufReader::new(file), path)
}

/// Like [`read_sales_csv`], from any reader; `path` names it in messages.
pub fn parse_sales_csv(input: impl std::io::Read, path: &Path) -> Result<Vec<f64>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| WomError::input(csv_problem(path, &e, "the sales data")))?
        .clone();
    check_header(path, &headers)?;

    let mut problems = Problems::new(path);
    let mut sales = Vec::new();
    let mut expected: u64 = 1;
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let fatal = !matches!(e.kind(), csv::ErrorKind::Utf8 { .. });
                problems.push(csv_problem(path, &e, "the sales data"));
                if fatal {
                    break;
                }
                expected += 1;
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let at = |field: &str, message: String| {
            Diagnostic::new(message)
                .file(path)
                .at(line, column_of(&headers, field))
                .field(field)
        };
        if record.len() != headers.len() {
            problems.push(row_length(
                path,
                line,
                record.len(),
                headers.len(),
                "a period and its sales",
            ));
            expected += 1;
            continue;
        }
        let row = match record.deserialize::<Row>(Some(&headers)) {
            Ok(row) => row,
            Err(_) => {
                // Say which field is wrong, each of them, with what was found.
                let text = |field: &str| {
                    let i = headers.iter().position(|h| h == field).expect("checked");
                    record.get(i).unwrap_or_default().to_string()
                };
                let period = text(PERIOD);
                if period.parse::<u64>().is_err() {
                    problems.push(at(
                        PERIOD,
                        format!("found {}; allowed: a whole number (1 for the first period after launch, then 2, 3, …)", found(&period)),
                    ));
                }
                let value = text(SALES);
                if value.parse::<f64>().is_err() {
                    problems.push(at(
                        SALES,
                        format!("found {}; allowed: a number >= 0", found(&value)),
                    ));
                }
                expected += 1;
                continue;
            }
        };
        if row.period != expected {
            let message = if expected == 1 {
                format!(
                    "found {}; the first row must be period 1, the first period after launch",
                    row.period
                )
            } else {
                format!(
                    "period {} follows period {}; periods must run 1, 2, 3, … in file order without gaps, so {expected} was expected here",
                    row.period,
                    expected - 1
                )
            };
            problems.push(at(PERIOD, message));
        }
        expected = row.period.saturating_add(1);
        if !row.sales.is_finite() || row.sales < 0.0 {
            problems.push(at(
                SALES,
                format!(
                    "found {}; allowed: a number >= 0{}",
                    found(&record_text(&record, &headers, SALES)),
                    if row.sales.is_finite() {
                        " (sales in a period cannot be negative)"
                    } else {
                        ", a finite one"
                    }
                ),
            ));
        }
        sales.push(row.sales);
    }
    problems.finish()?;
    if sales.is_empty() {
        return Err(WomError::input(
            Diagnostic::new("the file has a header but no rows")
                .file(path)
                .help(format!(
                    "add one row per period, at least {MIN_PERIODS}: `1,<sales of the first period after launch>`, `2,…`"
                )),
        ));
    }
    if sales.len() < MIN_PERIODS {
        return Err(WomError::input(
            Diagnostic::new(format!(
                "{} period{} found; the Bass fit needs at least {MIN_PERIODS} (it estimates three parameters, p, q and m, and needs one more period for their standard errors)",
                sales.len(),
                if sales.len() == 1 { "" } else { "s" }
            ))
            .file(path),
        ));
    }
    Ok(sales)
}

/// The header must name `period` and `sales` once each and nothing else.
fn check_header(path: &Path, headers: &csv::StringRecord) -> Result<()> {
    let line = headers.position().map_or(1, |p| p.line() as usize);
    if headers.iter().all(str::is_empty) {
        return Err(WomError::input(
            Diagnostic::new("the file is empty")
                .file(path)
                .help(format!(
                    "start with a header line `period,sales`, then one row per period (at least {MIN_PERIODS})"
                )),
        ));
    }
    let mut problems = Vec::new();
    let unknown: Vec<String> = headers
        .iter()
        .filter(|h| *h != PERIOD && *h != SALES)
        .map(|h| format!("`{}`", echo(h)))
        .collect();
    if !unknown.is_empty() {
        problems.push(
            Diagnostic::new(format!(
                "unknown column{} {}; allowed: `period` and `sales`, nothing else",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ))
            .file(path)
            .at(line, None)
            .help("remove the other columns (or save a copy with only these two)"),
        );
    }
    for name in [PERIOD, SALES] {
        match headers.iter().filter(|h| *h == name).count() {
            0 => problems.push(
                Diagnostic::new(format!(
                    "no `{name}` column; the header has {}",
                    list(headers)
                ))
                .file(path)
                .at(line, None)
                .help("the header line must name the columns `period` and `sales`"),
            ),
            1 => {}
            n => problems.push(
                Diagnostic::new(format!(
                    "the column `{name}` appears {n} times; name it once"
                ))
                .file(path)
                .at(line, None),
            ),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WomError::Input(problems))
    }
}

/// Problems in file order, at most [`MAX_REPORTED`], the rest counted.
pub(crate) struct Problems<'a> {
    path: &'a Path,
    shown: Vec<Diagnostic>,
    more: usize,
}

impl<'a> Problems<'a> {
    pub(crate) fn new(path: &'a Path) -> Self {
        Problems {
            path,
            shown: Vec::new(),
            more: 0,
        }
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        if self.shown.len() < MAX_REPORTED {
            self.shown.push(d);
        } else {
            self.more += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        if self.shown.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            self.shown.push(
                Diagnostic::new(format!(
                    "… and {} more problem{} not shown",
                    self.more,
                    if self.more == 1 { "" } else { "s" }
                ))
                .file(self.path),
            );
        }
        Err(WomError::Input(self.shown))
    }
}

/// The 1-based column of a field: its position in the header (the CSV column).
/// A row with another number of fields than the header: `needs` says what a row
/// holds ("a period and its sales").
pub(crate) fn row_length(
    path: &Path,
    line: usize,
    fields: usize,
    header: usize,
    needs: &str,
) -> Diagnostic {
    Diagnostic::new(format!(
        "this row has {fields} field{}, the header {header}: each row needs {needs}",
        if fields == 1 { "" } else { "s" },
    ))
    .file(path)
    .at(line, None)
}

pub(crate) fn column_of(headers: &csv::StringRecord, field: &str) -> Option<usize> {
    headers.iter().position(|h| h == field).map(|i| i + 1)
}

fn record_text(record: &csv::StringRecord, headers: &csv::StringRecord, field: &str) -> String {
    headers
        .iter()
        .position(|h| h == field)
        .and_then(|i| record.get(i))
        .unwrap_or_default()
        .to_string()
}

/// What a field held, quoted and made safe to print.
pub(crate) fn found(text: &str) -> String {
    if text.is_empty() {
        "an empty field".to_string()
    } else {
        format!("`{}`", echo(text))
    }
}

pub(crate) fn list(headers: &csv::StringRecord) -> String {
    headers
        .iter()
        .map(|h| format!("`{}`", echo(h)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A problem the CSV reader itself found (bad UTF-8, an unreadable file).
pub(crate) fn csv_problem(path: &Path, e: &csv::Error, what: &str) -> Diagnostic {
    let line = e.position().map(|p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not UTF-8 text; allowed: plain text numbers",
            err.field() + 1
        ),
        csv::ErrorKind::Io(io) => format!("cannot read {what}: {io}"),
        _ => format!("not readable as CSV: {e}"),
    };
    let d = Diagnostic::new(message).file(path);
    match line {
        Some(line) => d.at(line, None),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<f64>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sales.csv");
        std::fs::write(&path, text).unwrap();
        read_sales_csv(&path)
    }

    fn messages(r: Result<Vec<f64>>) -> Vec<String> {
        crate::error::input_messages(r)
    }

    #[test]
    fn columns_in_either_order_with_spaces_and_blank_lines() {
        let s = read("sales , period\n10, 1\n\n20,2\n 30 ,3\n40,4\n").unwrap();
        assert_eq!(s, [10.0, 20.0, 30.0, 40.0]);
    }

    #[test]
    fn every_bad_row_is_reported_in_file_order() {
        let m = messages(read(
            "period,sales\n1,5\n2,x\n3,-1\nfour,7\n5,inf\n7,1\n8\n",
        ));
        assert_eq!(m.len(), 6, "{m:#?}");
        assert!(
            m[0].starts_with("Some(3):Some(2):\"sales\" found `x`"),
            "{}",
            m[0]
        );
        assert!(
            m[1].starts_with("Some(4):Some(2):\"sales\" found `-1`"),
            "{}",
            m[1]
        );
        assert!(
            m[2].starts_with("Some(5):Some(1):\"period\" found `four`"),
            "{}",
            m[2]
        );
        assert!(
            m[3].starts_with("Some(6):Some(2):\"sales\" found `inf`"),
            "{}",
            m[3]
        );
        assert!(m[4].contains("period 7 follows period 5"), "{}", m[4]);
        assert!(m[5].starts_with("Some(8):None"), "{}", m[5]);
    }

    #[test]
    fn reports_are_capped() {
        let mut text = "period,sales\n".to_string();
        for t in 1..=80 {
            text.push_str(&format!("{t},-1\n"));
        }
        let m = messages(read(&text));
        assert_eq!(m.len(), MAX_REPORTED + 1);
        assert!(m[MAX_REPORTED].contains("and 30 more problems"), "{m:?}");
    }

    #[test]
    fn header_problems_are_named() {
        let m = messages(read("period,sales,region\n1,2,x\n"));
        assert!(m[0].contains("unknown column `region`"), "{m:?}");
        let m = messages(read("year,units\n1,2\n"));
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[1].contains("no `period` column; the header has `year`, `units`"));
        assert!(m[2].contains("no `sales` column"));
        let m = messages(read(""));
        assert!(m[0].contains("the file is empty"), "{m:?}");
        let m = messages(read("period,sales\n"));
        assert!(m[0].contains("no rows"), "{m:?}");
        let m = messages(read("period,sales\n1,1\n2,2\n3,3\n"));
        assert!(m[0].contains("3 periods found"), "{m:?}");
    }
}
