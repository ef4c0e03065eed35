//! Hub or leaf seed on a power-law configuration network: the probability of a
//! large outbreak by the seed's degree, the outbreak's size, and the threshold T_c.

use super::{curve, load, outbreaks, row, set, set_int, simulate, theory};
use super::{Experiment, Row, Scale};
use crate::error::{Result, WomError};
use std::path::Path;

/// The truncated power law the configuration scenario asks for.
fn power_law(exponent: f64, min: u32, max: u32) -> Vec<(u32, f64)> {
    let weights: Vec<(u32, f64)> = (min..=max)
        .map(|k| (k, f64::from(k).powf(-exponent)))
        .collect();
    let total: f64 = weights.iter().map(|w| w.1).sum();
    weights.into_iter().map(|(k, w)| (k, w / total)).collect()
}

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "configuration-hubs.toml";
    let base = load(dir, file, scale, vec![])?;
    let degrees = match &base.population {
        crate::scenario::PopulationSpec::Configuration {
            degrees: crate::scenario::DegreeDistribution::PowerLaw { exponent, min, max },
            ..
        } => power_law(*exponent, *min, *max),
        _ => {
            return Err(WomError::Runtime(format!(
                "{file} must use a power-law configuration model"
            )))
        }
    };
    let t = base.word_of_mouth.conversion;
    let mut rows = Vec::new();
    let mut size_estimates = Vec::new();
    for k in [2u32, 4, 8, 16, 32] {
        let s = load(
            dir,
            file,
            scale,
            vec![
                set_int("advocates.min_degree", i64::from(k)),
                set_int("advocates.max_degree", i64::from(k)),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.02);
        rows.push(row(
            "P(large outbreak | seed degree k)",
            format!("k = {k}"),
            f64::from(k),
            p,
            theory::outbreak_probability_from_degree(&degrees, t, k),
        ));
        if size.0 > 0.0 {
            size_estimates.push(size);
        }
    }
    // Pool the large-outbreak sizes of all seed degrees (they share one giant).
    let pooled = size_estimates
        .iter()
        .fold((0.0, 0.0, 0.0), |(m, w, v), &(mean, se)| {
            let weight = if se > 0.0 { 1.0 / (se * se) } else { 1.0 };
            (m + weight * mean, w + weight, v + weight)
        });
    let pooled_mean = pooled.0 / pooled.1;
    rows.push(row(
        "large-outbreak share",
        format!("T = {t}"),
        t,
        (pooled_mean, (1.0 / pooled.2).sqrt()),
        theory::percolation_size(&degrees, t),
    ));
    let tc = theory::percolation_threshold(&degrees);
    rows.push(Row {
        quantity: "threshold T_c = <k>/(<k²> − <k>)".into(),
        setting: "power law 2.5 on 2..100".into(),
        x: 0.0,
        simulated: f64::NAN,
        se: f64::NAN,
        theory: tc,
    });
    // Either side of the threshold, seeded at a hub (k = 32) where an outbreak is
    // likeliest: none below, S above.
    for factor in [0.5, 2.0] {
        let t_here = factor * tc;
        let s = load(
            dir,
            file,
            scale,
            vec![
                set("word_of_mouth.conversion", t_here),
                set_int("advocates.min_degree", 32),
                set_int("advocates.max_degree", 32),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let (p, _) = outbreaks(&results, n, 0.02);
        let theory = if factor < 1.0 {
            0.0
        } else {
            theory::outbreak_probability_from_degree(&degrees, t_here, 32)
        };
        rows.push(row(
            "P(large outbreak) either side of T_c, seed degree 32",
            format!("T = {factor} T_c = {t_here:.4}"),
            t_here,
            p,
            theory,
        ));
    }
    Ok(Experiment {
        name: "configuration-hubs",
        title: format!("Hub or leaf seed on a power-law network (T = {t})"),
        axes: (
            "degree k of the one seed".into(),
            "probability of a large outbreak".into(),
        ),
        layout: Default::default(),
        curves: vec![(
            "1 − u^k, u = 1 − T + T G1(u)".into(),
            curve(2.0, 32.0, |k| {
                1.0 - theory::percolation_u(&degrees, t).powf(k)
            }),
        )],
        plotted: vec!["P(large outbreak | seed degree k)".into()],
        rows,
    })
}
