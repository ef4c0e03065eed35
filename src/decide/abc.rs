//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), for
//! models whose likelihood cannot be written down but which can be simulated.
//!
//! The population Monte Carlo form of Beaumont, Cornuet, Marin & Robert (2009),
//! the same scheme as Toni et al. (2009) with their weights and kernel:
//!
//! - **Generation 0** draws `particles` parameter vectors θ from the prior (each
//!   coordinate by inverse transform from its own distribution) and simulates
//!   `replicates` data sets at each. Every particle is kept, with equal weight.
//! - **Generation g ≥ 1** has tolerance ε_g, the `quantile` (default 0.5) of the
//!   distances of the previous generation's accepted simulations, each weighted
//!   by its particle's weight shared among the particle's accepted simulations
//!   (the ABC posterior's own distance distribution, so about that share of it
//!   passes the new tolerance). Candidates pick a parent from the previous
//!   generation by weight and move it with a Gaussian kernel whose covariance is
//!   twice the previous generation's weighted covariance (Beaumont et al. 2009;
//!   per-key variances when that covariance is singular). A candidate outside the
//!   prior's support is rejected without a simulation. Each candidate is simulated
//!   `replicates` times; it is accepted when at least one simulation comes within
//!   ε_g of the data, with importance weight
//!   π(θ) · (share of its simulations within ε_g) / Σ_j w_j K(θ | θ_j),
//!   the multi-simulation estimate of the ABC likelihood of Del Moral, Doucet &
//!   Jasra (2012), which reduces the weights' variance without changing their
//!   expectation. A generation is complete at `particles` accepted candidates.
//! - **Stopping**: after `generations` generations; or when a generation would
//!   need more than `particles / min_acceptance` candidates (the acceptance rate
//!   has fallen below `min_acceptance`: the tolerance is at the model's noise
//!   floor), in which case that generation is abandoned and the previous one is
//!   the posterior; or when the tolerance stops falling.
//!
//! **Reproducible for any thread count.** Candidate c of generation g draws its
//! parent and its move from its own stream (the `calibration` stream of
//! replicate c, channel `generation-g`), and the simulator is told (g, c) so it
//! can key the model's own streams by them. Candidates are simulated in parallel
//! in batches whose size depends only on earlier results, and accepted in
//! candidate order, so the same particles come out whatever the thread count.
//! Under MPI (`sim::distribute`) each rank simulates one contiguous block of
//! every batch (generation 0's prior draws included) and every rank gets the
//! whole batch back in candidate order, so every rank takes the same steps and
//! the particles are the same for any number of ranks too.
//!
//! Every simulation gets its own random numbers: the acceptance probability is an
//! expectation over the model's randomness, so sharing one set of random numbers
//! across the candidates of a generation (common random numbers) would make a
//! generation's M draws of noise stand for the whole of it, and bias the
//! posterior towards parameters that happen to fit those draws.

mod proposals;

use crate::decide::special::normal_quantile;
use crate::decide::uncertain::Uncertain;
use crate::error::{Result, WomError};
use crate::rng::{self, Stream, WomRng};
use crate::statistics::weighted_quantile;
use indicatif::ProgressBar;
use proposals::{proposals, Proposal};
use rand::RngCore;
use rayon::prelude::*;
use serde::Serialize;

/// The tuning knobs of [`abc_smc`] (docs/calibration.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbcOptions {
    /// Particles per generation, N.
    pub particles: usize,
    /// Simulations per candidate, M.
    pub replicates: usize,
    /// The next tolerance is this quantile of the current distances (0 to 1).
    pub quantile: f64,
    /// The most generations, generation 0 (the prior) included.
    pub generations: usize,
    /// A generation whose acceptance rate would fall below this is abandoned.
    pub min_acceptance: f64,
    /// The master seed of the candidates' streams.
    pub seed: u64,
}

impl Default for AbcOptions {
    fn default() -> Self {
        AbcOptions {
            particles: 400,
            replicates: 4,
            quantile: 0.5,
            generations: 10,
            min_acceptance: 0.02,
            seed: 1,
        }
    }
}

