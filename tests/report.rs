//! `wom report` and `--report`: every result kind gets a report.html whose answer
//! holds the JSON's numbers as the command prints them, that is self-contained
//! (nothing loaded from anywhere), escapes what scenarios say, and lists every
//! assumption with its source. The same pages in a real browser:
//! tests/report_browser.rs.

mod common;
#[path = "common/reports.rs"]
mod reports;

use common::{fails_with_input_error, succeeds};
use reports::{answer, expected, folders, EVIL_NAME};
use std::path::Path;

fn report(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("report.html")).expect("report.html")
}

#[test]
fn every_kind_gets_a_report_whose_answer_holds_the_json_numbers() {
    let f = folders();
    let kinds: Vec<&str> = f.kinds.iter().map(|k| k.0).collect();
    for kind in [
        "run",
        "compare",
        "sweep",
        "breakeven",
        "sensitivity",
        "optimize",
        "fit",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing");
    }
    // Both shapes of fit.json (the Bass fit and the network fit), and both
    // searches of optimize (exhaustive and greedy).
    assert_eq!(kinds.iter().filter(|k| **k == "fit").count(), 2);
    let methods: Vec<String> = f
        .kinds
        .iter()
        .filter(|k| k.0 == "optimize")
        .map(|k| {
            let text = std::fs::read_to_string(k.1.join("optimize.json")).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            json["method"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(methods, ["exhaustive", "greedy"]);
    // One plan that beats the best single channel, one that is it.
    let plans: Vec<bool> = f
        .kinds
        .iter()
        .filter(|k| k.0 == "optimize")
        .map(|k| answer(&report(&k.1)).contains("also the best single-channel plan"))
        .collect();
    assert_eq!(plans, [false, true]);
    for (kind, dir, _) in &f.kinds {
        let html = report(dir);
        assert!(html.contains(&format!("wom report: {kind}")), "{kind}");
        let text = answer(&html);
        for number in expected(kind, dir) {
            assert!(text.contains(&number), "{kind}: `{number}` not in: {text}");
        }
    }
}

#[test]
fn the_answer_shows_the_numbers_the_command_printed() {
    for (kind, dir, stdout) in &folders().kinds {
        let text = answer(&report(dir));
        // The line of the printed result that the answer restates.
        if stdout.contains("ABC-SMC") {
            // The network fit prints a row per key: key, estimate, "low to high", ...
            let mut rows = 0;
            for line in stdout.lines().filter(|l| l.starts_with("word_of_mouth.")) {
                let w: Vec<&str> = line.split_whitespace().collect();
                let printed = format!("{} = {} (95% interval {} to {})", w[0], w[1], w[2], w[4]);
                assert!(
                    text.contains(&printed),
                    "`{printed}` printed, answer: {text}"
                );
                rows += 1;
            }
            assert_eq!(rows, 2, "{stdout}");
            continue;
        }
        let line = match *kind {
            "run" => stdout.lines().find(|l| l.starts_with("conversions")),
            "optimize" => {
                // Every CI of the plan's line (conversions, and profit when that is
                // the metric), then the difference from the best single channel
                // unless the plan is that channel.
                let plan = stdout
                    .lines()
                    .find(|l| l.trim_start().starts_with("cost "))
                    .expect("the plan's line");
                let mut printed: Vec<&str> = plan
                    .split("(95% CI ")
                    .skip(1)
                    .filter_map(|rest| rest.split(')').next())
                    .collect();
                assert!(!printed.is_empty(), "{plan}");
                if !text.contains("also the best single-channel plan") {
                    printed.extend(
                        stdout
                            .lines()
                            .find(|l| l.starts_with("difference"))
                            .and_then(|l| l.split("(95% CI ").nth(1))
                            .and_then(|rest| rest.split(')').next()),
                    );
                }
                for ci in printed {
                    assert!(text.contains(ci), "`{ci}` printed: {text}");
                }
                None
            }
            "breakeven" => stdout.lines().find(|l| l.starts_with("break-even")),
            "sensitivity" => stdout.lines().nth(1),
            _ => None,
        };
        let Some(line) = line else { continue };
        let ci = line
            .split("(95% CI ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap_or_else(|| panic!("{kind}: no CI in `{line}`"));
        assert!(text.contains(ci), "{kind}: `{ci}` printed, answer: {text}");
    }
}

#[test]
fn reports_are_self_contained() {
    for (kind, dir, _) in &folders().kinds {
        let html = report(dir);
        let lower = html.to_ascii_lowercase();
        for bad in [
            "<script", "<link", "<iframe", "<img", "<object", "@import", " src=",
        ] {
            assert!(!lower.contains(bad), "{kind}: `{bad}` in the report");
        }
        // The only URLs in attributes are the SVG namespace.
        for (at, _) in lower.match_indices("=\"http") {
            let before = &lower[..at];
            assert!(
                before.ends_with("xmlns") || before.ends_with("xmlns:xlink"),
                "{kind}: a link at {at}: {}",
                &html[at.saturating_sub(40)..(at + 60).min(html.len())]
            );
        }
        assert!(!lower.contains("url(http"), "{kind}");
        // Every figure of the folder is inline, scaled to the width, titled.
        let svgs = std::fs::read_dir(dir)
            .expect("the folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "svg"))
            })
            .count();
        assert!(svgs > 0, "{kind}");
        assert_eq!(html.matches("<svg viewBox=").count(), svgs, "{kind}");
        assert_eq!(
            html.matches("width=\"100%\" role=\"img\"").count(),
            svgs,
            "{kind}"
        );
        assert_eq!(html.matches("-title\">").count(), svgs, "{kind}");
        // Headers for screen readers.
        assert_eq!(
            html.matches("<th ").count() + html.matches("<th>").count(),
            html.matches("<th scope=").count(),
            "{kind}"
        );
    }
}

#[test]
fn a_scenario_named_like_markup_stays_text() {
    let (_, dir, _) = folders()
        .kinds
        .iter()
        .find(|k| k.1.ends_with("evil"))
        .expect("the evil run");
    let html = report(dir);
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.contains("<b>co</b>"));
    assert!(html.contains(
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt; &amp; &lt;b&gt;co&lt;&#x2f;b&gt;"
    ));
    assert!(answer(&html).contains(EVIL_NAME));
}

#[test]
fn every_assumption_is_listed_with_its_source() {
    let (_, dir, _) = &folders().kinds[0];
    let html = report(dir);
    for (key, source) in [
        // The comment on the key's line.
        (
            "word_of_mouth.trust",
            "Nielsen Global Trust in Advertising (2012): 92% trust friends&#x27; recommendations",
        ),
        (
            "advocates.incentive",
            "assumption: a 50.0 voucher per recruited advocate",
        ),
        // The comment block above the population's keys.
        (
            "population.generator",
            "Assumption: a scale-free friendship network (Barabasi-Albert)",
        ),
        // Set on the command line.
        (
            "population.nodes",
            "set on the command line: --set population.nodes=3000",
        ),
        (
            "word_of_mouth.advocacy",
            "--set word_of_mouth.advocacy=0.25",
        ),
        // Not in the file.
        ("simulation.new_graph_each_replicate", "wom&#x27;s default"),
        // In the file, without a comment.
        ("simulation.seed", "assumption (the file gives no source)"),
    ] {
        let row = html
            .split("<tr")
            .find(|r| r.contains(&format!(">{key}</th>")))
            .unwrap_or_else(|| panic!("no row for {key}"));
        assert!(row.contains(source), "{key}: {row}");
    }
    assert!(html.contains("<dd id=\"seed\">42</dd>"));
    assert!(html.contains(&format!(
        "<dd id=\"version\">{}</dd>",
        env!("CARGO_PKG_VERSION")
    )));
}

/// Run the report's reproducing command (words as printed, `--out` last) into a
/// fresh folder; returns that folder.
fn reproduce(dir: &Path, command: &str) -> tempfile::TempDir {
    let html = report(dir);
    let start = html.find("<code id=\"command\">").expect("a command") + 19;
    let end = start + html[start..].find("</code>").expect("its end");
    let line = html[start..end].replace("&#x2f;", "/");
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!(words[..2], ["wom", command], "{line}");
    assert_eq!(words[words.len() - 2], "--out", "{line}");
    let out = tempfile::tempdir().expect("a folder");
    let mut args: Vec<String> = words[1..words.len() - 1]
        .iter()
        .map(|w| w.to_string())
        .collect();
    args.push(out.path().display().to_string());
    args.push("--quiet".into());
    succeeds(&args.iter().map(String::as_str).collect::<Vec<_>>());
    out
}

fn read_json(dir: &Path, file: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

#[test]
fn the_reproducing_command_makes_the_same_numbers() {
    let (_, dir, _) = &folders().kinds[0];
    // Into a fresh folder: the same summary numbers.
    let out = reproduce(dir, "run");
    let (a, b) = (
        read_json(dir, "summary.json"),
        read_json(&out.path().join("micro-advocates"), "summary.json"),
    );
    assert_eq!(a["final"], b["final"]);
    assert_eq!(a["overrides"], b["overrides"]);
}

#[test]
fn the_optimize_and_network_fit_commands_make_the_same_numbers() {
    let find = |name: &str| {
        &folders()
            .kinds
            .iter()
            .find(|k| k.1.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"))
            .1
    };
    let dir = find("optimize-menu");
    let out = reproduce(dir, "optimize");
    let (a, b) = (
        read_json(dir, "optimize.json"),
        read_json(&out.path().join("optimize-menu"), "optimize.json"),
    );
    for key in ["plan", "versus_single", "frontier", "overrides", "levels"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    let dir = find("fit-calibrate-pilot");
    let out = reproduce(dir, "fit");
    let (a, b) = (
        read_json(dir, "fit.json"),
        read_json(&out.path().join("fit-calibrate-pilot"), "fit.json"),
    );
    for key in ["keys", "params", "rmse", "generations", "inputs"] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[test]
fn wom_report_remakes_the_file_and_refuses_other_folders() {
    let (_, dir, _) = &folders().kinds[1];
    let before = report(dir);
    let stdout = succeeds(&["report", &dir.display().to_string()]);
    assert!(stdout.contains("report.html"), "{stdout}");
    assert_eq!(report(dir), before, "the same folder gives the same page");
    let empty = tempfile::tempdir().expect("a folder");
    let stderr = fails_with_input_error(&["report", &empty.path().display().to_string()]);
    assert!(stderr.contains("is not a wom result folder"), "{stderr}");
    assert!(stderr.contains("summary.json"), "{stderr}");
    std::fs::write(empty.path().join("summary.json"), "{\"scenario\": 3}").unwrap();
    let stderr = fails_with_input_error(&["report", &empty.path().display().to_string()]);
    assert!(stderr.contains("summary.json"), "{stderr}");
    assert!(stderr.contains("not a wom result file"), "{stderr}");
    let missing = empty.path().join("nothing");
    let stderr = fails_with_input_error(&["report", &missing.display().to_string()]);
    assert!(stderr.contains("is not a folder"), "{stderr}");
}
