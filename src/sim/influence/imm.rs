//! The IMM algorithm (Tang, Shi & Xiao 2015, Algorithms 1–3) and the RR estimate
//! of expected conversions.

use super::rr::RrSets;
use super::select::{covered_by, greedy, greedy_swapped, SWAP_PASSES};
use super::{InArcs, Model};

/// The seeds IMM chose and what it knows about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The seeds, in order of choice (greedy order: the first is the best single
    /// seed on the sampled RR sets), where the swap search after the greedy put a
    /// better node in a seed's place.
    pub seeds: Vec<u32>,
    /// The RR sets θ the final selection used (kept for choices within other
    /// pools of the same size, see `pool = "customers"`).
    pub sets: RrSets,
    /// n · F_R(S) − |S| on those same sets: expected conversions, slightly
    /// optimistic because the sets also chose S (use [`estimate_conversions`] with
    /// another key for an unbiased figure).
    pub estimated_conversions: f64,
}

/// ln C(n, k), exactly summed in O(k).
fn ln_binomial(n: usize, k: usize) -> f64 {
    let k = k.min(n - k.min(n));
    (0..k).map(|i| ((n - i) as f64 / (i + 1) as f64).ln()).sum()
}

/// The constants of IMM for n consumers, `pool` choosable nodes, k seeds, ε and
/// ℓ = 1 (adjusted to ℓ' = ℓ(1 + ln 2 / ln n) so that both phases together fail
/// with probability at most 1/n).
struct Bounds {
    /// λ' of Eq. (9) with ε' = √2 ε.
    lambda_prime: f64,
    /// λ* of Eq. (6).
    lambda_star: f64,
    /// ε' = √2 ε.
    eps_prime: f64,
}

impl Bounds {
    fn new(n: usize, pool: usize, k: usize, epsilon: f64) -> Bounds {
        let nf = n as f64;
        let ln_n = nf.ln().max(f64::MIN_POSITIVE);
        let ell = if n > 1 {
            1.0 + std::f64::consts::LN_2 / ln_n
        } else {
            1.0
        };
        let ln_c = ln_binomial(pool, k);
        let eps_prime = std::f64::consts::SQRT_2 * epsilon;
        let ln_log2_n = nf.log2().max(1.0).ln();
        let lambda_prime = (2.0 + 2.0 / 3.0 * eps_prime) * (ln_c + ell * ln_n + ln_log2_n) * nf
            / (eps_prime * eps_prime);
        let e1 = 1.0 - (-1.0f64).exp();
        let alpha = (ell * ln_n + std::f64::consts::LN_2).sqrt();
        let beta = (e1 * (ln_c + ell * ln_n + std::f64::consts::LN_2)).sqrt();
        let lambda_star = 2.0 * nf * (e1 * alpha + beta).powi(2) / (epsilon * epsilon);
        Bounds {
            lambda_prime,
            lambda_star,
            eps_prime,
        }
    }
}

/// Choose `k` seeds that maximise expected conversions under `model`, given the
/// `in_arcs` of the population (the arcs of v are the consumers v hears), by IMM:
/// with probability at least 1 − 1/n the expected number *reached* (conversions
/// plus the k seeds) is at least (1 − 1/e − ε) times the best achievable with k
/// seeds from the pool. RR set i is drawn from [`crate::rng::item_stream`]`(key, i)`.
///
/// - `k` seeds (fewer if the pool is smaller); `epsilon` in (0, 1);
/// - `candidates`: who may be chosen (all consumers when `None`; repeats and
///   out-of-range ids are ignored). RR roots stay uniform over all n consumers,
///   and the union bound counts C(|pool|, k) seed sets.
///
/// Complexity (Tang et al., Theorem 3): expected O((k + ℓ)(n + m) log n / ε²)
/// time, the RR-set sampling split over rayon's threads; memory O(Σ|R|), about 12
/// bytes per RR set member (the sets plus the greedy's inverted index).
///
/// Caveats: the guarantee is on *reached* consumers; on conversions it reads
/// conv(S) ≥ (1 − 1/e − ε)·OPT_conv − (1/e + ε)·k. It holds for the model in the
/// module docs when [`Model::coverage_is_exact`]; otherwise the RR sets
/// overcount paths through other seeds, and the objective is neither monotone nor
/// submodular, so the choice is a heuristic. The final phase reuses the sets of the
/// search for a lower bound, as in the paper's Algorithm 2 (Chen 2018 notes that
/// this reuse needs a further correction for the proof to go through).
///
/// # Panics
/// If `epsilon` is not in (0, 1), the graph has no node, or 2^32 or more RR sets
/// are needed.
pub fn imm(
    in_arcs: &InArcs<'_>,
    model: &Model,
    k: usize,
    epsilon: f64,
    key: u64,
    candidates: Option<&[u32]>,
    memory: Option<u64>,
) -> Result<Choice, TooLarge> {
    assert!(epsilon > 0.0 && epsilon < 1.0, "epsilon must be in (0, 1)");
    let n = in_arcs.node_count();
    assert!(n > 0, "the graph has no consumer");
    let allowed: Option<Vec<bool>> = candidates.map(|c| {
        let mut a = vec![false; n];
        c.iter()
            .filter(|&&u| (u as usize) < n)
            .for_each(|&u| a[u as usize] = true);
        a
    });
    let pool = allowed
        .as_ref()
        .map_or(n, |a| a.iter().filter(|&&b| b).count());
    let k = k.min(pool);
    if k == 0 {
        return Ok(Choice {
            seeds: Vec::new(),
            sets: RrSets::default(),
            estimated_conversions: 0.0,
        });
    }
    let allowed = allowed.as_deref();
    let b = Bounds::new(n, pool, k, epsilon);
    let nf = n as f64;
    // Sampling (Algorithm 2): halve the guess x of OPT until the sets confirm it.
    let mut sets = RrSets::default();
    let mut lower = 1.0;
    let mut i = 1;
    while (i as f64) <= nf.log2() - 1.0 {
        let x = nf / 2f64.powi(i);
        let theta = (b.lambda_prime / x).ceil() as usize;
        fits(&sets, theta, memory)?;
        sets.extend(*in_arcs, model, key, theta);
        let cover = greedy(&sets, n, k, allowed);
        let reached = nf * cover.covered as f64 / sets.len() as f64;
        if reached >= (1.0 + b.eps_prime) * x {
            lower = reached / (1.0 + b.eps_prime);
            break;
        }
        i += 1;
    }
    let theta = (b.lambda_star / lower).ceil() as usize;
    fits(&sets, theta, memory)?;
    sets.extend(*in_arcs, model, key, theta);
    // NodeSelection (Algorithm 3), then the swap search, which only adds coverage.
    let cover = greedy_swapped(&sets, n, k, allowed, SWAP_PASSES);
    let reached = nf * cover.covered as f64 / sets.len() as f64;
    Ok(Choice {
        estimated_conversions: reached - cover.seeds.len() as f64,
        seeds: cover.seeds,
        sets,
    })
}

