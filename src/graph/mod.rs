//! Populations: the social graph consumers live on.
//!
//! [`build`] turns a validated [`PopulationSpec`] into a [`Population`]: a frozen
//! [`Csr`] graph, or an implicit complete graph that is never materialised. Generated
//! graphs draw only from the `graph` random stream of (seed, replicate), so the same
//! scenario and seed always give the same population, whatever the thread count.
//! [`from_petgraph`] builds a population from a graph held in petgraph, and
//! [`to_petgraph`] hands one to petgraph's algorithms (module [`interop`]).

#[allow(unsafe_code)] // the one module with `unsafe`: each block has a SAFETY comment and a test
pub mod csr;
pub mod edge_list;
pub mod generators;
pub mod interop;
pub mod stats;

pub use csr::{Cleaning, Csr};
pub use interop::{from_petgraph, to_petgraph};

use crate::error::{Diagnostic, Result, WomError};
use crate::rng::{self, Stream};
use crate::scenario::PopulationSpec;
use edge_list::{EdgeListOptions, Labels};
use std::time::Instant;

/// The ties of a population.
#[derive(Debug, Clone)]
pub enum Topology {
    /// An explicit graph.
    Network(Csr),
    /// Everyone is tied to everyone else (well mixed); never stored as n² ties.
    Complete {
        /// Consumers.
        nodes: u32,
    },
}

/// A built population.
#[derive(Debug, Clone)]
pub struct Population {
    /// The ties: an explicit graph or the implicit complete one.
    pub topology: Topology,
    /// Node labels from an edge list (None for generated populations).
    pub labels: Option<Labels>,
    /// Self-loops and duplicate ties dropped while building.
    pub cleaning: Cleaning,
    /// Wall-clock seconds spent building.
    pub build_seconds: f64,
}

impl Population {
    /// Number of consumers.
    pub fn nodes(&self) -> u64 {
        match &self.topology {
            Topology::Network(g) => g.node_count() as u64,
            Topology::Complete { nodes } => u64::from(*nodes),
        }
    }

    /// Number of ties (arcs when directed).
    pub fn ties(&self) -> u64 {
        match &self.topology {
            Topology::Network(g) => g.tie_count(),
            Topology::Complete { nodes } => {
                let n = u64::from(*nodes);
                n * n.saturating_sub(1) / 2
            }
        }
    }

    /// The explicit graph, if there is one.
    pub fn graph(&self) -> Option<&Csr> {
        match &self.topology {
            Topology::Network(g) => Some(g),
            Topology::Complete { .. } => None,
        }
    }
}

/// Build the population of `spec` for `replicate` under master `seed`.
///
/// Checks the memory the population needs before allocating anything and refuses
/// with the estimate when it would not fit. Time and memory are O(n + m).
pub fn build(spec: &PopulationSpec, seed: u64, replicate: u64) -> Result<Population> {
    check_memory(spec, available_memory())?;
    probe_memory(spec, estimate_bytes(spec))?;
    let start = Instant::now();
    let mut rng = rng::stream(seed, replicate, Stream::Graph);
    let mut cleaning = Cleaning::default();
    let mut labels = None;
    let topology = match spec {
        PopulationSpec::ErdosRenyi { nodes, mean_degree } => {
            Topology::Network(generators::erdos_renyi(*nodes, *mean_degree, &mut rng))
        }
        PopulationSpec::BarabasiAlbert { nodes, attach } => {
            Topology::Network(generators::barabasi_albert(*nodes, *attach, &mut rng))
        }
        PopulationSpec::WattsStrogatz {
            nodes,
            neighbors,
            rewire,
        } => Topology::Network(generators::watts_strogatz(
            *nodes, *neighbors, *rewire, &mut rng,
        )),
        PopulationSpec::Configuration { nodes, degrees } => {
            let (g, c) = generators::configuration(*nodes, degrees, &mut rng);
            cleaning = c;
            Topology::Network(g)
        }
        PopulationSpec::StochasticBlock {
            blocks,
            p_in,
            p_out,
        } => Topology::Network(generators::stochastic_block(
            blocks, *p_in, *p_out, &mut rng,
        )),
        PopulationSpec::Complete { nodes } => Topology::Complete { nodes: *nodes },
        PopulationSpec::EdgeList {
            path,
            directed,
            weighted,
        } => {
            let list = edge_list::read_edge_list(
                path,
                EdgeListOptions {
                    directed: *directed,
                    weighted: *weighted,
                },
            )?;
            cleaning = list.cleaning;
            labels = Some(list.labels);
            Topology::Network(list.csr)
        }
    };
    Ok(Population {
        topology,
        labels,
        cleaning,
        build_seconds: start.elapsed().as_secs_f64(),
    })
}

