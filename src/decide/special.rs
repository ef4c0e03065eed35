//! Special functions behind the quantiles of [`crate::decide::uncertain::Uncertain`]:
//! the log-gamma function, the regularized incomplete beta function and its
//! inverse, and the standard normal quantile. Written here (no numerics crate) so
//! that the results are fixed by this code alone.

/// Lanczos approximation (g = 7, 9 terms): about 1e-15 relative error for x > 0.
const LANCZOS_G: f64 = 7.0;
#[allow(clippy::excessive_precision)] // the digits as published
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_93,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_13,
    -176.615_029_162_140_59,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_571_6e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        // Γ(x) = Γ(x + 1) / x keeps the series in its accurate range.
        return ln_gamma(x + 1.0) - x.ln();
    }
    let x = x - 1.0;
    let mut sum = LANCZOS[0];
    for (i, &c) in LANCZOS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + LANCZOS_G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// ln B(a, b) for a, b > 0.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Continued fraction of the incomplete beta function (modified Lentz), as in
/// Numerical Recipes `betacf`; converges fast for x < (a + 1) / (a + b + 2).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-16;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let clamp = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / clamp(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=100_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / clamp(1.0 + even * d);
        c = clamp(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / clamp(1.0 + odd * d);
        c = clamp(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function and its complement,
/// (I_x(a, b), 1 - I_x(a, b)), at x with y = 1 - x, given ln x, ln y and
/// ln B(a, b). The caller passes whichever of x, y it holds exactly and derives
/// the other, so that a point near 1 keeps its precision as 1 - y. One of the two
/// results comes straight from the continued fraction (full relative accuracy),
/// the other is 1 minus it.
fn inc_beta_pair(
    a: f64,
    b: f64,
    (x, y): (f64, f64),
    (ln_x, ln_y): (f64, f64),
    ln_b: f64,
) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    let front = (a * ln_x + b * ln_y - ln_b).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        let i = front * beta_continued_fraction(a, b, x) / a;
        (i, 1.0 - i)
    } else {
        let ic = front * beta_continued_fraction(b, a, y) / b;
        (1.0 - ic, ic)
    }
}

/// The regularized incomplete beta function I_x(a, b), with ln B(a, b) given.
#[cfg(test)]
pub(crate) fn inc_beta(a: f64, b: f64, x: f64, ln_b: f64) -> f64 {
    inc_beta_pair(a, b, (x, 1.0 - x), (x.ln(), (-x).ln_1p()), ln_b).0
}

/// The p quantile of Beta(a, b) for p in (0, 1): the x with I_x(a, b) = p.
///
/// The unknown is t = x when the quantile is at most 1/2 (p <= I_{1/2}(a, b)) and
/// t = 1 - x otherwise, so a quantile near 0 or near 1 keeps its relative
/// precision; the residual compares p with I_x when p <= 1/2 and 1 - p with
/// 1 - I_x otherwise, so a tail probability is never lost to cancellation. Newton's
/// method on t stays inside a shrinking bracket [lo, hi] within [0, 1/2] and falls
/// back to bisection when a step would leave it; it stops at a relative step of
/// 1e-15.
pub(crate) fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    let ln_b = ln_beta(a, b);
    let half = 0.5_f64.ln();
    let upper = p > inc_beta_pair(a, b, (0.5, 0.5), (half, half), ln_b).0;
    // (residual, derivative) at t; the residual increases with t.
    let residual = |t: f64| {
        let (x, y) = if upper { (1.0 - t, t) } else { (t, 1.0 - t) };
        let (ln_t, ln_1mt) = (t.ln(), (-t).ln_1p());
        let (ln_x, ln_y) = if upper {
            (ln_1mt, ln_t)
        } else {
            (ln_t, ln_1mt)
        };
        let (i, ic) = inc_beta_pair(a, b, (x, y), (ln_x, ln_y), ln_b);
        let r = match (upper, p <= 0.5) {
            (false, true) => i - p,
            (false, false) => (1.0 - p) - ic,
            (true, true) => p - i,
            (true, false) => ic - (1.0 - p),
        };
        let pdf = ((a - 1.0) * ln_x + (b - 1.0) * ln_y - ln_b).exp();
        (r, pdf)
    };
    let mut t = if a > 1.0 && b > 1.0 {
        // Normal approximation.
        let sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
        let x = a / (a + b) + normal_quantile(p) * sd;
        if upper {
            1.0 - x
        } else {
            x
        }
    } else if upper {
        // Upper tail: 1 - I_x ≈ (1 - x)^b / (b B(a, b)).
        (((1.0 - p).ln() + b.ln() + ln_b) / b).exp()
    } else {
        // Lower tail: I_x ≈ x^a / (a B(a, b)).
        ((p.ln() + a.ln() + ln_b) / a).exp()
    };
    if !(t > 0.0 && t < 0.5) {
        t = 0.25;
    }
    let (mut lo, mut hi) = (0.0_f64, 0.5_f64);
    for _ in 0..2_000 {
        let (r, pdf) = residual(t);
        if r == 0.0 {
            break;
        }
        if r < 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        let mut next = t - r / pdf;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let done = (next - t).abs() <= 1e-15 * next || hi - lo <= 1e-16 * hi;
        t = next;
        if done {
            break;
        }
    }
    if upper {
        1.0 - t
    } else {
        t
    }
}