/// IMM would need more memory than there is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooLarge {
    /// RR sets it would sample.
    pub sets: usize,
    /// Their mean size so far.
    pub mean_size: f64,
    /// Bytes the sets and the greedy's index would take.
    pub bytes: u64,
    /// Bytes available.
    pub available: u64,
}

/// Whether growing `sets` to `theta` sets fits in `memory` bytes: 8 bytes per
/// set and 4 per member for the sets, as much again for the greedy's inverted
/// index and counts, at the mean size of the sets so far (the first batch, with
/// no sets yet, always goes ahead: it is the smallest).
fn fits(sets: &RrSets, theta: usize, memory: Option<u64>) -> Result<(), TooLarge> {
    let (Some(available), false) = (memory, sets.is_empty()) else {
        return Ok(());
    };
    let mean_size = sets.nodes.len() as f64 / sets.len() as f64;
    let bytes = 2.0 * theta as f64 * (8.0 + 4.0 * mean_size);
    if bytes > available as f64 {
        return Err(TooLarge {
            sets: theta,
            mean_size,
            bytes: bytes as u64,
            available,
        });
    }
    Ok(())
}

/// Expected conversions of the seed set `seeds` (duplicates count once),
/// n · F_R(S) − |S| over `rr_count` RR sets drawn from the family `key` (use
/// another key than the choice's for an unbiased figure): unbiased when
/// [`Model::coverage_is_exact`], an upper bound otherwise. Its standard error is
/// n · √(F(1 − F) / rr_count). Time: the cost of the sets (parallel) plus
/// O(n + Σ|R|); memory O(n + Σ|R|).
///
/// # Panics
/// If a seed is not a node, or `rr_count` is 0 while the graph has nodes.
pub fn estimate_conversions(
    in_arcs: &InArcs<'_>,
    model: &Model,
    seeds: &[u32],
    rr_count: usize,
    key: u64,
) -> f64 {
    let n = in_arcs.node_count();
    if n == 0 {
        return 0.0;
    }
    assert!(rr_count > 0, "need at least one RR set");
    assert!(
        seeds.iter().all(|&s| (s as usize) < n),
        "a seed is not a node"
    );
    let mut distinct = seeds.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut sets = RrSets::default();
    sets.extend(*in_arcs, model, key, rr_count);
    let covered = covered_by(&sets, n, &distinct);
    n as f64 * covered as f64 / rr_count as f64 - distinct.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials_and_bounds() {
        assert!((ln_binomial(10, 3) - 120f64.ln()).abs() < 1e-12);
        assert_eq!(ln_binomial(5, 0), 0.0);
        assert!((ln_binomial(5, 5)).abs() < 1e-12);
        // n = 10^6, k = 100, eps = 0.1: lambda* ~ 1.56e11 (hand computation).
        let b = Bounds::new(1_000_000, 1_000_000, 100, 0.1);
        assert!(
            (1.4e11..1.7e11).contains(&b.lambda_star),
            "{}",
            b.lambda_star
        );
        assert!(b.lambda_prime > 0.0);
    }

    #[test]
    fn sets_that_would_not_fit_are_refused_before_sampling() {
        let mut sets = RrSets::default();
        assert_eq!(
            fits(&sets, 1 << 40, Some(1)),
            Ok(()),
            "the first batch goes"
        );
        sets.nodes.extend_from_slice(&[1, 2, 3, 4]);
        sets.offsets.extend_from_slice(&[2, 4]);
        // Mean size 2: 2 × 1000 × (8 + 8) = 32,000 bytes.
        assert_eq!(fits(&sets, 1000, Some(32_000)), Ok(()));
        let e = fits(&sets, 1000, Some(31_999)).unwrap_err();
        assert_eq!((e.sets, e.bytes, e.mean_size), (1000, 32_000, 2.0));
        assert_eq!(fits(&sets, 1 << 40, None), Ok(()));
    }
}
