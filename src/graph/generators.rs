//! Random graph generators.
//!
//! Every generator is a pure function of its parameters and the state of the random
//! stream it is handed: the same state in gives the same [`Csr`] out, whatever the
//! thread count (generation is sequential). Draws go through the helpers of
//! [`crate::rng`] only, so results are stable across `rand` upgrades.
//!
//! Memory: the generators build one `Vec<(u32, u32)>` edge list (8 bytes per tie)
//! and freeze it with [`Csr::from_edges`]; apart from O(n) scratch, nothing else of
//! size proportional to the tie count is alive at the same time, except the hash set
//! of edges that the configuration model (always) and Watts–Strogatz (for rewired
//! ties only) use for membership tests.
//!
//! Parameters are validated by the caller; the preconditions are listed on each
//! function and checked with `debug_assert!`.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::graph::csr::{Cleaning, Csr};
use crate::rng::{below, chance, geometric_skip, shuffle, unit, WomRng};
use crate::scenario::DegreeDistribution;

/// Erdős–Rényi G(n, p) with p = `mean_degree / (nodes - 1)`.
///
/// Uses Batagelj–Brandes geometric skipping over the pairs (v, w), w < v, in
/// row-major order: O(n + m) time, and exactly the edge list plus the CSR in memory.
///
/// Preconditions: `mean_degree` is finite and in `[0, nodes - 1]` (a larger value is
/// clamped to p = 1). With fewer than two nodes the graph has no ties.
pub fn erdos_renyi(nodes: u32, mean_degree: f64, rng: &mut WomRng) -> Csr {
    debug_assert!(mean_degree.is_finite() && mean_degree >= 0.0);
    if nodes < 2 {
        return freeze(nodes, Vec::new());
    }
    let n = u64::from(nodes);
    let p = (mean_degree / (n - 1) as f64).clamp(0.0, 1.0);
    debug_assert!(mean_degree <= (n - 1) as f64 * (1.0 + 1e-12));
    let pairs = n as f64 * (n - 1) as f64 / 2.0;
    let mut edges = Vec::with_capacity(expected_capacity(pairs, p));
    // Row v holds the pairs (v, 0), …, (v, v - 1).
    skip_pairs(
        1..nodes,
        p,
        rng,
        |v| (u64::from(v), 0),
        |v, w| edges.push((v, w)),
    );
    freeze(nodes, edges)
}

/// Barabási–Albert preferential attachment.
///
/// Nodes `0..=attach` start as a clique (so every node ends with degree at least
/// `attach`, and the clique nodes exactly `attach` before growth). Each later node v
/// attaches to `attach` *distinct* earlier nodes, each drawn with probability
/// proportional to its current degree (repeats are redrawn), by picking a uniform
/// entry of the repeated-node list of Batagelj–Brandes. The edge list *is* that
/// list: tie i is the pair of entries 2i and 2i + 1, so no second copy is kept.
/// The graph is simple, with exactly `attach (attach + 1) / 2 + (nodes - attach - 1)
/// attach` ties. O(n · attach) expected time (the redraws are rare unless `attach`
/// is a large share of the nodes present).
///
/// Preconditions: `1 <= attach < nodes`.
pub fn barabasi_albert(nodes: u32, attach: u32, rng: &mut WomRng) -> Csr {
    debug_assert!(attach >= 1 && attach < nodes);
    if attach == 0 || attach >= nodes {
        return freeze(nodes, Vec::new());
    }
    let m = u64::from(attach);
    let ties = m * (m + 1) / 2 + (u64::from(nodes) - m - 1) * m;
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(ties as usize);
    for j in 1..=attach {
        for i in 0..j {
            edges.push((j, i));
        }
    }
    // For small `attach` a scan of the node's own new ties finds repeats fastest;
    // beyond that a per-node stamp array does. Both give the same graph.
    const SCAN_LIMIT: u32 = 32;
    let mut stamp: Vec<u32> = if attach > SCAN_LIMIT {
        vec![u32::MAX; nodes as usize]
    } else {
        Vec::new()
    };
    for v in (attach + 1)..nodes {
        let start = edges.len();
        // Entries 0..2·start of the repeated-node list: each node appears once per tie.
        let entries = 2 * start as u64;
        let mut picked = 0;
        while picked < attach {
            let r = below(rng, entries) as usize;
            let pair = edges[r / 2];
            let target = if r % 2 == 0 { pair.0 } else { pair.1 };
            let repeat = if attach > SCAN_LIMIT {
                stamp[target as usize] == v
            } else {
                edges[start..].iter().any(|&(_, t)| t == target)
            };
            if repeat {
                continue;
            }
            if attach > SCAN_LIMIT {
                stamp[target as usize] = v;
            }
            edges.push((v, target));
            picked += 1;
        }
    }
    drop(stamp);
    debug_assert_eq!(edges.len() as u64, ties);
    freeze(nodes, edges)
}

