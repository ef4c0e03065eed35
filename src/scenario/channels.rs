//! The campaign's channels resolved: paid creators ([`Influencer`]) with their
//! audiences and reach, advocate programmes ([`Advocates`]) with whom and how many
//! they recruit.

use serde::Serialize;
use std::path::PathBuf;

/// A count of consumers, or a share of the population.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    /// That many consumers.
    Count(u64),
    /// That share of the population, in [0, 1].
    Share(f64),
}

impl Amount {
    /// The number of consumers out of `nodes` (shares round to nearest).
    pub fn resolve(self, nodes: u64) -> u64 {
        match self {
            Amount::Count(c) => c,
            Amount::Share(s) => (s * nodes as f64).round() as u64,
        }
    }
}

/// Who follows an influencer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowerChoice {
    /// Uniformly at random.
    Random,
    /// With probability proportional to degree: well-connected consumers follow more.
    ByDegree,
    /// The consumers nearest (breadth-first) to a random centre: an audience is a
    /// community.
    Niche,
}

/// The share of followers who see one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// As given.
    Fixed(f64),
    /// From the follower count, through the scenario's engagement bands.
    ByAudience,
}

/// Engagement falls with audience size: `(bound, reach)` rows, bounds increasing,
/// the last one infinite; an audience of F followers sees a post with the reach
/// of the first row whose bound is at least F.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Engagement {
    /// `(largest follower count of the band, reach)`, bounds increasing.
    #[serde(serialize_with = "serialize_bands")]
    pub bands: Vec<(f64, f64)>,
}

/// Bands as `[bound, reach]` pairs, an infinite bound written `"inf"` (JSON has
/// no infinity).
fn serialize_bands<S: serde::Serializer>(
    bands: &[(f64, f64)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Bound {
        Finite(f64),
        Infinite(&'static str),
    }
    let mut seq = serializer.serialize_seq(Some(bands.len()))?;
    for &(bound, reach) in bands {
        let bound = if bound.is_finite() {
            Bound::Finite(bound)
        } else {
            Bound::Infinite("inf")
        };
        seq.serialize_element(&(bound, reach))?;
    }
    seq.end()
}

impl Engagement {
    /// The reach of an audience of `followers`.
    pub fn reach(&self, followers: u64) -> f64 {
        let f = followers as f64;
        self.bands
            .iter()
            .find(|(bound, _)| f <= *bound)
            .or(self.bands.last())
            .map_or(0.0, |&(_, reach)| reach)
    }
}

impl Reach {
    /// The reach of an audience of `followers` under `engagement`.
    pub fn resolve(&self, followers: u64, engagement: &Engagement) -> f64 {
        match self {
            Reach::Fixed(r) => *r,
            Reach::ByAudience => engagement.reach(followers),
        }
    }
}

/// One paid creator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Influencer {
    /// Unique among the scenario's channels; "influencer" for the single-table form.
    pub name: String,
    /// The audience size (at most the population).
    pub followers: Amount,
    /// Who the followers are.
    pub follower_choice: FollowerChoice,
    /// P(a follower sees one post).
    pub reach: Reach,
    /// Share of consumers who trust influencers, a probability.
    pub trust: f64,
    /// Steps at which the creator posts: sorted, no repeats, each below `steps`.
    pub posts: Vec<u32>,
    /// The creator's cost, in the scenario's currency, at least 0.
    pub fee: f64,
    /// The k-th post a follower sees converts with (1 - fatigue)^(k-1) of the chance.
    pub fatigue: f64,
}

/// Which consumers are recruited as advocates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "choose", rename_all = "snake_case")]
pub enum AdvocateChoice {
    /// Uniformly at random from the pool (a partial Fisher–Yates shuffle, so a
    /// larger count recruits a superset under the same seed).
    Random {
        /// How many.
        amount: Recruits,
    },
    /// The highest degrees; ties at the boundary drawn at random.
    TopDegree {
        /// How many.
        amount: Recruits,
    },
    /// Uniformly among consumers whose degree is in `min_degree..=max_degree`.
    DegreeBand {
        /// How many, at most the consumers in the band.
        amount: Recruits,
        /// Smallest degree accepted.
        min_degree: u32,
        /// Largest degree accepted, at least `min_degree`.
        max_degree: u32,
    },
    /// Random, but no two sharing a friend while that is possible (then no two
    /// tied, then anyone).
    Spread {
        /// How many.
        amount: Recruits,
    },
    /// The consumers that maximise expected conversions under the scenario's
    /// cascade, by reverse-influence sampling with the IMM bounds: at least
    /// (1 − 1/e − epsilon) of the optimum with probability 1 − 1/N.
    Influence {
        /// How many.
        amount: Recruits,
        /// IMM's approximation slack, in (0, 1).
        epsilon: f64,
    },
    /// The consumers listed by label in a file, one per line.
    File {
        /// The file, resolved against the scenario file's folder.
        path: PathBuf,
    },
}

/// How many advocates a programme recruits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Recruits {
    /// A count or a share of the population.
    Amount(Amount),
    /// round(pool × acceptance(incentive)): `(incentive, share of the pool who
    /// accept)` points, incentives increasing, interpolated linearly and held
    /// flat beyond the ends.
    Acceptance {
        /// The curve's points.
        acceptance: Vec<(f64, f64)>,
    },
}

/// Share of the pool who accept at `incentive` (piecewise linear in the points,
/// flat beyond the first and last).
pub fn acceptance_share(points: &[(f64, f64)], incentive: f64) -> f64 {
    let Some(&(x0, y0)) = points.first() else {
        return 0.0;
    };
    if incentive <= x0 {
        return y0;
    }
    for w in points.windows(2) {
        let ((xa, ya), (xb, yb)) = (w[0], w[1]);
        if incentive <= xb {
            return if xb > xa {
                ya + (yb - ya) * (incentive - xa) / (xb - xa)
            } else {
                yb
            };
        }
    }
    points.last().map_or(0.0, |p| p.1)
}

impl Recruits {
    /// The number recruited from a pool of `pool` consumers out of `nodes`, at
    /// `incentive`.
    pub fn resolve(&self, nodes: u64, pool: u64, incentive: f64) -> u64 {
        match self {
            Recruits::Amount(a) => a.resolve(nodes),
            Recruits::Acceptance { acceptance } => {
                (pool as f64 * acceptance_share(acceptance, incentive)).round() as u64
            }
        }
    }
}

/// Whom a programme may recruit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    /// Any consumer.
    Anyone,
    /// Only existing customers (`[market] customers`).
    Customers,
}

/// One advocate programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advocates {
    /// Unique among the scenario's channels; "advocates" for the single-table form.
    pub name: String,
    /// Who is recruited, and how many.
    #[serde(flatten)]
    pub choice: AdvocateChoice,
    /// Whom it may recruit.
    pub pool: Pool,
    /// Steps at which the recruited advocates recommend: sorted, no repeats, each
    /// below `steps`.
    pub posts: Vec<u32>,
    /// Cost per recruited advocate, in the scenario's currency, at least 0.
    pub incentive: f64,
    /// Disclosed incentives: this programme's recommendations convert with
    /// conversion × trust_factor.
    pub trust_factor: f64,
}
