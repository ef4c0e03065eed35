//! `wom sweep`: the values a `--vary KEY=VALUES` flag stands for, the points of a
//! sweep (the Cartesian product of one or two of them, the first key slowest), and
//! the difference of a metric between two evaluations (paired replicate by
//! replicate under common random numbers, else Welch's), which `wom breakeven`
//! shares. Pure: nothing here simulates or writes.

use crate::error::{Diagnostic, Result, WomError};
use crate::scenario::Override;
use crate::statistics::{mean, variance, Summary, Z95};
use serde::Serialize;

/// The most keys a sweep varies (a line or a heat map).
pub const MAX_KEYS: usize = 2;

/// The most points a sweep runs (a guard against a typo such as `0..1:10000`).
pub const MAX_POINTS: usize = 10_000;

/// One `--vary KEY=VALUES` flag, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// Dotted scenario key, e.g. `advocates.count`.
    pub key: String,
    /// The values in the order given (a grid: from LO up to HI).
    pub values: Vec<toml::Value>,
    /// The flag as written, for messages.
    pub text: String,
}

impl Vary {
    /// The override that sets this key to its `i`th value.
    pub fn set(&self, i: usize) -> Override {
        Override::new(&self.key, self.values[i].clone())
    }
}

/// A bad `--vary`: exit 2, naming the flag.
pub fn vary_error(text: &str, message: impl Into<String>, help: &str) -> WomError {
    WomError::input(
        Diagnostic::new(message)
            .file(format!("--vary {text}"))
            .help(help),
    )
}

const VARY_HELP: &str = "write --vary KEY=VALUES with VALUES a list (0.05,0.1,0.2) or a grid \
LO..HI:N (N >= 2 points from LO to HI, both included, LO < HI)";

/// Parse one `--vary KEY=VALUES`: VALUES is a comma-separated list of TOML values
/// (bare words are strings, as with `--set`) or an inclusive grid `LO..HI:N`.
pub fn parse_vary(text: &str) -> Result<Vary> {
    let Some((key, values)) = text.split_once('=') else {
        return Err(vary_error(
            text,
            format!("`{text}` has no `=`; expected KEY=VALUES"),
            VARY_HELP,
        ));
    };
    let key = key.trim();
    // The key's syntax is `--set`'s.
    if let Err(e) = format!("{key}=0").parse::<Override>() {
        return Err(vary_error(text, e, VARY_HELP));
    }
    let values = values.trim();
    if values.is_empty() {
        return Err(vary_error(
            text,
            format!("no values for `{key}`"),
            VARY_HELP,
        ));
    }
    let values = match grid_parts(values) {
        Some((lo, hi, n)) => grid(text, lo, hi, n)?,
        None => list(text, key, values)?,
    };
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(vary_error(
                text,
                format!("the value {v} of `{key}` is given twice"),
                "give each value once",
            ));
        }
    }
    Ok(Vary {
        key: key.to_string(),
        values,
        text: text.to_string(),
    })
}

/// `LO..HI:N` split into its parts, when `values` is written as a grid (not a
/// string, array or table).
fn grid_parts(values: &str) -> Option<(&str, &str, &str)> {
    if values.starts_with(['"', '\'', '[', '{']) {
        return None;
    }
    let (range, n) = values.rsplit_once(':')?;
    let (lo, hi) = range.split_once("..")?;
    Some((lo.trim(), hi.trim(), n.trim()))
}

/// A number written in a grid: an integer or a float.
fn grid_end(text: &str, which: &str, end: &str) -> Result<toml::Value> {
    let parsed = format!("x={end}").parse::<Override>().map(|o| o.value);
    match parsed {
        Ok(v @ (toml::Value::Integer(_) | toml::Value::Float(_))) => Ok(v),
        _ => Err(vary_error(
            text,
            format!("the grid's {which} `{end}` is not a number"),
            VARY_HELP,
        )),
    }
}

