//! Calibration: fit the Bass model to a sales file (`wom fit --bass DATA.csv`).
//!
//! Reads the series with [`crate::decide::sales`], then fits it twice with
//! [`crate::decide::bass_fit`]: Bass's (1969) OLS regression, kept for comparison
//! and as the starting point, and the Srinivasan & Mason (1986) nonlinear least
//! squares on the closed form, which is the estimate reported.

use crate::decide::bass_fit::{
    bass_cdf, bass_curve, fit_bass_nls, fit_bass_ols, BassError, NlsFit, OlsFit,
};
use crate::decide::sales::read_sales_csv;
use crate::error::{Diagnostic, Result, WomError};
use std::path::{Path, PathBuf};

/// How the reported estimates were obtained (also written to `fit.json`).
pub const BASS_METHOD: &str = "nonlinear least squares on the Bass closed form (Srinivasan & Mason 1986), Levenberg-Marquardt";

/// A Bass model fitted to one sales file.
#[derive(Debug, Clone)]
pub struct BassCalibration {
    /// The data file, as given.
    pub data: PathBuf,
    /// Sales per period; element `t - 1` is period `t`.
    pub sales: Vec<f64>,
    /// Bass's (1969) OLS estimates, or why they do not exist for this series.
    pub ols: std::result::Result<OlsFit, BassError>,
    /// The nonlinear least-squares fit: the reported estimates.
    pub nls: NlsFit,
}

impl BassCalibration {
    /// Number of periods T in the data.
    pub fn periods(&self) -> usize {
        self.sales.len()
    }

    /// Root mean squared error per period, sqrt(RSS / T), in the unit of the sales.
    pub fn rmse(&self) -> f64 {
        (self.nls.rss / self.periods() as f64).sqrt()
    }

    /// The fitted per-period sales m [F(t) - F(t-1)], t = 1..=T.
    pub fn fitted_sales(&self) -> Vec<f64> {
        let x = self.nls.params();
        bass_curve(x.p, x.q, x.m, self.periods())
    }

    /// The fitted cumulative sales m F(t) at t (t need not be a whole period).
    pub fn fitted_cumulative(&self, t: f64) -> f64 {
        let x = self.nls.params();
        x.m * bass_cdf(x.p, x.q, t)
    }

    /// Cumulative adopters after `steps` steps of the discrete Bass map that wom's
    /// `bass` rule follows on a well-mixed population,
    /// F(t + dt) = F(t) + (1 - F(t)) min(1, (p + q F(t)) dt) from F(0) = 0, times m, with the
    /// fitted p, q and m. It approaches [`Self::fitted_cumulative`] at steps x dt
    /// as dt -> 0.
    pub fn discrete_cumulative(&self, dt: f64, steps: usize) -> f64 {
        let x = self.nls.params();
        let mut f = 0.0_f64;
        for _ in 0..steps {
            f += (1.0 - f) * ((x.p + x.q * f) * dt).min(1.0);
        }
        x.m * f
    }
}

/// Read `data` and fit the Bass model to it. Bad data, and a series the model
/// cannot be fitted to, are input errors naming the file.
pub fn calibrate_bass(data: &Path) -> Result<BassCalibration> {
    let sales = read_sales_csv(data)?;
    let ols = fit_bass_ols(&sales);
    let nls = fit_bass_nls(&sales).map_err(|e| {
        WomError::input(
            Diagnostic::new(format!(
                "the Bass model cannot be fitted to these sales ({e}){}",
                match &ols {
                    Err(ols) => format!("; Bass's OLS regression failed too ({ols})"),
                    Ok(_) => String::new(),
                }
            ))
            .file(data)
            .help(
                "the Bass model needs sales that rise and then level off or fall; \
                 check the series starts at launch and is not all zeros",
            ),
        )
    })?;
    Ok(BassCalibration {
        data: data.to_path_buf(),
        sales,
        ols,
        nls,
    })
}
