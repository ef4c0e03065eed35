//! The commands that succeed: validate, graph, every shipped scenario.

mod common;

use common::{succeeds, wom};

#[test]
fn every_shipped_scenario_validates() {
    let mut files: Vec<String> = ["scenarios", "scenarios/validation"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let out = succeeds(&args);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok: ")).count(),
        files.len(),
        "{out}"
    );
}

#[test]
fn validate_explain_prints_a_scenario_file_that_runs_as_it_is() {
    let out = succeeds(&["validate", "--explain", "tests/fixtures/valid.toml"]);
    let text = out.split_once('\n').unwrap().1;
    let v: toml::Table = toml::from_str(text).unwrap();
    assert_eq!(v["name"].as_str(), Some("valid fixture"));
    assert_eq!(v["word_of_mouth"]["rule"].as_str(), Some("cascade"));
    assert_eq!(v["word_of_mouth"]["trust"].as_float(), Some(0.92));
    assert_eq!(v["simulation"]["seed"].as_integer(), Some(7));
    assert_eq!(v["advocates"]["choose"].as_str(), Some("random"));
    // Pasted back as a scenario, it validates.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("explained.toml");
    std::fs::write(&file, text).unwrap();
    succeeds(&["validate", file.to_str().unwrap()]);
}

#[test]
fn validate_explain_prints_absolute_paths_that_work_from_another_folder() {
    let out = succeeds(&[
        "validate",
        "--explain",
        "tests/fixtures/edges-weighted.toml",
    ]);
    let text = out.split_once('\n').unwrap().1;
    let v: toml::Table = toml::from_str(text).unwrap();
    for path in [&v["population"]["path"], &v["advocates"]["path"]] {
        let path = std::path::Path::new(path.as_str().unwrap());
        assert!(path.is_absolute(), "{}\n{text}", path.display());
        assert!(path.is_file(), "{}", path.display());
    }
    // Saved in another folder and validated from there, it still finds its files.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("explained.toml"), text).unwrap();
    let output = wom()
        .current_dir(dir.path())
        .args(["validate", "explained.toml"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn graph_prints_statistics() {
    let out = succeeds(&["graph", "tests/fixtures/valid.toml"]);
    for key in [
        "nodes        2000",
        "ties ",
        "degree ",
        "percentiles ",
        "clustering ",
        "components ",
        "dropped ",
        "built in ",
    ] {
        assert!(out.contains(key), "missing {key:?} in\n{out}");
    }
}

#[test]
fn graph_json_on_the_facebook_scenario() {
    let out = succeeds(&["graph", "--json", "scenarios/facebook-advocates.toml"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["nodes"], 4039);
    assert_eq!(v["ties"], 88234);
    assert_eq!(v["components"], 1);
    // Published average clustering of ego-Facebook (SNAP): 0.6055.
    let c = v["clustering"].as_f64().unwrap();
    assert!((c - 0.6055).abs() < 0.0005, "{c}");
}

#[test]
fn graph_on_a_complete_population_never_stores_ties() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.toml");
    std::fs::write(
        &path,
        "[population]\ngenerator = \"complete\"\nnodes = 1_000_000\n",
    )
    .unwrap();
    let out = succeeds(&["graph", "--json", path.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ties"], 499_999_500_000u64);
    assert_eq!(v["implicit"], true);
}

#[test]
fn set_and_seed_override_the_file() {
    let a = succeeds(&["graph", "--json", "tests/fixtures/valid.toml"]);
    let b = succeeds(&[
        "graph",
        "--json",
        "tests/fixtures/valid.toml",
        "--seed",
        "8",
    ]);
    let c = succeeds(&[
        "graph",
        "--json",
        "tests/fixtures/valid.toml",
        "--set",
        "population.nodes=500",
    ]);
    let ties = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["ties"].clone();
    assert_ne!(ties(&a), ties(&b));
    let c: serde_json::Value = serde_json::from_str(&c).unwrap();
    assert_eq!(c["nodes"], 500);
}

#[test]
fn help_and_version_exit_zero() {
    wom().arg("--help").assert().success();
    wom().arg("--version").assert().success();
}
