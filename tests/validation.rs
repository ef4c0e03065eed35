//! The validation suite (issue: reproduce published diffusion results). Each test
//! runs one experiment of `wom reproduce` at a size that fits CI and checks every
//! row against its formula. Tolerances: `k` standard errors of the simulated
//! estimate (k = 4: a false alarm about 1 in 16,000 per row) plus, where the theory
//! is an n → ∞ limit, a finite-size allowance stated per test.

use std::path::Path;
use wom::reproduce::{self, Experiment, Row, Scale};

fn experiment(name: &str, replicates: u32, nodes: Option<u32>) -> Experiment {
    reproduce::run(
        name,
        Path::new("scenarios/validation"),
        Scale {
            replicates: Some(replicates),
            nodes,
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn rows<'a>(e: &'a Experiment, quantity: &str) -> Vec<&'a Row> {
    let found: Vec<&Row> = e.rows.iter().filter(|r| r.quantity == quantity).collect();
    assert!(!found.is_empty(), "no rows for {quantity}");
    found
}

fn assert_agrees(r: &Row, allowance: f64) {
    let tolerance = 4.0 * r.se + allowance;
    assert!(
        (r.simulated - r.theory).abs() <= tolerance,
        "{} at {}: wom {} ± {} vs theory {} (tolerance {tolerance})",
        r.quantity,
        r.setting,
        r.simulated,
        r.se,
        r.theory
    );
}

#[test]
fn bond_percolation_on_erdos_renyi() {
    // n = 20,000, R = 400 per point. A large-outbreak share is measured on one
    // graph, whose giant component differs from the n → ∞ value by O(1/√n): allow
    // 2/√n = 0.014. The subcritical mean has O(1/n) corrections plus a heavy tail
    // near cT = 1: allow 5% of the theory.
    let e = experiment("er-percolation", 400, Some(20_000));
    for r in rows(&e, "P(large outbreak)") {
        assert_agrees(r, 0.0);
    }
    for r in rows(&e, "large-outbreak share") {
        assert_agrees(r, 0.014);
    }
    for r in rows(&e, "mean outbreak, one seed (subcritical)") {
        assert_agrees(r, 0.05 * r.theory);
    }
    for r in rows(&e, "final share, 2% seeded") {
        assert_agrees(r, 0.014);
    }
}

#[test]
fn configuration_model_threshold_size_and_hub_seeds() {
    // n = 50,000 (power law 2.5 on 2..100), R = 400 per seed degree. Probabilities
    // use binomial standard errors; the erased configuration model's repairs and the
    // finite size shift them by less than 0.02. Size: 2/√n = 0.009.
    let e = experiment("configuration-hubs", 400, Some(50_000));
    let p = rows(&e, "P(large outbreak | seed degree k)");
    for r in &p {
        assert_agrees(r, 0.02);
    }
    // A hub seed is far more likely than a leaf to start a large outbreak.
    assert!(p.last().unwrap().simulated > 2.0 * p[0].simulated);
    for r in rows(&e, "large-outbreak share") {
        assert_agrees(r, 0.009);
    }
    // The scenario's transmissibility is above the threshold (else nothing to test).
    let tc = rows(&e, "threshold T_c = <k>/(<k²> − <k>)")[0].theory;
    assert!(tc > 0.05 && tc < 0.3, "{tc}");
    // Below T_c even a hub seed never starts a large outbreak; above it, as 1 − u^k.
    let sides = rows(&e, "P(large outbreak) either side of T_c, seed degree 32");
    assert_eq!(sides[0].simulated, 0.0, "{}", sides[0].setting);
    assert_agrees(sides[1], 0.02);
}

#[test]
fn heterogeneous_trust_changes_size_not_probability() {
    // Miller (2007). n = 20,000, R = 600 per mode; sizes as in percolation (0.014).
    let e = experiment("miller-trust", 600, Some(20_000));
    let p = rows(&e, "P(large outbreak)");
    for r in &p {
        assert_agrees(r, 0.0);
    }
    let sizes = rows(&e, "large-outbreak share");
    for r in &sizes {
        assert_agrees(r, 0.014);
    }
    assert!(
        sizes[0].simulated > 1.5 * sizes[1].simulated,
        "exposure vs consumer size"
    );
}

#[test]
fn watts_cascade_window() {
    // n = 10,000 with a fresh graph per replicate, R = 300 per mean degree. Inside
    // the window (z = 2..5) the probability of a global cascade matches 1 − G0(u)
    // within 4 se plus 0.03 for finite size, and its share the Gleeson & Cahalane
    // value within 0.01. Well outside (z = 0.5, 8, 10, 12) there are none. Near the
    // upper edge (z = 6) finite graphs still cascade sometimes (Watts 2002, Fig. 2):
    // not tested.
    let e = experiment("watts-window", 300, None);
    for r in rows(&e, "P(global cascade), random seed") {
        match r.x {
            z if (2.0..=5.0).contains(&z) => assert_agrees(r, 0.03),
            z if z <= 0.5 || z >= 8.0 => assert_eq!(r.simulated, 0.0, "{}", r.setting),
            _ => {}
        }
    }
    for r in rows(&e, "global-cascade share") {
        if (2.0..=5.0).contains(&r.x) {
            assert_agrees(r, 0.01);
        }
    }
    // Watts & Dodds (2007): a top-10% seed is more likely to trigger a cascade, but
    // only modestly (here below 1.5 times a random seed's chance).
    let top = rows(&e, "P(global cascade), top-10% seed")[0];
    assert_agrees(top, 0.03);
    let random = rows(&e, "P(global cascade), random seed")
        .into_iter()
        .find(|r| r.x == top.x)
        .unwrap();
    let ratio = top.simulated / random.simulated;
    assert!(ratio > 1.0 && ratio < 1.5, "top/random = {ratio}");
}

#[test]
fn bass_discrete_map_and_closed_form() {
    // N = 50,000, R = 10: the simulated mean share follows the discrete Bass map
    // within 0.005 at every step (se of a mean share ≤ sqrt(0.25/(N R)) = 0.0007,
    // amplified a few times by imitation), and its largest gap to the closed form
    // equals the map's own discretisation error within 0.005 — which shrinks with dt.
    let e = experiment("bass", 10, Some(50_000));
    for r in rows(&e, "max |F_sim − discrete map|") {
        assert!(r.simulated < 0.005, "{}: {}", r.setting, r.simulated);
    }
    let gaps = rows(&e, "max |F_sim − closed form|");
    for r in &gaps {
        assert!(
            (r.simulated - r.theory).abs() < 0.005,
            "{}: {} vs {}",
            r.setting,
            r.simulated,
            r.theory
        );
    }
    for pair in gaps.windows(2) {
        assert!(
            pair[1].simulated < pair[0].simulated,
            "error shrinks with dt"
        );
    }
    assert!(gaps.last().unwrap().simulated < 0.01);
}

#[test]
fn bass_on_a_ring_follows_fibich_and_gibori() {
    // N = 20,000, R = 10, dt = 0.05: within 4 se plus 0.01 for the time step.
    let e = experiment("bass-ring", 10, Some(20_000));
    for r in rows(&e, "adopted share on the ring") {
        assert_agrees(r, 0.01);
    }
}

#[test]
fn expected_spread_is_exact_monotone_and_submodular() {
    // Kempe, Kleinberg & Tardos (2003). R = 20,000 per seed set: each estimate
    // within 4 se of the exact σ(S) from all 2^10 live-edge graphs; the exact values
    // are monotone and submodular, and so are the estimates within 4 se of the
    // differences (estimates share random streams, so differences are tighter).
    let e = experiment("kkt-submodular", 20_000, None);
    let sigma = rows(&e, "expected spread σ(S)");
    for r in &sigma {
        assert_agrees(r, 0.0);
    }
    let get = |set: &str| {
        sigma
            .iter()
            .find(|r| r.setting == format!("S = {{{set}}}"))
            .unwrap_or_else(|| panic!("no set {set}"))
    };
    let slack = |a: &Row, b: &Row| 4.0 * (a.se * a.se + b.se * b.se).sqrt();
    // Monotone: adding seeds never lowers the spread.
    for (small, large) in [
        ("0", "0, 3"),
        ("0, 3", "0, 3, 6"),
        ("0, 3, 6", "0, 3, 6, 7"),
        ("6", "0, 6"),
    ] {
        let (a, b) = (get(small), get(large));
        assert!(a.theory <= b.theory);
        assert!(
            a.simulated <= b.simulated + slack(a, b),
            "{small} vs {large}"
        );
    }
    // Submodular: the gain of adding 6 to {0} is at least that of adding it to {0, 3}.
    let gain_small = get("0, 6").simulated - get("0").simulated;
    let gain_large = get("0, 3, 6").simulated - get("0, 3").simulated;
    assert!(get("0, 6").theory - get("0").theory >= get("0, 3, 6").theory - get("0, 3").theory);
    assert!(
        gain_small >= gain_large - 2.0 * slack(get("0"), get("0, 3")),
        "{gain_small} vs {gain_large}"
    );
    let gain_small = get("3, 6").simulated - get("3").simulated;
    let gain_large = get("0, 3, 6").simulated - get("0, 3").simulated;
    assert!(gain_small >= gain_large - 2.0 * slack(get("3"), get("0, 3")));
}
