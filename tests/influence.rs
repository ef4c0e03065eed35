//! `choose = "influence"` (docs/optimisation.md): IMM's advocates against brute
//! force, its RR estimate of a seed set's conversions against the simulator, the
//! same choice for any thread count, and bad input refused with exit 2.

mod common;

use common::{assert_contains, fails_with_input_error, succeeds};
use std::path::Path;
use wom::graph::{self, Topology};
use wom::scenario::{self, Scenario};
use wom::sim::influence::{self, estimate_conversions, imm, with_in_arcs};
use wom::sim::runner::{simulate_in_memory, Built};

/// A random graph on `n` nodes written as an edge list in `dir`: each pair a tie
/// (or each ordered pair an arc, `directed`) with probability `p`, from `seed`.
fn edge_list(dir: &Path, n: u32, p: f64, directed: bool, seed: u64) -> std::path::PathBuf {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut unit = || {
        // xorshift64*: a test's own generator, independent of wom's.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::new();
    for u in 0..n {
        for v in 0..n {
            if u == v || (!directed && v < u) {
                continue;
            }
            if unit() < p {
                text.push_str(&format!("{u} {v}\n"));
            }
        }
    }
    let path = dir.join(format!("g{seed}.txt"));
    std::fs::write(&path, text).unwrap();
    path
}

fn parse(text: &str, dir: &Path) -> Scenario {
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    scenario::load(&path, &[]).expect("a valid scenario")
}

/// Mean conversions of `scenario` (and the standard error of that mean).
fn mean_conversions(scenario: &Scenario) -> (f64, f64, Built) {
    let (built, results) = simulate_in_memory(scenario).expect("runs");
    let x: Vec<f64> = results
        .iter()
        .map(|r| f64::from(r.outcome.conversions))
        .collect();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt(), built)
}

/// The scenario text of a small cascade with advocates `advocates` (a TOML
/// fragment of the `[advocates]` table).
fn small(graph: &Path, directed: bool, wom: &str, advocates: &str, replicates: u32) -> String {
    format!(
        "[simulation]\nreplicates = {replicates}\nsteps = 40\nseed = 7\n\
         [population]\ngenerator = \"edge_list\"\npath = \"{}\"\ndirected = {directed}\n\
         [word_of_mouth]\nrule = \"cascade\"\n{wom}\n\
         [advocates]\n{advocates}\n",
        graph.display()
    )
}

#[test]
fn imm_pair_is_within_three_percent_of_the_best_pair_by_brute_force() {
    // Both cases have posts >= active_steps, where the RR estimate is exact.
    let cases = [
        (
            false,
            "reach = 0.9\nconversion = 0.6\ntrust = 0.8\ntrust_mode = \"consumer\"\n\
             advocacy = 0.6\nactive_steps = 1",
            "posts = [0, 1]",
        ),
        (
            true,
            "reach = 0.7\nconversion = 0.5\ntrust = 0.9\ntrust_mode = \"exposure\"\n\
             advocacy = 1.0\nactive_steps = 2",
            "posts = [0, 2]",
        ),
    ];
    for (case, (directed, wom, posts)) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let g = edge_list(
            dir.path(),
            12,
            if *directed { 0.2 } else { 0.25 },
            *directed,
            5,
        );
        let chosen = parse(
            &small(
                &g,
                *directed,
                wom,
                &format!("choose = \"influence\"\ncount = 2\nepsilon = 0.05\n{posts}"),
                1,
            ),
            dir.path(),
        );
        let (_, _, built) = mean_conversions(&chosen);
        let imm_pair = built.influence[0].1.clone();
        assert_eq!(imm_pair.len(), 2);
        // The consumers' labels (isolated nodes are not in an edge list).
        let population = graph::build(&chosen.population, 7, 0).unwrap();
        let labels = population.labels.as_ref().unwrap();
        let labels: Vec<String> = (0..labels.len() as u32).map(|v| labels.label(v)).collect();
        // Every pair, simulated with the same seed (common random numbers).
        let file = dir.path().join("pair.txt");
        let value = |a: &str, b: &str| {
            std::fs::write(&file, format!("{a}\n{b}\n")).unwrap();
            let s = parse(
                &small(
                    &g,
                    *directed,
                    wom,
                    &format!("choose = \"file\"\npath = \"{}\"\n{posts}", file.display()),
                    20_000,
                ),
                dir.path(),
            );
            mean_conversions(&s).0
        };
        // Every pair (a, b) and, as (a, a), every single seed.
        let mut values = std::collections::BTreeMap::new();
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i..] {
                let key = (a.min(b).clone(), a.max(b).clone());
                values.insert(key, value(a, b));
            }
        }
        let of = |a: &String, b: &String| values[&(a.min(b).clone(), a.max(b).clone())];
        let (best_pair, best) = values
            .iter()
            .filter(|((a, b), _)| a != b)
            .max_by(|x, y| x.1.total_cmp(y.1))
            .map(|(p, v)| (p.clone(), *v))
            .unwrap();
        // The greedy on the brute-force values: the best single seed, then its
        // best complement. It is only guaranteed 1 − 1/e of the best, and on the
        // first graph it trails the best pair by 4%; IMM's swap search after its
        // greedy (src/sim/influence/select.rs) closes that gap.
        let first = labels
            .iter()
            .max_by(|a, b| of(a, a).total_cmp(&of(b, b)))
            .unwrap();
        let second = labels
            .iter()
            .filter(|b| *b != first)
            .max_by(|a, b| of(first, a).total_cmp(&of(first, b)))
            .unwrap();
        let greedy = of(first, second);
        let got = of(&imm_pair[0], &imm_pair[1]);
        assert!(
            got >= 0.97 * best,
            "case {case}: IMM's pair {imm_pair:?} converts {got:.3}, the best {best_pair:?} {best:.3}, the greedy pair ({first}, {second}) {greedy:.3}"
        );
        // (1 − 1/e − ε) of the best pair, in reached consumers (seeds included).
        let bound = 1.0 - (-1.0f64).exp() - 0.05;
        assert!(
            got + 2.0 >= bound * (best + 2.0),
            "case {case}: IMM's pair reaches {:.3}, the best {best_pair:?} {:.3}",
            got + 2.0,
            best + 2.0
        );
        eprintln!(
            "case {case}: IMM {imm_pair:?} {got:.3}, greedy ({first}, {second}) {greedy:.3}, best {best_pair:?} {best:.3} ({:.1}%)",
            100.0 * got / best
        );
    }
}

