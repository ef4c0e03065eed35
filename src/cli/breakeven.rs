//! `wom breakeven A.toml B.toml --solve KEY`: the value of B's KEY at which B's
//! mean metric equals A's, with a 95% CI (method: [`crate::decide::breakeven`]);
//! writes `DIR/breakeven-<A>-vs-<B>/` (docs/decisions.md).

use super::sweep::{metric_estimate, progress, refused, same_population, shared_population};
use super::{all_overrides, in_file, io_error, ScenarioOptions, SimulationOptions};
use crate::decide::breakeven::{solve, SCAN};
use crate::decide::evaluate::{evaluate, Metric};
use crate::decide::sweep::{changes_population, difference};
use crate::error::{Diagnostic, Result, WomError};
use crate::results::breakeven::{self as files, BreakevenReport, Side};
use crate::results::compare::{folder_names, unpaired_reason};
use crate::results::inputs::input;
use crate::results::run::prepare_output_dir;
use crate::results::sweep::axis_number;
use crate::scenario::{self, Override, Scenario};
use crate::sim::distribute;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Keys that are probabilities by name (their default range is [0, 1]).
const PROBABILITY_FIELDS: &[&str] = &[
    "reach",
    "trust",
    "conversion",
    "advocacy",
    "external",
    "threshold",
    "p",
    "fatigue",
    "follower_share",
    "share",
    "customers",
    "rewire",
];

fn is_probability(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key);
    PROBABILITY_FIELDS.contains(&last)
}

/// The value at dotted `key` in `table`.
fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut current = table.get(parts.next()?)?;
    for part in parts {
        current = current.as_table()?.get(part)?;
    }
    Some(current)
}

/// B's own value of `key`: from the resolved scenario (defaults filled in), else
/// from the file as overridden.
fn current_value(b: &Scenario, key: &str) -> Option<toml::Value> {
    if let Ok(resolved) = toml::from_str::<toml::Table>(&scenario::to_toml(b)) {
        if let Some(v) = lookup(&resolved, key) {
            return Some(v.clone());
        }
    }
    let mut raw: toml::Table = toml::from_str(&b.origin.text).ok()?;
    scenario::overrides::apply(&mut raw, &b.origin.overrides).ok()?;
    lookup(&raw, key).cloned()
}

fn solve_error(key: &str, message: impl Into<String>, help: &str) -> WomError {
    WomError::input(
        Diagnostic::new(message)
            .file(format!("--solve {key}"))
            .help(help),
    )
}

fn range_error(text: &str, message: impl Into<String>, help: &str) -> WomError {
    WomError::input(
        Diagnostic::new(message)
            .file(format!("--range {text}"))
            .help(help),
    )
}

const RANGE_HELP: &str =
    "write --range LO..HI with numbers LO < HI (whole numbers for an integer key)";

/// Parse `LO..HI`.
fn parse_range(text: &str, integer: bool) -> Result<(f64, f64)> {
    let Some((lo, hi)) = text.split_once("..") else {
        return Err(range_error(
            text,
            format!("`{text}` is not LO..HI"),
            RANGE_HELP,
        ));
    };
    let number = |end: &str, which: &str| -> Result<(f64, bool)> {
        match format!("x={}", end.trim())
            .parse::<Override>()
            .map(|o| o.value)
        {
            Ok(toml::Value::Integer(i)) => Ok((i as f64, true)),
            Ok(toml::Value::Float(f)) if f.is_finite() => Ok((f, false)),
            _ => Err(range_error(
                text,
                format!("the range's {which} `{}` is not a number", end.trim()),
                RANGE_HELP,
            )),
        }
    };
    let ((lo, lo_int), (hi, hi_int)) = (number(lo, "low end")?, number(hi, "high end")?);
    if integer && !(lo_int && hi_int) {
        return Err(range_error(
            text,
            "the key takes whole numbers, and an end of the range is a decimal",
            RANGE_HELP,
        ));
    }
    if lo >= hi {
        return Err(range_error(
            text,
            format!("the low end {lo} is not below the high end {hi}"),
            RANGE_HELP,
        ));
    }
    Ok((lo, hi))
}

