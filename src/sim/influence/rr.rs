//! Reverse-reachable (RR) sets: sampling one, and generating many in parallel.
//!
//! RR set i is a pure function of (in-arcs, model, key, i): it draws from its own
//! generator, [`rng::item_stream`]`(key, i)`, so [`RrSets::extend`] gives the same
//! sets, in the same order, for any rayon thread count.

use std::sync::Mutex;

use rand::RngCore;
use rayon::prelude::*;

use super::{InArcs, Model};
use crate::rng::{self, WomRng};

/// RR sets per parallel work item.
const CHUNK: usize = 512;

/// The 64-bit threshold t with P(x < t) = p for x uniform on 64 bits (p = 1 maps
/// to `u64::MAX`, which is off by 2^-64).
fn threshold(p: f64) -> u64 {
    if p >= 1.0 {
        u64::MAX
    } else if p > 0.0 {
        (p * 18_446_744_073_709_551_616.0) as u64
    } else {
        0
    }
}

/// Node flags (low 4 bits of a node's state word, valid when its high 28 bits are
/// the current epoch).
const COINS: u32 = 1; // relay coin drawn
const RELAY: u32 = 2; // advocate (and truster in consumer mode)
const IN_W: u32 = 4; // possible intermediate (or the root)
const IN_R: u32 = 8; // in the RR set

/// The skipping parameters of [`Sampler::skip`], when they apply.
fn skipping(in_arcs: &InArcs<'_>, model: &Model) -> Option<(f64, u64, u64)> {
    let (ps, pw) = (model.seed_live(1.0), model.wom_live(1.0));
    let p = ps.max(pw);
    if in_arcs.weights.is_some() || p <= 0.0 || p > 0.5 {
        return None;
    }
    Some((1.0 / (-p).ln_1p(), threshold(ps / p), threshold(pw / p)))
}

/// A uniform draw from (0, 1] with 53 random bits.
fn open_unit(rng: &mut WomRng) -> f64 {
    1.0 - (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Per-thread scratch for sampling RR sets: O(n) memory, reused across sets.
pub struct Sampler<'g> {
    in_arcs: InArcs<'g>,
    model: Model,
    seed_t: u64,
    wom_t: u64,
    relay_t: u64,
    root_open_t: u64,
    /// Unweighted arcs with p_max = max(p_seed, p_wom) <= 0.5: 1 / ln(1 - p_max)
    /// for geometric skipping, and the thresholds of seed- and wom-liveness given
    /// that an arc's uniform fell below p_max.
    skip: Option<(f64, u64, u64)>,
    /// Per node: epoch << 4 | flags (one cache line touched per node).
    state: Vec<u32>,
    epoch: u32,
    root: u32,
    queue: Vec<u32>,
}

impl<'g> Sampler<'g> {
    /// Scratch for `in_arcs` (the reverse graph: the arcs of v are its in-arcs).
    pub fn new(in_arcs: InArcs<'g>, model: &Model) -> Self {
        let n = in_arcs.node_count();
        Sampler {
            in_arcs,
            model: *model,
            seed_t: threshold(model.seed_live(1.0)),
            wom_t: threshold(model.wom_live(1.0)),
            relay_t: threshold(model.relay()),
            root_open_t: threshold(model.open()),
            skip: skipping(&in_arcs, model),
            state: vec![0; n],
            epoch: 0,
            root: 0,
            queue: Vec::new(),
        }
    }

    #[inline]
    fn flags(&self, u: u32) -> u32 {
        let word = self.state[u as usize];
        if word >> 4 == self.epoch {
            word & 15
        } else {
            0
        }
    }

    #[inline]
    fn set(&mut self, u: u32, flag: u32) {
        self.state[u as usize] = self.epoch << 4 | self.flags(u) | flag;
    }

    /// Append the RR set of a uniform root, drawn from `rng`, to `out` (root
    /// first). Time O(Σ in-degree of W) plus O(1) per member; each arc into W is
    /// examined once and so draws its uniform once, each node's relay coin is
    /// drawn at most once (lazily, when a wom-live arc first leads to it).
    pub fn sample(&mut self, rng: &mut WomRng, out: &mut Vec<u32>) {
        if self.epoch == u32::MAX >> 4 {
            self.state.iter_mut().for_each(|s| *s = 0);
            self.epoch = 0;
        }
        self.epoch += 1;
        let n = self.in_arcs.node_count() as u64;
        let root = rng::below(rng, n) as u32;
        out.push(root);
        // The root is in W and R; it is recognised by id, not by its state word,
        // which saves a cache miss per set.
        self.root = root;
        if self.root_open_t != u64::MAX && rng.next_u64() >= self.root_open_t {
            // The root cannot convert (a non-truster in consumer mode, or an
            // existing customer): only a seed on it covers it.
            return;
        }
        self.queue.clear();
        self.queue.push(root);
        let mut head = 0;
        while head < self.queue.len() {
            let y = self.queue[head];
            head += 1;
            let (start, end) = self.in_arcs.range(y);
            if let Some((inv_log_miss, seed_t, wom_t)) = self.skip {
                // Jump from one arc whose uniform x is below p_max to the next
                // (geometric gaps), then place x within [0, p_max).
                let mut arc = start;
                loop {
                    let gap = open_unit(rng).ln() * inv_log_miss;
                    if gap >= (end - arc) as f64 {
                        break;
                    }
                    arc += gap as usize;
                    let bits = if seed_t == wom_t { 0 } else { rng.next_u64() };
                    let x = self.in_arcs.targets[arc];
                    self.relax(x, bits < seed_t, bits < wom_t, rng, out);
                    arc += 1;
                }
                continue;
            }
            for arc in start..end {
                let bits = rng.next_u64();
                let (mut seed_t, mut wom_t) = (self.seed_t, self.wom_t);
                if bits >= seed_t.max(wom_t) {
                    continue; // dead even at weight 1
                }
                if let Some(w) = self.in_arcs.weights {
                    let w = f64::from(w[arc]);
                    seed_t = threshold(self.model.seed_live(w));
                    wom_t = threshold(self.model.wom_live(w));
                }
                let x = self.in_arcs.targets[arc];
                self.relax(x, bits < seed_t, bits < wom_t, rng, out);
            }
        }
    }

    /// Follow an arc x→y into W backwards: x joins the RR set if the arc is
    /// seed-live, and W (to be expanded) if it is wom-live and x relays.
    #[inline]
    fn relax(
        &mut self,
        x: u32,
        seed_live: bool,
        wom_live: bool,
        rng: &mut WomRng,
        out: &mut Vec<u32>,
    ) {
        if x == self.root {
            return;
        }
        let flags = self.flags(x);
        if wom_live && flags & IN_W == 0 {
            let relay = if flags & COINS != 0 {
                flags & RELAY != 0
            } else {
                let relay = rng.next_u64() < self.relay_t;
                self.set(x, COINS | if relay { RELAY } else { 0 });
                relay
            };
            if relay {
                self.set(x, IN_W);
                self.queue.push(x);
            }
        }
        if seed_live && flags & IN_R == 0 {
            self.set(x, IN_R);
            out.push(x);
        }
    }
}

/// A collection of RR sets, flattened: set i is `nodes[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RrSets {
    /// θ + 1 offsets into `nodes`.
    pub offsets: Vec<u64>,
    /// The members of every set, root first.
    pub nodes: Vec<u32>,
}

