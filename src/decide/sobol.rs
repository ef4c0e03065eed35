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

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::rng::below;
use crate::statistics::percentile;

/// A uniform draw strictly inside (0, 1): 53 random bits, centred in their cell
/// (so that every quantile function is defined at it).
fn open_unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A Saltelli design: two independent N × k matrices A and B of uniform (0, 1)
/// numbers, and the k matrices A_B^(i) (A with column i taken from B), for
/// N (k + 2) model evaluations.
///
/// Evaluation index j = r (k + 2) + c for base row r in 0..N and column block c:
/// c = 0 is A_r, c = 1 is B_r, c = 2 + i is A_B^(i)_r (factor i in 0..k).
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    n: usize,
    k: usize,
    a: Vec<f64>,
    b: Vec<f64>,
}

impl SaltelliDesign {
    /// Draws the design from xoshiro256++ seeded with `seed` (`seed_from_u64`):
    /// for each row r in order, the k numbers of A_r then the k numbers of B_r,
    /// each (x >> 11 + 1/2) / 2^53 for a 64-bit draw x, so strictly inside (0, 1).
    /// The same seed gives the same design, and the design with N rows is the
    /// first N rows of any larger one with the same seed and k.
    ///
    /// # Panics
    /// If `n < 2`, `k == 0`, or N (k + 2) overflows `usize`.
    pub fn new(n: usize, k: usize, seed: u64) -> Self {
        assert!(
            n >= 2,
            "a Saltelli design needs at least 2 base rows, got {n}"
        );
        assert!(k >= 1, "a Saltelli design needs at least 1 factor");
        assert!(
            (k + 2).checked_mul(n).is_some(),
            "N (k + 2) overflows with N = {n}, k = {k}"
        );
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut a = Vec::with_capacity(n * k);
        let mut b = Vec::with_capacity(n * k);
        for _ in 0..n {
            a.extend((0..k).map(|_| open_unit(&mut rng)));
            b.extend((0..k).map(|_| open_unit(&mut rng)));
        }
        SaltelliDesign { n, k, a, b }
    }

    /// N, the number of base rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// k, the number of factors.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The number of model evaluations, N (k + 2).
    pub fn evaluations(&self) -> usize {
        self.n * (self.k + 2)
    }

    /// Row r of A (k numbers in (0, 1)).
    ///
    /// # Panics
    /// If `r >= n`.
    pub fn a_row(&self, r: usize) -> &[f64] {
        &self.a[r * self.k..(r + 1) * self.k]
    }

    /// Row r of B (k numbers in (0, 1)).
    ///
    /// # Panics
    /// If `r >= n`.
    pub fn b_row(&self, r: usize) -> &[f64] {
        &self.b[r * self.k..(r + 1) * self.k]
    }

    /// Writes the unit point of evaluation `j` (see the type's docs for the order)
    /// into `out`; map each coordinate through its factor's quantile function.
    ///
    /// # Panics
    /// If `j >= evaluations()` or `out.len() != k`.
    pub fn point_into(&self, j: usize, out: &mut [f64]) {
        assert!(j < self.evaluations(), "evaluation {j} is past the design");
        assert_eq!(out.len(), self.k, "point buffer has the wrong length");
        let (r, c) = (j / (self.k + 2), j % (self.k + 2));
        match c {
            0 => out.copy_from_slice(self.a_row(r)),
            1 => out.copy_from_slice(self.b_row(r)),
            _ => {
                out.copy_from_slice(self.a_row(r));
                out[c - 2] = self.b_row(r)[c - 2];
            }
        }
    }

    /// The unit point of evaluation `j`, as [`SaltelliDesign::point_into`].
    ///
    /// # Panics
    /// If `j >= evaluations()`.
    pub fn point(&self, j: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.k];
        self.point_into(j, &mut out);
        out
    }
}

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
mod tests {
    use super::*;

