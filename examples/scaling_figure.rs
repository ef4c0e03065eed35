//! Draw `scaling.png` / `.svg` from the CSV that `bench/scaling.sh` prints.
//!
//! Usage: cargo run --release --example scaling_figure -- SCALING.csv OUTDIR THREADS

use std::path::Path;
use wom::results::plots::{scaling, ScalingPoint};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, csv, out, threads] = args.as_slice() else {
        eprintln!("usage: scaling_figure SCALING.csv OUTDIR THREADS");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(csv).unwrap_or_else(|e| {
        eprintln!("error: cannot read {csv}: {e}");
        std::process::exit(2);
    });
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let column = |name: &str| {
        header.iter().position(|h| *h == name).unwrap_or_else(|| {
            eprintln!("error: {csv}: no column `{name}` in the header");
            std::process::exit(2);
        })
    };
    let columns = [
        "nodes",
        "arcs",
        "wall_seconds",
        "build_seconds",
        "simulate_seconds",
        "peak_rss_mb",
    ]
    .map(column);
    let points: Vec<ScalingPoint> = lines
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split(',').collect();
            let value = |c: usize| -> f64 {
                fields
                    .get(c)
                    .and_then(|f| f.trim().parse().ok())
                    .unwrap_or_else(|| {
                        eprintln!("error: {csv}:{}: `{line}` is not a row of numbers", i + 2);
                        std::process::exit(2);
                    })
            };
            ScalingPoint {
                nodes: value(columns[0]),
                arcs: value(columns[1]),
                wall_seconds: value(columns[2]),
                build_seconds: value(columns[3]),
                simulate_seconds: value(columns[4]),
                peak_rss_mb: value(columns[5]),
            }
        })
        .collect();
    if let Err(e) = scaling(
        Path::new(out),
        &format!("wom run: 100 cascade replicates of a 100-advocate campaign, {threads} threads"),
        &points,
    ) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