/// Watts–Strogatz small world, with the rewiring semantics of networkx's
/// `watts_strogatz_graph`.
///
/// Start from the ring lattice in which node u is tied to u ± 1, …, u ± neighbors/2
/// (mod n). Then, for j = 1, …, neighbors/2 and, within each j, for u = 0, …, n − 1,
/// the lattice tie (u, u + j) is rewired with probability `rewire` to (u, w), w drawn
/// uniformly and redrawn while it is u or already tied to u. If u is already tied to
/// every other node the tie is kept. Degrees change but the tie count stays exactly
/// `nodes · neighbors / 2`; `rewire = 0` gives the exact ring lattice (and draws
/// nothing). The graph is simple.
///
/// Membership is tested against the lattice positions directly (a removed lattice
/// tie is recognisable in place) plus a hash set holding only the rewired ties, so
/// memory is the edge list plus about 16 bytes per *rewired* tie and 4 bytes a node.
///
/// Preconditions: `neighbors` is even and `< nodes`; `rewire` is in `[0, 1]`.
pub fn watts_strogatz(nodes: u32, neighbors: u32, rewire: f64, rng: &mut WomRng) -> Csr {
    debug_assert!(neighbors % 2 == 0 && neighbors < nodes);
    debug_assert!((0.0..=1.0).contains(&rewire));
    let half = neighbors / 2;
    if half == 0 || neighbors >= nodes {
        return freeze(nodes, Vec::new());
    }
    let n = nodes as usize;
    let h = half as usize;
    // Lattice tie (u, u + j) sits at index (j - 1) n + u until it is rewired.
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * h);
    for j in 1..=half {
        for u in 0..nodes {
            let v = ((u64::from(u) + u64::from(j)) % u64::from(nodes)) as u32;
            edges.push((u, v));
        }
    }
    if rewire > 0.0 {
        let mut degree = vec![neighbors; n];
        let mut rewired = EdgeSet::default();
        for j in 1..=half {
            for u in 0..nodes {
                if !chance(rng, rewire) {
                    continue;
                }
                if degree[u as usize] >= nodes - 1 {
                    continue;
                }
                let w = loop {
                    let w = below(rng, u64::from(nodes)) as u32;
                    if w != u && !ws_has_edge(&edges, &rewired, nodes, half, u, w) {
                        break w;
                    }
                };
                let idx = (j as usize - 1) * n + u as usize;
                let v = edges[idx].1;
                edges[idx] = (u, w);
                degree[v as usize] -= 1;
                degree[w as usize] += 1;
                rewired.insert(edge_key(u, w));
            }
        }
    }
    freeze(nodes, edges)
}

/// Whether a and b are tied in the Watts–Strogatz graph under construction.
fn ws_has_edge(
    edges: &[(u32, u32)],
    rewired: &EdgeSet,
    nodes: u32,
    half: u32,
    a: u32,
    b: u32,
) -> bool {
    let n = u64::from(nodes);
    let lattice = |x: u32, y: u32| {
        // Ring offset from x forward to y; since half < n / 2 at most one of the
        // two orientations is a lattice position.
        let d = (u64::from(y) + n - u64::from(x)) % n;
        if (1..=u64::from(half)).contains(&d) {
            let idx = ((d - 1) * n + u64::from(x)) as usize;
            Some(edges[idx] == (x, y))
        } else {
            None
        }
    };
    if lattice(a, b).or_else(|| lattice(b, a)) == Some(true) {
        return true;
    }
    !rewired.is_empty() && rewired.contains(&edge_key(a, b))
}

/// Most double-edge swaps tried for one bad (self-loop or repeated) edge before it
/// is dropped.
const REPAIR_ATTEMPTS: u32 = 1000;

