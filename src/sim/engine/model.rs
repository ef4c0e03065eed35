//! The scenario compiled for the step loop ([`Model`]: posts by step, trust,
//! skipping tables) and the population it runs on with what the rules need
//! precomputed ([`World`]).

use crate::graph::{Population, Topology};
use crate::rng::Gaps;
use crate::scenario::{Rule, Scenario, TrustMode, WordOfMouth};
use crate::sim::campaign::CampaignPlan;

/// The scenario's dynamics, compiled for the step loop.
#[derive(Debug, Clone)]
pub struct Model {
    /// Steps per replicate.
    pub steps: u32,
    /// The master seed.
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
    /// The consumers and their ties.
    pub population: Population,
    /// Who the channels may reach on this population.
    pub plan: CampaignPlan,
    /// How many sources each consumer hears (in-degree), for directed graphs.
    in_degrees: Option<Vec<u32>>,
}

impl World {
    /// `population` with `plan`, precomputing in-degrees for a directed graph
    /// (O(n + m)).
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
