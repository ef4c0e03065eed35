//! `wom sensitivity` and the `[uncertain]` table: located validation errors,
//! Sobol' indices of a campaign whose conversions are a product of two uniform
//! assumptions (against the exact indices), a dummy assumption's zero total
//! index, p_better where the decision boundary is known, and thread-count
//! independence.

use std::path::Path;
use wom::decide::evaluate::Metric;
use wom::decide::sensitivity::{analyse, Sensitivity, SensitivityOptions};
use wom::scenario::{self, Scenario};

/// One influencer posting once to every consumer of a well-mixed population,
/// trusted by all (exposure mode, trust 1), with no word of mouth (advocacy 0):
/// each of the F followers converts independently with reach × conversion, so a
/// run's mean conversions are F · r_I · c up to binomial noise.
fn campaign(reach: &str, uncertain: &str) -> String {
    format!(
        r#"name = "one post"
[simulation]
replicates = 10
steps = 1
seed = 7

[population]
generator = "complete"
nodes = 20000

[word_of_mouth]
trust_mode = "exposure"
advocacy = 0.0
conversion = 0.75

[influencer]
followers = 20000
reach = {reach}
trust = 1.0
posts = [0]
fee = 1000.0

[economics]
value_per_conversion = 10.0
{uncertain}"#
    )
}

fn parse(text: &str) -> Scenario {
    scenario::parse(text, Path::new("campaign.toml"), &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &Scenario, b: Option<&Scenario>, samples: usize) -> Sensitivity {
    let options = SensitivityOptions {
        samples,
        metric: Metric::Conversions,
        ..SensitivityOptions::default()
    };
    analyse(s, b, &options, &indicatif::ProgressBar::hidden()).unwrap()
}

#[test]
fn uncertain_problems_are_all_reported_with_their_lines() {
    let text = campaign(
        "0.02",
        r#"
[uncertain]
"word_of_mouth.conversion" = { low = 0.05, high = 1.5 }
"influencer.reach" = { dist = "lognormal", median = 0.0227, sigma = 0.5 }
"word_of_mouth.conversoin" = { low = 0.1, high = 0.2 }
"influencer.trust" = { survey = 0.92, sample = 0 }
"advocates.count" = { low = 1, high = 2 }
"economics.value_per_conversion" = { low = 20.0, high = 10.0 }
"word_of_mouth.advocacy" = { dist = "beta", a = 3.0, b = 0.0 }
"#,
    );
    let err = scenario::parse(&text, Path::new("campaign.toml"), &[])
        .expect_err("invalid")
        .to_string();
    let first = text.lines().position(|l| l == "[uncertain]").unwrap() + 2;
    let expected = [
        (
            first,
            "word_of_mouth.conversion",
            "a probability from 0 to 1",
        ),
        (first + 1, "influencer.reach", "log-normal"),
        (
            first + 2,
            "word_of_mouth.conversoin",
            "did you mean `word_of_mouth.conversion`",
        ),
        (first + 3, "influencer.trust.sample", "at least 1"),
        (first + 4, "advocates.count", "no [advocates] table"),
        (
            first + 5,
            "economics.value_per_conversion.high",
            "low < high",
        ),
        (first + 6, "word_of_mouth.advocacy.b", "above 0"),
    ];
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{err}");
    for ((line, key, says), got) in expected.iter().zip(&lines) {
        assert!(
            got.contains(&format!("campaign.toml:{line}:"))
                && got.contains(&format!("`uncertain.{key}`"))
                && got.contains(says),
            "expected line {line}, {key}, {says:?} in {got:?}"
        );
    }
    // A valid table is kept in file order and written back by to_toml.
    let ok = parse(&campaign(
        "0.02",
        "[uncertain]\n\"word_of_mouth.conversion\" = { dist = \"beta\", a = 3.0, b = 7.0 }\n\"influencer.reach\" = { low = 0.01, high = 0.04 }\n",
    ));
    let keys: Vec<&str> = ok.uncertain.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["word_of_mouth.conversion", "influencer.reach"]);
    let again = parse(&scenario::to_toml(&ok));
    assert_eq!(again.uncertain, ok.uncertain);
}

/// Exact indices of Y = X1 X2 (X3 a dummy), X1 ~ U(a1, b1), X2 ~ U(a2, b2)
/// independent, with means m_i = (a_i + b_i)/2 and variances v_i = (b_i − a_i)²/12:
/// E[Y | X1] = m2 X1, so V1 = m2² v1; likewise V2 = m1² v2; the interaction is
/// V12 = Var(Y) − V1 − V2 = v1 v2 (Var(Y) = (v1 + m1²)(v2 + m2²) − m1² m2²).
/// S1_i = V_i / V, ST_i = (V_i + V12) / V; the dummy's are 0. With a_i = 0 this
/// gives the textbook 3/7 and 4/7 whatever b_i; here reach ~ U(0.01, 0.05) and
/// conversion ~ U(0.5, 1.0) give S1 = (0.7770, 0.1942), ST = (0.8058, 0.2230).
fn product_indices(x1: (f64, f64), x2: (f64, f64)) -> ([f64; 2], [f64; 2]) {
    let m = |(a, b): (f64, f64)| (a + b) / 2.0;
    let v = |(a, b): (f64, f64)| (b - a) * (b - a) / 12.0;
    let (m1, v1, m2, v2) = (m(x1), v(x1), m(x2), v(x2));
    let (var1, var2, var12) = (m2 * m2 * v1, m1 * m1 * v2, v1 * v2);
    let total = var1 + var2 + var12;
    (
        [var1 / total, var2 / total],
        [(var1 + var12) / total, (var2 + var12) / total],
    )
}

