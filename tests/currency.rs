//! `economics.currency` on every output that shows money: figures (SVG text),
//! terminal tables, the JSON files and report.html; "units" without one; the label
//! escaped like any name; scenarios in different currencies refused side by side.
//! Small populations and few replicates: seconds in all.

mod common;

use common::{fails_with_input_error, succeeds};
use std::path::{Path, PathBuf};

/// A small campaign with a creator's fee and an advocate incentive, money in
/// `currency` (none when `None`), and one uncertain assumption.
fn scenario(dir: &Path, stem: &str, currency: Option<&str>, count: u32) -> PathBuf {
    let currency = currency
        .map(|c| format!("currency = \"{c}\"\n"))
        .unwrap_or_default();
    let text = format!(
        r#"name = "{stem}"
[simulation]
replicates = 8
steps = 8
seed = 7
[population]
generator = "barabasi_albert"
nodes = 400
attach = 3
[influencer]
follower_share = 0.3
reach = 0.1
fee = 300.0
[advocates]
count = {count}
incentive = 10.0
[economics]
value_per_conversion = 40.0
{currency}
[uncertain]
"word_of_mouth.conversion" = {{ low = 0.05, high = 0.15 }}
"#
    );
    let path = dir.join(format!("{stem}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// `wom ARGS --out OUT -q --report`, returning stdout.
fn wom(args: &[&str], out: &Path) -> String {
    let mut all = args.to_vec();
    all.extend(["--out", out.to_str().unwrap(), "-q", "--report"]);
    succeeds(&all)
}

/// The text of the SVG's `<text>` elements, one string each.
fn svg_text(path: PathBuf) -> String {
    let svg = read(path);
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
        .filter_map(|t| t.split_once("</text>").map(|(text, _)| text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_output_shows_money_in_the_scenario_currency() {
    let dir = tempfile::tempdir().unwrap();
    let a = scenario(dir.path(), "a", Some("EUR"), 20);
    let b = scenario(dir.path(), "b", Some("EUR"), 40);
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = dir.path().join("out");

    let stdout = wom(&["run", a], &out);
    assert!(stdout.contains("cost 500.00 EUR"), "{stdout}");
    let run = out.join("a");
    assert_eq!(
        json(run.join("summary.json"))["economics"]["currency"],
        "EUR"
    );
    let html = read(run.join("report.html"));
    assert!(html.contains("500.00 EUR") && html.contains("money in EUR"));

    let stdout = wom(&["compare", a, b], &out);
    assert!(stdout.contains("cost (EUR)") && stdout.contains("per 1,000 EUR"));
    let folder = out.join("compare-a-vs-b");
    assert_eq!(json(folder.join("comparison.json"))["currency"], "EUR");
    let svg = svg_text(folder.join("comparison.svg"));
    assert!(svg.contains("conversions per 1,000 EUR spent"), "{svg}");
    let html = read(folder.join("report.html"));
    assert!(html.contains("per 1,000 EUR") && html.contains("money in EUR"));

    let stdout = wom(
        &[
            "sweep",
            a,
            "--vary",
            "advocates.incentive=5,15",
            "--metric",
            "profit",
        ],
        &out,
    );
    assert!(stdout.contains("profit (EUR) mean"), "{stdout}");
    let folder = out.join("sweep-a");
    assert_eq!(json(folder.join("sweep.json"))["currency"], "EUR");
    let svg = svg_text(folder.join("sweep.svg"));
    assert!(svg.contains("profit (EUR)"), "{svg}");
    assert!(svg.contains("advocates.incentive (EUR)"), "{svg}");
    let html = read(folder.join("report.html"));
    assert!(html.contains("advocates.incentive (EUR)") && html.contains("money in EUR"));

    wom(
        &[
            "breakeven",
            a,
            b,
            "--solve",
            "advocates.incentive",
            "--metric",
            "profit",
            "--range",
            "1..40",
        ],
        &out,
    );
    let folder = out.join("breakeven-a-vs-b");
    assert_eq!(json(folder.join("breakeven.json"))["currency"], "EUR");
    let svg = svg_text(folder.join("breakeven.svg"));
    assert!(svg.contains("advocates.incentive (EUR)"), "{svg}");
    assert!(svg.contains("profit (EUR): B − A"), "{svg}");
    assert!(read(folder.join("report.html")).contains("profit (EUR)"));

    wom(
        &["sensitivity", a, "--samples", "4", "--metric", "profit"],
        &out,
    );
    let folder = out.join("sensitivity-a");
    assert_eq!(json(folder.join("sensitivity.json"))["currency"], "EUR");
    for figure in ["tornado.svg", "uncertainty.svg"] {
        let svg = svg_text(folder.join(figure));
        assert!(svg.contains("profit (EUR)"), "{figure}: {svg}");
    }
    assert!(read(folder.join("report.html")).contains("profit (EUR)"));

    let stdout = wom(&["optimize", a, "--budget", "400", "--levels", "2"], &out);
    assert!(stdout.contains("budget 400 EUR"), "{stdout}");
    let folder = out.join("optimize-a");
    assert_eq!(json(folder.join("optimize.json"))["currency"], "EUR");
    let svg = svg_text(folder.join("frontier.svg"));
    assert!(svg.contains("budget (EUR)"), "{svg}");
    assert!(read(folder.join("report.html")).contains("400 EUR"));

    // No output of these names money as "units".
    for entry in walk(&out) {
        let name = entry.display().to_string();
        if name.ends_with(".svg") || name.ends_with(".html") || name.ends_with(".json") {
            assert!(!read(entry).contains("units"), "{name}");
        }
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn without_a_currency_money_is_in_units() {
    let dir = tempfile::tempdir().unwrap();
    let a = scenario(dir.path(), "a", None, 20);
    let b = scenario(dir.path(), "b", None, 40);
    let out = dir.path().join("out");
    let stdout = wom(&["compare", a.to_str().unwrap(), b.to_str().unwrap()], &out);
    assert!(stdout.contains("cost (units)"), "{stdout}");
    let folder = out.join("compare-a-vs-b");
    assert!(json(folder.join("comparison.json"))["currency"].is_null());
    let svg = svg_text(folder.join("comparison.svg"));
    assert!(svg.contains("conversions per 1,000 units spent"), "{svg}");
    let html = read(folder.join("report.html"));
    assert!(html.contains("money in units"));
    // A run's own report and line too.
    let stdout = wom(&["run", a.to_str().unwrap()], &out);
    assert!(stdout.contains("cost 500.00 units"), "{stdout}");
    assert!(read(out.join("a").join("report.html")).contains("money in units"));
}

#[test]
fn a_currency_like_markup_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let a = scenario(dir.path(), "a", Some("<b>"), 20);
    let b = scenario(dir.path(), "b", Some("<b>"), 40);
    let out = dir.path().join("out");
    wom(&["compare", a.to_str().unwrap(), b.to_str().unwrap()], &out);
    let folder = out.join("compare-a-vs-b");
    let svg = read(folder.join("comparison.svg"));
    assert!(!svg.contains("<b>"), "the SVG holds markup");
    assert!(svg.contains("per 1,000 &lt;b&gt; spent"));
    let html = read(folder.join("report.html"));
    assert!(!html.contains("<b>"), "the report holds markup");
    assert!(html.contains("&lt;b&gt;"));
}

#[test]
fn scenarios_in_different_currencies_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let eur = scenario(dir.path(), "eur", Some("EUR"), 20);
    let usd = scenario(dir.path(), "usd", Some("USD"), 40);
    let none = scenario(dir.path(), "none", None, 40);
    let out = dir.path().join("out");
    let (eur, usd, none) = (
        eur.to_str().unwrap(),
        usd.to_str().unwrap(),
        none.to_str().unwrap(),
    );
    let out_flag = out.to_str().unwrap();
    for args in [
        vec!["compare", eur, usd],
        vec!["sensitivity", eur, "--against", usd, "--samples", "4"],
        vec![
            "sweep",
            eur,
            "--vary",
            "advocates.count=10,20",
            "--against",
            usd,
        ],
        vec!["breakeven", eur, usd, "--solve", "advocates.count"],
    ] {
        let mut args = args.clone();
        args.extend(["--out", out_flag]);
        let stderr = fails_with_input_error(&args);
        assert!(stderr.contains(usd) && stderr.contains(eur), "{stderr}");
        assert!(stderr.contains("`economics.currency`"), "{stderr}");
        assert!(
            stderr.contains("\"USD\"") && stderr.contains("\"EUR\""),
            "{stderr}"
        );
        assert!(
            stderr.contains("money cannot be compared across currencies"),
            "{stderr}"
        );
    }
    // A scenario without one is not taken to be in any currency.
    let stderr = fails_with_input_error(&["compare", eur, none, "--out", out_flag]);
    assert!(stderr.contains("is none (money in \"units\")"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    // Made the same with --set, they compare.
    succeeds(&[
        "compare",
        eur,
        usd,
        "--set",
        "economics.currency=EUR",
        "--out",
        out_flag,
        "-q",
    ]);
}

#[test]
fn validate_explains_and_sets_the_currency() {
    let dir = tempfile::tempdir().unwrap();
    let a = scenario(dir.path(), "a", None, 20);
    let a = a.to_str().unwrap();
    let explained = succeeds(&[
        "validate",
        a,
        "--explain",
        "--set",
        "economics.currency=EUR",
    ]);
    assert!(explained.contains("currency = \"EUR\""), "{explained}");
    let explained = succeeds(&["validate", a, "--explain"]);
    assert!(!explained.contains("currency"), "{explained}");
    let stderr =
        fails_with_input_error(&["validate", a, "--set", "economics.currency=TOOLONGNAME"]);
    assert!(stderr.contains("`economics.currency`"), "{stderr}");
    assert!(
        stderr.contains("--set economics.currency=TOOLONGNAME"),
        "{stderr}"
    );
    assert!(stderr.contains("1 to 8 characters"), "{stderr}");
}
