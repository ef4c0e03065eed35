//! The step loop: one replicate of a campaign on a population. Many replicates in
//! parallel are [`crate::sim::runner`]'s job.
//!
//! A replicate's state lives in a [`Scratch`] owned by one thread and reused across
//! replicates: node state is epoch-stamped, so starting a replicate costs O(1), not
//! O(n), and a replicate that touches 1% of the consumers costs about 1% of a full
//! pass. Nothing in the step loop allocates once the buffers have grown to size.
//! Randomness comes only from the named streams of (seed, replicate), so a result
//! does not depend on which thread ran it.

use crate::graph::{Population, Topology};
use crate::rng::{self, Gaps, Stream, WomRng};
use crate::scenario::{Rule, Scenario, Threshold, TrustMode, WordOfMouth};
use crate::sim::campaign::{CampaignPlan, SeedingScratch};

/// Where a conversion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Source {
    Influencer = 0,
    /// Converted directly by a recruited advocate.
    Advocates = 1,
    /// Converted by an advocate who was converted during the campaign.
    WordOfMouth = 2,
    Organic = 3,
}

/// A campaign channel's index: the scenario's influencers first, then its
/// programmes. [`ORGANIC`] for conversions no channel set off.
pub type Origin = u16;

/// The origin of a conversion that no channel's seed set off.
pub const ORGANIC: Origin = Origin::MAX;

/// What a conversion is credited to: the kind of recommendation that made it, and
/// the channel whose seed started its chain (tracked only when a campaign has
/// several channels; with one, every non-organic conversion is that channel's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub source: Source,
    pub origin: Origin,
}

impl Tag {
    /// A conversion of kind `source` credited to channel `origin`.
    pub const fn new(source: Source, origin: Origin) -> Self {
        Tag { source, origin }
    }
}

/// A word-of-mouth advocate of the cascade: who, the last step it recommends,
/// and the channel its chain started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::sim) struct Active {
    pub(in crate::sim) node: u32,
    pub(in crate::sim) last: u32,
    pub(in crate::sim) origin: Origin,
}

/// One channel's conversions in one replicate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelCounts {
    /// Converted directly by the channel's post or recruited advocates.
    pub direct: u32,
    /// Converted by word of mouth that the channel set off.
    pub word_of_mouth: u32,
}

impl ChannelCounts {
    /// All the channel's conversions.
    pub fn conversions(&self) -> u32 {
        self.direct + self.word_of_mouth
    }
}

/// Counts recorded at the end of each step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// Recruited advocates plus conversions so far.
    pub adopters: u32,
    pub conversions: u32,
    pub new_conversions: u32,
    /// Consumers who know of the product: adopters and everyone who noticed a
    /// recommendation or saw a post.
    pub aware: u32,
    /// Advocates recommending during the step.
    pub active_advocates: u32,
}

/// Final values of one replicate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicateOutcome {
    pub adopters: u32,
    pub conversions: u32,
    pub aware: u32,
    /// Conversions by [`Source`], indexed by its value.
    pub from: [u32; 4],
    /// The first step with the most new conversions (0 when there are none).
    pub peak_step: u32,
    /// The first step by which half of the final conversions had happened (None
    /// when there are none).
    pub half_step: Option<u32>,
}

// Node flags. ADOPTED is set when the decision to adopt is made, though the
// adoption takes effect at the end of the step (docs/model.md, "One step", item 4): every rule treats
// a consumer who will adopt like one who has (neither can be converted again), so
// nothing needs the difference, and the end of a step need not touch the state.
pub(in crate::sim) const ADOPTED: u8 = 1;
pub(in crate::sim) const AWARE: u8 = 2;
pub(in crate::sim) const EXPOSED: u8 = 4;