/// Configuration model: a simple graph with (nearly) the drawn degree sequence.
///
/// 1. Degrees are drawn from `degrees` (see [`DegreeDistribution`]).
/// 2. If the stub sum is odd, one stub is added to a node drawn uniformly among
///    those whose degree is below the largest degree allowed (the table's largest
///    degree, or the power law's `max`, capped at n − 1) so that degrees stay within
///    the distribution's range; if every node is at that cap, one stub is removed
///    from a uniformly drawn node instead.
/// 3. Stubs are paired by a uniform shuffle.
/// 4. Self-loops and repeats of an earlier edge are repaired by random double-edge
///    swaps: the bad edge (a, b) and a uniformly drawn good edge (c, d) become
///    (a, c), (b, d) or (a, d), (b, c) (a fair coin picks which) if neither new edge
///    is a loop or already present, which preserves every degree exactly. After
///    1,000 failed attempts (`REPAIR_ATTEMPTS`) a bad edge is dropped and counted in the
///    returned [`Cleaning`] (`self_loops` or `duplicates`, by what it was); a dropped
///    loop lowers its node's degree by 2, a dropped repeat its two nodes' by 1.
///
/// Memory: the edge list plus a hash set of all edges (about 16–32 bytes per tie)
/// during the repair, then the CSR.
///
/// Preconditions: `nodes >= 1`; table degrees are `< nodes` and shares are
/// non-negative and sum to 1; power law has `1 <= min <= max < nodes` and a finite
/// exponent.
pub fn configuration(
    nodes: u32,
    degrees: &DegreeDistribution,
    rng: &mut WomRng,
) -> (Csr, Cleaning) {
    let mut cleaning = Cleaning::default();
    if nodes == 0 {
        return (freeze(0, Vec::new()), cleaning);
    }
    let (mut degree, cap) = draw_degrees(nodes, degrees, rng);
    let cap = cap.min(nodes - 1);
    let mut stubs: u64 = degree.iter().map(|&d| u64::from(d)).sum();
    if stubs % 2 == 1 {
        let eligible = degree.iter().filter(|&&d| d < cap).count() as u64;
        if eligible > 0 {
            let pick = below(rng, eligible);
            let node = nth_index(&degree, pick, |d| d < cap);
            degree[node] += 1;
            stubs += 1;
        } else {
            let positive = degree.iter().filter(|&&d| d > 0).count() as u64;
            let pick = below(rng, positive);
            let node = nth_index(&degree, pick, |d| d > 0);
            degree[node] -= 1;
            stubs -= 1;
        }
    }
    // The edge list doubles as the stub list: stub 2i and 2i + 1 form edge i.
    let mut edges: Vec<(u32, u32)> = vec![(0, 0); (stubs / 2) as usize];
    {
        let mut pos = 0usize;
        for (node, &d) in degree.iter().enumerate() {
            for _ in 0..d {
                set_stub(&mut edges, pos, node as u32);
                pos += 1;
            }
        }
    }
    drop(degree);
    // Fisher–Yates over the flat stub positions.
    for i in (1..stubs as usize).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        let a = get_stub(&edges, i);
        let b = get_stub(&edges, j);
        set_stub(&mut edges, i, b);
        set_stub(&mut edges, j, a);
    }

    // Separate the good edges (kept in `edges`, all present in `set`) from the bad.
    let mut set = EdgeSet::with_capacity_and_hasher(edges.len(), Default::default());
    let mut bad_index: Vec<usize> = Vec::new();
    for (i, &(a, b)) in edges.iter().enumerate() {
        if a == b || !set.insert(edge_key(a, b)) {
            bad_index.push(i);
        }
    }
    let mut bad: Vec<(u32, u32)> = Vec::with_capacity(bad_index.len());
    for &i in bad_index.iter().rev() {
        bad.push(edges.swap_remove(i));
    }
    bad.reverse();
    drop(bad_index);

    for (a, b) in bad {
        let mut fixed = false;
        for _ in 0..REPAIR_ATTEMPTS {
            if edges.is_empty() {
                break;
            }
            let j = below(rng, edges.len() as u64) as usize;
            let (c, d) = edges[j];
            let ((x1, y1), (x2, y2)) = if below(rng, 2) == 0 {
                ((a, c), (b, d))
            } else {
                ((a, d), (b, c))
            };
            if x1 == y1 || x2 == y2 {
                continue;
            }
            let (k1, k2) = (edge_key(x1, y1), edge_key(x2, y2));
            if k1 == k2 || set.contains(&k1) || set.contains(&k2) {
                continue;
            }
            set.remove(&edge_key(c, d));
            set.insert(k1);
            set.insert(k2);
            edges[j] = (x1, y1);
            edges.push((x2, y2));
            fixed = true;
            break;
        }
        if !fixed {
            if a == b {
                cleaning.self_loops += 1;
            } else {
                cleaning.duplicates += 1;
            }
        }
    }
    drop(set);
    (freeze(nodes, edges), cleaning)
}

