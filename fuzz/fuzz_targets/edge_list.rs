//! An edge list file, plain or gzip (by its magic bytes), read unweighted and
//! weighted, undirected and directed (the first byte picks the options).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wom::graph::edge_list::{parse_edge_list_bytes, EdgeListOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let options = EdgeListOptions {
        directed: flags & 1 != 0,
        weighted: flags & 2 != 0,
    };
    // Gzip when the rest starts with the gzip magic bytes (the seed corpus holds
    // gzip files), as `read_edge_list` does.
    if let Ok(g) = parse_edge_list_bytes(bytes, "fuzz.txt", options) {
        assert_eq!(g.labels.len(), g.csr.node_count());
        let lookup = g.labels.lookup();
        for id in 0..g.labels.len() as u32 {
            assert_eq!(lookup.get(&g.labels.label(id)), Some(id));
        }
    }
});