/// A generated-population scenario with `advocates` and the word of mouth `wom`.
fn generated(population: &str, wom: &str, advocates: &str, market: &str) -> String {
    format!(
        "[simulation]\nreplicates = 4000\nsteps = 80\nseed = 3\n\
         [population]\n{population}\n[word_of_mouth]\nrule = \"cascade\"\n{wom}\n\
         [advocates]\n{advocates}\n{market}"
    )
}

#[test]
fn rr_estimate_agrees_with_the_simulator_within_three_standard_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "generator = \"barabasi_albert\"\nnodes = 3000\nattach = 3",
            "reach = 0.5\nconversion = 0.2\ntrust = 0.9\ntrust_mode = \"consumer\"\n\
             advocacy = 0.5\nactive_steps = 1",
            "posts = [0, 1]\ntrust_factor = 0.8",
            "",
        ),
        (
            "generator = \"erdos_renyi\"\nnodes = 3000\nmean_degree = 6",
            "reach = 0.6\nconversion = 0.25\ntrust = 0.8\ntrust_mode = \"exposure\"\n\
             advocacy = 0.5\nactive_steps = 2",
            "posts = [0, 3]",
            "[market]\ncustomers = 0.05",
        ),
    ];
    for (case, (population, wom, posts, market)) in cases.iter().enumerate() {
        let text = generated(
            population,
            wom,
            &format!("choose = \"influence\"\ncount = 10\n{posts}"),
            market,
        );
        let s = parse(&text, dir.path());
        let (mean, se, built) = mean_conversions(&s);
        let seeds = &built.influence[0].0.advocates;
        let population = graph::build(&s.population, s.simulation.seed, 0).unwrap();
        let Topology::Network(g) = &population.topology else {
            unreachable!()
        };
        let model = influence::Model::new(&s, &s.programmes[0]);
        assert!(model.coverage_is_exact(), "case {case}");
        let rr = 400_000;
        let estimate = with_in_arcs(g, |arcs| {
            estimate_conversions(&arcs, &model, seeds, rr, 0x5eed)
        });
        // n · F − |S| has standard error n · √(F (1 − F) / θ).
        let n = g.node_count() as f64;
        let f = (estimate + seeds.len() as f64) / n;
        let se_rr = n * (f * (1.0 - f) / rr as f64).sqrt();
        let z = (estimate - mean) / (se * se + se_rr * se_rr).sqrt();
        assert!(
            z.abs() < 3.0,
            "case {case}: RR {estimate:.2} (se {se_rr:.2}) vs simulated {mean:.2} (se {se:.2}), z = {z:.2}"
        );
    }
}