/// The most particles per generation.
pub const MAX_PARTICLES: usize = 100_000;
/// The most simulations per candidate.
pub const MAX_REPLICATES: usize = 1000;
/// The most generations.
pub const MAX_GENERATIONS: usize = 1000;
/// The most candidates one generation may try (candidate ids fit in 30 bits).
pub const MAX_CANDIDATES: u64 = 1 << 30;

impl AbcOptions {
    /// The most candidates one generation tries before it is abandoned.
    pub fn candidate_cap(&self) -> u64 {
        ((self.particles as f64 / self.min_acceptance).ceil() as u64).min(MAX_CANDIDATES)
    }

    /// Check the knobs; the message names the one that is wrong.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if !(2..=MAX_PARTICLES).contains(&self.particles) {
            return Err(format!(
                "particles is {}; allowed: 2 to {MAX_PARTICLES}",
                self.particles
            ));
        }
        if !(1..=MAX_REPLICATES).contains(&self.replicates) {
            return Err(format!(
                "simulations per particle is {}; allowed: 1 to {MAX_REPLICATES}",
                self.replicates
            ));
        }
        if !(self.quantile > 0.0 && self.quantile < 1.0) {
            return Err(format!(
                "the tolerance quantile is {}; allowed: strictly between 0 and 1",
                self.quantile
            ));
        }
        if !(1..=MAX_GENERATIONS).contains(&self.generations) {
            return Err(format!(
                "generations is {}; allowed: 1 to {MAX_GENERATIONS}",
                self.generations
            ));
        }
        if !(self.min_acceptance > 0.0 && self.min_acceptance < 1.0) {
            return Err(format!(
                "the minimum acceptance rate is {}; allowed: strictly between 0 and 1",
                self.min_acceptance
            ));
        }
        Ok(())
    }
}

/// One accepted particle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Particle {
    /// The parameter values, in prior order.
    pub theta: Vec<f64>,
    /// Normalised importance weight (the weights of a generation sum to 1).
    pub weight: f64,
    /// How many of its simulations came within the tolerance.
    pub within: usize,
    /// The mean distance of those simulations.
    pub distance: f64,
    /// Which candidate of its generation it was.
    pub candidate: u64,
}

/// What one generation did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenerationStats {
    /// 0 for the prior sample.
    pub generation: usize,
    /// The tolerance ε (null, i.e. none, for generation 0).
    pub tolerance: Option<f64>,
    /// Candidates drawn, whole batches (including those outside the prior, which
    /// are not simulated, and those after the generation was full).
    pub candidates: u64,
    /// Simulations run (candidates inside the prior × simulations per candidate,
    /// including candidates simulated in the last batch after the generation was full).
    pub simulations: u64,
    /// Particles accepted (N, or fewer for an abandoned generation).
    pub accepted: usize,
    /// accepted / candidates up to the last one accepted.
    pub acceptance_rate: f64,
    /// Effective sample size of the weights, 1 / Σ w².
    pub ess: f64,
    /// Whether the generation was abandoned (its acceptance rate fell below the minimum).
    pub abandoned: bool,
}

/// Why the sampler stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// It ran every generation it was given.
    Generations,
    /// The next generation's acceptance rate fell below the minimum.
    Acceptance,
    /// The tolerance stopped falling.
    Tolerance,
}

/// The result of [`abc_smc`].
#[derive(Debug, Clone, PartialEq)]
pub struct AbcResult {
    /// The last complete generation: the posterior sample.
    pub particles: Vec<Particle>,
    /// Every generation tried, the abandoned one included.
    pub generations: Vec<GenerationStats>,
    /// Simulations run in all.
    pub simulations: u64,
    /// Why it stopped.
    pub stop: StopReason,
}

impl AbcResult {
    /// The weighted `q` quantile of coordinate `j` of the posterior.
    pub fn quantile(&self, j: usize, q: f64) -> f64 {
        let mut pairs: Vec<(f64, f64)> = self
            .particles
            .iter()
            .map(|p| (p.theta[j], p.weight))
            .collect();
        weighted_quantile(&mut pairs, q)
    }

