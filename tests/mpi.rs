//! Under `mpirun` (the cargo feature `mpi`, docs/cluster.md), `run`, `sweep`,
//! `compare`, `optimize` and the network `fit` write exactly the files of one
//! process: every file byte for byte, except the `timing` fields, with 2 ranks
//! and with 3 (which do not divide the replicates, or a generation's
//! candidates, evenly). The single-process files come from the default build, so
//! this also shows that the feature changes nothing else.
//!
//! The test builds `wom --features mpi` itself, into `mpi/` inside the target
//! folder (or uses the binary `WOM_MPI_BIN` names, as `.ci/run` does), so that `cargo test --release` runs it wherever Open MPI is installed
//! (the first build takes a few minutes; later ones are incremental). Without
//! `mpirun` or `mpicc` it prints that it was skipped, unless `WOM_REQUIRE_MPI=1`
//! (set by `.ci/run`), when it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The default build's binary (one process).
const WOM: &str = env!("CARGO_BIN_EXE_wom");

/// The options every run of these tests gets: a 20,000-consumer market and 41
/// replicates (a prime, so no rank count divides it).
const SMALL: [&str; 5] = [
    "--set",
    "population.nodes=20000",
    "--replicates",
    "41",
    "--quiet",
];

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Whether `program --version` runs.
fn found(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The binary built with `--features mpi`, or None (after saying so loudly)
/// when MPI is not installed and `WOM_REQUIRE_MPI` is not 1.
fn mpi_binary() -> Option<&'static Path> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let missing: Vec<&str> = ["mpirun", "mpicc"]
                .into_iter()
                .filter(|p| !found(p))
                .collect();
            if !missing.is_empty() {
                let why = format!(
                    "{} not found: install Open MPI (Debian: apt-get install \
                     libopenmpi-dev openmpi-bin libclang-dev)",
                    missing.join(" and ")
                );
                if std::env::var("WOM_REQUIRE_MPI").as_deref() == Ok("1") {
                    panic!("WOM_REQUIRE_MPI=1 but {why}");
                }
                // Straight to stderr: the test harness captures eprintln!.
                let _ = std::io::Write::write_all(
                    &mut std::io::stderr(),
                    format!("\n!!!!! SKIPPED tests/mpi.rs: {why} !!!!!\n\n").as_bytes(),
                );
                return None;
            }
            // A binary built beforehand (`.ci/run` builds it in the main target
            // folder, sharing the dependencies' build with the test suite's).
            if let Some(built) = std::env::var_os("WOM_MPI_BIN") {
                let built = PathBuf::from(built);
                assert!(
                    built.is_file(),
                    "WOM_MPI_BIN={} is not a file",
                    built.display()
                );
                return Some(built);
            }
            // target/release/wom -> target/mpi
            let target = Path::new(WOM)
                .parent()
                .and_then(Path::parent)
                .expect("the binary is inside the target folder")
                .join("mpi");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--release", "--features", "mpi", "--bin", "wom"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("CARGO_TARGET_DIR", &target)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build --features mpi failed");
            Some(target.join("release").join("wom"))
        })
        .as_deref()
}

/// `mpirun -n ranks` of the MPI binary (as root too, on one machine with more
/// ranks than cores).
fn mpirun(binary: &Path, ranks: usize, args: &[String], cwd: &Path) -> Output {
    Command::new("mpirun")
        .current_dir(cwd)
        .args(["--oversubscribe", "-n", &ranks.to_string()])
        .arg(binary)
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        // Containers often forbid the cross-memory attach Open MPI uses locally.
        .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
        .output()
        .expect("mpirun starts")
}

