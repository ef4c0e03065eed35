//! A replicate's state, in buffers one thread reuses from replicate to replicate:
//! epoch-stamped node flags (starting a replicate is O(1)), the per-consumer
//! counters of the persistent rules, the step's pending conversions, and
//! [`Scratch`], which holds them all.

use super::{Origin, Source, Tag, ORGANIC};
use crate::rng::WomRng;
use crate::sim::campaign::SeedingScratch;

/// A word-of-mouth advocate of the cascade: who, the last step it recommends,
/// and the channel its chain started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::sim) struct Active {
    pub(in crate::sim) node: u32,
    pub(in crate::sim) last: u32,
    pub(in crate::sim) origin: Origin,
}

// Node flags. ADOPTED is set when the decision to adopt is made, though the
// adoption takes effect at the end of the step (docs/model.md, "One step", item 4): every rule treats
// a consumer who will adopt like one who has (neither can be converted again), so
// nothing needs the difference, and the end of a step need not touch the state.
pub(in crate::sim) const ADOPTED: u8 = 1;
pub(in crate::sim) const AWARE: u8 = 2;
pub(in crate::sim) const EXPOSED: u8 = 4;

/// Per-consumer counters of the persistent rules, valid once the consumer has been
/// touched in the current replicate (touching resets them).
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::sim) struct Extra {
    /// Advocates counting towards this consumer. Threshold: trusted advocates
    /// counted (unweighted and complete graphs). Bass: adopted advocate neighbours.
    pub advocates: u32,
    /// Bass: how many of `advocates` are recruited advocates (for attribution).
    pub recruited: u32,
    /// Threshold on weighted graphs: summed tie weights of counted advocates.
    pub weight: f64,
}

// The counters take 16 bytes a consumer, as when the recruited count shared a field
// with the weight.
const _: () = assert!(std::mem::size_of::<Extra>() == 16);

/// Node state is one `u16`: the replicate's epoch in the high 12 bits, the flags
/// in the low 4. A stale epoch means "untouched in this replicate", so starting a
/// replicate is O(1) (all states are cleared once every 4,095 replicates), and the
/// hot loop reads and writes 2 bytes per consumer: 20 MB for 10 million consumers,
/// which fits a large last-level cache.
pub(in crate::sim) type NodeState = u16;
const EPOCH_SHIFT: u32 = 4;
const EPOCH_LIMIT: u32 = 1 << (NodeState::BITS - EPOCH_SHIFT);
const _: () = assert!((EXPOSED as u32) < 1 << EPOCH_SHIFT);

/// The state of a consumer touched in this replicate with no flags set.
#[inline]
pub(in crate::sim) fn stamp(epoch: u32) -> NodeState {
    (epoch << EPOCH_SHIFT) as NodeState
}

/// The flags in `packed`, or 0 when it is from an earlier replicate. Without a
/// branch, which would mispredict: earlier epochs are smaller (states are cleared
/// when the epoch wraps), so max(packed, stamp) is stamp + flags for a consumer
/// touched in this replicate and stamp for one that was not.
#[inline]
pub(in crate::sim) fn flags_at(packed: NodeState, stamp: NodeState) -> u8 {
    (packed.max(stamp) - stamp) as u8
}

/// The conversions decided in this step, which take effect at its end, with the
/// advocate group that made each.
///
/// The buffer is kept longer than its contents so that a kernel can write a
/// would-be conversion unconditionally and count it only when it happens: a push
/// without a branch (whether a tie converts is unpredictable).
#[derive(Debug, Clone, Default)]
pub(in crate::sim) struct Pending {
    slots: Vec<(u32, Tag)>,
    len: usize,
}

impl Pending {
    pub(in crate::sim) fn push(&mut self, conversion: (u32, Tag)) {
        let len = self.len;
        self.room(1).0[len] = conversion;
        self.len += 1;
    }

