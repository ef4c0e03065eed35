//! The report of a sweep folder (`sweep.json`).

use super::{
    command, common_flags, figure, inputs, metric_label, opt, parse, unit, InputJson, Page, Table,
};
use crate::error::Result;
use crate::results::sweep::value_cell;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Against {
    name: String,
    metric_mean: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Point {
    values: Vec<toml::Value>,
    conversions_mean: f64,
    cost: f64,
    roi_mean: Option<f64>,
    metric_mean: Option<f64>,
    metric_ci95_low: Option<f64>,
    metric_ci95_high: Option<f64>,
    diff_mean: Option<f64>,
    diff_ci95_low: Option<f64>,
    diff_ci95_high: Option<f64>,
    p_better: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Sweep {
    wom_version: String,
    scenario: String,
    metric: String,
    keys: Vec<String>,
    seed: u64,
    replicates: u64,
    #[serde(default)]
    overrides: Vec<String>,
    #[serde(default)]
    currency: Option<String>,
    population_built_once: bool,
    against: Option<Against>,
    points: Vec<Point>,
    #[serde(default)]
    inputs: Vec<InputJson>,
}

fn at(keys: &[String], p: &Point) -> String {
    keys.iter()
        .zip(&p.values)
        .map(|(k, v)| format!("{k} = {}", value_cell(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The best point by mean metric, as `wom sweep` prints its line.
fn headline(s: &Sweep) -> String {
    let best = s
        .points
        .iter()
        .filter(|p| p.metric_mean.is_some())
        .max_by(|a, b| {
            a.metric_mean
                .unwrap_or(0.0)
                .total_cmp(&b.metric_mean.unwrap_or(0.0))
        });
    let Some(p) = best else {
        return format!("“{}”: no point has a {} (no cost).", s.scenario, s.metric);
    };
    let (m, l, h) = (
        p.metric_mean.unwrap_or(f64::NAN),
        p.metric_ci95_low.unwrap_or(f64::NAN),
        p.metric_ci95_high.unwrap_or(f64::NAN),
    );
    let mut text = format!(
        "Of {} points, “{}” does best at {}: {} {m:.3} (95% CI {l:.3} to {h:.3})",
        s.points.len(),
        s.scenario,
        at(&s.keys, p),
        metric_label(&s.metric, unit(&s.currency))
    );
    if let (Some(a), Some(d), Some(dl), Some(dh), Some(pb)) = (
        &s.against,
        p.diff_mean,
        p.diff_ci95_low,
        p.diff_ci95_high,
        p.p_better,
    ) {
        text.push_str(&format!(
            ", {d:+.3} against “{}” (95% CI {dl:+.3} to {dh:+.3}), p_better {pb:.2} (the share of replicates in which it does better)",
            a.name
        ));
    }
    text.push('.');
    text
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let s: Sweep = parse(dir, "sweep.json", text)?;
    let mut page = Page::new(
        format!("{}: {} over {}", s.scenario, s.metric, s.keys.join(" and ")),
        headline(&s),
    );
    page.fact("points", s.points.len().to_string());
    page.fact("replicates per point", s.replicates.to_string());
    page.fact(
        "pairing",
        format!(
            "the same seed {} at every point (common random numbers){}",
            s.seed,
            if s.population_built_once {
                ", one population for all"
            } else {
                ""
            }
        ),
    );
    if let Some(a) = &s.against {
        page.fact(
            "against",
            format!(
                "“{}” ({} mean {})",
                a.name,
                s.metric,
                opt(a.metric_mean, |m| format!("{m:.3}"))
            ),
        );
    }
    let (title, caption) = if s.keys.len() == 2 {
        (
            format!("Heat map of {} over {}", s.metric, s.keys.join(" and ")),
            "Each cell is one point of the grid; with a reference scenario the colour is the share of paired replicates in which this scenario does better, with the 0.5 contour.",
        )
    } else {
        (
            format!("{} against {}, with the 95% CI of the mean as a band", s.metric, s.keys.join(", ")),
            "The line is the mean over replicates at each point and the band its 95% confidence interval; a reference scenario's level is a horizontal line.",
        )
    };
    page.figures.push(figure(dir, "sweep", &title, caption));
    let money = unit(&s.currency);
    let key_heads: Vec<String> = s
        .keys
        .iter()
        .map(|k| crate::scenario::field_label(k, money))
        .collect();
    let mut head: Vec<&str> = key_heads.iter().map(String::as_str).collect();
    let metric_head = format!("{} mean (95% CI)", metric_label(&s.metric, money));
    head.push(&metric_head);
    head.extend(["conversions", "cost", "ROI"]);
    if s.against.is_some() {
        head.extend(["difference (95% CI)", "p_better"]);
    }
    let mut table = Table::new(
        "points",
        format!("Every point of the sweep (money in {money})"),
        &head,
    );
    for p in &s.points {
        let mut cells: Vec<String> = p.values.iter().skip(1).map(value_cell).collect();
        cells.push(
            match (p.metric_mean, p.metric_ci95_low, p.metric_ci95_high) {
                (Some(m), Some(l), Some(h)) => format!("{m:.3} ({l:.3} to {h:.3})"),
                _ => "n/a".into(),
            },
        );
        cells.push(format!("{:.1}", p.conversions_mean));
        cells.push(format!("{:.2}", p.cost));
        cells.push(opt(p.roi_mean, |v| format!("{v:.2}")));
        if s.against.is_some() {
            cells.push(match (p.diff_mean, p.diff_ci95_low, p.diff_ci95_high) {
                (Some(d), Some(l), Some(h)) => format!("{d:+.3} ({l:+.3} to {h:+.3})"),
                _ => "n/a".into(),
            });
            cells.push(opt(p.p_better, |v| format!("{v:.2}")));
        }
        let header = p.values.first().map(value_cell).unwrap_or_default();
        table.row(header, cells);
    }
    page.tables.push(table);
    let varied: Vec<(String, String)> = s
        .keys
        .iter()
        .map(|k| (k.clone(), "varied by this sweep".to_string()))
        .collect();
    page.inputs = inputs(&s.inputs, &varied);
    page.overrides = s.overrides.clone();
    let file = super::file_of(&s.inputs, 0);
    let mut words = vec!["sweep".to_string(), file];
    for (i, key) in s.keys.iter().enumerate() {
        let mut values: Vec<String> = Vec::new();
        for p in &s.points {
            let v = p.values.get(i).map(value_cell).unwrap_or_default();
            if !values.contains(&v) {
                values.push(v);
            }
        }
        words.push("--vary".into());
        words.push(format!("{key}={}", values.join(",")));
    }
    if let Some(b) = s.inputs.iter().find(|i| i.role == "against") {
        words.push("--against".into());
        words.push(b.file.clone());
    }
    words.push("--metric".into());
    words.push(s.metric.clone());
    common_flags(&mut words, &s.overrides, dir);
    page.command = command(&words);
    page.version = s.wom_version;
    page.seed = Some(s.seed.to_string());
    Ok(page)
}
