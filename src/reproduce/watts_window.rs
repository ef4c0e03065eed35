//! The Watts cascade window on Erdős–Rényi: the probability and size of global
//! cascades by mean degree, and a top-10% seed (Watts & Dodds 2007).

use super::{curve, load, outbreaks, row, set, set_int, simulate, theory};
use super::{Experiment, Scale};
use crate::error::{Result, WomError};
use crate::scenario::Override;
use std::path::Path;

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "watts-window.toml";
    let base = load(dir, file, scale, vec![])?;
    let phi = match base.word_of_mouth.rule {
        crate::scenario::Rule::Threshold {
            threshold: crate::scenario::Threshold::Fixed(phi),
        } => phi,
        _ => {
            return Err(WomError::Runtime(format!(
                "{file} must use a fixed threshold"
            )))
        }
    };
    let mut rows = Vec::new();
    for z in [0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0] {
        let s = load(dir, file, scale, vec![set("population.mean_degree", z)])?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.1);
        let d = theory::poisson(z);
        rows.push(row(
            "P(global cascade), random seed",
            format!("z = {z}"),
            z,
            p,
            theory::watts_trigger_probability(&d, phi, &d),
        ));
        if size.0 > 0.0 {
            rows.push(row(
                "global-cascade share",
                format!("z = {z}"),
                z,
                size,
                theory::watts_cascade_size(&d, phi, 1.0 / n as f64),
            ));
        }
    }
    // Watts & Dodds (2007): a seed from the top 10% of degrees, mid-window.
    let z = 4.0;
    let d = theory::poisson(z);
    let mut cumulative = 0.0;
    let top_min = d
        .iter()
        .rev()
        .find(|&&(_, p)| {
            cumulative += p;
            cumulative >= 0.1
        })
        .map_or(1, |&(k, _)| k);
    let top: Vec<(u32, f64)> = d.iter().copied().filter(|&(k, _)| k >= top_min).collect();
    let s = load(
        dir,
        file,
        scale,
        vec![
            set("population.mean_degree", z),
            Override::new(
                "advocates.choose",
                toml::Value::String("degree_band".into()),
            ),
            set_int("advocates.min_degree", i64::from(top_min)),
            set_int("advocates.max_degree", 1_000_000),
        ],
    )?;
    let (n, results) = simulate(&s)?;
    let (p, _) = outbreaks(&results, n, 0.1);
    rows.push(row(
        "P(global cascade), top-10% seed",
        format!("z = {z}, seed degree >= {top_min}"),
        z,
        p,
        theory::watts_trigger_probability(&d, phi, &top),
    ));
    let lower = 0.3;
    Ok(Experiment {
        name: "watts-window",
        title: format!("Watts cascade window on Erdős–Rényi (threshold {phi})"),
        axes: ("mean degree z".into(), "probability / share".into()),
        layout: Default::default(),
        curves: vec![
            (
                "P(global) = 1 − G0(u)".into(),
                curve(lower, 12.0, |z| {
                    let d = theory::poisson(z);
                    theory::watts_trigger_probability(&d, phi, &d)
                }),
            ),
            (
                "global-cascade share (Gleeson & Cahalane 2007)".into(),
                curve(lower, 12.0, |z| {
                    let d = theory::poisson(z);
                    if theory::watts_cascade_condition(&d, phi) > 0.0 {
                        theory::watts_cascade_size(&d, phi, 1e-4)
                    } else {
                        0.0
                    }
                }),
            ),
        ],
        plotted: vec![
            "P(global cascade), random seed".into(),
            "global-cascade share".into(),
        ],
        rows,
    })
}
