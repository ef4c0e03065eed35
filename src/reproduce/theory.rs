//! Published results the simulator is checked against.
//!
//! Each function states the model, the formula and its source. Fixed points are
//! found by plain iteration from the side that converges to the root the theory
//! means (documented per function).

/// A degree distribution as (degree, probability) pairs.
pub type Degrees = [(u32, f64)];

fn iterate(mut x: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..100_000 {
        let next = f(x);
        if (next - x).abs() < 1e-15 {
            return next;
        }
        x = next;
    }
    x
}

/// Poisson degree distribution with mean `c`, truncated where the tail is < 1e-16.
pub fn poisson(c: f64) -> Vec<(u32, f64)> {
    let mut out = Vec::new();
    let mut p = (-c).exp();
    let mut k = 0u32;
    loop {
        out.push((k, p));
        k += 1;
        p *= c / f64::from(k);
        if f64::from(k) > c && p < 1e-16 {
            break;
        }
    }
    out
}

/// ⟨k⟩ of a degree distribution.
pub fn mean_degree(d: &Degrees) -> f64 {
    d.iter().map(|&(k, p)| f64::from(k) * p).sum()
}

/// G0(x) = Σ p_k x^k, the degree generating function.
pub fn g0(d: &Degrees, x: f64) -> f64 {
    d.iter().map(|&(k, p)| p * x.powi(k as i32)).sum()
}

/// G1(x) = Σ k p_k x^(k−1) / ⟨k⟩, the excess-degree generating function.
pub fn g1(d: &Degrees, x: f64) -> f64 {
    let z = mean_degree(d);
    d.iter()
        .filter(|&&(k, _)| k > 0)
        .map(|&(k, p)| f64::from(k) * p * x.powi(k as i32 - 1))
        .sum::<f64>()
        / z
}

/// Bond-percolation threshold T_c = ⟨k⟩ / (⟨k²⟩ − ⟨k⟩) of a configuration model
/// (Newman 2002; Callaway et al. 2000).
pub fn percolation_threshold(d: &Degrees) -> f64 {
    let k1 = mean_degree(d);
    let k2: f64 = d
        .iter()
        .map(|&(k, p)| f64::from(k) * f64::from(k) * p)
        .sum();
    k1 / (k2 - k1)
}

/// u: the probability that a tie does not lead to the giant outbreak, the smallest
/// root of u = 1 − T + T G1(u) (Newman 2002), found by iterating up from 0.
pub fn percolation_u(d: &Degrees, t: f64) -> f64 {
    iterate(0.0, |u| 1.0 - t + t * g1(d, u))
}

/// Large-outbreak share S = 1 − G0(u) of bond percolation with transmissibility T
/// on a configuration model; also the probability that a random seed starts one.
pub fn percolation_size(d: &Degrees, t: f64) -> f64 {
    1.0 - g0(d, percolation_u(d, t))
}

/// Probability that a seed of degree k starts a large outbreak: 1 − u^k.
pub fn outbreak_probability_from_degree(d: &Degrees, t: f64, k: u32) -> f64 {
    1.0 - percolation_u(d, t).powi(k as i32)
}

/// Erdős–Rényi (Poisson degrees, mean c): S = 1 − exp(−c T S), the large root
/// (iterated down from 1).
pub fn er_outbreak_size(c: f64, t: f64) -> f64 {
    let s = iterate(1.0, |s| 1.0 - (-c * t * s).exp());
    if s < 1e-9 {
        0.0
    } else {
        s
    }
}

/// Erdős–Rényi with a seeded share ρ: S = 1 − (1 − ρ) exp(−c T S).
pub fn er_outbreak_size_seeded(c: f64, t: f64, rho: f64) -> f64 {
    iterate(1.0, |s| 1.0 - (1.0 - rho) * (-c * t * s).exp())
}

/// Erdős–Rényi below threshold (cT < 1): mean outbreak size from one seed,
/// 1 / (1 − c T) (the seed included).
pub fn er_subcritical_mean(c: f64, t: f64) -> f64 {
    1.0 / (1.0 - c * t)
}

/// Heterogeneous susceptibility on Erdős–Rényi (Miller 2007): consumers' chance to
/// be converted by a recommendation is τ, drawn from `susceptibility` as
/// (τ, probability) pairs; S = 1 − E_τ[exp(−c τ S)]. The chance that one seed
/// starts a large outbreak is that of the homogeneous model with T = E\[τ\].
pub fn er_heterogeneous_size(c: f64, susceptibility: &[(f64, f64)]) -> f64 {
    iterate(1.0, |s| {
        1.0 - susceptibility
            .iter()
            .map(|&(tau, p)| p * (-c * tau * s).exp())
            .sum::<f64>()
    })
}

