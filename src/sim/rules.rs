//! The three adoption rules, one step function each (docs/model.md, "One step", item 2).
//!
//! Each handles an explicit graph and the implicit complete graph; on the latter no
//! tie is ever enumerated: every non-adopter hears every active advocate, so the
//! rules work with counts of advocates instead.

use crate::graph::{Csr, Topology};
use crate::rng;
use crate::scenario::{Threshold, TrustMode};
use crate::sim::engine::{
    flags_at, stamp, Model, NodeState, Noticed, Pending, Replicate, Scratch, Skipping, Source,
    ADOPTED, AWARE, EXPOSED,
};
use rand_distr::{Binomial, Distribution};

impl Replicate<'_> {
    /// `cascade`: every active advocate recommends once to each neighbour who has not
    /// adopted; the neighbour notices with `reach` (aware) and, if trusted, adopts
    /// with `conversion · w`. Returns the number of active advocates.
    pub(crate) fn cascade_step(&mut self, t: u32, recruited_post: bool) -> u32 {
        // Word-of-mouth advocates still active now (committed until a later step).
        let recruited = if recruited_post {
            self.s.recruited.len() as u32
        } else {
            0
        };
        let wom = self.s.active.len() as u32;
        let world = self.world;
        match &world.population.topology {
            Topology::Network(g) => match (&self.model.skipping, g.is_weighted()) {
                (Some(skipping), false) => match self.model.wom.trust_mode {
                    TrustMode::Exposure => {
                        self.recommend_all_skipping::<true>(g, skipping, recruited_post)
                    }
                    TrustMode::Consumer => {
                        self.recommend_all_skipping::<false>(g, skipping, recruited_post)
                    }
                },
                _ => self.recommend_all_per_tie(g, recruited_post),
            },
            Topology::Complete { .. } => self.cascade_well_mixed(recruited, wom),
        }
        // Advocates whose last active step was this one retire. They are the
        // front of the list: `commit` appends in step order, so last active steps
        // never decrease along it.
        let retired = self.s.active.partition_point(|&(_, last)| last <= t);
        debug_assert!(self.s.active[retired..].iter().all(|&(_, last)| last > t));
        self.s.active.drain(..retired);
        recruited + wom
    }

    /// This step's advocates recommend, one draw per tie: the recruited ones (if
    /// they post) and then the word-of-mouth ones.
    fn recommend_all_per_tie(&mut self, g: &Csr, recruited_post: bool) {
        if recruited_post {
            prefetch_first(g, &self.s.recruited, |&u| u);
            for k in 0..self.s.recruited.len() {
                prefetch_next(g, &self.s.recruited, k, |&u| u);
                let u = self.s.recruited[k];
                self.recommend(g, u, Source::Advocates);
            }
        }
        prefetch_first(g, &self.s.active, |&(u, _)| u);
        for k in 0..self.s.active.len() {
            prefetch_next(g, &self.s.active, k, |&(u, _)| u);
            let u = self.s.active[k].0;
            self.recommend(g, u, Source::WordOfMouth);
        }
    }

    /// One advocate's recommendations along its ties, one draw per tie,
    /// specialised for weighted ties and the trust mode.
    #[inline]
    fn recommend(&mut self, g: &Csr, u: u32, source: Source) {
        match (g.is_weighted(), self.model.wom.trust_mode) {
            (false, TrustMode::Exposure) => self.recommend_along::<false, true>(g, u, source),
            (false, TrustMode::Consumer) => self.recommend_along::<false, false>(g, u, source),
            (true, TrustMode::Exposure) => self.recommend_along::<true, true>(g, u, source),
            (true, TrustMode::Consumer) => self.recommend_along::<true, false>(g, u, source),
        }
    }

    /// One read of the neighbour's 2-byte state, one uniform draw x, one write,
    /// and no branch on the data that the predictor cannot guess: x decides both
    /// noticing (x < reach) and converting (x < reach · trust · conversion · w,
    /// so converted ⊂ noticed), and the outcome is folded in with masks. Whether a
    /// neighbour was touched before or has adopted is unpredictable, and a
    /// mispredicted branch costs more than the arithmetic (it would also stall
    /// the state reads that can otherwise overlap). The draw is made for every
    /// tie, even one to an adopter, which keeps the loop straight. The state,
    /// generator and counters are borrowed into locals so they stay in registers.
    #[inline]
    fn recommend_along<const WEIGHTED: bool, const EXPOSURE: bool>(
        &mut self,
        g: &Csr,
        u: u32,
        source: Source,
    ) {
        let model = self.model;
        let reach = model.wom.reach;
        // Conversion threshold of x for a consumer who trusts (consumer mode) or for
        // anyone (exposure mode, where trust is a per-recommendation chance).
        let p_trusted = reach * model.wom.conversion * if EXPOSURE { model.wom.trust } else { 1.0 };
        let (epoch, traits_key) = (self.epoch, self.traits_key);
        let stamp = stamp(epoch);
        let neighbors = g.neighbors(u);
        let weights = if WEIGHTED {
            g.neighbor_weights(u).unwrap_or(&[])
        } else {
            &[]
        };
        // Converted neighbours are written unconditionally and counted only when
        // they convert: a push without a branch.
        let (slots, converted) = self.s.pending.room(neighbors.len());
        let mut n = *converted;
        let state = &mut self.s.state[..];
        let mut rng = self.rng.clone();
        let mut aware = self.aware;
        for (i, &v) in neighbors.iter().enumerate() {
            let packed = state[v as usize];
            let flags = flags_at(packed, stamp);
            let x = rng::unit(&mut rng);
            let p = if WEIGHTED {
                p_trusted * f64::from(weights[i])
            } else {
                p_trusted
            };
            let open = flags & ADOPTED == 0;
            let noticed = open & (x < reach);
            // In consumer mode the trait is looked up only for a would-be
            // conversion: rare when p is small, so that branch predicts well.
            let converts =
                noticed & (x < p) && (EXPOSURE || Replicate::trusts_peers(model, traits_key, v));
            // Adopters (also those who adopt at the end of this step) are aware.
            aware += u32::from(noticed & (flags & AWARE == 0));
            let new = flags | AWARE | (u8::from(converts) * ADOPTED);
            // Written only when noticed (as the max with 0 otherwise, not a
            // branch): a consumer this replicate touched is then always aware,
            // which the reach = 1 loop of `recommend_all_skipping` relies on.
            let noticed_state = (stamp | NodeState::from(new)) * NodeState::from(noticed);
            state[v as usize] = packed.max(noticed_state);
            slots[n] = (v, source);
            n += usize::from(converts);
        }
        *converted = n;
        self.rng = rng;
        self.aware = aware;
    }

    /// This step's advocates recommend with the outcomes of
    /// [`Self::recommend_along`], drawn by skipping (see [`Skipping`]): the
    /// recruited ones (if they post) and then the word-of-mouth ones, each list
    /// in one [`SkippingKernel::recommend`] loop. Unweighted ties only.
    fn recommend_all_skipping<const EXPOSURE: bool>(
        &mut self,
        g: &Csr,
        skipping: &Skipping,
        recruited_post: bool,
    ) {
        let Scratch {
            state,
            recruited,
            active,
            pending,
            ..
        } = &mut *self.s;
        let mut kernel = SkippingKernel::<EXPOSURE> {
            g,
            skipping,
            model: self.model,
            traits_key: self.traits_key,
            stamp: stamp(self.epoch),
            state,
            pending,
            rng: self.rng.clone(),
            aware: self.aware,
        };
        if recruited_post {
            kernel.recommend(recruited, |&u| u, Source::Advocates);
        }
        kernel.recommend(active, |&(u, _)| u, Source::WordOfMouth);
        self.rng = kernel.rng;
        self.aware = kernel.aware;
    }

    /// `cascade` on a complete population: each non-adopter hears all `k` active
    /// advocates, so it notices at least one with 1 − (1 − reach)^k and adopts with
    /// 1 − (1 − reach · trust · conversion)^k.
    fn cascade_well_mixed(&mut self, recruited: u32, wom: u32) {
        let k = recruited + wom;
        if k == 0 {
            return;
        }
        let kf = f64::from(k);
        let p_aware = 1.0 - (1.0 - self.model.wom.reach).powf(kf);
        let log_miss = (-p_aware).ln_1p();
        let n = u64::from(self.nodes);
        let per = self.model.wom.reach * self.model.wom.conversion;
        let mut v = rng::geometric_skip(&mut self.rng, log_miss);
        while v < n {
            let id = v as u32;
            if !self.is_taken(id) {
                self.make_aware(id);
                let p_convert = 1.0 - (1.0 - per * self.peer_trust(id)).powf(kf);
                if rng::chance(&mut self.rng, p_convert / p_aware) {
                    let source = self.advocate_source(recruited, k);
                    self.convert(id, source);
                }
            }
            v = v
                .saturating_add(1)
                .saturating_add(rng::geometric_skip(&mut self.rng, log_miss));
        }
    }

    /// Which advocate group converted someone, when `recruited` of `k` equally
    /// likely advocates were recruited ones.
    fn advocate_source(&mut self, recruited: u32, k: u32) -> Source {
        if recruited == k
            || (recruited > 0 && rng::chance(&mut self.rng, f64::from(recruited) / f64::from(k)))
        {
            Source::Advocates
        } else {
            Source::WordOfMouth
        }
    }

    /// Advocates that begin recommending at step `t` under the persistent rules:
    /// the recruited ones at their first post, and last step's new advocates.
    fn take_starters(&mut self, recruited_start: bool) {
        std::mem::swap(&mut self.s.starting, &mut self.s.starting_next);
        self.s.starting_next.clear();
        if recruited_start {
            for i in 0..self.s.recruited.len() {
                let v = self.s.recruited[i];
                self.s.starting.push((v, Source::Advocates));
            }
        }
        let recruited = self
            .s
            .starting
            .iter()
            .filter(|s| s.1 == Source::Advocates)
            .count() as u32;
        self.started += self.s.starting.len() as u32;
        self.started_recruited += recruited;
    }

    /// `threshold`: an advocate counts towards a neighbour v once v has noticed it
    /// (decided once per pair, with probability `reach`, when the advocate starts)
    /// and for good; v adopts when the trusted, counted Σ w_uv / deg(v) reaches θ_v.
    /// Returns the number of advocates recommending.
    pub(crate) fn threshold_step(&mut self, recruited_start: bool, threshold: Threshold) -> u32 {
        self.take_starters(recruited_start);
        match &self.world.population.topology {
            Topology::Network(_) => {
                for i in 0..self.s.starting.len() {
                    let (u, source) = self.s.starting[i];
                    self.start_threshold_advocate(u, source, threshold);
                }
            }
            Topology::Complete { .. } => self.threshold_well_mixed(threshold),
        }
        self.started
    }

    /// An advocate starts: each neighbour notices it or not, decided once per pair
    /// with probability `reach` (docs/model.md, "One step"); a noticed advocate counts from now on.
    fn start_threshold_advocate(&mut self, u: u32, source: Source, threshold: Threshold) {
        let world = self.world;
        let Topology::Network(g) = &world.population.topology else {
            unreachable!()
        };
        let exposure = self.model.wom.trust_mode == TrustMode::Exposure;
        let weights = g.neighbor_weights(u);
        for (i, &v) in g.neighbors(u).iter().enumerate() {
            if self.is_taken(v) || !rng::chance(&mut self.rng, self.model.wom.reach) {
                continue;
            }
            let trusted = !exposure || rng::chance(&mut self.rng, self.model.wom.trust);
            let weight = weights.map_or(1.0, |w| f64::from(w[i]));
            self.notice(v, weight, source, trusted, threshold);
        }
    }

    /// v notices an advocate: aware, and if trusted it counts towards θ_v.
    fn notice(&mut self, v: u32, weight: f64, source: Source, trusted: bool, threshold: Threshold) {
        if self.is_taken(v) {
            return;
        }
        self.make_aware(v);
        let trusts = trusted && self.peer_trust_bit(v);
        if !trusts {
            return;
        }
        let degree = self.world.hearing_degree(v);
        let weighted = self
            .world
            .population
            .graph()
            .is_some_and(|g| g.is_weighted());
        let st = self.extra(v);
        // Σ w_uv / deg(v), summed as Σ w_uv in f64 and divided once, so that with
        // unit weights it equals the unweighted count exactly.
        let share = if weighted {
            st.value += weight;
            st.value / f64::from(degree)
        } else {
            st.count += 1;
            f64::from(st.count) / f64::from(degree)
        };
        if share >= self.threshold(v, threshold) {
            self.convert(v, source);
        }
    }

    /// In consumer mode, whether v trusts peers; in exposure mode always true (the
    /// draw was made per notice).
    fn peer_trust_bit(&mut self, v: u32) -> bool {
        match self.model.wom.trust_mode {
            TrustMode::Consumer => self.peer_trust(v) > 0.0,
            TrustMode::Exposure => true,
        }
    }

    /// `threshold` on a complete population: each advocate that starts this step
    /// is noticed by each non-adopter with probability `reach`, decided once, so a
    /// consumer notices Binomial(starters, reach) of them. O(n) in the steps where
    /// advocates start, nothing in the others.
    fn threshold_well_mixed(&mut self, threshold: Threshold) {
        let starters = self.s.starting.len() as u32;
        if starters == 0 || self.nodes < 2 {
            return;
        }
        let advocates = self.started;
        let others = f64::from(self.nodes - 1);
        let (reach, trust) = (self.model.wom.reach, self.model.wom.trust);
        let exposure = self.model.wom.trust_mode == TrustMode::Exposure;
        let recruited = self.started_recruited;
        for v in 0..self.nodes {
            if self.is_taken(v) {
                continue;
            }
            let new = binomial(&mut self.rng, starters, reach);
            if new == 0 {
                continue;
            }
            self.make_aware(v);
            let trusted_new = if exposure {
                binomial(&mut self.rng, new, trust)
            } else if self.peer_trust(v) > 0.0 {
                new
            } else {
                0
            };
            let st = self.extra(v);
            st.count += trusted_new;
            let share = f64::from(st.count) / others;
            if trusted_new > 0 && share >= self.threshold(v, threshold) {
                let source = self.advocate_source(recruited, advocates);
                self.convert(v, source);
            }
        }
    }

    /// `bass`: each non-adopter v adopts with min(1, (p + q · A_v / deg(v)) · dt),
    /// A_v its adopted advocate neighbours. The innovation part p · dt is drawn by
    /// skipping over all consumers; the imitation part only for exposed consumers,
    /// with the conditional probability that makes the total exact.
    pub(crate) fn bass_step(&mut self, recruited_start: bool, p: f64, q: f64, dt: f64) -> u32 {
        self.take_starters(recruited_start);
        let innovation = (p * dt).min(1.0);
        match &self.world.population.topology {
            Topology::Network(_) => {
                for i in 0..self.s.starting.len() {
                    let (u, source) = self.s.starting[i];
                    self.expose_neighbours(u, source);
                }
                if innovation > 0.0 {
                    self.organic(innovation, Source::Organic);
                }
                let mut i = 0;
                while i < self.s.exposed.len() {
                    let v = self.s.exposed[i];
                    if self.is_taken(v) {
                        self.s.exposed.swap_remove(i);
                        continue;
                    }
                    i += 1;
                    let degree = f64::from(self.world.hearing_degree(v));
                    let st = self.extra(v);
                    let (a, recruited) = (st.count, st.value as u32);
                    debug_assert!(a > 0, "exposed consumers have an advocate neighbour");
                    let total = ((p + q * f64::from(a) / degree) * dt).min(1.0);
                    let imitation = if innovation >= 1.0 {
                        0.0
                    } else {
                        (total - innovation) / (1.0 - innovation)
                    };
                    if rng::chance(&mut self.rng, imitation) {
                        let source = self.advocate_source(recruited, a);
                        self.convert(v, source);
                    }
                }
            }
            Topology::Complete { .. } => {
                let advocates = self.started;
                if advocates > 0 {
                    self.everyone_aware = true;
                }
                let share = if self.nodes > 1 {
                    f64::from(advocates) / f64::from(self.nodes - 1)
                } else {
                    0.0
                };
                let total = ((p + q * share) * dt).min(1.0);
                if total > 0.0 {
                    let log_miss = (-total).ln_1p();
                    let n = u64::from(self.nodes);
                    let recruited = self.started_recruited;
                    let mut v = rng::geometric_skip(&mut self.rng, log_miss);
                    while v < n {
                        let id = v as u32;
                        if !self.is_taken(id) {
                            let source = if rng::chance(&mut self.rng, innovation / total) {
                                Source::Organic
                            } else {
                                self.advocate_source(recruited, advocates)
                            };
                            self.make_aware(id);
                            self.convert(id, source);
                        }
                        v = v
                            .saturating_add(1)
                            .saturating_add(rng::geometric_skip(&mut self.rng, log_miss));
                    }
                }
            }
        }
        self.started
    }

    fn expose_neighbours(&mut self, u: u32, source: Source) {
        let world = self.world;
        let Topology::Network(g) = &world.population.topology else {
            unreachable!()
        };
        for &v in g.neighbors(u) {
            if self.is_taken(v) {
                continue;
            }
            self.make_aware(v);
            let st = self.extra(v);
            st.count += 1;
            if source == Source::Advocates {
                st.value += 1.0;
            }
            let flags = self.touch(v);
            if flags & EXPOSED == 0 {
                self.set_flags(v, flags | EXPOSED);
                self.s.exposed.push(v);
            }
        }
    }
}

