//! `wom breakeven`: the value x of one of B's keys at which B's mean metric equals
//! A's, found on the paired difference d(x) = mean(B(x)) − mean(A).
//!
//! Every evaluation of B runs with the same seed as A (common random numbers), so
//! d(x) moves smoothly with x instead of jumping by the full noise of each mean.
//! The method:
//!
//! 1. **Scan**: d at [`SCAN`] evenly spaced points of the range, ends included
//!    (whole numbers for an integer key). The first sign change brackets the
//!    root; none means no break-even in the range (an answer, not an error).
//! 2. **Bisection** inside the bracket: [`ROOT_STEPS`] halvings for a decimal key
//!    (the bracket shrinks to 1/4,096 of the range), then linear interpolation
//!    between its ends; for an integer key, halvings until the bracket's ends are
//!    neighbours, and the answer is the end where B is at least as good as A
//!    (d ≥ 0): the smallest (or largest) whole value that breaks even.
//! 3. **Confidence interval**: the x where the bounds of d's 95% CI cross 0, each
//!    bracketed on the evaluations made so far (nearest the root on its side),
//!    refined by [`CI_STEPS`] halvings and interpolated (integers: rounded
//!    outward). A bound that does not cross 0 inside the range leaves that end of
//!    the interval open (null).
//!
//! The solver is pure: the caller's closure simulates B at x.

use crate::decide::sweep::Difference;
use crate::error::Result;
use serde::Serialize;

/// Evenly spaced points evaluated first.
pub const SCAN: usize = 5;
/// Halvings of the root's bracket (decimal keys).
pub const ROOT_STEPS: usize = 10;
/// Halvings of each CI bound's bracket (decimal keys).
pub const CI_STEPS: usize = 6;

/// One evaluation of B at `x`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluated {
    /// The value of the solved key in B.
    pub x: f64,
    /// B's mean metric at x.
    pub b_mean: f64,
    /// mean(B(x)) − mean(A), paired when A and B(x) are.
    pub diff_mean: f64,
    /// Lower bound of the difference's 95% CI.
    pub diff_ci95_low: f64,
    /// Upper bound of the difference's 95% CI.
    pub diff_ci95_high: f64,
    /// Share of replicates in which B(x) beats A.
    pub p_better: f64,
}

/// What the solver found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The break-even value (None when d keeps its sign over the range).
    pub value: Option<f64>,
    /// Where the CI bounds of d cross 0: the lower end (None when beyond the
    /// range).
    pub ci95_low: Option<f64>,
    /// The upper end (None when beyond the range).
    pub ci95_high: Option<f64>,
    /// d increases with x (B gets better as x grows).
    pub increasing: bool,
    /// Remarks on the result (several crossings, an open interval).
    pub notes: Vec<String>,
    /// Every evaluation, by x.
    pub evaluations: Vec<Evaluated>,
}

/// Evaluations made so far, and the closure that makes new ones.
struct Solver<F> {
    eval: F,
    integer: bool,
    done: Vec<Evaluated>,
}

impl<F: FnMut(f64) -> Result<(f64, Difference)>> Solver<F> {
    fn at(&mut self, x: f64) -> Result<Evaluated> {
        if let Some(e) = self.done.iter().find(|e| e.x == x) {
            return Ok(*e);
        }
        let (b_mean, d) = (self.eval)(x)?;
        let e = Evaluated {
            x,
            b_mean,
            diff_mean: d.mean,
            diff_ci95_low: d.ci95_low,
            diff_ci95_high: d.ci95_high,
            p_better: d.p_better,
        };
        self.done.push(e);
        Ok(e)
    }

    fn middle(&self, a: f64, b: f64) -> f64 {
        if self.integer {
            ((a + b) / 2.0).floor()
        } else {
            clean((a + b) / 2.0)
        }
    }

    fn narrow_enough(&self, a: f64, b: f64, step: usize, steps: usize) -> bool {
        if self.integer {
            b - a <= 1.0
        } else {
            step >= steps
        }
    }