fn toml_number(x: f64, integer: bool) -> toml::Value {
    if integer {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

const METHOD: &str = "A is evaluated once; B is evaluated with KEY = x under the same seed \
(common random numbers), and d(x) = mean(B(x)) - mean(A) is paired replicate by replicate \
(Welch when the scenarios cannot be paired). d is scanned at 5 evenly spaced points of the \
range; the first sign change is bisected (10 halvings then linear interpolation; integer keys: \
to neighbouring whole numbers, answering the one where B is at least as good as A). The 95% CI \
is where the bounds of d's 95% CI cross 0, bracketed on the same evaluations nearest the root, \
refined by 6 halvings and interpolated (integers rounded outward); null when beyond the range.";

pub(super) fn breakeven(
    a_file: &Path,
    b_file: &Path,
    key: &str,
    range: Option<&str>,
    metric: Metric,
    simulation: &SimulationOptions,
    options: &ScenarioOptions,
) -> Result<()> {
    let start = Instant::now();
    let overrides = all_overrides(simulation, options);
    let a = scenario::load(a_file, &overrides)?;
    let b = scenario::load(b_file, &overrides)?;
    // A's and B's money are compared: one currency.
    scenario::common_currency([&a, &b])?;
    if let Err(e) = format!("{key}=0").parse::<Override>() {
        return Err(solve_error(
            key,
            e,
            "name a numeric field of B, e.g. advocates.count",
        ));
    }
    let current = current_value(&b, key);
    let load_b = |x: &toml::Value, flag: &str| -> Result<Scenario> {
        let set = [Override::new(key, x.clone())];
        let mut all = overrides.clone();
        all.extend(set.iter().cloned());
        scenario::load(b_file, &all).map_err(|e| refused(flag, &set, e))
    };
    let current_number = match &current {
        None => {
            // Unknown to the resolved scenario: an unknown key, or one B leaves unset.
            load_b(&toml::Value::Integer(0), &format!("--solve {key}"))?;
            None
        }
        Some(toml::Value::Integer(i)) => Some((*i as f64, true)),
        Some(toml::Value::Float(f)) => Some((*f, false)),
        Some(other) => {
            return Err(solve_error(
                key,
                format!("B's `{key}` is {other}, not a number"),
                "solve for a numeric field of B, e.g. advocates.count or advocates.incentive",
            ))
        }
    };
    let integer = match (current_number, range) {
        (Some((_, int)), _) => int,
        (None, Some(r)) => r.split("..").all(|e| !e.contains(['.', 'e', 'E'])),
        (None, None) => false,
    };
    let (lo, hi) = match (range, current_number) {
        (Some(r), _) => parse_range(r, integer)?,
        (None, _) if is_probability(key) => (0.0, 1.0),
        (None, Some((v, _))) if v != 0.0 => {
            let (p, q) = if integer {
                ((v / 4.0).floor(), v * 4.0)
            } else {
                (v / 4.0, v * 4.0)
            };
            (p.min(q), p.max(q))
        }
        (None, _) => {
            return Err(solve_error(
                key,
                format!(
                    "B's `{key}` is {}, so the default range (its value / 4 to x 4) is empty",
                    current.map_or("unset".to_string(), |v| v.to_string())
                ),
                "give the range to search with --range LO..HI",
            ))
        }
    };
    let range_flag = format!("--range {}", range.unwrap_or(&format!("{lo}..{hi}")));
    for end in [lo, hi] {
        load_b(&toml_number(end, integer), &range_flag)?;
    }
    let dir = simulation.out.join(format!(
        "breakeven-{}",
        folder_names(&[a.clone(), b.clone()]).join("-vs-")
    ));
    // Under MPI every rank runs each evaluation's share (and so takes the same
    // bisection steps); rank 0 writes.
    let root = distribute::is_root();
    if root {
        prepare_output_dir(&dir, simulation.force)?;
    }

    let replicates = u64::from(b.simulation.replicates);
    let bar = progress(
        root && !simulation.quiet && io::stderr().is_terminal(),
        u64::from(a.simulation.replicates) + SCAN as u64 * replicates,
    );
    let pairing: Mutex<Option<String>> = Mutex::new(None);
    let (a_estimate, solution) = simulation.with_threads(|| -> Result<_> {
        let population = if !changes_population(key) && same_population(&a, &b) {
            shared_population(&a, a_file)?
        } else {
            None
        };
        let a_eval = evaluate(&a, population.as_ref(), &bar).map_err(|e| in_file(e, a_file))?;
        let Some((a_values, a_estimate)) = metric_estimate(&a_eval, metric) else {
            return Err(WomError::input(
                Diagnostic::new("--metric roi needs a cost, and A's campaign costs nothing")
                    .file(a_file)
                    .help("use --metric conversions or profit"),
            ));
        };
        let mut evaluations = 0u64;
        let solution = solve(lo, hi, integer, |x| {
            evaluations += 1;
            if evaluations > SCAN as u64 {
                bar.inc_length(replicates);
            }
            let bx = load_b(&toml_number(x, integer), &range_flag)?;
            let shared = population.as_ref().filter(|_| same_population(&a, &bx));
            let e = evaluate(&bx, shared, &bar).map_err(|e| in_file(e, b_file))?;
            let Some((values, estimate)) = metric_estimate(&e, metric) else {
                return Err(WomError::input(
                    Diagnostic::new(format!(
                        "--metric roi needs a cost, and B's campaign costs nothing at {key} = {x}"
                    ))
                    .file(b_file)
                    .help("use --metric conversions or profit"),
                ));
            };
            let why = unpaired_reason(&a, &bx);
            {
                let mut first = pairing.lock().expect("the pairing note");
                if first.is_none() {
                    first.clone_from(&why);
                }
            }
            Ok((estimate.mean, difference(&values, &a_values, why.is_none())))
        })?;
        Ok((a_estimate, solution))
    })??;
    bar.finish_and_clear();
    if !root {
        return Ok(());
    }
    let unpaired = pairing.into_inner().expect("the pairing note");
    let reason = solution.value.is_none().then(|| {
        let e = &solution.evaluations;
        let (first, last) = (e[0], e[e.len() - 1]);
        let side = if first.diff_mean < 0.0 {
            "below"
        } else {
            "above"
        };
        format!(
            "B's mean {} stays {side} A's ({}) over the whole range {key} = {lo} to {hi} \
             (B − A from {} at {} to {} at {}): no break-even in the range",
            metric.name(),
            axis_number(a_estimate.mean),
            axis_number(first.diff_mean),
            first.x,
            axis_number(last.diff_mean),
            last.x
        )
    });
    let report = BreakevenReport {
        wom_version: env!("CARGO_PKG_VERSION"),
        key: key.to_string(),
        value: solution.value,
        ci95_low: solution.ci95_low,
        ci95_high: solution.ci95_high,
        reason,
        metric,
        currency: a.economics.currency.clone(),
        a_mean: a_estimate.mean,
        a_ci95_low: a_estimate.ci95_low,
        a_ci95_high: a_estimate.ci95_high,
        a: Side {
            name: a.title(),
            file: a_file.display().to_string(),
        },
        b: Side {
            name: b.title(),
            file: b_file.display().to_string(),
        },
        b_current: current_number.map(|c| c.0),
        range: [lo, hi],
        integer,
        paired: unpaired.is_none(),
        unpaired_reason: unpaired,
        increasing: solution.increasing,
        method: METHOD.to_string(),
        notes: solution.notes.clone(),
        seed: b.simulation.seed,
        replicates: b.simulation.replicates,
        overrides: b.overrides(),
        evaluations: solution.evaluations.clone(),
        inputs: vec![input("A", &a), input("B", &b)],
        seconds: start.elapsed().as_secs_f64(),
    };
    let title = format!(
        "Break-even of {} against {}: {} of B",
        report.b.name, report.a.name, key
    );
    files::write(&dir, &report, &title)?;
    let mut out = super::terminal();
    print_report(&mut out, &report, &dir).map_err(io_error)?;
    drop(out);
    super::report::after(&dir, simulation.report)
}

fn print_report(out: &mut impl Write, r: &BreakevenReport, dir: &Path) -> io::Result<()> {
    let show = |v: Option<f64>| v.map_or("open (beyond the range)".to_string(), axis_number);
    writeln!(
        out,
        "A {}: mean {} {} (95% CI {} to {})",
        r.a.name,
        r.metric_name(),
        axis_number(r.a_mean),
        axis_number(r.a_ci95_low),
        axis_number(r.a_ci95_high)
    )?;
    match r.value {
        Some(v) => writeln!(
            out,
            "break-even   B's {} = {} (95% CI {} to {}), {} evaluations of B, {}",
            r.key_label(),
            axis_number(v),
            show(r.ci95_low),
            show(r.ci95_high),
            r.evaluations.len(),
            if r.paired {
                "paired"
            } else {
                "unpaired (Welch)"
            }
        )?,
        None => writeln!(
            out,
            "break-even   none: {}",
            r.reason.as_deref().unwrap_or("")
        )?,
    }
    for note in &r.notes {
        writeln!(out, "note         {note}")?;
    }
    if let Some(why) = &r.unpaired_reason {
        writeln!(out, "note         not paired: {why}")?;
    }
    writeln!(out, "wrote        {}", dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_refuse() {
        assert_eq!(parse_range("10..50", true).unwrap(), (10.0, 50.0));
        assert_eq!(parse_range("0.1..0.5", false).unwrap(), (0.1, 0.5));
        for bad in ["5..1", "1..1", "a..2", "1..", "12", "1.5..3"] {
            assert!(parse_range(bad, true).is_err(), "{bad}");
        }
        assert!(is_probability("word_of_mouth.reach"));
        assert!(!is_probability("advocates.count"));
    }
}
