//! The engine against published theory and exact properties (docs/model.md).
//!
//! Tolerances are derived from the number of replicates and the graph size in each
//! test; the statistical ones allow about 4–5 standard errors, so they do not flake
//! but would catch a wrong model.

use std::path::Path;
use wom::scenario::{self, Scenario};
use wom::sim::runner::{simulate_in_memory, ReplicateResult};

fn scenario(text: &str) -> Scenario {
    scenario::parse(text, Path::new("test.toml"), &[]).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn run(text: &str) -> Vec<ReplicateResult> {
    simulate_in_memory(&scenario(text)).expect("simulates").1
}

/// Solve x = f(x) by fixed-point iteration from 1 (the large root).
fn fixed_point(f: impl Fn(f64) -> f64) -> f64 {
    let mut x = 1.0;
    for _ in 0..10_000 {
        x = f(x);
    }
    x
}

/// The independent-cascade reduction of `cascade` from one random seed on ER(n, c),
/// with edge probability `t`.
fn ic_on_er(n: u32, c: f64, t: f64, trust: f64, mode: &str, replicates: u32, seed: u64) -> String {
    format!(
        r#"
[simulation]
replicates = {replicates}
steps = 120
seed = {seed}
[population]
generator = "erdos_renyi"
nodes = {n}
mean_degree = {c}
[word_of_mouth]
rule = "cascade"
reach = 1.0
trust = {trust}
trust_mode = "{mode}"
conversion = {t}
advocacy = 1.0
active_steps = 1
[advocates]
count = 1
"#
    )
}

/// Split final sizes (as shares of n) into large outbreaks (above 10% of n) and the rest.
fn large_outbreaks(results: &[ReplicateResult], n: u32) -> (f64, f64) {
    let sizes: Vec<f64> = results
        .iter()
        .map(|r| f64::from(r.outcome.adopters) / f64::from(n))
        .collect();
    let large: Vec<f64> = sizes.iter().copied().filter(|&s| s > 0.1).collect();
    let probability = large.len() as f64 / sizes.len() as f64;
    let mean = large.iter().sum::<f64>() / large.len() as f64;
    (probability, mean)
}

#[test]
fn cascade_reduces_to_bond_percolation_on_erdos_renyi() {
    // Kempe et al.'s IC with p = T from one random seed is bond percolation: on ER
    // with mean degree c the large-outbreak size S solves S = 1 - exp(-cTS), and the
    // chance that a random seed starts one equals S (Newman 2002).
    // cT = 2: S = 0.7968. Probability: R = 400 Bernoulli(S) draws, se = 0.020;
    // allow 0.08 (4 se). Size: each large outbreak fluctuates by ~sqrt(S(1-S)/n)
    // = 0.003 around the giant of this one graph, which itself differs from the
    // n -> infinity value by O(1/sqrt(n)) ~ 0.005: allow 0.015.
    let (n, c, t) = (40_000, 5.0, 0.4);
    let s = fixed_point(|x| 1.0 - (-c * t * x).exp());
    assert!((s - 0.7968).abs() < 1e-3);
    let results = run(&ic_on_er(n, c, t, 1.0, "exposure", 400, 11));
    let (probability, size) = large_outbreaks(&results, n);
    assert!(
        (probability - s).abs() < 0.08,
        "P(large) {probability} vs {s}"
    );
    assert!((size - s).abs() < 0.015, "size {size} vs {s}");
}

#[test]
fn subcritical_cascade_has_mean_outbreak_size_one_over_one_minus_ct() {
    // Below threshold (cT = 0.5) the mean total outbreak from one seed is
    // 1 / (1 - cT) = 2 in the large-n limit (Newman 2002). Outbreak sizes have
    // variance cT / (1 - cT)^3 = 4 for a Poisson branching process: with R = 4000
    // the se of the mean is 0.032; allow 0.15 (also covers finite-n corrections).
    let (n, c, t) = (100_000, 5.0, 0.1);
    let results = run(&ic_on_er(n, c, t, 1.0, "exposure", 4000, 5));
    let mean = results
        .iter()
        .map(|r| f64::from(r.outcome.adopters))
        .sum::<f64>()
        / 4000.0;
    assert!((mean - 2.0).abs() < 0.15, "mean outbreak {mean}");
}

#[test]
fn consumer_trust_changes_final_size_but_not_outbreak_probability() {
    // Miller (2007): heterogeneous susceptibility. With conversion 0.6 and trust 0.5
    // on ER(c = 5): in exposure mode every tie transmits with 0.3, so
    // S_e = 1 - exp(-1.5 S_e) = 0.583; in consumer mode half the consumers never
    // convert, S_c = 0.5 (1 - exp(-3 S_c)) = 0.291 — but the early branching process
    // (offspring Poisson(1.5) in both) is the same, so P(large) = 0.583 in both.
    // R = 600 each: se of a probability 0.020, of the difference 0.028: allow 0.1;
    // sizes as in the percolation test: allow 0.015.
    let (n, c) = (40_000, 5.0);
    let s_exposure = fixed_point(|x| 1.0 - (-c * 0.3 * x).exp());
    let s_consumer = fixed_point(|x| 0.5 * (1.0 - (-c * 0.6 * x).exp()));
    let exposure = run(&ic_on_er(n, c, 0.6, 0.5, "exposure", 600, 21));
    let consumer = run(&ic_on_er(n, c, 0.6, 0.5, "consumer", 600, 21));
    let (p_e, size_e) = large_outbreaks(&exposure, n);
    let (p_c, size_c) = large_outbreaks(&consumer, n);
    assert!(
        (p_e - s_exposure).abs() < 0.08,
        "exposure P(large) {p_e} vs {s_exposure}"
    );
    assert!(
        (p_c - s_exposure).abs() < 0.08,
        "consumer P(large) {p_c} vs {s_exposure}"
    );
    assert!((p_e - p_c).abs() < 0.1, "{p_e} vs {p_c}");
    assert!(
        (size_e - s_exposure).abs() < 0.015,
        "exposure size {size_e} vs {s_exposure}"
    );
    assert!(
        (size_c - s_consumer).abs() < 0.015,
        "consumer size {size_c} vs {s_consumer}"
    );
}

#[test]
fn bass_on_a_complete_population_follows_the_discrete_map() {
    // F(t+1) = F(t) + (1 - F(t)) (p + q F(t)) dt with F(0) = 0, p = 0.03, q = 0.38
    // (Sultan, Farley & Lehmann 1990). Each replicate's F(t) has sd at most
    // sqrt(0.25 / N) = 0.0016 per step (amplified a few times by imitation); the
    // mean of R = 20 is within 0.002 of its expectation; allow 0.005.
    let n = 100_000u32;
    let results = run(&format!(
        r#"
[simulation]
replicates = 20
steps = 30
[population]
generator = "complete"
nodes = {n}
[word_of_mouth]
rule = "bass"
p = 0.03
q = 0.38
dt = 1.0
advocacy = 1.0
"#
    ));
    let mut f = 0.0;
    for t in 0..30 {
        f += (1.0 - f) * (0.03 + 0.38 * f);
        let mean = results
            .iter()
            .map(|r| f64::from(r.curve[t].adopters) / f64::from(n))
            .sum::<f64>()
            / 20.0;
        assert!((mean - f).abs() < 0.005, "step {t}: {mean} vs {f}");
    }
}

fn ring(threshold: f64) -> String {
    format!(
        r#"
[simulation]
replicates = 3
steps = 60
[population]
generator = "watts_strogatz"
nodes = 101
neighbors = 2
rewire = 0.0
[word_of_mouth]
rule = "threshold"
threshold = {threshold}
reach = 1.0
trust = 1.0
advocacy = 1.0
[advocates]
count = 1
"#
    )
}

#[test]
fn threshold_front_moves_one_tie_per_step_on_a_ring() {
    // Watts (2002) on a ring with θ = 1/2: a neighbour of one adopter has half its
    // ties adopted, so the cascade advances one node each way per step, exactly:
    // after step t, 1 + 2 (t + 1) adopters. With θ = 0.51 nothing spreads.
    for r in run(&ring(0.5)) {
        for (t, counts) in r.curve.iter().enumerate() {
            assert_eq!(
                counts.adopters,
                (1 + 2 * (t as u32 + 1)).min(101),
                "step {t}"
            );
        }
    }
    for r in run(&ring(0.51)) {
        assert_eq!(r.outcome.adopters, 1);
    }
}

fn certain(conversion: f64) -> String {
    format!(
        r#"
[simulation]
replicates = 20
steps = 60
[population]
generator = "barabasi_albert"
nodes = 2000
attach = 2
[word_of_mouth]
reach = 1.0
trust = 1.0
conversion = {conversion}
advocacy = 1.0
[advocates]
count = 3
"#
    )
}

#[test]
fn certain_conversion_converts_everyone_and_zero_converts_no_one() {
    // A BA graph is connected: with every probability 1 the cascade reaches all.
    for r in run(&certain(1.0)) {
        assert_eq!(r.outcome.adopters, 2000);
        assert_eq!(r.outcome.conversions, 1997);
    }
    for r in run(&certain(0.0)) {
        assert_eq!(r.outcome.conversions, 0);
    }
}

const MIXED: &str = r#"
[simulation]
replicates = 200
steps = 20
[population]
generator = "watts_strogatz"
nodes = 3000
neighbors = 8
rewire = 0.1
[word_of_mouth]
reach = 0.6
conversion = 0.4
advocacy = 0.5
active_steps = 2
external = 0.001
[influencer]
follower_share = 0.4
reach = 0.3
trust = 0.5
posts = [5, 9]
[advocates]
count = 20
choose = "top_degree"
posts = [7]
"#;

#[test]
fn attribution_sums_to_conversions_and_counts_are_consistent() {
    for rule in ["cascade", "threshold\"\nthreshold = \"uniform", "bass"] {
        let text = MIXED.replace(
            "[word_of_mouth]",
            &format!("[word_of_mouth]\nrule = \"{rule}\""),
        );
        for r in run(&text) {
            let o = r.outcome;
            assert_eq!(o.from.iter().sum::<u32>(), o.conversions, "{rule}");
            assert_eq!(o.adopters, o.conversions + 20, "{rule}");
            assert!(o.aware >= o.adopters, "{rule}");
            let mut previous = 0;
            for c in &r.curve {
                assert_eq!(c.conversions, previous + c.new_conversions);
                previous = c.conversions;
            }
        }
    }
}

#[test]
fn posts_never_act_before_their_step() {
    // Organic adoption off: before the influencer's first post (step 5) nothing
    // happens; before the advocates' post (7) no conversion comes from them.
    let text = MIXED.replace("external = 0.001", "external = 0.0");
    for r in run(&text) {
        for c in &r.curve[..5] {
            assert_eq!(c.conversions, 0);
            assert_eq!(c.aware, 20, "only the recruited advocates know the product");
        }
    }
    let only_advocates = text.replace("posts = [5, 9]", "posts = [19]");
    let results = run(&only_advocates);
    assert!(results.iter().all(|r| r.curve[6].conversions == 0));
    assert!(results.iter().any(|r| r.curve[7].conversions > 0));
}

#[test]
fn cascade_on_a_complete_population_matches_the_binomial() {
    // One recruited advocate, no onward advocacy: at step 0 each of the N - 1 others
    // converts with reach · trust · conversion = 0.5 · 1 · 0.1 = 0.05 (exposure) or,
    // in consumer mode with trust 0.5, with 0.5 · 0.05 = 0.025. Mean of Binomial(999,
    // p) over R = 400: se = sqrt(999 p (1-p) / 400) <= 0.35; allow 1.75 (5 se).
    for (mode, trust, p) in [("exposure", 1.0, 0.05), ("consumer", 0.5, 0.025)] {
        let results = run(&format!(
            r#"
[simulation]
replicates = 400
steps = 3
[population]
generator = "complete"
nodes = 1000
[word_of_mouth]
reach = 0.5
trust = {trust}
trust_mode = "{mode}"
conversion = 0.1
advocacy = 0.0
[advocates]
count = 1
"#
        ));
        let mean = results
            .iter()
            .map(|r| f64::from(r.outcome.conversions))
            .sum::<f64>()
            / 400.0;
        assert!(
            (mean - 999.0 * p).abs() < 1.75,
            "{mode}: {mean} vs {}",
            999.0 * p
        );
    }
}

#[test]
fn an_inert_campaign_element_does_not_shift_other_streams() {
    // Named streams: adding an influencer with no followers draws nothing from the
    // dynamics stream, so every replicate is unchanged; the same scenario under
    // another seed differs.
    let base = MIXED.replace("[influencer]", "[ignored]").replace(
        "follower_share = 0.4\nreach = 0.3\ntrust = 0.5\nposts = [5, 9]\n",
        "",
    );
    let base = base.replace("[ignored]\n", "");
    let with_inert = format!("{base}\n[influencer]\nfollowers = 0\nposts = [3]\n");
    // The inert influencer adds a channel (with no conversions) to the counts by
    // channel; everything else must be the same.
    let without_channels = |results: Vec<ReplicateResult>| -> Vec<_> {
        results.into_iter().map(|r| (r.outcome, r.curve)).collect()
    };
    let a = run(&base);
    let inert = run(&with_inert);
    assert!(inert.iter().all(|r| r.channels[0] == Default::default()));
    let a = without_channels(a);
    assert_eq!(a, without_channels(inert));
    assert_ne!(
        a,
        without_channels(run(
            &base.replace("replicates = 200", "replicates = 200\nseed = 43")
        ))
    );
}

#[test]
fn uniform_threshold_is_the_linear_threshold_model() {
    // Star: centre c with leaves a, b, d, e; a and b are recruited. With θ ~ U(0,1)
    // (Kempe et al.'s linear threshold with weights 1/deg), c adopts with
    // P(θ_c <= 2/4) = 1/2; then d and e (one tie each) adopt surely. So conversions
    // are 0 or 3 with probability 1/2 each: mean 1.5, sd 1.5; R = 4000 gives
    // se 0.024; allow 0.12.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("star.txt"), "c a\nc b\nc d\nc e\n").unwrap();
    std::fs::write(dir.path().join("seeds.txt"), "a\nb\n").unwrap();
    let text = r#"
[simulation]
replicates = 4000
steps = 5
[population]
generator = "edge_list"
path = "star.txt"
[word_of_mouth]
rule = "threshold"
threshold = "uniform"
reach = 1.0
trust = 1.0
advocacy = 1.0
[advocates]
choose = "file"
path = "seeds.txt"
"#;
    let s = scenario::parse(text, &dir.path().join("star.toml"), &[]).unwrap();
    let results = simulate_in_memory(&s).unwrap().1;
    let mut mean = 0.0;
    for r in &results {
        assert!(r.outcome.conversions == 0 || r.outcome.conversions == 3);
        mean += f64::from(r.outcome.conversions) / 4000.0;
    }
    assert!((mean - 1.5).abs() < 0.12, "{mean}");
}

fn star_file(dir: &Path, leaves: u32, weighted: bool) -> std::path::PathBuf {
    let edges: String = (1..=leaves)
        .map(|i| {
            if weighted {
                format!("c l{i} 1.0\n")
            } else {
                format!("c l{i}\n")
            }
        })
        .collect();
    let path = dir.join("star.txt");
    std::fs::write(&path, edges).unwrap();
    path
}

#[test]
fn threshold_noticing_is_decided_once_per_pair() {
    // The centre of a star is recruited; each of its 4 leaves (θ = 0.5, one tie)
    // adopts iff it noticed the centre: once per pair with reach = 0.3, however many
    // steps follow. Conversions ~ Binomial(4, 0.3): mean 1.2, se over R = 4000 is
    // sqrt(4 · 0.21 / 4000) = 0.0145; allow 0.07. (Retrying each step would give
    // nearly 4.)
    let dir = tempfile::tempdir().unwrap();
    star_file(dir.path(), 4, false);
    std::fs::write(dir.path().join("centre.txt"), "c\n").unwrap();
    let text = r#"
[simulation]
replicates = 4000
steps = 50
[population]
generator = "edge_list"
path = "star.txt"
[word_of_mouth]
rule = "threshold"
threshold = 0.5
reach = 0.3
trust = 1.0
advocacy = 0.0
[advocates]
choose = "file"
path = "centre.txt"
"#;
    let s = scenario::parse(text, &dir.path().join("s.toml"), &[]).unwrap();
    let results = simulate_in_memory(&s).unwrap().1;
    let mean = results
        .iter()
        .map(|r| f64::from(r.outcome.conversions))
        .sum::<f64>()
        / 4000.0;
    assert!((mean - 1.2).abs() < 0.07, "{mean}");
}

#[test]
fn weighted_threshold_of_one_is_reachable() {
    // Hub of degree 12, all leaves recruited, unit weights, θ = 1: Σ w / deg = 1
    // exactly, so the hub adopts (a sum in f32 falls just short of 1).
    let dir = tempfile::tempdir().unwrap();
    star_file(dir.path(), 12, true);
    let leaves: String = (1..=12).map(|i| format!("l{i}\n")).collect();
    std::fs::write(dir.path().join("leaves.txt"), leaves).unwrap();
    let text = r#"
[simulation]
replicates = 2
steps = 3
[population]
generator = "edge_list"
path = "star.txt"
weighted = true
[word_of_mouth]
rule = "threshold"
threshold = 1.0
reach = 1.0
trust = 1.0
[advocates]
choose = "file"
path = "leaves.txt"
"#;
    let s = scenario::parse(text, &dir.path().join("s.toml"), &[]).unwrap();
    for r in simulate_in_memory(&s).unwrap().1 {
        assert_eq!(r.outcome.conversions, 1);
    }
}

#[test]
fn a_one_consumer_market_has_no_advocate_conversions() {
    let results = run(r#"
[simulation]
replicates = 5
steps = 3
[population]
generator = "complete"
nodes = 1
[word_of_mouth]
rule = "bass"
p = 0.0
q = 0.5
"#);
    for r in results {
        assert_eq!(r.outcome.conversions, 0);
    }
}

/// A random graph as an edge list: n consumers, each tied to `per` others drawn
/// with a fixed LCG (duplicates and self-loops are dropped by the reader).
fn random_graph_file(dir: &Path, name: &str, n: u64, per: u64, weighted: bool) -> String {
    let mut x = 12345u64;
    let mut text = String::new();
    for u in 0..n {
        for _ in 0..per {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (x >> 33) % n;
            text.push_str(&if weighted {
                format!("{u} {v} 1.0\n")
            } else {
                format!("{u} {v}\n")
            });
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().replace('\\', "/")
}

#[test]
fn skipping_and_per_tie_cascades_agree() {
    // Unweighted cascades skip over ties (outcomes drawn by geometric gaps, see
    // docs/model.md, "How the cascade draws its outcomes"); weighted ones draw once per tie. With every weight 1 the model is the
    // same, so conversions and awareness must agree in distribution: per step, on
    // the mean, within 4.5 standard errors of the difference.
    let dir = tempfile::tempdir().unwrap();
    let plain = random_graph_file(dir.path(), "plain.txt", 3000, 3, false);
    let weighted = random_graph_file(dir.path(), "weighted.txt", 3000, 3, true);
    // The two runs use different seeds, so they are independent samples. Cases:
    // reach = 1 (every tie noticed, candidates skipped); noticing skipped too, in
    // consumer and in exposure mode; only candidates noticed (q = 0).
    for (reach, conversion, mode, trust) in [
        (1.0, 0.3, "exposure", 1.0),
        (0.3, 0.5, "consumer", 0.7),
        (0.4, 0.5, "exposure", 0.8),
        (0.4, 1.0, "exposure", 1.0),
    ] {
        let text = |path: &str, weighted: bool, seed: u64| {
            format!(
                r#"
[simulation]
replicates = 3000
steps = 12
seed = {seed}
[population]
generator = "edge_list"
path = "{path}"
weighted = {weighted}
[word_of_mouth]
rule = "cascade"
reach = {reach}
trust = {trust}
trust_mode = "{mode}"
conversion = {conversion}
advocacy = 0.8
active_steps = 2
external = 0.0005
[advocates]
count = 5
"#
            )
        };
        let a = run(&text(&plain, false, 5));
        let b = run(&text(&weighted, true, 6));
        for step in [2, 5, 11] {
            for (what, get) in [
                (
                    "conversions",
                    (|c: &wom::sim::engine::StepCounts| c.conversions) as fn(&_) -> u32,
                ),
                ("aware", |c| c.aware),
            ] {
                let stats = |runs: &[ReplicateResult]| {
                    let xs: Vec<f64> = runs
                        .iter()
                        .map(|r| f64::from(get(&r.curve[step])))
                        .collect();
                    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                    let var =
                        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
                    (mean, var / xs.len() as f64)
                };
                let ((ma, va), (mb, vb)) = (stats(&a), stats(&b));
                let z = (ma - mb) / (va + vb).sqrt();
                assert!(
                    z.abs() < 4.5,
                    "reach {reach}, step {step}, {what}: skipping {ma:.2} vs per tie {mb:.2} (z = {z:.2})"
                );
                assert!(ma > 0.0, "the test must exercise spreading");
            }
        }
    }
}

#[test]
fn reused_scratch_gives_the_same_replicates_across_the_epoch_wrap() {
    // A thread's scratch is reused from replicate to replicate, its node states
    // told apart by a 12-bit epoch that wraps (and clears them) every 4,095
    // replicates. Replicates run on a scratch that has been through the wrap must
    // equal the same replicates run on a fresh one.
    use wom::sim::campaign::CampaignPlan;
    use wom::sim::engine::{simulate_replicate, Model, Scratch, StepCounts, World};
    let s = scenario(
        r#"
[simulation]
replicates = 1
steps = 10
seed = 3
[population]
generator = "barabasi_albert"
nodes = 300
attach = 2
[word_of_mouth]
rule = "cascade"
reach = 1.0
trust = 1.0
trust_mode = "exposure"
conversion = 0.3
advocacy = 0.7
active_steps = 2
[advocates]
count = 3
"#,
    );
    let population = wom::graph::build(&s.population, 1, 0).unwrap();
    let plan = CampaignPlan::new(&s, &population).unwrap();
    let world = World::new(population, plan);
    let model = Model::new(&s);
    let mut reused = Scratch::new(300);
    let mut curve = vec![StepCounts::default(); 10];
    let mut fresh_curve = curve.clone();
    for replicate in 0..4_200u64 {
        let outcome =
            simulate_replicate(&model, &world, replicate, &mut reused, &mut curve, &mut []);
        if replicate % 7 == 0 || (4_090..4_100).contains(&replicate) {
            let mut fresh = Scratch::new(300);
            let expected = simulate_replicate(
                &model,
                &world,
                replicate,
                &mut fresh,
                &mut fresh_curve,
                &mut [],
            );
            assert_eq!(outcome, expected, "replicate {replicate}");
            assert_eq!(curve, fresh_curve, "replicate {replicate}");
        }
    }
}

#[test]
fn every_tie_noticed_gives_exactly_the_awareness_of_one_draw_per_tie() {
    // With reach = 1 and conversion = 0 nobody converts, so awareness is fixed by
    // the influencer's step-0 post (the same draws in both runs) and the recruited
    // advocates' neighbourhoods. The unweighted graph (its own loop, which counts
    // "touched in this replicate" as aware) and the same graph with every weight
    // 1 (one draw per tie) must then agree exactly, replicate by replicate.
    let dir = tempfile::tempdir().unwrap();
    let plain = random_graph_file(dir.path(), "plain.txt", 2000, 2, false);
    let weighted = random_graph_file(dir.path(), "weighted.txt", 2000, 2, true);
    for directed in [false, true] {
        let text = |path: &str, weighted: bool| {
            format!(
                r#"
[simulation]
replicates = 200
steps = 4
seed = 8
[population]
generator = "edge_list"
path = "{path}"
weighted = {weighted}
directed = {directed}
[word_of_mouth]
rule = "cascade"
reach = 1.0
conversion = 0.0
[influencer]
follower_share = 0.3
reach = 0.2
trust = 0.5
posts = [0]
fee = 0.0
[advocates]
count = 40
posts = [0, 2]
"#
            )
        };
        let a = run(&text(&plain, false));
        let b = run(&text(&weighted, true));
        for (i, (a, b)) in a.iter().zip(&b).enumerate() {
            assert_eq!(a.outcome, b.outcome, "directed {directed}, replicate {i}");
            assert_eq!(a.curve, b.curve, "directed {directed}, replicate {i}");
        }
        assert!(
            a.iter().all(|r| r.outcome.aware > 40),
            "advocates make others aware"
        );
    }
}