// Salts of the counter-based trait draws.
const SALT_PEER_TRUST: u64 = 1;
const SALT_INFLUENCER_TRUST: u64 = 2;
const SALT_THRESHOLD: u64 = 3;
const SALT_ADVOCACY: u64 = 4;
const SALT_PICK: u64 = 0x5049_434b;

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
    epoch: u32,
    pub(in crate::sim) state: Vec<NodeState>,
    pub(in crate::sim) extra: Vec<Extra>,
    seeding: SeedingScratch,
    /// Every programme's recruited advocates, programme after programme.
    pub(in crate::sim) recruited: Vec<u32>,
    /// Where each programme's advocates end in `recruited`.
    pub(in crate::sim) programme_ends: Vec<usize>,
    /// Every influencer's followers, influencer after influencer.
    pub(in crate::sim) followers: Vec<u32>,
    /// Where each influencer's followers end in `followers`.
    follower_ends: Vec<usize>,
    /// Posts each follower has seen, parallel to `followers` (with fatigue only).
    seen: Vec<u8>,
    /// Existing customers at launch.
    customers: Vec<u32>,
    /// The post streams of influencers with their own (see `InfluencerPlan::key`).
    post_rngs: Vec<WomRng>,
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
    fn begin(&mut self, needs_extra: bool) {
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

/// The scenario's dynamics, compiled for the step loop.
#[derive(Debug, Clone)]
pub struct Model {
    pub steps: u32,
    pub seed: u64,
    /// The rule and its probabilities, as validated.
    pub wom: WordOfMouth,
    /// The creators, in scenario order (their reach comes from the campaign plan,
    /// which knows the audience sizes).
    pub influencers: Vec<InfluencerModel>,
    /// The advocate programmes, in scenario order.
    pub programmes: Vec<ProgrammeModel>,
    /// Whether conversions carry the channel that set them off (two channels or
    /// more; with one, every non-organic conversion is that channel's).
    pub track_origin: bool,
    /// The last step with an influencer or advocate post (0 without any).
    pub last_post: u32,
    /// Cascade on unweighted ties: recommendations skip over ties (None: one
    /// draw per tie).
    pub(in crate::sim) skipping: Option<Skipping>,
}

/// An influencer, compiled for the step loop.
#[derive(Debug, Clone)]
pub struct InfluencerModel {
    /// Trust in influencers (see the trust mode).
    pub trust: f64,
    /// Whether the influencer posts at each step, indexed by step.
    pub posts_at: Vec<bool>,
    /// 1 - fatigue: the k-th post a follower sees converts with this^(k-1).
    pub keep: f64,
}

/// An advocate programme, compiled for the step loop.
#[derive(Debug, Clone)]
pub struct ProgrammeModel {
    /// Whether its advocates recommend at each step, indexed by step.
    pub posts_at: Vec<bool>,
    /// Its recommendations convert with conversion × this.
    pub trust_factor: f64,
    /// Its recommendations drawn by skipping (cascade on unweighted ties).
    pub(in crate::sim) skipping: Option<Skipping>,
    /// Its first post: where its advocates start under the persistent rules.
    pub first_post: Option<u32>,
}

/// The cascade's tie outcomes drawn by skipping, with the same distribution as
/// one draw per tie. A recommendation along a tie is a *candidate* with
/// probability p = reach · conversion (· trust in exposure mode): noticed, and
/// converting a consumer who has not adopted (and, in consumer mode, trusts).
/// Independently it is noticed without converting with q = (reach − p) / (1 − p),
/// so that P(noticed) = p + (1 − p) q = reach.
#[derive(Debug, Clone)]
pub(in crate::sim) struct Skipping {
    pub candidates: Gaps,
    pub noticed: Noticed,
}

#[derive(Debug, Clone)]
pub(in crate::sim) enum Noticed {
    /// reach = 1: on every tie, with no draw.
    Every,
    /// On every gap-th tie.
    Gaps(Gaps),
    /// Only the candidates (q = 0).
    Candidates,
}

impl Skipping {
    /// Skipping pays while gaps are long: above these, one draw per tie is
    /// cheaper (measured in docs/performance.md: p = 0.4 still 1.1x faster by
    /// skipping, 0.7 not; q = 0.28 1.8x faster, 0.57 1.1x slower).
    const MAX_CANDIDATE: f64 = 0.5;
    const MAX_NOTICED: f64 = 0.4;

    /// Skipping for recommendations that convert with `conversion × factor`, when
    /// it pays (see the limits above).
    fn new(wom: &WordOfMouth, factor: f64) -> Option<Self> {
        Self::build(wom, factor, true)
    }

    /// Skipping for a programme's recommendations: built whenever the word of
    /// mouth's is, whatever the limits (they only say what is faster; the draws
    /// have the right distribution either way), since a step's recommendations are
    /// drawn all by skipping or all one per tie.
    fn for_programme(wom: &WordOfMouth, factor: f64) -> Option<Self> {
        Self::new(wom, 1.0).and_then(|_| Self::build(wom, factor, false))
    }

    fn build(wom: &WordOfMouth, factor: f64, limits: bool) -> Option<Self> {
        if !matches!(wom.rule, Rule::Cascade) {
            return None;
        }
        let trust = match wom.trust_mode {
            TrustMode::Exposure => wom.trust,
            TrustMode::Consumer => 1.0,
        };
        let p = wom.reach * wom.conversion * factor * trust;
        if limits && p > Self::MAX_CANDIDATE {
            return None;
        }
        let noticed = if wom.reach >= 1.0 {
            Noticed::Every
        } else {
            let q = ((wom.reach - p) / (1.0 - p)).clamp(0.0, 1.0);
            if limits && q > Self::MAX_NOTICED {
                return None;
            }
            if q == 0.0 {
                Noticed::Candidates
            } else {
                Noticed::Gaps(Gaps::new(q))
            }
        };
        Some(Skipping {
            candidates: Gaps::new(p),
            noticed,
        })
    }
}

impl Model {
    /// The dynamics of scenario `s`.
    pub fn new(s: &Scenario) -> Self {
        let steps = s.simulation.steps;
        let at = |posts: &[u32]| {
            let mut v = vec![false; steps as usize];
            for &p in posts {
                v[p as usize] = true;
            }
            v
        };
        let last_post = s
            .influencers
            .iter()
            .map(|i| &i.posts)
            .chain(s.programmes.iter().map(|p| &p.posts))
            .filter_map(|posts| posts.last().copied())
            .max()
            .unwrap_or(0);
        Model {
            steps,
            last_post,
            skipping: Skipping::new(&s.word_of_mouth, 1.0),
            seed: s.simulation.seed,
            wom: s.word_of_mouth.clone(),
            influencers: s
                .influencers
                .iter()
                .map(|i| InfluencerModel {
                    trust: i.trust,
                    posts_at: at(&i.posts),
                    keep: 1.0 - i.fatigue,
                })
                .collect(),
            programmes: s
                .programmes
                .iter()
                .map(|p| ProgrammeModel {
                    posts_at: at(&p.posts),
                    trust_factor: p.trust_factor,
                    skipping: Skipping::for_programme(&s.word_of_mouth, p.trust_factor),
                    first_post: p.posts.first().copied(),
                })
                .collect(),
            track_origin: s.influencers.len() + s.programmes.len() > 1,
        }
    }

    /// The number of channels (influencers, then programmes).
    pub fn channels(&self) -> usize {
        self.influencers.len() + self.programmes.len()
    }

    /// The length of the per-replicate channel counts: one per channel and one
    /// for organic conversions, or none without channels.
    pub fn channel_slots(&self) -> usize {
        match self.channels() {
            0 => 0,
            n => n + 1,
        }
    }
}

/// A population with what the rules need precomputed.
#[derive(Debug, Clone)]
pub struct World {
    pub population: Population,
    pub plan: CampaignPlan,
    /// How many sources each consumer hears (in-degree), for directed graphs.
    in_degrees: Option<Vec<u32>>,
}

impl World {
    pub fn new(population: Population, plan: CampaignPlan) -> Self {
        let in_degrees = population
            .graph()
            .filter(|g| g.is_directed())
            .map(|g| g.in_degrees());
        World {
            population,
            plan,
            in_degrees,
        }
    }

    /// deg(v): the number of ties v hears recommendations through.
    #[inline]
    pub(in crate::sim) fn hearing_degree(&self, v: u32) -> u32 {
        match (&self.in_degrees, &self.population.topology) {
            (Some(d), _) => d[v as usize],
            (None, Topology::Network(g)) => g.degree(v) as u32,
            (None, Topology::Complete { nodes }) => nodes - 1,
        }
    }
}

/// One replicate in progress.
pub(in crate::sim) struct Replicate<'a> {
    pub(in crate::sim) model: &'a Model,
    pub(in crate::sim) world: &'a World,
    pub(in crate::sim) s: &'a mut Scratch,
    pub(in crate::sim) rng: WomRng,
    pub(in crate::sim) traits_key: u64,
    pub(in crate::sim) epoch: u32,
    pub(in crate::sim) nodes: u32,
    pub(in crate::sim) conversions: u32,
    pub(in crate::sim) aware: u32,
    pub(in crate::sim) from: [u32; 4],
    /// Conversions by channel, then organic (empty without channels).
    pub(in crate::sim) channels: &'a mut [ChannelCounts],
    /// Threshold and bass: advocates recommending since an earlier step.
    pub(in crate::sim) started: u32,
    pub(in crate::sim) started_recruited: u32,
    /// Bass on a complete population: once an advocate is active, everyone has
    /// an advocate neighbour and so is aware.
    pub(in crate::sim) everyone_aware: bool,
}