#[test]
fn the_choice_is_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let s = parse(
        &generated(
            "generator = \"barabasi_albert\"\nnodes = 20000\nattach = 4",
            "reach = 0.4\nconversion = 0.2\ntrust = 0.92\nadvocacy = 0.4",
            "choose = \"influence\"\ncount = 25\nepsilon = 0.2",
            "",
        ),
        dir.path(),
    );
    let population = graph::build(&s.population, s.simulation.seed, 0).unwrap();
    let Topology::Network(g) = &population.topology else {
        unreachable!()
    };
    let model = influence::Model::new(&s, &s.programmes[0]);
    let choose = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            with_in_arcs(g, |arcs| {
                imm(&arcs, &model, 25, 0.2, 99, None, None).unwrap()
            })
        })
    };
    let one = choose(1);
    let two = choose(2);
    assert_eq!(one.seeds.len(), 25);
    assert_eq!(one.seeds, two.seeds);
    assert_eq!(one.sets, two.sets, "the RR sets themselves");
    assert_eq!(
        one.estimated_conversions.to_bits(),
        two.estimated_conversions.to_bits()
    );
}

#[test]
fn influential_customers_are_customers_in_every_replicate() {
    // Every recruited advocate is an existing customer, so the adopters at launch
    // are exactly the customers: adopters − conversions = 300 in every replicate.
    let dir = tempfile::tempdir().unwrap();
    let mut text = generated(
        "generator = \"barabasi_albert\"\nnodes = 3000\nattach = 3",
        "reach = 0.5\nconversion = 0.3\ntrust = 0.9\nadvocacy = 0.5",
        "choose = \"influence\"\npool = \"customers\"\ncount = 20",
        "[market]\ncustomers = 0.1",
    );
    text = text.replace("replicates = 4000", "replicates = 50");
    let s = parse(&text, dir.path());
    let (built, results) = simulate_in_memory(&s).unwrap();
    assert_eq!(built.influence[0].0.advocates.len(), 20);
    for r in &results {
        assert_eq!(r.outcome.adopters - r.outcome.conversions, 300);
    }
    // And the choice beats 20 random customers.
    let random = parse(&text.replace("\"influence\"", "\"random\""), dir.path());
    let (_, chosen) = simulate_in_memory(&s).unwrap();
    let (_, drawn) = simulate_in_memory(&random).unwrap();
    let total = |r: &[wom::sim::runner::ReplicateResult]| -> u64 {
        r.iter().map(|x| u64::from(x.outcome.conversions)).sum()
    };
    assert!(total(&chosen) > total(&drawn));
}

#[test]
fn a_run_writes_advocates_txt_the_same_for_any_thread_count_and_it_reads_back() {
    let out = tempfile::tempdir().unwrap();
    let run = |threads: &str, scenario: &str, name: &str| {
        let dir = out.path().join(name);
        succeeds(&[
            "run",
            scenario,
            "--replicates",
            "40",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
            "--quiet",
        ]);
        dir.join(Path::new(scenario).file_stem().unwrap())
    };
    let one = run("1", "scenarios/facebook-influence.toml", "one");
    let two = run("2", "scenarios/facebook-influence.toml", "two");
    let read = |dir: &Path, file: &str| std::fs::read(dir.join(file)).unwrap();
    for file in ["advocates.txt", "replicates.csv", "curves.csv"] {
        assert!(read(&one, file) == read(&two, file), "{file}");
    }
    let text = String::from_utf8(read(&one, "advocates.txt")).unwrap();
    let labels: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(labels.len(), 40);
    assert!(text.starts_with("# advocates: 40 advocates chosen by influence"));
    let summary: serde_json::Value = serde_json::from_slice(&read(&one, "summary.json")).unwrap();
    let timing = &summary["timing"];
    assert!(timing["choose_seconds"].as_f64().unwrap() > 0.0);
    assert!(timing["choose_seconds"].as_f64() <= timing["build_seconds"].as_f64());
    // advocates.txt is an advocate file: read back, it recruits the same
    // advocates, so every replicate comes out the same.
    let file_scenario = out.path().join("from-file.toml");
    let text = std::fs::read_to_string("scenarios/facebook-influence.toml")
        .unwrap()
        .replace("../data/", &format!("{}/data/", env!("CARGO_MANIFEST_DIR")))
        .replace("count = 40 ", "# count = 40 ")
        .replace("epsilon = 0.1 ", "# epsilon = 0.1 ")
        .replace(
            "choose = \"influence\"",
            &format!(
                "choose = \"file\"\npath = \"{}\"",
                one.join("advocates.txt").display()
            ),
        );
    std::fs::write(&file_scenario, text).unwrap();
    let again = run("2", file_scenario.to_str().unwrap(), "again");
    assert!(read(&one, "replicates.csv") == read(&again, "replicates.csv"));
    assert!(!again.join("advocates.txt").exists());
}

