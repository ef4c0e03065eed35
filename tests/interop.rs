//! petgraph interop: the Facebook graph both ways, small directed, weighted and
//! stable graphs, refused weights, and a campaign on a graph that came from petgraph.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use petgraph::algo::connected_components;
use petgraph::graph::{DiGraph, NodeIndex, UnGraph};
use petgraph::stable_graph::StableUnGraph;
use petgraph::{Directed, Undirected};
use wom::graph::edge_list::{read_edge_list, EdgeListOptions, Labels};
use wom::graph::interop::{from_petgraph, to_petgraph};
use wom::graph::{stats, Cleaning, Csr, Population, Topology};
use wom::scenario;
use wom::sim::campaign::CampaignPlan;
use wom::sim::engine::{simulate_replicate, ChannelCounts, Model, Scratch, StepCounts, World};
use wom::sim::runner::{simulate_in_memory, ReplicateResult};
use wom::WomError;

fn facebook_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/facebook_combined.txt.gz")
}

/// The Facebook graph as wom's edge list reader builds it.
fn facebook() -> Population {
    let list = read_edge_list(
        &facebook_path(),
        EdgeListOptions {
            directed: false,
            weighted: false,
        },
    )
    .expect("the shipped Facebook graph reads");
    Population {
        topology: Topology::Network(list.csr),
        labels: Some(list.labels),
        cleaning: list.cleaning,
        build_seconds: 0.0,
    }
}

/// The Facebook graph as a researcher would load it into petgraph with their own
/// code: one node per label in order of first appearance (the node weight is the
/// SNAP label), one edge per line.
fn facebook_in_petgraph() -> UnGraph<u64, ()> {
    let file = std::fs::File::open(facebook_path()).unwrap();
    let text = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut g = UnGraph::<u64, ()>::default();
    let mut index: HashMap<u64, NodeIndex> = HashMap::new();
    for line in text.lines() {
        let line = line.unwrap();
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split_whitespace().map(|f| f.parse::<u64>().unwrap());
        let (a, b) = (fields.next().unwrap(), fields.next().unwrap());
        let a = *index.entry(a).or_insert_with(|| g.add_node(a));
        let b = *index.entry(b).or_insert_with(|| g.add_node(b));
        g.add_edge(a, b, ());
    }
    g
}

fn csr(p: &Population) -> &Csr {
    p.graph().expect("a network population")
}

fn input_message(err: WomError) -> String {
    assert_eq!(err.exit_code(), 2, "{err}");
    match err {
        WomError::Input(d) => {
            assert_eq!(d.len(), 1, "one diagnostic");
            d[0].to_string()
        }
        other => panic!("expected an input error, got {other}"),
    }
}

#[test]
fn facebook_to_petgraph_keeps_counts_degrees_and_components() {
    let population = facebook();
    let g = csr(&population);
    let pg: UnGraph<u32, f32> = to_petgraph(&population).unwrap();
    assert_eq!(pg.node_count(), 4_039);
    assert_eq!(pg.edge_count(), 88_234);
    assert_eq!((g.node_count(), g.tie_count()), (4_039, 88_234));
    for u in 0..g.node_count() as u32 {
        let a = NodeIndex::new(u as usize);
        assert_eq!(pg[a], u, "node weight is the wom id");
        assert_eq!(pg.neighbors(a).count(), g.degree(u), "degree of node {u}");
    }
    assert!(pg.edge_weights().all(|&w| w == 1.0));
    let (components, largest) = stats::components(g);
    assert_eq!(connected_components(&pg) as u64, components);
    assert_eq!((components, largest), (1, 4_039));
}

#[test]
fn facebook_round_trip_gives_the_identical_csr() {
    let population = facebook();
    let pg: UnGraph<u32, f32> = to_petgraph(&population).unwrap();
    let back = from_petgraph(&pg, None).unwrap();
    assert_eq!(back.cleaning, Cleaning::default());
    assert_eq!(csr(&back).offsets(), csr(&population).offsets());
    assert_eq!(csr(&back).targets(), csr(&population).targets());
    assert_eq!(csr(&back), csr(&population));
    // Labels are the petgraph indices, which are wom's ids here.
    assert_eq!(
        back.labels,
        Some(Labels::Integers((0..4_039).collect::<Vec<u64>>()))
    );
    // With the weights read back, the ties are the same and every weight is 1.
    let weighted = from_petgraph(&pg, Some(&|w: &f32| *w)).unwrap();
    let w = csr(&weighted);
    assert!(w.is_weighted());
    assert_eq!(w.targets(), csr(&population).targets());
    assert!((0..4_039).all(|u| w.neighbor_weights(u).unwrap().iter().all(|&x| x == 1.0)));
}

