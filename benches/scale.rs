//! Scale: building 10-million-consumer populations and reading a big edge list,
//! each timed once (criterion's ten samples would take minutes, and the test suite
//! is no place for a measurement that asserts nothing).
//!
//! Run: `cargo bench --bench scale` (everything), or name the parts to run:
//! `cargo bench --bench scale -- er ba edge_list`. The edge list is the file named
//! by `WOM_EDGE_BENCH` (`WOM_EDGE_BENCH=/tmp/big.txt cargo bench --bench scale --
//! edge_list`). For the peak RSS, run the bench binary that cargo prints under
//! `/usr/bin/time -v` with `--bench er` (or `ba`).
//!
//! Without `--bench` (as `cargo test --benches` runs it) every part runs once at a
//! small size, and the edge list is the shipped ego-Facebook graph, to check that
//! the code still works.

use std::path::{Path, PathBuf};
use std::time::Instant;

use wom::graph::edge_list::{read_edge_list, EdgeListOptions};
use wom::graph::generators::{barabasi_albert, erdos_renyi};
use wom::graph::Csr;
use wom::rng::{stream, Stream};

fn report(what: &str, g: &Csr, seconds: f64) {
    println!(
        "{what}: {} ties in {seconds:.2} s, CSR {} MB",
        g.tie_count(),
        g.heap_bytes() >> 20
    );
}

/// Erdős–Rényi with mean degree 10 (the former `big_er` test).
fn er(nodes: u32) {
    let start = Instant::now();
    let g = erdos_renyi(nodes, 10.0, &mut stream(100, 0, Stream::Graph));
    report(
        &format!("ER n = {nodes}, c = 10"),
        &g,
        start.elapsed().as_secs_f64(),
    );
}

/// Barabási–Albert with attach = 5 (the former `big_ba` test).
fn ba(nodes: u32) {
    let start = Instant::now();
    let g = barabasi_albert(nodes, 5, &mut stream(101, 0, Stream::Graph));
    report(
        &format!("BA n = {nodes}, m = 5"),
        &g,
        start.elapsed().as_secs_f64(),
    );
}

/// Parse and freeze an edge list: MB/s of input (the former `throughput` test).
fn edge_list(path: &Path) {
    let bytes = std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .len() as f64;
    let start = Instant::now();
    let g = read_edge_list(path, EdgeListOptions::default()).unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}: {:.0} MB in {secs:.2} s = {:.0} MB/s; {} nodes, {} ties, {} duplicates",
        path.display(),
        bytes / 1e6,
        bytes / 1e6 / secs,
        g.csr.node_count(),
        g.csr.tie_count(),
        g.cleaning.duplicates
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let measuring = args.iter().any(|a| a == "--bench");
    let wanted: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let runs = |part: &str| wanted.is_empty() || wanted.contains(&part);
    let nodes = if measuring { 10_000_000 } else { 10_000 };
    if runs("er") {
        er(nodes);
    }
    if runs("ba") {
        ba(nodes);
    }
    if runs("edge_list") {
        match std::env::var_os("WOM_EDGE_BENCH") {
            Some(path) => edge_list(Path::new(&path)),
            None if !measuring => edge_list(
                &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/facebook_combined.txt.gz"),
            ),
            None => println!("edge_list: set WOM_EDGE_BENCH to an edge list file to time it"),
        }
    }
}