fn ok(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir` (relative path, bytes), in path order.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a folder") {
            let path = entry.expect("an entry").path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                // A folder's lock file (it holds the process id), not a result.
                continue;
            } else if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("a file");
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// A file without its timing lines (wall-clock seconds differ between runs).
fn without_timing(bytes: &[u8]) -> Vec<u8> {
    let timing = ["\"build_seconds\"", "\"simulate_seconds\"", "\"seconds\""];
    bytes
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| {
            let text = String::from_utf8_lossy(line);
            !timing.iter().any(|t| text.trim_start().starts_with(t))
        })
        .flatten()
        .copied()
        .collect()
}

/// Run `args` (a command and its options, with `--out DIR` appended) once in one
/// process and under 2 and 3 ranks, and compare every file.
fn same_files_for_any_rank_count(name: &str, args: &[String]) {
    let Some(binary) = mpi_binary() else {
        return;
    };
    // Each run in its own folder with the same relative --out, so that the
    // paths written into the files are the same.
    let tmp = tempfile::tempdir().unwrap();
    let cwd = |what: &str| {
        let dir = tmp.path().join(what);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    };
    let out = |what: &str| tmp.path().join(what).join("out");
    let mut args = args.to_vec();
    args.extend(["--out".into(), "out".into()]);
    let one = Command::new(WOM)
        .args(&args)
        .current_dir(cwd("one"))
        .output()
        .unwrap();
    ok(&format!("{name} in one process"), &one);
    let expected = files(&out("one"));
    assert!(expected.len() >= 3, "{name} wrote {expected:?}");
    // 2 ranks of 2 threads and 3 ranks of 1: threads and ranks both vary.
    for (ranks, threads) in [(2, "2"), (3, "1")] {
        let what = format!("{ranks}-ranks");
        let dir = out(&what);
        let mut all = args.clone();
        all.extend(["--threads".into(), threads.into()]);
        let output = mpirun(binary, ranks, &all, &cwd(&what));
        ok(&format!("{name} on {ranks} ranks"), &output);
        assert_eq!(
            !output.stdout.is_empty(),
            !one.stdout.is_empty(),
            "rank 0 prints as one process does"
        );
        let got = files(&dir);
        let names = |f: &[(PathBuf, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(&expected), "{name}: the same files");
        for ((path, a), (_, b)) in expected.iter().zip(&got) {
            assert!(
                without_timing(a) == without_timing(b),
                "{name}: {} differs between one process and {ranks} ranks",
                path.display()
            );
        }
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn run_writes_the_same_files_on_two_and_three_ranks() {
    let mut args = strings(&["run", &scenario("micro-advocates.toml")]);
    args.extend(strings(&SMALL));
    same_files_for_any_rank_count("run", &args);
}

#[test]
fn sweep_writes_the_same_files_on_two_and_three_ranks() {
    let mut args = strings(&[
        "sweep",
        &scenario("micro-advocates.toml"),
        "--vary",
        "word_of_mouth.conversion=0.1..0.3:3",
        "--against",
        &scenario("macro-influencer.toml"),
    ]);
    args.extend(strings(&SMALL));
    same_files_for_any_rank_count("sweep", &args);
}

#[test]
fn compare_writes_the_same_files_on_two_and_three_ranks() {
    let mut args = strings(&[
        "compare",
        &scenario("macro-influencer.toml"),
        &scenario("micro-advocates.toml"),
    ]);
    args.extend(strings(&SMALL));
    same_files_for_any_rank_count("compare", &args);
}

#[test]
fn a_failure_on_rank_0_alone_stops_every_rank_with_one_message() {
    // The output folder holds results: rank 0 refuses before simulating, while
    // the other ranks have gone on to their share of the replicates.
    let Some(binary) = mpi_binary() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let held = tmp.path().join("micro-advocates");
    std::fs::create_dir_all(&held).unwrap();
    std::fs::write(held.join("summary.json"), "{}\n").unwrap();
    let mut args = strings(&["run", &scenario("micro-advocates.toml")]);
    args.extend(strings(&SMALL));
    args.extend(["--out".into(), tmp.path().display().to_string()]);
    let output = mpirun(binary, 3, &args, tmp.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.matches("already holds results").count(),
        1,
        "one message, from rank 0: {stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing printed on stdout");
}

/// A small menu for `wom optimize`: two creators, a referral programme with an
/// acceptance curve (a ladder of incentives) and advocates chosen by influence
/// (every rank chooses them itself), on 3,000 consumers.
const MENU: &str = r#"
name = "small menu"
[simulation]
replicates = 23
steps = 8
seed = 5
[population]
generator = "barabasi_albert"
nodes = 3000
attach = 3
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.9
conversion = 0.2
advocacy = 0.4
[market]
customers = 0.05
[[influencer]]
name = "creator A"
followers = 600
fee = 300.0
[[influencer]]
name = "creator B"
followers = 250
fee = 120.0
[[advocates]]
name = "referral"
pool = "customers"
acceptance = [[0.0, 0.0], [10.0, 0.4]]
incentive = 10.0
[[advocates]]
name = "influencers"
count = 10
choose = "influence"
incentive = 15.0
[economics]
value_per_conversion = 8.0
"#;

#[test]
fn optimize_writes_the_same_files_on_two_and_three_ranks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("menu.toml");
    std::fs::write(&file, MENU).unwrap();
    // Exhaustive (few affordable mixes) and greedy (--levels makes the menu
    // too big to enumerate), each with its own sequence of exchanges.
    for (budget, levels) in [("450", "3"), ("600", "100")] {
        let args = strings(&[
            "optimize",
            file.to_str().unwrap(),
            "--budget",
            budget,
            "--levels",
            levels,
            "--metric",
            "profit",
            "--quiet",
        ]);
        same_files_for_any_rank_count(&format!("optimize --budget {budget}"), &args);
    }
}

#[test]
fn the_network_fit_writes_the_same_files_on_two_and_three_ranks() {
    let args = strings(&[
        "fit",
        &scenario("calibrate-pilot.toml"),
        &format!("{}/data/pilot-sales.csv", env!("CARGO_MANIFEST_DIR")),
        "--params",
        "word_of_mouth.conversion,word_of_mouth.advocacy",
        "--particles",
        "31",
        "--per-particle",
        "2",
        "--generations",
        "3",
        "--set",
        "population.nodes=4000",
        "--replicates",
        "17",
        "--quiet",
    ]);
    same_files_for_any_rank_count("fit", &args);
}

/// A scenario on an edge list beside it (`ring.txt`, written by the caller),
/// with an influencer to buy and priors to fit.
const ON_EDGE_LIST: &str = r#"
name = "ring"
[simulation]
replicates = 7
steps = 6
seed = 3
[population]
generator = "edge_list"
path = "ring.txt"
[word_of_mouth]
rule = "cascade"
reach = 0.5
trust = 0.9
conversion = 0.3
advocacy = 0.5
[advocates]
count = 5
incentive = 2.0
[[influencer]]
name = "creator"
followers = 20
fee = 30.0
[economics]
value_per_conversion = 10.0
[uncertain]
"word_of_mouth.conversion" = { low = 0.1, high = 0.5 }
"word_of_mouth.reach" = { low = 0.2, high = 0.8 }
"#;

#[test]
fn a_failure_on_another_rank_stops_every_rank_with_its_message_on_rank_0() {
    // Rank 1 runs in a folder without the edge list (a node that cannot read
    // it): whatever the command, rank 0 says so once and every rank exits 1.
    let Some(binary) = mpi_binary() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (good, bad) = (tmp.path().join("good"), tmp.path().join("bad"));
    let ring: String = (0..200)
        .map(|i| format!("{i} {}\n", (i + 1) % 200))
        .collect();
    for dir in [&good, &bad] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("s.toml"), ON_EDGE_LIST).unwrap();
        std::fs::write(dir.join("t.toml"), ON_EDGE_LIST).unwrap();
        std::fs::copy(
            format!("{}/data/pilot-sales.csv", env!("CARGO_MANIFEST_DIR")),
            dir.join("data.csv"),
        )
        .unwrap();
    }
    std::fs::write(good.join("ring.txt"), ring).unwrap();
    let commands: [&[&str]; 7] = [
        &["run", "s.toml"],
        &["compare", "s.toml", "t.toml"],
        &[
            "sweep",
            "s.toml",
            "--vary",
            "word_of_mouth.conversion=0.2..0.4:2",
        ],
        &[
            "breakeven",
            "s.toml",
            "t.toml",
            "--solve",
            "advocates.count",
        ],
        &["sensitivity", "s.toml", "--samples", "4"],
        &[
            "fit",
            "s.toml",
            "data.csv",
            "--params",
            "word_of_mouth.conversion",
            "--particles",
            "8",
            "--generations",
            "2",
            "--steps",
            "25",
        ],
        &["optimize", "s.toml", "--budget", "40"],
    ];
    for command in commands {
        let mut args: Vec<&str> = command.to_vec();
        args.extend(["--out", "out", "--quiet"]);
        // Open MPI's several-programs form: rank 0 in `good`, rank 1 in `bad`.
        let output = Command::new("mpirun")
            .arg("--oversubscribe")
            .args(["-n", "1", "-wdir"])
            .arg(&good)
            .arg(binary)
            .args(&args)
            .args([":", "-n", "1", "-wdir"])
            .arg(&bad)
            .arg(binary)
            .args(&args)
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
            .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
            .output()
            .expect("mpirun starts");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{command:?}: {stderr}");
        assert_eq!(
            stderr.matches("rank 1 of 2 failed").count(),
            1,
            "{command:?}: one message, from rank 0: {stderr}"
        );
        assert!(stderr.contains("ring.txt"), "{command:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{command:?}: nothing printed");
    }
}
