//! The report of a comparison folder (`comparison.json`).

use super::run::{channels_table, Channel};
use super::{command, common_flags, figure, inputs, opt, parse, unit, InputJson, Page, Table};
use crate::error::Result;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, Deserialize)]
struct Estimate {
    mean: f64,
    ci95_low: f64,
    ci95_high: f64,
}

#[derive(Debug, Deserialize)]
struct Difference {
    mean: f64,
    ci95_low: f64,
    ci95_high: f64,
}

#[derive(Debug, Deserialize)]
struct Versus {
    conversions: Difference,
    beats_first_share: f64,
    ties_share: f64,
}

#[derive(Debug, Deserialize)]
struct Scenario {
    name: String,
    replicates: u64,
    paired_with_first: bool,
    unpaired_reason: Option<String>,
    conversions: Estimate,
    aware: Estimate,
    cost: f64,
    roi: Option<Estimate>,
    conversions_per_1000: Option<Estimate>,
    versus_first: Option<Versus>,
    #[serde(default)]
    channels: Vec<Channel>,
}

#[derive(Debug, Deserialize)]
struct Comparison {
    wom_version: String,
    #[serde(default)]
    overrides: Vec<String>,
    #[serde(default)]
    currency: Option<String>,
    scenarios: Vec<Scenario>,
    #[serde(default)]
    inputs: Vec<InputJson>,
}

/// The answer: the scenario with the most conversions against the reference (the
/// first), or the reference against the runner-up when it wins; the difference
/// as `wom compare` prints it, said the way round that makes it positive.
fn headline(c: &Comparison) -> String {
    let first = &c.scenarios[0];
    let best = (1..c.scenarios.len())
        .max_by(|&a, &b| {
            c.scenarios[a]
                .conversions
                .mean
                .total_cmp(&c.scenarios[b].conversions.mean)
        })
        .expect("two scenarios at least");
    let other = &c.scenarios[best];
    let Some(v) = &other.versus_first else {
        return format!("“{}” is compared with “{}”.", other.name, first.name);
    };
    let d = &v.conversions;
    let kind = if other.paired_with_first {
        "paired replicates"
    } else {
        "replicates (unpaired)"
    };
    let (winner, loser, mean, low, high, share) = if d.mean >= 0.0 {
        (
            other,
            first,
            d.mean,
            d.ci95_low,
            d.ci95_high,
            v.beats_first_share,
        )
    } else {
        (
            first,
            other,
            -d.mean,
            -d.ci95_high,
            -d.ci95_low,
            1.0 - v.beats_first_share - v.ties_share,
        )
    };
    format!(
        "“{}” wins {mean:.1} more customers than “{}” (95% CI {low:.1} to {high:.1}), and more of them in {:.0}% of {kind}.",
        winner.name,
        loser.name,
        100.0 * share
    )
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let c: Comparison = parse(dir, "comparison.json", text)?;
    if c.scenarios.len() < 2 {
        return Err(crate::error::WomError::input(
            crate::error::Diagnostic::new("a comparison of fewer than two scenarios")
                .file(dir.join("comparison.json")),
        ));
    }
    let names: Vec<String> = c
        .scenarios
        .iter()
        .map(|s| format!("“{}”", s.name))
        .collect();
    let mut page = Page::new(
        format!("{}: a comparison", names.join(" vs ")),
        headline(&c),
    );
    page.fact(
        "reference",
        format!("“{}” (the first scenario)", c.scenarios[0].name),
    );
    page.fact(
        "replicates",
        c.scenarios
            .iter()
            .map(|s| s.replicates.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let money = unit(&c.currency);
    page.figures.push(figure(
        dir,
        "comparison",
        &format!("Conversions over time of every scenario (mean line, 5–95% of replicates as a band), and conversions per 1,000 {money} spent with their 95% CI"),
        &format!("Left: each scenario's mean conversions with the band where 90% of its replicates lie. Right: conversions per 1,000 {money} spent, dot = mean, whiskers = 95% CI of the mean."),
    ));
    let per_thousand = format!("per 1,000 {money}");
    let mut table = Table::new(
        "comparison",
        format!(
            "Scenarios against the reference “{}” (money in {money})",
            c.scenarios[0].name
        ),
        &[
            "scenario",
            "conversions (95% CI)",
            "aware",
            "cost",
            &per_thousand,
            "ROI",
            "vs reference: conversions (95% CI)",
            "pairing",
            "beats the reference",
        ],
    )
    .text_columns(&[7]);
    for s in &c.scenarios {
        let (diff, pairing, beats) = match &s.versus_first {
            None => ("(reference)".to_string(), String::new(), String::new()),
            Some(v) => (
                format!(
                    "{:+.1} ({:+.1} to {:+.1})",
                    v.conversions.mean, v.conversions.ci95_low, v.conversions.ci95_high
                ),
                if s.paired_with_first {
                    "paired"
                } else {
                    "unpaired"
                }
                .to_string(),
                format!("{:.0}%", 100.0 * v.beats_first_share),
            ),
        };
        table.row(
            s.name.clone(),
            vec![
                format!(
                    "{:.1} ({:.1} to {:.1})",
                    s.conversions.mean, s.conversions.ci95_low, s.conversions.ci95_high
                ),
                format!("{:.1}", s.aware.mean),
                format!("{:.2}", s.cost),
                opt(s.conversions_per_1000.map(|e| e.mean), |v| {
                    format!("{v:.2}")
                }),
                opt(s.roi.map(|e| e.mean), |v| format!("{v:.2}")),
                diff,
                pairing,
                beats,
            ],
        );
        if let Some(why) = &s.unpaired_reason {
            page.notes.push(format!(
                "“{}” is not paired with the reference: {why}.",
                s.name
            ));
        }
    }
    page.tables.push(table);
    for (i, s) in c.scenarios.iter().enumerate() {
        if !s.channels.is_empty() {
            page.tables.push(channels_table(
                &format!("channels-{i}"),
                format!("Channels of “{}” (money in {money})", s.name),
                &s.channels,
            ));
        }
    }
    page.inputs = inputs(&c.inputs, &[]);
    page.overrides = c.overrides.clone();
    let mut words = vec!["compare".to_string()];
    words.extend(c.inputs.iter().map(|i| i.file.clone()));
    common_flags(&mut words, &c.overrides, dir);
    page.command = command(&words);
    page.version = c.wom_version;
    page.seed = c
        .inputs
        .first()
        .and_then(|i| i.assumptions.iter().find(|a| a.key == "simulation.seed"))
        .map(|a| a.value.clone());
    Ok(page)
}
