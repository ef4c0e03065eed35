//! `[population]` resolved: which generator builds the social graph, with what
//! parameters, or which edge list is read.

use serde::Serialize;
use std::path::PathBuf;

/// Degree distribution of the configuration model.
#[derive(Debug, Clone, PartialEq)]
pub enum DegreeDistribution {
    /// (degree, share of nodes); shares sum to 1 (validated by the caller). Exact
    /// counts by largest-remainder rounding of share · n (ties to the earlier
    /// entry), assigned to nodes in random order.
    Table(Vec<(u32, f64)>),
    /// P(k) ∝ k^-exponent for min <= k <= max (discrete; inverse-CDF sampling per
    /// node, by binary search in a table of max − min + 1 cumulative weights).
    PowerLaw {
        /// The exponent of the power law (any finite value).
        exponent: f64,
        /// Smallest degree, at least 1.
        min: u32,
        /// Largest degree, at least `min`.
        max: u32,
    },
}

/// How to build the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "generator", rename_all = "snake_case")]
pub enum PopulationSpec {
    /// G(n, p) with p = mean_degree / (nodes − 1).
    ErdosRenyi {
        /// Consumers, at least 1.
        nodes: u32,
        /// Expected degree, 0 to nodes − 1.
        mean_degree: f64,
    },
    /// Preferential attachment from a clique of `attach + 1` nodes.
    BarabasiAlbert {
        /// Consumers, at least 2.
        nodes: u32,
        /// Ties each new node makes, 1 to nodes − 1 (so every degree is at least this).
        attach: u32,
    },
    /// A ring lattice with rewired ties.
    WattsStrogatz {
        /// Consumers, at least 3.
        nodes: u32,
        /// Lattice degree: even, 2 to nodes − 1 (half on each side).
        neighbors: u32,
        /// Probability that a lattice tie is rewired, 0 to 1.
        rewire: f64,
    },
    /// Random stub pairing for a given degree distribution.
    Configuration {
        /// Consumers, at least 2.
        nodes: u32,
        /// The degree distribution the stubs follow.
        #[serde(serialize_with = "serialize_degrees")]
        degrees: DegreeDistribution,
    },
    /// Blocks of consumers, tied with one probability inside a block and another
    /// across blocks; node ids are assigned block by block.
    StochasticBlock {
        /// Size of each block, each at least 1.
        blocks: Vec<u32>,
        /// Tie probability inside a block.
        p_in: f64,
        /// Tie probability between blocks.
        p_out: f64,
    },
    /// Everyone tied to everyone (well mixed); the ties are implicit, never stored.
    Complete {
        /// Consumers, at least 1.
        nodes: u32,
    },
    /// Ties read from a text file (optionally gzip), one `u v [w]` per line.
    EdgeList {
        /// The file, resolved against the scenario file's folder.
        path: PathBuf,
        /// `u v` means v hears u, but not the reverse.
        directed: bool,
        /// A third column holds each tie's weight, in (0, 1].
        weighted: bool,
    },
}

fn serialize_degrees<S: serde::Serializer>(
    degrees: &DegreeDistribution,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match degrees {
        DegreeDistribution::Table(rows) => {
            let mut map = serializer.serialize_map(Some(rows.len()))?;
            for (degree, share) in rows {
                map.serialize_entry(&degree.to_string(), share)?;
            }
            map.end()
        }
        DegreeDistribution::PowerLaw { exponent, min, max } => {
            let mut map = serializer.serialize_map(Some(1))?;
            #[derive(Serialize)]
            struct PowerLaw {
                exponent: f64,
                min: u32,
                max: u32,
            }
            map.serialize_entry(
                "power_law",
                &PowerLaw {
                    exponent: *exponent,
                    min: *min,
                    max: *max,
                },
            )?;
            map.end()
        }
    }
}

impl PopulationSpec {
    /// The generator's name as written in scenario files.
    pub fn generator_name(&self) -> &'static str {
        match self {
            PopulationSpec::ErdosRenyi { .. } => "erdos_renyi",
            PopulationSpec::BarabasiAlbert { .. } => "barabasi_albert",
            PopulationSpec::WattsStrogatz { .. } => "watts_strogatz",
            PopulationSpec::Configuration { .. } => "configuration",
            PopulationSpec::StochasticBlock { .. } => "stochastic_block",
            PopulationSpec::Complete { .. } => "complete",
            PopulationSpec::EdgeList { .. } => "edge_list",
        }
    }

    /// The number of consumers, when known without reading a file.
    pub fn nodes(&self) -> Option<u64> {
        match self {
            PopulationSpec::ErdosRenyi { nodes, .. }
            | PopulationSpec::BarabasiAlbert { nodes, .. }
            | PopulationSpec::WattsStrogatz { nodes, .. }
            | PopulationSpec::Configuration { nodes, .. }
            | PopulationSpec::Complete { nodes } => Some(u64::from(*nodes)),
            PopulationSpec::StochasticBlock { blocks, .. } => {
                Some(blocks.iter().map(|&b| u64::from(b)).sum())
            }
            PopulationSpec::EdgeList { .. } => None,
        }
    }
}
