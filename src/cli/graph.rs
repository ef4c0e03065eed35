//! `wom graph`: build a scenario's population and print its statistics.

use super::{in_file, io_error};
use crate::error::Result;
use crate::graph;
use crate::graph::stats::{self, GraphStats};
use crate::scenario::{self, Override};
use std::io::{self, Write};

pub(super) fn graph(file: &std::path::Path, json: bool, overrides: &[Override]) -> Result<()> {
    let s = scenario::load(file, overrides)?;
    let population =
        graph::build(&s.population, s.simulation.seed, 0).map_err(|e| in_file(e, file))?;
    let stats = stats::graph_stats(&population, s.simulation.seed);
    let mut out = super::terminal();
    if json {
        let text = serde_json::to_string_pretty(&stats).expect("stats serialise");
        writeln!(out, "{text}").map_err(io_error)?;
    } else {
        let title = format!(
            "{} ({}, seed {})",
            file.display(),
            s.population.generator_name(),
            s.simulation.seed
        );
        write_stats(&mut out, &title, &stats).map_err(io_error)?;
    }
    Ok(())
}

fn write_stats(out: &mut impl Write, title: &str, s: &GraphStats) -> io::Result<()> {
    let kind = match (s.directed, s.weighted) {
        (true, true) => "directed, weighted",
        (true, false) => "directed",
        (false, true) => "undirected, weighted",
        (false, false) => "undirected",
    };
    let share = |part: u64| {
        if s.nodes == 0 {
            0.0
        } else {
            100.0 * part as f64 / s.nodes as f64
        }
    };
    writeln!(out, "population   {title}")?;
    writeln!(out, "nodes        {}", s.nodes)?;
    writeln!(
        out,
        "ties         {} ({kind}{})",
        s.ties,
        if s.implicit {
            "; implicit, never stored"
        } else {
            ""
        }
    )?;
    let degree_word = if s.directed { "out-degree" } else { "degree" };
    writeln!(
        out,
        "{degree_word:<12} mean {:.3}, min {}, max {}",
        s.mean_degree, s.min_degree, s.max_degree
    )?;
    let percentiles: Vec<String> = s
        .degree_percentiles
        .iter()
        .map(|(p, d)| format!("p{p} {d}"))
        .collect();
    writeln!(out, "percentiles  {}", percentiles.join(", "))?;
    let how = match s.clustering_sample {
        Some(n) => format!("estimated from {n} sampled nodes"),
        None => "exact".to_string(),
    };
    writeln!(
        out,
        "clustering   {:.4} (average local coefficient, {how})",
        s.clustering
    )?;
    writeln!(
        out,
        "components   {} (largest {} nodes, {:.1}%)",
        s.components,
        s.largest_component,
        share(s.largest_component)
    )?;
    writeln!(
        out,
        "dropped      {} self-loops, {} duplicate ties",
        s.self_loops_dropped, s.duplicates_dropped
    )?;
    writeln!(out, "built in     {:.3} s", s.build_seconds)?;
    Ok(())
}
