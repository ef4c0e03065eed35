//! One replicate in progress: its view of the thread's [`Scratch`] and the
//! operations every rule uses (flags, awareness, conversions, trust traits,
//! attribution of word-of-mouth conversions).

use super::{
    flags_at, stamp, ChannelCounts, Extra, Model, NodeState, Origin, Scratch, Source, Tag, World,
    ADOPTED, AWARE, ORGANIC,
};
use crate::rng::{self, WomRng};
use crate::scenario::{Threshold, TrustMode};

// Salts of the counter-based trait draws.
pub(super) const SALT_PEER_TRUST: u64 = 1;
pub(super) const SALT_INFLUENCER_TRUST: u64 = 2;
pub(super) const SALT_THRESHOLD: u64 = 3;
pub(super) const SALT_ADVOCACY: u64 = 4;
pub(super) const SALT_PICK: u64 = 0x5049_434b;

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
    pub(super) fn trusts_influencer(&self, v: u32, trust: f64) -> bool {
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
}
