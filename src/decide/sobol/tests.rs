//! Unit tests of the design and the estimators.

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