    #[test]
    fn points_follow_the_documented_order() {
        let d = SaltelliDesign::new(5, 3, 42);
        assert_eq!(d.evaluations(), 25);
        for r in 0..5 {
            assert_eq!(d.point(r * 5), d.a_row(r));
            assert_eq!(d.point(r * 5 + 1), d.b_row(r));
            for i in 0..3 {
                let p = d.point(r * 5 + 2 + i);
                for (c, &got) in p.iter().enumerate() {
                    let want = if c == i { d.b_row(r)[c] } else { d.a_row(r)[c] };
                    assert_eq!(got, want);
                }
            }
            let all = d.a_row(r).iter().chain(d.b_row(r));
            assert!(all.into_iter().all(|&u| u > 0.0 && u < 1.0));
        }
        // A smaller design with the same seed is a prefix of a larger one.
        let small = SaltelliDesign::new(2, 3, 42);
        assert_eq!(small.point(9), d.point(9));
        assert_ne!(SaltelliDesign::new(5, 3, 43), d);
    }

    #[test]
    fn estimators_match_a_hand_computation() {
        // Two rows, one factor: (f(A), f(B), f(A_B)) = (1, 3, 2) and (2, 0, 4).
        // m = 1.5, V = (0.25 + 2.25 + 0.25 + 2.25) / 3 = 5/3.
        // ST = ((1 - 2)² + (2 - 4)²) / 4 / V = 0.75.
        // S1 (Saltelli) = ((3 - 1.5)(2 - 1) + (0 - 1.5)(4 - 2)) / 2 / V = -0.45.
        // S1 (Jansen) = 1 - ((3 - 2)² + (0 - 4)²) / 4 / V = -1.55.
        let y = [1.0, 3.0, 2.0, 2.0, 0.0, 4.0];
        let (mut s1, mut st) = ([0.0], [0.0]);
        let v = estimate(&y, 1, &[0, 1], FirstOrder::Saltelli2010, &mut s1, &mut st);
        assert!((v - 5.0 / 3.0).abs() < 1e-15);
        assert!((st[0] - 0.75).abs() < 1e-15);
        assert!((s1[0] + 0.45).abs() < 1e-15);
        estimate(&y, 1, &[0, 1], FirstOrder::Jansen1999, &mut s1, &mut st);
        assert!((s1[0] + 1.55).abs() < 1e-15);
        // Resampled rows repeat: rows [1, 1] use only the second row, twice:
        // m = 1, V = 4/3, ST = 2 (2 - 4)² / 4 / V = 1.5.
        let v = estimate(&y, 1, &[1, 1], FirstOrder::Saltelli2010, &mut s1, &mut st);
        assert!((v - 4.0 / 3.0).abs() < 1e-15 && (st[0] - 1.5).abs() < 1e-15);
    }

    #[test]
    fn zero_variance_gives_zero_indices_not_nan() {
        let d = SaltelliDesign::new(64, 3, 7);
        // 0.1 summed does not divide back to 0.1 exactly: the guard must not rely
        // on the computed variance being exactly 0.
        let outputs = vec![0.1; d.evaluations()];
        for first_order in [FirstOrder::Saltelli2010, FirstOrder::Jansen1999] {
            let options = SobolOptions {
                resamples: 50,
                first_order,
                ..SobolOptions::default()
            };
            let result = sobol_indices(&d, &outputs, &options);
            assert_eq!(result.variance, 0.0);
            for f in result.factors {
                let all = [
                    f.s1,
                    f.s1_ci95_low,
                    f.s1_ci95_high,
                    f.st,
                    f.st_ci95_low,
                    f.st_ci95_high,
                ];
                assert_eq!(all, [0.0; 6]);
            }
        }
    }

    #[test]
    #[should_panic(expected = "one output per design point")]
    fn outputs_of_the_wrong_length_are_refused() {
        let d = SaltelliDesign::new(4, 2, 0);
        sobol_indices(&d, &[0.0; 15], &SobolOptions::default());
    }
}

#[cfg(test)]
/// The analytic cases of the staging crate: Ishigami and a product of two
/// uniforms with a dummy factor, under both first-order estimators.
mod analytic_tests {
    use super::*;
    use crate::decide::uncertain::Uncertain;
    use std::f64::consts::PI;

