//! The compressed sparse row layout every simulation runs on.
//!
//! Node ids are `u32`; the neighbours of node `u` are the contiguous slice
//! `targets[offsets[u]..offsets[u + 1]]`. For an undirected graph each tie is stored
//! as two arcs; for a directed graph the arc u→v is stored under u (v hears u).
//! Optional tie weights sit in a parallel `f32` array.

/// What was removed while freezing an edge list into a simple graph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaning {
    /// Edges u–u that were dropped.
    pub self_loops: u64,
    /// Repeated edges that were dropped (the first occurrence, and its weight, is kept).
    pub duplicates: u64,
}

/// A frozen graph in CSR form.
///
/// Invariant: every target is below the node count. [`Csr::from_edges`] checks
/// it, nothing changes the arrays afterwards, and
/// [`Csr::raise_neighbor_entries`] relies on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    offsets: Vec<u64>,
    targets: Vec<u32>,
    weights: Option<Vec<f32>>,
    directed: bool,
}

impl Csr {
    /// Freeze `edges` among `nodes` nodes into CSR form in O(n + m) time (plus the
    /// per-node sort when `clean` is set).
    ///
    /// Undirected edges are stored in both directions. With `clean`, self-loops and
    /// repeated edges are dropped and counted; without it the caller promises there
    /// are none (generators that only make simple graphs skip the sort).
    /// `weights`, when given, has one entry per edge.
    ///
    /// Peak memory is the edge list plus the arcs: about 16 bytes per undirected tie.
    ///
    /// # Panics
    /// If an endpoint is `>= nodes` or `weights` has the wrong length: both are
    /// programming errors, never user input (parsers check labels first). The
    /// first check upholds the type's invariant.
    pub fn from_edges(
        nodes: u32,
        edges: Vec<(u32, u32)>,
        weights: Option<Vec<f32>>,
        directed: bool,
        clean: bool,
    ) -> (Csr, Cleaning) {
        let n = nodes as usize;
        if let Some(w) = &weights {
            assert_eq!(w.len(), edges.len(), "one weight per edge");
        }
        let mut cleaning = Cleaning::default();
        let mut degree = vec![0u64; n + 1];
        for &(u, v) in &edges {
            assert!(u < nodes && v < nodes, "edge {u}-{v} among {nodes} nodes");
            if u == v && clean {
                continue;
            }
            degree[u as usize] += 1;
            if !directed {
                degree[v as usize] += 1;
            }
        }
        // Exclusive prefix sum into offsets.
        let mut offsets = Vec::with_capacity(n + 1);
        let mut running = 0u64;
        for d in degree.iter().take(n) {
            offsets.push(running);
            running += d;
        }
        offsets.push(running);
        let arcs = running as usize;
        let mut cursor: Vec<u64> = offsets[..n].to_vec();
        drop(degree);
        let mut targets = vec![0u32; arcs];
        let mut arc_weights = weights.as_ref().map(|_| vec![0f32; arcs]);
        for (i, &(u, v)) in edges.iter().enumerate() {
            if u == v && clean {
                cleaning.self_loops += 1;
                continue;
            }
            let w = weights.as_ref().map(|w| w[i]);
            let slot = cursor[u as usize] as usize;
            cursor[u as usize] += 1;
            targets[slot] = v;
            if let (Some(aw), Some(w)) = (arc_weights.as_mut(), w) {
                aw[slot] = w;
            }
            if !directed {
                let slot = cursor[v as usize] as usize;
                cursor[v as usize] += 1;
                targets[slot] = u;
                if let (Some(aw), Some(w)) = (arc_weights.as_mut(), w) {
                    aw[slot] = w;
                }
            }
        }
        drop(cursor);
        drop(edges);
        drop(weights);
        let mut csr = Csr {
            offsets,
            targets,
            weights: arc_weights,
            directed,
        };
        if clean {
            let removed_arcs = csr.sort_and_dedup();
            cleaning.duplicates = if directed {
                removed_arcs
            } else {
                removed_arcs / 2
            };
        }
        (csr, cleaning)
    }

