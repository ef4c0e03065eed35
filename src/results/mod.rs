//! Results: aggregates over replicates ([`aggregate`]), the files a run writes
//! ([`run`]), figures ([`plots`]) and paired comparisons ([`compare`]).

pub mod aggregate;
pub mod compare;
pub mod fit;
pub mod plots;
pub mod run;