/// Watts (2002) threshold model with threshold φ on a configuration model:
/// a consumer of degree k is *vulnerable* (one adopted neighbour suffices) when
/// 1/k ≥ φ. Global cascades are possible where Σ_k k (k − 1) ρ_k p_k > ⟨k⟩.
pub fn watts_cascade_condition(d: &Degrees, phi: f64) -> f64 {
    let z = mean_degree(d);
    d.iter()
        .filter(|&&(k, _)| k > 0 && 1.0 / f64::from(k) >= phi)
        .map(|&(k, p)| f64::from(k) * (f64::from(k) - 1.0) * p)
        .sum::<f64>()
        - z
}

/// Probability that following a tie does *not* reach the giant vulnerable cluster:
/// u = Σ_k q_k (1 − ρ_k + ρ_k u^(k−1)), q_k = k p_k / ⟨k⟩ (iterated up from 0).
pub fn watts_u(d: &Degrees, phi: f64) -> f64 {
    let z = mean_degree(d);
    iterate(0.0, |u| {
        d.iter()
            .filter(|&&(k, _)| k > 0)
            .map(|&(k, p)| {
                let q = f64::from(k) * p / z;
                if 1.0 / f64::from(k) >= phi {
                    q * u.powi(k as i32 - 1)
                } else {
                    q
                }
            })
            .sum()
    })
}

/// Probability that one seed of degree k triggers a global cascade: 1 − u^k
/// (it needs one tie into the giant vulnerable cluster); averaged over the degree
/// distribution for a random seed (Watts 2002; Watts & Dodds 2007).
pub fn watts_trigger_probability(d: &Degrees, phi: f64, seed_degrees: &Degrees) -> f64 {
    let u = watts_u(d, phi);
    let total: f64 = seed_degrees.iter().map(|&(_, p)| p).sum();
    seed_degrees
        .iter()
        .map(|&(k, p)| p * (1.0 - u.powi(k as i32)))
        .sum::<f64>()
        / total
}

fn binomial_pmf(n: u32, m: u32, q: f64) -> f64 {
    let mut log = 0.0;
    for i in 0..m {
        log += (f64::from(n - i)).ln() - (f64::from(i + 1)).ln();
    }
    (log + f64::from(m) * q.ln() + f64::from(n - m) * (1.0 - q).ln()).exp()
}

/// Expected final adopted share of a global threshold cascade with threshold φ
/// started from a vanishing seed share ρ0 (Gleeson & Cahalane 2007):
/// q ← ρ0 + (1 − ρ0) Σ_k q_k Σ_m C(k−1, m) q^m (1−q)^(k−1−m) F(m/k), then
/// S = ρ0 + (1 − ρ0) Σ_k p_k Σ_m C(k, m) q^m (1−q)^(k−m) F(m/k), F(x) = [x ≥ φ].
pub fn watts_cascade_size(d: &Degrees, phi: f64, rho0: f64) -> f64 {
    let z = mean_degree(d);
    let adopts = |m: u32, k: u32| k > 0 && f64::from(m) / f64::from(k) >= phi;
    let q = iterate(rho0, |q| {
        let q = q.clamp(1e-300, 1.0 - 1e-16);
        rho0 + (1.0 - rho0)
            * d.iter()
                .filter(|&&(k, _)| k > 0)
                .map(|&(k, p)| {
                    f64::from(k) * p / z
                        * (0..k)
                            .filter(|&m| adopts(m, k))
                            .map(|m| binomial_pmf(k - 1, m, q))
                            .sum::<f64>()
                })
                .sum::<f64>()
    });
    let q = q.clamp(1e-300, 1.0 - 1e-16);
    rho0 + (1.0 - rho0)
        * d.iter()
            .map(|&(k, p)| {
                p * (0..=k)
                    .filter(|&m| adopts(m, k))
                    .map(|m| binomial_pmf(k, m, q))
                    .sum::<f64>()
            })
            .sum::<f64>()
}

/// Bass (1969) closed form: F(t) = (1 − e^(−(p+q)t)) / (1 + (q/p) e^(−(p+q)t)).
pub fn bass_closed_form(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    (1.0 - e) / (1.0 + (q / p) * e)
}

/// The discrete Bass map F(t+1) = F(t) + (1 − F(t)) (p + q F(t)) dt from F(0) = 0:
/// the adopted share after each of `steps` steps.
pub fn bass_discrete(p: f64, q: f64, dt: f64, steps: usize) -> Vec<f64> {
    let mut f = 0.0;
    (0..steps)
        .map(|_| {
            f += (1.0 - f) * ((p + q * f) * dt).min(1.0);
            f
        })
        .collect()
}