/// Draw the degree of every node; also returns the largest degree the distribution
/// allows.
fn draw_degrees(nodes: u32, degrees: &DegreeDistribution, rng: &mut WomRng) -> (Vec<u32>, u32) {
    let n = nodes as usize;
    match degrees {
        DegreeDistribution::Table(table) => {
            debug_assert!(!table.is_empty());
            debug_assert!(table.iter().all(|&(k, s)| k < nodes && s >= 0.0));
            debug_assert!((table.iter().map(|&(_, s)| s).sum::<f64>() - 1.0).abs() < 1e-6);
            let counts = largest_remainder(nodes, table);
            let mut degree = Vec::with_capacity(n);
            for (&(k, _), &c) in table.iter().zip(&counts) {
                degree.extend(std::iter::repeat(k).take(c as usize));
            }
            // Shares that do not quite sum to 1 (never after validation) fall back
            // to degree 0 / truncation rather than panicking.
            degree.resize(n, 0);
            shuffle(rng, &mut degree);
            let cap = table.iter().map(|&(k, _)| k).max().unwrap_or(0);
            (degree, cap)
        }
        &DegreeDistribution::PowerLaw { exponent, min, max } => {
            debug_assert!(exponent.is_finite());
            debug_assert!(1 <= min && min <= max && max < nodes);
            let min = min.max(1);
            let max = max.max(min);
            let mut cdf: Vec<f64> = Vec::with_capacity((max - min) as usize + 1);
            let mut total = 0.0;
            for k in min..=max {
                total += f64::from(k).powf(-exponent);
                cdf.push(total);
            }
            for c in &mut cdf {
                *c /= total;
            }
            if let Some(last) = cdf.last_mut() {
                *last = 1.0;
            }
            let degree = (0..n)
                .map(|_| {
                    let u = unit(rng);
                    let i = cdf.partition_point(|&c| c <= u).min(cdf.len() - 1);
                    min + i as u32
                })
                .collect();
            (degree, max)
        }
    }
}

/// Node counts for a degree table: floor(share · n), with the remaining nodes given
/// one each to the entries with the largest fractional parts (earlier entry first on
/// ties).
fn largest_remainder(nodes: u32, table: &[(u32, f64)]) -> Vec<u64> {
    let n = u64::from(nodes);
    let exact: Vec<f64> = table.iter().map(|&(_, s)| s.max(0.0) * n as f64).collect();
    let mut counts: Vec<u64> = exact.iter().map(|&x| (x.floor() as u64).min(n)).collect();
    let assigned: u64 = counts.iter().sum();
    let mut order: Vec<usize> = (0..table.len()).collect();
    // Stable sort: ties keep table order.
    order.sort_by(|&i, &j| {
        let fi = exact[i] - exact[i].floor();
        let fj = exact[j] - exact[j].floor();
        fj.total_cmp(&fi)
    });
    let mut remaining = n.saturating_sub(assigned);
    for &i in order.iter().cycle().take(remaining as usize) {
        counts[i] += 1;
        remaining -= 1;
    }
    debug_assert_eq!(remaining, 0);
    counts
}

/// The index of the `k`-th (0-based) element of `values` that satisfies `keep`.
fn nth_index(values: &[u32], k: u64, keep: impl Fn(u32) -> bool) -> usize {
    values
        .iter()
        .enumerate()
        .filter(|&(_, &d)| keep(d))
        .nth(k as usize)
        .map_or(0, |(i, _)| i)
}

#[inline]
fn get_stub(edges: &[(u32, u32)], pos: usize) -> u32 {
    let e = edges[pos / 2];
    if pos % 2 == 0 {
        e.0
    } else {
        e.1
    }
}

#[inline]
fn set_stub(edges: &mut [(u32, u32)], pos: usize, node: u32) {
    let e = &mut edges[pos / 2];
    if pos % 2 == 0 {
        e.0 = node;
    } else {
        e.1 = node;
    }
}

