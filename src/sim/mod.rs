//! Simulation: the campaign's seeds ([`campaign`]), one replicate's state and step
//! loop ([`engine`], with the adoption rules in `rules`), and many replicates in
//! parallel ([`runner`]). Nothing here writes files.

pub mod advocates;
pub mod campaign;
pub mod influence;
pub mod engine;
mod rules;
pub mod runner;
