//! Distributions of uncertain assumptions, as written in a scenario's
//! `[uncertain]` table, with their quantile (inverse CDF) functions.
//!
//! A Sobol design hands out unit points; [`Uncertain::quantile`] maps each
//! coordinate onto the assumption's own scale (inverse transform sampling), and
//! [`Uncertain::low`] / [`Uncertain::high`] give the 5% / 95% quantiles used for a
//! tornado chart.

use crate::decide::special::{beta_quantile, ln_beta, normal_quantile};

/// The distribution of one uncertain assumption.
///
/// Construct freely, then call [`Uncertain::validate`] once (the scenario's
/// validation stage); every other method assumes a valid distribution.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Uncertain {
    /// Uniform on `[low, high]` (`{ low = .., high = .. }`). `low == high` is a
    /// constant.
    Uniform {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// Beta(a, b) on [0, 1] (`{ dist = "beta", a = .., b = .. }`).
    Beta {
        /// First shape parameter, > 0.
        a: f64,
        /// Second shape parameter, > 0.
        b: f64,
    },
    /// A share measured by a survey (`{ survey = s, sample = n }`): the posterior
    /// of a uniform prior after `s * n` yes and `(1 - s) * n` no answers,
    /// Beta(1 + s n, 1 + (1 - s) n). For example 0.92 of 1000 is Beta(921, 81).
    Survey {
        /// The measured share, in (0, 1).
        #[serde(rename = "survey")]
        share: f64,
        /// The number of respondents.
        sample: u64,
    },
    /// Log-normal: ln X ~ Normal(ln median, sigma²)
    /// (`{ dist = "lognormal", median = .., sigma = .. }`). `sigma == 0` is a
    /// constant.
    #[serde(rename = "lognormal")]
    LogNormal {
        /// The median, > 0.
        median: f64,
        /// Standard deviation of ln X, >= 0.
        sigma: f64,
    },
}

