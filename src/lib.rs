//! wom — word of mouth: does one macro-influencer or many micro-advocates win more
//! customers for the same budget, and how sure is that answer?
//!
//! Data flows one way, and the modules are its stages:
//! [`scenario`] (parse and validate a TOML file) → [`graph`] (build the social graph
//! of consumers) → [`sim`] (seed the campaign and simulate replicates) → [`results`]
//! (aggregate, write files and figures, compare) → [`reproduce`] (published results,
//! simulation beside theory). [`cli`] parses arguments and calls these; the binary in
//! `main.rs` only calls [`cli::main`]. [`error`], [`rng`] and [`statistics`] are the
//! foundations every stage uses.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod decide;
pub mod error;
pub mod graph;
pub mod reproduce;
pub mod results;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod statistics;

pub use error::{Diagnostic, Result, WomError};