    /// Evaluates `model` at every design point mapped through `dists`.
    fn outputs(design: &SaltelliDesign, dists: &[Uncertain], model: fn(&[f64]) -> f64) -> Vec<f64> {
        let mut unit = vec![0.0; design.k()];
        let mut x = vec![0.0; design.k()];
        (0..design.evaluations())
            .map(|j| {
                design.point_into(j, &mut unit);
                for ((xi, ui), d) in x.iter_mut().zip(&unit).zip(dists) {
                    *xi = d.quantile(*ui);
                }
                model(&x)
            })
            .collect()
    }

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Analytic (S1, ST) of the Ishigami function, a = 7, b = 0.1, X ~ U(-π, π)³:
    /// V1 = (1 + b π⁴/5)²/2, V2 = a²/8, V13 = b² π⁸ (1/18 - 1/50), V = V1 + V2 + V13.
    /// S1 ≈ (0.3139, 0.4424, 0), ST ≈ (0.5576, 0.4424, 0.2437).
    fn ishigami_truth() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0_f64, 0.1_f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    const ISHIGAMI_INPUTS: [Uncertain; 3] = [Uncertain::Uniform { low: -PI, high: PI }; 3];

    fn options(first_order: FirstOrder) -> SobolOptions {
        SobolOptions {
            resamples: 1000,
            seed: 11,
            first_order,
        }
    }

