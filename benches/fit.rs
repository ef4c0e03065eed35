//! One generation of `wom fit`'s ABC-SMC on the shipped pilot
//! (scenarios/calibrate-pilot.toml: BA 20,000, 25 steps, 300 advocates): the prior
//! generation of 100 particles × 4 simulations (400 simulations of the cascade at
//! parameters drawn from the priors, each compared with data/pilot-sales.csv),
//! plus the setup a fit always pays (the population built once, one replicate of
//! the fitted curve). The figures are in docs/performance.md.
//!
//! Run: cargo bench --bench fit

use criterion::{criterion_group, criterion_main, Criterion};
use indicatif::ProgressBar;
use std::path::Path;
use wom::decide::abc::AbcOptions;
use wom::decide::network_fit::fit_network;
use wom::decide::observations::read_observations;
use wom::scenario::{self, Override};

fn bench(c: &mut Criterion) {
    let s = scenario::load(
        Path::new("scenarios/calibrate-pilot.toml"),
        &[Override::new(
            "simulation.replicates",
            toml::Value::Integer(1),
        )],
    )
    .unwrap();
    let data = read_observations(Path::new("data/pilot-sales.csv")).unwrap();
    let keys = [
        "word_of_mouth.conversion".to_string(),
        "word_of_mouth.advocacy".to_string(),
    ];
    let options = AbcOptions {
        particles: 100,
        replicates: 4,
        generations: 1,
        seed: s.simulation.seed,
        ..AbcOptions::default()
    };
    let mut group = c.benchmark_group("wom fit on the pilot (BA 20,000, 25 steps)");
    group.sample_size(10);
    group.bench_function("prior generation, 100 particles x 4 simulations", |b| {
        b.iter(|| fit_network(&s, data.clone(), &keys, &options, &ProgressBar::hidden()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
