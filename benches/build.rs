//! Population building: the generators and the edge-list reader.
//!
//! Run: cargo bench --bench build

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use wom::graph::edge_list::{read_edge_list, EdgeListOptions};
use wom::graph::generators;
use wom::rng::{stream, Stream};

fn generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate_1m");
    group.sample_size(10);
    group.bench_function("erdos_renyi_k10", |b| {
        b.iter(|| generators::erdos_renyi(1_000_000, 10.0, &mut stream(1, 0, Stream::Graph)))
    });
    group.bench_function("barabasi_albert_m5", |b| {
        b.iter(|| generators::barabasi_albert(1_000_000, 5, &mut stream(1, 0, Stream::Graph)))
    });
    group.bench_function("watts_strogatz_k10_b0.1", |b| {
        b.iter(|| generators::watts_strogatz(1_000_000, 10, 0.1, &mut stream(1, 0, Stream::Graph)))
    });
    group.finish();
}

fn edge_lists(c: &mut Criterion) {
    let mut group = c.benchmark_group("edge_list");
    group.sample_size(10);
    let facebook = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/facebook_combined.txt.gz");
    let enron = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/email-Enron.txt.gz");
    group.bench_function("facebook_combined", |b| {
        b.iter(|| read_edge_list(&facebook, EdgeListOptions::default()).unwrap())
    });
    group.bench_function("email_enron_gz", |b| {
        b.iter(|| read_edge_list(&enron, EdgeListOptions::default()).unwrap())
    });
    group.finish();
}

criterion_group!(build, generators, edge_lists);
criterion_main!(build);
