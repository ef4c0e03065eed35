//! The `cascade` rule: each active advocate recommends once to each neighbour,
//! per tie or by skipping (the loop itself is in [`super::kernel`]), or by counts
//! on a complete population.

use super::kernel::{prefetch_first, prefetch_next, SkippingKernel};
use crate::graph::{Csr, Topology};
use crate::rng;
use crate::scenario::TrustMode;
use crate::sim::engine::{
    flags_at, stamp, NodeState, Origin, ProgrammeModel, Replicate, Scratch, Source, Tag, ADOPTED,
    AWARE, ORGANIC,
};

impl Replicate<'_> {
    /// `cascade`: every active advocate recommends once to each neighbour who has not
    /// adopted; the neighbour notices with `reach` (aware) and, if trusted, adopts
    /// with `conversion · w`. Returns the number of active advocates.
    pub(in crate::sim) fn cascade_step(&mut self, t: u32) -> u32 {
        // Recruited advocates of the programmes posting now, then the word-of-mouth
        // advocates still active (committed until a later step).
        let mut recruited = 0;
        for p in 0..self.model.programmes.len() {
            if self.model.programmes[p].posts_at[t as usize] {
                recruited += self.programme(p).0.len() as u32;
            }
        }
        let wom = self.s.active.len() as u32;
        let world = self.world;
        match &world.population.topology {
            Topology::Network(g) => match (&self.model.skipping, g.is_weighted()) {
                (Some(_), false) => match self.model.wom.trust_mode {
                    TrustMode::Exposure => self.recommend_all_skipping::<true>(g, t),
                    TrustMode::Consumer => self.recommend_all_skipping::<false>(g, t),
                },
                _ => self.recommend_all_per_tie(g, t),
            },
            Topology::Complete { .. } => self.cascade_well_mixed(t, recruited, wom),
        }
        // Advocates whose last active step was this one retire. They are the
        // front of the list: `commit` appends in step order, so last active steps
        // never decrease along it.
        let retired = self.s.active.partition_point(|a| a.last <= t);
        debug_assert!(self.s.active[retired..].iter().all(|a| a.last > t));
        self.s.active.drain(..retired);
        recruited + wom
    }

    /// This step's advocates recommend, one draw per tie: the recruited ones of
    /// each programme that posts, and then the word-of-mouth ones.
    fn recommend_all_per_tie(&mut self, g: &Csr, t: u32) {
        for p in 0..self.model.programmes.len() {
            let programme = &self.model.programmes[p];
            if !programme.posts_at[t as usize] {
                continue;
            }
            let factor = programme.trust_factor;
            let (range, tag) = self.programme(p);
            let list = &self.s.recruited[range.clone()];
            prefetch_first(g, list, |&u| u);
            for k in range.clone() {
                prefetch_next(g, &self.s.recruited[range.clone()], k - range.start, |&u| u);
                let u = self.s.recruited[k];
                self.recommend(g, u, tag, factor);
            }
        }
        prefetch_first(g, &self.s.active, |a| a.node);
        for k in 0..self.s.active.len() {
            prefetch_next(g, &self.s.active, k, |a| a.node);
            let a = self.s.active[k];
            self.recommend(g, a.node, Tag::new(Source::WordOfMouth, a.origin), 1.0);
        }
    }

    /// One advocate's recommendations along its ties, one draw per tie,
    /// specialised for weighted ties and the trust mode; they convert with
    /// conversion × `factor`.
    #[inline]
    fn recommend(&mut self, g: &Csr, u: u32, tag: Tag, factor: f64) {
        match (g.is_weighted(), self.model.wom.trust_mode) {
            (false, TrustMode::Exposure) => self.recommend_along::<false, true>(g, u, tag, factor),
            (false, TrustMode::Consumer) => self.recommend_along::<false, false>(g, u, tag, factor),
            (true, TrustMode::Exposure) => self.recommend_along::<true, true>(g, u, tag, factor),
            (true, TrustMode::Consumer) => self.recommend_along::<true, false>(g, u, tag, factor),
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
        tag: Tag,
        factor: f64,
    ) {
        let model = self.model;
        let reach = model.wom.reach;
        // Conversion threshold of x for a consumer who trusts (consumer mode) or for
        // anyone (exposure mode, where trust is a per-recommendation chance).
        let p_trusted =
            reach * model.wom.conversion * factor * if EXPOSURE { model.wom.trust } else { 1.0 };
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
            slots[n] = (v, tag);
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
    fn recommend_all_skipping<const EXPOSURE: bool>(&mut self, g: &Csr, t: u32) {
        let model = self.model;
        let programmes: &[ProgrammeModel] = &model.programmes;
        let influencers = model.influencers.len();
        let Scratch {
            state,
            recruited,
            programme_ends,
            active,
            pending,
            ..
        } = &mut *self.s;
        let mut kernel = SkippingKernel::<EXPOSURE> {
            g,
            model,
            traits_key: self.traits_key,
            stamp: stamp(self.epoch),
            state,
            pending,
            rng: self.rng.clone(),
            aware: self.aware,
        };
        let mut begin = 0;
        for (p, programme) in programmes.iter().enumerate() {
            let end = programme_ends[p];
            if programme.posts_at[t as usize] {
                let skipping = programme
                    .skipping
                    .as_ref()
                    .expect("programmes skip when word of mouth does");
                let tag = Tag::new(Source::Advocates, (influencers + p) as Origin);
                kernel.recommend(&recruited[begin..end], skipping, |&u| u, |_| tag);
            }
            begin = end;
        }
        let skipping = model.skipping.as_ref().expect("called when skipping");
        kernel.recommend(
            active,
            skipping,
            |a| a.node,
            |a| Tag::new(Source::WordOfMouth, a.origin),
        );
        self.rng = kernel.rng;
        self.aware = kernel.aware;
    }

    /// `cascade` on a complete population: each non-adopter hears all `k` active
    /// advocates, so it notices at least one with 1 − (1 − reach)^k and adopts with
    /// 1 − (1 − reach · trust · conversion)^k.
    fn cascade_well_mixed(&mut self, t: u32, recruited: u32, wom: u32) {
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
                    let mut tag = self.advocate_source(recruited, k);
                    if self.model.track_origin {
                        tag.origin = self.well_mixed_origin(t, tag.source);
                    }
                    self.convert(id, tag);
                }
            }
            v = v
                .saturating_add(1)
                .saturating_add(rng::geometric_skip(&mut self.rng, log_miss));
        }
    }

    /// The channel of a conversion on a complete population with several
    /// channels: the posting programme (validation allows one), or the chain of a
    /// word-of-mouth advocate drawn uniformly among the active ones (each is as
    /// likely as any other to have made the conversion).
    fn well_mixed_origin(&mut self, t: u32, source: Source) -> Origin {
        let influencers = self.model.influencers.len();
        match source {
            Source::Advocates => {
                let p = (0..self.model.programmes.len())
                    .find(|&p| self.model.programmes[p].posts_at[t as usize])
                    .unwrap_or(0);
                (influencers + p) as Origin
            }
            _ => {
                let count = self.s.active.len() as u64;
                if count == 0 {
                    return ORGANIC;
                }
                let i = rng::below(&mut self.rng, count) as usize;
                self.s.active[i].origin
            }
        }
    }
}
