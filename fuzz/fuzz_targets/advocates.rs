//! An advocate file (one node label per line) against two populations: an edge
//! list with text labels and a generated one labelled 0..n.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;
use wom::graph::edge_list::{parse_edge_list, EdgeListOptions};
use wom::graph::{Population, Topology};
use wom::sim::advocates::parse_advocate_file;

fn populations() -> &'static [Population; 2] {
    static POPULATIONS: OnceLock<[Population; 2]> = OnceLock::new();
    POPULATIONS.get_or_init(|| {
        let text = "alice bob\nbob carol\n7 alice\nδ 0\n";
        let g = parse_edge_list(text.as_bytes(), "fuzz.txt", EdgeListOptions::default())
            .expect("a valid edge list");
        let labelled = Population {
            topology: Topology::Network(g.csr),
            labels: Some(g.labels),
            cleaning: g.cleaning,
            build_seconds: 0.0,
        };
        let generated = Population {
            topology: Topology::Complete { nodes: 50 },
            labels: None,
            cleaning: Default::default(),
            build_seconds: 0.0,
        };
        [labelled, generated]
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for population in populations() {
        if let Ok(ids) = parse_advocate_file(text, Path::new("a.txt"), population) {
            assert!(ids.iter().all(|&id| u64::from(id) < population.nodes()));
        }
    }
});
