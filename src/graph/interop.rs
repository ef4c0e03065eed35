//! Graphs from and to [petgraph] 0.6, so that a graph already held in petgraph runs
//! in wom without an edge list file, and a wom population can be analysed with
//! petgraph's algorithms.
//!
//! * [`from_petgraph`] reads any petgraph graph that offers the usual visit traits
//!   ([`Graph`], [`StableGraph`](petgraph::stable_graph::StableGraph),
//!   [`csr::Csr`](petgraph::csr::Csr), directed or undirected, and references to
//!   them) into a [`Population`].
//! * [`to_petgraph`] writes a population into a [`Graph`]`<u32, f32, Ty>` (node
//!   weight: the wom node id; edge weight: the tie strength, 1.0 when unweighted).
//!
//! wom's petgraph is re-exported as [`petgraph`]: your crate must
//! use the same major version (0.6) for the types to match, or use this re-export.
//!
//! A directed edge `a → b` means what a directed edge list line `a b` means: b hears
//! a. Undirected edges are ties both ways.
//!
//! ```
//! use wom::graph::interop::{from_petgraph, to_petgraph, petgraph::graph::UnGraph};
//!
//! let g = UnGraph::<(), ()>::from_edges([(0, 1), (1, 2), (2, 0), (2, 3)]);
//! let population = from_petgraph(&g, None).unwrap();
//! assert_eq!((population.nodes(), population.ties()), (4, 4));
//! let back: UnGraph<u32, f32> = to_petgraph(&population).unwrap();
//! assert_eq!(back.edge_count(), 4);
//! ```

pub use petgraph;

use petgraph::graph::{Graph, IndexType, NodeIndex};
use petgraph::visit::{
    EdgeRef, GraphProp, IntoEdgeReferences, IntoNodeIdentifiers, NodeCount, NodeIndexable,
};
use petgraph::EdgeType;
use std::time::Instant;

use super::edge_list::{Labels, MAX_NODES};
use super::{Csr, Population, Topology};
use crate::error::{Diagnostic, Result, WomError};

/// The largest complete population [`to_petgraph`] writes out: 2,000 nodes are
/// 1,999,000 edges, about 40 MB in a petgraph [`Graph`]. Larger ones are refused,
/// since their ties are never stored in wom either.
pub const COMPLETE_LIMIT: u32 = 2_000;

/// A closure giving an edge's tie strength from its petgraph weight, for
/// [`from_petgraph`]: `Some(&|w: &f64| *w as f32)`.
pub type TieStrength<'a, E> = &'a dyn Fn(&E) -> f32;

