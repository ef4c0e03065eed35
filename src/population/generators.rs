//! Random graph generators (to be written).

/// Degree distribution of the configuration model.
#[derive(Debug, Clone, PartialEq)]
pub enum DegreeDistribution {
    /// (degree, share of nodes).
    Table(Vec<(u32, f64)>),
    /// P(k) ∝ k^-exponent for min <= k <= max.
    PowerLaw { exponent: f64, min: u32, max: u32 },
}
use super::csr::{Cleaning, Csr};
use crate::rng::WomRng;
pub fn erdos_renyi(nodes: u32, _mean_degree: f64, _rng: &mut WomRng) -> Csr {
    Csr::from_edges(nodes, vec![], None, false, false).0
}
pub fn barabasi_albert(nodes: u32, _a: u32, _rng: &mut WomRng) -> Csr {
    Csr::from_edges(nodes, vec![], None, false, false).0
}
pub fn watts_strogatz(nodes: u32, _k: u32, _b: f64, _rng: &mut WomRng) -> Csr {
    Csr::from_edges(nodes, vec![], None, false, false).0
}
pub fn configuration(nodes: u32, _d: &DegreeDistribution, _rng: &mut WomRng) -> (Csr, Cleaning) {
    Csr::from_edges(nodes, vec![], None, false, false)
}
pub fn stochastic_block(blocks: &[u32], _a: f64, _b: f64, _rng: &mut WomRng) -> Csr {
    Csr::from_edges(blocks.iter().sum(), vec![], None, false, false).0
}
