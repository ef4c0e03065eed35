//! The `bass` rule: innovation for everyone, imitation in proportion to the
//! share of a consumer's neighbours who are advocates.

use crate::graph::Topology;
use crate::rng;
use crate::sim::engine::{Replicate, Source, Tag, EXPOSED};

impl Replicate<'_> {
    /// `bass`: each non-adopter v adopts with min(1, (p + q · A_v / deg(v)) · dt),
    /// A_v its adopted advocate neighbours. The innovation part p · dt is drawn by
    /// skipping over all consumers; the imitation part only for exposed consumers,
    /// with the conditional probability that makes the total exact.
    pub(in crate::sim) fn bass_step(&mut self, t: u32, p: f64, q: f64, dt: f64) -> u32 {
        self.take_starters(t);
        let innovation = (p * dt).min(1.0);
        match &self.world.population.topology {
            Topology::Network(_) => {
                for i in 0..self.s.starting.len() {
                    let (u, tag) = self.s.starting[i];
                    self.expose_neighbours(u, tag);
                }
                if innovation > 0.0 {
                    self.organic(innovation);
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
                    let (a, recruited) = (st.advocates, st.recruited);
                    debug_assert!(a > 0, "exposed consumers have an advocate neighbour");
                    let total = ((p + q * f64::from(a) / degree) * dt).min(1.0);
                    let imitation = if innovation >= 1.0 {
                        0.0
                    } else {
                        (total - innovation) / (1.0 - innovation)
                    };
                    if rng::chance(&mut self.rng, imitation) {
                        let tag = self.advocate_source(recruited, a);
                        let tag = self.persistent_tag(Some(v), tag);
                        self.convert(v, tag);
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
                            let tag = if rng::chance(&mut self.rng, innovation / total) {
                                self.untracked(Source::Organic)
                            } else {
                                let tag = self.advocate_source(recruited, advocates);
                                self.persistent_tag(None, tag)
                            };
                            self.make_aware(id);
                            self.convert(id, tag);
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

    fn expose_neighbours(&mut self, u: u32, tag: Tag) {
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
            st.advocates += 1;
            if tag.source == Source::Advocates {
                st.recruited += 1;
            }
            let count = st.advocates;
            self.pick(v, count, tag);
            let flags = self.touch(v);
            if flags & EXPOSED == 0 {
                self.set_flags(v, flags | EXPOSED);
                self.s.exposed.push(v);
            }
        }
    }
}
