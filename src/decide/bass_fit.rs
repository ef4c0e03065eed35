//! Fitting the Bass (1969) diffusion model to a per-period sales series.
//!
//! Conventions: `sales[0]` is s_1, the sales of the first period after launch,
//! and F(0) = 0. Two estimators are provided:
//!
//! * [`fit_bass_ols`]: Bass's (1969) regression s_t = a + b S_{t-1} + c S_{t-1}^2
//!   (S_{t-1} = cumulative sales before period t, S_0 = 0), then
//!   m = (-b - sqrt(b^2 - 4ac)) / (2c), p = a / m, q = -c m.
//! * [`fit_bass_nls`]: Srinivasan & Mason (1986) nonlinear least squares on
//!   s_t = m [F(t) - F(t-1)], F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),
//!   by a hand-written Levenberg–Marquardt with an analytic Jacobian, started
//!   from the OLS estimates. Standard errors are sqrt(diag(s^2 (J'J)^{-1})),
//!   s^2 = RSS / (T - 3), with J evaluated at the optimum.
//!
//! No function here panics on bad input; failures are [`BassError`]s. Sales
//! values must be finite; their sign is not checked.
//!
//! Layout: this file plus two private children, `bass_fit/lm.rs`
//! (Levenberg–Marquardt, analytic Jacobian) and `bass_fit/linalg.rs` (3x3
//! inverse, Householder least squares); the module uses only `std`.

use std::fmt;

mod linalg;
mod lm;

use linalg::lstsq3;
use lm::run_lm;

/// The three Bass parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BassParams {
    /// Coefficient of innovation (external influence), per period.
    pub p: f64,
    /// Coefficient of imitation (internal influence, word of mouth), per period.
    pub q: f64,
    /// Market potential: eventual cumulative adopters, in the unit of the sales.
    pub m: f64,
}

/// Why a fit could not be produced.
#[derive(Debug, Clone, PartialEq)]
pub enum BassError {
    /// The series is shorter than the estimator needs (4 periods for both).
    TooFewPeriods {
        /// Number of periods supplied.
        got: usize,
        /// Minimum number of periods required.
        need: usize,
    },
    /// A sales value is NaN or infinite.
    NonFiniteSales {
        /// Zero-based index of the first offending value.
        index: usize,
    },
    /// The OLS design [1, S_{t-1}, S_{t-1}^2] is rank deficient.
    SingularDesign,
    /// OLS gave c >= 0: no saturation, so no market potential.
    NonNegativeQuadratic {
        /// The estimated coefficient on S_{t-1}^2.
        c: f64,
    },
    /// OLS gave b^2 - 4ac < 0: the quadratic in m has no real root.
    NegativeDiscriminant {
        /// The value of b^2 - 4ac.
        discriminant: f64,
    },
    /// The root formula gave a market potential that is not positive.
    NonPositiveMarket {
        /// The value of m obtained.
        m: f64,
    },
    /// NLS starting values are outside the model's domain (p > 0, p + q > 0).
    InvalidStart,
    /// J'J at the optimum is singular, so standard errors do not exist.
    SingularJacobian,
}

impl fmt::Display for BassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewPeriods { got, need } => {
                write!(f, "{got} periods given, at least {need} needed")
            }
            Self::NonFiniteSales { index } => write!(f, "sales[{index}] is not finite"),
            Self::SingularDesign => write!(f, "OLS design matrix is rank deficient"),
            Self::NonNegativeQuadratic { c } => {
                write!(f, "OLS coefficient c = {c} is not negative")
            }
            Self::NegativeDiscriminant { discriminant } => {
                write!(f, "b^2 - 4ac = {discriminant} is negative")
            }
            Self::NonPositiveMarket { m } => write!(f, "market potential m = {m} is not positive"),
            Self::InvalidStart => write!(f, "starting values need p > 0 and p + q > 0"),
            Self::SingularJacobian => write!(f, "J'J is singular at the optimum"),
        }
    }
}

impl std::error::Error for BassError {}

/// Result of Bass's (1969) OLS estimator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OlsFit {
    /// Intercept a (= p m).
    pub a: f64,
    /// Coefficient b on S_{t-1} (= q - p).
    pub b: f64,
    /// Coefficient c on S_{t-1}^2 (= -q / m).
    pub c: f64,
    /// Innovation coefficient p = a / m; may be <= 0 when a <= 0.
    pub p: f64,
    /// Imitation coefficient q = -c m.
    pub q: f64,
    /// Market potential m, the positive root of a + b S + c S^2 = 0.
    pub m: f64,
}

impl OlsFit {
    /// The implied parameters as a [`BassParams`].
    pub fn params(&self) -> BassParams {
        BassParams {
            p: self.p,
            q: self.q,
            m: self.m,
        }
    }
}

/// A parameter estimate with its asymptotic standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Point estimate.
    pub estimate: f64,
    /// Standard error, sqrt of the diagonal of s^2 (J'J)^{-1}.
    pub se: f64,
}

/// Where the Levenberg–Marquardt run started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartSource {
    /// From [`fit_bass_ols`].
    Ols,
    /// From the defaults p = 0.03, q = 0.38, m = 1.5 x total sales.
    Default,
    /// Supplied by the caller to [`fit_bass_nls_from`].
    Caller,
}