    /// Sort every neighbour list and drop repeated targets, keeping the first
    /// occurrence (and so its weight). Returns the number of arcs removed.
    fn sort_and_dedup(&mut self) -> u64 {
        let n = self.node_count();
        let mut write = 0usize;
        let mut scratch: Vec<(u32, f32)> = Vec::new();
        let mut new_start = 0u64;
        for u in 0..n {
            let start = self.offsets[u] as usize;
            let end = self.offsets[u + 1] as usize;
            match self.weights.as_mut() {
                None => {
                    let slice = &mut self.targets[start..end];
                    slice.sort_unstable();
                    let mut last = None;
                    for i in start..end {
                        let t = self.targets[i];
                        if last != Some(t) {
                            self.targets[write] = t;
                            write += 1;
                            last = Some(t);
                        }
                    }
                }
                Some(weights) => {
                    // Stable sort so the first-listed weight of a repeated tie wins.
                    scratch.clear();
                    scratch.extend(
                        self.targets[start..end]
                            .iter()
                            .copied()
                            .zip(weights[start..end].iter().copied()),
                    );
                    scratch.sort_by_key(|&(t, _)| t);
                    let mut last = None;
                    for &(t, w) in &scratch {
                        if last != Some(t) {
                            self.targets[write] = t;
                            weights[write] = w;
                            write += 1;
                            last = Some(t);
                        }
                    }
                }
            }
            self.offsets[u] = new_start;
            new_start = write as u64;
        }
        let removed = self.targets.len() - write;
        self.offsets[n] = write as u64;
        self.targets.truncate(write);
        self.targets.shrink_to_fit();
        if let Some(w) = self.weights.as_mut() {
            w.truncate(write);
            w.shrink_to_fit();
        }
        removed as u64
    }

    /// Number of nodes.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of stored arcs (twice the ties of an undirected graph).
    #[inline]
    pub fn arc_count(&self) -> usize {
        self.targets.len()
    }

    /// Number of ties: arcs for a directed graph, arcs / 2 for an undirected one.
    pub fn tie_count(&self) -> u64 {
        if self.directed {
            self.targets.len() as u64
        } else {
            self.targets.len() as u64 / 2
        }
    }

    /// Whether arcs are one-way.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// Whether ties carry weights.
    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Hint that `u`'s ties will be read soon: the CPU fetches the first three
    /// cache lines of its tie list, enough for 33 to 48 ties (it needs `u`'s
    /// offsets, so call [`Csr::prefetch_offsets`] for `u` earlier), while the
    /// caller works on something else. Lists longer than that are read in order,
    /// which the hardware prefetcher follows; one line was not enough (a tie
    /// list of 20 starting late in a line spans two or three).
    #[inline]
    pub fn prefetch_ties(&self, u: u32) {
        let start = self.offsets[u as usize] as usize;
        for at in [start, start + 16, start + 32] {
            if let Some(tie) = self.targets.get(at) {
                prefetch(tie);
            }
        }
    }

    /// Hint that `u`'s offsets will be read soon.
    #[inline]
    pub fn prefetch_offsets(&self, u: u32) {
        prefetch(&self.offsets[u as usize]);
    }

    /// The nodes that hear `u` (its out-neighbours).
    #[inline]
    pub fn neighbors(&self, u: u32) -> &[u32] {
        let u = u as usize;
        &self.targets[self.offsets[u] as usize..self.offsets[u + 1] as usize]
    }

