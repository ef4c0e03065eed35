//! Populations: the social graph consumers live on.

pub mod csr;
pub mod edge_list;
pub mod generators;

pub use csr::{Cleaning, Csr};