fn scenario_file(dir: &Path, rule: &str, advocates: &str) -> String {
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        format!(
            "[population]\ngenerator = \"erdos_renyi\"\nnodes = 100\nmean_degree = 4\n\
             [word_of_mouth]\n{rule}\n\
             [advocates]\ncount = 5\n{advocates}\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn influence_under_threshold_or_bass_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for rule in ["threshold", "bass"] {
        let path = scenario_file(
            dir.path(),
            &format!("rule = \"{rule}\""),
            "choose = \"influence\"",
        );
        let e = fails_with_input_error(&["validate", &path]);
        assert_contains(
            &e,
            &[
                "bad.toml:9:",
                "`advocates.choose`",
                &format!("is \"influence\" with rule \"{rule}\""),
                "allowed: rule = \"cascade\"",
            ],
        );
    }
}

#[test]
fn epsilon_outside_zero_to_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["0", "1", "-0.5", "1.5"] {
        let path = scenario_file(
            dir.path(),
            "rule = \"cascade\"",
            &format!("choose = \"influence\"\nepsilon = {bad}"),
        );
        let e = fails_with_input_error(&["validate", &path]);
        assert_contains(
            &e,
            &[
                "bad.toml:10:",
                "`advocates.epsilon`",
                &format!("is {}", bad.parse::<f64>().unwrap()),
                "strictly between 0 and 1",
            ],
        );
    }
    // And epsilon belongs to choose = "influence" only.
    let path = scenario_file(dir.path(), "rule = \"cascade\"", "epsilon = 0.2");
    let e = fails_with_input_error(&["validate", &path]);
    assert_contains(
        &e,
        &[
            "bad.toml:9:",
            "`advocates.epsilon`",
            "choose = \"influence\"",
        ],
    );
}

/// The performance targets on BA 10^6 (attach 5), k = 100, ε = 0.1: the whole
/// choice on the current pool, and the RR-set phase (a fixed number of sets) on 1
/// and on 2 threads; at IC p = 0.05 only the mean RR-set size and time per set
/// (the full choice needs more memory than the machine has, docs/performance.md).
/// Run: `cargo test --release --test influence ba_million -- --ignored --nocapture`
#[test]
#[ignore = "minutes on BA 10^6; figures in docs/performance.md"]
fn ba_million_timings() {
    use std::time::Instant;
    use wom::sim::influence::rr::RrSets;
    let dir = tempfile::tempdir().unwrap();
    let s = parse(
        &generated(
            "generator = \"barabasi_albert\"\nnodes = 1_000_000\nattach = 5",
            "reach = 0.3\ntrust = 0.92\nconversion = 0.1\nadvocacy = 0.3",
            "choose = \"influence\"\ncount = 100",
            "",
        ),
        dir.path(),
    );
    let started = Instant::now();
    let population = graph::build(&s.population, s.simulation.seed, 0).unwrap();
    eprintln!("built BA 10^6 in {:.1} s", started.elapsed().as_secs_f64());
    let Topology::Network(g) = &population.topology else {
        unreachable!()
    };
    let pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    };
    let models = [
        ("IC p = 0.01", influence::Model::independent_cascade(0.01)),
        (
            "micro-advocates cascade",
            influence::Model::new(&s, &s.programmes[0]),
        ),
        ("IC p = 0.05", influence::Model::independent_cascade(0.05)),
    ];
    for (name, model) in &models {
        let probe = 2_000;
        let t = Instant::now();
        let mut sets = RrSets::default();
        with_in_arcs(g, |arcs| {
            pool(2).install(|| sets.extend(arcs, model, 1, probe))
        });
        let per_set = t.elapsed().as_secs_f64() / probe as f64;
        let mean = sets.nodes.len() as f64 / probe as f64;
        eprintln!(
            "{name}: mean RR set {mean:.1} consumers, {:.1} µs per set (2 threads)",
            per_set * 1e6
        );
        if mean > 1_000.0 {
            eprintln!("{name}: skipping the full choice (see docs/performance.md)");
            continue;
        }
        let theta = 200_000;
        let mut phase = Vec::new();
        for threads in [1, 2] {
            let t = Instant::now();
            let mut sets = RrSets::default();
            with_in_arcs(g, |arcs| {
                pool(threads).install(|| sets.extend(arcs, model, 1, theta))
            });
            phase.push(t.elapsed().as_secs_f64());
        }
        eprintln!(
            "{name}: {theta} RR sets in {:.2} s (1 thread), {:.2} s (2 threads): {:.2}x",
            phase[0],
            phase[1],
            phase[0] / phase[1]
        );
        let t = Instant::now();
        let choice = with_in_arcs(g, |arcs| {
            pool(2).install(|| imm(&arcs, model, 100, 0.1, 1, None, None).unwrap())
        });
        eprintln!(
            "{name}: k = 100 chosen in {:.1} s on 2 threads, {} RR sets ({} members), {:.0} expected conversions",
            t.elapsed().as_secs_f64(),
            choice.sets.len(),
            choice.sets.nodes.len(),
            choice.estimated_conversions
        );
    }
}
