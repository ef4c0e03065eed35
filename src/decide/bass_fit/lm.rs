//! Levenberg–Marquardt for the Srinivasan–Mason closed form, with an analytic Jacobian.

use super::linalg::scaled_inverse;
use super::{valid_params, BassError, BassParams, Estimate, LmOptions, NlsFit, StartSource};

/// RSS, J'J and J'r (r = y - f) at a point of the model's domain.
struct Eval {
    rss: f64,
    jtj: [[f64; 3]; 3],
    jtr: [f64; 3],
}

/// F(t), dF/dp and dF/dq, from F = p (1 - e) / (p + q e), e = exp(-(p+q) t).
fn cdf_grad(p: f64, q: f64, t: f64) -> [f64; 3] {
    let e = (-(p + q) * t).exp();
    let (n, d) = (p * (1.0 - e), p + q * e);
    let (dn_dp, dd_dp) = (1.0 - e + p * t * e, 1.0 - q * t * e);
    let (dn_dq, dd_dq) = (p * t * e, e - q * t * e);
    let d2 = d * d;
    [
        n / d,
        (dn_dp * d - n * dd_dp) / d2,
        (dn_dq * d - n * dd_dq) / d2,
    ]
}

/// Model values and analytic Jacobian rows [ds/dp, ds/dq, ds/dm] for t = 1..=T.
fn model_jacobian(x: BassParams, periods: usize) -> Vec<(f64, [f64; 3])> {
    let mut prev = cdf_grad(x.p, x.q, 0.0);
    (1..=periods)
        .map(|t| {
            let cur = cdf_grad(x.p, x.q, t as f64);
            let df = cur[0] - prev[0];
            let row = [x.m * (cur[1] - prev[1]), x.m * (cur[2] - prev[2]), df];
            prev = cur;
            (x.m * df, row)
        })
        .collect()
}

fn evaluate(sales: &[f64], x: BassParams) -> Option<Eval> {
    if !valid_params(&x) {
        return None;
    }
    let mut ev = Eval {
        rss: 0.0,
        jtj: [[0.0; 3]; 3],
        jtr: [0.0; 3],
    };
    for (&y, (f, row)) in sales.iter().zip(model_jacobian(x, sales.len())) {
        let r = y - f;
        ev.rss += r * r;
        for i in 0..3 {
            ev.jtr[i] += row[i] * r;
            for j in 0..3 {
                ev.jtj[i][j] += row[i] * row[j];
            }
        }
    }
    let finite = ev.rss.is_finite() && ev.jtj.iter().flatten().all(|v| v.is_finite());
    finite.then_some(ev)
}

/// Levenberg–Marquardt from `start` (Marquardt damping λ diag(J'J)), then
/// standard errors from s^2 (J'J)^{-1} at the final point.
pub(super) fn run_lm(
    sales: &[f64],
    start: BassParams,
    start_source: StartSource,
    opts: &LmOptions,
) -> Result<NlsFit, BassError> {
    let mut x = start;
    let mut ev = evaluate(sales, x).ok_or(BassError::InvalidStart)?;
    let (mut lambda, mut iterations, mut converged) = (1e-3_f64, 0, false);
    'outer: while iterations < opts.max_iterations {
        iterations += 1;
        let cosine = (0..3)
            .map(|i| ev.jtr[i].abs() / (ev.jtj[i][i] * ev.rss).sqrt())
            .fold(0.0_f64, f64::max);
        if ev.rss == 0.0 || cosine <= opts.gtol {
            converged = true;
            break;
        }
        loop {
            let mut damped = ev.jtj;
            for (i, row) in damped.iter_mut().enumerate() {
                row[i] += lambda * ev.jtj[i][i];
            }
            let Some(inv) = scaled_inverse(&damped) else {
                lambda *= 10.0;
                if lambda > 1e20 {
                    break 'outer;
                }
                continue;
            };
            let step: [f64; 3] =
                std::array::from_fn(|i| (0..3).map(|j| inv[i][j] * ev.jtr[j]).sum());
            let xs = [x.p, x.q, x.m];
            let small = (0..3).all(|i| step[i].abs() <= opts.xtol * (xs[i].abs() + opts.xtol));
            let cand = BassParams {
                p: x.p + step[0],
                q: x.q + step[1],
                m: x.m + step[2],
            };
            match evaluate(sales, cand) {
                Some(new) if new.rss <= ev.rss => {
                    // Predicted reduction of the linearised model: 2 d'g - d'(J'J)d.
                    let quad: f64 = (0..3)
                        .map(|i| step[i] * (0..3).map(|j| ev.jtj[i][j] * step[j]).sum::<f64>())
                        .sum();
                    let g: f64 = (0..3).map(|i| step[i] * ev.jtr[i]).sum();
                    let predicted = (2.0 * g - quad) / ev.rss;
                    let actual = (ev.rss - new.rss) / ev.rss;
                    converged = small || (actual <= opts.ftol && predicted <= opts.ftol);
                    (x, ev) = (cand, new);
                    lambda = (lambda / 10.0).max(1e-12);
                    break;
                }
                _ if small => {
                    converged = true;
                    break 'outer;
                }
                _ => {
                    lambda *= 10.0;
                    if lambda > 1e20 {
                        break 'outer;
                    }
                }
            }
        }
        if converged {
            break;
        }
    }
    let inv = scaled_inverse(&ev.jtj).ok_or(BassError::SingularJacobian)?;
    let dof = (sales.len() - 3) as f64;
    let s2 = ev.rss / dof;
    let est = |v: f64, i: usize| Estimate {
        estimate: v,
        se: (s2 * inv[i][i]).sqrt(),
    };
    Ok(NlsFit {
        p: est(x.p, 0),
        q: est(x.q, 1),
        m: est(x.m, 2),
        rss: ev.rss,
        iterations,
        converged,
        start,
        start_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::bass_fit::bass_curve;

    /// The analytic Jacobian agrees with central differences.
    #[test]
    fn jacobian_matches_finite_differences() {
        let x = BassParams {
            p: 0.012,
            q: 0.41,
            m: 17000.0,
        };
        let rows = model_jacobian(x, 13);
        let h = [1e-7, 1e-6, 1e-3];
        for (k, hk) in h.iter().enumerate() {
            let shift = |s: f64| {
                let mut v = [x.p, x.q, x.m];
                v[k] += s * hk;
                bass_curve(v[0], v[1], v[2], 13)
            };
            let (up, down) = (shift(1.0), shift(-1.0));
            for (t, (_, row)) in rows.iter().enumerate() {
                let fd = (up[t] - down[t]) / (2.0 * hk);
                assert!(
                    (fd - row[k]).abs() <= 1e-6 * (1.0 + row[k].abs()),
                    "t={t} k={k}"
                );
            }
        }
    }
}
