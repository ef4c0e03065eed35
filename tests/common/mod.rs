//! Helpers shared by the integration tests: the real binary, and its failures.
#![allow(dead_code)] // each test file uses its own subset

use assert_cmd::Command;

/// The `wom` binary built by cargo for these tests.
pub fn wom() -> Command {
    Command::cargo_bin("wom").expect("the wom binary is built")
}

/// Run `wom ARGS`, assert exit code 2, one `error: ` message and no panic, and
/// return stderr.
pub fn fails_with_input_error(args: &[&str]) -> String {
    let output = wom().args(args).output().expect("wom runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "args {args:?}\nstderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

/// Run `wom ARGS`, assert success, and return stdout (which must be UTF-8).
pub fn succeeds(args: &[&str]) -> String {
    let output = wom().args(args).output().expect("wom runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "args {args:?}\nstderr: {stderr}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Every needle occurs in `text`.
pub fn assert_contains(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }
}

/// The column `name` of a CSV text (a header line, then numbers), as numbers.
pub fn csv_column(csv: &str, name: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let j = header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(j).unwrap().parse().unwrap())
        .collect()
}