impl Default for RrSets {
    fn default() -> Self {
        RrSets {
            offsets: vec![0],
            nodes: Vec::new(),
        }
    }
}

impl RrSets {
    /// Number of sets θ.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there is no set.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Set i.
    pub fn set(&self, i: usize) -> &[u32] {
        &self.nodes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Generate sets `len()..target` in parallel (rayon's current pool), set i
    /// from [`rng::item_stream`]`(key, i)`, and append them in index order. Time
    /// O(Σ cost of each set / threads); memory O(n) scratch per thread plus the
    /// sets (4 bytes per member, 8 per set).
    pub fn extend(&mut self, in_arcs: InArcs<'_>, model: &Model, key: u64, target: usize) {
        let first = self.len();
        if target <= first || in_arcs.node_count() == 0 {
            return;
        }
        let pool: Mutex<Vec<Sampler<'_>>> = Mutex::new(Vec::new());
        let chunks: Vec<(Vec<u32>, Vec<u32>)> = (first..target)
            .step_by(CHUNK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let taken = pool.lock().ok().and_then(|mut p| p.pop());
                let mut sampler = taken.unwrap_or_else(|| Sampler::new(in_arcs, model));
                let end = (start + CHUNK).min(target);
                let mut nodes = Vec::new();
                let mut sizes = Vec::with_capacity(end - start);
                for i in start..end {
                    let before = nodes.len();
                    sampler.sample(&mut rng::item_stream(key, i as u64), &mut nodes);
                    sizes.push((nodes.len() - before) as u32);
                }
                if let Ok(mut p) = pool.lock() {
                    p.push(sampler);
                }
                (nodes, sizes)
            })
            .collect();
        self.offsets.reserve(target - first);
        for (nodes, sizes) in chunks {
            let mut at = *self.offsets.last().unwrap_or(&0);
            for s in sizes {
                at += u64::from(s);
                self.offsets.push(at);
            }
            self.nodes.extend_from_slice(&nodes);
        }
    }
}
