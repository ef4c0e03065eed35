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
use crate::sim::engine::{Origin, Replicate, Scratch, Source, Tag};

impl Replicate<'_> {
    /// Which advocate group converted someone, when `recruited` of `k` equally
    /// likely advocates were recruited ones (rules that support one channel).
    fn advocate_source(&mut self, recruited: u32, k: u32) -> Tag {
        let source = if recruited == k
            || (recruited > 0 && rng::chance(&mut self.rng, f64::from(recruited) / f64::from(k)))
        {
            Source::Advocates
        } else {
            Source::WordOfMouth
        };
        self.untracked(source)
    }

    /// The recruited advocates of programme `p`, and the tag of their conversions.
    fn programme(&self, p: usize) -> (std::ops::Range<usize>, Tag) {
        let begin = if p == 0 {
            0
        } else {
            self.s.programme_ends[p - 1]
        };
        let origin = (self.model.influencers.len() + p) as Origin;
        (
            begin..self.s.programme_ends[p],
            Tag::new(Source::Advocates, origin),
        )
    }

    /// Advocates that begin recommending at step `t` under the persistent rules:
    /// each programme's recruited ones at its first post, and last step's new
    /// advocates.
    fn take_starters(&mut self, t: u32) {
        std::mem::swap(&mut self.s.starting, &mut self.s.starting_next);
        self.s.starting_next.clear();
        let mut recruited = 0;
        for p in 0..self.model.programmes.len() {
            if self.model.programmes[p].first_post != Some(t) {
                continue;
            }
            let (range, tag) = self.programme(p);
            for i in range {
                let v = self.s.recruited[i];
                self.s.starting.push((v, tag));
                recruited += 1;
            }
        }
        if self.model.track_origin {
            let Scratch {
                starting,
                started_tags,
                ..
            } = &mut *self.s;
            started_tags.extend(starting.iter().map(|&(_, tag)| tag));
        }
        self.started += self.s.starting.len() as u32;
        self.started_recruited += recruited;
    }
}
