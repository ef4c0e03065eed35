//! Reliability of result folders and of the memory guard (docs/reliability.md):
//! concurrent runs into one folder, runs killed at any moment, a full disk, and
//! memory limits (RLIMIT_AS). Every test goes through the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_wom");

/// A small scenario: a run takes a fraction of a second, most of it the figures.
fn scenario(dir: &Path) -> PathBuf {
    let path = dir.join("small.toml");
    std::fs::write(
        &path,
        r#"name = "small"
[simulation]
replicates = 40
steps = 12
seed = 7
[population]
generator = "barabasi_albert"
nodes = 2000
attach = 3
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
conversion = 0.2
advocacy = 0.3
[advocates]
count = 20
choose = "random"
posts = [0]
incentive = 50.0
[economics]
value_per_conversion = 40.0
"#,
    )
    .unwrap();
    path
}

fn wom(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

fn run_cmd(scenario: &Path, out: &Path, replicates: u32) -> Command {
    wom(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replicates",
        &replicates.to_string(),
        "--force",
        "--quiet",
    ])
}

const FILES: [&str; 8] = [
    "channels.csv",
    "curves.csv",
    "replicates.csv",
    "summary.json",
    "conversion.png",
    "conversion.svg",
    "histogram.png",
    "histogram.svg",
];

/// The visible files of a result folder, each checked to parse; summary.json
/// without its timing (which differs from run to run). Panics on an incomplete or
/// inconsistent set; returns the replicate count.
fn check_complete_set(dir: &Path) -> (u32, BTreeMap<String, Vec<u8>>) {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.'),
            "{}: a temporary {name} inside the result folder",
            dir.display()
        );
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        files.insert(name, bytes);
    }
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    let mut expected = FILES.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected, "{}: not a complete set", dir.display());
    let summary: serde_json::Value = serde_json::from_slice(&files["summary.json"])
        .unwrap_or_else(|e| panic!("{}: summary.json: {e}", dir.display()));
    let replicates = summary["replicates"].as_u64().unwrap() as u32;
    let mut reader = csv::Reader::from_reader(&files["replicates.csv"][..]);
    let headers = reader.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "conversions").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.len() as u32,
        replicates,
        "{}: replicates.csv rows against summary.json",
        dir.display()
    );
    let mean = rows
        .iter()
        .map(|r| r[col].parse::<f64>().unwrap())
        .sum::<f64>()
        / rows.len() as f64;
    let reported = summary["final"]["conversions"]["mean"].as_f64().unwrap();
    assert!(
        (mean - reported).abs() < 1e-9 * mean.abs().max(1.0),
        "{}: mean {mean} of replicates.csv, {reported} in summary.json",
        dir.display()
    );
    let mut curves = csv::Reader::from_reader(&files["curves.csv"][..]);
    let curve_rows: Vec<csv::StringRecord> = curves.records().map(|r| r.unwrap()).collect();
    assert_eq!(curve_rows.len(), 12);
    for png in ["conversion.png", "histogram.png"] {
        assert!(files[png].starts_with(b"\x89PNG\r\n\x1a\n"), "{png}");
        assert!(files[png].ends_with(b"IEND\xaeB`\x82"), "{png} truncated");
    }
    for svg in ["conversion.svg", "histogram.svg"] {
        let text = std::str::from_utf8(&files[svg]).unwrap();
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{svg}: {e}"));
    }
    // Timing differs from run to run: keep the rest of the summary.
    let mut summary = summary;
    summary.as_object_mut().unwrap().remove("timing");
    files.insert("summary.json".into(), serde_json::to_vec(&summary).unwrap());
    (replicates, files)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Two runs into one folder at the same time, `pairs` times.
fn concurrent_pairs(pairs: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario(tmp.path());
    for pair in 0..pairs {
        let out = tmp.path().join(format!("out{pair}"));
        let children: Vec<Child> = (0..2)
            .map(|_| run_cmd(&scenario, &out, 30).spawn().unwrap())
            .collect();
        for child in children {
            let o = child.wait_with_output().unwrap();
            let code = o.status.code();
            assert!(
                code == Some(0),
                "pair {pair}: exit {:?}: {}",
                o.status,
                stderr(&o)
            );
        }
        let (replicates, _) = check_complete_set(&out.join("small"));
        assert_eq!(replicates, 30);
    }
}

#[test]
fn two_runs_into_one_folder_leave_one_complete_set() {
    concurrent_pairs(20);
}

/// The issue's 100 pairs: `cargo test --release --test reliability -- --ignored`.
#[test]
#[ignore]
fn two_runs_into_one_folder_100_pairs() {
    concurrent_pairs(100);
}