impl Uncertain {
    /// Checks the parameters against the ranges of a scenario's `[uncertain]`
    /// table: `low < high`; Beta shapes above 0; a survey share strictly between 0
    /// and 1 from at least 1 respondent; a log-normal median and sigma above 0.
    ///
    /// # Errors
    /// The first bad parameter's name and a message that says how to fix it.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let finite = |name: &'static str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err((name, format!("is {v}; give a finite number")))
            }
        };
        match *self {
            Uncertain::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low >= high {
                    return Err((
                        "high",
                        format!("is {high}, not above `low` = {low}; allowed: low < high"),
                    ));
                }
            }
            Uncertain::Beta { a, b } => {
                for (name, v) in [("a", a), ("b", b)] {
                    finite(name, v)?;
                    if v <= 0.0 {
                        return Err((name, format!("is {v}; allowed: a beta shape above 0")));
                    }
                }
            }
            Uncertain::Survey { share, sample } => {
                finite("survey", share)?;
                if !(share > 0.0 && share < 1.0) {
                    return Err((
                        "survey",
                        format!(
                            "is {share}; allowed: a share strictly between 0 and 1 (92% is 0.92)"
                        ),
                    ));
                }
                if sample < 1 {
                    return Err((
                        "sample",
                        format!("is {sample}; allowed: at least 1 respondent"),
                    ));
                }
            }
            Uncertain::LogNormal { median, sigma } => {
                finite("median", median)?;
                finite("sigma", sigma)?;
                if median <= 0.0 {
                    return Err(("median", format!("is {median}; allowed: a number above 0")));
                }
                if sigma <= 0.0 {
                    return Err(("sigma", format!("is {sigma}; allowed: a number above 0")));
                }
            }
        }
        Ok(())
    }

    /// The smallest and largest values the distribution can take: `[low, high]`,
    /// `[0, 1]` for Beta and survey shares, `(0, ∞)` for the log-normal.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Uncertain::Uniform { low, high } => (low, high),
            Uncertain::Beta { .. } | Uncertain::Survey { .. } => (0.0, 1.0),
            Uncertain::LogNormal { .. } => (0.0, f64::INFINITY),
        }
    }

    /// The distribution as written in a scenario's `[uncertain]` table.
    pub fn to_toml(&self) -> toml::Table {
        let mut t = toml::Table::new();
        match *self {
            Uncertain::Uniform { low, high } => {
                t.insert("low".into(), low.into());
                t.insert("high".into(), high.into());
            }
            Uncertain::Survey { share, sample } => {
                t.insert("survey".into(), share.into());
                t.insert(
                    "sample".into(),
                    toml::Value::Integer(i64::try_from(sample).unwrap_or(i64::MAX)),
                );
            }
            Uncertain::Beta { a, b } => {
                t.insert("dist".into(), "beta".into());
                t.insert("a".into(), a.into());
                t.insert("b".into(), b.into());
            }
            Uncertain::LogNormal { median, sigma } => {
                t.insert("dist".into(), "lognormal".into());
                t.insert("median".into(), median.into());
                t.insert("sigma".into(), sigma.into());
            }
        }
        t
    }

    /// The Beta shape parameters (a, b) of a `Beta` or `Survey` distribution,
    /// `None` for the others.
    pub fn beta_parameters(&self) -> Option<(f64, f64)> {
        match *self {
            Uncertain::Beta { a, b } => Some((a, b)),
            Uncertain::Survey { share, sample } => Some(survey_shape(share, sample)),
            Uncertain::Uniform { .. } | Uncertain::LogNormal { .. } => None,
        }
    }

    /// The `u` quantile (inverse CDF): the value below which a share `u` of the
    /// distribution lies. Beta quantiles are accurate to about 1e-14 relative
    /// (Newton's method on a continued-fraction incomplete beta), log-normal ones
    /// to about 1e-15 (Wichura's AS 241 normal quantile). Monotone in `u`. A Beta
    /// quantile that lies closer to 0 or 1 than f64 can hold comes back as
    /// exactly 0.0 or 1.0 (e.g. Beta(0.001, 2) at 0.05, truly about 1e-1300).
    ///
    /// Cost: O(1) except for Beta, which takes a few evaluations of a continued
    /// fraction of O(sqrt(max(a, b))) terms.
    ///
    /// # Panics
    /// If `u` is not strictly between 0 and 1 (NaN included).
    pub fn quantile(&self, u: f64) -> f64 {
        assert!(u > 0.0 && u < 1.0, "quantile level {u} is not in (0, 1)");
        match *self {
            Uncertain::Uniform { low, high } => low + u * (high - low),
            Uncertain::LogNormal { median, sigma } => median * (sigma * normal_quantile(u)).exp(),
            Uncertain::Beta { a, b } => beta_or_uniform_quantile(a, b, u),
            Uncertain::Survey { share, sample } => {
                let (a, b) = survey_shape(share, sample);
                beta_or_uniform_quantile(a, b, u)
            }
        }
    }

    /// The 5% quantile: the "low" end of a tornado bar.
    pub fn low(&self) -> f64 {
        self.quantile(0.05)
    }

    /// The 95% quantile: the "high" end of a tornado bar.
    pub fn high(&self) -> f64 {
        self.quantile(0.95)
    }

    /// The natural log of the probability density at `x`: −∞ outside the
    /// support (for Beta and survey shares, outside the open interval (0, 1)).
    /// Used as a prior density by `wom fit`.
    pub fn ln_density(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NEG_INFINITY;
        }
        match *self {
            Uncertain::Uniform { low, high } => {
                if (low..=high).contains(&x) {
                    -(high - low).ln()
                } else {
                    f64::NEG_INFINITY
                }
            }
            Uncertain::LogNormal { median, sigma } => {
                if x <= 0.0 || x.is_infinite() {
                    return f64::NEG_INFINITY;
                }
                let z = (x.ln() - median.ln()) / sigma;
                -x.ln() - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() - 0.5 * z * z
            }
            Uncertain::Beta { .. } | Uncertain::Survey { .. } => {
                let (a, b) = self.beta_parameters().expect("a beta");
                if !(x > 0.0 && x < 1.0) {
                    return f64::NEG_INFINITY;
                }
                (a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_beta(a, b)
            }
        }
    }

    /// The median (50% quantile).
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The mean: (low + high) / 2, a / (a + b), or median · exp(sigma² / 2).
    pub fn mean(&self) -> f64 {
        match *self {
            Uncertain::Uniform { low, high } => 0.5 * (low + high),
            Uncertain::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Uncertain::Beta { a, b } => a / (a + b),
            Uncertain::Survey { share, sample } => {
                let (a, b) = survey_shape(share, sample);
                a / (a + b)
            }
        }
    }
}

