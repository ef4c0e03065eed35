//! `wom sweep`: each point equals a `wom run --set` at that point exactly, grids,
//! thread-count independence, and every bad `--vary` refused with exit code 2.

mod common;

use common::{fails_with_input_error, succeeds};
use std::path::Path;

/// A small ring-free scenario: 3,000 consumers, 200 replicates.
const SCENARIO: &str = r#"
name = "small advocates"
[simulation]
replicates = 200
steps = 6
seed = 11
[population]
generator = "barabasi_albert"
nodes = 3000
attach = 3
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
conversion = 0.2
advocacy = 0.3
[advocates]
count = 40
posts = [0]
incentive = 10.0
[economics]
value_per_conversion = 40.0
"#;

const REFERENCE: &str = r#"
name = "small influencer"
[simulation]
replicates = 200
steps = 6
seed = 11
[population]
generator = "barabasi_albert"
nodes = 3000
attach = 3
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
conversion = 0.2
advocacy = 0.3
[influencer]
followers = 1500
reach = 0.05
trust = 0.5
posts = [0, 3]
fee = 400.0
[economics]
value_per_conversion = 40.0
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = vec![reader
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect::<Vec<_>>()];
    for r in reader.records() {
        rows.push(r.unwrap().iter().map(String::from).collect());
    }
    rows
}

/// `"mean": X` of final.conversions in a run's summary.json, as written.
fn summary_conversions_mean(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mean = &json["final"]["conversions"]["mean"];
    serde_json::to_string(mean).unwrap()
}

#[test]
fn every_point_equals_a_run_with_set_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "small.toml", SCENARIO);
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    succeeds(&[
        "sweep",
        &s,
        "--vary",
        "word_of_mouth.reach=0.1..0.3:3",
        "--vary",
        "advocates.count=20,60",
        "--out",
        out_s,
        "--quiet",
    ]);
    let rows = csv_rows(&out.join("sweep-small/sweep.csv"));
    assert_eq!(
        rows[0][..4],
        [
            "point",
            "word_of_mouth.reach",
            "advocates.count",
            "conversions_mean"
        ]
    );
    assert_eq!(rows.len(), 1 + 6);
    // First key slowest.
    assert_eq!(rows[1][1..3], ["0.1", "20"]);
    assert_eq!(rows[2][1..3], ["0.1", "60"]);
    assert_eq!(rows[3][1..3], ["0.2", "20"]);
    for row in [&rows[2], &rows[3], &rows[6]] {
        let run_out = dir.path().join(format!("run-{}", row[0]));
        succeeds(&[
            "run",
            &s,
            "--set",
            &format!("word_of_mouth.reach={}", row[1]),
            "--set",
            &format!("advocates.count={}", row[2]),
            "--out",
            run_out.to_str().unwrap(),
            "--quiet",
        ]);
        let mean = summary_conversions_mean(&run_out.join("small/summary.json"));
        assert_eq!(row[3], mean, "point {}", row[0]);
    }
    // A population key builds a population per point, and still matches.
    succeeds(&[
        "sweep",
        &s,
        "--vary",
        "population.nodes=2000,4000",
        "--out",
        out_s,
        "--quiet",
        "--force",
    ]);
    let rows = csv_rows(&out.join("sweep-small/sweep.csv"));
    let run_out = dir.path().join("run-nodes");
    succeeds(&[
        "run",
        &s,
        "--set",
        "population.nodes=4000",
        "--out",
        run_out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(
        rows[2][2],
        summary_conversions_mean(&run_out.join("small/summary.json"))
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep-small/sweep.json")).unwrap())
            .unwrap();
    assert_eq!(json["population_built_once"], false);
    for f in ["sweep.png", "sweep.svg", "sweep.json"] {
        assert!(out.join("sweep-small").join(f).exists(), "{f}");
    }
}

#[test]
fn grids_include_both_ends() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "small.toml", SCENARIO);
    let out = dir.path().join("out");
    succeeds(&[
        "sweep",
        &s,
        "--vary",
        "word_of_mouth.reach=0.05..0.2:4",
        "--replicates",
        "20",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let rows = csv_rows(&out.join("sweep-small/sweep.csv"));
    let reach: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(reach, ["0.05", "0.1", "0.15", "0.2"]);
    succeeds(&[
        "sweep",
        &s,
        "--vary",
        "advocates.count=100..500:5",
        "--replicates",
        "20",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--force",
    ]);
    let rows = csv_rows(&out.join("sweep-small/sweep.csv"));
    let counts: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(counts, ["100", "200", "300", "400", "500"]);
}

/// The files of a folder, `seconds` lines removed from the JSON.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let mut bytes = std::fs::read(&p).unwrap();
            if p.extension().is_some_and(|x| x == "json") {
                let text = String::from_utf8(bytes).unwrap();
                bytes = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("\"seconds\""))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes();
            }
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    all.sort();
    all
}