/// Round to 12 significant digits, so a grid point is the number its decimal
/// text names (0.05 + 0.05 is 0.1, not 0.10000000000000002).
fn clean(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// The `n` points of `lo..hi`, ends included: integers when both ends are.
fn grid(text: &str, lo: &str, hi: &str, n: &str) -> Result<Vec<toml::Value>> {
    let (lo_v, hi_v) = (
        grid_end(text, "low end", lo)?,
        grid_end(text, "high end", hi)?,
    );
    let n: usize = n.parse().map_err(|_| {
        vary_error(
            text,
            format!("the number of grid points `{n}` is not a whole number"),
            VARY_HELP,
        )
    })?;
    if n < 2 {
        return Err(vary_error(
            text,
            format!("a grid needs at least 2 points, found {n}"),
            VARY_HELP,
        ));
    }
    if n > MAX_POINTS {
        return Err(vary_error(
            text,
            format!("{n} grid points is more than the {MAX_POINTS} a sweep runs"),
            VARY_HELP,
        ));
    }
    let as_f64 = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64));
    let (a, b) = (as_f64(&lo_v).unwrap_or(0.0), as_f64(&hi_v).unwrap_or(0.0));
    if a >= b {
        return Err(vary_error(
            text,
            format!("the grid's low end {lo} is not below its high end {hi}"),
            VARY_HELP,
        ));
    }
    let steps = (n - 1) as i128;
    match (lo_v.as_integer(), hi_v.as_integer()) {
        (Some(lo_i), Some(hi_i)) => {
            let span = i128::from(hi_i) - i128::from(lo_i);
            if steps > span {
                return Err(vary_error(
                    text,
                    format!(
                        "{n} whole-number points do not fit between {lo_i} and {hi_i} (at most {})",
                        span + 1
                    ),
                    "use fewer points, or write an end as a decimal (1.0) for a grid of decimals",
                ));
            }
            // lo + round(span · i / (n − 1)), in exact integer arithmetic.
            Ok((0..=steps)
                .map(|i| {
                    let offset = (2 * span * i + steps) / (2 * steps);
                    toml::Value::Integer((i128::from(lo_i) + offset) as i64)
                })
                .collect())
        }
        _ => Ok((0..=steps)
            .map(|i| {
                let t = i as f64 / steps as f64;
                let v = if i == steps {
                    b
                } else {
                    clean(a + (b - a) * t)
                };
                toml::Value::Float(v)
            })
            .collect()),
    }
}

/// A comma-separated list of TOML values (commas inside brackets, braces or
/// quotes do not split).
fn list(text: &str, key: &str, values: &str) -> Result<Vec<toml::Value>> {
    let mut pieces = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in values.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                pieces.push(&values[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&values[start..]);
    pieces
        .into_iter()
        .map(|piece| {
            let piece = piece.trim();
            if piece.is_empty() {
                return Err(vary_error(
                    text,
                    "an empty value in the list (two commas in a row, or one at an end)",
                    VARY_HELP,
                ));
            }
            format!("{key}={piece}")
                .parse::<Override>()
                .map(|o| o.value)
                .map_err(|e| vary_error(text, e, VARY_HELP))
        })
        .collect()
}

/// Check the flags together: at most [`MAX_KEYS`], no key twice, at most
/// [`MAX_POINTS`] points.
pub fn check_together(varies: &[Vary]) -> Result<()> {
    if varies.len() > MAX_KEYS {
        let extra = &varies[MAX_KEYS];
        return Err(vary_error(
            &extra.text,
            format!(
                "{} keys are varied ({}); a sweep varies one key (a line) or two (a heat map)",
                varies.len(),
                varies
                    .iter()
                    .map(|v| format!("`{}`", v.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "run one sweep per pair of keys, or fix the others with --set",
        ));
    }
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.key == v.key) {
            return Err(vary_error(
                &v.text,
                format!("`{}` is varied twice", v.key),
                "give all of a key's values in one --vary, e.g. --vary KEY=1,2,3",
            ));
        }
    }
    let points: usize = varies.iter().map(|v| v.values.len()).product();
    if points > MAX_POINTS {
        return Err(vary_error(
            &varies[0].text,
            format!("{points} points is more than the {MAX_POINTS} a sweep runs"),
            "use fewer values",
        ));
    }
    Ok(())
}

/// The points of a sweep: index vectors into each flag's values, the Cartesian
/// product with the first key slowest.
pub fn points(varies: &[Vary]) -> Vec<Vec<usize>> {
    let mut all: Vec<Vec<usize>> = vec![Vec::new()];
    for v in varies {
        all = all
            .into_iter()
            .flat_map(|prefix| {
                (0..v.values.len()).map(move |i| {
                    let mut p = prefix.clone();
                    p.push(i);
                    p
                })
            })
            .collect();
    }
    all
}

/// Whether varying `key` changes the population, so that it cannot be built once
/// for every point.
pub fn changes_population(key: &str) -> bool {
    key == "population"
        || key.starts_with("population.")
        || key == "simulation.seed"
        || key == "simulation.new_graph_each_replicate"
}

/// A metric's mean and its 95% CI (from [`Summary::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The sample mean.
    pub mean: f64,
    /// Lower bound of the 95% CI of the mean.
    pub ci95_low: f64,
    /// Upper bound of the 95% CI of the mean.
    pub ci95_high: f64,
}

impl Estimate {
    /// The mean and CI of `values` (copied, then summarised).
    pub fn of(values: &[f64]) -> Estimate {
        let s = Summary::of(&mut values.to_vec());
        Estimate {
            mean: s.mean,
            ci95_low: s.ci95_low,
            ci95_high: s.ci95_high,
        }
    }
}

/// `this − reference` for a metric, with its 95% CI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// Mean of this evaluation minus mean of the reference.
    pub mean: f64,
    /// Lower bound of the difference's 95% CI (paired or Welch, see `paired`).
    pub ci95_low: f64,
    /// Upper bound of the difference's 95% CI.
    pub ci95_high: f64,
    /// Replicate r against replicate r (common random numbers); else Welch.
    pub paired: bool,
    /// Share of replicates r in which this evaluation's value beats the
    /// reference's replicate r (strictly).
    pub p_better: f64,
    /// Share of replicates r in which they tie.
    pub ties: f64,
}

