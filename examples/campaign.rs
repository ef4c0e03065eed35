//! A campaign run from Rust code on a graph built in petgraph.
//!
//! Usage: cargo run --release --example campaign
//!
//! Builds a small-world graph (a ring of 10,000 consumers tied to their 10 nearest
//! neighbours, 10% of ties rewired at random) in petgraph, hands it to wom with
//! `from_petgraph`, and simulates 1,000 replicates of 50 random micro-advocates.

use petgraph::graph::UnGraph;
use rand::{Rng, SeedableRng};
use std::path::Path;
use wom::graph::from_petgraph;
use wom::sim::campaign::CampaignPlan;
use wom::sim::engine::{simulate_replicate, Model, Scratch, StepCounts, World};
use wom::statistics::Summary;

/// The campaign. wom needs a `[population]` section; it describes the graph built
/// below, but the simulation runs on the petgraph graph, not on this section.
const SCENARIO: &str = r#"
[simulation]
replicates = 1000
steps = 30
seed = 42
[population]
generator = "watts_strogatz"
nodes = 10000
neighbors = 10
rewire = 0.1
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
conversion = 0.1
advocacy = 0.3
[advocates]
count = 50
"#;

fn main() -> Result<(), wom::WomError> {
    // 1. A small-world graph in petgraph (a rewired tie may repeat or loop).
    let (n, half, rewire) = (10_000u32, 5u32, 0.1);
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
    let lattice = (0..n).flat_map(|u| (1..=half).map(move |k| (u, (u + k) % n)));
    let ties = lattice.map(|(u, v)| match rng.gen_bool(rewire) {
        true => (u, rng.gen_range(0..n)),
        false => (u, v),
    });
    let graph = UnGraph::<(), ()>::from_edges(ties);

    // 2. Into wom, and the campaign prepared on it.
    let population = from_petgraph(&graph, None)?;
    println!(
        "{} consumers, {} ties ({} self-loops and {} repeated ties dropped)",
        population.nodes(),
        population.ties(),
        population.cleaning.self_loops,
        population.cleaning.duplicates
    );
    let scenario = wom::scenario::parse(SCENARIO, Path::new("campaign.toml"), &[])?;
    let plan = CampaignPlan::new(&scenario, &population)?;
    let world = World::new(population, plan);
    let model = Model::new(&scenario);

    // 3. The replicates: each depends only on the seed and its number.
    let mut scratch = Scratch::new(world.population.nodes() as usize);
    let mut curve = vec![StepCounts::default(); model.steps as usize];
    let mut conversions: Vec<f64> = (0..u64::from(scenario.simulation.replicates))
        .map(|r| {
            let outcome = simulate_replicate(&model, &world, r, &mut scratch, &mut curve, &mut []);
            f64::from(outcome.conversions)
        })
        .collect();
    let s = Summary::of(&mut conversions);
    let (mean, low, high) = (s.mean, s.ci95_low, s.ci95_high);
    println!("conversions: mean {mean:.1}, 95% CI {low:.1} to {high:.1}");
    Ok(())
}
