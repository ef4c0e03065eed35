//! The cascade's hot loop: prefetching tie lists ahead of the advocates, and the
//! skipping kernel that draws one step's recommendations of an advocate list.

use crate::graph::Csr;
use crate::rng;
use crate::sim::engine::{
    flags_at, Model, NodeState, Noticed, Pending, Replicate, Skipping, Tag, ADOPTED, AWARE,
};

/// How many advocates ahead a tie list is prefetched, and its offsets twice as far.
const TIES_AHEAD: usize = 8;

/// Before advocate 0 of `list` recommends: prefetch the tie lists of the first
/// [`TIES_AHEAD`] advocates and the offsets of the next ones, which
/// [`prefetch_next`] would otherwise never reach ahead of time.
#[inline]
pub(super) fn prefetch_first<T>(g: &Csr, list: &[T], id: impl Fn(&T) -> u32) {
    let ties = list.len().min(TIES_AHEAD);
    for a in &list[..ties] {
        g.prefetch_ties(id(a));
    }
    for a in &list[ties..list.len().min(2 * TIES_AHEAD)] {
        g.prefetch_offsets(id(a));
    }
}

/// While advocate `k` of `list` (ids by `id`) recommends, prefetch the tie list
/// of the one [`TIES_AHEAD`] places on and the offsets of the one twice as far
/// (whose tie list is prefetched that many calls later). Advocates in list
/// order are at random places in the graph. Past the end of the list it
/// prefetches the last one again, which costs nothing and needs no branch.
/// (This beats visiting a large frontier in id order, which reads the CSR
/// sequentially but costs a sort or a bitmap scan per step; see
/// docs/performance.md.)
#[inline]
pub(super) fn prefetch_next<T>(g: &Csr, list: &[T], k: usize, id: impl Fn(&T) -> u32) {
    let last = list.len() - 1;
    g.prefetch_ties(id(&list[(k + TIES_AHEAD).min(last)]));
    g.prefetch_offsets(id(&list[(k + 2 * TIES_AHEAD).min(last)]));
}

/// The skipping cascade kernel: what one step's recommendations read and write,
/// borrowed into one place so that the generator, counters and buffers stay in
/// registers from one advocate to the next.
pub(super) struct SkippingKernel<'a, const EXPOSURE: bool> {
    pub(super) g: &'a Csr,
    pub(super) model: &'a Model,
    pub(super) traits_key: u64,
    pub(super) stamp: NodeState,
    pub(super) state: &'a mut [NodeState],
    pub(super) pending: &'a mut Pending,
    pub(super) rng: rng::WomRng,
    pub(super) aware: u32,
}

impl<const EXPOSURE: bool> SkippingKernel<'_, EXPOSURE> {
    /// The advocates of `list` (ids by `id`, tags by `tag_of`) recommend, drawn
    /// with `skipping`,
    /// in list order: for each, first the ties its recommendation is noticed on
    /// — all of them when reach = 1, with no draw and no branch — then the
    /// candidates, one table look-up each.
    #[inline]
    pub(super) fn recommend<T>(
        &mut self,
        list: &[T],
        skipping: &Skipping,
        id: impl Fn(&T) -> u32,
        tag_of: impl Fn(&T) -> Tag,
    ) {
        let (g, model, traits_key) = (self.g, self.model, self.traits_key);
        let stamp = self.stamp;
        let aware_stamp = stamp | NodeState::from(AWARE);
        let flags_of = |packed: NodeState| flags_at(packed, stamp);
        let state = &mut *self.state;
        let pending = &mut *self.pending;
        let mut rng = self.rng.clone();
        let mut aware = self.aware;
        let candidates = &skipping.candidates;
        let never = candidates.never();
        prefetch_first(g, list, &id);
        for k in 0..list.len() {
            prefetch_next(g, list, k, &id);
            let u = id(&list[k]);
            let tag = tag_of(&list[k]);
            let neighbors = g.neighbors(u);
            // The first candidate is drawn before the noticing whenever that
            // takes no draw (so the draws keep their order): whether there is
            // one is unpredictable, and with the draw done early that branch
            // resolves as soon as it is reached (BA 5%, ER 3.6% less time).
            // (Defined here rather than above the loop: hoisted, the kernel
            // compiled 2.7% slower on BA.)
            let first_candidate = |rng: &mut rng::WomRng| {
                if never {
                    usize::MAX
                } else {
                    candidates.draw(rng)
                }
            };
            let mut i = match &skipping.noticed {
                Noticed::Every => {
                    let first = first_candidate(&mut rng);
                    // In a cascade every consumer touched in this replicate is
                    // aware (each path that touches one marks it), so an entry
                    // below `aware_stamp` is one not yet aware, and raising it
                    // to that makes it aware: one comparison per tie.
                    debug_assert!(neighbors.iter().all(|&v| {
                        let packed = state[v as usize];
                        packed < stamp || packed & NodeState::from(AWARE) != 0
                    }));
                    aware += g.raise_neighbor_entries(u, state, aware_stamp);
                    first
                }
                Noticed::Gaps(gaps) => {
                    let mut i = gaps.draw(&mut rng);
                    while i < neighbors.len() {
                        let v = neighbors[i];
                        // Adopters are already aware, so noticing them changes
                        // nothing.
                        let flags = flags_of(state[v as usize]);
                        aware += u32::from(flags & AWARE == 0);
                        state[v as usize] = stamp | NodeState::from(flags | AWARE);
                        i = i.saturating_add(1).saturating_add(gaps.draw(&mut rng));
                    }
                    first_candidate(&mut rng)
                }
                Noticed::Candidates => first_candidate(&mut rng),
            };
            let (slots, converted) = pending.room(neighbors.len());
            let mut n = *converted;
            while i < neighbors.len() {
                let v = neighbors[i];
                let flags = flags_of(state[v as usize]);
                // Folded in with masks: whether v adopted already is
                // unpredictable. In consumer mode the trait is looked up only for
                // an open candidate.
                let open = flags & ADOPTED == 0;
                let converts = open && (EXPOSURE || Replicate::trusts_peers(model, traits_key, v));
                aware += u32::from(open & (flags & AWARE == 0));
                let new = flags | (u8::from(open) * AWARE) | (u8::from(converts) * ADOPTED);
                state[v as usize] = stamp | NodeState::from(new);
                slots[n] = (v, tag);
                n += usize::from(converts);
                i = i
                    .saturating_add(1)
                    .saturating_add(candidates.draw(&mut rng));
            }
            *converted = n;
        }
        self.rng = rng;
        self.aware = aware;
    }
}
