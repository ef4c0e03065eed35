//! `choose = "influence"`: the advocates that maximise a programme's expected
//! conversions under the scenario's own cascade, by reverse-influence sampling with
//! the IMM bounds of Tang, Shi & Xiao, "Influence Maximization in Near-Linear Time:
//! A Martingale Approach" (SIGMOD 2015).
//!
//! The reduction of wom's `cascade` to a possible-world model, what it keeps and
//! what it leaves out, is in docs/optimisation.md. In short: an arc u→v (v hears u)
//! draws one uniform x; it is *seed-live* when x < 1 − (1 − q_s)^P and *wom-live*
//! when x < 1 − (1 − q)^A, with q = reach · conversion · w_uv (· trust in exposure
//! mode), q_s = q · trust_factor, P the programme's posts and A `active_steps`.
//! Each consumer draws one relay coin (advocacy, times peer trust in consumer mode,
//! times not being an existing customer). The RR set of a uniform root v is v plus
//! every u with a seed-live arc into W(v), the consumers from which a wom-live path
//! of relaying consumers leads to v (nothing but v when v cannot convert:
//! a consumer-mode non-truster, or an existing customer).
//!
//! RR set i draws from its own stream (a pure function of the programme's
//! `advocates` key and i), sets are generated in parallel with rayon and kept in
//! index order, and the greedy breaks ties by lowest node id: the choice is
//! byte-identical for any thread count.

mod graph;
mod imm;
pub mod rr;
mod select;

pub use graph::{InArcs, OwnedArcs};
pub use imm::{estimate_conversions, imm, Choice, TooLarge};
pub use select::{greedy, greedy_among, greedy_swapped, Coverage, SWAP_PASSES};

use crate::graph::Csr;
use crate::scenario::{Advocates, Scenario, TrustMode};

/// The parameters of wom's `cascade` that matter to one programme's choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// Probability that a recommendation is noticed (`word_of_mouth.reach`).
    pub reach: f64,
    /// Probability that a noticed, trusted recommendation converts (`conversion`).
    pub conversion: f64,
    /// Share of peer-trusters (`word_of_mouth.trust`).
    pub trust: f64,
    /// `trust_mode = "exposure"` (each recommendation is trusted with probability
    /// `trust`) rather than `"consumer"` (each consumer trusts peers or not, one
    /// draw per consumer shared by all its incoming ties).
    pub exposure: bool,
    /// Probability that a converted consumer becomes an advocate.
    pub advocacy: f64,
    /// The programme's posts P (steps at which a recruited advocate recommends).
    pub posts: u32,
    /// Steps a word-of-mouth advocate recommends (A).
    pub active_steps: u32,
    /// The programme's `trust_factor` (its recommendations convert with
    /// conversion × trust_factor).
    pub trust_factor: f64,
    /// Share of consumers who are existing customers: adopters at launch, who can
    /// be neither converted nor relay.
    pub customers: f64,
}

impl Model {
    /// The cascade of `scenario` as seen by its programme `programme`.
    pub fn new(scenario: &Scenario, programme: &Advocates) -> Model {
        let wom = &scenario.word_of_mouth;
        Model {
            reach: wom.reach,
            conversion: wom.conversion,
            trust: wom.trust,
            exposure: wom.trust_mode == TrustMode::Exposure,
            advocacy: wom.advocacy,
            posts: programme.posts.len() as u32,
            active_steps: wom.active_steps,
            trust_factor: programme.trust_factor,
            customers: scenario.market.customers,
        }
    }

    /// The independent cascade of Kempe, Kleinberg & Tardos with arc probability
    /// `p` (times the tie weight): reach 1, conversion `p`, trust 1 (exposure),
    /// advocacy 1, one post, one active step, no customers.
    pub fn independent_cascade(p: f64) -> Model {
        Model {
            reach: 1.0,
            conversion: p,
            trust: 1.0,
            exposure: true,
            advocacy: 1.0,
            posts: 1,
            active_steps: 1,
            trust_factor: 1.0,
            customers: 0.0,
        }
    }

    /// Probability that one word-of-mouth recommendation along a tie of weight
    /// `w` converts its target (in consumer mode, given that the target trusts).
    fn per_recommendation(&self, w: f64) -> f64 {
        let t = if self.exposure { self.trust } else { 1.0 };
        (self.reach * self.conversion * w * t).clamp(0.0, 1.0)
    }

    /// Probability that a tie of weight `w` is live from a recruited advocate:
    /// 1 − (1 − q · trust_factor)^P.
    pub fn seed_live(&self, w: f64) -> f64 {
        let q = (self.per_recommendation(w) * self.trust_factor).clamp(0.0, 1.0);
        at_least_once(q, self.posts)
    }

    /// Probability that a tie of weight `w` is live from a word-of-mouth
    /// advocate: 1 − (1 − q)^A.
    pub fn wom_live(&self, w: f64) -> f64 {
        at_least_once(self.per_recommendation(w), self.active_steps)
    }

    /// Probability that a consumer can be converted at all: a peer-truster in
    /// consumer mode, and not an existing customer.
    pub fn open(&self) -> f64 {
        let trusts = if self.exposure { 1.0 } else { self.trust };
        (trusts * (1.0 - self.customers)).clamp(0.0, 1.0)
    }

    /// Probability that a consumer other than the root passes the word on: it can
    /// be converted, and becomes an advocate.
    pub fn relay(&self) -> f64 {
        (self.advocacy * self.open()).clamp(0.0, 1.0)
    }

    /// Whether the RR estimate is exact: every tie is at least as likely to be
    /// live from a recruited advocate as from a word-of-mouth one (see
    /// docs/optimisation.md).
    pub fn coverage_is_exact(&self) -> bool {
        self.seed_live(1.0) >= self.wom_live(1.0)
    }
}

/// 1 − (1 − q)^times, accurate for small q.
fn at_least_once(q: f64, times: u32) -> f64 {
    if q >= 1.0 {
        return if times > 0 { 1.0 } else { 0.0 };
    }
    -(f64::from(times) * (-q).ln_1p()).exp_m1()
}

/// Call `f` with the in-arcs of `g` (the arcs of v are the consumers v hears):
/// `g` itself when undirected (ties are stored both ways with one weight), else
/// its reverse, built in O(n + m) time and about 12 bytes per arc (16 weighted).
pub fn with_in_arcs<R>(g: &Csr, f: impl FnOnce(InArcs<'_>) -> R) -> R {
    if g.is_directed() {
        let reversed = InArcs::of(g).reversed();
        f(reversed.as_arcs())
    } else {
        f(InArcs::of(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_probabilities_follow_posts_and_active_steps() {
        let mut m = Model::independent_cascade(0.1);
        assert!((m.seed_live(1.0) - 0.1).abs() < 1e-12);
        m.posts = 3;
        m.active_steps = 2;
        assert!((m.seed_live(0.5) - (1.0 - 0.95f64.powi(3))).abs() < 1e-12);
        assert!((m.wom_live(1.0) - (1.0 - 0.9f64.powi(2))).abs() < 1e-12);
        assert!(m.coverage_is_exact());
        m.trust_factor = 0.5;
        m.posts = 1;
        assert!(!m.coverage_is_exact());
        m.exposure = false;
        m.trust = 0.8;
        m.customers = 0.25;
        assert!((m.open() - 0.6).abs() < 1e-12);
    }
}
