//! Expected spread of seed sets under independent cascade (Kempe, Kleinberg &
//! Tardos), simulated against the exact value from all live-edge graphs.

use super::{curve, load, mean_se, row, simulate, theory};
use super::{Experiment, Scale};
use crate::error::{Result, WomError};
use crate::results::files;
use crate::scenario::Override;
use std::path::Path;

pub(super) fn run(dir: &Path, scale: Scale) -> Result<Experiment> {
    let file = "kkt-submodular.toml";
    let base = load(dir, file, scale, vec![])?;
    let edge_path = match &base.population {
        crate::scenario::PopulationSpec::EdgeList { path, .. } => path.clone(),
        _ => return Err(WomError::Runtime(format!("{file} must use an edge list"))),
    };
    let list = crate::graph::edge_list::read_edge_list(&edge_path, Default::default())?;
    let labels = list.labels;
    let nodes = list.csr.node_count();
    let mut edges = Vec::new();
    for u in 0..nodes as u32 {
        for &v in list.csr.neighbors(u) {
            if u < v {
                edges.push((u, v));
            }
        }
    }
    let p = base.word_of_mouth.conversion;
    let sets: Vec<Vec<u32>> = vec![
        vec![0],
        vec![3],
        vec![6],
        vec![0, 3],
        vec![0, 6],
        vec![3, 6],
        vec![0, 3, 6],
        vec![0, 3, 6, 7],
        vec![0, 7],
    ];
    let scratch = tempfile::Builder::new()
        .prefix("wom-kkt-")
        .tempdir()
        .map_err(|e| files::write_error(&std::env::temp_dir(), e))?;
    let mut rows = Vec::new();
    for (i, set_ids) in sets.iter().enumerate() {
        let seeds = scratch.path().join(format!("seeds-{i}.txt"));
        let text: String = set_ids
            .iter()
            .map(|&v| format!("{}\n", labels.label(v)))
            .collect();
        std::fs::write(&seeds, text).map_err(|e| files::write_error(&seeds, e))?;
        let s = load(
            dir,
            file,
            scale,
            vec![Override::new(
                "advocates.path",
                toml::Value::String(seeds.display().to_string()),
            )],
        )?;
        let (_, results) = simulate(&s)?;
        let spread: Vec<f64> = results
            .iter()
            .map(|r| f64::from(r.outcome.adopters))
            .collect();
        let names: Vec<String> = set_ids.iter().map(|&v| labels.label(v)).collect();
        let exact = theory::ic_spread_exact(nodes, &edges, p, set_ids);
        rows.push(row(
            "expected spread σ(S)",
            format!("S = {{{}}}", names.join(", ")),
            exact,
            mean_se(&spread),
            exact,
        ));
    }
    let _ = scratch.close();
    Ok(Experiment {
        name: "kkt-submodular",
        title: format!("Expected spread, simulated and exact (p = {p})"),
        axes: ("exact σ(S) from all live-edge graphs".into(), "σ(S)".into()),
        layout: Default::default(),
        curves: vec![("σ simulated = σ exact".into(), curve(1.0, 8.0, |x| x))],
        plotted: vec!["expected spread σ(S)".into()],
        rows,
    })
}
