//! `wom run` end to end: the files of docs/outputs.md, their values on a hand-computable
//! scenario, and byte-identical results for any thread count.

mod common;

use common::wom;
use std::path::Path;

fn run_into(out: &Path, args: &[&str]) -> String {
    let output = wom()
        .args(["run", "--quiet", "--out", out.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// summary.json without its timing, which is the only part that may differ.
fn summary_without_timing(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&read(&dir.join("summary.json"))).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v
}

#[test]
fn tiny_path_outputs_match_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = run_into(dir.path(), &["tests/fixtures/tiny/path.toml"]);
    assert!(stdout.contains("tiny path"), "{stdout}");
    let folder = dir.path().join("path");
    let curves = read(&folder.join("curves.csv"));
    let mut lines = curves.lines();
    assert_eq!(
        lines.next().unwrap(),
        "step,adopters_mean,adopters_p05,adopters_p50,adopters_p95,conversions_mean,conversions_p05,conversions_p50,conversions_p95,new_conversions_mean,aware_mean,aware_p05,aware_p50,aware_p95,active_advocates_mean"
    );
    // Step 0: a (recruited) converts b. Step 1: b converts c. Step 2: c has no one left.
    assert_eq!(lines.next().unwrap(), "0,2,2,2,2,1,1,1,1,1,2,2,2,2,1");
    assert_eq!(lines.next().unwrap(), "1,3,3,3,3,2,2,2,2,1,3,3,3,3,1");
    assert_eq!(lines.next().unwrap(), "2,3,3,3,3,2,2,2,2,0,3,3,3,3,1");
    assert_eq!(lines.next(), None);

    let replicates = read(&folder.join("replicates.csv"));
    let mut lines = replicates.lines();
    assert_eq!(
        lines.next().unwrap(),
        "replicate,adopters,conversions,aware,from_influencer,from_advocates,from_word_of_mouth,from_organic,peak_step,half_step"
    );
    for r in 0..4 {
        // 3 adopters, 2 conversions (one by the advocate, one by word of mouth), all aware.
        assert_eq!(lines.next().unwrap(), format!("{r},3,2,3,0,1,1,0,0,0"));
    }
    assert_eq!(lines.next(), None);

    let s: serde_json::Value = serde_json::from_str(&read(&folder.join("summary.json"))).unwrap();
    assert_eq!(s["scenario"], "tiny path");
    assert_eq!(s["wom_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (s["seed"].as_u64(), s["replicates"].as_u64()),
        (Some(1), Some(4))
    );
    assert_eq!(
        (s["nodes"].as_u64(), s["ties"].as_u64()),
        (Some(3), Some(2))
    );
    for metric in ["adopters", "conversions", "aware"] {
        for stat in ["mean", "std", "ci95_low", "ci95_high", "p05", "p50", "p95"] {
            assert!(
                s["final"][metric][stat].is_number(),
                "final.{metric}.{stat}"
            );
        }
    }
    assert_eq!(s["final"]["conversions"]["mean"], 2.0);
    assert_eq!(s["final"]["conversions"]["std"], 0.0);
    assert_eq!(s["final"]["conversions"]["ci95_high"], 2.0);
    assert_eq!(s["attribution"]["advocates"], 0.5);
    assert_eq!(s["attribution"]["word_of_mouth"], 0.5);
    // One advocate at 10.0; 2 conversions worth 40 each: cost per conversion 5, ROI 7.
    assert_eq!(s["economics"]["cost"], 10.0);
    assert_eq!(s["economics"]["cost_per_conversion"], 5.0);
    assert_eq!(s["economics"]["roi"], 7.0);
    assert!(s["timing"]["build_seconds"].is_number());
    assert!(s["timing"]["simulate_seconds"].is_number());
    assert_eq!(s["resolved_scenario"]["word_of_mouth"]["conversion"], 1.0);
    // The one channel, the advocates, made both conversions (the seed's direct
    // conversion and the word of mouth it set off).
    let channels = std::fs::read_to_string(folder.join("channels.csv")).unwrap();
    let mut lines = channels.lines();
    assert_eq!(
        lines.next(),
        Some("channel,kind,cost,conversions_mean,conversions_ci95_low,conversions_ci95_high,direct_mean,word_of_mouth_mean,cost_per_conversion,roi")
    );
    assert_eq!(
        lines.next(),
        Some("advocates,advocates,10.0,2.0,2.0,2.0,1.0,1.0,5.0,7.0")
    );
    assert_eq!(
        lines.next(),
        Some("organic,organic,0.0,0.0,0.0,0.0,0.0,0.0,,")
    );
    // Nothing else, and no temporary file, is left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "channels.csv",
            "conversion.png",
            "conversion.svg",
            "curves.csv",
            "histogram.png",
            "histogram.svg",
            "replicates.csv",
            "summary.json"
        ]
    );
}