/// Build a [`Population`] from a petgraph graph.
///
/// `graph` is anything with petgraph's visit traits: `&Graph`, `&StableGraph`,
/// `&csr::Csr`, directed or undirected (taken from [`GraphProp::is_directed`]).
/// `weight`, when given, turns an edge's weight into its tie strength, which must be
/// a finite number in (0, 1] (the probability a recommendation passes along the tie);
/// without it the population is unweighted.
///
/// **Node ids** are petgraph's [`NodeIndexable::to_index`] order, compacted: for a
/// `Graph` or a `csr::Csr` node `NodeIndex(i)` becomes wom node `i`; for a
/// `StableGraph` with removed nodes, the live nodes keep their order and close the
/// gaps. The population's [`labels`](Population::labels) are the petgraph indices as
/// integers ([`Labels::Integers`]), so an advocate file names nodes by their petgraph
/// index. Node weights are not read.
///
/// **Cleaning** follows the edge list reader: self-loops and repeated edges are
/// dropped and counted in [`Population::cleaning`] (for an undirected graph `a–b`
/// and `b–a` are the same tie); a repeated edge keeps the weight of its first
/// occurrence in petgraph's edge order. Note that petgraph's *undirected*
/// `csr::Csr` lists every edge from both ends, so its mirror copies are counted
/// there as duplicates (the ties are right).
///
/// **Cost**: O(n + m) time plus sorting each node's ties, O(m log d) (the same
/// freeze as an edge list); peak memory is about 8 bytes per node for labels, 4 per
/// index slot for a `StableGraph` with holes, 8 (12 weighted) per edge for the edge
/// list and then the wom graph itself (8 bytes per node, 4 per arc, 8 weighted).
///
/// # Errors
/// [`WomError::Input`] (exit code 2) when a weight is outside (0, 1] or not finite
/// (the diagnostic names the first such edge as `edge #k (a – b, …)`: its position
/// from 0 in petgraph's edge order, which for a `Graph` is its `EdgeIndex`, and its
/// endpoints' petgraph indices; and it counts the others), or when the graph has more
/// than [`MAX_NODES`] nodes. Nothing is clamped.
pub fn from_petgraph<G>(
    graph: G,
    weight: Option<TieStrength<'_, G::EdgeWeight>>,
) -> Result<Population>
where
    G: IntoEdgeReferences + IntoNodeIdentifiers + NodeIndexable + NodeCount + GraphProp,
{
    let start = Instant::now();
    let directed = graph.is_directed();
    let nodes = graph.node_count();
    if nodes > MAX_NODES {
        return Err(WomError::input(
            Diagnostic::new(format!(
                "the petgraph graph has {nodes} nodes; wom node ids are 32-bit, so at most {MAX_NODES}"
            ))
            .help("split the graph or sample a part of it"),
        ));
    }
    // Petgraph index of every wom node, in increasing order; and, when the indices
    // have holes (a StableGraph with removed nodes), the wom id of every index.
    let bound = graph.node_bound();
    let (labels, ids): (Vec<u64>, Option<Vec<u32>>) = if bound == nodes {
        ((0..nodes as u64).collect(), None)
    } else {
        let mut live = vec![false; bound];
        for a in graph.node_identifiers() {
            live[graph.to_index(a)] = true;
        }
        let mut ids = vec![u32::MAX; bound];
        let mut labels = Vec::with_capacity(nodes);
        for (index, _) in live.iter().enumerate().filter(|(_, &l)| l) {
            ids[index] = labels.len() as u32;
            labels.push(index as u64);
        }
        (labels, Some(ids))
    };
    let id = |index: usize| -> u32 {
        match &ids {
            None => index as u32,
            Some(ids) => ids[index],
        }
    };

    let capacity = graph.edge_references().size_hint().0;
    let mut edges = Vec::with_capacity(capacity);
    let mut weights = weight.map(|_| Vec::with_capacity(capacity));
    // The first edge with a bad weight (position, endpoints, weight) and how many.
    let mut bad: Option<(usize, usize, usize, f32)> = None;
    let mut bad_count = 0u64;
    for (k, e) in graph.edge_references().enumerate() {
        let (a, b) = (graph.to_index(e.source()), graph.to_index(e.target()));
        if let (Some(f), Some(ws)) = (weight, weights.as_mut()) {
            let w = f(e.weight());
            if !(w.is_finite() && w > 0.0 && w <= 1.0) {
                bad_count += 1;
                bad.get_or_insert((k, a, b, w));
            }
            ws.push(w);
        }
        edges.push((id(a), id(b)));
    }
    if let Some((k, a, b, w)) = bad {
        let tie = if directed {
            format!("{a} → {b}")
        } else {
            format!("{a} – {b}")
        };
        let others = match bad_count {
            1 => String::new(),
            2 => " (and 1 more edge)".to_string(),
            n => format!(" (and {} more edges)", n - 1),
        };
        return Err(WomError::input(
            Diagnostic::new(format!(
                "edge #{k} ({tie}, petgraph node indices) has tie strength {w}; it must be a finite number in (0, 1]{others}"
            ))
            .field("weight")
            .help(
                "tie strength is the probability a recommendation passes along the tie: \
                 map your edge weights into (0, 1] in the weight closure (e.g. divide by the largest)",
            ),
        ));
    }
    let (csr, cleaning) = Csr::from_edges(nodes as u32, edges, weights, directed, true);
    Ok(Population {
        topology: Topology::Network(csr),
        labels: Some(Labels::Integers(labels)),
        cleaning,
        build_seconds: start.elapsed().as_secs_f64(),
    })
}

