//! Trust per consumer or per recommendation (Miller): the same outbreak
//! probability, different outbreak sizes.

use super::{load, mean_degree_of, outbreaks, row, simulate, theory};
use super::{Experiment, Scale};
use crate::error::Result;
use crate::results::plots::ValidationLayout;
use crate::scenario::Override;
use std::path::Path;

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "miller-trust.toml";
    let base = load(dir, file, scale, vec![])?;
    let c = mean_degree_of(&base);
    let (conversion, trust) = (base.word_of_mouth.conversion, base.word_of_mouth.trust);
    let homogeneous = theory::er_outbreak_size(c, conversion * trust);
    let heterogeneous =
        theory::er_heterogeneous_size(c, &[(conversion, trust), (0.0, 1.0 - trust)]);
    let mut rows = Vec::new();
    for (x, mode, size_theory) in [
        (0.0, "exposure", homogeneous),
        (1.0, "consumer", heterogeneous),
    ] {
        let s = load(
            dir,
            file,
            scale,
            vec![Override::new(
                "word_of_mouth.trust_mode",
                toml::Value::String(mode.into()),
            )],
        )?;
        let (n, results) = simulate(&s)?;
        let (p, size) = outbreaks(&results, n, 0.05);
        rows.push(row(
            "P(large outbreak)",
            format!("trust_mode = {mode}"),
            x,
            p,
            homogeneous,
        ));
        rows.push(row(
            "large-outbreak share",
            format!("trust_mode = {mode}"),
            x,
            size,
            size_theory,
        ));
    }
    Ok(Experiment {
        name: "miller-trust",
        title: format!("Trust per consumer or per recommendation (c = {c}, trust {trust})"),
        axes: ("trust_mode".into(), "share / probability".into()),
        layout: ValidationLayout {
            x_categories: Some(vec![
                "exposure (trust drawn per recommendation)".into(),
                "consumer (trust drawn per consumer)".into(),
            ]),
            second_panel: None,
        },
        curves: vec![
            (
                "P(large), both modes".into(),
                vec![(0.0, homogeneous), (1.0, homogeneous)],
            ),
            (
                "share: 1 − E[exp(−cτS)]".into(),
                vec![(0.0, homogeneous), (1.0, heterogeneous)],
            ),
        ],
        plotted: vec!["P(large outbreak)".into(), "large-outbreak share".into()],
        rows,
    })
}