impl<'a> Replicate<'a> {
    /// The flags of `v` (0 when untouched in this replicate).
    #[inline]
    pub(in crate::sim) fn flags(&self, v: u32) -> u8 {
        flags_at(self.s.state[v as usize], stamp(self.epoch))
    }

    /// Whether `v` has adopted or will at the end of this step.
    #[inline]
    pub(in crate::sim) fn is_taken(&self, v: u32) -> bool {
        self.flags(v) & ADOPTED != 0
    }

    /// Whether `v` trusts peers' recommendations (consumer mode). Traits are drawn
    /// from the counter-based traits stream when asked for, not stored: they are
    /// the same whenever they are read, and cost nothing for a consumer the rules
    /// never ask about.
    #[inline]
    pub(in crate::sim) fn trusts_peers(model: &Model, traits_key: u64, v: u32) -> bool {
        rng::counter_unit(traits_key, u64::from(v), SALT_PEER_TRUST) < model.wom.trust
    }

    /// Whether `v` trusts the influencer it follows (consumer mode).
    #[inline]
    fn trusts_influencer(&self, v: u32, trust: f64) -> bool {
        rng::counter_unit(self.traits_key, u64::from(v), SALT_INFLUENCER_TRUST) < trust
    }

    /// Bring `v` into this replicate (counters reset on first touch) and return
    /// its flags.
    #[inline]
    pub(in crate::sim) fn touch(&mut self, v: u32) -> u8 {
        let (packed, stamp) = (self.s.state[v as usize], stamp(self.epoch));
        if packed >= stamp {
            return flags_at(packed, stamp);
        }
        self.s.state[v as usize] = stamp;
        if !self.s.extra.is_empty() {
            self.s.extra[v as usize] = Extra::default();
        }
        0
    }

