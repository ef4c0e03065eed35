//! Population statistics for `wom graph`: size, degrees, clustering, components.

use crate::graph::{Csr, Population, Topology};
use crate::rng::{self, Stream};
use petgraph::unionfind::UnionFind;
use serde::Serialize;

/// Above this many nodes the clustering coefficient is estimated from a sample.
pub const CLUSTERING_EXACT_MAX_NODES: usize = 200_000;
/// Nodes sampled for the clustering estimate on larger graphs.
pub const CLUSTERING_SAMPLE: usize = 20_000;

/// Summary statistics of a population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphStats {
    /// Consumers.
    pub nodes: u64,
    /// Ties (arcs when directed).
    pub ties: u64,
    /// Whether a tie `u v` means only that v hears u.
    pub directed: bool,
    /// Whether ties carry weights.
    pub weighted: bool,
    /// A complete population, whose ties are never stored.
    pub implicit: bool,
    /// Degree (out-degree, the audience, for directed graphs).
    pub mean_degree: f64,
    /// Smallest degree.
    pub min_degree: u64,
    /// Largest degree.
    pub max_degree: u64,
    /// (percentile, degree) for 5, 25, 50, 75, 95, 99, by wom's one definition,
    /// [`crate::statistics::percentile`] (type 7: between two degrees it
    /// interpolates, e.g. 2.5).
    pub degree_percentiles: Vec<(u32, f64)>,
    /// Average local clustering coefficient (nodes of degree < 2 count as 0), on the
    /// undirected version of the graph.
    pub clustering: f64,
    /// Nodes sampled for `clustering`; `None` when it is exact.
    pub clustering_sample: Option<usize>,
    /// Weakly connected components.
    pub components: u64,
    /// Nodes in the largest weakly connected component.
    pub largest_component: u64,
    /// Self-loops dropped while building.
    pub self_loops_dropped: u64,
    /// Repeated ties dropped while building.
    pub duplicates_dropped: u64,
    /// Wall-clock seconds spent building the population.
    pub build_seconds: f64,
}

/// Compute the statistics of `population`; sampling (if any) uses the `statistics`
/// stream of `seed`.
pub fn graph_stats(population: &Population, seed: u64) -> GraphStats {
    let cleaning = population.cleaning;
    match &population.topology {
        Topology::Complete { nodes } => {
            let n = u64::from(*nodes);
            let d = n.saturating_sub(1);
            GraphStats {
                nodes: n,
                ties: population.ties(),
                directed: false,
                weighted: false,
                implicit: true,
                mean_degree: d as f64,
                min_degree: d,
                max_degree: d,
                degree_percentiles: PERCENTILES.iter().map(|&p| (p, d as f64)).collect(),
                clustering: if n >= 3 { 1.0 } else { 0.0 },
                clustering_sample: None,
                components: u64::from(n > 0),
                largest_component: n,
                self_loops_dropped: 0,
                duplicates_dropped: 0,
                build_seconds: population.build_seconds,
            }
        }
        Topology::Network(g) => {
            let n = g.node_count();
            let mut degrees: Vec<u32> = (0..n as u32).map(|u| g.degree(u) as u32).collect();
            degrees.sort_unstable();
            let (components, largest) = components(g);
            let undirected;
            let simple = if g.is_directed() {
                undirected = symmetrise(g);
                &undirected
            } else {
                g
            };
            let (clustering, clustering_sample) = average_clustering(simple, seed);
            GraphStats {
                nodes: n as u64,
                ties: g.tie_count(),
                directed: g.is_directed(),
                weighted: g.is_weighted(),
                implicit: false,
                mean_degree: if n == 0 {
                    0.0
                } else {
                    g.arc_count() as f64 / n as f64
                },
                min_degree: degrees.first().map_or(0, |&d| u64::from(d)),
                max_degree: degrees.last().map_or(0, |&d| u64::from(d)),
                degree_percentiles: PERCENTILES
                    .iter()
                    .map(|&p| (p, percentile(&degrees, p)))
                    .collect(),
                clustering,
                clustering_sample,
                components,
                largest_component: largest,
                self_loops_dropped: cleaning.self_loops,
                duplicates_dropped: cleaning.duplicates,
                build_seconds: population.build_seconds,
            }
        }
    }
}

