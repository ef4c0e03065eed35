//! `choose = "influence"`: the RR-set phase on BA 10^6 (attach 5) on 1 and on 2
//! threads (target, docs/performance.md: at least 1.8x faster on 2), under the
//! independent cascade with p = 0.01 and under the micro-advocates cascade (reach
//! 0.3, trust 0.92 per consumer, conversion 0.1, advocacy 0.3); and the whole
//! choice of 40 advocates on ego-Facebook (scenarios/facebook-influence.toml).
//!
//! Run: cargo bench --bench influence

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::path::Path;
use wom::graph::{self, Topology};
use wom::scenario;
use wom::sim::influence::{self, imm, rr::RrSets, with_in_arcs};

const BA: &str = r#"
[population]
generator = "barabasi_albert"
nodes = 1_000_000
attach = 5
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
conversion = 0.1
advocacy = 0.3
[advocates]
choose = "influence"
count = 100
"#;

/// RR sets generated per measured iteration.
const SETS: usize = 500_000;

fn rr_phase(c: &mut Criterion) {
    let s = scenario::parse(BA, Path::new("ba.toml"), &[]).unwrap();
    let population = graph::build(&s.population, 1, 0).unwrap();
    let Topology::Network(g) = &population.topology else {
        unreachable!()
    };
    let mut group = c.benchmark_group("RR sets on BA 10^6 (500,000 sets)");
    group.sample_size(10);
    for (name, model) in [
        ("IC p = 0.01", influence::Model::independent_cascade(0.01)),
        ("micro cascade", influence::Model::new(&s, &s.programmes[0])),
    ] {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            group.bench_function(format!("{name}, {threads} thread(s)"), |b| {
                b.iter_batched(
                    RrSets::default,
                    |mut sets| {
                        with_in_arcs(g, |arcs| {
                            pool.install(|| sets.extend(arcs, &model, 7, SETS))
                        });
                        sets
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

fn facebook(c: &mut Criterion) {
    let s = scenario::load(Path::new("scenarios/facebook-influence.toml"), &[]).unwrap();
    let population = graph::build(&s.population, 1, 0).unwrap();
    let Topology::Network(g) = &population.topology else {
        unreachable!()
    };
    let model = influence::Model::new(&s, &s.programmes[0]);
    let mut group = c.benchmark_group("IMM on ego-Facebook");
    group.sample_size(10);
    group.bench_function("40 advocates, epsilon 0.1 (current pool)", |b| {
        b.iter(|| {
            with_in_arcs(g, |arcs| {
                imm(&arcs, &model, 40, 0.1, 7, None, None).unwrap()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, rr_phase, facebook);
criterion_main!(benches);
