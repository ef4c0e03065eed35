//! Bond percolation on Erdős–Rényi: the probability and size of a large outbreak
//! against S = 1 − exp(−cTS), subcritical mean outbreaks, and seeded final shares.

use super::{curve, load, mean_degree_of, mean_se, outbreaks, row, set, simulate, theory};
use super::{Experiment, Scale};
use crate::error::Result;
use crate::results::plots::{SecondPanel, ValidationLayout};

/// The quantity of the subcritical rows, drawn in a panel of their own.
const SUBCRITICAL: &str = "mean outbreak, one seed (subcritical)";
/// Its theory curve.
const SUBCRITICAL_THEORY: &str = "E[outbreak] = 1 / (1 − cT), T < 1/c";
use crate::scenario::Override;
use std::path::Path;

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "er-percolation.toml";
    let base = load(dir, file, scale, vec![])?;
    let c = mean_degree_of(&base);
    let mut rows = Vec::new();
    for t in [0.25, 0.3, 0.4, 0.6] {
        let s = load(dir, file, scale, vec![set("word_of_mouth.conversion", t)])?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.05);
        let theory = theory::er_outbreak_size(c, t);
        rows.push(row("P(large outbreak)", format!("T = {t}"), t, p, theory));
        rows.push(row(
            "large-outbreak share",
            format!("T = {t}"),
            t,
            size,
            theory,
        ));
    }
    for t in [0.05, 0.1, 0.15] {
        let s = load(dir, file, scale, vec![set("word_of_mouth.conversion", t)])?;
        let (_, results) = simulate(&s)?;
        let sizes: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.outcome.adopters))
            .collect();
        rows.push(row(
            SUBCRITICAL,
            format!("T = {t}"),
            t,
            mean_se(&sizes),
            theory::er_subcritical_mean(c, t),
        ));
    }
    for t in [0.1, 0.4] {
        let rho = 0.02;
        let s = load(
            dir,
            file,
            scale,
            vec![
                set("word_of_mouth.conversion", t),
                Override::new(
                    "advocates",
                    toml::Value::Table(toml::Table::from_iter([(
                        "share".to_string(),
                        toml::Value::Float(rho),
                    )])),
                ),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let shares: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.outcome.adopters) / n as f64)
            .collect();
        rows.push(row(
            "final share, 2% seeded",
            format!("T = {t}"),
            t,
            mean_se(&shares),
            theory::er_outbreak_size_seeded(c, t, rho),
        ));
    }
    Ok(Experiment {
        name: "er-percolation",
        title: format!("Bond percolation on Erdős–Rényi (c = {c})"),
        axes: (
            "transmissibility T".into(),
            "share of consumers / probability".into(),
        ),
        layout: ValidationLayout {
            x_categories: None,
            second_panel: Some(SecondPanel {
                y_description: "mean outbreak from one seed (consumers)".into(),
                series: vec![SUBCRITICAL.into(), SUBCRITICAL_THEORY.into()],
            }),
        },
        curves: vec![
            (
                "S = 1 − exp(−cTS)".into(),
                curve(0.15, 0.65, |t| theory::er_outbreak_size(c, t)),
            ),
            (
                "S = 1 − (1 − ρ) exp(−cTS), ρ = 2%".into(),
                curve(0.05, 0.65, |t| theory::er_outbreak_size_seeded(c, t, 0.02)),
            ),
            (
                SUBCRITICAL_THEORY.into(),
                curve(0.02, 0.85 / c, |t| theory::er_subcritical_mean(c, t)),
            ),
        ],
        // The i-th series shares the i-th theory curve's colour; P(large outbreak)
        // follows S = 1 − exp(−cTS) too, and comes last with its own colour and marker.
        plotted: vec![
            "large-outbreak share".into(),
            "final share, 2% seeded".into(),
            SUBCRITICAL.into(),
            "P(large outbreak)".into(),
        ],
        rows,
    })
}