const PERCENTILES: [u32; 6] = [5, 25, 50, 75, 95, 99];

/// The `p`-th percentile of sorted degrees, by [`crate::statistics::percentile`].
fn percentile(sorted: &[u32], p: u32) -> f64 {
    crate::statistics::percentile_of(sorted.len(), |i| f64::from(sorted[i]), f64::from(p) / 100.0)
}

/// Number of weakly connected components and the size of the largest, by union-find.
pub fn components(g: &Csr) -> (u64, u64) {
    let n = g.node_count();
    if n == 0 {
        return (0, 0);
    }
    let mut sets = UnionFind::<u32>::new(n);
    for u in 0..n as u32 {
        for &v in g.neighbors(u) {
            sets.union(u, v);
        }
    }
    let mut size = vec![0u32; n];
    for u in 0..n as u32 {
        size[sets.find_mut(u) as usize] += 1;
    }
    let components = size.iter().filter(|&&s| s > 0).count() as u64;
    let largest = size.iter().copied().max().unwrap_or(0);
    (components, u64::from(largest))
}

/// The undirected simple graph underlying a directed one.
fn symmetrise(g: &Csr) -> Csr {
    let mut edges = Vec::with_capacity(g.arc_count());
    for u in 0..g.node_count() as u32 {
        for &v in g.neighbors(u) {
            edges.push((u, v));
        }
    }
    Csr::from_edges(g.node_count() as u32, edges, None, false, true).0
}

/// Local clustering coefficient of node `v` in an undirected simple graph, using
/// `marks` (all `u32::MAX` or older stamps) stamped with `v`.
fn local_clustering(g: &Csr, v: u32, marks: &mut [u32]) -> f64 {
    let neighbors = g.neighbors(v);
    let k = neighbors.len();
    if k < 2 {
        return 0.0;
    }
    for &u in neighbors {
        marks[u as usize] = v;
    }
    let mut links = 0u64;
    for &u in neighbors {
        links += g
            .neighbors(u)
            .iter()
            .filter(|&&w| marks[w as usize] == v)
            .count() as u64;
    }
    // Each tie among neighbours was counted from both ends.
    links as f64 / (k as f64 * (k as f64 - 1.0))
}

/// Average local clustering: exact up to [`CLUSTERING_EXACT_MAX_NODES`] nodes,
/// otherwise the mean over [`CLUSTERING_SAMPLE`] nodes drawn with replacement
/// (standard error below 0.5 / sqrt(sample) ≈ 0.0035).
pub fn average_clustering(g: &Csr, seed: u64) -> (f64, Option<usize>) {
    let n = g.node_count();
    if n == 0 {
        return (0.0, None);
    }
    let mut marks = vec![u32::MAX; n];
    if n <= CLUSTERING_EXACT_MAX_NODES {
        let total: f64 = (0..n as u32)
            .map(|v| local_clustering(g, v, &mut marks))
            .sum();
        (total / n as f64, None)
    } else {
        let mut rng = rng::stream(seed, 0, Stream::Statistics);
        let total: f64 = (0..CLUSTERING_SAMPLE)
            .map(|_| {
                let v = rng::below(&mut rng, n as u64) as u32;
                local_clustering(g, v, &mut marks)
            })
            .sum();
        (total / CLUSTERING_SAMPLE as f64, Some(CLUSTERING_SAMPLE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangle_plus_pendant() {
        // 0-1-2 triangle, 3 hangs off 2, 4 is alone.
        let (g, _) = Csr::from_edges(5, vec![(0, 1), (1, 2), (2, 0), (2, 3)], None, false, true);
        let (c, sample) = average_clustering(&g, 1);
        assert_eq!(sample, None);
        // Local: 1, 1, 1/3, 0, 0.
        assert!((c - (2.0 + 1.0 / 3.0) / 5.0).abs() < 1e-12);
        assert_eq!(components(&g), (2, 4));
        // Type 7: h = 3 q, between order statistics.
        assert_eq!(percentile(&[1, 2, 3, 4], 50), 2.5);
        assert!((percentile(&[1, 2, 3, 4], 99) - 3.97).abs() < 1e-12);
        assert_eq!(percentile(&[1, 2, 3, 4], 0), 1.0);
    }
}
