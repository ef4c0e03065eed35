//! Bass on a well-mixed population: the simulated curve against the closed form
//! and the discrete map, for shrinking time steps.

use super::{curve, load, mean_curve, row, set, set_int, simulate, theory};
use super::{Experiment, Scale};
use crate::error::{Result, WomError};
use std::path::Path;

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "bass-complete.toml";
    let base = load(dir, file, scale, vec![])?;
    let crate::scenario::Rule::Bass { p, q, .. } = base.word_of_mouth.rule else {
        return Err(WomError::Runtime(format!("{file} must use the bass rule")));
    };
    let horizon = f64::from(base.simulation.steps);
    let mut rows = Vec::new();
    let mut curves = vec![(
        "closed form F(t)".to_string(),
        curve(0.0, horizon, |t| theory::bass_closed_form(p, q, t)),
    )];
    for dt in [1.0, 0.5, 0.2, 0.1] {
        let steps = (horizon / dt).round() as i64;
        let s = load(
            dir,
            file,
            scale,
            vec![
                set("word_of_mouth.dt", dt),
                set_int("simulation.steps", steps),
            ],
        )?;
        let (n, results) = simulate(&s)?;
        let simulated = mean_curve(&results, n);
        let map = theory::bass_discrete(p, q, dt, steps as usize);
        let closed = |i: usize| theory::bass_closed_form(p, q, (i + 1) as f64 * dt);
        let sim_error = (0..simulated.len())
            .map(|i| (simulated[i] - closed(i)).abs())
            .fold(0.0, f64::max);
        let map_error = (0..map.len())
            .map(|i| (map[i] - closed(i)).abs())
            .fold(0.0, f64::max);
        let vs_map = (0..map.len())
            .map(|i| (simulated[i] - map[i]).abs())
            .fold(0.0, f64::max);
        // se of a mean share: at most sqrt(0.25 / (N R)).
        let se = (0.25 / (n as f64 * results.len() as f64)).sqrt();
        rows.push(row(
            "max |F_sim − closed form|",
            format!("dt = {dt}"),
            dt,
            (sim_error, se),
            map_error,
        ));
        rows.push(row(
            "max |F_sim − discrete map|",
            format!("dt = {dt}"),
            dt,
            (vs_map, se),
            0.0,
        ));
        if dt == 1.0 || dt == 0.1 {
            curves.push((
                format!("discrete map, dt = {dt}"),
                map.iter()
                    .enumerate()
                    .map(|(i, &f)| ((i + 1) as f64 * dt, f))
                    .collect(),
            ));
        }
    }
    Ok(Experiment {
        name: "bass",
        title: format!("Bass on a well-mixed population (p = {p}, q = {q})"),
        axes: ("time step dt".into(), "largest gap in adopted share".into()),
        layout: Default::default(),
        curves: vec![(
            "max |discrete map − closed form|".into(),
            [1.0, 0.5, 0.2, 0.1, 0.05, 0.02]
                .iter()
                .map(|&dt| {
                    let steps = (horizon / dt).round() as usize;
                    let map = theory::bass_discrete(p, q, dt, steps);
                    let gap = (0..steps)
                        .map(|i| {
                            (map[i] - theory::bass_closed_form(p, q, (i + 1) as f64 * dt)).abs()
                        })
                        .fold(0.0, f64::max);
                    (dt, gap)
                })
                .collect(),
        )],
        plotted: vec!["max |F_sim − closed form|".into()],
        rows,
    })
}
