//! The three adoption rules, one step function each (docs/model.md, "One step", item 2):
//! [`cascade`], [`threshold`] and [`bass`], with the cascade's hot loop in
//! [`kernel`]. This file holds what the rules share: which advocate group gets a
//! conversion, and which advocates start recommending in a step.
//!
//! Each handles an explicit graph and the implicit complete graph; on the latter no
//! tie is ever enumerated: every non-adopter hears every active advocate, so the
//! rules work with counts of advocates instead.

mod bass;
mod cascade;
mod kernel;
mod threshold;

use crate::rng;
use crate::sim::engine::{Replicate, Source};

impl Replicate<'_> {
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
}
