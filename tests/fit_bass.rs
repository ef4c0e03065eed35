//! `wom fit --bass DATA.csv` through the real binary: the shipped air-conditioner
//! series gives scipy's estimates, the fitted scenario validates and runs, and bad
//! data files exit with code 2 naming the file and the line.

mod common;

use common::{assert_contains, fails_with_input_error, succeeds, wom};
use std::path::{Path, PathBuf};

fn room_ac() -> String {
    format!(
        "{}/data/room-air-conditioners.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).expect("valid JSON")
}

/// Same value to 3 significant digits: |got - want| <= 0.5 x 10^(e - 2), where e is
/// the decimal exponent of `want`.
fn assert_sig3(got: f64, want: f64, what: &str) {
    let unit = 10f64.powi(want.abs().log10().floor() as i32 - 2);
    assert!(
        (got - want).abs() <= 0.5 * unit,
        "{what}: got {got}, want {want} (3 s.f.)"
    );
}

// scipy.optimize.curve_fit on the same series (tests/bass_fit.rs and
// docs/calibration.md say how they were computed), as (estimate, standard error).
const SCIPY_P: (f64, f64) = (0.00944205, 0.00203843);
const SCIPY_Q: (f64, f64) = (0.374763, 0.0402189);
const SCIPY_M: (f64, f64) = (18712.7, 1410.55);
// numpy's OLS on [1, S_{t-1}, S_{t-1}^2].
const NUMPY_OLS: [(&str, f64); 3] = [
    ("p", 0.016992029304147747),
    ("q", 0.4049457823753273),
    ("m", 17091.25259364047),
];

/// Fit the shipped series into a fresh folder; return the folder, the fit's folder
/// and stdout.
fn fit_room_ac() -> (tempfile::TempDir, PathBuf, String) {
    let out = tempfile::tempdir().unwrap();
    let stdout = succeeds(&[
        "fit",
        "--bass",
        &room_ac(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let dir = out.path().join("fit-room-air-conditioners");
    (out, dir, stdout)
}

#[test]
fn room_air_conditioners_match_scipy_to_three_digits() {
    let (_out, dir, stdout) = fit_room_ac();
    let fit = read_json(&dir.join("fit.json"));
    for (name, want) in [("p", SCIPY_P), ("q", SCIPY_Q), ("m", SCIPY_M)] {
        let got = &fit[name];
        assert_sig3(got["estimate"].as_f64().unwrap(), want.0, name);
        assert_sig3(got["se"].as_f64().unwrap(), want.1, &format!("se({name})"));
    }
    for (name, want) in NUMPY_OLS {
        let got = fit["ols"][name].as_f64().unwrap();
        assert!(((got - want) / want).abs() < 1e-9, "ols {name}: {got}");
    }
    assert_eq!(fit["periods"], 13);
    assert_eq!(fit["converged"], true);
    assert_eq!(fit["start"], "ols");
    assert_eq!(
        fit["method"],
        "nonlinear least squares on the Bass closed form (Srinivasan & Mason 1986), Levenberg-Marquardt"
    );
    assert!(fit["data"]
        .as_str()
        .unwrap()
        .ends_with("room-air-conditioners.csv"));
    assert_eq!(fit["wom_version"], env!("CARGO_PKG_VERSION"));
    for key in ["rss", "rmse", "iterations"] {
        assert!(fit[key].as_f64().is_some(), "{key}");
    }
    let rss = fit["rss"].as_f64().unwrap();
    assert!((fit["rmse"].as_f64().unwrap() - (rss / 13.0).sqrt()).abs() < 1e-9);
    for key in ["a", "b", "c"] {
        assert!(fit["ols"][key].as_f64().is_some(), "ols.{key}");
    }
    assert_contains(
        &stdout,
        &[
            "13 periods",
            "0.00944",
            "0.374763",
            "18712.7",
            "0.0169920",
            "wrote",
            "fit-room-air-conditioners",
            "fitted.toml",
        ],
    );
}

#[test]
fn writes_the_figures_and_nothing_half_written() {
    let (_out, dir, _) = fit_room_ac();
    let png = std::fs::read(dir.join("fit.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(dir.join("fit.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("valid SVG");
    let text: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert_contains(
        &text,
        &[
            "sales per period",
            "period (1 = first period after launch)",
            "data: sales per period",
            "Bass model fitted",
            "cumulative sales",
            "market potential",
        ],
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["fit.json", "fit.png", "fit.svg", "fitted.toml"]);
}

#[test]
fn fitted_scenario_validates_and_runs_the_fitted_model() {
    let (out, dir, _) = fit_room_ac();
    let scenario = dir.join("fitted.toml");
    let text = std::fs::read_to_string(&scenario).unwrap();
    assert_contains(
        &text,
        &[
            "rule = \"bass\"",
            "generator = \"complete\"",
            "nodes = 18713",
            "steps = 13",
            "dt = 1.0",
        ],
    );
    let scenario = scenario.to_str().unwrap();
    assert_contains(&succeeds(&["validate", scenario]), &["ok"]);
    let runs = out.path().join("runs");
    succeeds(&[
        "run",
        scenario,
        "--out",
        runs.to_str().unwrap(),
        "--replicates",
        "40",
        "--quiet",
    ]);
    // wom's bass rule follows the discrete Bass map with the fitted p, q and
    // nodes = round(m): the mean of 40 replicates lands on its prediction.
    let fit = wom::decide::calibrate::calibrate_bass(Path::new(&room_ac())).unwrap();
    let predicted = fit.discrete_cumulative(1.0, 13);
    let summary = read_json(&runs.join("fitted").join("summary.json"));
    let mean = summary["final"]["conversions"]["mean"].as_f64().unwrap();
    assert!(
        ((mean - predicted) / predicted).abs() < 0.02,
        "simulated {mean}, discrete map {predicted}"
    );
    // The file's own numbers for that prediction are the measured ones.
    assert_contains(&text, &["13,189", "14,648"]);
}

#[test]
fn earlier_results_are_kept_unless_forced() {
    let (out, _dir, _) = fit_room_ac();
    let args = [
        "fit",
        "--bass",
        &room_ac(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    let e = fails_with_input_error(&args);
    assert_contains(&e, &["already holds results", "--force"]);
    let mut forced = args.to_vec();
    forced.push("--force");
    succeeds(&forced);
}

#[test]
fn quiet_prints_nothing() {
    let out = tempfile::tempdir().unwrap();
    let stdout = succeeds(&[
        "fit",
        "--bass",
        &room_ac(),
        "--out",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(stdout, "");
    assert!(out
        .path()
        .join("fit-room-air-conditioners/fit.json")
        .exists());
}

/// Write `text` as `name` in a fresh folder, run `wom fit --bass` on it, assert
/// exit code 2 and that no output folder was made; return stderr.
fn bad_data(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out");
    let e = fails_with_input_error(&[
        "fit",
        "--bass",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!out.exists(), "bad data must not create {out:?}");
    e
}

#[test]
fn empty_file() {
    let e = bad_data("empty.csv", "");
    assert_contains(&e, &["empty.csv: the file is empty", "period,sales"]);
}

#[test]
fn header_without_rows() {
    let e = bad_data("header.csv", "period,sales\n");
    assert_contains(&e, &["header.csv: the file has a header but no rows"]);
}

#[test]
fn missing_columns() {
    let e = bad_data("cols.csv", "period,units\n1,5\n2,6\n3,7\n4,8\n");
    assert_contains(
        &e,
        &[
            "cols.csv:1: no `sales` column; the header has `period`, `units`",
            "unknown column `units`",
        ],
    );
}

#[test]
fn extra_columns_are_named() {
    let e = bad_data(
        "extra.csv",
        "period,sales,region,year\n1,5,a,1949\n2,6,a,1950\n3,7,a,1951\n4,8,a,1952\n",
    );
    assert_contains(
        &e,
        &[
            "extra.csv:1: unknown columns `region`, `year`",
            "allowed: `period` and `sales`",
        ],
    );
}

#[test]
fn non_numeric_values() {
    let e = bad_data("text.csv", "period,sales\n1,5\n2,lots\nthree,7\n4,8\n5,\n");
    assert_contains(
        &e,
        &[
            "text.csv:3:2: `sales`: found `lots`; allowed: a number >= 0",
            "text.csv:4:1: `period`: found `three`; allowed: a whole number",
            "text.csv:6:2: `sales`: found an empty field",
        ],
    );
    // In file order.
    let (a, b) = (e.find("text.csv:3").unwrap(), e.find("text.csv:4").unwrap());
    assert!(a < b, "{e}");
}

#[test]
fn negative_sales() {
    let e = bad_data("negative.csv", "period,sales\n1,5\n2,-6\n3,7\n4,8\n");
    assert_contains(
        &e,
        &["negative.csv:3:2: `sales`: found `-6`; allowed: a number >= 0"],
    );
}

#[test]
fn non_consecutive_periods() {
    let e = bad_data("gaps.csv", "sales,period\n5,1\n6,2\n7,4\n8,5\n9,5\n");
    assert_contains(
        &e,
        &[
            "gaps.csv:4:2: `period`: period 4 follows period 2",
            "so 3 was expected here",
            "gaps.csv:6:2: `period`: period 5 follows period 5",
        ],
    );
    let e = bad_data("late.csv", "period,sales\n2,5\n3,6\n4,7\n5,8\n");
    assert_contains(
        &e,
        &["late.csv:2:1: `period`: found 2; the first row must be period 1"],
    );
}

#[test]
fn fewer_than_four_periods() {
    let e = bad_data("short.csv", "period,sales\n1,5\n2,6\n3,7\n");
    assert_contains(&e, &["short.csv: 3 periods found", "at least 4"]);
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let mut text = String::from("period,sales\n");
    for t in 1..=60 {
        text.push_str(&format!("{t},-{t}\n"));
    }
    let e = bad_data("many.csv", &text);
    assert_contains(
        &e,
        &["many.csv:2:2:", "many.csv:51:2:", "and 10 more problems"],
    );
    assert!(!e.contains("many.csv:52:"), "{e}");
}

#[test]
fn series_the_model_cannot_fit() {
    let e = bad_data("zeros.csv", "period,sales\n1,0\n2,0\n3,0\n4,0\n5,0\n");
    assert_contains(&e, &["zeros.csv: the Bass model cannot be fitted"]);
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.csv");
    let e = fails_with_input_error(&["fit", "--bass", path.to_str().unwrap()]);
    assert_contains(&e, &["nowhere.csv: cannot read the sales data"]);
}

#[test]
fn bass_data_is_required() {
    let output = wom().args(["fit"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_contains(&String::from_utf8_lossy(&output.stderr), &["--bass"]);
}
