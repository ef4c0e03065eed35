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
    slots: Vec<(u32, Source)>,
    len: usize,
}

impl Pending {
    pub(in crate::sim) fn push(&mut self, conversion: (u32, Source)) {
        let len = self.len;
        self.room(1).0[len] = conversion;
        self.len += 1;
    }

    /// The slots, at least `extra` of them free after the current contents, and
    /// the number in use (to be advanced by the caller).
    #[inline]
    pub(in crate::sim) fn room(&mut self, extra: usize) -> (&mut [(u32, Source)], &mut usize) {
        if self.slots.len() < self.len + extra {
            self.slots.resize(self.len + extra, (0, Source::Organic));
        }
        (&mut self.slots, &mut self.len)
    }

    pub(in crate::sim) fn as_slice(&self) -> &[(u32, Source)] {
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
    pub(in crate::sim) recruited: Vec<u32>,
    pub(in crate::sim) followers: Vec<u32>,
    pub(in crate::sim) pending: Pending,
    /// Cascade: word-of-mouth advocates and the last step they recommend.
    pub(in crate::sim) active: Vec<(u32, u32)>,
    /// Threshold and bass: advocates starting to recommend this step, next step.
    pub(in crate::sim) starting: Vec<(u32, Source)>,
    pub(in crate::sim) starting_next: Vec<(u32, Source)>,
    /// Bass: non-adopters with at least one adopted advocate neighbour.
    pub(in crate::sim) exposed: Vec<u32>,
}

impl Scratch {
    /// Buffers for a population of `nodes` consumers.
    pub fn new(nodes: usize) -> Self {
        Scratch {
            epoch: 0,
            state: vec![0; nodes],
            extra: Vec::new(),
            seeding: SeedingScratch::new(nodes),
            recruited: Vec::new(),
            followers: Vec::new(),
            pending: Pending::default(),
            active: Vec::new(),
            starting: Vec::new(),
            starting_next: Vec::new(),
            exposed: Vec::new(),
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
    /// The influencer, if the campaign has one.
    pub influencer: Option<InfluencerModel>,
    /// Whether the recruited advocates recommend at each step.
    pub advocate_posts: Vec<bool>,
    /// The last step with an influencer or advocate post (0 without any).
    pub last_post: u32,
    /// Cascade on unweighted ties: recommendations skip over ties (None: one
    /// draw per tie).
    pub(in crate::sim) skipping: Option<Skipping>,
}

/// An influencer, compiled for the step loop.
#[derive(Debug, Clone)]
pub struct InfluencerModel {
    /// P(a follower sees one post).
    pub reach: f64,
    /// Trust in influencers (see the trust mode).
    pub trust: f64,
    /// Whether the influencer posts at each step, indexed by step.
    pub posts_at: Vec<bool>,
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

    fn new(wom: &WordOfMouth) -> Option<Self> {
        if !matches!(wom.rule, Rule::Cascade) {
            return None;
        }
        let trust = match wom.trust_mode {
            TrustMode::Exposure => wom.trust,
            TrustMode::Consumer => 1.0,
        };
        let p = wom.reach * wom.conversion * trust;
        if p > Self::MAX_CANDIDATE {
            return None;
        }
        let noticed = if wom.reach >= 1.0 {
            Noticed::Every
        } else {
            let q = ((wom.reach - p) / (1.0 - p)).clamp(0.0, 1.0);
            if q > Self::MAX_NOTICED {
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
    pub fn new(s: &Scenario) -> Self {
        let steps = s.simulation.steps;
        let at = |posts: &[u32]| {
            let mut v = vec![false; steps as usize];
            for &p in posts {
                v[p as usize] = true;
            }
            v
        };
        let last_post = [
            s.influencer.as_ref().and_then(|i| i.posts.last().copied()),
            s.advocates.as_ref().and_then(|a| a.posts.last().copied()),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
        Model {
            steps,
            last_post,
            skipping: Skipping::new(&s.word_of_mouth),
            seed: s.simulation.seed,
            wom: s.word_of_mouth.clone(),
            influencer: s.influencer.as_ref().map(|i| InfluencerModel {
                reach: i.reach,
                trust: i.trust,
                posts_at: at(&i.posts),
            }),
            advocate_posts: s
                .advocates
                .as_ref()
                .map_or_else(|| vec![false; steps as usize], |a| at(&a.posts)),
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

    /// Decide that `v` adopts at the end of this step, converted by `source`
    /// (aware from now on).
    #[inline]
    pub(in crate::sim) fn convert(&mut self, v: u32, source: Source) {
        self.make_aware(v);
        let flags = self.flags(v);
        debug_assert!(flags & ADOPTED == 0);
        self.set_flags(v, flags | ADOPTED);
        self.s.pending.push((v, source));
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

    /// Step 1: the influencer's post reaches each follower with probability `reach`
    /// (skipping over those it misses), who adopts if trusted with `conversion`.
    fn influencer_post(&mut self, reach: f64, trust: f64) {
        let log_miss = (-reach).ln_1p();
        let count = self.s.followers.len() as u64;
        if count == 0 {
            return;
        }
        let mut i = rng::geometric_skip(&mut self.rng, log_miss);
        while i < count {
            let v = self.s.followers[i as usize];
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
                if rng::chance(&mut self.rng, self.model.wom.conversion * trusted) {
                    self.convert(v, Source::Influencer);
                }
            }
            i = i
                .saturating_add(1)
                .saturating_add(rng::geometric_skip(&mut self.rng, log_miss));
        }
    }

    /// Step 3: each non-adopter adopts on its own with probability `p`.
    pub(in crate::sim) fn organic(&mut self, p: f64, source: Source) {
        let log_miss = (-p).ln_1p();
        let n = u64::from(self.nodes);
        let mut v = rng::geometric_skip(&mut self.rng, log_miss);
        while v < n {
            if !self.is_taken(v as u32) {
                self.make_aware(v as u32);
                self.convert(v as u32, source);
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
        for &(_, source) in decided {
            for (k, count) in from.iter_mut().enumerate() {
                *count += u32::from(source as usize == k);
            }
        }
        for (total, count) in self.from.iter_mut().zip(from) {
            *total += count;
        }
        // Whether an adopter goes on to recommend is a trait of the consumer (each
        // adopts at most once per replicate, so this is the same chance), drawn
        // from the counter-based stream: extra conversions in one of two paired
        // scenarios then do not shift the other draws.
        let (wom, traits_key) = (&self.model.wom, self.traits_key);
        let advocates = decided.iter().map(|&(v, _)| v).filter(|&v| {
            wom.advocacy >= 1.0
                || rng::counter_unit(traits_key, u64::from(v), SALT_ADVOCACY) < wom.advocacy
        });
        match wom.rule {
            Rule::Cascade => {
                // Appended in step order, so the list stays sorted by last active
                // step (`cascade_step` retires its front).
                let last = t + wom.active_steps;
                active.extend(advocates.map(|v| (v, last)));
            }
            _ => starting_next.extend(advocates.map(|v| (v, Source::WordOfMouth))),
        }
        pending.clear();
    }
}

/// Run replicate `replicate` of `model` in `world`, writing one [`StepCounts`] per
/// step into `curve` (length = steps).
pub fn simulate_replicate(
    model: &Model,
    world: &World,
    replicate: u64,
    scratch: &mut Scratch,
    curve: &mut [StepCounts],
) -> ReplicateOutcome {
    scratch.begin(!matches!(model.wom.rule, Rule::Cascade));
    let seed = model.seed;
    {
        let mut advocates_rng = rng::stream(seed, replicate, Stream::Advocates);
        let mut followers_rng = rng::stream(seed, replicate, Stream::Followers);
        let (seeding, recruited, followers) = (
            &mut scratch.seeding,
            &mut scratch.recruited,
            &mut scratch.followers,
        );
        world
            .plan
            .choose_advocates(&world.population, &mut advocates_rng, seeding, recruited);
        world
            .plan
            .choose_followers(&world.population, &mut followers_rng, seeding, followers);
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
        started: 0,
        started_recruited: 0,
        everyone_aware: false,
    };
    let recruited = r.s.recruited.len() as u32;
    for i in 0..r.s.recruited.len() {
        let v = r.s.recruited[i];
        r.make_aware(v);
        let flags = r.touch(v);
        r.set_flags(v, flags | ADOPTED);
    }
    let mut first_post_done = false;
    let mut peak = (0u32, 0u32);
    for t in 0..model.steps {
        let before = r.conversions;
        if let Some(inf) = &model.influencer {
            if inf.posts_at[t as usize] {
                r.influencer_post(inf.reach, inf.trust);
            }
        }
        let posting = model.advocate_posts[t as usize];
        let starts_now = posting && !first_post_done;
        first_post_done |= posting;
        let active_advocates = match model.wom.rule {
            Rule::Cascade => r.cascade_step(t, posting),
            Rule::Threshold { threshold } => r.threshold_step(starts_now, threshold),
            Rule::Bass { p, q, dt } => r.bass_step(starts_now, p, q, dt),
        };
        if model.wom.external > 0.0 {
            r.organic(model.wom.external, Source::Organic);
        }
        r.commit(t);
        let new = r.conversions - before;
        if new > peak.1 {
            peak = (t, new);
        }
        curve[t as usize] = StepCounts {
            adopters: recruited + r.conversions,
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
        adopters: recruited + r.conversions,
        conversions: r.conversions,
        aware: if r.everyone_aware { r.nodes } else { r.aware },
        from: r.from,
        peak_step: peak.0,
    }
}