    /// The tolerance of the posterior's generation (None when it is the prior).
    pub fn tolerance(&self) -> Option<f64> {
        self.generations
            .iter()
            .rev()
            .find(|g| !g.abandoned)
            .and_then(|g| g.tolerance)
    }
}

/// What the simulator is told about a candidate: its generation and its index in
/// it, unique within a fit (for keying the model's random streams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateId {
    /// The generation, 0 for the prior.
    pub generation: usize,
    /// The candidate's index within its generation.
    pub candidate: u64,
}

/// Run ABC-SMC with `priors` (one per parameter) on the current rayon pool.
/// `simulate(θ, id, distances)` simulates `distances.len()` data sets at θ and
/// writes the distance of each from the data; it must be a pure function of its
/// arguments. `progress` gets length `generations × particles` and moves by
/// accepted particles, with the generation and tolerance as its message.
///
/// Cost: about Σ_g (particles / acceptance rate_g) × replicates simulations, plus
/// O(particles² × k²) per generation for the weights.
///
/// # Errors
/// Invalid options (an input error naming the knob), or the simulator's error.
pub fn abc_smc<F>(
    priors: &[Uncertain],
    options: &AbcOptions,
    progress: &ProgressBar,
    simulate: F,
) -> Result<AbcResult>
where
    F: Fn(&[f64], CandidateId, &mut [f64]) -> Result<()> + Sync,
{
    options
        .validate()
        .map_err(|m| WomError::input(crate::error::Diagnostic::new(format!("cannot fit: {m}"))))?;
    let k = priors.len();
    assert!(k > 0, "at least one parameter");
    let n = options.particles;
    let m = options.replicates;
    progress.set_length((options.generations * n) as u64);

    // Generation 0: the prior.
    progress.set_message("generation 0 (prior)");
    let prior_draws = proposals(0..n as u64, k, m, |c| {
        let mut rng = candidate_stream(options.seed, 0, c);
        let theta: Vec<f64> = priors
            .iter()
            .map(|d| d.quantile(open_unit(&mut rng)))
            .collect();
        let mut distances = vec![0.0; m];
        simulate(
            &theta,
            CandidateId {
                generation: 0,
                candidate: c,
            },
            &mut distances,
        )?;
        Ok(Proposal::inside(theta, distances))
    })?;
    let mut current: Vec<(Particle, Vec<f64>)> = Vec::with_capacity(n);
    for (c, draw) in prior_draws.into_iter().enumerate() {
        let Proposal {
            theta, distances, ..
        } = draw;
        let distance = distances.iter().sum::<f64>() / m as f64;
        current.push((
            Particle {
                theta,
                weight: 1.0 / n as f64,
                within: m,
                distance,
                candidate: c as u64,
            },
            distances,
        ));
    }
    progress.inc(n as u64);
    let mut generations = vec![GenerationStats {
        generation: 0,
        tolerance: None,
        candidates: n as u64,
        simulations: (n * m) as u64,
        accepted: n,
        acceptance_rate: 1.0,
        ess: n as f64,
        abandoned: false,
    }];
    let mut simulations = (n * m) as u64;
    let mut previous_tolerance = f64::INFINITY;
    let mut rate_estimate = 1.0_f64;
    let mut stop = StopReason::Generations;

    for g in 1..options.generations {
        let tolerance = next_tolerance(&current, previous_tolerance, options.quantile);
        if tolerance >= previous_tolerance || tolerance.is_nan() {
            stop = StopReason::Tolerance;
            break;
        }
        progress.set_message(format!("generation {g}, tolerance {tolerance:.4}"));
        let kernel = Kernel::new(&current, priors);
        let cumulative = cumulative_weights(&current);
        let cap = options.candidate_cap();
        let mut accepted: Vec<(Particle, Vec<f64>)> = Vec::with_capacity(n);
        let mut next: u64 = 0;
        let mut sims_here = 0u64;
        let mut last_accepted_at = 0u64;
        // Candidates are tried in batches sized from earlier results only.
        while accepted.len() < n && next < cap {
            let wanted = (n - accepted.len()) as f64;
            let rate = (rate_estimate * options.quantile).max(options.min_acceptance);
            let batch = ((wanted / rate).ceil() as u64).max(32).min(cap - next);
            let results = proposals(next..next + batch, k, m, |c| {
                let mut rng = candidate_stream(options.seed, g, c);
                let parent = pick(&cumulative, &mut rng);
                let theta = kernel.perturb(&current[parent].0.theta, &mut rng);
                if !in_support(priors, &theta) {
                    return Ok(Proposal::outside(k, m));
                }
                let mut distances = vec![0.0; m];
                simulate(
                    &theta,
                    CandidateId {
                        generation: g,
                        candidate: c,
                    },
                    &mut distances,
                )?;
                Ok(Proposal::inside(theta, distances))
            })?;
            for (i, r) in results.into_iter().enumerate() {
                let c = next + i as u64;
                let Proposal {
                    inside: true,
                    theta,
                    distances,
                } = r
                else {
                    continue;
                };
                sims_here += m as u64;
                if accepted.len() == n {
                    continue;
                }
                let within: Vec<f64> = distances
                    .iter()
                    .copied()
                    .filter(|&d| d <= tolerance)
                    .collect();
                if within.is_empty() {
                    continue;
                }
                last_accepted_at = c + 1;
                progress.inc(1);
                accepted.push((
                    Particle {
                        distance: within.iter().sum::<f64>() / within.len() as f64,
                        within: within.len(),
                        theta,
                        weight: 0.0,
                        candidate: c,
                    },
                    distances,
                ));
            }
            next += batch;
        }
        simulations += sims_here;
        let complete = accepted.len() == n;
        let tried = if complete { last_accepted_at } else { next };
        let acceptance_rate = accepted.len() as f64 / tried.max(1) as f64;
        // (tried: up to the N-th acceptance; later candidates of the last batch
        // were simulated but not needed.)
        if complete {
            // Importance weights π(θ) · share within / Σ_j w_j K(θ | θ_j), in logs.
            let log_weights: Vec<f64> = accepted
                .par_iter()
                .map(|(p, _)| {
                    let prior: f64 = priors
                        .iter()
                        .zip(&p.theta)
                        .map(|(d, &x)| d.ln_density(x))
                        .sum();
                    prior + (p.within as f64 / m as f64).ln()
                        - kernel.ln_mixture(&p.theta, &current)
                })
                .collect();
            normalise(&mut accepted, &log_weights);
        }
        let ess = if complete {
            1.0 / accepted
                .iter()
                .map(|(p, _)| p.weight * p.weight)
                .sum::<f64>()
        } else {
            0.0
        };
        generations.push(GenerationStats {
            generation: g,
            tolerance: Some(tolerance),
            candidates: next,
            simulations: sims_here,
            accepted: accepted.len(),
            acceptance_rate,
            ess,
            abandoned: !complete,
        });
        if !complete {
            stop = StopReason::Acceptance;
            break;
        }
        current = accepted;
        previous_tolerance = tolerance;
        rate_estimate = acceptance_rate;
        progress.set_position(((g + 1) * n) as u64);
    }
    Ok(AbcResult {
        particles: current.into_iter().map(|(p, _)| p).collect(),
        generations,
        simulations,
        stop,
    })
}