#[test]
fn a_graph_loaded_into_petgraph_is_the_graph_read_from_the_edge_list() {
    let pg = facebook_in_petgraph();
    let population = from_petgraph(&pg, None).unwrap();
    let read = facebook();
    assert_eq!(csr(&population), csr(&read));
    // The labels differ by design: petgraph indices here, SNAP labels there, and
    // the petgraph node weights are the SNAP labels.
    let (Some(Labels::Integers(ids)), Some(snap)) = (&population.labels, &read.labels) else {
        panic!("integer labels");
    };
    for (id, &index) in ids.iter().enumerate() {
        assert_eq!(index, id as u64);
        assert_eq!(pg[NodeIndex::new(id)].to_string(), snap.label(id as u32));
    }
}

#[test]
fn a_campaign_on_a_petgraph_population_equals_the_one_on_the_edge_list() {
    let text = format!(
        r#"
[simulation]
replicates = 200
steps = 30
seed = 7
[population]
generator = "edge_list"
path = '{}'
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
conversion = 0.1
advocacy = 0.3
[advocates]
count = 40
[influencer]
followers = 1000
reach = 0.0227
trust = 0.18
posts = [0, 7, 14, 21]
"#,
        facebook_path().display()
    );
    let scenario = scenario::parse(&text, Path::new("test.toml"), &[]).unwrap();
    let (_, from_file) = simulate_in_memory(&scenario).unwrap();

    let population = from_petgraph(&facebook_in_petgraph(), None).unwrap();
    let plan = CampaignPlan::new(&scenario, &population).unwrap();
    let world = World::new(population, plan);
    let model = Model::new(&scenario);
    let mut scratch = Scratch::new(world.population.nodes() as usize);
    let from_petgraph: Vec<ReplicateResult> = (0..200)
        .map(|replicate| {
            let mut curve = vec![StepCounts::default(); model.steps as usize];
            let mut channels = vec![ChannelCounts::default(); model.channel_slots()];
            let outcome = simulate_replicate(
                &model,
                &world,
                replicate,
                &mut scratch,
                &mut curve,
                &mut channels,
            );
            ReplicateResult {
                outcome,
                curve,
                channels,
            }
        })
        .collect();
    assert_eq!(from_petgraph.len(), from_file.len());
    assert!(from_file.iter().any(|r| r.outcome.conversions > 0));
    for (r, (a, b)) in from_file.iter().zip(&from_petgraph).enumerate() {
        assert_eq!(a, b, "replicate {r}");
    }
}

#[test]
fn a_directed_weighted_graph_keeps_arcs_weights_and_counts_cleaning() {
    let mut g = DiGraph::<&str, f64>::new();
    let [a, b, c, d] = ["a", "b", "c", "d"].map(|n| g.add_node(n));
    g.add_edge(a, b, 0.5);
    g.add_edge(b, a, 0.25);
    g.add_edge(a, c, 1.0);
    g.add_edge(c, c, 0.5); // a self-loop: dropped
    g.add_edge(a, b, 0.75); // a repeat: dropped, the first weight kept
    g.add_edge(d, a, 1e-6);
    let population = from_petgraph(&g, Some(&|w: &f64| *w as f32)).unwrap();
    let g2 = csr(&population);
    assert!(g2.is_directed() && g2.is_weighted());
    assert_eq!((population.nodes(), population.ties()), (4, 4));
    assert_eq!(
        population.cleaning,
        Cleaning {
            self_loops: 1,
            duplicates: 1
        }
    );
    assert_eq!(g2.neighbors(0), &[1, 2]);
    assert_eq!(g2.neighbor_weights(0), Some(&[0.5f32, 1.0][..]));
    assert_eq!(g2.neighbors(1), &[0]);
    assert_eq!(g2.neighbor_weights(1), Some(&[0.25f32][..]));
    assert_eq!(g2.neighbors(2), &[] as &[u32]);
    assert_eq!(g2.neighbors(3), &[0]);
    assert_eq!(g2.in_degrees(), vec![2, 1, 1, 0]);

    let back: DiGraph<u32, f32> = to_petgraph(&population).unwrap();
    let mut edges: Vec<(usize, usize, f32)> = back
        .raw_edges()
        .iter()
        .map(|e| (e.source().index(), e.target().index(), e.weight))
        .collect();
    edges.sort_by(|x, y| x.partial_cmp(y).unwrap());
    assert_eq!(
        edges,
        vec![(0, 1, 0.5), (0, 2, 1.0), (1, 0, 0.25), (3, 0, 1e-6)]
    );
    let again = from_petgraph(&back, Some(&|w: &f32| *w)).unwrap();
    assert_eq!(csr(&again), g2);
    // Asking for the wrong direction is refused.
    let message = input_message(to_petgraph::<Undirected>(&population).unwrap_err());
    assert!(message.contains("the population is directed"), "{message}");
}