    /// Set the flags of a touched consumer.
    #[inline]
    pub(in crate::sim) fn set_flags(&mut self, v: u32, flags: u8) {
        self.s.state[v as usize] = stamp(self.epoch) | NodeState::from(flags);
    }

    /// The counters of `v`, touching it first.
    #[inline]
    pub(in crate::sim) fn extra(&mut self, v: u32) -> &mut Extra {
        self.touch(v);
        &mut self.s.extra[v as usize]
    }

    /// Mark `v` aware (counting it once).
    #[inline]
    pub(in crate::sim) fn make_aware(&mut self, v: u32) {
        let flags = self.touch(v);
        if flags & AWARE == 0 {
            self.set_flags(v, flags | AWARE);
            self.aware += 1;
        }
    }

    /// Decide that `v` adopts at the end of this step, credited to `tag` (aware
    /// from now on).
    #[inline]
    pub(in crate::sim) fn convert(&mut self, v: u32, tag: Tag) {
        self.make_aware(v);
        let flags = self.flags(v);
        debug_assert!(flags & ADOPTED == 0);
        self.set_flags(v, flags | ADOPTED);
        self.s.pending.push((v, tag));
    }

    /// The tag of a conversion made by recruited advocates of the replicate's
    /// only programme, or by word of mouth whose origin is not tracked (rules that
    /// support one channel only), or organically.
    #[inline]
    pub(in crate::sim) fn untracked(&self, source: Source) -> Tag {
        let origin = match source {
            Source::Organic => ORGANIC,
            Source::Advocates => self.model.influencers.len() as Origin,
            _ => 0,
        };
        Tag::new(source, origin)
    }

