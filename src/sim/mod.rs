//! Simulation: the campaign's seeds ([`campaign`]), one replicate's state and step
//! loop ([`engine`], with the adoption rules in `rules`), and many replicates in
//! parallel ([`runner`]), split across the processes of an MPI job
//! ([`distribute`]). Nothing here writes files.

pub mod campaign;
pub mod distribute;
pub mod engine;
mod rules;
pub mod runner;
