//! `wom fit SCENARIO DATA.csv --params ...` through the real binary: a fit to a
//! noise-free mean curve covers the values that made it, the same files come out
//! for any thread count, `fitted.toml` runs and reproduces the fitted curve, and
//! bad data or a key without a prior is exit 2 with a located message.

mod common;

use common::{assert_contains, csv_column, fails_with_input_error, succeeds};
use std::path::Path;

const SCENARIO: &str = "tests/fixtures/fit/small.toml";
const PARAMS: &str = "word_of_mouth.conversion,word_of_mouth.advocacy";

/// Simulate the small scenario at (conversion, advocacy) with `replicates` and
/// `seed`, and write its mean new conversions per step as a data file.
fn simulate_data(dir: &Path, conversion: f64, advocacy: f64, replicates: u32, seed: u64) -> String {
    let out = dir.join("truth");
    succeeds(&[
        "run",
        SCENARIO,
        "--set",
        &format!("word_of_mouth.conversion={conversion}"),
        "--set",
        &format!("word_of_mouth.advocacy={advocacy}"),
        "--replicates",
        &replicates.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let curves = std::fs::read_to_string(out.join("small/curves.csv")).unwrap();
    let mut data = "step,new_conversions\n".to_string();
    for (t, v) in csv_column(&curves, "new_conversions_mean")
        .iter()
        .enumerate()
    {
        data.push_str(&format!("{t},{v}\n"));
    }
    let path = dir.join("data.csv");
    std::fs::write(&path, data).unwrap();
    path.to_str().unwrap().to_string()
}

fn fit(data: &str, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "fit",
        SCENARIO,
        data,
        "--params",
        PARAMS,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    succeeds(&args)
}

fn fit_json(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("fit-small/fit.json")).unwrap()).unwrap()
}