/// Without --force, the second of two runs waits for the first and then refuses
/// (the folder holds results by then), naming the folder.
#[test]
fn a_second_run_without_force_waits_then_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario(tmp.path());
    let out = tmp.path().join("out");
    let args = |out: &Path| {
        let mut c = run_cmd(&scenario, out, 30);
        c.env("WOM_TEST_PAUSE_BEFORE_SWAP_MS", "400");
        c
    };
    let first = args(&out).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let second = wom(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ])
    .spawn()
    .unwrap();
    let a = first.wait_with_output().unwrap();
    let b = second.wait_with_output().unwrap();
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), Some(2), "{}", stderr(&b));
    let text = stderr(&b);
    assert!(text.contains("already holds results"), "{text}");
    assert!(text.contains("waiting for"), "{text}");
    check_complete_set(&out.join("small"));
}

#[test]
fn a_killed_run_leaves_the_previous_set_or_the_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario(tmp.path());
    // Reference sets: the previous results (20 replicates) and the new (30).
    let reference = |replicates: u32| {
        let out = tmp.path().join(format!("ref{replicates}"));
        let started = Instant::now();
        let o = run_cmd(&scenario, &out, replicates).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        (check_complete_set(&out.join("small")).1, started.elapsed())
    };
    let (old, _) = reference(20);
    let (new, duration) = reference(30);
    let out = tmp.path().join("out");
    let target = out.join("small");
    let o = run_cmd(&scenario, &out, 20).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let full = duration.as_millis() as u64 + 20;
    for i in 0..20u64 {
        let mut cmd = run_cmd(&scenario, &out, 30);
        // Every fourth run pauses before its swap and is killed during the pause.
        let delay = if i % 4 == 3 {
            cmd.env("WOM_TEST_PAUSE_BEFORE_SWAP_MS", "300");
            full + 100
        } else {
            i * full / 16
        };
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (replicates, files) = check_complete_set(&target);
        let expected = if replicates == 20 { &old } else { &new };
        for (name, bytes) in expected {
            assert!(
                files[name] == *bytes,
                "kill {i} after {delay} ms: {name} is not from the same set as summary.json ({replicates} replicates)"
            );
        }
    }
    let o = run_cmd(&scenario, &out, 30).output().unwrap();
    assert!(o.status.success(), "rerun: {}", stderr(&o));
    let (replicates, files) = check_complete_set(&target);
    assert_eq!(replicates, 30);
    assert_eq!(files, new);
    // No temporaries of this run remain beside the folder (only its lock file).
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "small" && !n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sigterm_removes_the_temporary_folder_and_exits_143() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario(tmp.path());
    let out = tmp.path().join("out");
    let mut cmd = run_cmd(&scenario, &out, 30);
    cmd.env("WOM_TEST_PAUSE_BEFORE_SWAP_MS", "2000");
    let child = cmd.spawn().unwrap();
    // Wait for the temporary folder to appear, then terminate.
    let started = Instant::now();
    loop {
        let found = std::fs::read_dir(&out).ok().is_some_and(|entries| {
            entries
                .filter_map(|e| e.ok())
                .any(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        });
        if found || started.elapsed() > Duration::from_secs(5) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(143), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock") && n != "small")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A full disk: exit 1 with a message, no partial files. Needs root to mount a
/// small tmpfs; skipped with a note otherwise.
#[test]
fn a_full_disk_is_exit_1_without_partial_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = scenario(tmp.path());
    let disk = tmp.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=64k",
            "tmpfs",
            disk.to_str().unwrap(),
        ])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: a_full_disk_is_exit_1_without_partial_files skipped: cannot mount a tmpfs (needs root)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());
    let o = run_cmd(&scenario, &disk, 400).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stderr(&o);
    assert!(text.starts_with("error: cannot write"), "{text}");
    assert!(text.contains("No space left"), "{text}");
    let mut left = Vec::new();
    for entry in walk(&disk) {
        if !entry.to_string_lossy().ends_with(".lock") && entry.is_file() {
            left.push(entry);
        }
    }
    assert!(left.is_empty(), "{left:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(walk(&path));
        }
        all.push(path);
    }
    all
}