/// Peak bytes needed to build the population of `spec`, estimated from its
/// parameters (for an edge list, from the file's size).
///
/// The figures follow the builders: an edge list of 8 bytes per tie, 4 bytes per arc
/// (8 with weights), and 24 bytes per node of offsets and counters while freezing;
/// generators that need more scratch say so below.
pub fn estimate_bytes(spec: &PopulationSpec) -> u64 {
    let freeze = |nodes: f64, ties: f64, scratch_per_tie: f64| -> u64 {
        (24.0 * nodes + (8.0 + 8.0 + scratch_per_tie) * ties) as u64
    };
    match spec {
        PopulationSpec::ErdosRenyi { nodes, mean_degree } => freeze(
            f64::from(*nodes),
            f64::from(*nodes) * mean_degree / 2.0,
            0.0,
        ),
        PopulationSpec::BarabasiAlbert { nodes, attach } => freeze(
            f64::from(*nodes),
            f64::from(*nodes) * f64::from(*attach),
            0.0,
        ),
        PopulationSpec::WattsStrogatz {
            nodes, neighbors, ..
        } => {
            // Rewiring keeps a per-node adjacency list to avoid duplicate ties.
            let ties = f64::from(*nodes) * f64::from(*neighbors) / 2.0;
            freeze(f64::from(*nodes), ties, 8.0) + 24 * u64::from(*nodes)
        }
        PopulationSpec::Configuration { nodes, degrees } => {
            let mean = match degrees {
                crate::scenario::DegreeDistribution::Table(rows) => {
                    rows.iter().map(|&(k, s)| f64::from(k) * s).sum::<f64>()
                }
                crate::scenario::DegreeDistribution::PowerLaw { exponent, min, max } => {
                    power_law_mean(*exponent, *min, *max)
                }
            };
            // The sampler's table of cumulative weights (power law, 8 bytes a degree).
            let table = match degrees {
                crate::scenario::DegreeDistribution::PowerLaw { min, max, .. } => {
                    8 * (u64::from(*max) - u64::from(*min) + 1)
                }
                crate::scenario::DegreeDistribution::Table(_) => 0,
            };
            // Stubs (8 bytes per tie) and a hash set of ties (~16) for the repair.
            freeze(f64::from(*nodes), f64::from(*nodes) * mean / 2.0, 24.0) + table
        }
        PopulationSpec::StochasticBlock {
            blocks,
            p_in,
            p_out,
        } => {
            let n: f64 = blocks.iter().map(|&b| f64::from(b)).sum();
            let within: f64 = blocks
                .iter()
                .map(|&b| f64::from(b) * (f64::from(b) - 1.0) / 2.0)
                .sum();
            let between = n * (n - 1.0) / 2.0 - within;
            freeze(n, within * p_in + between * p_out, 0.0)
        }
        // Per-consumer simulation state only; the ties are implicit.
        PopulationSpec::Complete { nodes } => 16 * u64::from(*nodes),
        PopulationSpec::EdgeList { path, .. } => {
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let compressed = path.extension().is_some_and(|e| e == "gz");
            // Text: at least ~4 bytes per line ("1 2\n"); assume a typical 12, and a
            // typical 4:1 gzip ratio. Labels and their map cost ~24 bytes per node,
            // bounded by two nodes per line.
            let text_bytes = if compressed { bytes * 4 } else { bytes };
            let lines = text_bytes as f64 / 12.0;
            freeze(0.0, lines, 48.0)
        }
    }
}