/// Result of the Srinivasan–Mason nonlinear least-squares fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NlsFit {
    /// Innovation coefficient p.
    pub p: Estimate,
    /// Imitation coefficient q.
    pub q: Estimate,
    /// Market potential m.
    pub m: Estimate,
    /// Residual sum of squares at the optimum.
    pub rss: f64,
    /// Levenberg–Marquardt iterations (Jacobian evaluations) used.
    pub iterations: usize,
    /// Whether a convergence test (ftol, xtol or gtol) was met.
    pub converged: bool,
    /// The starting values of the run that produced this fit.
    pub start: BassParams,
    /// Where those starting values came from.
    pub start_source: StartSource,
}

impl NlsFit {
    /// The point estimates as a [`BassParams`].
    pub fn params(&self) -> BassParams {
        BassParams {
            p: self.p.estimate,
            q: self.q.estimate,
            m: self.m.estimate,
        }
    }
}

/// Stopping rules for Levenberg–Marquardt (MINPACK-style meanings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LmOptions {
    /// Maximum number of iterations.
    pub max_iterations: usize,
    /// Stop when actual and predicted relative RSS reductions are both <= ftol.
    pub ftol: f64,
    /// Stop when every |step_i| <= xtol (|x_i| + xtol).
    pub xtol: f64,
    /// Stop when max_i |(J'r)_i| / sqrt((J'J)_ii RSS) <= gtol.
    pub gtol: f64,
}

impl Default for LmOptions {
    fn default() -> Self {
        Self {
            max_iterations: 200,
            ftol: 1e-14,
            xtol: 1e-13,
            gtol: 1e-12,
        }
    }
}

/// Cumulative adoption fraction F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
///
/// Evaluated as p (1 - e) / (p + q e), which is finite for p > 0 and p + q > 0.
pub fn bass_cdf(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    p * (1.0 - e) / (p + q * e)
}

/// Per-period sales m [F(t) - F(t-1)] for t = 1..=periods.
///
/// Outside p > 0, p + q > 0 the values may be non-finite (never a panic).
pub fn bass_curve(p: f64, q: f64, m: f64, periods: usize) -> Vec<f64> {
    (1..=periods)
        .map(|t| m * (bass_cdf(p, q, t as f64) - bass_cdf(p, q, t as f64 - 1.0)))
        .collect()
}

/// Bass (1969) OLS estimates from a per-period sales series (T >= 4).
pub fn fit_bass_ols(sales: &[f64]) -> Result<OlsFit, BassError> {
    check_sales(sales, 4)?;
    let mut cum = 0.0;
    let rows: Vec<[f64; 3]> = sales
        .iter()
        .map(|&s| {
            let row = [1.0, cum, cum * cum];
            cum += s;
            row
        })
        .collect();
    let [a, b, c] = lstsq3(&rows, sales).ok_or(BassError::SingularDesign)?;
    if c >= 0.0 {
        return Err(BassError::NonNegativeQuadratic { c });
    }
    let discriminant = b * b - 4.0 * a * c;
    if discriminant < 0.0 {
        return Err(BassError::NegativeDiscriminant { discriminant });
    }
    let m = (-b - discriminant.sqrt()) / (2.0 * c);
    if !(m.is_finite() && m > 0.0) {
        return Err(BassError::NonPositiveMarket { m });
    }
    Ok(OlsFit {
        a,
        b,
        c,
        p: a / m,
        q: -c * m,
        m,
    })
}

/// NLS fit started from the OLS estimates, or from the defaults
/// (p = 0.03, q = 0.38, m = 1.5 x total sales) when OLS fails or gives an
/// invalid start; if the OLS-started run does not converge the default start
/// is tried too, and the converged run with the lower RSS is returned.
pub fn fit_bass_nls(sales: &[f64]) -> Result<NlsFit, BassError> {
    check_sales(sales, 4)?;
    let total: f64 = sales.iter().sum();
    let default = BassParams {
        p: 0.03,
        q: 0.38,
        m: 1.5 * total.abs().max(f64::MIN_POSITIVE),
    };
    let opts = LmOptions::default();
    let from_ols = fit_bass_ols(sales)
        .ok()
        .map(|o| o.params())
        .filter(valid_params)
        .map(|start| run_lm(sales, start, StartSource::Ols, &opts));
    match from_ols {
        Some(Ok(fit)) if fit.converged => Ok(fit),
        other => {
            let fallback = run_lm(sales, default, StartSource::Default, &opts);
            match (other, fallback) {
                (Some(Ok(a)), Ok(b)) if !b.converged || a.rss <= b.rss => Ok(a),
                (Some(Ok(a)), Err(_)) => Ok(a),
                (_, fallback) => fallback,
            }
        }
    }
}

/// NLS fit from caller-supplied starting values and stopping rules.
pub fn fit_bass_nls_from(
    sales: &[f64],
    start: BassParams,
    opts: &LmOptions,
) -> Result<NlsFit, BassError> {
    check_sales(sales, 4)?;
    run_lm(sales, start, StartSource::Caller, opts)
}

fn check_sales(sales: &[f64], need: usize) -> Result<(), BassError> {
    if sales.len() < need {
        return Err(BassError::TooFewPeriods {
            got: sales.len(),
            need,
        });
    }
    match sales.iter().position(|s| !s.is_finite()) {
        Some(index) => Err(BassError::NonFiniteSales { index }),
        None => Ok(()),
    }
}

/// Whether `x` lies in the model's domain: p > 0, p + q > 0, all finite.
fn valid_params(x: &BassParams) -> bool {
    x.p > 0.0 && x.p + x.q > 0.0 && x.p.is_finite() && x.q.is_finite() && x.m.is_finite()
}