/// A Binomial(n, p) draw (rand_distr's BTPE; exact shortcuts for p of 0 and 1).
fn binomial(rng: &mut rng::WomRng, n: u32, p: f64) -> u32 {
    if n == 0 || p <= 0.0 {
        0
    } else if p >= 1.0 {
        n
    } else {
        Binomial::new(u64::from(n), p).map_or(0, |b| b.sample(rng) as u32)
    }
}

/// How many advocates ahead a tie list is prefetched, and its offsets twice as far.
const TIES_AHEAD: usize = 8;

/// Before advocate 0 of `list` recommends: prefetch the tie lists of the first
/// [`TIES_AHEAD`] advocates and the offsets of the next ones, which
/// [`prefetch_next`] would otherwise never reach ahead of time.
#[inline]
fn prefetch_first<T>(g: &Csr, list: &[T], id: impl Fn(&T) -> u32) {
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
fn prefetch_next<T>(g: &Csr, list: &[T], k: usize, id: impl Fn(&T) -> u32) {
    let last = list.len() - 1;
    g.prefetch_ties(id(&list[(k + TIES_AHEAD).min(last)]));
    g.prefetch_offsets(id(&list[(k + 2 * TIES_AHEAD).min(last)]));
}

/// The skipping cascade kernel: what one step's recommendations read and write,
/// borrowed into one place so that the generator, counters and buffers stay in
/// registers from one advocate to the next.
struct SkippingKernel<'a, const EXPOSURE: bool> {
    g: &'a Csr,
    skipping: &'a Skipping,
    model: &'a Model,
    traits_key: u64,
    stamp: NodeState,
    state: &'a mut [NodeState],
    pending: &'a mut Pending,
    rng: rng::WomRng,
    aware: u32,
}

impl<const EXPOSURE: bool> SkippingKernel<'_, EXPOSURE> {
    /// The advocates of `list` (ids by `id`), all of group `source`, recommend
    /// in list order: for each, first the ties its recommendation is noticed on
    /// — all of them when reach = 1, with no draw and no branch — then the
    /// candidates, one table look-up each.
    #[inline]
    fn recommend<T>(&mut self, list: &[T], id: impl Fn(&T) -> u32, source: Source) {
        let (g, skipping, model, traits_key) = (self.g, self.skipping, self.model, self.traits_key);
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
                slots[n] = (v, source);
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