/// The p quantile of the standard normal distribution, p in (0, 1): Wichura's
/// algorithm AS 241 (PPND16), about 1e-16 relative accuracy.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&AS241_A, r) / poly(&AS241_B, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let value = if r <= 5.0 {
        let r = r - 1.6;
        poly(&AS241_C, r) / poly(&AS241_D, r)
    } else {
        let r = r - 5.0;
        poly(&AS241_E, r) / poly(&AS241_F, r)
    };
    if q < 0.0 {
        -value
    } else {
        value
    }
}

// Coefficients of AS 241 (Wichura 1988, Appl. Statist. 37, 477-484), lowest
// power first: A/B near the median, C/D for r <= 5, E/F beyond.

/// Horner evaluation of c[0] + c[1] r + ... (coefficients lowest first).
fn poly(c: &[f64; 8], r: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * r + ci)
}

#[allow(clippy::excessive_precision)] // the digits as published
const AS241_A: [f64; 8] = [
    3.387_132_872_796_366_608,
    133.141_667_891_784_377_45,
    1_971.590_950_306_551_442_7,
    13_731.693_765_509_461_125,
    45_921.953_931_549_871_457,
    67_265.770_927_008_700_853,
    33_430.575_583_588_128_105,
    2_509.080_928_730_122_672_7,
];
#[allow(clippy::excessive_precision)] // the digits as published
const AS241_B: [f64; 8] = [
    1.0,
    42.313_330_701_600_911_252,
    687.187_007_492_057_908_3,
    5_394.196_021_424_751_107_7,
    21_213.794_301_586_595_867,
    39_307.895_800_092_710_61,
    28_729.085_735_721_942_674,
    5_226.495_278_852_545_925,
];
#[allow(clippy::excessive_precision)] // the digits as published
const AS241_C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    0.241_780_725_177_450_611_77,
    0.022_723_844_989_269_184_583_3,
    7.745_450_142_783_414_076_4e-4,
];
#[allow(clippy::excessive_precision)] // the digits as published
const AS241_D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    0.689_767_334_985_100_004_55,
    0.148_103_976_427_480_074_59,
    0.015_198_666_563_616_457_196_6,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
#[allow(clippy::excessive_precision)] // the digits as published
const AS241_E: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    0.296_560_571_828_504_891_23,
    0.026_532_189_526_576_123_093,
    0.001_242_660_947_388_078_438_6,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
#[allow(clippy::excessive_precision)] // the digits as published
const AS241_F: [f64; 8] = [
    1.0,
    0.599_832_206_555_887_937_69,
    0.136_929_880_922_735_805_31,
    0.014_875_361_290_850_614_852_5,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn ln_gamma_matches_scipy() {
        // Reference values from scipy.special.gammaln (scipy 1.17.1).
        let cases = [
            (0.2, 1.524_063_822_430_784_5),
            (0.5, 0.572_364_942_924_7),
            (1.5, -0.120_782_237_635_245_26),
            (3.7, 1.428_072_326_665_388),
            (10.0, 12.801_827_480_081_469),
            (81.0, 273.673_124_285_693_75),
            (921.0, 5_362.754_992_387_571),
            (1002.0, 5_919.036_933_267_479),
            (100_000.0, 1_051_287.708_973_656_9),
        ];
        for (x, want) in cases {
            assert!(close(ln_gamma(x), want, 1e-14), "ln_gamma({x})");
        }
        assert!(ln_gamma(1.0).abs() < 1e-15 && ln_gamma(2.0).abs() < 1e-15);
    }

    #[test]
    fn inc_beta_matches_scipy() {
        // Reference values from scipy.special.betainc (scipy 1.17.1).
        let cases = [
            (2.0, 3.0, 0.4, 0.524_799_999_999_999_9),
            (921.0, 81.0, 0.91, 0.144_243_031_272_328_82),
            (0.5, 0.5, 0.01, 0.063_768_560_858_519_85),
            (0.2, 5.0, 1e-8, 0.037_135_728_755_866_09),
            (50.0, 0.3, 0.999, 0.552_404_921_837_145_1),
            (3.0, 7.0, 0.9, 0.999_997_002),
        ];
        for (a, b, x, want) in cases {
            let got = inc_beta(a, b, x, ln_beta(a, b));
            assert!(
                close(got, want, 1e-11),
                "I_{x}({a}, {b}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn normal_quantile_matches_scipy() {
        // Reference values from scipy.stats.norm.ppf (scipy 1.17.1).
        let cases = [
            (1e-300, -37.047_096_299_361_2),
            (1e-20, -9.262_340_089_798_409),
            (1e-10, -6.361_340_902_404_056),
            (1e-5, -4.264_890_793_922_825),
            (0.001, -3.090_232_306_167_813),
            (0.024_25, -1.972_961_051_311_885),
            (0.05, -1.644_853_626_951_472_9),
            (0.075, -1.439_531_470_938_456_3),
            (0.1, -1.281_551_565_544_600_4),
            (0.3, -0.524_400_512_708_040_9),
            (0.6, 0.253_347_103_135_799_7),
            (0.9, 1.281_551_565_544_600_4),
            (0.975, 1.959_963_984_540_054),
            (0.999, 3.090_232_306_167_813),
            (0.999_999_999_9, 6.361_340_889_697_422),
        ];
        for (p, want) in cases {
            let got = normal_quantile(p);
            assert!(close(got, want, 1e-14), "z({p}) = {got}, want {want}");
        }
        assert_eq!(normal_quantile(0.5), 0.0);
    }
}
