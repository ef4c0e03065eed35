//! Tests of the Bass fit (`wom::decide::bass_fit`) against numpy and scipy on the
//! shipped room air-conditioner series (run with `cargo test --release`).

use std::time::{Duration, Instant};
use wom::decide::bass_fit::{
    bass_cdf, bass_curve, fit_bass_nls, fit_bass_nls_from, fit_bass_ols, BassError, BassParams,
    LmOptions, StartSource,
};

/// Reads `data/room-air-conditioners.csv` (header `period,sales`).
fn room_air_conditioners() -> Vec<f64> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/room-air-conditioners.csv"
    );
    let text = std::fs::read_to_string(path).expect("data file present");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("period,sales"));
    lines
        .enumerate()
        .map(|(i, line)| {
            let (period, sales) = line.split_once(',').expect("two columns");
            assert_eq!(period.parse::<usize>().expect("integer period"), i + 1);
            sales.parse().expect("numeric sales")
        })
        .collect()
}

fn rel_err(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

/// Same value to `digits` significant digits: |got - want| <= 0.5 x 10^(e - digits + 1),
/// where e is the decimal exponent of `want`.
fn assert_sig(got: f64, want: f64, digits: i32, what: &str) {
    let unit = 10f64.powi(want.abs().log10().floor() as i32 - digits + 1);
    assert!(
        (got - want).abs() <= 0.5 * unit,
        "{what}: got {got}, want {want} ({digits} s.f.)"
    );
}

#[test]
fn data_file_is_bass_room_air_conditioner_series() {
    let s = room_air_conditioners();
    let want = [
        96.0, 195.0, 238.0, 380.0, 1045.0, 1230.0, 1267.0, 1828.0, 1586.0, 1673.0, 1800.0, 1580.0,
        1500.0,
    ];
    assert_eq!(s, want);
}

#[test]
fn curve_is_differenced_cdf_and_sums_to_m_f_t() {
    let (p, q, m) = (0.03, 0.38, 10_000.0);
    let curve = bass_curve(p, q, m, 15);
    assert_eq!(curve.len(), 15);
    assert_eq!(bass_cdf(p, q, 0.0), 0.0);
    let total: f64 = curve.iter().sum();
    assert!(rel_err(total, m * bass_cdf(p, q, 15.0)) < 1e-12);
    // Textbook form F(t) = (1 - e)/(1 + (q/p) e) at t = 3.
    let e = (-(p + q) * 3.0f64).exp();
    assert!(rel_err(bass_cdf(p, q, 3.0), (1.0 - e) / (1.0 + q / p * e)) < 1e-14);
    assert!(bass_curve(p, q, m, 0).is_empty());
}

#[test]
fn nls_recovers_noise_free_parameters() {
    let (p, q, m) = (0.03, 0.38, 10_000.0);
    let sales = bass_curve(p, q, m, 15);
    let fit = fit_bass_nls(&sales).expect("fit");
    assert!(fit.converged, "{fit:?}");
    assert_eq!(fit.start_source, StartSource::Ols);
    assert!(rel_err(fit.p.estimate, p) < 1e-6, "p {}", fit.p.estimate);
    assert!(rel_err(fit.q.estimate, q) < 1e-6, "q {}", fit.q.estimate);
    assert!(rel_err(fit.m.estimate, m) < 1e-6, "m {}", fit.m.estimate);
    assert!(fit.rss < 1e-12, "rss {}", fit.rss);
}

#[test]
fn nls_recovers_from_a_poor_caller_start() {
    let sales = bass_curve(0.01, 0.6, 5_000.0, 12);
    let start = BassParams {
        p: 0.05,
        q: 0.2,
        m: 20_000.0,
    };
    let fit = fit_bass_nls_from(&sales, start, &LmOptions::default()).expect("fit");
    assert!(fit.converged);
    assert_eq!(fit.start_source, StartSource::Caller);
    assert!(rel_err(fit.p.estimate, 0.01) < 1e-6);
    assert!(rel_err(fit.q.estimate, 0.6) < 1e-6);
    assert!(rel_err(fit.m.estimate, 5_000.0) < 1e-6);
}

// Reference values, computed by the script in docs/calibration.md ("Reference values"),
// run with numpy 2.4.6 and scipy 1.17.1, i.e. scipy.optimize.curve_fit(bass_sales, t, s, p0=[p_ols, q_ols, m_ols], method="lm")
// with bass_sales(t, p, q, m) = m (F(t) - F(t-1)), t = 1..13, default tolerances and
// MINPACK's finite-difference Jacobian; estimates = popt, SEs = sqrt(diag(pcov)) with
// curve_fit's default absolute_sigma=False (pcov = RSS/(T-3) (J'J)^-1). Printed with %.6g.
const SCIPY_P: (f64, f64) = (0.00944205, 0.00203843);
const SCIPY_Q: (f64, f64) = (0.374763, 0.0402189);
const SCIPY_M: (f64, f64) = (18712.7, 1410.55);
const SCIPY_RSS: f64 = 341468.0;

#[test]
fn nls_matches_scipy_on_room_air_conditioners() {
    let fit = fit_bass_nls(&room_air_conditioners()).expect("fit");
    assert!(fit.converged, "{fit:?}");
    assert_eq!(fit.start_source, StartSource::Ols);
    for (got, want, name) in [
        (fit.p, SCIPY_P, "p"),
        (fit.q, SCIPY_Q, "q"),
        (fit.m, SCIPY_M, "m"),
    ] {
        assert_sig(got.estimate, want.0, 3, name);
        assert_sig(got.se, want.1, 3, &format!("se({name})"));
        // Tighter than the brief asks: the %.6g values themselves, to 1e-5 relative.
        assert!(
            rel_err(got.estimate, want.0) < 1e-5,
            "{name} {}",
            got.estimate
        );
        assert!(rel_err(got.se, want.1) < 1e-5, "se({name}) {}", got.se);
    }
    assert!(rel_err(fit.rss, SCIPY_RSS) < 1e-5, "rss {}", fit.rss);
}

// numpy reference (same script): np.linalg.lstsq on [1, S_{t-1}, S_{t-1}^2], printed %.17g.
const NUMPY_A: f64 = 290.41506491573006;
const NUMPY_B: f64 = 0.3879537530711796;
const NUMPY_C: f64 = -2.3693160004317333e-05;
const NUMPY_P: f64 = 0.016992029304147747;
const NUMPY_Q: f64 = 0.4049457823753273;
const NUMPY_M: f64 = 17091.25259364047;

#[test]
fn ols_matches_numpy_on_room_air_conditioners() {
    let ols = fit_bass_ols(&room_air_conditioners()).expect("ols");
    for (got, want, name) in [
        (ols.a, NUMPY_A, "a"),
        (ols.b, NUMPY_B, "b"),
        (ols.c, NUMPY_C, "c"),
        (ols.p, NUMPY_P, "p"),
        (ols.q, NUMPY_Q, "q"),
        (ols.m, NUMPY_M, "m"),
    ] {
        assert!(
            rel_err(got, want) < 1e-9,
            "{name}: got {got:.17e}, want {want:.17e}"
        );
    }
    assert_eq!(
        ols.params(),
        BassParams {
            p: ols.p,
            q: ols.q,
            m: ols.m
        }
    );
}

/// Sales generated exactly by s_t = a + b S_{t-1} + c S_{t-1}^2.
fn quadratic_series(a: f64, b: f64, c: f64, n: usize) -> Vec<f64> {
    let mut cum = 0.0;
    (0..n)
        .map(|_| {
            let s = a + b * cum + c * cum * cum;
            cum += s;
            s
        })
        .collect()
}

#[test]
fn degenerate_inputs_are_errors_not_panics() {
    let few = [1.0, 2.0, 3.0];
    let need4 = |got| BassError::TooFewPeriods { got, need: 4 };
    assert_eq!(fit_bass_ols(&few), Err(need4(3)));
    assert_eq!(fit_bass_nls(&few).unwrap_err(), need4(3));
    assert_eq!(fit_bass_ols(&[]), Err(need4(0)));
    assert_eq!(fit_bass_nls(&[]).unwrap_err(), need4(0));

    let nan = [1.0, 2.0, f64::NAN, 3.0, 4.0];
    assert_eq!(
        fit_bass_ols(&nan),
        Err(BassError::NonFiniteSales { index: 2 })
    );
    assert_eq!(
        fit_bass_nls(&nan).unwrap_err(),
        BassError::NonFiniteSales { index: 2 }
    );

    // Accelerating growth: c > 0, no saturation.
    let err = fit_bass_ols(&quadratic_series(1.0, 0.5, 0.01, 6)).unwrap_err();
    assert!(
        matches!(err, BassError::NonNegativeQuadratic { c } if c > 0.0),
        "{err:?}"
    );

    // a = -1, b = 0.1, c = -0.01: b^2 - 4ac = -0.03 < 0.
    let err = fit_bass_ols(&quadratic_series(-1.0, 0.1, -0.01, 6)).unwrap_err();
    assert!(matches!(err, BassError::NegativeDiscriminant { discriminant } if discriminant < 0.0));

    // a = -1, b = -0.5, c = -0.05: b^2 - 4ac = 0.05 >= 0 but both roots are negative.
    let err = fit_bass_ols(&quadratic_series(-1.0, -0.5, -0.05, 6)).unwrap_err();
    assert!(
        matches!(err, BassError::NonPositiveMarket { m } if m <= 0.0),
        "{err:?}"
    );

    // All-zero sales: the design [1, 0, 0] is rank deficient.
    assert_eq!(fit_bass_ols(&[0.0; 6]), Err(BassError::SingularDesign));
    assert!(fit_bass_nls(&[0.0; 6]).is_err());

    // Constant sales: S and S^2 are not collinear, but OLS yields c ~ 0; whatever the
    // estimators say, they must not panic, and NLS must either fit or return an error.
    let _ = fit_bass_ols(&[5.0; 8]);
    let _ = fit_bass_nls(&[5.0; 8]);

    let bad = BassParams {
        p: -0.01,
        q: 0.3,
        m: 100.0,
    };
    let sales = bass_curve(0.03, 0.38, 100.0, 8);
    assert_eq!(
        fit_bass_nls_from(&sales, bad, &LmOptions::default()).unwrap_err(),
        BassError::InvalidStart
    );
    assert!(bass_curve(0.0, 0.0, 1.0, 3).iter().all(|v| v.is_nan()));
}

// Made-up series whose OLS intercept is negative (a = -0.0118466, so p_ols < 0).
// Reference from the same script (second part): curve_fit(..., p0=[0.03, 0.38, 1.5 * sum(s)],
// method="lm"), estimates and sqrt(diag(pcov)) printed with %.6g.
const FALLBACK_SALES: [f64; 9] = [3.0, 4.0, 4.0, 7.0, 10.0, 46.0, 43.0, 33.0, 11.0];
const FALLBACK_SCIPY: [(f64, f64); 3] = [
    (0.000436091, 0.000390908),
    (1.26598, 0.161446),
    (159.109, 15.2452),
];

#[test]
fn invalid_ols_start_falls_back_to_defaults() {
    let ols = fit_bass_ols(&FALLBACK_SALES).expect("ols");
    assert!(ols.a < 0.0 && ols.p < 0.0, "{ols:?}");
    let fit = fit_bass_nls(&FALLBACK_SALES).expect("fit");
    assert_eq!(fit.start_source, StartSource::Default);
    assert_eq!(
        fit.start,
        BassParams {
            p: 0.03,
            q: 0.38,
            m: 1.5 * 161.0
        }
    );
    assert!(fit.converged, "{fit:?}");
    let [p, q, m] = FALLBACK_SCIPY;
    for (got, want, name) in [(fit.p, p, "p"), (fit.q, q, "q"), (fit.m, m, "m")] {
        assert_sig(got.estimate, want.0, 3, name);
        assert_sig(got.se, want.1, 3, &format!("se({name})"));
    }
}

#[test]
fn nls_on_thirteen_points_is_fast() {
    let sales = room_air_conditioners();
    let t0 = Instant::now();
    let fit = fit_bass_nls(&sales).expect("fit");
    let elapsed = t0.elapsed();
    assert!(fit.converged);
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
}