    /// Threshold and bass with several channels: advocate `tag` is the `count`-th
    /// counted towards `v`; keep it as v's picked one with probability 1/count
    /// (a counter-based draw, so the dynamics stream is untouched), which leaves
    /// each counted advocate equally likely to be the one picked.
    pub(in crate::sim) fn pick(&mut self, v: u32, count: u32, tag: Tag) {
        if !self.model.track_origin {
            return;
        }
        if self.s.picked.len() != self.s.state.len() {
            self.s.picked = vec![Tag::new(Source::Organic, ORGANIC); self.s.state.len()];
        }
        let u = rng::counter_unit(self.traits_key ^ SALT_PICK, u64::from(v), u64::from(count));
        if count <= 1 || u * f64::from(count) < 1.0 {
            self.s.picked[v as usize] = tag;
        }
    }

    /// The tag of a word-of-mouth conversion under threshold or bass: the picked
    /// advocate's when channels are tracked (on a complete population, one drawn
    /// uniformly among those started), else `fallback`.
    pub(in crate::sim) fn persistent_tag(&mut self, v: Option<u32>, fallback: Tag) -> Tag {
        if !self.model.track_origin || fallback.source == Source::Organic {
            return fallback;
        }
        match v {
            Some(v) => self.s.picked[v as usize],
            None => {
                let count = self.s.started_tags.len() as u64;
                if count == 0 {
                    return fallback;
                }
                let i = rng::below(&mut self.rng, count) as usize;
                self.s.started_tags[i]
            }
        }
    }

    /// Probability that `v` trusts a peer's recommendation it noticed, as a factor.
    #[inline]
    pub(in crate::sim) fn peer_trust(&mut self, v: u32) -> f64 {
        match self.model.wom.trust_mode {
            TrustMode::Consumer => {
                if Self::trusts_peers(self.model, self.traits_key, v) {
                    1.0
                } else {
                    0.0
                }
            }
            TrustMode::Exposure => self.model.wom.trust,
        }
    }

    /// Consumer `v`'s threshold θ_v.
    #[inline]
    pub(in crate::sim) fn threshold(&self, v: u32, threshold: Threshold) -> f64 {
        match threshold {
            Threshold::Fixed(t) => t,
            Threshold::Uniform => rng::counter_unit(self.traits_key, u64::from(v), SALT_THRESHOLD),
        }
    }

