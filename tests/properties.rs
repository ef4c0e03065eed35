//! Properties of the engine that hold for every scenario, checked over random
//! small ones (proptest; few cases and small populations, so the file runs in
//! seconds): attribution adds up, cumulative curves never fall, a larger nested
//! campaign never recruits fewer, any thread count gives the same results, and
//! paired scenarios share their consumers' traits.
//!
//! More cases: `PROPTEST_CASES=500 cargo test --release --test properties`.

use proptest::prelude::*;
use std::path::Path;
use wom::scenario;
use wom::sim::runner::{simulate_in_memory, ReplicateResult};

/// A small random scenario: its population, rule and campaign.
#[derive(Debug, Clone)]
struct Case {
    population: String,
    rule: String,
    reach: f64,
    trust: f64,
    conversion: f64,
    advocacy: f64,
    external: f64,
    advocates: u32,
    influencer_reach: f64,
    replicates: u32,
    steps: u32,
    seed: u64,
}

fn population() -> impl Strategy<Value = String> {
    prop_oneof![
        (20u32..300, 2.0f64..8.0).prop_map(|(n, d)| format!(
            "generator = \"erdos_renyi\"\nnodes = {n}\nmean_degree = {d}"
        )),
        (20u32..300, 1u32..4).prop_map(|(n, m)| format!(
            "generator = \"barabasi_albert\"\nnodes = {n}\nattach = {m}"
        )),
        (20u32..300, 0.0f64..0.5).prop_map(|(n, p)| format!(
            "generator = \"watts_strogatz\"\nnodes = {n}\nneighbors = 4\nrewire = {p}"
        )),
        (20u32..300).prop_map(|n| format!("generator = \"complete\"\nnodes = {n}")),
    ]
}

fn rule() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..3).prop_map(|a| format!("rule = \"cascade\"\nactive_steps = {a}")),
        (0.05f64..0.5).prop_map(|t| format!("rule = \"threshold\"\nthreshold = {t}")),
        Just("rule = \"threshold\"\nthreshold = \"uniform\"".to_string()),
        (0.0f64..0.05, 0.0f64..0.6).prop_map(|(p, q)| format!("rule = \"bass\"\np = {p}\nq = {q}")),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        population(),
        rule(),
        (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0),
        (0.0f64..0.05, 1u32..10, 0.0f64..0.3),
        (2u32..6, 2u32..8, 0u64..i64::MAX as u64),
    )
        .prop_map(
            |(
                population,
                rule,
                (reach, trust, conversion, advocacy),
                (external, advocates, influencer_reach),
                (replicates, steps, seed),
            )| Case {
                population,
                rule,
                reach,
                trust,
                conversion,
                advocacy,
                external,
                advocates,
                influencer_reach,
                replicates,
                steps,
                seed,
            },
        )
}

impl Case {
    fn text(&self) -> String {
        format!(
            "[simulation]\nreplicates = {}\nsteps = {}\nseed = {}\n[population]\n{}\n\
             [word_of_mouth]\n{}\nreach = {}\ntrust = {}\ntrust_mode = \"consumer\"\nconversion = {}\nadvocacy = {}\nexternal = {}\n\
             [advocates]\ncount = {}\nposts = [0]\nincentive = 1.0\n\
             [influencer]\nfollower_share = 0.2\nreach = {}\nposts = [0]\nfee = 10.0\n",
            self.replicates,
            self.steps,
            self.seed,
            self.population,
            self.rule,
            self.reach,
            self.trust,
            self.conversion,
            self.advocacy,
            self.external,
            self.advocates,
            self.influencer_reach,
        )
    }

    fn run(&self) -> Vec<ReplicateResult> {
        run_text(&self.text())
    }
}

fn run_text(text: &str) -> Vec<ReplicateResult> {
    let s = scenario::parse(text, Path::new("property.toml"), &[])
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    simulate_in_memory(&s).expect("simulates").1
}

