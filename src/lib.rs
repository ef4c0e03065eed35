//! wom — word of mouth: does one macro-influencer or many micro-advocates win more
//! customers for the same budget, and how sure is that answer?
//!
//! Data flows one way: [`scenario`] (parse and validate a TOML file) →
//! [`population`] (build the social graph) → … → files. The binary in `main.rs` only
//! calls [`cli::run`].

pub mod campaign;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod error;
pub mod outputs;
pub mod plots;
pub mod population;
pub mod rng;
mod rules;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod theory;
pub mod validation;

pub use error::{Diagnostic, Result, WomError};