#[test]
fn product_of_two_uniform_assumptions_matches_the_exact_indices() {
    let s = parse(&campaign(
        "0.02",
        r#"
[uncertain]
"influencer.reach" = { low = 0.01, high = 0.05 }
"word_of_mouth.conversion" = { low = 0.5, high = 1.0 }
"economics.value_per_conversion" = { low = 5.0, high = 15.0 }
"#,
    ));
    let r = run(&s, None, 512);
    let (s1, st) = product_indices((0.01, 0.05), (0.5, 1.0));
    // Tolerance: the bootstrap intervals at N = 512 are about ±0.05 (S1) and ±0.03
    // (ST) wide; replicate noise adds little: a sample's mean of 10 replicates has
    // variance about F r c / 10 ≈ 45 against Var(Y) = F² · 9.7e-5 ≈ 39,000 between
    // samples (0.1%), and common random numbers make most of it cancel between
    // A and A_B^i. 0.08 is 1.5 to 2.5 half-widths.
    for i in 0..2 {
        let k = &r.keys[i];
        assert!(
            (k.s1 - s1[i]).abs() < 0.08,
            "S1 of {}: {k:?}, exact {}",
            k.key,
            s1[i]
        );
        assert!(
            (k.st - st[i]).abs() < 0.08,
            "ST of {}: {k:?}, exact {}",
            k.key,
            st[i]
        );
        assert!(
            k.st_ci95_low - 0.02 <= st[i] && st[i] <= k.st_ci95_high + 0.02,
            "{k:?}"
        );
    }
    // The dummy never reaches the simulation: f(A_B^3) == f(A) bit for bit.
    let dummy = &r.keys[2];
    assert_eq!([dummy.st, dummy.st_ci95_low, dummy.st_ci95_high], [0.0; 3]);
    assert!(dummy.s1.abs() < 0.1, "{dummy:?}");
    assert_eq!(dummy.swing, 0.0);
    // Tornado: reach at its 5% / 95% quantiles (0.012, 0.048) with conversion at
    // the scenario's 0.75: about 20,000 · 0.75 · r.
    let reach = &r.keys[0];
    assert!(
        (reach.metric_at_low - 20_000.0 * 0.75 * 0.012).abs() < 20.0,
        "{reach:?}"
    );
    assert!(
        (reach.metric_at_high - 20_000.0 * 0.75 * 0.048).abs() < 40.0,
        "{reach:?}"
    );
    assert!((r.base - 300.0).abs() < 20.0, "{}", r.base);
}

#[test]
fn p_better_follows_the_share_of_draws_past_the_boundary() {
    let s = parse(&campaign(
        "0.02",
        "[uncertain]\n\"influencer.reach\" = { low = 0.0, high = 0.04 }\n",
    ));
    // B at a fixed reach (no [uncertain] table: it keeps it) of 0.02 (half the
    // range lies above it) and 0.01 (three quarters).
    // The A matrix's 1,024 draws give the share with sd √(p(1 − p)/1024) ≈ 0.016;
    // replicate noise blurs the boundary by about ±0.001 in reach (symmetrically).
    for (reach, expected) in [("0.02", 0.5), ("0.01", 0.75)] {
        let b = parse(&campaign(reach, ""));
        let r = run(&s, Some(&b), 1024);
        let a = r.against.as_ref().unwrap();
        assert!(a.shared_keys.is_empty(), "B keeps its own reach");
        assert!((a.p_better - expected).abs() < 0.05, "B at {reach}: {a:?}");
        assert_eq!(a.pairs, 1024 * 10);
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let s = parse(&campaign(
        "0.02",
        "[uncertain]\n\"influencer.reach\" = { low = 0.01, high = 0.05 }\n\"word_of_mouth.conversion\" = { dist = \"beta\", a = 3.0, b = 7.0 }\n",
    ));
    let b = parse(&campaign(
        "0.03",
        "[uncertain]\n\"word_of_mouth.conversion\" = { low = 0.1, high = 0.2 }\n",
    ));
    let json = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| run(&s, Some(&b), 32));
        assert_eq!(
            r.against.as_ref().unwrap().shared_keys,
            ["word_of_mouth.conversion"]
        );
        (serde_json::to_string(&r).unwrap(), r.sample_means)
    };
    assert_eq!(json(1), json(3));
}

#[test]
fn the_command_writes_its_files_and_refuses_a_scenario_without_assumptions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("campaign.toml");
    std::fs::write(
        &file,
        campaign(
            "0.02",
            "[uncertain]\n\"influencer.reach\" = { low = 0.01, high = 0.05 }\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let wom = || assert_cmd::Command::cargo_bin("wom").unwrap();
    wom()
        .args(["sensitivity", "--samples", "8", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let folder = out.join("sensitivity-campaign");
    for f in [
        "sensitivity.csv",
        "sensitivity.json",
        "tornado.png",
        "tornado.svg",
        "uncertainty.png",
        "uncertainty.svg",
    ] {
        assert!(folder.join(f).is_file(), "{f}");
    }
    let csv = std::fs::read_to_string(folder.join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("key,low,high,metric_at_low,metric_at_high,swing,s1,s1_ci95_low,s1_ci95_high,st,st_ci95_low,st_ci95_high\ninfluencer.reach,"));
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, campaign("0.02", "")).unwrap();
    wom()
        .args(["sensitivity", "--quiet", "--out"])
        .arg(&out)
        .arg(&plain)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no [uncertain] assumptions"));
}
