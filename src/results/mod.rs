//! Results: aggregates over replicates and the files a run writes
//! ([`aggregate`]), figures ([`plots`]) and paired comparisons ([`compare`]).

pub mod aggregate;
pub mod compare;
pub mod plots;
