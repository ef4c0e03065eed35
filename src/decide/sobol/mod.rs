//! Sobol' first-order and total indices by Saltelli sampling, with percentile
//! bootstrap confidence intervals (moved from the staging crate; see
//! docs/decisions.md for how `wom sensitivity` uses them).
//!
//! Workflow: build a [`SaltelliDesign`] (N base rows, k factors), evaluate the
//! model at every [`SaltelliDesign::point`] in any order or in parallel, put the
//! outputs in a `Vec<f64>` indexed like the points, and call [`sobol_indices`].
//!
//! Estimators (Saltelli et al. 2010, "Variance based sensitivity analysis of model
//! output. Design and estimator for the total sensitivity index", Comput. Phys.
//! Commun. 181, Table 2), with V the variance of the 2N outputs at A and B:
//! - total index, Jansen (1999): ST_i = (1/(2N)) Σ_r (f(A)_r - f(A_B^i)_r)² / V;
//! - first-order index, [`FirstOrder::Jansen1999`] (default):
//!   S1_i = 1 - (1/(2N)) Σ_r (f(B)_r - f(A_B^i)_r)² / V, or
//!   [`FirstOrder::Saltelli2010`]:
//!   S1_i = (1/N) Σ_r (f(B)_r - m)(f(A_B^i)_r - f(A)_r) / V, with m the mean of
//!   the A and B outputs.
//!
//! Jansen's first-order form is the default, so that wom's contract reads
//! "Saltelli sampling, Jansen estimators" for both indices. Why the choice
//! matters for a dummy factor (one the model does not read): its total index is
//! exactly 0 under either choice (f(A_B^i) == f(A) row by row), and so is the
//! Saltelli 2010 first-order index (its factor f(A_B^i) − f(A) is 0), but Jansen's
//! first-order index is 1 − Σ (f(B) − f(A))² / (2 N V), which is 0 only in
//! expectation: for a dummy it scatters by ±O(1/√N) around 0 (and can come out
//! slightly above its own total index of 0). Read a dummy by its ST (exactly 0),
//! or choose [`FirstOrder::Saltelli2010`]. Centring f(B) on m makes Saltelli 2010
//! invariant to a shift of the output (Jansen's forms are so by construction):
//! uncentred, a metric of 10 000 ± 100 conversions would carry noise about 100
//! times larger. Both forms are consistent; the tests check both.
//!
//! Estimates are not clipped to [0, 1]: a small negative S1 is sampling noise
//! around 0 and is reported as such.
//!
//! The design is in `design.rs`; the estimators and the bootstrap are here.

mod design;

pub use design::SaltelliDesign;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::rng::below;
use crate::statistics::percentile;

/// Which first-order estimator to use (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FirstOrder {
    /// (1/N) Σ (f(B) - m)(f(A_B^i) - f(A)) / V (Saltelli et al. 2010, centred).
    Saltelli2010,
    /// 1 - (1/(2N)) Σ (f(B) - f(A_B^i))² / V (Jansen 1999).
    #[default]
    Jansen1999,
}

/// Settings of [`sobol_indices`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Bootstrap resamples for the confidence intervals (default 1000), > 0.
    pub resamples: usize,
    /// Seed of the bootstrap's xoshiro256++ stream (default 0).
    pub seed: u64,
    /// First-order estimator (default [`FirstOrder::Jansen1999`]).
    pub first_order: FirstOrder,
}

impl Default for SobolOptions {
    fn default() -> Self {
        SobolOptions {
            resamples: 1000,
            seed: 0,
            first_order: FirstOrder::default(),
        }
    }
}

/// The indices of one factor, with 95% percentile bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FactorIndices {
    /// First-order index S1: the share of Var(Y) due to this factor alone.
    pub s1: f64,
    /// 2.5% bootstrap percentile of S1.
    pub s1_ci95_low: f64,
    /// 97.5% bootstrap percentile of S1.
    pub s1_ci95_high: f64,
    /// Total index ST: the share of Var(Y) that involves this factor.
    pub st: f64,
    /// 2.5% bootstrap percentile of ST.
    pub st_ci95_low: f64,
    /// 97.5% bootstrap percentile of ST.
    pub st_ci95_high: f64,
}

/// The result of [`sobol_indices`].
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// Var(Y), estimated from the 2N outputs at A and B (divisor 2N - 1).
    pub variance: f64,
    /// One entry per factor, in factor order.
    pub factors: Vec<FactorIndices>,
}

