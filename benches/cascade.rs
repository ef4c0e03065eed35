//! The engine's cascade replicate against a plain frontier-based independent
//! cascade over the same CSR graph, one draw per unvisited neighbour. The engine
//! does more (trust, awareness, attribution, the per-step curve) but skips over
//! ties instead of drawing for each, so it should not be slower
//! (docs/performance.md has the numbers).
//!
//! Run: cargo bench --bench cascade

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::path::Path;
use wom::graph::{self, Csr};
use wom::rng::{self, Stream, WomRng};
use wom::scenario;
use wom::sim::campaign::CampaignPlan;
use wom::sim::engine::{simulate_replicate, Model, Scratch, StepCounts, World};

/// Plain IC: each newly active node gets one chance per inactive neighbour with
/// probability p; records the cumulative count per step. Epoch-stamped marks, no
/// allocation once the buffers are grown.
struct PlainIc {
    stamp: Vec<u32>,
    epoch: u32,
    frontier: Vec<u32>,
    next: Vec<u32>,
    curve: Vec<u32>,
}

impl PlainIc {
    fn new(n: usize) -> Self {
        PlainIc {
            stamp: vec![0; n],
            epoch: 0,
            frontier: Vec::new(),
            next: Vec::new(),
            curve: Vec::new(),
        }
    }

    fn run(&mut self, g: &Csr, seeds: &[u32], p: f64, rng: &mut WomRng) -> u32 {
        self.epoch += 1;
        let epoch = self.epoch;
        self.frontier.clear();
        self.curve.clear();
        for &s in seeds {
            self.stamp[s as usize] = epoch;
            self.frontier.push(s);
        }
        let mut total = seeds.len() as u32;
        while !self.frontier.is_empty() {
            self.next.clear();
            for &u in &self.frontier {
                for &v in g.neighbors(u) {
                    if self.stamp[v as usize] != epoch && rng::unit(rng) < p {
                        self.stamp[v as usize] = epoch;
                        self.next.push(v);
                    }
                }
            }
            total += self.next.len() as u32;
            self.curve.push(total);
            std::mem::swap(&mut self.frontier, &mut self.next);
        }
        total
    }
}

fn workload(c: &mut Criterion, name: &str, population_toml: &str, p: f64) {
    let text = format!(
        r#"
[simulation]
steps = 40
[population]
{population_toml}
[word_of_mouth]
rule = "cascade"
reach = 1.0
trust = 1.0
trust_mode = "exposure"
conversion = {p}
advocacy = 1.0
active_steps = 1
[advocates]
count = 10
"#
    );
    let s = scenario::parse(&text, Path::new("bench.toml"), &[]).unwrap();
    let population = graph::build(&s.population, 1, 0).unwrap();
    let plan = CampaignPlan::new(&s, &population).unwrap();
    let world = World::new(population, plan);
    let model = Model::new(&s);
    let g = world.population.graph().unwrap().clone();
    let n = g.node_count();

    let mut group = c.benchmark_group(name);
    let mut scratch = Scratch::new(n);
    let mut curve = vec![StepCounts::default(); model.steps as usize];
    let mut replicate = 0u64;
    group.bench_function("wom_cascade_replicate", |b| {
        b.iter(|| {
            replicate += 1;
            simulate_replicate(&model, &world, replicate, &mut scratch, &mut curve, &mut [])
        })
    });
    let mut plain = PlainIc::new(n);
    let mut seeds_rng = rng::stream(1, 0, Stream::Advocates);
    let mut dynamics = rng::stream(1, 0, Stream::Dynamics);
    group.bench_function("plain_frontier_ic", |b| {
        b.iter_batched(
            || {
                let mut seeds: Vec<u32> = Vec::with_capacity(10);
                while seeds.len() < 10 {
                    let v = rng::below(&mut seeds_rng, n as u64) as u32;
                    if !seeds.contains(&v) {
                        seeds.push(v);
                    }
                }
                seeds
            },
            |seeds| plain.run(&g, &seeds, p, &mut dynamics),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    workload(
        c,
        "ba_100k_m5_p0.05",
        "generator = \"barabasi_albert\"\nnodes = 100_000\nattach = 5",
        0.05,
    );
    workload(
        c,
        "er_100k_k10_p0.2",
        "generator = \"erdos_renyi\"\nnodes = 100_000\nmean_degree = 10",
        0.2,
    );
}

criterion_group! {
    name = cascade;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(8));
    targets = benches
}
criterion_main!(cascade);