/// Write a population into a petgraph [`Graph`], for petgraph's algorithms.
///
/// Node `NodeIndex(i)` is wom node `i` and its weight is `i` (the population's
/// [`labels`](Population::labels), when it has them, map ids back to the names in
/// the source). Edge weights are the tie strengths, 1.0 for an unweighted
/// population. `Ty` must match the population: [`petgraph::Directed`] (a
/// [`DiGraph`](petgraph::graph::DiGraph)) for a directed one, [`petgraph::Undirected`]
/// (an [`UnGraph`](petgraph::graph::UnGraph)) otherwise; an undirected tie becomes
/// one petgraph edge. Edges are added node by node in wom's tie order, so
/// [`from_petgraph`] gives back the same graph (the same [`Csr`], for a graph whose
/// tie lists are sorted, as edge lists and [`from_petgraph`] make them).
///
/// A complete population is written out when it has at most [`COMPLETE_LIMIT`]
/// nodes (an undirected graph with every pair tied, weight 1.0).
///
/// **Cost**: O(n + m) time; petgraph's `Graph` holds about 8 bytes per node and 20
/// per edge.
///
/// # Errors
/// [`WomError::Input`] when `Ty` does not match the population's direction, when a
/// complete population has more than [`COMPLETE_LIMIT`] nodes, or when there are
/// more ties than petgraph's default 32-bit edge index holds.
pub fn to_petgraph<Ty: EdgeType>(population: &Population) -> Result<Graph<u32, f32, Ty>> {
    let (directed, ties) = match &population.topology {
        Topology::Network(g) => (g.is_directed(), g.tie_count()),
        Topology::Complete { nodes } => {
            if *nodes > COMPLETE_LIMIT {
                return Err(WomError::input(
                    Diagnostic::new(format!(
                        "a complete population of {nodes} consumers has {} ties; \
                         to_petgraph writes complete populations of at most {COMPLETE_LIMIT} consumers",
                        population.ties()
                    ))
                    .help("every pair is tied: most graph statistics of it are known in closed form"),
                ));
            }
            (false, population.ties())
        }
    };
    if directed != Ty::is_directed() {
        let (is, want) = if directed {
            ("directed", "`DiGraph` (petgraph::Directed)")
        } else {
            ("undirected", "`UnGraph` (petgraph::Undirected)")
        };
        return Err(WomError::input(
            Diagnostic::new(format!("the population is {is}"))
                .help(format!("convert it into a {want}")),
        ));
    }
    // Graph's default index type reserves its largest value.
    let limit = <u32 as IndexType>::max().index() as u64;
    if ties >= limit {
        return Err(WomError::input(Diagnostic::new(format!(
            "the population has {ties} ties; a petgraph Graph with 32-bit indices holds at most {}",
            limit - 1
        ))));
    }
    let nodes = population.nodes() as u32;
    let mut out = Graph::<u32, f32, Ty>::with_capacity(nodes as usize, ties as usize);
    for i in 0..nodes {
        out.add_node(i);
    }
    let node = NodeIndex::<u32>::new;
    match &population.topology {
        Topology::Network(g) => {
            for u in 0..nodes {
                let weights = g.neighbor_weights(u);
                // An undirected self-loop is stored twice under u: write every other one.
                let mut loops = 0u32;
                for (k, &v) in g.neighbors(u).iter().enumerate() {
                    let keep = directed
                        || u < v
                        || (u == v && {
                            loops += 1;
                            loops % 2 == 1
                        });
                    if keep {
                        let w = weights.map_or(1.0, |w| w[k]);
                        out.add_edge(node(u as usize), node(v as usize), w);
                    }
                }
            }
        }
        Topology::Complete { .. } => {
            for u in 0..nodes {
                for v in u + 1..nodes {
                    out.add_edge(node(u as usize), node(v as usize), 1.0);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::{DiGraph, UnGraph};

    #[test]
    fn undirected_self_loops_are_written_once() {
        // Generators never make loops, but an uncleaned Csr may hold one (twice).
        let (g, _) = Csr::from_edges(2, vec![(0, 0), (0, 1)], None, false, false);
        let population = Population {
            topology: Topology::Network(g),
            labels: None,
            cleaning: Default::default(),
            build_seconds: 0.0,
        };
        let out: UnGraph<u32, f32> = to_petgraph(&population).unwrap();
        assert_eq!(out.edge_count(), 2);
    }

    #[test]
    fn complete_populations_are_written_up_to_the_limit() {
        let small = Population {
            topology: Topology::Complete { nodes: 5 },
            labels: None,
            cleaning: Default::default(),
            build_seconds: 0.0,
        };
        let out: UnGraph<u32, f32> = to_petgraph(&small).unwrap();
        assert_eq!((out.node_count(), out.edge_count()), (5, 10));
        assert!(to_petgraph::<petgraph::Directed>(&small).is_err());
        let large = Population {
            topology: Topology::Complete {
                nodes: COMPLETE_LIMIT + 1,
            },
            ..small
        };
        let err = to_petgraph::<petgraph::Undirected>(&large).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("at most 2000"), "{err}");
    }

    #[test]
    fn the_direction_must_match() {
        let g = DiGraph::<(), ()>::from_edges([(0, 1)]);
        let population = from_petgraph(&g, None).unwrap();
        let err = to_petgraph::<petgraph::Undirected>(&population).unwrap_err();
        assert!(err.to_string().contains("is directed"), "{err}");
        assert!(to_petgraph::<petgraph::Directed>(&population).is_ok());
    }
}