/// Candidate `c` of generation `g`'s own stream.
fn candidate_stream(seed: u64, generation: usize, candidate: u64) -> WomRng {
    rng::channel_stream(
        seed,
        candidate,
        Stream::Calibration,
        &format!("generation-{generation}"),
    )
}

/// A uniform draw strictly inside (0, 1).
fn open_unit(rng: &mut WomRng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The `quantile` of the accepted simulations' distances, each weighted by its
/// particle's weight shared among the particle's accepted simulations.
fn next_tolerance(current: &[(Particle, Vec<f64>)], tolerance: f64, quantile: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for (p, distances) in current {
        let share = p.weight / p.within as f64;
        pairs.extend(
            distances
                .iter()
                .filter(|&&d| d <= tolerance)
                .map(|&d| (d, share)),
        );
    }
    weighted_quantile(&mut pairs, quantile)
}

fn cumulative_weights(current: &[(Particle, Vec<f64>)]) -> Vec<f64> {
    let mut total = 0.0;
    current
        .iter()
        .map(|(p, _)| {
            total += p.weight;
            total
        })
        .collect()
}

/// An index drawn with probability proportional to its weight.
fn pick(cumulative: &[f64], rng: &mut WomRng) -> usize {
    let total = *cumulative.last().expect("particles");
    let u = rng::unit(rng) * total;
    cumulative
        .partition_point(|&c| c <= u)
        .min(cumulative.len() - 1)
}

fn in_support(priors: &[Uncertain], theta: &[f64]) -> bool {
    priors
        .iter()
        .zip(theta)
        .all(|(d, &x)| d.ln_density(x) > f64::NEG_INFINITY)
}

/// Turn log weights into weights that sum to 1.
fn normalise(particles: &mut [(Particle, Vec<f64>)], log_weights: &[f64]) {
    let top = log_weights
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let raw: Vec<f64> = log_weights.iter().map(|&l| (l - top).exp()).collect();
    let total: f64 = raw.iter().sum();
    for ((p, _), w) in particles.iter_mut().zip(raw) {
        p.weight = w / total;
    }
}

/// The Gaussian perturbation kernel with covariance 2Σ: its lower Cholesky
/// factor L (2Σ = L Lᵀ).
struct Kernel {
    k: usize,
    /// Row-major k × k, lower triangular.
    l: Vec<f64>,
}

impl Kernel {
    /// Twice the weighted covariance of `current`; per-key variances when it is
    /// singular, and a small share of the prior's 5–95% range for a key that does
    /// not vary at all.
    fn new(current: &[(Particle, Vec<f64>)], priors: &[Uncertain]) -> Kernel {
        let k = priors.len();
        let mut mean = vec![0.0; k];
        for (p, _) in current {
            for (m, x) in mean.iter_mut().zip(&p.theta) {
                *m += p.weight * x;
            }
        }
        let mut cov = vec![0.0; k * k];
        for (p, _) in current {
            for i in 0..k {
                for j in 0..=i {
                    cov[i * k + j] += p.weight * (p.theta[i] - mean[i]) * (p.theta[j] - mean[j]);
                }
            }
        }
        for i in 0..k {
            let floor = 1e-6 * (priors[i].high() - priors[i].low()).powi(2);
            if cov[i * k + i] < floor {
                cov[i * k + i] = floor;
            }
            for j in 0..=i {
                cov[i * k + j] *= 2.0;
            }
        }
        let l = cholesky(&cov, k).unwrap_or_else(|| {
            let mut diagonal = vec![0.0; k * k];
            for i in 0..k {
                diagonal[i * k + i] = cov[i * k + i].sqrt();
            }
            diagonal
        });
        Kernel { k, l }
    }

    /// `from` moved by L z, z standard normal.
    fn perturb(&self, from: &[f64], rng: &mut WomRng) -> Vec<f64> {
        let z: Vec<f64> = (0..self.k)
            .map(|_| normal_quantile(open_unit(rng)))
            .collect();
        (0..self.k)
            .map(|i| from[i] + (0..=i).map(|j| self.l[i * self.k + j] * z[j]).sum::<f64>())
            .collect()
    }

    /// ln Σ_j w_j exp(−|L⁻¹(θ − θ_j)|² / 2), the kernel mixture the candidates
    /// came from, up to a constant that every particle shares.
    fn ln_mixture(&self, theta: &[f64], current: &[(Particle, Vec<f64>)]) -> f64 {
        let k = self.k;
        let mut y = vec![0.0; k];
        let terms: Vec<f64> = current
            .iter()
            .map(|(p, _)| {
                // Forward substitution: L y = θ − θ_j.
                let mut sq = 0.0;
                for i in 0..k {
                    let mut r = theta[i] - p.theta[i];
                    for (l, y) in self.l[i * k..i * k + i].iter().zip(&y[..i]) {
                        r -= l * y;
                    }
                    y[i] = r / self.l[i * k + i];
                    sq += y[i] * y[i];
                }
                p.weight.ln() - 0.5 * sq
            })
            .collect();
        let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln()
    }
}

/// The lower Cholesky factor of the symmetric k × k matrix whose lower triangle
/// is `a` (row-major), or None when it is not positive definite.
fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= l[i * k + p] * l[j * k + p];
            }
            if i == j {
                if s <= 1e-12 * a[i * k + i].abs() || s.is_nan() {
                    return None;
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A normal model with known variance: y_1..y_n ~ N(μ, 1), summarised by
    /// their mean; the distance is |ȳ_sim − ȳ_obs|. With a uniform prior wide
    /// enough, the exact posterior is N(ȳ_obs, 1/n), which ABC-SMC must approach.
    fn normal_mean_fit(options: &AbcOptions, threads: usize) -> AbcResult {
        let n = 25;
        let observed = 0.8;
        let prior = [Uncertain::Uniform {
            low: -5.0,
            high: 5.0,
        }];
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            abc_smc(&prior, options, &ProgressBar::hidden(), |theta, id, out| {
                for (r, d) in out.iter_mut().enumerate() {
                    let mut rng = rng::stream(
                        99,
                        (id.generation as u64) << 40 | id.candidate << 10 | r as u64,
                        Stream::Dynamics,
                    );
                    let mean = (0..n)
                        .map(|_| theta[0] + normal_quantile(open_unit(&mut rng)))
                        .sum::<f64>()
                        / n as f64;
                    *d = (mean - observed).abs();
                }
                Ok(())
            })
            .unwrap()
        })
    }

    fn options() -> AbcOptions {
        AbcOptions {
            particles: 1000,
            replicates: 3,
            generations: 12,
            min_acceptance: 0.01,
            seed: 5,
            ..AbcOptions::default()
        }
    }

    #[test]
    fn recovers_the_exact_posterior_of_a_normal_mean() {
        let r = normal_mean_fit(&options(), 2);
        // Posterior N(0.8, 0.2²): median 0.8, 95% interval 0.8 ± 0.392. The final
        // tolerance adds a little width (uniform ABC kernel of half-width ε).
        let eps = r.tolerance().unwrap();
        assert!(eps < 0.05, "final tolerance {eps}: {:#?}", r.generations);
        let median = r.quantile(0, 0.5);
        let low = r.quantile(0, 0.025);
        let high = r.quantile(0, 0.975);
        // With ~N effective particles the median's Monte Carlo error is ~0.01.
        assert!((median - 0.8).abs() < 0.04, "median {median}");
        let half = (high - low) / 2.0;
        let exact = 1.96 * 0.2;
        assert!(
            half > 0.9 * exact && half < 1.15 * exact,
            "half-width {half} against {exact} (eps {eps})"
        );
        let weights: f64 = r.particles.iter().map(|p| p.weight).sum();
        assert!((weights - 1.0).abs() < 1e-9);
        assert!(r.generations.len() >= 4);
    }

    #[test]
    fn thread_count_does_not_change_the_particles() {
        let o = AbcOptions {
            particles: 200,
            generations: 5,
            ..options()
        };
        assert_eq!(normal_mean_fit(&o, 1), normal_mean_fit(&o, 3));
    }

    #[test]
    fn cholesky_of_a_known_matrix() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky(&[4.0, 0.0, 2.0, 3.0], 2).unwrap();
        let want = [2.0, 0.0, 1.0, 2f64.sqrt()];
        for (a, b) in l.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{l:?}");
        }
        assert!(cholesky(&[1.0, 0.0, 1.0, 1.0], 2).is_none());
    }

    #[test]
    fn bad_options_are_refused() {
        for o in [
            AbcOptions {
                particles: 1,
                ..AbcOptions::default()
            },
            AbcOptions {
                replicates: 0,
                ..AbcOptions::default()
            },
            AbcOptions {
                quantile: 1.0,
                ..AbcOptions::default()
            },
            AbcOptions {
                min_acceptance: 0.0,
                ..AbcOptions::default()
            },
        ] {
            assert!(o.validate().is_err(), "{o:?}");
        }
        assert!(AbcOptions::default().validate().is_ok());
    }
}