    /// Bisect [a, b] on the curve `f` (whose signs at a and b differ), `steps`
    /// times (integers: to neighbours); returns the final bracket.
    fn bisect(
        &mut self,
        mut a: Evaluated,
        mut b: Evaluated,
        f: fn(&Evaluated) -> f64,
        steps: usize,
    ) -> Result<(Evaluated, Evaluated)> {
        let mut step = 0;
        while !self.narrow_enough(a.x, b.x, step, steps) && f(&a) != 0.0 && f(&b) != 0.0 {
            let m = self.at(self.middle(a.x, b.x))?;
            if sign(f(&m)) == sign(f(&a)) {
                a = m;
            } else {
                b = m;
            }
            step += 1;
        }
        Ok((a, b))
    }

    fn sorted(&self) -> Vec<Evaluated> {
        let mut all = self.done.clone();
        all.sort_by(|p, q| p.x.total_cmp(&q.x));
        all
    }
}

/// One of the curves of an evaluation: the difference or a CI bound.
type Curve = fn(&Evaluated) -> f64;

fn sign(v: f64) -> i8 {
    if v > 0.0 {
        1
    } else if v < 0.0 {
        -1
    } else {
        0
    }
}

/// Round to 12 significant digits (so a bisection point prints as it is).
fn clean(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// Where the line through (a, f(a)) and (b, f(b)) crosses 0.
fn interpolate(a: &Evaluated, b: &Evaluated, f: fn(&Evaluated) -> f64) -> f64 {
    let (fa, fb) = (f(a), f(b));
    if fa == fb {
        return (a.x + b.x) / 2.0;
    }
    a.x + (0.0 - fa) * (b.x - a.x) / (fb - fa)
}

fn crosses(fa: f64, fb: f64) -> bool {
    sign(fa) != sign(fb) || fa == 0.0 || fb == 0.0
}

/// Solve d(x) = 0 on [lo, hi] (see the module documentation); `eval(x)` returns
/// B's mean metric at x and the difference B(x) − A.
pub fn solve(
    lo: f64,
    hi: f64,
    integer: bool,
    eval: impl FnMut(f64) -> Result<(f64, Difference)>,
) -> Result<Solution> {
    let mut s = Solver {
        eval,
        integer,
        done: Vec::new(),
    };
    let mut scan: Vec<f64> = (0..SCAN)
        .map(|i| {
            let x = lo + (hi - lo) * i as f64 / (SCAN - 1) as f64;
            if i == SCAN - 1 {
                hi
            } else if integer {
                x.round()
            } else {
                clean(x)
            }
        })
        .collect();
    scan.dedup();
    let mut points = Vec::new();
    for &x in &scan {
        points.push(s.at(x)?);
    }
    let diff = |e: &Evaluated| e.diff_mean;
    let low = |e: &Evaluated| e.diff_ci95_low;
    let high = |e: &Evaluated| e.diff_ci95_high;
    let mut notes = Vec::new();
    let changes: Vec<usize> = (0..points.len() - 1)
        .filter(|&i| crosses(points[i].diff_mean, points[i + 1].diff_mean))
        .collect();
    let Some(&first) = changes.first() else {
        return Ok(Solution {
            value: None,
            ci95_low: None,
            ci95_high: None,
            increasing: points.last().map(diff) > points.first().map(diff),
            notes,
            evaluations: s.sorted(),
        });
    };
    let distinct: Vec<usize> = changes
        .iter()
        .copied()
        .filter(|&i| points[i].diff_mean != 0.0)
        .collect();
    if distinct.len() > 1 {
        notes.push(format!(
            "the difference changes sign more than once over the range (between {}); \
             the first crossing is reported",
            distinct
                .iter()
                .map(|&i| format!("{} and {}", points[i].x, points[i + 1].x))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let (a, b) = (points[first], points[first + 1]);
    let increasing = if a.diff_mean != b.diff_mean {
        b.diff_mean > a.diff_mean
    } else {
        points.last().map(diff) > points.first().map(diff)
    };
    let (a, b) = s.bisect(a, b, diff, ROOT_STEPS)?;
    let root = if a.diff_mean == 0.0 {
        a.x
    } else if b.diff_mean == 0.0 {
        b.x
    } else if integer {
        // The end where B is at least as good as A.
        if b.diff_mean >= 0.0 {
            b.x
        } else {
            a.x
        }
    } else {
        interpolate(&a, &b, diff)
    };
    // The curves whose crossings bound the interval below and above the root.
    let (below, above): (Curve, Curve) = if increasing { (high, low) } else { (low, high) };
    let mut ends = [None, None];
    for (side, f) in [(0, below), (1, above)] {
        let all = s.sorted();
        let pair = (0..all.len().saturating_sub(1))
            .filter(|&i| crosses(f(&all[i]), f(&all[i + 1])))
            .filter(|&i| {
                if side == 0 {
                    all[i].x <= root
                } else {
                    all[i + 1].x >= root
                }
            });
        let pair = if side == 0 { pair.max() } else { pair.min() };
        if let Some(i) = pair {
            let (a, b) = s.bisect(all[i], all[i + 1], f, CI_STEPS)?;
            let x = if f(&a) == 0.0 {
                a.x
            } else if f(&b) == 0.0 {
                b.x
            } else {
                interpolate(&a, &b, f)
            };
            ends[side] = Some(match (integer, side) {
                (true, 0) => x.floor(),
                (true, _) => x.ceil(),
                _ => x,
            });
        }
    }
    if ends[0].is_none() {
        notes.push(format!(
            "the 95% CI reaches below the range's low end {lo}: widen --range to close it"
        ));
    }
    if ends[1].is_none() {
        notes.push(format!(
            "the 95% CI reaches above the range's high end {hi}: widen --range to close it"
        ));
    }
    Ok(Solution {
        value: Some(root),
        ci95_low: ends[0].map(|x| x.min(root)),
        ci95_high: ends[1].map(|x| x.max(root)),
        increasing,
        notes,
        evaluations: s.sorted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: f64, slope: f64, root: f64, half: f64) -> (f64, Difference) {
        let d = slope * (x - root);
        (
            100.0 + d,
            Difference {
                mean: d,
                ci95_low: d - half,
                ci95_high: d + half,
                paired: true,
                p_better: 0.5,
                ties: 0.0,
            },
        )
    }

    #[test]
    fn finds_a_linear_root_and_its_interval() {
        let s = solve(0.0, 1.0, false, |x| Ok(line(x, 10.0, 0.37, 1.0))).unwrap();
        assert!((s.value.unwrap() - 0.37).abs() < 1e-9);
        assert!((s.ci95_low.unwrap() - 0.27).abs() < 1e-9);
        assert!((s.ci95_high.unwrap() - 0.47).abs() < 1e-9);
        assert!(s.increasing);
        let s = solve(0.0, 1.0, false, |x| Ok(line(x, -10.0, 0.37, 1.0))).unwrap();
        assert!((s.value.unwrap() - 0.37).abs() < 1e-9);
        assert!((s.ci95_low.unwrap() - 0.27).abs() < 1e-9);
        assert!(!s.increasing);
    }

    #[test]
    fn integer_roots_are_whole_and_break_even() {
        let s = solve(100.0, 2000.0, true, |x| Ok(line(x, 0.2, 412.4, 2.0))).unwrap();
        assert_eq!(s.value, Some(413.0));
        assert_eq!(s.ci95_low, Some(402.0));
        assert_eq!(s.ci95_high, Some(423.0));
        assert!(s.evaluations.windows(2).all(|w| w[0].x < w[1].x));
    }

    #[test]
    fn no_crossing_is_an_answer() {
        let s = solve(0.0, 1.0, false, |x| Ok(line(x, 1.0, 5.0, 0.1))).unwrap();
        assert_eq!(s.value, None);
        assert_eq!(s.evaluations.len(), SCAN);
    }

    #[test]
    fn an_interval_beyond_the_range_is_open() {
        let s = solve(0.0, 1.0, false, |x| Ok(line(x, 1.0, 0.5, 2.0))).unwrap();
        assert!(s.value.is_some());
        assert_eq!((s.ci95_low, s.ci95_high), (None, None));
        assert_eq!(s.notes.len(), 2);
    }
}
