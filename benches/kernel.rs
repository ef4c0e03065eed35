//! The cascade's hottest loop, `Csr::raise_neighbor_entries` (raise each
//! neighbour's state to a floor, count those below), hand-written on x86-64
//! against the portable loop, over every node of the peers' BA graph shape
//! (Barabási–Albert, 10^5 nodes, 5 ties per new node). The hand-written loop stays
//! only while this shows it ahead (docs/performance.md).
//!
//! Run: cargo bench --bench kernel

use criterion::{criterion_group, criterion_main, Criterion};
use wom::graph::generators::barabasi_albert;
use wom::rng::{stream, Stream};

fn raise(c: &mut Criterion) {
    let mut rng = stream(1, 0, Stream::Graph);
    let g = barabasi_albert(100_000, 5, &mut rng);
    let n = g.node_count() as u32;
    let mut per_node = vec![0u16; n as usize];
    let mut group = c.benchmark_group("raise_neighbor_entries, every node of BA 10^5");
    let mut floor = 0u16;
    group.bench_function("hand-written (x86-64 asm)", |b| {
        b.iter(|| {
            floor = floor.wrapping_add(1);
            (0..n)
                .map(|u| g.raise_neighbor_entries(u, &mut per_node, floor))
                .sum::<u32>()
        })
    });
    group.bench_function("portable loop", |b| {
        b.iter(|| {
            floor = floor.wrapping_add(1);
            (0..n)
                .map(|u| g.raise_neighbor_entries_portable(u, &mut per_node, floor))
                .sum::<u32>()
        })
    });
    group.finish();
}

criterion_group!(benches, raise);
criterion_main!(benches);
