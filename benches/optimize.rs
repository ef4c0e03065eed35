//! `wom optimize`'s search on a small menu: four creators and a programme of ten
//! levels on 20,000 consumers (tests/optimize.rs's knapsack menu), 40 replicates
//! per mix, greedy alone (lazy, CELF) and greedy plus the exhaustive check over the
//! 103 mixes within 1,500. The whole command on a 10-creator, 2-programme menu on
//! BA 10^6 is measured with the binary (docs/performance.md).
//!
//! Run: cargo bench --bench optimize

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use wom::decide::evaluate::evaluate;
use wom::decide::optimize::{optimize, Menu, Objective, EXHAUSTIVE_LIMIT};
use wom::graph;
use wom::scenario;

const MENU: &str = r#"
[simulation]
replicates = 40
steps = 3
seed = 7
[population]
generator = "erdos_renyi"
nodes = 20000
mean_degree = 10
[word_of_mouth]
rule = "cascade"
reach = 0.5
trust = 1.0
trust_mode = "exposure"
conversion = 0.5
advocacy = 0.0
[[influencer]]
name = "A"
followers = 2000
reach = 0.5
trust = 1.0
fee = 1000.0
[[influencer]]
name = "B"
followers = 1000
reach = 0.5
trust = 1.0
fee = 400.0
[[influencer]]
name = "C"
followers = 1000
reach = 0.3
trust = 1.0
fee = 600.0
[[influencer]]
name = "D"
followers = 600
reach = 0.5
trust = 1.0
fee = 300.0
[[advocates]]
name = "referral"
count = 200
incentive = 2.0
"#;

fn bench(c: &mut Criterion) {
    let s = scenario::parse(MENU, Path::new("menu.toml"), &[]).unwrap();
    let population = graph::build(&s.population, s.simulation.seed, 0).unwrap();
    let menu = Menu::new(&s, &population, 10).unwrap();
    let bar = indicatif::ProgressBar::hidden();
    let mut group = c.benchmark_group("optimize, 5-channel menu, 40 replicates per mix");
    group.sample_size(10);
    for (name, limit) in [("greedy", 0), ("greedy + exhaustive", EXHAUSTIVE_LIMIT)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                optimize(&menu, 1500.0, Objective::Conversions, limit, |x| {
                    evaluate(x, Some(&population), &bar)
                })
                .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