/// Beta(1 + s n, 1 + (1 - s) n): a uniform prior updated by the survey. The "no"
/// count is n - s n, so that a + b = n + 2 exactly (0.92 of 1000 gives 81, where
/// (1 - 0.92) * 1000 would give 80.99999999999996).
fn survey_shape(share: f64, sample: u64) -> (f64, f64) {
    let n = sample as f64;
    let yes = share * n;
    (1.0 + yes, 1.0 + (n - yes))
}

/// The Beta quantile, exact (`u` itself) for Beta(1, 1).
fn beta_or_uniform_quantile(a: f64, b: f64, u: f64) -> f64 {
    if a == 1.0 && b == 1.0 {
        u
    } else {
        beta_quantile(a, b, u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn densities_match_known_values() {
        // scipy.stats: uniform(0.1, 0.4).logpdf(0.3) = -ln 0.4;
        // beta(2, 3).pdf(0.4) = 12 * 0.4 * 0.36 = 1.728;
        // lognorm(s=0.5, scale=2).pdf(2) = 1 / (2 * 0.5 * sqrt(2 pi)).
        let u = Uncertain::Uniform {
            low: 0.1,
            high: 0.5,
        };
        assert!((u.ln_density(0.3) + 0.4f64.ln()).abs() < 1e-12);
        assert_eq!(u.ln_density(0.6), f64::NEG_INFINITY);
        let b = Uncertain::Beta { a: 2.0, b: 3.0 };
        assert!((b.ln_density(0.4) - 1.728f64.ln()).abs() < 1e-12);
        assert_eq!(b.ln_density(1.0), f64::NEG_INFINITY);
        let l = Uncertain::LogNormal {
            median: 2.0,
            sigma: 0.5,
        };
        let want = 1.0 / (2.0 * 0.5 * (2.0 * std::f64::consts::PI).sqrt());
        assert!((l.ln_density(2.0) - want.ln()).abs() < 1e-12);
        assert_eq!(l.ln_density(-1.0), f64::NEG_INFINITY);
        // A survey share is its Beta: 0.5 of 2 is Beta(2, 2), pdf(0.5) = 1.5.
        let s = Uncertain::Survey {
            share: 0.5,
            sample: 2,
        };
        assert!((s.ln_density(0.5) - 1.5f64.ln()).abs() < 1e-12);
    }

    fn assert_rel(got: f64, want: f64, rel: f64, what: &str) {
        let err = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
        assert!(
            err <= rel,
            "{what}: got {got:e}, want {want:e}, rel err {err:e}"
        );
    }

    /// (a, b, u, x) with x = scipy.stats.beta.ppf(u, a, b), scipy 1.17.1.
    const BETA_PPF: &[(f64, f64, f64, f64)] = &[
        (2.0, 3.0, 1e-10, 4.082_494_015_808_333e-6),
        (2.0, 3.0, 0.001, 0.013_022_947_370_814_273),
        (2.0, 3.0, 0.05, 0.097_611_462_886_414_34),
        (2.0, 3.0, 0.25, 0.243_022_083_756_076_28),
        (2.0, 3.0, 0.5, 0.385_727_568_132_389_5),
        (2.0, 3.0, 0.75, 0.543_678_285_419_080_3),
        (2.0, 3.0, 0.95, 0.751_395_374_269_818_1),
        (2.0, 3.0, 0.999, 0.935_961_860_897_166_6),
        (2.0, 3.0, 0.999_999_999_9, 0.999_707_576_838_724_9),
        (0.5, 0.5, 1e-10, 2.467_401_100_272_339_7e-20),
        (0.5, 0.5, 0.001, 2.467_399_070_916_944_6e-6),
        (0.5, 0.5, 0.05, 0.006_155_829_702_431_136_5),
        (0.5, 0.5, 0.25, 0.146_446_609_406_726_24),
        (0.5, 0.5, 0.75, 0.853_553_390_593_273_7),
        (0.5, 0.5, 0.999, 0.999_997_532_600_929),
        (921.0, 81.0, 1e-10, 0.853_599_307_411_980_3),
        (921.0, 81.0, 0.001, 0.890_212_317_330_591_1),
        (921.0, 81.0, 0.05, 0.904_543_580_060_701_5),
        (921.0, 81.0, 0.25, 0.913_514_462_192_501),
        (921.0, 81.0, 0.5, 0.919_440_514_200_873_8),
        (921.0, 81.0, 0.75, 0.925_112_597_973_775_5),
        (921.0, 81.0, 0.95, 0.932_828_455_053_901_8),
        (921.0, 81.0, 0.999, 0.943_357_279_380_404_7),
        (921.0, 81.0, 0.999_999_999_9, 0.963_053_763_169_862_5),
        (3.0, 7.0, 1e-10, 1.060_008_366_676_055_7e-4),
        (3.0, 7.0, 0.05, 0.097_746_813_439_275_74),
        (3.0, 7.0, 0.5, 0.286_236_668_022_782_7),
        (3.0, 7.0, 0.95, 0.549_641_649_506_610_1),
        (3.0, 7.0, 0.999_999_999_9, 0.977_532_074_576_119_8),
        (0.2, 5.0, 1e-10, 1.415_924_937_275_317_5e-51),
        (0.2, 5.0, 0.001, 1.415_924_937_275_310_4e-16),
        (0.2, 5.0, 0.05, 4.424_766_081_603_773e-8),
        (0.2, 5.0, 0.5, 0.004_491_361_400_337_969),
        (0.2, 5.0, 0.95, 0.200_084_811_756_820_39),
        (0.2, 5.0, 0.999_999_999_9, 0.982_436_757_687_113_4),
        (50.0, 0.3, 1e-10, 0.671_107_606_567_884_9),
        (50.0, 0.3, 0.05, 0.972_738_870_552_133_6),
        (50.0, 0.3, 0.5, 0.998_528_174_876_668_9),
        (50.0, 0.3, 0.95, 0.999_999_353_276_077_7),
        (50.0, 0.3, 0.999, 0.999_999_999_998_595_7),
        (1.0, 1001.0, 1e-10, 9.990_009_990_508_991e-14),
        (1.0, 1001.0, 0.05, 5.124_073_948_367_605e-5),
        (1.0, 1001.0, 0.5, 6.922_150_343_887_965e-4),
        (1.0, 1001.0, 0.999_999_999_9, 0.022_740_299_465_532_438),
        // Tiny quantiles above p = 1/2 and far in the tail (regressions: solving
        // these as 1 - Q(b, a, 1 - p) lost seven digits to cancellation).
        (
            0.058_741_112_039_104_725,
            1_453.104_817_751_863_7,
            0.544_231_882_053_819_8,
            1.287_062_523_830_694_4e-8,
        ),
        (
            0.068_630_635_774_979_37,
            2_528.344_747_231_469_7,
            1.233_339_268_348_651e-10,
            9.770_358_689_189_228e-149,
        ),
    ];

    #[test]
    fn beta_quantiles_match_scipy_to_1e_9() {
        for &(a, b, u, want) in BETA_PPF {
            let got = Uncertain::Beta { a, b }.quantile(u);
            assert_rel(got, want, 1e-9, &format!("Beta({a}, {b}) at {u}"));
        }
    }

    #[test]
    fn beta_quantiles_of_symmetric_and_uniform_cases_are_exact() {
        // Beta(1, 1) is uniform; Beta(a, a) has median 1/2.
        let uniform = Uncertain::Beta { a: 1.0, b: 1.0 };
        assert_eq!(uniform.quantile(0.3), 0.3);
        let arcsine = Uncertain::Beta { a: 0.5, b: 0.5 };
        assert_rel(arcsine.median(), 0.5, 1e-15, "Beta(0.5, 0.5) median");
        // Beta(a, 1) has CDF x^a, so its quantile is u^(1/a).
        let power = Uncertain::Beta { a: 3.0, b: 1.0 };
        for u in [1e-9, 0.05, 0.5, 0.95, 0.999] {
            assert_rel(power.quantile(u), u.powf(1.0 / 3.0), 1e-13, "Beta(3, 1)");
        }
    }

    #[test]
    fn beta_quantile_is_monotone() {
        let d = Uncertain::Survey {
            share: 0.92,
            sample: 1000,
        };
        let mut last = 0.0;
        for i in 1..1000 {
            let x = d.quantile(f64::from(i) / 1000.0);
            assert!(x > last, "not increasing at {i}");
            last = x;
        }
    }

    #[test]
    fn survey_share_is_the_uniform_prior_posterior() {
        let d = Uncertain::Survey {
            share: 0.92,
            sample: 1000,
        };
        assert_eq!(d.beta_parameters(), Some((921.0, 81.0)));
        // scipy.stats.beta(921, 81): mean 0.9191616766467066,
        // ppf(0.05, 0.5, 0.95) = 0.90454358006..., 0.91944051420..., 0.93282845505...
        assert_rel(d.mean(), 0.919_161_676_646_706_6, 1e-15, "mean");
        assert_rel(d.low(), 0.904_543_580_060_701_5, 1e-9, "low");
        assert_rel(d.median(), 0.919_440_514_200_873_8, 1e-9, "median");
        assert_rel(d.high(), 0.932_828_455_053_901_8, 1e-9, "high");
        // No respondents: the uniform prior itself.
        let none = Uncertain::Survey {
            share: 0.5,
            sample: 0,
        };
        assert_eq!(none.quantile(0.25), 0.25);
    }

    #[test]
    fn uniform_quantiles() {
        let d = Uncertain::Uniform {
            low: 0.05,
            high: 0.2,
        };
        assert_rel(d.low(), 0.0575, 1e-15, "low");
        assert_rel(d.median(), 0.125, 1e-15, "median");
        assert_rel(d.high(), 0.1925, 1e-15, "high");
        let constant = Uncertain::Uniform {
            low: 3.0,
            high: 3.0,
        };
        assert_eq!(constant.quantile(0.7), 3.0);
    }

    #[test]
    fn lognormal_quantiles_match_scipy() {
        // scipy.stats.lognorm.ppf(u, 0.5, scale=0.0227), scipy 1.17.1.
        let d = Uncertain::LogNormal {
            median: 0.0227,
            sigma: 0.5,
        };
        assert_rel(d.low(), 0.009_973_565_181_854_077, 1e-13, "low");
        assert_eq!(d.median(), 0.0227);
        assert_rel(d.high(), 0.051_665_577_013_274_996, 1e-13, "high");
        assert_rel(d.quantile(0.001), 0.004_841_617_075_344_082, 1e-13, "0.001");
        assert_rel(d.mean(), 0.0227 * 0.125_f64.exp(), 1e-15, "mean");
    }

    #[test]
    fn validation_explains_bad_parameters() {
        let bad = [
            (
                Uncertain::Uniform {
                    low: 0.2,
                    high: 0.05,
                },
                "high",
            ),
            (
                Uncertain::Uniform {
                    low: 0.2,
                    high: 0.2,
                },
                "high",
            ),
            (
                Uncertain::Uniform {
                    low: f64::NAN,
                    high: 1.0,
                },
                "low",
            ),
            (Uncertain::Beta { a: 0.0, b: 1.0 }, "a"),
            (Uncertain::Beta { a: 1.0, b: -1.0 }, "b"),
            (
                Uncertain::Survey {
                    share: 92.0,
                    sample: 1000,
                },
                "survey",
            ),
            (
                Uncertain::Survey {
                    share: 1.0,
                    sample: 10,
                },
                "survey",
            ),
            (
                Uncertain::Survey {
                    share: 0.5,
                    sample: 0,
                },
                "sample",
            ),
            (
                Uncertain::LogNormal {
                    median: 0.0,
                    sigma: 0.5,
                },
                "median",
            ),
            (
                Uncertain::LogNormal {
                    median: 1.0,
                    sigma: 0.0,
                },
                "sigma",
            ),
        ];
        for (d, param) in bad {
            let err = d.validate().expect_err(&format!("{d:?} passed validation"));
            assert_eq!(err.0, param, "{d:?}: {}", err.1);
        }
        let err = Uncertain::Survey {
            share: 92.0,
            sample: 1000,
        }
        .validate();
        assert!(err.is_err_and(|e| e.1.contains("0.92")));
        assert!(Uncertain::Survey {
            share: 0.92,
            sample: 1
        }
        .validate()
        .is_ok());
        assert!(Uncertain::LogNormal {
            median: 0.0227,
            sigma: 0.5
        }
        .validate()
        .is_ok());
    }

    #[test]
    #[should_panic(expected = "not in (0, 1)")]
    fn quantile_rejects_levels_outside_the_open_interval() {
        Uncertain::Uniform {
            low: 0.0,
            high: 1.0,
        }
        .quantile(1.0);
    }
}