    /// Raise the entry of each of `u`'s neighbours in `per_node` (one entry
    /// per node) to at least `floor`, and return how many were below it.
    ///
    /// This is the hottest loop of a cascade: every tie of every advocate, about
    /// 34,000 a replicate on the peers' BA graph, where it takes over 40% of the
    /// time. On x86-64 it is written out by hand, six instructions and the loop
    /// branch a tie, with one comparison feeding both the count (`adc`) and the
    /// raise (`cmov`). The compiler compares twice, and a checked index adds a
    /// third; the hand-written loop is 7% faster on BA (docs/performance.md).
    /// Elsewhere it is the plain loop of `raise_entries`.
    ///
    /// # Panics
    /// If `per_node` does not have one entry per node.
    #[inline]
    pub fn raise_neighbor_entries(&self, u: u32, per_node: &mut [u16], floor: u16) -> u32 {
        assert_eq!(per_node.len(), self.node_count(), "one entry per node");
        let ties = self.neighbors(u);
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            if ties.is_empty() {
                return 0;
            }
            let mut below = 0u32;
            // SAFETY: the loop reads `ties` (from `end - len` up to `end`, with
            // `at` running from -len to 0) and reads and writes `per_node[v]`
            // for each tie v, which is in bounds: every target is below the
            // node count (the type's invariant), which is `per_node.len()`. It
            // touches nothing else, uses no stack, and its flags are clobbered
            // as `asm!` assumes by default.
            unsafe {
                std::arch::asm!(
                    "2:",
                    "mov {v:e}, dword ptr [{end} + {at}*4]",
                    "movzx {entry:e}, word ptr [{per_node} + {v}*2]",
                    "cmp {entry:x}, {floor:x}",
                    "cmovb {entry:e}, {floor:e}",
                    "adc {below:e}, 0",
                    "mov word ptr [{per_node} + {v}*2], {entry:x}",
                    "inc {at}",
                    "jnz 2b",
                    end = in(reg) ties.as_ptr_range().end,
                    per_node = in(reg) per_node.as_mut_ptr(),
                    floor = in(reg) u32::from(floor),
                    at = inout(reg) -(ties.len() as isize) => _,
                    v = out(reg) _,
                    entry = out(reg) _,
                    below = inout(reg) below,
                    options(nostack),
                );
            }
            below
        }
        #[cfg(not(all(target_arch = "x86_64", not(miri))))]
        {
            raise_entries(ties, per_node, floor)
        }
    }

    /// [`Csr::raise_neighbor_entries`] as the portable loop, on every target: the
    /// reference the hand-written loop is tested and benchmarked against
    /// (`cargo bench --bench kernel`).
    ///
    /// # Panics
    /// If `per_node` does not have one entry per node.
    pub fn raise_neighbor_entries_portable(&self, u: u32, per_node: &mut [u16], floor: u16) -> u32 {
        assert_eq!(per_node.len(), self.node_count(), "one entry per node");
        raise_entries(self.neighbors(u), per_node, floor)
    }

    /// The weights of `u`'s arcs, parallel to [`Csr::neighbors`], if the graph is weighted.
    #[inline]
    pub fn neighbor_weights(&self, u: u32) -> Option<&[f32]> {
        let u = u as usize;
        self.weights
            .as_ref()
            .map(|w| &w[self.offsets[u] as usize..self.offsets[u + 1] as usize])
    }

    /// Out-degree of `u` (the degree, for an undirected graph).
    #[inline]
    pub fn degree(&self, u: u32) -> usize {
        let u = u as usize;
        (self.offsets[u + 1] - self.offsets[u]) as usize
    }

    /// The raw offset array (length n + 1).
    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// The raw target array (length = arcs).
    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// The raw weight array (one per arc, parallel to [`Csr::targets`]), if weighted.
    pub fn weights(&self) -> Option<&[f32]> {
        self.weights.as_deref()
    }

    /// Bytes held by the arrays, for reports and the memory guard's calibration.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.len() * 8
            + self.targets.len() * 4
            + self.weights.as_ref().map_or(0, |w| w.len() * 4)
    }

    /// In-degree of every node (equal to the degree for undirected graphs).
    pub fn in_degrees(&self) -> Vec<u32> {
        let mut d = vec![0u32; self.node_count()];
        for &t in &self.targets {
            d[t as usize] += 1;
        }
        d
    }
}