/// Bass model on a ring where each consumer hears its two neighbours (Fibich &
/// Gibori 2010): f(t) = 1 − exp(−(p+q) t + (q/p)(1 − e^(−p t))).
pub fn bass_ring(p: f64, q: f64, t: f64) -> f64 {
    1.0 - (-(p + q) * t + (q / p) * (1.0 - (-p * t).exp())).exp()
}

/// Expected independent-cascade spread σ(S) on a small undirected graph with edge
/// probability `p`, exactly, by enumerating all 2^m live-edge graphs (Kempe,
/// Kleinberg & Tardos 2003). `edges` lists each tie once; m must be at most 24.
pub fn ic_spread_exact(nodes: usize, edges: &[(u32, u32)], p: f64, seeds: &[u32]) -> f64 {
    assert!(edges.len() <= 24, "2^m live-edge graphs must be enumerable");
    let m = edges.len();
    let mut total = 0.0;
    let mut reached = vec![false; nodes];
    let mut stack = Vec::new();
    for live in 0u32..(1 << m) {
        let k = live.count_ones() as i32;
        let weight = p.powi(k) * (1.0 - p).powi(m as i32 - k);
        reached.iter_mut().for_each(|r| *r = false);
        stack.clear();
        for &s in seeds {
            if !reached[s as usize] {
                reached[s as usize] = true;
                stack.push(s);
            }
        }
        while let Some(u) = stack.pop() {
            for (i, &(a, b)) in edges.iter().enumerate() {
                if live & (1 << i) == 0 {
                    continue;
                }
                let other = if a == u {
                    b
                } else if b == u {
                    a
                } else {
                    continue;
                };
                if !reached[other as usize] {
                    reached[other as usize] = true;
                    stack.push(other);
                }
            }
        }
        total += weight * reached.iter().filter(|&&r| r).count() as f64;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn er_percolation_values() {
        // cT = 2: S = 0.7968 (textbook value).
        assert!((er_outbreak_size(5.0, 0.4) - 0.796_812).abs() < 1e-5);
        assert_eq!(er_outbreak_size(2.0, 0.4), 0.0);
        // The generating-function route agrees with the closed ER form.
        let d = poisson(5.0);
        assert!((percolation_size(&d, 0.4) - er_outbreak_size(5.0, 0.4)).abs() < 1e-9);
        assert!((percolation_threshold(&d) - 0.2).abs() < 1e-9);
        assert!((er_subcritical_mean(5.0, 0.1) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn bass_forms_agree_in_the_limit() {
        let (p, q) = (0.03, 0.38);
        let fine = bass_discrete(p, q, 0.001, 10_000);
        assert!((fine[9_999] - bass_closed_form(p, q, 10.0)).abs() < 1e-3);
        // Ring curve: slower than the well-mixed one, same start.
        assert!(bass_ring(p, q, 5.0) < bass_closed_form(p, q, 5.0));
        assert!((bass_ring(p, q, 1e-4) - bass_closed_form(p, q, 1e-4)).abs() < 1e-6);
    }

    #[test]
    fn exact_spread_is_monotone_and_submodular() {
        let edges = [(0, 1), (1, 2), (2, 3), (3, 0), (1, 3), (3, 4)];
        let s = |seeds: &[u32]| ic_spread_exact(5, &edges, 0.5, seeds);
        assert!((s(&[]) - 0.0).abs() < 1e-12);
        assert!(s(&[0]) <= s(&[0, 2]));
        // Marginal gain of 4 shrinks as the set grows.
        assert!(s(&[0, 4]) - s(&[0]) >= s(&[0, 2, 4]) - s(&[0, 2]) - 1e-12);
        // Path 0-1 with p: σ({0}) = 1 + p.
        assert!((ic_spread_exact(2, &[(0, 1)], 0.3, &[0]) - 1.3).abs() < 1e-12);
    }

    #[test]
    fn watts_window_on_erdos_renyi() {
        // φ = 0.18: vulnerable degrees 1..=5. Cascades possible at z = 3, not at
        // z = 0.8 (no giant component) nor at z = 12 (few vulnerable nodes).
        assert!(watts_cascade_condition(&poisson(3.0), 0.18) > 0.0);
        assert!(watts_cascade_condition(&poisson(0.8), 0.18) < 0.0);
        assert!(watts_cascade_condition(&poisson(12.0), 0.18) < 0.0);
        let p = watts_trigger_probability(&poisson(3.0), 0.18, &poisson(3.0));
        assert!(p > 0.1 && p < 1.0, "{p}");
        let size = watts_cascade_size(&poisson(3.0), 0.18, 1e-4);
        assert!(size > 0.8, "{size}");
    }
}