/// The difference `this − reference`. Paired (when `paired` and the replicate
/// counts agree): the mean and CI of the per-replicate differences
/// ([`Summary::of`]). Otherwise Welch: the difference of the means ± [`Z95`] ·
/// √(s²ₐ/nₐ + s²ᵦ/nᵦ). `p_better` and `ties` compare replicate r with replicate r
/// either way (for independent replicates that still estimates P(this > reference)).
pub fn difference(this: &[f64], reference: &[f64], paired: bool) -> Difference {
    let n = this.len().min(reference.len());
    let wins = (0..n).filter(|&r| this[r] > reference[r]).count();
    let ties = (0..n).filter(|&r| this[r] == reference[r]).count();
    let share = |k: usize| {
        if n == 0 {
            f64::NAN
        } else {
            k as f64 / n as f64
        }
    };
    let paired = paired && this.len() == reference.len();
    let (mean_d, low, high) = if paired {
        let d: Vec<f64> = this.iter().zip(reference).map(|(a, b)| a - b).collect();
        let e = Estimate::of(&d);
        (e.mean, e.ci95_low, e.ci95_high)
    } else {
        let (ma, mb) = (mean(this), mean(reference));
        let half = Z95
            * (variance(this, ma) / this.len() as f64
                + variance(reference, mb) / reference.len() as f64)
                .sqrt();
        (ma - mb, ma - mb - half, ma - mb + half)
    };
    Difference {
        mean: mean_d,
        ci95_low: low,
        ci95_high: high,
        paired,
        p_better: share(wins),
        ties: share(ties),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(v: &Vary) -> Vec<f64> {
        v.values.iter().map(|x| x.as_float().unwrap()).collect()
    }

    #[test]
    fn grids_are_inclusive_and_clean() {
        let v = parse_vary("word_of_mouth.reach=0.05..0.2:4").unwrap();
        assert_eq!(floats(&v), vec![0.05, 0.1, 0.15, 0.2]);
        let v = parse_vary("advocates.count=100..500:5").unwrap();
        let ints: Vec<i64> = v.values.iter().map(|x| x.as_integer().unwrap()).collect();
        assert_eq!(ints, vec![100, 200, 300, 400, 500]);
        let v = parse_vary("advocates.count=1..10:3").unwrap();
        let ints: Vec<i64> = v.values.iter().map(|x| x.as_integer().unwrap()).collect();
        assert_eq!(ints, vec![1, 6, 10]);
        let v = parse_vary("x.y=1..2.0:3").unwrap();
        assert_eq!(floats(&v), vec![1.0, 1.5, 2.0]);
    }

    #[test]
    fn lists_keep_types_and_brackets() {
        let v = parse_vary("influencer.posts=[0,7],[0,14]").unwrap();
        assert_eq!(v.values.len(), 2);
        let v = parse_vary("advocates.choose=random,top_degree").unwrap();
        assert_eq!(v.values[1], toml::Value::String("top_degree".into()));
        let v = parse_vary("a.b=1, 2.5").unwrap();
        assert_eq!(v.values[0], toml::Value::Integer(1));
    }

    #[test]
    fn bad_flags_are_refused() {
        for bad in [
            "nokey",
            "a.b=",
            "a.b=0.1..0.2:1",
            "a.b=0.3..0.2:4",
            "a.b=1..3:5",
            "a.b=x..2:3",
            "a.b=0..1:two",
            "a.b=1,,2",
            "a.b=1,1",
            "..=1",
        ] {
            assert!(parse_vary(bad).is_err(), "{bad}");
        }
        let one = parse_vary("a.b=1,2").unwrap();
        assert!(check_together(&[one.clone(), one.clone()]).is_err());
        let (c, d) = (parse_vary("c.d=1").unwrap(), parse_vary("e.f=1").unwrap());
        assert!(check_together(&[one.clone(), c.clone(), d]).is_err());
        assert!(check_together(&[one, c]).is_ok());
    }

    #[test]
    fn points_run_first_key_slowest() {
        let a = parse_vary("a.b=1,2").unwrap();
        let b = parse_vary("c.d=1,2,3").unwrap();
        let p = points(&[a, b]);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![0, 0]);
        assert_eq!(p[1], vec![0, 1]);
        assert_eq!(p[3], vec![1, 0]);
    }

    #[test]
    fn paired_and_welch_differences() {
        let a = [3.0, 4.0, 5.0, 6.0];
        let b = [1.0, 4.0, 4.0, 2.0];
        let d = difference(&a, &b, true);
        assert!(d.paired);
        assert_eq!(d.mean, 1.75);
        assert_eq!(d.p_better, 0.75);
        assert_eq!(d.ties, 0.25);
        let w = difference(&a, &b, false);
        assert!(!w.paired);
        assert_eq!(w.mean, 1.75);
        assert!(w.ci95_high - w.ci95_low > 0.0);
    }
}