/// Stochastic block model.
///
/// Blocks of the given sizes hold consecutive node ids (block 0 first). Each pair of
/// nodes in the same block is tied with probability `p_in`, each pair in different
/// blocks with `p_out`, independently. Two geometric-skipping passes over the pairs
/// (v, w), w < v — one over the within-block pairs (row v: the earlier nodes of v's
/// block), one over the between-block pairs (row v: all nodes of earlier blocks) —
/// make this O(n + m) whatever the number of blocks. The edge list holds the
/// within-block ties first, then the between-block ties.
///
/// Preconditions: the block sizes sum to at most `u32::MAX`; `p_in` and `p_out` are
/// in `[0, 1]`. Empty blocks are allowed.
pub fn stochastic_block(blocks: &[u32], p_in: f64, p_out: f64, rng: &mut WomRng) -> Csr {
    debug_assert!((0.0..=1.0).contains(&p_in) && (0.0..=1.0).contains(&p_out));
    let total: u64 = blocks.iter().map(|&b| u64::from(b)).sum();
    debug_assert!(total <= u64::from(u32::MAX));
    let nodes = total.min(u64::from(u32::MAX)) as u32;
    // ends[b] is one past the last node of block b.
    let mut ends: Vec<u64> = Vec::with_capacity(blocks.len());
    let mut running = 0u64;
    for &b in blocks {
        running += u64::from(b);
        ends.push(running);
    }
    let within_pairs: f64 = blocks
        .iter()
        .map(|&b| f64::from(b) * (f64::from(b) - 1.0) / 2.0)
        .sum();
    let all_pairs = total as f64 * (total as f64 - 1.0).max(0.0) / 2.0;
    let between_pairs = (all_pairs - within_pairs).max(0.0);
    let mut edges = Vec::with_capacity(
        expected_capacity(within_pairs, p_in) + expected_capacity(between_pairs, p_out),
    );
    // Start of the block holding v; v only increases within a pass.
    let block_start = |block: &mut usize, v: u32| -> u64 {
        let v = u64::from(v);
        while ends[*block] <= v {
            *block += 1;
        }
        if *block == 0 {
            0
        } else {
            ends[*block - 1]
        }
    };
    let mut block = 0usize;
    skip_pairs(
        0..nodes,
        p_in,
        rng,
        |v| {
            let start = block_start(&mut block, v);
            (u64::from(v) - start, start as u32)
        },
        |v, w| edges.push((v, w)),
    );
    let mut block = 0usize;
    skip_pairs(
        0..nodes,
        p_out,
        rng,
        |v| (block_start(&mut block, v), 0),
        |v, w| edges.push((v, w)),
    );
    freeze(nodes, edges)
}

/// Batagelj–Brandes geometric skipping over a ragged array of candidate pairs.
///
/// Row v (for v in `rows`, in order) has `len` candidates, the nodes `base`, …,
/// `base + len − 1` where `(len, base) = row(v)`; each candidate is taken with
/// probability `p`, independently, and taken pairs are passed to `emit(v, w)` in
/// order. Rows are visited once and each taken pair costs one draw, so the cost is
/// O(rows + pairs taken). Positions are kept in u64 (a skip can run past any row;
/// it saturates instead of overflowing), never recovered by square roots.
fn skip_pairs(
    rows: std::ops::Range<u32>,
    p: f64,
    rng: &mut WomRng,
    mut row: impl FnMut(u32) -> (u64, u32),
    mut emit: impl FnMut(u32, u32),
) {
    if p.is_nan() || p <= 0.0 || rows.is_empty() {
        return;
    }
    let log_q = (-p.min(1.0)).ln_1p();
    let mut v = rows.start;
    let (mut len, mut base) = row(v);
    // Offset of the next candidate within row v.
    let mut w: u64 = 0;
    loop {
        w = w.saturating_add(geometric_skip(rng, log_q));
        while w >= len {
            w -= len;
            v += 1;
            if v >= rows.end {
                return;
            }
            (len, base) = row(v);
        }
        emit(v, base + w as u32);
        w += 1;
    }
}

/// Capacity for the ties of `pairs` Bernoulli(p) trials: the mean plus six standard
/// deviations, so the edge list almost never reallocates.
fn expected_capacity(pairs: f64, p: f64) -> usize {
    let p = p.clamp(0.0, 1.0);
    let mean = pairs * p;
    let sd = (pairs * p * (1.0 - p)).sqrt();
    (mean + 6.0 * sd + 16.0).min(pairs.max(0.0) + 1.0) as usize
}

/// Freeze an edge list that is already simple (no loops, no repeats).
fn freeze(nodes: u32, edges: Vec<(u32, u32)>) -> Csr {
    Csr::from_edges(nodes, edges, None, false, false).0
}

/// The key of the undirected edge {a, b}.
#[inline]
fn edge_key(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

/// A hash set of edge keys with a cheap hasher (SplitMix64 finaliser). It is only
/// ever queried and updated, never iterated, so its layout cannot reach a result.
type EdgeSet = HashSet<u64, BuildHasherDefault<EdgeHasher>>;

/// Hasher for `u64` edge keys.
#[derive(Default)]
struct EdgeHasher(u64);

impl Hasher for EdgeHasher {
    #[inline]
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 ^= i;
    }
}
