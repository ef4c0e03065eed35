//! Results: aggregates over replicates ([`aggregate`]), per-channel results
//! ([`channels`]), the `summary.json` schema
//! ([`summary`]), atomic file writing ([`files`]), the files a run writes ([`run`]),
//! result folders locked and replaced as a whole ([`staging`]),
//! figures ([`plots`]) and paired comparisons ([`compare`]).

pub mod aggregate;
pub mod breakeven;
pub mod channels;
pub mod compare;
pub mod files;
pub mod fit;
pub mod inputs;
pub mod network_fit;
pub mod optimize;
pub mod plots;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod staging;
pub mod summary;
pub mod sweep;
