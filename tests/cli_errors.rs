//! Bad input, one test per class of bad input in docs/scenarios.md: the real binary must exit with code 2
//! and a message naming the file, the place and the field, never a panic.

mod common;

use common::{assert_contains, fails_with_input_error, wom};

fn fixture(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    let e = fails_with_input_error(&["validate", &fixture("syntax-error.toml")]);
    assert_contains(&e, &["syntax-error.toml:1:12", "TOML syntax error"]);
}

#[test]
fn unknown_key_suggests_the_near_miss() {
    let e = fails_with_input_error(&["validate", &fixture("unknown-key.toml")]);
    assert_contains(
        &e,
        &[
            "unknown-key.toml:5:1",
            "`word_of_mouth.reech`",
            "unknown key",
            "did you mean `reach`?",
        ],
    );
}

#[test]
fn unknown_section_suggests_the_near_miss() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        "[population]\ngenerator = \"complete\"\nnodes = 5\n[advocate]\ncount = 1\n",
    )
    .unwrap();
    let e = fails_with_input_error(&["validate", path.to_str().unwrap()]);
    assert_contains(
        &e,
        &[
            "s.toml:4:2",
            "unknown key `advocate`",
            "did you mean `advocates`?",
        ],
    );
}

#[test]
fn wrong_type_says_what_was_found_and_expected() {
    let e = fails_with_input_error(&["validate", &fixture("wrong-type.toml")]);
    assert_contains(
        &e,
        &[
            "wrong-type.toml:3:9",
            "`population.nodes`",
            "found string \"many\"",
            "expected an integer",
        ],
    );
}

#[test]
fn out_of_range_value_says_what_is_allowed() {
    let e = fails_with_input_error(&["validate", &fixture("out-of-range.toml")]);
    assert_contains(
        &e,
        &[
            "out-of-range.toml:5:9",
            "`word_of_mouth.reach`",
            "is 1.5",
            "from 0 to 1",
        ],
    );
}

#[test]
fn missing_generator_parameter_is_named() {
    let e = fails_with_input_error(&["validate", &fixture("missing-parameter.toml")]);
    assert_contains(
        &e,
        &[
            "missing-parameter.toml:1",
            "`population.attach`",
            "is missing",
        ],
    );
}

#[test]
fn unknown_generator_suggests_the_near_miss() {
    let e = fails_with_input_error(&["validate", &fixture("unknown-generator.toml")]);
    assert_contains(
        &e,
        &[
            "unknown-generator.toml:2:13",
            "did you mean \"barabasi_albert\"?",
        ],
    );
}

#[test]
fn more_advocates_than_consumers_is_refused() {
    let e = fails_with_input_error(&["validate", &fixture("too-many-advocates.toml")]);
    assert_contains(
        &e,
        &[
            "too-many-advocates.toml:5:9",
            "`advocates.count`",
            "is 200 but the population has 100 consumers",
            "use `share`",
        ],
    );
}

#[test]
fn posts_after_the_last_step_are_refused() {
    let e = fails_with_input_error(&["validate", &fixture("post-after-last-step.toml")]);
    assert_contains(
        &e,
        &[
            "post-after-last-step.toml:8:9",
            "`influencer.posts`",
            "has step 10",
            "steps 0 to 9",
        ],
    );
}

#[test]
fn every_error_in_a_file_is_reported_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        "[population]\ngenerator = \"complete\"\nnodes = 5\n[word_of_mouth]\nreach = 2.0\nconversion = -1.0\n",
    )
    .unwrap();
    let e = fails_with_input_error(&["validate", path.to_str().unwrap()]);
    let reach = e.find("word_of_mouth.reach").expect("reach reported");
    let conversion = e
        .find("word_of_mouth.conversion")
        .expect("conversion reported");
    assert!(reach < conversion, "{e}");
}

#[test]
fn missing_scenario_file_is_an_input_error() {
    let e = fails_with_input_error(&["validate", "tests/fixtures/no-such-scenario.toml"]);
    assert_contains(&e, &["no-such-scenario.toml", "no such file"]);
}

/// A scenario path that cannot be read fails the same way for every user, root
/// included (file permissions would not: root reads a mode-000 file).
#[test]
fn unreadable_scenario_path_is_an_input_error() {
    // A directory given as the scenario file.
    let e = fails_with_input_error(&["validate", "tests/fixtures"]);
    assert_contains(
        &e,
        &[
            "tests/fixtures: cannot load scenario: cannot read it",
            "directory",
            "help: give the path of a scenario .toml file",
        ],
    );
    // A path whose parent is a file.
    let e = fails_with_input_error(&["run", "--quiet", "tests/fixtures/valid.toml/s.toml"]);
    assert_contains(
        &e,
        &[
            "tests/fixtures/valid.toml/s.toml: cannot load scenario: cannot read it",
            "Not a directory",
        ],
    );
}

#[test]
fn bad_set_override_is_a_usage_error() {
    let output = wom()
        .args([
            "validate",
            &fixture("valid.toml"),
            "--set",
            "word_of_mouth.reach",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KEY=VALUE"), "{stderr}");
}

#[test]
fn set_override_is_validated_like_the_file() {
    let e = fails_with_input_error(&[
        "validate",
        &fixture("valid.toml"),
        "--set",
        "word_of_mouth.conversion=1.2",
    ]);
    assert_contains(
        &e,
        &[
            "--set word_of_mouth.conversion=1.2",
            "`word_of_mouth.conversion`",
            "is 1.2",
        ],
    );
    let e = fails_with_input_error(&[
        "validate",
        &fixture("valid.toml"),
        "--set",
        "advocates.cont=3",
    ]);
    assert_contains(&e, &["unknown key `cont`", "did you mean `count`?"]);
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let output = wom().arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn population_too_large_for_memory_is_refused_with_the_estimate() {
    let e = fails_with_input_error(&["graph", &fixture("too-large.toml")]);
    assert_contains(&e, &["too-large.toml", "needs about 32.1 TB", "available"]);
}

#[test]
fn edge_list_missing() {
    let e = fails_with_input_error(&["validate", &fixture("edges-missing.toml")]);
    assert_contains(
        &e,
        &[
            "edges-missing.toml:3:8",
            "`population.path`",
            "does not exist",
        ],
    );
}

#[test]
fn edge_list_unreadable() {
    let e = fails_with_input_error(&["graph", &fixture("edges-directory.toml")]);
    assert_contains(&e, &["tests/fixtures/edges", "directory"]);
}

#[test]
fn edge_list_malformed_names_the_first_bad_line() {
    let e = fails_with_input_error(&["graph", &fixture("edges-malformed.toml")]);
    assert_contains(&e, &["malformed.txt:4"]);
}

#[test]
fn edge_list_empty() {
    let e = fails_with_input_error(&["graph", &fixture("edges-empty.toml")]);
    assert_contains(&e, &["empty.txt", "no edges"]);
}

#[test]
fn edge_list_gzip_corrupt() {
    let e = fails_with_input_error(&["graph", &fixture("edges-corrupt-gzip.toml")]);
    assert_contains(&e, &["corrupt.txt.gz", "gzip"]);
}

#[test]
fn edge_list_gzip_truncated() {
    let e = fails_with_input_error(&["graph", &fixture("edges-truncated-gzip.toml")]);
    assert_contains(&e, &["truncated.txt.gz", "gzip"]);
}
