//! Statistical and structural tests of the random graph generators.
//!
//! Tolerances are about five standard errors of the statistic tested, derived in a
//! comment next to each check: wide enough never to flake, narrow enough to catch a
//! wrong probability, a lost tie or a biased sampler.

use wom::graph::generators::*;
use wom::graph::Csr;
use wom::rng::{stream, Stream};
use wom::scenario::DegreeDistribution;

fn rng(seed: u64) -> wom::rng::WomRng {
    stream(seed, 0, Stream::Graph)
}

/// Every neighbour list is free of self-loops and repeats, and every arc has its
/// reverse (the graph is a simple undirected graph).
fn assert_simple(g: &Csr) {
    let n = g.node_count() as u32;
    for u in 0..n {
        let mut nb = g.neighbors(u).to_vec();
        assert!(!nb.contains(&u), "self-loop at {u}");
        nb.sort_unstable();
        assert!(nb.windows(2).all(|w| w[0] != w[1]), "repeated tie at {u}");
        for &v in &nb {
            assert!(v < n);
        }
    }
    assert_eq!(
        g.in_degrees(),
        (0..n).map(|u| g.degree(u) as u32).collect::<Vec<_>>()
    );
    assert_eq!(g.arc_count() % 2, 0);
}

fn degrees(g: &Csr) -> Vec<u64> {
    (0..g.node_count() as u32)
        .map(|u| g.degree(u) as u64)
        .collect()
}

