//! Result folders of every kind, made once per test binary with `--report` (small
//! populations and few replicates, so they take seconds), and the numbers each
//! report's answer must show, taken from the folder's JSON and formatted as the
//! command prints them. Used by tests/report.rs and tests/report_browser.rs.
#![allow(dead_code)]

use super::common::wom;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folders, by kind, and what each command printed.
pub struct Folders {
    pub root: PathBuf,
    pub kinds: Vec<(&'static str, PathBuf, String)>,
}

/// A menu for `wom optimize`: two creators and a referral programme on a small
/// network; with `--levels 4` it has 20 mixes, so the search is exhaustive.
const MENU: &str = r#"
name = "small menu"
[simulation]
replicates = 20
steps = 10
seed = 42
[population]
generator = "barabasi_albert"
nodes = 3000
attach = 5
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
trust_mode = "consumer"
conversion = 0.1
advocacy = 0.3
active_steps = 1
[[influencer]]
name = "macro"
follower_share = 0.5
reach = 0.05
trust = 0.18
fee = 2000.0       # assumption: a macro creator's fee
[[influencer]]
name = "micro"
follower_share = 0.05
reach = 0.2
trust = 0.18
fee = 300.0
[[advocates]]
name = "referral"
count = 100
incentive = 10.0
[economics]
value_per_conversion = 40.0
"#;

/// A scenario named like markup, to show it stays text.
pub const EVIL_NAME: &str = "<script>alert('x')</script> & <b>co</b>";

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> String {
    let output = wom().args(args).output().expect("wom runs");
    assert!(
        output.status.success(),
        "wom {args:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// Every kind's folder, made on first use.
pub fn folders() -> &'static Folders {
    static FOLDERS: OnceLock<Folders> = OnceLock::new();
    FOLDERS.get_or_init(|| {
        // Under cargo's own scratch folder, one per test binary, made anew.
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("reports-{}", env!("CARGO_CRATE_NAME")));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("a scratch folder");
        let out = root.join("out");
        let out_s = out.display().to_string();
        let micro = repo("scenarios/micro-advocates.toml");
        let macro_ = repo("scenarios/macro-influencer.toml");
        let uncertain = repo("scenarios/uncertain-micro.toml");
        let evil = root.join("evil.toml");
        let text = std::fs::read_to_string(&micro).expect("the scenario");
        let text = text.replacen(
            "name = \"500 micro-advocates\"",
            &format!("name = {:?}", EVIL_NAME),
            1,
        );
        std::fs::write(&evil, text).expect("write the scenario");
        let small = [
            "--set",
            "population.nodes=3000",
            "--replicates",
            "20",
            "--quiet",
            "--report",
            "--out",
        ];
        let with = |head: &[&str]| -> Vec<String> {
            head.iter()
                .chain(small.iter())
                .map(|s| s.to_string())
                .chain([out_s.clone()])
                .collect()
        };
        let go = |args: Vec<String>| run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let mut kinds = Vec::new();
        let stdout = go(with(&[
            "run",
            &micro,
            "--set",
            "word_of_mouth.advocacy=0.25",
        ]));
        kinds.push(("run", out.join("micro-advocates"), stdout));
        let stdout = go(with(&["compare", &macro_, &micro]));
        kinds.push((
            "compare",
            out.join("compare-macro-influencer-vs-micro-advocates"),
            stdout,
        ));
        let stdout = go(with(&[
            "sweep",
            &micro,
            "--vary",
            "advocates.count=50..250:3",
            "--against",
            &macro_,
        ]));
        kinds.push(("sweep", out.join("sweep-micro-advocates"), stdout));
        let stdout = go(with(&[
            "breakeven",
            &macro_,
            &micro,
            "--solve",
            "advocates.count",
            "--range",
            "2..60",
        ]));
        kinds.push((
            "breakeven",
            out.join("breakeven-macro-influencer-vs-micro-advocates"),
            stdout,
        ));
        let stdout = go(with(&["sensitivity", &uncertain, "--samples", "4"]));
        kinds.push((
            "sensitivity",
            out.join("sensitivity-uncertain-micro"),
            stdout,
        ));
        let stdout = run(&[
            "fit",
            "--bass",
            &repo("data/room-air-conditioners.csv"),
            "--report",
            "--out",
            &out_s,
        ]);
        kinds.push(("fit", out.join("fit-room-air-conditioners"), stdout));
        let menu = root.join("menu.toml");
        std::fs::write(&menu, MENU).expect("write the menu");
        let menu_s = menu.display().to_string();
        let stdout = go(with(&[
            "optimize", &menu_s, "--budget", "1500", "--levels", "4",
        ]));
        kinds.push(("optimize", out.join("optimize-menu"), stdout));
        // More than 256 affordable mixes: greedy's plan, here for profit (one
        // channel only, so it is also the best single-channel plan).
        let greedy = root.join("greedy-menu.toml");
        std::fs::write(&greedy, MENU).expect("write the menu");
        let greedy_s = greedy.display().to_string();
        let stdout = go(with(&[
            "optimize",
            &greedy_s,
            "--budget",
            "4000",
            "--levels",
            "100",
            "--metric",
            "profit",
            "--set",
            "economics.value_per_conversion=100",
        ]));
        kinds.push(("optimize", out.join("optimize-greedy-menu"), stdout));
        let pilot = repo("scenarios/calibrate-pilot.toml");
        let stdout = go(with(&[
            "fit",
            &pilot,
            &repo("data/pilot-sales.csv"),
            "--params",
            "word_of_mouth.conversion,word_of_mouth.advocacy",
            "--particles",
            "40",
            "--per-particle",
            "2",
            "--generations",
            "3",
        ]));
        kinds.push(("fit", out.join("fit-calibrate-pilot"), stdout));
        let evil_s = evil.display().to_string();
        let stdout = go(with(&["run", &evil_s]));
        kinds.push(("run", out.join("evil"), stdout));
        Folders { root, kinds }
    })
}

fn json(dir: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).expect("the result file");
    serde_json::from_str(&text).expect("JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// The numbers (as text) that the answer of `kind`'s report in `dir` must hold.
pub fn expected(kind: &str, dir: &Path) -> Vec<String> {
    match kind {
        "run" => {
            let s = json(dir, "summary.json");
            let c = &s["final"]["conversions"];
            vec![
                format!("{:.1}", f(&c["mean"])),
                format!(
                    "95% CI {:.1} to {:.1}",
                    f(&c["ci95_low"]),
                    f(&c["ci95_high"])
                ),
                format!("{} steps", s["steps"]),
                format!("{} replicates", s["replicates"]),
            ]
        }
        "compare" => {
            let c = json(dir, "comparison.json");
            let b = &c["scenarios"][1];
            let v = &b["versus_first"];
            let d = &v["conversions"];
            let (m, l, h) = (f(&d["mean"]), f(&d["ci95_low"]), f(&d["ci95_high"]));
            let share = f(&v["beats_first_share"]);
            let ties = f(&v["ties_share"]);
            let (m, l, h, share) = if m >= 0.0 {
                (m, l, h, share)
            } else {
                (-m, -h, -l, 1.0 - share - ties)
            };
            vec![
                format!("{m:.1} more customers"),
                format!("95% CI {l:.1} to {h:.1}"),
                format!("{:.0}%", 100.0 * share),
            ]
        }
        "sweep" => {
            let s = json(dir, "sweep.json");
            let best = s["points"]
                .as_array()
                .expect("points")
                .iter()
                .max_by(|a, b| f(&a["metric_mean"]).total_cmp(&f(&b["metric_mean"])))
                .expect("a point")
                .clone();
            vec![
                format!("{:.3}", f(&best["metric_mean"])),
                format!(
                    "95% CI {:.3} to {:.3}",
                    f(&best["metric_ci95_low"]),
                    f(&best["metric_ci95_high"])
                ),
                format!("{:+.3}", f(&best["diff_mean"])),
                format!("p_better {:.2}", f(&best["p_better"])),
            ]
        }
        "breakeven" => {
            let b = json(dir, "breakeven.json");
            let n = wom::results::sweep::axis_number;
            match b["value"].as_f64() {
                Some(v) => vec![
                    format!("= {}", n(v)),
                    format!(
                        "95% CI {} to {}",
                        n(f(&b["ci95_low"])),
                        n(f(&b["ci95_high"]))
                    ),
                    format!("({})", n(f(&b["a_mean"]))),
                ],
                None => vec!["No break-even".to_string()],
            }
        }
        "sensitivity" => {
            let s = json(dir, "sensitivity.json");
            let top = s["keys"]
                .as_array()
                .expect("keys")
                .iter()
                .max_by(|a, b| f(&a["st"]).total_cmp(&f(&b["st"])))
                .expect("a key")
                .clone();
            let d = &s["distribution"];
            vec![
                top["key"].as_str().expect("key").to_string(),
                format!(
                    "{:.3}, 95% CI {:.3} to {:.3}",
                    f(&top["st"]),
                    f(&top["st_ci95_low"]),
                    f(&top["st_ci95_high"])
                ),
                format!(
                    "{:.2} (95% CI {:.2} to {:.2})",
                    f(&d["mean"]),
                    f(&d["ci95_low"]),
                    f(&d["ci95_high"])
                ),
            ]
        }
        "optimize" => {
            let o = json(dir, "optimize.json");
            let c = &o["plan"]["conversions"];
            let d = &o["versus_single"];
            let profit = o["metric"] == "profit";
            let unit = o["currency"].as_str().unwrap_or("units");
            let mut numbers = vec![
                format!("wins {:.1} customers", f(&c["mean"])),
                format!(
                    "95% CI {:.1} to {:.1}",
                    f(&c["ci95_low"]),
                    f(&c["ci95_high"])
                ),
                match o["method"].as_str() {
                    Some("exhaustive") => "exhaustive search".to_string(),
                    _ => "greedy's plan".to_string(),
                },
            ];
            if o["plan"]["mix"] == o["best_single"]["mix"] {
                numbers.push("it is also the best single-channel plan".to_string());
            } else {
                numbers.push(format!(
                    "{:.2}{} than the best single channel",
                    f(&d["mean"]),
                    if profit {
                        format!(" {unit} more profit")
                    } else {
                        " more".to_string()
                    }
                ));
                numbers.push(format!(
                    "paired 95% CI {:+.2} to {:+.2}",
                    f(&d["ci95_low"]),
                    f(&d["ci95_high"])
                ));
            }
            if profit {
                let m = &o["plan"]["metric"];
                numbers.push(format!(
                    "profit of {:.2} {unit} (95% CI {:.2} to {:.2})",
                    f(&m["mean"]),
                    f(&m["ci95_low"]),
                    f(&m["ci95_high"])
                ));
            }
            numbers
        }
        "fit" if json(dir, "fit.json").get("params").is_some() => {
            let j = json(dir, "fit.json");
            let g6 = wom::results::fit::six_digits;
            let mut numbers: Vec<String> = j["params"]
                .as_object()
                .expect("params")
                .iter()
                .map(|(k, p)| {
                    format!(
                        "{k} = {} (95% interval {} to {})",
                        g6(f(&p["estimate"])),
                        g6(f(&p["ci95_low"])),
                        g6(f(&p["ci95_high"]))
                    )
                })
                .collect();
            numbers.push(format!("misses the data by {}", g6(f(&j["rmse"]))));
            numbers
        }
        "fit" => {
            let j = json(dir, "fit.json");
            let g6 = wom::results::fit::six_digits;
            ["p", "q", "m"]
                .iter()
                .map(|k| {
                    let (e, se) = (f(&j[k]["estimate"]), f(&j[k]["se"]));
                    format!(
                        "{k} = {} (95% CI {} to {})",
                        g6(e),
                        g6(e - 1.96 * se),
                        g6(e + 1.96 * se)
                    )
                })
                .collect()
        }
        other => panic!("no expectation for {other}"),
    }
}

/// The text of the report's answer paragraph (`<p class="answer" id="answer">`),
/// with the entities the templates write turned back into characters.
pub fn answer(html: &str) -> String {
    let start = html.find("id=\"answer\">").expect("an answer") + "id=\"answer\">".len();
    let end = start + html[start..].find("</p>").expect("its end");
    html[start..end]
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
