//! The step loop of one replicate ([`simulate_replicate`]): seeding, then each
//! step's influencer posts, the rule's recommendations, organic adoption and the
//! commit that makes the step's decisions take effect.

use super::replicate::SALT_ADVOCACY;
use super::{
    Active, ChannelCounts, InfluencerModel, Model, Origin, Replicate, ReplicateOutcome, Scratch,
    Source, StepCounts, Tag, World, ADOPTED, ORGANIC,
};
use crate::rng::{self, Stream};
use crate::scenario::{Rule, TrustMode};

impl Replicate<'_> {
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
