//! Every kind of report.html in a real browser (Debian's headless Chromium driven
//! by playwright-core, tests/browser/check.mjs): every network request refused,
//! and the test fails on a console error, a refused request, a figure that does not
//! render, an answer without the JSON's numbers, horizontal overflow at 390 px, or a
//! page wider than A4 in print. A page broken on purpose shows that the checker
//! catches each of these.
//!
//! Needs `chromium` (or WOM_CHROMIUM=path) and `npm ci` in tests/browser. Without
//! them the test says loudly that it was skipped, unless WOM_REQUIRE_BROWSER=1
//! (set by .ci/run), when it fails.

mod common;
#[path = "common/reports.rs"]
mod reports;

use reports::{expected, folders};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Chromium and the npm package, or why they are not there.
fn tools() -> Result<PathBuf, String> {
    let chromium = std::env::var_os("WOM_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "{} is missing (apt-get install chromium)",
            chromium.display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node is missing".into());
    }
    if !browser_dir().join("node_modules/playwright-core").is_dir() {
        return Err("tests/browser/node_modules is missing (cd tests/browser && npm ci)".into());
    }
    Ok(chromium)
}

/// Run the checker on `pages` (JSON); its exit status and output.
fn check(chromium: &Path, pages: serde_json::Value) -> (bool, String) {
    let spec = tempfile::NamedTempFile::new().expect("a spec file");
    std::fs::write(
        spec.path(),
        serde_json::json!({ "pages": pages }).to_string(),
    )
    .unwrap();
    let output = Command::new("node")
        .arg(browser_dir().join("check.mjs"))
        .arg(spec.path())
        .env("WOM_CHROMIUM", chromium)
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn every_report_kind_renders_offline_in_chromium() {
    let chromium = match tools() {
        Ok(c) => c,
        Err(why) => {
            let required = std::env::var("WOM_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(!required, "WOM_REQUIRE_BROWSER=1 and {why}");
            // Straight to the process's stderr: the test harness does not capture it.
            let bar = "!".repeat(78);
            let _ = writeln!(
                std::io::stderr(),
                "\n{bar}\nSKIPPED: the report browser test did not run: {why}.\n\
                 Set WOM_REQUIRE_BROWSER=1 to make this a failure (.ci/run does).\n{bar}\n"
            );
            return;
        }
    };
    let f = folders();
    let mut pages: Vec<serde_json::Value> = f
        .kinds
        .iter()
        .map(|(kind, dir, _)| {
            serde_json::json!({
                "html": dir.join("report.html"),
                "expect": expected(kind, dir),
            })
        })
        .collect();
    // Broken on purpose: the checker must catch each problem.
    let good = f.kinds[1].1.join("report.html");
    let html = std::fs::read_to_string(&good).unwrap();
    let broken = f.root.join("broken.html");
    let html = html
        .replacen(
            "<main>",
            "<main><div style=\"width:700px\">wide</div><img alt=\"\" src=\"http://example.invalid/x.png\">",
            1,
        )
        .replacen("<svg viewBox=", "<svg style=\"display:none\" viewBox=", 1);
    std::fs::write(&broken, html).unwrap();
    let (ok, text) = check(
        &chromium,
        serde_json::json!([{ "html": broken, "expect": ["123456.7"] }]),
    );
    assert!(!ok, "the broken page passed:\n{text}");
    for problem in [
        "request refused: http://example.invalid/x.png",
        "console error",
        "horizontal overflow at 390 px",
        "not rendered",
        "answer lacks \"123456.7\"",
        "print: page is",
    ] {
        assert!(text.contains(problem), "`{problem}` not caught:\n{text}");
    }
    pages.truncate(f.kinds.len());
    let (ok, text) = check(&chromium, serde_json::Value::Array(pages));
    println!("{text}");
    assert!(ok, "{text}");
}