#[test]
fn a_noise_free_mean_curve_is_recovered_within_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    // The mean of 400 replicates under another seed: the curve the values make.
    let data = simulate_data(dir.path(), 0.12, 0.6, 400, 99);
    let out = dir.path().join("out");
    let printed = fit(
        &data,
        &out,
        &[
            "--particles",
            "150",
            "--generations",
            "7",
            "--replicates",
            "50",
        ],
    );
    assert_contains(
        &printed,
        &["word_of_mouth.conversion", "95% interval", "rmse"],
    );
    let j = fit_json(&out);
    for (key, truth) in [
        ("word_of_mouth.conversion", 0.12),
        ("word_of_mouth.advocacy", 0.6),
    ] {
        let p = &j["params"][key];
        let (low, high) = (
            p["ci95_low"].as_f64().unwrap(),
            p["ci95_high"].as_f64().unwrap(),
        );
        let estimate = p["estimate"].as_f64().unwrap();
        assert!(
            low <= truth && truth <= high,
            "{key}: {truth} outside {low} to {high}"
        );
        assert!(low <= estimate && estimate <= high, "{key}: {p}");
        // Informative: narrower than the prior.
        assert!(
            p["width_share_of_prior"].as_f64().unwrap() < 0.8,
            "{key}: {p}"
        );
    }
    // The conversion is pinned by launch day's conversions: a tight interval.
    let c = &j["params"]["word_of_mouth.conversion"];
    assert!(c["width_share_of_prior"].as_f64().unwrap() < 0.4, "{c}");
    // The tolerance schedule falls, and the simulations are counted.
    let tolerances: Vec<f64> = j["generations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["tolerance"].as_f64())
        .collect();
    assert!(tolerances.len() >= 3, "{j}");
    assert!(tolerances.windows(2).all(|w| w[1] < w[0]), "{tolerances:?}");
    let sims: u64 = j["generations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["simulations"].as_u64().unwrap())
        .sum();
    assert_eq!(j["simulations"].as_u64().unwrap(), sims);
    // posterior.csv: one row per particle, weights summing to 1.
    let posterior = std::fs::read_to_string(out.join("fit-small/posterior.csv")).unwrap();
    assert!(posterior.starts_with(
        "particle,word_of_mouth.conversion,word_of_mouth.advocacy,weight,within,distance\n"
    ));
    let weights = csv_column(&posterior, "weight");
    assert_eq!(weights.len(), 150);
    assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

#[test]
fn fitted_toml_runs_and_gives_the_fitted_curve() {
    let dir = tempfile::tempdir().unwrap();
    let data = simulate_data(dir.path(), 0.2, 0.4, 1, 7);
    let out = dir.path().join("out");
    fit(
        &data,
        &out,
        &["--particles", "40", "--generations", "3", "-q"],
    );
    let j = fit_json(&out);
    let fitted = out.join("fit-small/fitted.toml");
    let toml = std::fs::read_to_string(&fitted).unwrap();
    assert_contains(
        &toml,
        &["# small fit with word_of_mouth.conversion", "95% interval"],
    );
    // The fitted keys leave [uncertain]; the other prior stays.
    assert!(!toml.contains("\"word_of_mouth.conversion\" ="), "{toml}");
    assert!(toml.contains("word_of_mouth.reach"), "{toml}");
    let run = dir.path().join("run");
    succeeds(&[
        "run",
        fitted.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
        "-q",
    ]);
    let curves = std::fs::read_to_string(run.join("fitted/curves.csv")).unwrap();
    let mean = csv_column(&curves, "new_conversions_mean");
    let observed = csv_column(&std::fs::read_to_string(&data).unwrap(), "new_conversions");
    let rmse = (mean
        .iter()
        .zip(&observed)
        .map(|(m, y)| (m - y) * (m - y))
        .sum::<f64>()
        / observed.len() as f64)
        .sqrt();
    let reported = j["rmse"].as_f64().unwrap();
    // curves.csv rounds to 9 decimals.
    assert!((rmse - reported).abs() < 1e-6, "{rmse} against {reported}");
}

#[test]
fn files_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let data = simulate_data(dir.path(), 0.15, 0.5, 1, 5);
    let one = dir.path().join("one");
    let three = dir.path().join("three");
    let knobs = ["--particles", "40", "--generations", "3", "-q"];
    let mut args = knobs.to_vec();
    args.extend(["--threads", "1"]);
    fit(&data, &one, &args);
    let mut args = knobs.to_vec();
    args.extend(["--threads", "3"]);
    fit(&data, &three, &args);
    for name in [
        "fit.json",
        "posterior.csv",
        "fitted.toml",
        "fit.svg",
        "fit.png",
    ] {
        let a = std::fs::read(one.join("fit-small").join(name)).unwrap();
        let b = std::fs::read(three.join("fit-small").join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 3 threads");
    }
}

#[test]
fn bad_data_rows_are_all_reported_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.csv");
    std::fs::write(&data, "step,conversions\n0,3\n1,x\n2,-4\n4,9\n5,8\n").unwrap();
    let e = fails_with_input_error(&[
        "fit",
        SCENARIO,
        data.to_str().unwrap(),
        "--params",
        PARAMS,
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_contains(
        &e,
        &[
            "bad.csv:3:2: `conversions`: found `x`; allowed: a number >= 0",
            "bad.csv:4:2: `conversions`: found `-4`",
            "bad.csv:5:1: `step`: step 4 follows step 2",
            "bad.csv:6:2: `conversions`: found 8, below 9 at step 4",
        ],
    );
    // Nothing was written.
    assert!(!dir.path().join("fit-small").exists());
    // A header without a measure, and more steps than the scenario simulates.
    std::fs::write(&data, "step,sales\n0,3\n").unwrap();
    let e = fails_with_input_error(&["fit", SCENARIO, data.to_str().unwrap(), "--params", PARAMS]);
    assert_contains(
        &e,
        &["bad.csv:1: unknown column `sales`", "no measure column"],
    );
    let mut long = "step,new_conversions\n".to_string();
    for t in 0..20 {
        long.push_str(&format!("{t},1\n"));
    }
    std::fs::write(&data, long).unwrap();
    let e = fails_with_input_error(&["fit", SCENARIO, data.to_str().unwrap(), "--params", PARAMS]);
    assert_contains(&e, &["bad.csv: the data have 20 steps", "--steps 20"]);
}

#[test]
fn a_key_without_a_prior_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.csv");
    std::fs::write(&data, "step,new_conversions\n0,3\n1,2\n").unwrap();
    let e = fails_with_input_error(&[
        "fit",
        SCENARIO,
        data.to_str().unwrap(),
        "--params",
        "word_of_mouth.conversion,word_of_mouth.trust",
    ]);
    assert_contains(
        &e,
        &[
            "`word_of_mouth.trust` has no prior",
            "allowed: word_of_mouth.conversion, word_of_mouth.advocacy, word_of_mouth.reach",
        ],
    );
    let e = fails_with_input_error(&["fit", SCENARIO, data.to_str().unwrap()]);
    assert_contains(&e, &["--params names no key"]);
    let e = fails_with_input_error(&["fit", SCENARIO]);
    assert_contains(&e, &["no data file given", "--bass"]);
    let e = fails_with_input_error(&[
        "fit",
        "--bass",
        data.to_str().unwrap(),
        "--params",
        "word_of_mouth.conversion",
    ]);
    assert_contains(&e, &["--params belongs to the network fit"]);
}