#[test]
fn a_stable_graph_with_a_removed_node_is_compacted() {
    let mut g = StableUnGraph::<(), ()>::default();
    let n: Vec<_> = (0..5).map(|_| g.add_node(())).collect();
    for (x, y) in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)] {
        g.add_edge(n[x], n[y], ());
    }
    g.remove_node(n[2]); // and its ties 1-2 and 2-3
    let population = from_petgraph(&g, None).unwrap();
    let c = csr(&population);
    assert!(!c.is_directed());
    assert_eq!((population.nodes(), population.ties()), (4, 3));
    // Petgraph indices 0, 1, 3, 4 become wom ids 0, 1, 2, 3.
    assert_eq!(population.labels, Some(Labels::Integers(vec![0, 1, 3, 4])));
    assert_eq!(c.neighbors(0), &[1, 3]);
    assert_eq!(c.neighbors(1), &[0]);
    assert_eq!(c.neighbors(2), &[3]);
    assert_eq!(c.neighbors(3), &[0, 2]);
    let back: UnGraph<u32, f32> = to_petgraph(&population).unwrap();
    assert_eq!((back.node_count(), back.edge_count()), (4, 3));
    assert_eq!(connected_components(&back), 1);
}

#[test]
fn petgraph_csr_graphs_are_read_too() {
    use petgraph::csr::Csr as PetCsr;
    let directed =
        PetCsr::<(), f32, Directed>::from_sorted_edges(&[(0, 1, 0.5), (1, 2, 1.0)]).unwrap();
    let population = from_petgraph(&directed, Some(&|w: &f32| *w)).unwrap();
    assert_eq!(csr(&population).neighbors(0), &[1]);
    assert_eq!(csr(&population).neighbor_weights(1), Some(&[1.0f32][..]));
    // An undirected petgraph Csr lists each edge from both ends: the ties are
    // right, and the mirror copies are counted as duplicates (as documented).
    let mut undirected = PetCsr::<(), (), Undirected>::with_nodes(3);
    undirected.add_edge(0, 1, ());
    undirected.add_edge(1, 2, ());
    let population = from_petgraph(&undirected, None).unwrap();
    assert_eq!(population.ties(), 2);
    assert_eq!(csr(&population).neighbors(1), &[0, 2]);
    assert_eq!(population.cleaning.duplicates, 2);
}

#[test]
fn tie_strengths_outside_zero_one_are_refused_naming_the_edge() {
    let g = UnGraph::<(), f32>::from_edges([
        (0, 1, 1.0),
        (1, 2, 1.5),
        (2, 3, f32::NAN),
        (3, 0, 0.0),
        (0, 2, 0.3),
    ]);
    let err = from_petgraph(&g, Some(&|w: &f32| *w)).unwrap_err();
    let message = input_message(err);
    assert!(message.contains("`weight`"), "{message}");
    assert!(message.contains("edge #1 (1 – 2"), "{message}");
    assert!(message.contains("tie strength 1.5"), "{message}");
    assert!(message.contains("(0, 1]"), "{message}");
    assert!(message.contains("and 2 more edges"), "{message}");
    assert!(message.contains("help:"), "{message}");

    // Negative and infinite weights too; a directed edge is named with an arrow.
    let d = DiGraph::<(), f32>::from_edges([(0, 1, 0.5), (1, 0, -0.1)]);
    let message = input_message(from_petgraph(&d, Some(&|w: &f32| *w)).unwrap_err());
    assert!(
        message.contains("edge #1 (1 → 0") && !message.contains("more"),
        "{message}"
    );
    let inf = DiGraph::<(), f32>::from_edges([(0, 1, f32::INFINITY)]);
    assert!(from_petgraph(&inf, Some(&|w: &f32| *w)).is_err());

    // Without a weight closure the weights are not read.
    assert!(from_petgraph(&g, None).is_ok());
}
