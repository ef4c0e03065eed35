//! `wom breakeven`: a closed-form break-even on a ring, no crossing as an answer,
//! thread-count independence, and bad `--range` / `--solve` refused with exit 2.

mod common;

use common::{fails_with_input_error, succeeds};
use std::path::Path;

// A ring of N consumers (watts_strogatz, neighbours 2, no rewiring), one step, no
// advocacy: each random advocate converts each of its 2 neighbours with r·c, an
// influencer converts each of its F random followers with r_I·c.
const N: f64 = 40_000.0;
const R: f64 = 0.25;
const C: f64 = 0.5;
const F: f64 = 2_000.0;
const R_I: f64 = 0.1;

fn ring(campaign: &str, name: &str) -> String {
    format!(
        r#"
name = "{name}"
[simulation]
replicates = 400
steps = 1
seed = 7
[population]
generator = "watts_strogatz"
nodes = {N}
neighbors = 2
rewire = 0.0
[word_of_mouth]
rule = "cascade"
reach = {R}
trust = 1.0
trust_mode = "exposure"
conversion = {C}
advocacy = 0.0
external = 0.0
{campaign}
[economics]
value_per_conversion = 40.0
"#
    )
}

fn files(dir: &Path) -> (String, String) {
    let a = dir.join("influencer.toml");
    let b = dir.join("advocates.toml");
    let influencer = format!(
        "[influencer]\nfollowers = {F}\nfollower_choice = \"random\"\nreach = {R_I}\ntrust = 1.0\nposts = [0]\nfee = 1000.0"
    );
    std::fs::write(&a, ring(&influencer, "influencer")).unwrap();
    let advocates = "[advocates]\ncount = 300\nchoose = \"random\"\nposts = [0]\nincentive = 2.0";
    std::fs::write(&b, ring(advocates, "advocates")).unwrap();
    (a.to_str().unwrap().into(), b.to_str().unwrap().into())
}

/// Expected conversions of k random advocates on the ring: a consumer who is not
/// an advocate, with j advocate neighbours, converts with 1 − (1 − rc)^j; with
/// q = k/N, E = N (1 − q)(2q·p − q²p²) for p = rc (neighbours independent to
/// O(1/N)).
fn advocates_expected(k: f64) -> f64 {
    let (q, p) = (k / N, R * C);
    N * (1.0 - q) * (2.0 * q * p - q * q * p * p)
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn ring_break_even_matches_the_closed_form() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = files(dir.path());
    let out = dir.path().join("out");
    let stdout = succeeds(&[
        "breakeven",
        &a,
        &b,
        "--solve",
        "advocates.count",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(stdout.contains("break-even"), "{stdout}");
    let json = read_json(&out.join("breakeven-influencer-vs-advocates/breakeven.json"));
    // The closed form: k with E(k) = F r_I c (bisection on the smooth formula).
    let target = F * R_I * C;
    let (mut lo, mut hi) = (1.0, 4000.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if advocates_expected(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let exact = lo; // about 404.5; F r_I / (2r) = 400 without overlap
    let value = json["value"].as_f64().unwrap();
    let (low, high) = (
        json["ci95_low"].as_f64().unwrap(),
        json["ci95_high"].as_f64().unwrap(),
    );
    eprintln!("closed form {exact:.1}, estimate {value} (95% CI {low} to {high})");
    assert_eq!(value, value.round(), "an integer key gives an integer");
    assert!(low <= value && value <= high);
    assert!(
        low - 1.0 <= exact && exact <= high + 1.0,
        "{exact} outside {low}..{high}"
    );
    assert!(high - low < 40.0, "a useful interval: {low}..{high}");
    assert_eq!(json["key"], "advocates.count");
    assert_eq!(json["metric"], "conversions");
    assert_eq!(json["paired"], true);
    let a_mean = json["a_mean"].as_f64().unwrap();
    assert!(
        (a_mean - target).abs() < 3.0,
        "A's mean {a_mean} vs {target}"
    );
    let evaluations = json["evaluations"].as_array().unwrap();
    assert!(evaluations.len() >= 5);
    for key in [
        "x",
        "b_mean",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
    ] {
        assert!(evaluations[0][key].is_number(), "{key}");
    }
    for f in ["breakeven.png", "breakeven.svg"] {
        assert!(out
            .join("breakeven-influencer-vs-advocates")
            .join(f)
            .exists());
    }
}

#[test]
fn no_crossing_is_an_answer_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = files(dir.path());
    let out = dir.path().join("out");
    let stdout = succeeds(&[
        "breakeven",
        &a,
        &b,
        "--solve",
        "advocates.count",
        "--range",
        "10..100",
        "--replicates",
        "100",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(stdout.contains("none"), "{stdout}");
    let json = read_json(&out.join("breakeven-influencer-vs-advocates/breakeven.json"));
    assert!(json["value"].is_null());
    assert!(json["reason"].as_str().unwrap().contains("below"));
}

#[test]
fn results_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = files(dir.path());
    let mut all = Vec::new();
    for threads in ["1", "3"] {
        let out = dir.path().join(format!("out{threads}"));
        succeeds(&[
            "breakeven",
            &a,
            &b,
            "--solve",
            "word_of_mouth.reach",
            "--replicates",
            "150",
            "--metric",
            "profit",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        let folder = out.join("breakeven-influencer-vs-advocates");
        let json = std::fs::read_to_string(folder.join("breakeven.json")).unwrap();
        let json: String = json
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"seconds\""))
            .collect();
        all.push((
            json,
            std::fs::read(folder.join("breakeven.png")).unwrap(),
            std::fs::read(folder.join("breakeven.svg")).unwrap(),
        ));
    }
    assert!(all[0] == all[1], "files differ between 1 and 3 threads");
}

#[test]
fn bad_range_and_solve_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = files(dir.path());
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    for (range, needle) in [
        ("500..100", "not below"),
        ("x..100", "not a number"),
        ("100", "LO..HI"),
        ("10.5..100", "whole numbers"),
        ("10..50000", "--range 10..50000"),
    ] {
        let stderr = fails_with_input_error(&[
            "breakeven",
            &a,
            &b,
            "--solve",
            "advocates.count",
            "--range",
            range,
            "--out",
            o,
        ]);
        common::assert_contains(&stderr, &[needle]);
    }
    let stderr = fails_with_input_error(&[
        "breakeven",
        &a,
        &b,
        "--solve",
        "advocates.choose",
        "--out",
        o,
    ]);
    common::assert_contains(&stderr, &["--solve advocates.choose", "not a number"]);
    let stderr = fails_with_input_error(&[
        "breakeven",
        &a,
        &b,
        "--solve",
        "advocates.cuont",
        "--out",
        o,
    ]);
    common::assert_contains(&stderr, &["--solve advocates.cuont"]);
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().count() == 0);
}