#[test]
fn thread_count_and_reruns_give_byte_identical_files() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let again = tempfile::tempdir().unwrap();
    let other_seed = tempfile::tempdir().unwrap();
    let args = ["scenarios/micro-advocates.toml", "--replicates", "300"];
    run_into(one.path(), &[&args[..], &["--threads", "1"]].concat());
    run_into(two.path(), &[&args[..], &["--threads", "2"]].concat());
    run_into(again.path(), &[&args[..], &["--threads", "2"]].concat());
    run_into(other_seed.path(), &[&args[..], &["--seed", "7"]].concat());
    let folder = |d: &tempfile::TempDir| d.path().join("micro-advocates");
    for file in ["curves.csv", "replicates.csv"] {
        let a = read(&folder(&one).join(file));
        assert_eq!(a, read(&folder(&two).join(file)), "{file}: 1 vs 2 threads");
        assert_eq!(a, read(&folder(&again).join(file)), "{file}: rerun");
        assert_ne!(
            a,
            read(&folder(&other_seed).join(file)),
            "{file}: other seed"
        );
    }
    assert_eq!(
        summary_without_timing(&folder(&one)),
        summary_without_timing(&folder(&two))
    );
}

/// With `new_graph_each_replicate`, each replicate builds its own graph on whichever
/// thread runs it; the files must still not depend on the thread count (1 and 3
/// threads cut the replicates into different chunks).
#[test]
fn a_new_graph_each_replicate_gives_byte_identical_files_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("fresh.toml");
    std::fs::write(
        &scenario,
        "[simulation]\nreplicates = 150\nsteps = 12\nseed = 5\nnew_graph_each_replicate = true\n\
         [population]\ngenerator = \"erdos_renyi\"\nnodes = 3000\nmean_degree = 6\n\
         [advocates]\ncount = 10\n",
    )
    .unwrap();
    let scenario = scenario.to_str().unwrap();
    let outputs: Vec<tempfile::TempDir> = ["1", "3"]
        .iter()
        .map(|threads| {
            let out = tempfile::tempdir().unwrap();
            run_into(out.path(), &[scenario, "--threads", threads]);
            out
        })
        .collect();
    let folder = |d: &tempfile::TempDir| d.path().join("fresh");
    for file in ["curves.csv", "replicates.csv"] {
        assert_eq!(
            read(&folder(&outputs[0]).join(file)),
            read(&folder(&outputs[1]).join(file)),
            "{file}: 1 vs 3 threads"
        );
    }
    assert_eq!(
        summary_without_timing(&folder(&outputs[0])),
        summary_without_timing(&folder(&outputs[1]))
    );
    let summary = summary_without_timing(&folder(&outputs[0]));
    assert_eq!(summary["new_graph_each_replicate"], true);
    // The replicates did run on graphs of their own: one shared graph gives other
    // results.
    let shared = tempfile::tempdir().unwrap();
    run_into(
        shared.path(),
        &[
            scenario,
            "--set",
            "simulation.new_graph_each_replicate=false",
        ],
    );
    assert_ne!(
        read(&folder(&outputs[0]).join("replicates.csv")),
        read(&folder(&shared).join("replicates.csv"))
    );
}

#[test]
fn existing_results_are_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), &["tests/fixtures/tiny/path.toml"]);
    let output = wom()
        .args([
            "run",
            "--quiet",
            "--out",
            dir.path().to_str().unwrap(),
            "tests/fixtures/tiny/path.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("already holds results") && stderr.contains("--force"),
        "{stderr}"
    );
    run_into(dir.path(), &["tests/fixtures/tiny/path.toml", "--force"]);
}

#[test]
fn a_run_that_fails_leaves_no_file() {
    // The advocate label is checked against the population only when it is built.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.toml");
    std::fs::copy("tests/fixtures/tiny/path.txt", dir.path().join("path.txt")).unwrap();
    std::fs::write(dir.path().join("advocate.txt"), "a\nzed\n").unwrap();
    std::fs::write(&scenario, read(Path::new("tests/fixtures/tiny/path.toml"))).unwrap();
    let out = dir.path().join("out");
    let output = wom()
        .args([
            "run",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
            scenario.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("advocate.txt:2:1") && stderr.contains("\"zed\""),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(out.join("bad")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn every_shipped_scenario_runs() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            run_into(dir.path(), &[path.to_str().unwrap(), "--replicates", "50"]);
        }
    }
}
