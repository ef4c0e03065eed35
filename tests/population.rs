//! Populations are pure functions of (scenario, seed, replicate): same seed, same
//! graph; another seed or replicate, another graph. (Building uses no threads; that
//! results do not depend on the thread count is tested on `wom run`'s files in
//! tests/run_outputs.rs.)

use std::path::Path;
use wom::graph::{self, Csr, Population};
use wom::scenario::{self, PopulationSpec};

fn specs() -> Vec<PopulationSpec> {
    let text = |body: &str| format!("[population]\n{body}\n");
    [
        "generator = \"erdos_renyi\"\nnodes = 3000\nmean_degree = 6",
        "generator = \"barabasi_albert\"\nnodes = 3000\nattach = 3",
        "generator = \"watts_strogatz\"\nnodes = 3000\nneighbors = 6\nrewire = 0.2",
        "generator = \"configuration\"\nnodes = 3000\ndegrees = { \"3\" = 0.8, \"20\" = 0.2 }",
        "generator = \"configuration\"\nnodes = 3000\npower_law = { exponent = 2.5, min = 2, max = 300 }",
        "generator = \"stochastic_block\"\nblocks = [1500, 1500]\np_in = 0.004\np_out = 0.0004",
    ]
    .iter()
    .map(|body| {
        scenario::parse(&text(body), Path::new("t.toml"), &[])
            .expect("valid scenario")
            .population
    })
    .collect()
}

fn graph(p: &Population) -> &Csr {
    p.graph().expect("an explicit graph")
}

#[test]
fn same_seed_gives_the_same_graph_another_seed_or_replicate_another() {
    for spec in specs() {
        let a = graph::build(&spec, 42, 0).unwrap();
        let b = graph::build(&spec, 42, 0).unwrap();
        let c = graph::build(&spec, 43, 0).unwrap();
        let d = graph::build(&spec, 42, 1).unwrap();
        assert_eq!(graph(&a), graph(&b), "{spec:?}");
        assert_ne!(graph(&a), graph(&c), "{spec:?}");
        assert_ne!(graph(&a), graph(&d), "replicate graphs differ: {spec:?}");
    }
}

#[test]
fn weighted_string_labelled_edge_list_from_a_scenario() {
    let s = scenario::load(Path::new("tests/fixtures/edges-weighted.toml"), &[]).unwrap();
    let p = graph::build(&s.population, s.simulation.seed, 0).unwrap();
    let g = graph(&p);
    assert_eq!(g.node_count(), 4);
    assert_eq!(g.tie_count(), 4);
    assert!(g.is_weighted());
    let labels = p.labels.as_ref().unwrap();
    let alice = (0..4).find(|&i| labels.label(i) == "alice").unwrap();
    let bob = (0..4).find(|&i| labels.label(i) == "bob").unwrap();
    let at = g.neighbors(alice).iter().position(|&v| v == bob).unwrap();
    assert_eq!(g.neighbor_weights(alice).unwrap()[at], 0.5);
}