    /// The slots, at least `extra` of them free after the current contents, and
    /// the number in use (to be advanced by the caller).
    #[inline]
    pub(in crate::sim) fn room(&mut self, extra: usize) -> (&mut [(u32, Tag)], &mut usize) {
        if self.slots.len() < self.len + extra {
            self.slots
                .resize(self.len + extra, (0, Tag::new(Source::Organic, ORGANIC)));
        }
        (&mut self.slots, &mut self.len)
    }

    pub(in crate::sim) fn as_slice(&self) -> &[(u32, Tag)] {
        &self.slots[..self.len]
    }

    pub(in crate::sim) fn clear(&mut self) {
        self.len = 0;
    }
}

/// Buffers one thread reuses from replicate to replicate.
#[derive(Debug, Clone)]
pub struct Scratch {
    pub(super) epoch: u32,
    pub(in crate::sim) state: Vec<NodeState>,
    pub(in crate::sim) extra: Vec<Extra>,
    pub(super) seeding: SeedingScratch,
    /// Every programme's recruited advocates, programme after programme.
    pub(in crate::sim) recruited: Vec<u32>,
    /// Where each programme's advocates end in `recruited`.
    pub(in crate::sim) programme_ends: Vec<usize>,
    /// Every influencer's followers, influencer after influencer.
    pub(in crate::sim) followers: Vec<u32>,
    /// Where each influencer's followers end in `followers`.
    pub(super) follower_ends: Vec<usize>,
    /// Posts each follower has seen, parallel to `followers` (with fatigue only).
    pub(super) seen: Vec<u8>,
    /// Existing customers at launch.
    pub(super) customers: Vec<u32>,
    /// The post streams of influencers with their own (see `InfluencerPlan::key`).
    pub(super) post_rngs: Vec<WomRng>,
    pub(in crate::sim) pending: Pending,
    /// Cascade: word-of-mouth advocates and the last step they recommend.
    pub(in crate::sim) active: Vec<Active>,
    /// Threshold and bass: advocates starting to recommend this step, next step.
    pub(in crate::sim) starting: Vec<(u32, Tag)>,
    pub(in crate::sim) starting_next: Vec<(u32, Tag)>,
    /// Bass: non-adopters with at least one adopted advocate neighbour.
    pub(in crate::sim) exposed: Vec<u32>,
    /// Threshold and bass with several channels: per consumer, the tag of one
    /// advocate neighbour drawn uniformly (a reservoir of one) among those counted.
    pub(in crate::sim) picked: Vec<Tag>,
    /// Threshold and bass on a complete population with several channels: the
    /// tags of every advocate started so far.
    pub(in crate::sim) started_tags: Vec<Tag>,
}

impl Scratch {
    /// The number of consumers these buffers are for.
    pub fn nodes(&self) -> usize {
        self.state.len()
    }

    /// Buffers for a population of `nodes` consumers.
    pub fn new(nodes: usize) -> Self {
        Scratch {
            epoch: 0,
            state: vec![0; nodes],
            extra: Vec::new(),
            seeding: SeedingScratch::new(nodes),
            recruited: Vec::new(),
            programme_ends: Vec::new(),
            followers: Vec::new(),
            follower_ends: Vec::new(),
            seen: Vec::new(),
            customers: Vec::new(),
            post_rngs: Vec::new(),
            pending: Pending::default(),
            active: Vec::new(),
            starting: Vec::new(),
            starting_next: Vec::new(),
            exposed: Vec::new(),
            picked: Vec::new(),
            started_tags: Vec::new(),
        }
    }

    /// Forget the previous replicate in O(1), not O(n).
    pub(super) fn begin(&mut self, needs_extra: bool) {
        self.epoch += 1;
        if self.epoch == EPOCH_LIMIT {
            self.state.fill(0);
            self.epoch = 1;
        }
        if needs_extra && self.extra.len() != self.state.len() {
            self.extra = vec![Extra::default(); self.state.len()];
        }
        self.started_tags.clear();
        self.pending.clear();
        self.active.clear();
        self.starting.clear();
        self.starting_next.clear();
        self.exposed.clear();
    }
}