/// The mean degree of P(k) ∝ k^-exponent on min..=max: summed exactly over the
/// first million degrees, the rest by the integral (a sum of max − min + 1 terms
/// would take as long as the sampler's table). `max` when it cannot be computed.
pub fn power_law_mean(exponent: f64, min: u32, max: u32) -> f64 {
    const EXACT: u32 = 1_000_000;
    let (mut weight, mut moment) = (0.0f64, 0.0f64);
    let exact_end = max.min(min.saturating_add(EXACT));
    for k in min..=exact_end {
        let w = f64::from(k).powf(-exponent);
        weight += w;
        moment += f64::from(k) * w;
    }
    if exact_end < max {
        // ∫ x^-s dx from lo to hi.
        let integral = |s: f64, lo: f64, hi: f64| {
            if (s - 1.0).abs() < 1e-12 {
                (hi / lo).ln()
            } else {
                (hi.powf(1.0 - s) - lo.powf(1.0 - s)) / (1.0 - s)
            }
        };
        let (lo, hi) = (f64::from(exact_end) + 0.5, f64::from(max) + 0.5);
        weight += integral(exponent, lo, hi);
        moment += integral(exponent - 1.0, lo, hi);
    }
    let mean = moment / weight;
    if mean.is_finite() && mean > 0.0 {
        mean.clamp(f64::from(min), f64::from(max))
    } else {
        f64::from(max)
    }
}

/// Bytes one simulation thread keeps per consumer (`sim::engine::Scratch`): the
/// state (2 bytes) and the seeding marks and permutation (16); threshold and bass
/// add their counters ([`SCRATCH_EXTRA_PER_NODE`]).
pub const SCRATCH_PER_NODE: u64 = 18;

/// Per consumer and thread, the counters of the threshold and bass rules.
pub const SCRATCH_EXTRA_PER_NODE: u64 = 16;

/// Peak bytes to build the population of `spec` and simulate it on `threads`
/// threads, each with its own scratch ([`SCRATCH_PER_NODE`], plus
/// [`SCRATCH_EXTRA_PER_NODE`] when `counters`).
pub fn estimate_run_bytes(spec: &PopulationSpec, threads: usize, counters: bool) -> u64 {
    let per_node = SCRATCH_PER_NODE + if counters { SCRATCH_EXTRA_PER_NODE } else { 0 };
    let nodes = match spec {
        PopulationSpec::EdgeList { .. } => 0, // unknown before reading; in the file estimate
        other => other.nodes().unwrap_or(0),
    };
    estimate_bytes(spec).saturating_add(per_node * nodes * threads.max(1) as u64)
}

/// Bytes of memory available to this process: the smallest of MemAvailable
/// (/proc/meminfo), the room left under RLIMIT_AS (the limit minus the address
/// space in use), and the room left in the cgroup v2 (memory.max − memory.current).
/// None when none of them is known.
pub fn available_memory() -> Option<u64> {
    [meminfo_available(), rlimit_room(), cgroup_room()]
        .into_iter()
        .flatten()
        .min()
}

/// A `Key: N kB` line of a /proc file, in bytes.
fn proc_kib(file: &str, key: &str) -> Option<u64> {
    let info = std::fs::read_to_string(file).ok()?;
    let line = info.lines().find(|l| l.starts_with(key))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn meminfo_available() -> Option<u64> {
    proc_kib("/proc/meminfo", "MemAvailable:")
}

fn rlimit_room() -> Option<u64> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::As).current?;
    let used = proc_kib("/proc/self/status", "VmSize:").unwrap_or(0);
    Some(limit.saturating_sub(used))
}