    /// Step 1: influencer `k`'s post reaches each of its followers with probability
    /// `reach` (skipping over those it misses), who adopts if trusted with
    /// `conversion`, times (1 - fatigue)^(posts seen before). Draws from its own
    /// stream, or the dynamics stream for the single-table form's influencer.
    fn influencer_post(&mut self, k: usize) {
        let reach = self.world.plan.influencers[k].reach;
        let InfluencerModel { trust, keep, .. } = self.model.influencers[k];
        let begin = if k == 0 {
            0
        } else {
            self.s.follower_ends[k - 1]
        };
        let end = self.s.follower_ends[k];
        if begin == end {
            return;
        }
        let own = !self.world.plan.influencers[k].key.is_empty();
        let mut rng = if own {
            self.s.post_rngs[k].clone()
        } else {
            self.rng.clone()
        };
        let tag = Tag::new(Source::Influencer, k as Origin);
        let fatigue = keep < 1.0;
        let log_miss = (-reach).ln_1p();
        let count = (end - begin) as u64;
        let mut i = rng::geometric_skip(&mut rng, log_miss);
        while i < count {
            let at = begin + i as usize;
            let v = self.s.followers[at];
            if !self.is_taken(v) {
                self.make_aware(v);
                let trusted = match self.model.wom.trust_mode {
                    TrustMode::Consumer => {
                        if self.trusts_influencer(v, trust) {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    TrustMode::Exposure => trust,
                };
                let mut p = self.model.wom.conversion * trusted;
                if fatigue {
                    let seen = &mut self.s.seen[at];
                    p *= keep.powi(i32::from(*seen));
                    *seen = seen.saturating_add(1);
                }
                if rng::chance(&mut rng, p) {
                    self.convert(v, tag);
                }
            }
            i = i
                .saturating_add(1)
                .saturating_add(rng::geometric_skip(&mut rng, log_miss));
        }
        if own {
            self.s.post_rngs[k] = rng;
        } else {
            self.rng = rng;
        }
    }

    /// Step 3: each non-adopter adopts on its own with probability `p`.
    pub(in crate::sim) fn organic(&mut self, p: f64) {
        let log_miss = (-p).ln_1p();
        let n = u64::from(self.nodes);
        let tag = Tag::new(Source::Organic, ORGANIC);
        let mut v = rng::geometric_skip(&mut self.rng, log_miss);
        while v < n {
            if !self.is_taken(v as u32) {
                self.make_aware(v as u32);
                self.convert(v as u32, tag);
            }
            v = v
                .saturating_add(1)
                .saturating_add(rng::geometric_skip(&mut self.rng, log_miss));
        }
    }

    /// Step 4: decisions take effect together; new adopters may become advocates.
    /// (Their flags were set when they decided.)
    fn commit(&mut self, t: u32) {
        let Scratch {
            pending,
            active,
            starting_next,
            ..
        } = &mut *self.s;
        let decided = pending.as_slice();
        self.conversions += decided.len() as u32;
        // Counted in registers, one compare per source, rather than by a chain of
        // increments of `from[source]` through memory.
        let mut from = [0u32; 4];
        for &(_, tag) in decided {
            for (k, count) in from.iter_mut().enumerate() {
                *count += u32::from(tag.source as usize == k);
            }
        }
        for (total, count) in self.from.iter_mut().zip(from) {
            *total += count;
        }
        // Credit each channel (the last slot is organic). Untracked, every
        // conversion that is not organic belongs to the only channel.
        if !self.channels.is_empty() {
            let organic = self.channels.len() - 1;
            for &(_, tag) in decided {
                let channel = match (tag.origin, self.model.track_origin) {
                    (ORGANIC, _) => organic,
                    (_, false) if organic > 0 => 0,
                    (origin, _) => usize::from(origin).min(organic),
                };
                let counts = &mut self.channels[channel];
                match tag.source {
                    Source::WordOfMouth => counts.word_of_mouth += 1,
                    _ => counts.direct += 1,
                }
            }
        }
        // Whether an adopter goes on to recommend is a trait of the consumer (each
        // adopts at most once per replicate, so this is the same chance), drawn
        // from the counter-based stream: extra conversions in one of two paired
        // scenarios then do not shift the other draws. A new advocate's word of
        // mouth keeps the origin of the chain that converted it.
        let (wom, traits_key) = (&self.model.wom, self.traits_key);
        let advocates = decided.iter().filter(|&&(v, _)| {
            wom.advocacy >= 1.0
                || rng::counter_unit(traits_key, u64::from(v), SALT_ADVOCACY) < wom.advocacy
        });
        match wom.rule {
            Rule::Cascade => {
                // Appended in step order, so the list stays sorted by last active
                // step (`cascade_step` retires its front).
                let last = t + wom.active_steps;
                active.extend(advocates.map(|&(node, tag)| Active {
                    node,
                    last,
                    origin: tag.origin,
                }));
            }
            _ => starting_next
                .extend(advocates.map(|&(v, tag)| (v, Tag::new(Source::WordOfMouth, tag.origin)))),
        }
        pending.clear();
    }
}

/// Run replicate `replicate` of `model` in `world`, writing one [`StepCounts`] per
/// step into `curve` (length = steps) and each channel's conversions into
/// `channels` (length = [`Model::channel_slots`]: the channels, then organic; or
/// empty, to skip counting them).
pub fn simulate_replicate(
    model: &Model,
    world: &World,
    replicate: u64,
    scratch: &mut Scratch,
    curve: &mut [StepCounts],
    channels: &mut [ChannelCounts],
) -> ReplicateOutcome {
    debug_assert!(channels.is_empty() || channels.len() == model.channel_slots());
    channels.fill(ChannelCounts::default());
    scratch.begin(!matches!(model.wom.rule, Rule::Cascade));
    let seed = model.seed;
    let plan = &world.plan;
    {
        // Existing customers, then each programme's advocates, then each
        // influencer's followers, each from its own stream (the single-table
        // forms from the plain ones, as before portfolios existed).
        let Scratch {
            seeding,
            recruited,
            programme_ends,
            followers,
            follower_ends,
            seen,
            customers,
            post_rngs,
            ..
        } = scratch;
        customers.clear();
        if plan.customers > 0 {
            let mut market_rng = rng::channel_stream(seed, replicate, Stream::Advocates, "market");
            plan.choose_customers(&mut market_rng, seeding, customers);
        }
        recruited.clear();
        programme_ends.clear();
        for (p, prog) in plan.programmes.iter().enumerate() {
            let mut advocates_rng =
                rng::channel_stream(seed, replicate, Stream::Advocates, &prog.key);
            plan.choose_advocates(
                p,
                &world.population,
                customers,
                &mut advocates_rng,
                seeding,
                recruited,
            );
            programme_ends.push(recruited.len());
        }
        followers.clear();
        follower_ends.clear();
        post_rngs.clear();
        for (k, inf) in plan.influencers.iter().enumerate() {
            let mut followers_rng =
                rng::channel_stream(seed, replicate, Stream::Followers, &inf.key);
            plan.choose_followers(k, &world.population, &mut followers_rng, seeding, followers);
            follower_ends.push(followers.len());
            post_rngs.push(rng::channel_stream(
                seed,
                replicate,
                Stream::Dynamics,
                &inf.key,
            ));
        }
        if model.influencers.iter().any(|i| i.keep < 1.0) {
            seen.clear();
            seen.resize(followers.len(), 0);
        }
    }
    let epoch = scratch.epoch;
    let mut r = Replicate {
        model,
        world,
        s: scratch,
        rng: rng::stream(seed, replicate, Stream::Dynamics),
        traits_key: rng::stream_key(seed, replicate, Stream::Traits),
        epoch,
        nodes: world.population.nodes() as u32,
        conversions: 0,
        aware: 0,
        from: [0; 4],
        channels,
        started: 0,
        started_recruited: 0,
        everyone_aware: false,
    };
    // Existing customers and recruited advocates have adopted before launch
    // (adopters, not conversions); recruited customers are counted once.
    let mut existing = 0u32;
    for i in 0..r.s.customers.len() {
        let v = r.s.customers[i];
        r.make_aware(v);
        let flags = r.touch(v);
        r.set_flags(v, flags | ADOPTED);
        existing += 1;
    }
    for i in 0..r.s.recruited.len() {
        let v = r.s.recruited[i];
        let flags = r.touch(v);
        if flags & ADOPTED == 0 {
            existing += 1;
        }
        r.make_aware(v);
        let flags = r.touch(v);
        r.set_flags(v, flags | ADOPTED);
    }
    let mut peak = (0u32, 0u32);
    for t in 0..model.steps {
        let before = r.conversions;
        for k in 0..model.influencers.len() {
            if model.influencers[k].posts_at[t as usize] {
                r.influencer_post(k);
            }
        }
        let active_advocates = match model.wom.rule {
            Rule::Cascade => r.cascade_step(t),
            Rule::Threshold { threshold } => r.threshold_step(t, threshold),
            Rule::Bass { p, q, dt } => r.bass_step(t, p, q, dt),
        };
        if model.wom.external > 0.0 {
            r.organic(model.wom.external);
        }
        r.commit(t);
        let new = r.conversions - before;
        if new > peak.1 {
            peak = (t, new);
        }
        curve[t as usize] = StepCounts {
            adopters: existing + r.conversions,
            conversions: r.conversions,
            new_conversions: new,
            aware: if r.everyone_aware { r.nodes } else { r.aware },
            active_advocates,
        };
        // A cascade with no active advocate, no post to come and no organic
        // adoption cannot change any more: the remaining steps repeat this one.
        if matches!(model.wom.rule, Rule::Cascade)
            && model.wom.external == 0.0
            && r.s.active.is_empty()
            && t >= model.last_post
        {
            let still = StepCounts {
                new_conversions: 0,
                active_advocates: 0,
                ..curve[t as usize]
            };
            curve[t as usize + 1..].fill(still);
            break;
        }
    }
    let half_step = (r.conversions > 0).then(|| {
        curve
            .iter()
            .position(|c| 2 * u64::from(c.conversions) >= u64::from(r.conversions))
            .unwrap_or(0) as u32
    });
    ReplicateOutcome {
        half_step,
        adopters: existing + r.conversions,
        conversions: r.conversions,
        aware: if r.everyone_aware { r.nodes } else { r.aware },
        from: r.from,
        peak_step: peak.0,
    }
}
