//! Bugs found by people trying wom, one test each, named after what it guards.

mod common;

use common::{assert_contains, fails_with_input_error, succeeds};
use std::path::Path;
use wom::scenario::{self, Override};
use wom::WomError;

/// The diagnostics of a scenario text that must fail validation.
fn problems(text: &str) -> Vec<wom::Diagnostic> {
    match scenario::parse(text, Path::new("test.toml"), &[]) {
        Err(WomError::Input(d)) => d,
        other => panic!("expected input errors, got {other:?}"),
    }
}

#[test]
fn a_refused_node_count_does_not_make_other_rules_fail() {
    let d = problems(
        "[population]\ngenerator = \"barabasi_albert\"\nnodes = 1_000_000_000_000\nattach = 5\n",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].field.as_deref(), Some("population.nodes"));
}

#[test]
fn every_problem_of_a_file_comes_in_one_run_in_file_order() {
    // An unknown key, a wrong type, an out-of-range value and a missing audience:
    // four classes that used to need four runs.
    let text = "\
[simulation]
replicats = 10
steps = \"thirty\"

[population]
generator = \"erdos_renyi\"
nodes = 1000
mean_degree = 5.0

[word_of_mouth]
reach = 1.5

[influencer]
reach = 0.01
";
    let d = problems(text);
    let fields: Vec<_> = d
        .iter()
        .map(|d| d.field.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "simulation.replicats",
            "simulation.steps",
            "word_of_mouth.reach",
            "influencer"
        ],
        "{d:#?}"
    );
    let lines: Vec<_> = d.iter().map(|d| d.line.unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn an_influencer_without_an_audience_still_gets_its_other_fields_checked() {
    let d = problems(
        "[population]\ngenerator = \"complete\"\nnodes = 100\n[influencer]\nreach = 2.0\nfee = -1.0\n",
    );
    let fields: Vec<_> = d.iter().filter_map(|d| d.field.as_deref()).collect();
    assert_eq!(
        fields,
        ["influencer", "influencer.reach", "influencer.fee"],
        "{d:#?}"
    );
}

#[test]
fn seeds_above_i64_are_kept_whole_not_clamped() {
    let text = "[population]\ngenerator = \"complete\"\nnodes = 10\n";
    let max = Override::new("simulation.seed", toml::Value::String(u64::MAX.to_string()));
    let s = scenario::parse(text, Path::new("t.toml"), &[max]).unwrap();
    assert_eq!(s.simulation.seed, u64::MAX);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("s.toml");
    std::fs::write(
        &file,
        format!("{text}[simulation]\nreplicates = 2\nsteps = 2\n"),
    )
    .unwrap();
    succeeds(&[
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--seed",
        "18446744073709551615",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let summary = std::fs::read_to_string(out.path().join("s/summary.json")).unwrap();
    assert_contains(&summary, &["\"seed\": 18446744073709551615"]);
}

#[test]
fn an_unpaired_comparison_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    let base = "[simulation]\nreplicates = 20\nsteps = 3\n[population]\ngenerator = \"complete\"\n";
    std::fs::write(&a, format!("{base}nodes = 100\n[advocates]\ncount = 5\n")).unwrap();
    std::fs::write(&b, format!("{base}nodes = 200\n[advocates]\ncount = 5\n")).unwrap();
    let out = dir.path().join("out");
    let table = succeeds(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_contains(
        &table,
        &["unpaired with the first: the populations differ (complete with 100 consumers vs complete with 200 consumers)"],
    );
    let json = std::fs::read_to_string(out.join("compare-a-vs-b/comparison.json")).unwrap();
    assert_contains(&json, &["\"unpaired_reason\": \"the populations differ"]);
}

#[test]
fn advocate_files_are_read_in_linear_time() {
    // 100,000 text labels on a 100,000-consumer edge list: a linear scan per label
    // (5 * 10^9 comparisons) took minutes; one hash index takes well under a second.
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let edges: String = (0..n).map(|i| format!("u{i} u{}\n", (i + 1) % n)).collect();
    std::fs::write(dir.path().join("ring.txt"), edges).unwrap();
    let labels: String = (0..n).rev().map(|i| format!("u{i}\n")).collect();
    std::fs::write(dir.path().join("advocates.txt"), labels).unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "[simulation]\nreplicates = 1\nsteps = 1\n[population]\ngenerator = \"edge_list\"\npath = \"ring.txt\"\n[advocates]\nchoose = \"file\"\npath = \"advocates.txt\"\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    succeeds(&[
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
}

#[test]
fn unknown_advocates_are_all_reported_with_their_lines_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "1\nx\u{1b}]0;pwned\u{7}\n2\nnope\n",
    )
    .unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "[population]\ngenerator = \"complete\"\nnodes = 10\n[advocates]\nchoose = \"file\"\npath = \"a.txt\"\n",
    )
    .unwrap();
    let e = fails_with_input_error(&[
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_contains(&e, &["a.txt:2:1", "a.txt:4:1", "\\u{1b}", "\"nope\""]);
    assert!(!e.contains('\u{1b}'), "{e:?}");
}

#[test]
fn an_audience_larger_than_an_edge_list_is_refused_by_validate_with_its_line() {
    let e = fails_with_input_error(&[
        "validate",
        "scenarios/facebook-advocates.toml",
        "--set",
        "advocates.count=200000",
    ]);
    assert_contains(
        &e,
        &[
            "facebook-advocates.toml (--set advocates.count=200000)",
            "asks for 200000 consumers but the population has 4039",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fb.toml");
    let text = std::fs::read_to_string("scenarios/facebook-advocates.toml")
        .unwrap()
        .replace("../data/", &format!("{}/data/", env!("CARGO_MANIFEST_DIR")))
        .replace("count = 40 ", "count = 200000 ");
    std::fs::write(&file, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("count = 200000"))
        .unwrap()
        + 1;
    let e = fails_with_input_error(&["validate", file.to_str().unwrap()]);
    assert_contains(&e, &[&format!("fb.toml:{line}:"), "advocates.count"]);
}

#[test]
fn a_folder_holding_no_results_does_not_block_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "[simulation]\nreplicates = 2\nsteps = 2\n[population]\ngenerator = \"complete\"\nnodes = 10\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    // An empty folder, and one with a killed run's hidden leftovers.
    std::fs::create_dir_all(out.join("s")).unwrap();
    let args = [
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    succeeds(&args);
    std::fs::remove_dir_all(out.join("s")).unwrap();
    std::fs::create_dir_all(out.join("s")).unwrap();
    std::fs::write(out.join("s/.replicates.csv.partial"), "junk").unwrap();
    succeeds(&args);
    // Real results still do.
    fails_with_input_error(&args);
}

#[test]
fn reproduce_finds_its_scenarios_from_another_folder_or_says_what_to_pass() {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("out");
    let output = common::wom()
        .current_dir(elsewhere.path())
        .args([
            "reproduce",
            "bass",
            "--replicates",
            "2",
            "--nodes",
            "50",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.join("validation/bass/validation.csv").is_file());
    let missing = elsewhere.path().join("nothing-here");
    let e = fails_with_input_error(&[
        "reproduce",
        "bass",
        "--scenarios",
        missing.to_str().unwrap(),
    ]);
    assert_contains(
        &e,
        &["cannot find the validation scenarios", "--scenarios DIR"],
    );
}

#[test]
fn advocate_file_lines_are_counted_right_with_any_line_ending() {
    for (ending, name) in [("\n", "lf"), ("\r\n", "crlf"), ("\r", "cr")] {
        let dir = tempfile::tempdir().unwrap();
        let labels = ["1", "2", "3", "nope"].join(ending);
        std::fs::write(dir.path().join("a.txt"), labels).unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(
            &file,
            "[population]\ngenerator = \"complete\"\nnodes = 10\n[advocates]\nchoose = \"file\"\npath = \"a.txt\"\n",
        )
        .unwrap();
        let e = fails_with_input_error(&["validate", file.to_str().unwrap()]);
        assert_contains(&e, &["a.txt:4:1", "\"nope\""]);
        assert!(
            !e.contains("a.txt:5") && !e.contains("a.txt:7"),
            "{name}: {e}"
        );
    }
}

#[test]
fn overrides_are_recorded_in_the_summary_the_figures_and_the_printout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "[simulation]\nreplicates = 5\nsteps = 3\n[population]\ngenerator = \"complete\"\nnodes = 50\n[advocates]\ncount = 2\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let printed = succeeds(&[
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--set",
        "advocates.count=30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_contains(&printed, &["overrides    advocates.count=30"]);
    let summary = std::fs::read_to_string(out.join("s/summary.json")).unwrap();
    assert_contains(
        &summary,
        &["\"overrides\": [\n    \"advocates.count=30\"\n  ]"],
    );
    let svg = std::fs::read_to_string(out.join("s/conversion.svg")).unwrap();
    assert_contains(&svg, &["with advocates.count=30"]);
}
