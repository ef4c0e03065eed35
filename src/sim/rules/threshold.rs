//! The `threshold` rule: an advocate, once noticed, counts towards a neighbour for
//! good, and the neighbour adopts when the trusted share reaches its threshold.

use crate::graph::Topology;
use crate::rng;
use crate::scenario::{Threshold, TrustMode};
use crate::sim::engine::{Replicate, Tag};
use rand_distr::{Binomial, Distribution};

impl Replicate<'_> {
    /// `threshold`: an advocate counts towards a neighbour v once v has noticed it
    /// (decided once per pair, with probability `reach`, when the advocate starts)
    /// and for good; v adopts when the trusted, counted Σ w_uv / deg(v) reaches θ_v.
    /// Returns the number of advocates recommending.
    pub(in crate::sim) fn threshold_step(&mut self, t: u32, threshold: Threshold) -> u32 {
        self.take_starters(t);
        match &self.world.population.topology {
            Topology::Network(_) => {
                for i in 0..self.s.starting.len() {
                    let (u, tag) = self.s.starting[i];
                    self.start_threshold_advocate(u, tag, threshold);
                }
            }
            Topology::Complete { .. } => self.threshold_well_mixed(threshold),
        }
        self.started
    }

    /// An advocate starts: each neighbour notices it or not, decided once per pair
    /// with probability `reach` (docs/model.md, "One step"); a noticed advocate counts from now on.
    fn start_threshold_advocate(&mut self, u: u32, tag: Tag, threshold: Threshold) {
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
            self.notice(v, weight, tag, trusted, threshold);
        }
    }

    /// v notices an advocate: aware, and if trusted it counts towards θ_v.
    fn notice(&mut self, v: u32, weight: f64, tag: Tag, trusted: bool, threshold: Threshold) {
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
            st.weight += weight;
            st.weight / f64::from(degree)
        } else {
            st.advocates += 1;
            f64::from(st.advocates) / f64::from(degree)
        };
        // The conversion is credited to the advocate whose recommendation tipped
        // the share over the threshold.
        if share >= self.threshold(v, threshold) {
            self.convert(v, tag);
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
            st.advocates += trusted_new;
            let share = f64::from(st.advocates) / others;
            if trusted_new > 0 && share >= self.threshold(v, threshold) {
                let tag = self.advocate_source(recruited, advocates);
                let tag = self.persistent_tag(None, tag);
                self.convert(v, tag);
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
        // Binomial::new refuses only a p outside [0, 1] or NaN, which the branches
        // above and validation rule out: a failure here is a bug, not bad input,
        // and is not turned into a silent 0.
        let binomial = Binomial::new(u64::from(n), p).expect("p is in (0, 1)");
        binomial.sample(rng) as u32
    }
}