fn cgroup_room() -> Option<u64> {
    // "0::/path" on cgroup v2; the files are under /sys/fs/cgroup/path.
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
    let dir = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let read = |name: &str| -> Option<u64> {
        std::fs::read_to_string(dir.join(name))
            .or_else(|_| std::fs::read_to_string(std::path::Path::new("/sys/fs/cgroup").join(name)))
            .ok()?
            .trim()
            .parse()
            .ok() // "max": no limit
    };
    let max = read("memory.max")?;
    Some(max.saturating_sub(read("memory.current").unwrap_or(0)))
}

/// Refuse, before allocating, a population that would not fit in `available` bytes.
pub fn check_memory(spec: &PopulationSpec, available: Option<u64>) -> Result<()> {
    check_bytes(spec, estimate_bytes(spec), available, "to build")
}

/// Refuse a population whose build and simulation ([`estimate_run_bytes`]) would
/// not fit in `available` bytes.
pub fn check_run_memory(
    spec: &PopulationSpec,
    threads: usize,
    counters: bool,
    available: Option<u64>,
) -> Result<()> {
    let needed = estimate_run_bytes(spec, threads, counters);
    let what = format!("to build and simulate on {threads} threads");
    check_bytes(spec, needed, available, &what)
}

fn check_bytes(
    spec: &PopulationSpec,
    needed: u64,
    available: Option<u64>,
    what: &str,
) -> Result<()> {
    let Some(available) = available else {
        return Ok(());
    };
    if needed > available {
        return Err(WomError::input(
            Diagnostic::new(format!(
                "this {} population needs about {} of memory {what}, but only {} is available",
                spec.generator_name(),
                human_bytes(needed),
                human_bytes(available)
            ))
            .field("population")
            .help(
                "use fewer nodes or fewer ties per node (see docs/scenarios.md for the estimate)",
            ),
        ));
    }
    Ok(())
}

/// Reserve (and free at once) `needed` bytes of address space, without touching
/// them: a limit the guard cannot read (a strict overcommit policy, a limit set
/// after start-up) then refuses the population with its estimate (exit 2), where
/// the builders' allocations would abort the process.
pub fn probe_memory(spec: &PopulationSpec, needed: u64) -> Result<()> {
    let mut probe: Vec<u8> = Vec::new();
    let Ok(bytes) = usize::try_from(needed) else {
        return check_bytes(spec, needed, Some(0), "to build");
    };
    if probe.try_reserve_exact(bytes).is_err() {
        return Err(WomError::input(
            Diagnostic::new(format!(
                "this {} population needs about {} of memory to build, and reserving it failed",
                spec.generator_name(),
                human_bytes(needed),
            ))
            .field("population")
            .help(
                "use fewer nodes or fewer ties per node, or raise the memory limit (ulimit -v, cgroup memory.max)",
            ),
        ));
    }
    Ok(())
}

/// 1234567 → "1.2 MB".
pub fn human_bytes(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_guard_refuses_with_the_estimate() {
        let spec = PopulationSpec::ErdosRenyi {
            nodes: 4_000_000_000,
            mean_degree: 1000.0,
        };
        let err = check_memory(&spec, Some(24_000_000_000)).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.exit_code(), 2);
        assert!(text.contains("needs about 32.1 TB"), "{text}");
        assert!(text.contains("24.0 GB"), "{text}");
        let small = PopulationSpec::BarabasiAlbert {
            nodes: 10_000_000,
            attach: 5,
        };
        // 10M nodes, 50M ties: 24*1e7 + 16*5e7 = 1.04 GB.
        assert_eq!(estimate_bytes(&small), 1_040_000_000);
        assert!(check_memory(&small, Some(24_000_000_000)).is_ok());
    }

    #[test]
    fn a_failed_reservation_refuses_with_the_estimate() {
        let spec = PopulationSpec::Complete { nodes: 10 };
        assert!(probe_memory(&spec, 1 << 20).is_ok());
        let err = probe_memory(&spec, u64::MAX / 2).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("reserving it failed"), "{err}");
    }

    #[test]
    fn human_bytes_rounds_to_one_decimal() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_250_000), "1.2 MB");
        assert_eq!(human_bytes(3_000_000_000), "3.0 GB");
    }
}