/// A software prefetch of the cache line holding `value` (a no-op off x86-64).
#[inline]
pub(crate) fn prefetch<T>(value: &T) {
    // SAFETY: a prefetch is only a hint: it reads nothing into the program and
    // never faults (the pointer comes from a reference anyway). The intrinsic is
    // `unsafe` only because it is gated on SSE, which every x86-64 CPU has.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (value as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Raise `per_node[v]` to at least `floor` for each v of `ties`, and return
/// how many were below it: what [`Csr::raise_neighbor_entries`] does, as a plain
/// loop (used where that has no hand-written loop, and to check the one it has).
fn raise_entries(ties: &[u32], per_node: &mut [u16], floor: u16) -> u32 {
    let mut below = 0;
    for &v in ties {
        let entry = &mut per_node[v as usize];
        below += u32::from(*entry < floor);
        *entry = (*entry).max(floor);
    }
    below
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undirected_edges_are_stored_both_ways() {
        let (g, c) = Csr::from_edges(3, vec![(0, 1), (1, 2)], None, false, true);
        assert_eq!(c, Cleaning::default());
        assert_eq!(g.neighbors(0), &[1]);
        assert_eq!(g.neighbors(1), &[0, 2]);
        assert_eq!(g.neighbors(2), &[1]);
        assert_eq!(g.tie_count(), 2);
    }

    #[test]
    fn cleaning_drops_and_counts_loops_and_duplicates() {
        let edges = vec![(0, 1), (1, 0), (1, 1), (0, 1), (2, 1)];
        let weights = Some(vec![0.5, 0.25, 1.0, 0.75, 1.0]);
        let (g, c) = Csr::from_edges(3, edges, weights, false, true);
        assert_eq!(c.self_loops, 1);
        assert_eq!(c.duplicates, 2);
        assert_eq!(g.tie_count(), 2);
        assert_eq!(g.neighbors(1), &[0, 2]);
        // The first listed weight of the repeated tie 0-1 is kept.
        assert_eq!(g.neighbor_weights(0), Some(&[0.5f32][..]));
        assert_eq!(g.neighbor_weights(1), Some(&[0.5f32, 1.0][..]));
    }

    #[test]
    fn directed_arcs_are_stored_once() {
        let (g, c) = Csr::from_edges(3, vec![(0, 1), (1, 0), (0, 1)], None, true, true);
        assert_eq!(c.duplicates, 1);
        assert_eq!(g.tie_count(), 2);
        assert_eq!(g.neighbors(0), &[1]);
        assert_eq!(g.neighbors(1), &[0]);
        assert_eq!(g.in_degrees(), vec![1, 1, 0]);
    }

    #[test]
    #[should_panic(expected = "among 3 nodes")]
    fn a_directed_target_out_of_range_is_refused() {
        // Only the source indexes the degree array of a directed graph, so the
        // target needs its own check (the unchecked visit relies on it).
        Csr::from_edges(3, vec![(0, 3)], None, true, false);
    }

    #[test]
    #[should_panic(expected = "among 3 nodes")]
    fn an_endpoint_equal_to_the_node_count_is_refused() {
        Csr::from_edges(3, vec![(3, 0)], None, false, false);
    }

    #[test]
    fn neighbour_entries_are_raised_and_counted() {
        let (g, _) = Csr::from_edges(4, vec![(0, 3), (0, 1), (2, 3)], None, false, true);
        let mut per_node = [10, 11, 12, 13];
        assert_eq!(g.raise_neighbor_entries(0, &mut per_node, 12), 1);
        assert_eq!(per_node, [10, 12, 12, 13]);
        assert_eq!(g.raise_neighbor_entries(2, &mut per_node, 14), 1);
        assert_eq!(per_node, [10, 12, 12, 14]);
    }

    #[test]
    fn the_hand_written_raise_is_the_plain_loop() {
        // Every node of a random graph (isolated ones, hubs and repeated
        // neighbours across calls included), entries below, at and above the
        // floor, the floor at both ends of the range.
        use rand::Rng;
        let mut rng = crate::rng::stream(7, 0, crate::rng::Stream::Graph);
        let n = 500u32;
        let edges: Vec<(u32, u32)> = (0..3000)
            .map(|_| (rng.gen_range(0..n / 2).pow(2) % n, rng.gen_range(0..n)))
            .collect();
        let (g, _) = Csr::from_edges(n, edges, None, false, true);
        for floor in [0, 1, 0x7ff3, 0xfff2, u16::MAX] {
            let mut fast: Vec<u16> = (0..n).map(|_| rng.gen()).collect();
            let mut plain = fast.clone();
            for u in 0..n {
                let below = g.raise_neighbor_entries(u, &mut fast, floor);
                assert_eq!(below, raise_entries(g.neighbors(u), &mut plain, floor));
                assert_eq!(fast, plain, "node {u}, floor {floor}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "one entry per node")]
    fn neighbour_entries_need_one_entry_per_node() {
        let (g, _) = Csr::from_edges(4, vec![(0, 3)], None, false, true);
        g.raise_neighbor_entries(0, &mut [0u16; 3], 1);
    }
}
