//! Simulation: the campaign's seeds ([`campaign`], the advocate programmes in
//! [`advocates`], and `choose = "influence"` by reverse-influence sampling in
//! [`influence`]), one replicate's state and step loop ([`engine`], with the
//! adoption rules in `rules`), and many replicates in parallel ([`runner`]), split
//! across the processes of an MPI job ([`distribute`]). Nothing here writes files.

pub mod advocates;
pub mod campaign;
pub mod distribute;
pub mod engine;
pub mod influence;
mod rules;
pub mod runner;