#[test]
fn results_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "small.toml", SCENARIO);
    let b = write(dir.path(), "influencer.toml", REFERENCE);
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let out = dir.path().join(format!("out{threads}"));
        succeeds(&[
            "sweep",
            &s,
            "--vary",
            "advocates.count=20..60:3",
            "--vary",
            "word_of_mouth.conversion=0.1,0.2",
            "--against",
            &b,
            "--metric",
            "profit",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        outputs.push(contents(&out.join("sweep-small")));
    }
    assert_eq!(outputs[0].len(), 4);
    assert!(
        outputs[0] == outputs[1],
        "files differ between 1 and 4 threads"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out1/sweep-small/sweep.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["metric"], "profit");
    assert_eq!(json["points"][0]["paired"], true);
    let header = String::from_utf8(
        outputs[0]
            .iter()
            .find(|f| f.0 == "sweep.csv")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(header.starts_with(
        "point,advocates.count,word_of_mouth.conversion,conversions_mean,conversions_ci95_low,conversions_ci95_high,adopters_mean,aware_mean,cost,roi_mean,diff_mean,diff_ci95_low,diff_ci95_high,p_better\n"
    ));
}

#[test]
fn bad_vary_flags_exit_2_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "small.toml", SCENARIO);
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--vary", "word_of_mouth.reachh=0.1,0.2"],
            &["--vary word_of_mouth.reachh=0.1,0.2", "reachh"],
        ),
        (
            &["--vary", "advocates.count=abc,10"],
            &["--vary advocates.count=abc,10", "abc"],
        ),
        (
            &["--vary", "word_of_mouth.reach=0.1..0.2:1"],
            &["--vary", "at least 2 points"],
        ),
        (
            &["--vary", "word_of_mouth.reach=0.3..0.2:4"],
            &["--vary", "not below"],
        ),
        (
            &[
                "--vary",
                "word_of_mouth.reach=0.1,0.2",
                "--vary",
                "word_of_mouth.reach=0.3",
            ],
            &["twice"],
        ),
        (
            &[
                "--vary",
                "word_of_mouth.reach=0.1",
                "--vary",
                "advocates.count=1",
                "--vary",
                "word_of_mouth.conversion=0.1",
            ],
            &["--vary word_of_mouth.conversion=0.1", "3 keys"],
        ),
        (
            &["--vary", "word_of_mouth.reach=1.5"],
            &["--vary word_of_mouth.reach=1.5", "reach"],
        ),
        (&["--vary", "noequals"], &["--vary noequals", "KEY=VALUES"]),
    ];
    for (flags, needles) in cases {
        let mut args = vec!["sweep", s.as_str(), "--out", o, "--quiet"];
        args.extend_from_slice(flags);
        let stderr = fails_with_input_error(&args);
        common::assert_contains(&stderr, needles);
    }
    assert!(
        !out.join("sweep-small").exists(),
        "nothing is written for bad input"
    );
}
