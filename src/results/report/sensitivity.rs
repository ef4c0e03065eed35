//! The report of a sensitivity folder (`sensitivity.json`).

use super::{
    command, common_flags, figure, inputs, metric_label, parse, unit, InputJson, Page, Table,
};
use crate::error::Result;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Spread {
    mean: f64,
    ci95_low: f64,
    ci95_high: f64,
    p05: f64,
    p95: f64,
}

#[derive(Debug, Deserialize)]
struct Key {
    key: String,
    distribution: serde_json::Value,
    low: f64,
    high: f64,
    metric_at_low: f64,
    metric_at_high: f64,
    swing: f64,
    s1: f64,
    s1_ci95_low: f64,
    s1_ci95_high: f64,
    st: f64,
    st_ci95_low: f64,
    st_ci95_high: f64,
}

#[derive(Debug, Deserialize)]
struct Against {
    scenario: String,
    p_better: f64,
    ties: f64,
    pairs: u64,
    difference: Spread,
}

#[derive(Debug, Deserialize)]
struct Sensitivity {
    scenario: String,
    metric: String,
    #[serde(default)]
    currency: Option<String>,
    samples: u64,
    design_evaluations: u64,
    replicates: u64,
    seed: u64,
    base: f64,
    distribution: Spread,
    keys: Vec<Key>,
    against: Option<Against>,
    #[serde(default)]
    wom_version: Option<String>,
    #[serde(default)]
    overrides: Vec<String>,
    #[serde(default)]
    inputs: Vec<InputJson>,
}

impl Sensitivity {
    /// The metric as shown: with its currency when it is money.
    fn shown(&self) -> String {
        metric_label(&self.metric, unit(&self.currency))
    }
}

/// A distribution as one line: `uniform low = 0.15, high = 0.45`.
fn distribution(d: &serde_json::Value) -> String {
    let Some(map) = d.as_object() else {
        return d.to_string();
    };
    let name = map.get("dist").and_then(|v| v.as_str()).unwrap_or("");
    let rest: Vec<String> = map
        .iter()
        .filter(|(k, _)| k.as_str() != "dist")
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    format!("{name} {}", rest.join(", ")).trim().to_string()
}

/// The assumption with the largest total index, and the metric's spread, as
/// `wom sensitivity` prints them.
fn headline(r: &Sensitivity) -> String {
    let top = r.keys.iter().max_by(|a, b| a.st.total_cmp(&b.st));
    let d = &r.distribution;
    let mut text = match top {
        Some(k) => format!(
            "Of {} uncertain assumptions, {} moves {} most (total Sobol' index {:.3}, 95% CI {:.3} to {:.3}); ",
            r.keys.len(),
            k.key,
            r.shown(),
            k.st,
            k.st_ci95_low,
            k.st_ci95_high
        ),
        None => String::new(),
    };
    text.push_str(&format!(
        "as they all vary, the mean {} is {:.2} (95% CI {:.2} to {:.2})",
        r.shown(),
        d.mean,
        d.ci95_low,
        d.ci95_high
    ));
    if let Some(a) = &r.against {
        text.push_str(&format!(
            ", and “{}” beats “{}” with probability {:.3}",
            r.scenario, a.scenario, a.p_better
        ));
    }
    text.push('.');
    text
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let r: Sensitivity = parse(dir, "sensitivity.json", text)?;
    let mut page = Page::new(
        format!("{}: which assumption moves {}", r.scenario, r.shown()),
        headline(&r),
    );
    let d = &r.distribution;
    page.fact(
        "at the file's own values",
        format!("{} {:.2}", r.shown(), r.base),
    );
    page.fact(
        "over the samples",
        format!(
            "mean {:.2} (95% CI {:.2} to {:.2}), 5–95% {:.2} to {:.2}",
            d.mean, d.ci95_low, d.ci95_high, d.p05, d.p95
        ),
    );
    page.fact(
        "design",
        format!(
            "N = {} samples, {} evaluations x {} replicates",
            r.samples, r.design_evaluations, r.replicates
        ),
    );
    if let Some(a) = &r.against {
        page.fact(
            "against",
            format!(
                "“{}”: p_better {:.3} (ties {:.3}, {} pairs), mean difference {:.2} (95% CI {:.2} to {:.2})",
                a.scenario,
                a.p_better,
                a.ties,
                a.pairs,
                a.difference.mean,
                a.difference.ci95_low,
                a.difference.ci95_high
            ),
        );
    }
    page.figures.push(figure(
        dir,
        "tornado",
        &format!("Tornado: {} with each assumption at its 5% and 95% quantile, the others at the file's values", r.shown()),
        "Each bar spans the metric from the assumption's 5% quantile to its 95% quantile; longer bars move the answer more.",
    ));
    page.figures.push(figure(
        dir,
        "uncertainty",
        &format!(
            "Distribution of {} when every assumption varies jointly",
            r.shown()
        ),
        "How the answer is spread when all uncertain assumptions are drawn together.",
    ));
    let mut table = Table::new(
        "sensitivity",
        "Every uncertain assumption: its range, the tornado's swing, first-order (S1) and total (ST) Sobol' indices with bootstrap 95% CIs",
        &[
            "assumption",
            "distribution",
            "5%",
            "95%",
            "metric at 5%",
            "metric at 95%",
            "swing",
            "S1 (95% CI)",
            "ST (95% CI)",
        ],
    )
    .text_columns(&[1]);
    for k in &r.keys {
        table.row(
            crate::scenario::field_label(&k.key, unit(&r.currency)),
            vec![
                distribution(&k.distribution),
                format!("{:.4}", k.low),
                format!("{:.4}", k.high),
                format!("{:.2}", k.metric_at_low),
                format!("{:.2}", k.metric_at_high),
                format!("{:.2}", k.swing),
                format!(
                    "{:.3} ({:.3} to {:.3})",
                    k.s1, k.s1_ci95_low, k.s1_ci95_high
                ),
                format!(
                    "{:.3} ({:.3} to {:.3})",
                    k.st, k.st_ci95_low, k.st_ci95_high
                ),
            ],
        );
    }
    page.tables.push(table);
    let varied: Vec<(String, String)> = r
        .keys
        .iter()
        .map(|k| {
            (
                k.key.clone(),
                "varied by this study ([uncertain])".to_string(),
            )
        })
        .collect();
    page.inputs = inputs(&r.inputs, &varied);
    page.overrides = r.overrides.clone();
    let file = super::file_of(&r.inputs, 0);
    let mut words = vec!["sensitivity".to_string(), file];
    if let Some(b) = r.inputs.iter().find(|i| i.role == "against") {
        words.push("--against".into());
        words.push(b.file.clone());
    }
    words.extend([
        "--samples".to_string(),
        r.samples.to_string(),
        "--metric".into(),
        r.metric.clone(),
    ]);
    common_flags(&mut words, &r.overrides, dir);
    page.command = command(&words);
    page.version = r
        .wom_version
        .unwrap_or_else(|| "(not recorded)".to_string());
    page.seed = Some(r.seed.to_string());
    Ok(page)
}