/// RLIMIT_AS is honoured: a population that fits in RAM but not under the limit is
/// refused with the estimate (exit 2), not aborted by a failed allocation.
#[test]
fn the_memory_guard_honours_rlimit_as() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.toml");
    // 20M nodes, 100M ties: about 2.1 GB to build.
    std::fs::write(
        &path,
        "[population]\ngenerator = \"barabasi_albert\"\nnodes = 20_000_000\nattach = 5\n\
         [word_of_mouth]\nrule = \"cascade\"\n[advocates]\ncount = 10\n",
    )
    .unwrap();
    let o = Command::new("prlimit")
        .arg("--as=1000000000")
        .arg(BIN)
        .args(["graph", path.to_str().unwrap()])
        .output();
    let Ok(o) = o else {
        eprintln!("note: the_memory_guard_honours_rlimit_as skipped: no prlimit");
        return;
    };
    let text = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{:?}: {text}", o.status);
    assert!(text.contains("needs about"), "{text}");
    assert!(text.contains("available"), "{text}");
}

/// A power law is estimated from its mean degree (about 6 here), not its maximum.
#[test]
fn a_power_law_is_estimated_from_its_mean_degree() {
    use wom::scenario::{DegreeDistribution, PopulationSpec};
    let spec = PopulationSpec::Configuration {
        nodes: 2_000_000,
        degrees: DegreeDistribution::PowerLaw {
            exponent: 2.5,
            min: 2,
            max: 1000,
        },
    };
    let bytes = wom::graph::estimate_bytes(&spec);
    assert!(bytes < 1_000_000_000, "{}", wom::graph::human_bytes(bytes));
    assert!(bytes > 200_000_000, "{}", wom::graph::human_bytes(bytes));
    assert!(wom::graph::check_memory(&spec, Some(16_000_000_000)).is_ok());
}

/// Every simulation thread's scratch is counted: 18 bytes a consumer a thread,
/// 16 more with the threshold and bass counters.
#[test]
fn the_run_estimate_counts_every_threads_scratch() {
    use wom::scenario::PopulationSpec;
    let spec = PopulationSpec::BarabasiAlbert {
        nodes: 1_000_000,
        attach: 5,
    };
    let build = wom::graph::estimate_bytes(&spec);
    assert_eq!(
        wom::graph::estimate_run_bytes(&spec, 4, false) - build,
        4 * 18 * 1_000_000
    );
    assert_eq!(
        wom::graph::estimate_run_bytes(&spec, 4, true) - build,
        4 * 34 * 1_000_000
    );
}

/// Sweep, sensitivity, break-even and fit folders are written like run folders:
/// into a temporary folder beside the result folder, swapped in as a whole at the
/// end. While a command waits before its swap, its files are in the temporary
/// folder and none is in the result folder; afterwards the folder holds them all
/// and no temporary is left. (Before, these commands wrote straight into the
/// result folder, one file after another.)
#[test]
fn sweep_sensitivity_breakeven_and_fit_folders_are_staged_and_swapped() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path());
    let s = s.to_str().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let uncertain = root.join("scenarios/uncertain-micro.toml");
    let influencer = root.join("scenarios/macro-influencer.toml");
    let advocates = root.join("scenarios/micro-advocates.toml");
    let sales = root.join("data/room-air-conditioners.csv");
    let small = ["--set", "population.nodes=2000", "--replicates", "10"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "sweep",
                s,
                "--vary",
                "advocates.count=5,10",
                "--replicates",
                "10",
            ],
            "sweep.json",
        ),
        (
            [
                &["sensitivity", uncertain.to_str().unwrap(), "--samples", "4"][..],
                &small[..],
            ]
            .concat(),
            "sensitivity.json",
        ),
        (
            [
                &[
                    "breakeven",
                    influencer.to_str().unwrap(),
                    advocates.to_str().unwrap(),
                    "--solve",
                    "advocates.count",
                    "--range",
                    "10..2000",
                ][..],
                &small[..],
            ]
            .concat(),
            "breakeven.json",
        ),
        (vec!["fit", "--bass", sales.to_str().unwrap()], "fit.json"),
    ];
    for (args, file) in cases {
        let out = tmp.path().join(format!("out-{}", args[0]));
        let mut all = args.clone();
        all.extend(["--quiet", "--out", out.to_str().unwrap()]);
        let mut child = wom(&all)
            .env("WOM_TEST_PAUSE_BEFORE_SWAP_MS", "1500")
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut seen = None;
        while seen.is_none() && started.elapsed() < Duration::from_secs(120) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some((folder, _)) =
                    name.strip_prefix('.').and_then(|n| n.split_once(".tmp-"))
                {
                    if entry.path().join(file).exists() {
                        assert!(
                            !out.join(folder).join(file).exists(),
                            "{}: {file} is in the result folder before the swap",
                            args[0]
                        );
                        seen = Some(folder.to_string());
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}: {}", args[0], stderr(&o));
        let folder = seen.unwrap_or_else(|| panic!("{}: no staged folder held {file}", args[0]));
        assert!(out.join(&folder).join(file).exists(), "{}", args[0]);
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{}: {left:?}", args[0]);
    }
}