fn config() -> ProptestConfig {
    // Few cases by default (the whole file runs in seconds); PROPTEST_CASES overrides.
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every conversion is attributed to exactly one channel or to organic
    /// adoption, in every replicate.
    #[test]
    fn attribution_sums_to_conversions(case in case()) {
        for (i, r) in case.run().iter().enumerate() {
            prop_assert_eq!(r.channels.len(), 3, "influencer, programme, organic");
            let sum: u32 = r.channels.iter().map(|c| c.direct + c.word_of_mouth).sum();
            prop_assert_eq!(sum, r.outcome.conversions, "replicate {}: {:?}", i, r.channels);
            prop_assert_eq!(r.outcome.from.iter().sum::<u32>(), r.outcome.conversions);
        }
    }

    /// Adopters, conversions and the aware never fall from one step to the next;
    /// new conversions are the step's increase; the last step is the outcome.
    #[test]
    fn cumulative_curves_never_fall(case in case()) {
        for r in case.run() {
            prop_assert_eq!(r.curve.len(), case.steps as usize);
            let mut before = (0, 0, 0);
            for c in &r.curve {
                prop_assert!(c.adopters >= before.0 && c.conversions >= before.1 && c.aware >= before.2, "{:?}", r.curve);
                prop_assert_eq!(c.new_conversions, c.conversions - before.1);
                prop_assert!(c.conversions <= c.adopters && c.adopters <= c.aware);
                before = (c.adopters, c.conversions, c.aware);
            }
            let last = r.curve.last().unwrap();
            prop_assert_eq!((last.adopters, last.conversions, last.aware), (r.outcome.adopters, r.outcome.conversions, r.outcome.aware));
        }
    }

    /// The advocates of a larger programme include those of a smaller one (same
    /// seed): it never recruits fewer, in any replicate, and its recruits are
    /// counted as adopters, never as conversions.
    #[test]
    fn a_larger_nested_campaign_never_recruits_fewer(case in case(), extra in 1u32..10) {
        let small = case.run();
        let larger = Case { advocates: case.advocates + extra, ..case.clone() };
        let large = larger.run();
        for (s, l) in small.iter().zip(&large) {
            let recruited = |r: &ReplicateResult| r.outcome.adopters - r.outcome.conversions;
            prop_assert!(recruited(l) >= recruited(s), "{} < {}", recruited(l), recruited(s));
            prop_assert!(recruited(s) <= case.advocates && recruited(l) <= larger.advocates);
        }
    }

    /// One thread or two: the same results, replicate by replicate.
    #[test]
    fn one_and_two_threads_give_identical_results(case in case()) {
        let text = case.text();
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run_text(&text))
        };
        prop_assert!(on(1) == on(2));
    }

    /// Two scenarios that differ only in when the advocates post share their
    /// consumers' traits (who trusts peers): on a complete population where
    /// every recommendation is noticed and converts whoever trusts it, both end
    /// with the same conversions in every replicate, however many trust.
    #[test]
    fn paired_scenarios_share_traits(n in 20u32..200, trust in 0.1f64..0.9, seed in 0u64..i64::MAX as u64, later in 1u32..3) {
        let text = |post: u32| format!(
            "[simulation]\nreplicates = 6\nsteps = 6\nseed = {seed}\n[population]\ngenerator = \"complete\"\nnodes = {n}\n\
             [word_of_mouth]\nrule = \"cascade\"\nreach = 1.0\ntrust = {trust}\ntrust_mode = \"consumer\"\nconversion = 1.0\nadvocacy = 0.0\n\
             [advocates]\ncount = 3\nposts = [{post}]\n"
        );
        let (early, late) = (run_text(&text(0)), run_text(&text(later)));
        let mut counts = Vec::new();
        for (a, b) in early.iter().zip(&late) {
            prop_assert_eq!(a.outcome.conversions, b.outcome.conversions);
            counts.push(a.outcome.conversions);
        }
        // Not vacuous: the traits differ between replicates (unless n is tiny).
        counts.sort_unstable();
        counts.dedup();
        prop_assert!(counts.len() > 1 || n < 60 || !(0.2..0.8).contains(&trust), "{:?}", counts);
    }
}
