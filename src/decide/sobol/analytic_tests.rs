//! The analytic cases of the staging crate: Ishigami and a product of two
//! uniforms with a dummy factor, under both first-order estimators.

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