    // Tolerance 0.02 at N = 2^16: over 100 seeds at N = 2^14 the largest RMSE of
    // any index was 0.013 (Jansen's S1 of x3; 0.010 for ST of x1), so at 2^16 it
    // is about 0.0066 and 0.02 is 3 RMSE or more. A wrong estimator (A and B
    // swapped, A_B^i taken as B_A^i, a missing 1/2) is off by 0.1 or more.
    const TOL: f64 = 0.02;

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let design = SaltelliDesign::new(1 << 16, 3, 2024);
        let y = outputs(&design, &ISHIGAMI_INPUTS, ishigami);
        let (s1_true, st_true) = ishigami_truth();
        for first_order in [FirstOrder::Saltelli2010, FirstOrder::Jansen1999] {
            let result = sobol_indices(&design, &y, &options(first_order));
            for (i, f) in result.factors.iter().enumerate() {
                let what = format!("{first_order:?} x{}: {f:?}", i + 1);
                assert!((f.s1 - s1_true[i]).abs() < TOL, "S1 {what}");
                assert!((f.st - st_true[i]).abs() < TOL, "ST {what}");
                assert!(
                    f.s1_ci95_low <= s1_true[i] && s1_true[i] <= f.s1_ci95_high,
                    "S1 CI {what}"
                );
                assert!(
                    f.st_ci95_low <= st_true[i] && st_true[i] <= f.st_ci95_high,
                    "ST CI {what}"
                );
            }
        }
    }

    #[test]
    fn product_of_two_uniforms_and_a_dummy_match_the_analytic_values() {
        // Y = X1 X2, X ~ U(0, 1): E Y = 1/4, E Y² = 1/9, V = 7/144.
        // V1 = Var(X1 / 2) = 1/48, S1 = (1/48) / (7/144) = 3/7.
        // V12 = V - 2/48 = 1/144, ST = (1/48 + 1/144) / (7/144) = 4/7.
        // X3 does not enter: f(A_B^3) == f(A) row by row, so ST3 is exactly 0, and
        // so is the Saltelli 2010 S1 (its factor f(A_B^3) - f(A) is 0).
        fn product(x: &[f64]) -> f64 {
            x[0] * x[1]
        }
        let inputs = [Uncertain::Uniform {
            low: 0.0,
            high: 1.0,
        }; 3];
        let design = SaltelliDesign::new(1 << 16, 3, 99);
        let y = outputs(&design, &inputs, product);
        for first_order in [FirstOrder::Saltelli2010, FirstOrder::Jansen1999] {
            let result = sobol_indices(&design, &y, &options(first_order));
            assert!((result.variance - 7.0 / 144.0).abs() < 0.05 * 7.0 / 144.0);
            for f in &result.factors[..2] {
                assert!((f.s1 - 3.0 / 7.0).abs() < TOL, "{first_order:?} {f:?}");
                assert!((f.st - 4.0 / 7.0).abs() < TOL, "{first_order:?} {f:?}");
                assert!(f.s1_ci95_low <= 3.0 / 7.0 && 3.0 / 7.0 <= f.s1_ci95_high);
                assert!(f.st_ci95_low <= 4.0 / 7.0 && 4.0 / 7.0 <= f.st_ci95_high);
            }
            let dummy = result.factors[2];
            assert_eq!([dummy.st, dummy.st_ci95_low, dummy.st_ci95_high], [0.0; 3]);
            match first_order {
                FirstOrder::Saltelli2010 => {
                    assert_eq!([dummy.s1, dummy.s1_ci95_low, dummy.s1_ci95_high], [0.0; 3]);
                }
                FirstOrder::Jansen1999 => assert!(dummy.s1.abs() < TOL, "{dummy:?}"),
            }
        }
    }

    #[test]
    fn same_seeds_give_bit_identical_results() {
        let run = |design_seed: u64, bootstrap_seed: u64| {
            let design = SaltelliDesign::new(1024, 3, design_seed);
            let y = outputs(&design, &ISHIGAMI_INPUTS, ishigami);
            let options = SobolOptions {
                resamples: 200,
                seed: bootstrap_seed,
                ..SobolOptions::default()
            };
            let result = sobol_indices(&design, &y, &options);
            let mut bits = vec![result.variance.to_bits()];
            for f in result.factors {
                let all = [
                    f.s1,
                    f.s1_ci95_low,
                    f.s1_ci95_high,
                    f.st,
                    f.st_ci95_low,
                    f.st_ci95_high,
                ];
                bits.extend(all.map(f64::to_bits));
            }
            bits
        };
        assert_eq!(run(5, 6), run(5, 6));
        assert_ne!(run(5, 6), run(7, 6));
        // Another bootstrap seed moves only the intervals, not the estimates.
        let (a, b) = (run(5, 6), run(5, 8));
        assert_ne!(a, b);
        assert_eq!((a[0], a[1], a[4]), (b[0], b[1], b[4]));
    }

    #[test]
    fn indices_do_not_move_when_the_output_is_shifted() {
        // Guards the centring of the Saltelli 2010 first-order estimator: without
        // it, adding 10 000 to Ishigami (sd 1.9) moves S1 by about 1.
        let design = SaltelliDesign::new(1 << 12, 3, 3);
        let y = outputs(&design, &ISHIGAMI_INPUTS, ishigami);
        let shifted: Vec<f64> = y.iter().map(|v| v + 1e4).collect();
        for first_order in [FirstOrder::Saltelli2010, FirstOrder::Jansen1999] {
            let a = sobol_indices(&design, &y, &options(first_order));
            let b = sobol_indices(&design, &shifted, &options(first_order));
            for (fa, fb) in a.factors.iter().zip(&b.factors) {
                assert!((fa.s1 - fb.s1).abs() < 1e-8 && (fa.st - fb.st).abs() < 1e-8);
                assert!((fa.s1_ci95_high - fb.s1_ci95_high).abs() < 1e-8);
            }
        }
    }

    #[test]
    fn bootstrap_intervals_are_calibrated_across_seeds() {
        // 20 independent designs at N = 2^12: the 95% intervals of the 6 Ishigami
        // indices should cover the truth about 95% of the time (114 of 120; at
        // least 102 allows for dependence between the indices), and their mean
        // width should match 2 × 1.96 × the RMSE observed across the designs.
        let (s1_true, st_true) = ishigami_truth();
        let truth = [s1_true, st_true].concat();
        let (mut covered, mut width, mut sq_err) = (0, [0.0; 6], [0.0; 6]);
        for seed in 0..20 {
            let design = SaltelliDesign::new(1 << 12, 3, 1000 + seed);
            let y = outputs(&design, &ISHIGAMI_INPUTS, ishigami);
            let result = sobol_indices(
                &design,
                &y,
                &SobolOptions {
                    seed,
                    ..SobolOptions::default()
                },
            );
            for (i, f) in result.factors.iter().enumerate() {
                let cases = [
                    (f.s1, f.s1_ci95_low, f.s1_ci95_high),
                    (f.st, f.st_ci95_low, f.st_ci95_high),
                ];
                for (t, (est, low, high)) in cases.into_iter().enumerate() {
                    let j = 3 * t + i;
                    covered += usize::from(low <= truth[j] && truth[j] <= high);
                    width[j] += (high - low) / 20.0;
                    sq_err[j] += (est - truth[j]).powi(2) / 20.0;
                }
            }
        }
        assert!(covered >= 102, "coverage {covered} of 120");
        for j in 0..6 {
            let ratio = width[j] / (3.92 * sq_err[j].sqrt());
            assert!(
                (0.6..1.6).contains(&ratio),
                "index {j}: width / (3.92 RMSE) = {ratio}"
            );
        }
    }
}