fn mean_and_variance(xs: &[u64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Average local clustering (nodes of degree < 2 count as 0, as in networkx).
fn average_clustering(g: &Csr) -> f64 {
    let n = g.node_count();
    let mut mark = vec![false; n];
    let mut total = 0.0;
    for u in 0..n as u32 {
        let nb = g.neighbors(u);
        let d = nb.len();
        if d < 2 {
            continue;
        }
        for &v in nb {
            mark[v as usize] = true;
        }
        // Each triangle through u is seen from both of its other corners.
        let mut twice_triangles = 0u64;
        for &v in nb {
            twice_triangles += g.neighbors(v).iter().filter(|&&x| mark[x as usize]).count() as u64;
        }
        for &v in nb {
            mark[v as usize] = false;
        }
        total += twice_triangles as f64 / (d * (d - 1)) as f64;
    }
    total / n as f64
}

/// `|value - expected| <= 5 sd`, with a readable message.
fn assert_within(what: &str, value: f64, expected: f64, sd: f64) {
    assert!(
        (value - expected).abs() <= 5.0 * sd,
        "{what}: got {value}, expected {expected} ± 5 × {sd}"
    );
}

// ---------------------------------------------------------------- Erdős–Rényi

#[test]
fn erdos_renyi_has_binomial_ties_and_poisson_degrees() {
    let (n, c) = (20_000u32, 8.0);
    let g = erdos_renyi(n, c, &mut rng(1));
    assert_simple(&g);
    let nf = f64::from(n);
    let p = c / (nf - 1.0);
    let pairs = nf * (nf - 1.0) / 2.0;

    // Ties ~ Binomial(n(n-1)/2, p): mean c n / 2 = 80 000,
    // sd = sqrt(pairs p (1 - p)) ~ 283.
    let ties = g.tie_count() as f64;
    let ties_sd = (pairs * p * (1.0 - p)).sqrt();
    assert_within("ER ties", ties, pairs * p, ties_sd);

    // Mean degree = 2 ties / n, so its sd is 2 ties_sd / n ~ 0.028.
    let (mean, var) = mean_and_variance(&degrees(&g));
    assert_within("ER mean degree", mean, c, 2.0 * ties_sd / nf);

    // Degrees ~ Binomial(n - 1, p): variance (n-1) p (1-p) = c (1 - c/(n-1)) ~ 8.
    // The sample variance of n nearly independent Poisson(c) draws has variance
    // (mu4 - sigma^4) / n = (c + 3c^2 - c^2) / n = (c + 2c^2) / n, sd ~ 0.082.
    // (Degrees share ties, but each tie links only two of n degrees: the
    // correlation is O(1/n) and negligible here.)
    let var_expected = c * (1.0 - c / (nf - 1.0));
    let var_sd = ((c + 2.0 * c * c) / nf).sqrt();
    assert_within("ER degree variance", var, var_expected, var_sd);
}

#[test]
fn erdos_renyi_edge_cases() {
    assert_eq!(erdos_renyi(0, 0.0, &mut rng(1)).tie_count(), 0);
    assert_eq!(erdos_renyi(1, 0.0, &mut rng(1)).tie_count(), 0);
    assert_eq!(erdos_renyi(100, 0.0, &mut rng(1)).tie_count(), 0);
    // Mean degree n - 1 means p = 1: the complete graph.
    let g = erdos_renyi(50, 49.0, &mut rng(1));
    assert_simple(&g);
    assert_eq!(g.tie_count(), 50 * 49 / 2);
}

#[test]
fn erdos_renyi_is_sparse_and_correct_at_small_p_on_many_nodes() {
    // n = 2 000 000 with c = 0.5: the pair index runs to 2e12, far beyond u32,
    // and the skips are long. Ties ~ Binomial(~2e12, 2.5e-7): mean 500 000,
    // sd ~ 707.
    let n = 2_000_000u32;
    let c = 0.5;
    let g = erdos_renyi(n, c, &mut rng(9));
    let nf = f64::from(n);
    let p = c / (nf - 1.0);
    let pairs = nf * (nf - 1.0) / 2.0;
    assert_within(
        "sparse ER ties",
        g.tie_count() as f64,
        pairs * p,
        (pairs * p * (1.0 - p)).sqrt(),
    );
    // The last node is as likely as any other to have ties: the last 10% of the
    // nodes (ids 1.8M..2M) hold ~ 10% of the arcs' endpoints. Their degree sum is a
    // sum of 200 000 Poisson(0.5) degrees: mean 100 000, sd ~ 316 (plus a small
    // correction for ties inside the range, which only lowers the variance bound
    // by a little; 5 sd still covers it).
    let tail: u64 = (1_800_000..n).map(|u| g.degree(u) as u64).sum();
    assert_within(
        "sparse ER tail degree sum",
        tail as f64,
        100_000.0,
        316.0 * 1.5,
    );
}

// ---------------------------------------------------------- Barabási–Albert

#[test]
fn barabasi_albert_structure_and_heavy_tail() {
    let (n, m) = (20_000u32, 3u32);
    let g = barabasi_albert(n, m, &mut rng(2));
    assert_simple(&g);
    let ds = degrees(&g);
    assert_eq!(*ds.iter().min().unwrap(), u64::from(m));
    let (m64, n64) = (u64::from(m), u64::from(n));
    assert_eq!(g.tie_count(), m64 * (m64 + 1) / 2 + (n64 - m64 - 1) * m64);

    // Heavy tail: the expected largest degree grows like m sqrt(n) ~ 420, while the
    // mean is ~ 2m = 6. Requiring more than 10× the mean (60) cannot fail for a
    // working generator and fails for any light-tailed one (ER's max would be ~ 17).
    let (mean, _) = mean_and_variance(&ds);
    let max = *ds.iter().max().unwrap() as f64;
    assert!(max > 10.0 * mean, "max degree {max}, mean {mean}");

    // Tail share: P(k) = 2m(m+1) / (k(k+1)(k+2)) telescopes to
    // P(K >= k0) = m(m+1) / (k0 (k0 + 1)); for m = 3, k0 = 4m = 12 that is 1/13
    // ~ 0.0769, i.e. ~ 1540 of 20 000 nodes. Binomial noise alone is
    // sd = sqrt(n q (1-q)) ~ 38 nodes (2.5%); the finite-size and
    // "distinct targets" corrections are a few per cent (over five seeds the
    // ratio share / law stayed within 0.98..1.01), so allow 10% relative: loose
    // against noise, tight against bugs (uniform attachment gives an exponential
    // tail with P(K >= 12) ~ 0.02; m = 2 or 4 would give 0.038 or 0.128).
    let k0 = 4 * m64;
    let q = (m64 * (m64 + 1)) as f64 / (k0 * (k0 + 1)) as f64;
    let share = ds.iter().filter(|&&d| d >= k0).count() as f64 / f64::from(n);
    assert!(
        (share / q - 1.0).abs() < 0.1,
        "share with degree >= {k0}: {share}, BA law {q}"
    );
}

#[test]
fn barabasi_albert_small_and_large_attach() {
    // attach = nodes - 1: only the clique.
    let g = barabasi_albert(6, 5, &mut rng(3));
    assert_simple(&g);
    assert_eq!(g.tie_count(), 15);
    // attach = 1: a tree.
    let g = barabasi_albert(1000, 1, &mut rng(3));
    assert_simple(&g);
    assert_eq!(g.tie_count(), 999);
    // attach above the scan limit exercises the stamp array.
    let (n, m) = (2000u64, 40u64);
    let g = barabasi_albert(n as u32, m as u32, &mut rng(3));
    assert_simple(&g);
    assert_eq!(g.tie_count(), m * (m + 1) / 2 + (n - m - 1) * m);
    assert_eq!(*degrees(&g).iter().min().unwrap(), m);
}

// ------------------------------------------------------------ Watts–Strogatz

#[test]
fn watts_strogatz_without_rewiring_is_the_ring_lattice() {
    let (n, k) = (1000u32, 10u32);
    let g = watts_strogatz(n, k, 0.0, &mut rng(4));
    assert_simple(&g);
    assert!(degrees(&g).iter().all(|&d| d == u64::from(k)));
    for u in 0..n {
        let mut nb = g.neighbors(u).to_vec();
        nb.sort_unstable();
        let mut expected: Vec<u32> = (1..=k / 2)
            .flat_map(|j| [(u + j) % n, (u + n - j) % n])
            .collect();
        expected.sort_unstable();
        assert_eq!(nb, expected);
    }
    // Exact, not statistical: every node has the same neighbourhood shape.
    let kf = f64::from(k);
    let c = average_clustering(&g);
    let expected = 3.0 * (kf - 2.0) / (4.0 * (kf - 1.0));
    assert!((c - expected).abs() < 1e-12, "{c} vs {expected}");
}

#[test]
fn watts_strogatz_full_rewiring_is_random_like() {
    let (n, k) = (2000u32, 10u32);
    let g = watts_strogatz(n, k, 1.0, &mut rng(5));
    assert_simple(&g);
    assert_eq!(g.tie_count(), u64::from(n * k / 2));
    let (mean, var) = mean_and_variance(&degrees(&g));
    assert_eq!(mean, f64::from(k));
    // Each node keeps its k/2 own ties and receives ~ Poisson(k/2) others:
    // degree variance ~ k/2 = 5, clearly nonzero (the lattice has 0).
    assert!(var > 2.0, "degree variance {var}");
    // For a random graph with this degree sequence the clustering is about
    // (<d^2> - <d>)^2 / (n <d>^3) = (var + mean^2 - mean)^2 / (n mean^3)
    // ~ (5 + 90)^2 / (2000 · 1000) ~ 0.0045, near ER's c/n = 0.005. Each node's
    // local clustering has sd below ~ 0.04 (a handful of triangles among ~ 45-90
    // pairs), so the average over 2000 nodes has sd ~ 0.001; 5 sd above the
    // ~0.005 estimate is 0.01. The lattice would give 0.67.
    let c = average_clustering(&g);
    let estimate = (var + mean * mean - mean).powi(2) / (f64::from(n) * mean.powi(3));
    assert!(
        c < estimate + 5.0 * 0.001,
        "clustering {c}, estimate {estimate}"
    );
}

#[test]
fn watts_strogatz_partial_rewiring_keeps_tie_count() {
    for (n, k, p) in [
        (500u32, 4u32, 0.1),
        (21, 20, 0.5),
        (3, 2, 1.0),
        (100, 0, 0.5),
    ] {
        let g = watts_strogatz(n, k, p, &mut rng(6));
        assert_simple(&g);
        assert_eq!(g.tie_count(), u64::from(n * k / 2));
    }
    // Rewiring p: the number of lattice ties no longer present is about
    // Binomial(n k / 2, p) (a rewired tie never lands back on its old place, and
    // a rewired tie landing on a still-unvisited lattice position is excluded by
    // the duplicate check). With n = 5000, k = 6, p = 0.2: 15 000 trials,
    // mean 3000, sd ~ 49.
    let (n, k, p) = (5000u32, 6u32, 0.2);
    let g = watts_strogatz(n, k, p, &mut rng(7));
    let mut lattice_kept = 0u64;
    for u in 0..n {
        for j in 1..=k / 2 {
            if g.neighbors(u).contains(&((u + j) % n)) {
                lattice_kept += 1;
            }
        }
    }
    let trials = f64::from(n * k / 2);
    // A rewired tie may re-create a lattice pair that was removed earlier
    // (probability ~ k / n per rewiring, ~ 4 ties here), well within the band.
    assert_within(
        "WS rewired ties",
        trials - lattice_kept as f64,
        trials * p,
        (trials * p * (1.0 - p)).sqrt(),
    );
}

// ------------------------------------------------------- Configuration model

#[test]
fn configuration_table_gives_exact_counts() {
    let n = 10_000u32;
    let table = DegreeDistribution::Table(vec![(5, 0.9), (50, 0.1)]);
    let (g, cleaning) = configuration(n, &table, &mut rng(8));
    assert_simple(&g);
    let ds = degrees(&g);
    let fives = ds.iter().filter(|&&d| d == 5).count() as u64;
    let fifties = ds.iter().filter(|&&d| d == 50).count() as u64;
    // The stub sum 9000·5 + 1000·50 is even, so no parity stub is added; repair
    // keeps degrees exactly, and each dropped edge can disturb at most 2 nodes.
    let disturbed = 2 * (cleaning.self_loops + cleaning.duplicates);
    assert!(9000 - fives <= disturbed, "{fives} fives, {cleaning:?}");
    assert!(
        1000 - fifties <= disturbed,
        "{fifties} fifties, {cleaning:?}"
    );
    // This sequence is far from dense: every bad edge is repairable.
    assert_eq!(cleaning, Default::default());
    assert_eq!(fives, 9000);
    assert_eq!(fifties, 1000);
    assert_eq!(g.tie_count(), 95_000 / 2);
}

#[test]
fn configuration_table_rounding_and_parity() {
    // 7 nodes: shares 0.5/0.5 give 3.5 each; largest remainder (ties to the
    // earlier entry) gives 4 of degree 1 and 3 of degree 2: stub sum 10, even.
    let table = DegreeDistribution::Table(vec![(1, 0.5), (2, 0.5)]);
    let (g, c) = configuration(7, &table, &mut rng(10));
    assert_simple(&g);
    assert_eq!(c, Default::default());
    let mut ds = degrees(&g);
    ds.sort_unstable();
    assert_eq!(ds, vec![1, 1, 1, 1, 2, 2, 2]);
    // 5 nodes of degree 3: stub sum 15 is odd and every node is at the table's
    // largest degree, so one stub is removed instead: degrees 2,3,3,3,3.
    let table = DegreeDistribution::Table(vec![(3, 1.0)]);
    let (g, c) = configuration(5, &table, &mut rng(10));
    assert_simple(&g);
    let mut ds = degrees(&g);
    ds.sort_unstable();
    assert_eq!(
        ds.iter().sum::<u64>() + 2 * (c.self_loops + c.duplicates),
        14
    );
    // 5 nodes with degrees {1: 0.6, 2: 0.4} -> 3 ones and 2 twos, sum 7 odd: one
    // degree-1 node is raised to 2 (below the table's largest degree, 2).
    let table = DegreeDistribution::Table(vec![(1, 0.6), (2, 0.4)]);
    let (g, c) = configuration(5, &table, &mut rng(10));
    assert_simple(&g);
    let ds = degrees(&g);
    assert_eq!(
        ds.iter().sum::<u64>() + 2 * (c.self_loops + c.duplicates),
        8
    );
}

#[test]
fn configuration_power_law_respects_bounds_and_mean() {
    let n = 20_000u32;
    let (exponent, min, max) = (2.5, 2u32, 100u32);
    let law = DegreeDistribution::PowerLaw { exponent, min, max };
    let (g, cleaning) = configuration(n, &law, &mut rng(11));
    assert_simple(&g);
    let ds = degrees(&g);
    let total_dropped = cleaning.self_loops + cleaning.duplicates;
    // Degrees can only fall below min through a dropped edge.
    let below_min = ds.iter().filter(|&&d| d < u64::from(min)).count() as u64;
    assert!(below_min <= 2 * total_dropped);
    assert!(ds.iter().all(|&d| d <= u64::from(max)));
    // Theoretical mean and variance of the truncated discrete law.
    let w: Vec<f64> = (min..=max).map(|k| f64::from(k).powf(-exponent)).collect();
    let z: f64 = w.iter().sum();
    let mu: f64 = (min..=max)
        .zip(&w)
        .map(|(k, w)| f64::from(k) * w)
        .sum::<f64>()
        / z;
    let m2: f64 = (min..=max)
        .zip(&w)
        .map(|(k, w)| f64::from(k).powi(2) * w)
        .sum::<f64>()
        / z;
    let sd = (m2 - mu * mu).sqrt();
    // The sample mean of n independent draws has sd sigma / sqrt(n)
    // (sigma ~ 6 here, so ~ 0.04); the parity stub moves it by at most 1/n and
    // each dropped edge by 2/n.
    let (mean, _) = mean_and_variance(&ds);
    let slack = (1.0 + 2.0 * total_dropped as f64) / f64::from(n);
    assert!(
        (mean - mu).abs() <= 5.0 * sd / f64::from(n).sqrt() + slack,
        "mean degree {mean}, law mean {mu}"
    );
    // Every value of the support should show up at least at the low end.
    assert!(ds.iter().any(|&d| d == u64::from(min)));
    assert!(ds.iter().filter(|&&d| d >= 50).count() > 0);
}

#[test]
fn configuration_repairs_a_heavy_sequence() {
    // A dense-ish sequence where the plain pairing would make many loops and
    // repeats among the hubs (degree 150 on 300 nodes). The repair must keep
    // the graph simple and report what it could not fix.
    let n = 300u32;
    let table = DegreeDistribution::Table(vec![(150, 0.2), (3, 0.8)]);
    let (g, cleaning) = configuration(n, &table, &mut rng(12));
    assert_simple(&g);
    let stubs = 60 * 150 + 240 * 3;
    assert_eq!(
        g.tie_count() + cleaning.self_loops + cleaning.duplicates,
        stubs / 2
    );
}

// ------------------------------------------------------ Stochastic block model

#[test]
fn stochastic_block_counts_are_binomial() {
    let blocks = [2000u32, 2000];
    let (p_in, p_out) = (0.01, 0.0005);
    let g = stochastic_block(&blocks, p_in, p_out, &mut rng(13));
    assert_simple(&g);
    let mut within = 0u64;
    let mut between = 0u64;
    for u in 0..4000u32 {
        for &v in g.neighbors(u) {
            if u < v {
                if (u < 2000) == (v < 2000) {
                    within += 1;
                } else {
                    between += 1;
                }
            }
        }
    }
    // Within: Binomial(2 · 2000·1999/2, 0.01): mean 39 980, sd ~ 199.
    let pairs_in = 2.0 * 2000.0 * 1999.0 / 2.0;
    assert_within(
        "SBM within",
        within as f64,
        pairs_in * p_in,
        (pairs_in * p_in * (1.0 - p_in)).sqrt(),
    );
    // Between: Binomial(2000², 0.0005): mean 2000, sd ~ 44.7.
    let pairs_out = 2000.0 * 2000.0;
    assert_within(
        "SBM between",
        between as f64,
        pairs_out * p_out,
        (pairs_out * p_out * (1.0 - p_out)).sqrt(),
    );
}

#[test]
fn stochastic_block_with_many_and_empty_blocks() {
    // 300 blocks of 10 (plus empty ones) with p_in = 1, p_out = 0: exactly 300
    // cliques of 10, so 300 · 45 ties, each node tied to its own block only.
    let mut blocks = vec![0u32];
    blocks.extend(std::iter::repeat(10).take(300));
    blocks.push(0);
    let g = stochastic_block(&blocks, 1.0, 0.0, &mut rng(14));
    assert_simple(&g);
    assert_eq!(g.tie_count(), 300 * 45);
    for u in 0..3000u32 {
        assert!(g.neighbors(u).iter().all(|&v| v / 10 == u / 10));
    }
    // p_in = 0, p_out = 1: the complete multipartite graph.
    let g = stochastic_block(&[3, 0, 4, 5], 0.0, 1.0, &mut rng(14));
    assert_simple(&g);
    assert_eq!(g.tie_count(), 3 * 4 + 3 * 5 + 4 * 5);
    assert_eq!(
        stochastic_block(&[], 0.5, 0.5, &mut rng(14)).node_count(),
        0
    );
}

// ------------------------------------------------------------- Reproducibility

#[test]
fn same_seed_same_graph_different_seed_different_graph() {
    let law = DegreeDistribution::PowerLaw {
        exponent: 2.2,
        min: 1,
        max: 200,
    };
    type Build = Box<dyn Fn(u64) -> Csr>;
    let builders: Vec<(&str, Build)> = vec![
        ("er", Box::new(|s| erdos_renyi(3000, 6.0, &mut rng(s)))),
        ("ba", Box::new(|s| barabasi_albert(3000, 3, &mut rng(s)))),
        (
            "ws",
            Box::new(|s| watts_strogatz(3000, 6, 0.3, &mut rng(s))),
        ),
        (
            "config",
            Box::new(move |s| configuration(3000, &law, &mut rng(s)).0),
        ),
        (
            "sbm",
            Box::new(|s| stochastic_block(&[1000, 1500, 500], 0.01, 0.001, &mut rng(s))),
        ),
    ];
    for (name, build) in &builders {
        let a = build(21);
        let b = build(21);
        let c = build(22);
        assert_simple(&a);
        assert_eq!(a, b, "{name}: same seed must give the same graph");
        assert_ne!(a, c, "{name}: different seeds should differ");
    }
}
