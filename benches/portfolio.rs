//! A portfolio against one channel of the same size: 100 creators (5,000 random
//! followers each) and 3 advocate programmes (100 advocates each) on BA 10^6,
//! against one influencer with 500,000 followers and one programme of 300
//! advocates, per replicate. Target (docs/performance.md): the portfolio costs at
//! most 1.2x the single channels.
//!
//! Run: cargo bench --bench portfolio

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use wom::graph;
use wom::scenario;
use wom::sim::campaign::CampaignPlan;
use wom::sim::engine::{simulate_replicate, ChannelCounts, Model, Scratch, StepCounts, World};

const COMMON: &str = r#"
[simulation]
steps = 30
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
"#;

fn portfolio() -> String {
    let mut text = COMMON.to_string();
    for i in 0..100 {
        text.push_str(&format!(
            "[[influencer]]\nname = \"creator {i}\"\nfollowers = 5000\nreach = 0.0227\ntrust = 0.18\nposts = [0]\nfee = 100.0\n"
        ));
    }
    for i in 0..3 {
        text.push_str(&format!(
            "[[advocates]]\nname = \"programme {i}\"\ncount = 100\nincentive = 50.0\n"
        ));
    }
    text
}

fn single() -> String {
    format!(
        "{COMMON}[influencer]\nfollowers = 500000\nreach = 0.0227\ntrust = 0.18\nposts = [0]\nfee = 10000.0\n[advocates]\ncount = 300\nincentive = 50.0\n"
    )
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("campaign on BA 10^6, per replicate");
    let base = scenario::parse(&single(), Path::new("single.toml"), &[]).unwrap();
    let population = graph::build(&base.population, 1, 0).unwrap();
    for (name, text) in [
        ("one influencer, one programme", single()),
        ("100 creators, 3 programmes", portfolio()),
    ] {
        let s = scenario::parse(&text, Path::new("bench.toml"), &[]).unwrap();
        let plan = CampaignPlan::new(&s, &population).unwrap();
        let world = World::new(population.clone(), plan);
        let model = Model::new(&s);
        let mut scratch = Scratch::new(world.population.nodes() as usize);
        let mut curve = vec![StepCounts::default(); model.steps as usize];
        let mut channels = vec![ChannelCounts::default(); model.channel_slots()];
        let mut replicate = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                replicate += 1;
                simulate_replicate(
                    &model,
                    &world,
                    replicate,
                    &mut scratch,
                    &mut curve,
                    &mut channels,
                )
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(8));
    targets = bench
}
criterion_main!(benches);
