//! The CSR view the sampler reads: wom's [`Csr`] arrays, borrowed, or their
//! reverse.

use crate::graph::Csr;

/// A borrowed graph in compressed sparse row form over `u32` node ids: the arcs
/// of node `u` are `targets[offsets[u]..offsets[u + 1]]`, with weights in the
/// parallel slice `weights` when given.
#[derive(Debug, Clone, Copy)]
pub struct InArcs<'a> {
    /// n + 1 offsets into `targets`.
    pub offsets: &'a [u64],
    /// Arc heads.
    pub targets: &'a [u32],
    /// Optional tie weights, one per arc.
    pub weights: Option<&'a [f32]>,
}

/// An owned graph in the same layout as [`InArcs`], as built by [`InArcs::reversed`].
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedArcs {
    offsets: Vec<u64>,
    targets: Vec<u32>,
    weights: Option<Vec<f32>>,
}

impl<'a> InArcs<'a> {
    /// The arrays of `g` as they are (its out-arcs). O(1).
    pub fn of(g: &'a Csr) -> Self {
        InArcs {
            offsets: g.offsets(),
            targets: g.targets(),
            weights: g.weights(),
        }
    }

    /// Number of nodes n. O(1).
    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The index range of `u`'s arcs.
    #[inline]
    pub(crate) fn range(&self, u: u32) -> (usize, usize) {
        (
            self.offsets[u as usize] as usize,
            self.offsets[u as usize + 1] as usize,
        )
    }

    /// The reverse graph (u→v becomes v→u, weights kept), by counting sort in
    /// O(n + m) time. Within each node the arcs are in increasing order of tail.
    pub fn reversed(&self) -> OwnedArcs {
        let n = self.node_count();
        let mut offsets = vec![0u64; n + 1];
        for &v in self.targets {
            offsets[v as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor: Vec<u64> = offsets[..n].to_vec();
        let mut targets = vec![0u32; self.targets.len()];
        let mut weights = self.weights.map(|_| vec![0f32; self.targets.len()]);
        for u in 0..n as u32 {
            let (start, end) = self.range(u);
            for arc in start..end {
                let v = self.targets[arc] as usize;
                let slot = cursor[v] as usize;
                cursor[v] += 1;
                targets[slot] = u;
                if let (Some(rw), Some(w)) = (weights.as_mut(), self.weights) {
                    rw[slot] = w[arc];
                }
            }
        }
        OwnedArcs {
            offsets,
            targets,
            weights,
        }
    }
}

impl OwnedArcs {
    /// A borrowed view. O(1).
    pub fn as_arcs(&self) -> InArcs<'_> {
        InArcs {
            offsets: &self.offsets,
            targets: &self.targets,
            weights: self.weights.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversing_a_directed_graph_flips_every_arc_and_keeps_weights() {
        let (g, _) = Csr::from_edges(
            3,
            vec![(0, 1), (0, 2), (2, 1)],
            Some(vec![0.5, 0.25, 1.0]),
            true,
            false,
        );
        let r = InArcs::of(&g).reversed();
        let r = r.as_arcs();
        assert_eq!(r.offsets, &[0, 0, 2, 3]);
        assert_eq!(r.targets, &[0, 2, 0]);
        assert_eq!(r.weights.unwrap(), &[0.5, 1.0, 0.25]);
    }
}
