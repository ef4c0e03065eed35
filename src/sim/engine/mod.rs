//! The step loop: one replicate of a campaign on a population. Many replicates in
//! parallel are [`crate::sim::runner`]'s job.
//!
//! A replicate's state lives in a [`Scratch`] owned by one thread and reused across
//! replicates: node state is epoch-stamped, so starting a replicate costs O(1), not
//! O(n), and a replicate that touches 1% of the consumers costs about 1% of a full
//! pass. Nothing in the step loop allocates once the buffers have grown to size.
//! Randomness comes only from the named streams of (seed, replicate), so a result
//! does not depend on which thread ran it.
//!
//! One job per file: `state.rs` holds the buffers (epoch-stamped node flags, the
//! rules' counters, the step's pending conversions, [`Scratch`]); `model.rs` the
//! scenario compiled for the loop ([`Model`]) and the population it runs on
//! ([`World`]); `replicate.rs` one replicate's view of them and the operations
//! every rule uses; `step.rs` the step loop ([`simulate_replicate`]). The adoption
//! rules are methods of the replicate, in `sim::rules`. This file holds what a
//! replicate reports: [`StepCounts`], [`ReplicateOutcome`], [`ChannelCounts`] and
//! the [`Tag`] every conversion is credited to.

mod model;
mod replicate;
mod state;
mod step;

pub use model::{InfluencerModel, Model, ProgrammeModel, World};
pub(in crate::sim) use model::{Noticed, Skipping};
pub(in crate::sim) use replicate::Replicate;
pub use state::Scratch;
pub(in crate::sim) use state::{
    flags_at, stamp, Active, Extra, NodeState, Pending, ADOPTED, AWARE, EXPOSED,
};
pub use step::simulate_replicate;

/// Where a conversion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Source {
    /// Converted by a creator's post.
    Influencer = 0,
    /// Converted directly by a recruited advocate.
    Advocates = 1,
    /// Converted by an advocate who was converted during the campaign.
    WordOfMouth = 2,
    /// Adopted on its own (`external`), with no recommendation.
    Organic = 3,
}

/// A campaign channel's index: the scenario's influencers first, then its
/// programmes. [`ORGANIC`] for conversions no channel set off.
pub type Origin = u16;

/// The origin of a conversion that no channel's seed set off.
pub const ORGANIC: Origin = Origin::MAX;

/// What a conversion is credited to: the kind of recommendation that made it, and
/// the channel whose seed started its chain (tracked only when a campaign has
/// several channels; with one, every non-organic conversion is that channel's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The kind of recommendation that converted.
    pub source: Source,
    /// The channel whose seed started the chain, or [`ORGANIC`].
    pub origin: Origin,
}

impl Tag {
    /// A conversion of kind `source` credited to channel `origin`.
    pub const fn new(source: Source, origin: Origin) -> Self {
        Tag { source, origin }
    }
}

/// One channel's conversions in one replicate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelCounts {
    /// Converted directly by the channel's post or recruited advocates.
    pub direct: u32,
    /// Converted by word of mouth that the channel set off.
    pub word_of_mouth: u32,
}

impl ChannelCounts {
    /// All the channel's conversions.
    pub fn conversions(&self) -> u32 {
        self.direct + self.word_of_mouth
    }
}

/// Counts recorded at the end of each step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// Recruited advocates plus conversions so far.
    pub adopters: u32,
    /// Consumers converted so far.
    pub conversions: u32,
    /// Consumers converted during this step.
    pub new_conversions: u32,
    /// Consumers who know of the product: adopters and everyone who noticed a
    /// recommendation or saw a post.
    pub aware: u32,
    /// Advocates recommending during the step.
    pub active_advocates: u32,
}

/// Final values of one replicate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicateOutcome {
    /// Existing customers and recruited advocates plus conversions (each consumer
    /// once).
    pub adopters: u32,
    /// Consumers converted during the campaign.
    pub conversions: u32,
    /// Consumers who know of the product at the end.
    pub aware: u32,
    /// Conversions by [`Source`], indexed by its value.
    pub from: [u32; 4],
    /// The first step with the most new conversions (0 when there are none).
    pub peak_step: u32,
    /// The first step by which half of the final conversions had happened (None
    /// when there are none).
    pub half_step: Option<u32>,
}
