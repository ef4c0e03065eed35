//! Bass on a ring: the adopted share against Fibich & Gibori (2010), with the
//! well-mixed closed form for contrast.

use super::{curve, load, mean_curve, mean_se, row, simulate, theory};
use super::{Experiment, Row, Scale};
use crate::error::{Result, WomError};
use std::path::Path;

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "bass-ring.toml";
    let base = load(dir, file, scale, vec![])?;
    let crate::scenario::Rule::Bass { p, q, dt } = base.word_of_mouth.rule else {
        return Err(WomError::Runtime(format!("{file} must use the bass rule")));
    };
    let (n, results) = simulate(&base)?;
    let simulated = mean_curve(&results, n);
    let mut rows = Vec::new();
    let horizon = simulated.len() as f64 * dt;
    for t in [2.5, 5.0, 10.0, 15.0, 20.0] {
        if t > horizon + 1e-9 {
            continue;
        }
        let i = ((t / dt).round() as usize).saturating_sub(1);
        let shares: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.curve[i].adopters) / n as f64)
            .collect();
        rows.push(row(
            "adopted share on the ring",
            format!("t = {t}"),
            t,
            mean_se(&shares),
            theory::bass_ring(p, q, t),
        ));
        rows.push(Row {
            quantity: "well-mixed closed form, for contrast".into(),
            setting: format!("t = {t}"),
            x: t,
            simulated: f64::NAN,
            se: f64::NAN,
            theory: theory::bass_closed_form(p, q, t),
        });
    }
    Ok(Experiment {
        name: "bass-ring",
        title: format!("Bass on a ring (p = {p}, q = {q}, dt = {dt})"),
        axes: ("time t".into(), "adopted share".into()),
        layout: Default::default(),
        curves: vec![
            (
                "ring: Fibich & Gibori (2010)".into(),
                curve(0.0, horizon, |t| theory::bass_ring(p, q, t)),
            ),
            (
                "well mixed: Bass (1969)".into(),
                curve(0.0, horizon, |t| theory::bass_closed_form(p, q, t)),
            ),
        ],
        plotted: vec!["adopted share on the ring".into()],
        rows,
    })
}