/// First-order and total Sobol' indices of every factor, with 95% percentile
/// bootstrap intervals: `options.resamples` times, N base rows are drawn with
/// replacement (xoshiro256++ seeded with `options.seed`, Lemire's unbiased
/// bounded integers) and the indices recomputed on them; the bounds are the 2.5%
/// and 97.5% percentiles (Hyndman-Fan type 7) of the resampled values. Fully
/// deterministic: the same design, outputs and options give bit-identical results.
///
/// If the A and B outputs are all equal (Var(Y) = 0: no assumption moves the
/// metric), every index and bound is 0, and so is a bootstrap resample's.
///
/// Cost: O(resamples · N (k + 2)) time, O(resamples · k) memory.
///
/// # Panics
/// If `outputs.len() != design.evaluations()`, an output is not finite, or
/// `options.resamples == 0`.
pub fn sobol_indices(
    design: &SaltelliDesign,
    outputs: &[f64],
    options: &SobolOptions,
) -> SobolIndices {
    let (n, k) = (design.n, design.k);
    assert_eq!(
        outputs.len(),
        design.evaluations(),
        "expected one output per design point"
    );
    assert!(
        outputs.iter().all(|y| y.is_finite()),
        "model outputs must be finite"
    );
    assert!(
        options.resamples > 0,
        "the bootstrap needs at least 1 resample"
    );

    let all_rows: Vec<usize> = (0..n).collect();
    let (mut s1, mut st) = (vec![0.0; k], vec![0.0; k]);
    let variance = estimate(outputs, k, &all_rows, options.first_order, &mut s1, &mut st);

    let b = options.resamples;
    // Factor-major: factor i's resampled values are [i * b, (i + 1) * b).
    let (mut s1_boot, mut st_boot) = (vec![0.0; k * b], vec![0.0; k * b]);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
    let mut rows = vec![0; n];
    let (mut s1_r, mut st_r) = (vec![0.0; k], vec![0.0; k]);
    for resample in 0..b {
        for row in rows.iter_mut() {
            *row = below(&mut rng, n as u64) as usize;
        }
        estimate(outputs, k, &rows, options.first_order, &mut s1_r, &mut st_r);
        for i in 0..k {
            s1_boot[i * b + resample] = s1_r[i];
            st_boot[i * b + resample] = st_r[i];
        }
    }
    let interval = |values: &mut [f64]| {
        values.sort_unstable_by(f64::total_cmp);
        (percentile(values, 0.025), percentile(values, 0.975))
    };
    let factors = (0..k)
        .map(|i| {
            let (s1_ci95_low, s1_ci95_high) = interval(&mut s1_boot[i * b..(i + 1) * b]);
            let (st_ci95_low, st_ci95_high) = interval(&mut st_boot[i * b..(i + 1) * b]);
            FactorIndices {
                s1: s1[i],
                s1_ci95_low,
                s1_ci95_high,
                st: st[i],
                st_ci95_low,
                st_ci95_high,
            }
        })
        .collect();
    SobolIndices { variance, factors }
}

/// The point estimates over the base rows `rows` (repeats allowed): fills `s1`
/// and `st` and returns Var(Y). Zero variance gives zero indices.
fn estimate(
    y: &[f64],
    k: usize,
    rows: &[usize],
    first_order: FirstOrder,
    s1: &mut [f64],
    st: &mut [f64],
) -> f64 {
    let w = k + 2;
    let n = rows.len() as f64;
    let first = y[rows[0] * w];
    let constant = rows
        .iter()
        .all(|&r| y[r * w] == first && y[r * w + 1] == first);
    if constant {
        s1.fill(0.0);
        st.fill(0.0);
        return 0.0;
    }
    let mean = rows.iter().map(|&r| y[r * w] + y[r * w + 1]).sum::<f64>() / (2.0 * n);
    let sum_sq: f64 = rows
        .iter()
        .map(|&r| (y[r * w] - mean).powi(2) + (y[r * w + 1] - mean).powi(2))
        .sum();
    let variance = sum_sq / (2.0 * n - 1.0);
    s1.fill(0.0);
    st.fill(0.0);
    for &r in rows {
        let (fa, fb) = (y[r * w], y[r * w + 1]);
        for (i, &fab) in y[r * w + 2..(r + 1) * w].iter().enumerate() {
            st[i] += (fa - fab) * (fa - fab);
            s1[i] += match first_order {
                FirstOrder::Saltelli2010 => (fb - mean) * (fab - fa),
                FirstOrder::Jansen1999 => (fb - fab) * (fb - fab),
            };
        }
    }
    for i in 0..k {
        st[i] /= 2.0 * n * variance;
        s1[i] = match first_order {
            FirstOrder::Saltelli2010 => s1[i] / (n * variance),
            FirstOrder::Jansen1999 => 1.0 - s1[i] / (2.0 * n * variance),
        };
    }
    variance
}

#[cfg(test)]
mod analytic_tests;
#[cfg(test)]
mod tests;
