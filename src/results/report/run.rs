//! The report of a run folder (`summary.json`).

use super::{
    command, common_flags, figure, inputs, money, opt, parse, unit, InputJson, Page, Table,
};
use crate::error::Result;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub(super) struct Metric {
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p05: f64,
    pub p95: f64,
}

#[derive(Debug, Deserialize)]
pub(super) struct Finals {
    pub conversions: Metric,
    pub adopters: Metric,
    pub aware: Metric,
}

#[derive(Debug, Deserialize)]
struct Economics {
    #[serde(default)]
    currency: Option<String>,
    cost: f64,
    influencer_fee: f64,
    advocate_incentives: f64,
    recruited_advocates: u64,
    value_per_conversion: f64,
    cost_per_conversion: Option<f64>,
    roi: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Attribution {
    influencer: f64,
    advocates: f64,
    word_of_mouth: f64,
    organic: f64,
}

/// One line of `channels.csv` (also in `comparison.json`).
#[derive(Debug, Deserialize)]
pub(super) struct Channel {
    pub channel: String,
    pub kind: String,
    pub cost: f64,
    pub conversions_mean: f64,
    pub conversions_ci95_low: f64,
    pub conversions_ci95_high: f64,
    pub direct_mean: f64,
    pub word_of_mouth_mean: f64,
    pub cost_per_conversion: Option<f64>,
    pub roi: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Resolved {
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
struct Summary {
    scenario: String,
    #[serde(default)]
    overrides: Vec<String>,
    wom_version: String,
    seed: u64,
    replicates: u64,
    steps: u64,
    nodes: u64,
    ties: u64,
    #[serde(rename = "final")]
    finals: Finals,
    attribution: Attribution,
    economics: Economics,
    #[serde(default)]
    channels: Vec<Channel>,
    #[serde(default)]
    inputs: Vec<InputJson>,
    resolved_scenario: Resolved,
}

/// The answer of a run, as `wom run` prints its conversions line.
pub(super) fn headline(name: &str, c: &Metric, steps: u64, replicates: u64) -> String {
    format!(
        "“{name}” wins {:.1} customers on average over {steps} steps (95% CI {:.1} to {:.1}), over {replicates} replicates.",
        c.mean, c.ci95_low, c.ci95_high
    )
}

/// The channels table of a portfolio (empty rows when there is none).
pub(super) fn channels_table(id: &str, caption: String, rows: &[Channel]) -> Table {
    let mut t = Table::new(
        id,
        caption,
        &[
            "channel",
            "kind",
            "cost",
            "conversions (95% CI)",
            "by its own posts or advocates",
            "by the word of mouth it set off",
            "cost per conversion",
            "ROI",
        ],
    )
    .text_columns(&[1]);
    for c in rows {
        t.row(
            c.channel.clone(),
            vec![
                c.kind.clone(),
                format!("{:.2}", c.cost),
                format!(
                    "{:.1} ({:.1} to {:.1})",
                    c.conversions_mean, c.conversions_ci95_low, c.conversions_ci95_high
                ),
                format!("{:.1}", c.direct_mean),
                format!("{:.1}", c.word_of_mouth_mean),
                opt(c.cost_per_conversion, |v| format!("{v:.2}")),
                opt(c.roi, |v| format!("{v:.2}")),
            ],
        );
    }
    t
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let s: Summary = parse(dir, "summary.json", text)?;
    let f = &s.finals;
    let mut page = Page::new(
        format!("{}: a run", s.scenario),
        headline(&s.scenario, &f.conversions, s.steps, s.replicates),
    );
    page.description = Some(s.resolved_scenario.description.clone()).filter(|d| !d.is_empty());
    let e = &s.economics;
    let unit = unit(&e.currency);
    page.fact("cost", money(e.cost, unit));
    page.fact(
        "cost per conversion",
        opt(e.cost_per_conversion, |v| money(v, unit)),
    );
    page.fact("ROI", opt(e.roi, |v| format!("{v:.2}")));
    page.fact(
        "population",
        format!("{} consumers, {} ties", s.nodes, s.ties),
    );
    page.figures.push(figure(
        dir,
        "conversion",
        "Conversions over time: the mean over replicates as a line, 5–95% of replicates as a band, awareness as a second series",
        "The band is where 90% of replicates lie (5–95% of replicates), not a confidence interval of the mean.",
    ));
    page.figures.push(figure(
        dir,
        "histogram",
        "Histogram of final conversions over replicates, with their mean and its 95% CI",
        "How many customers each replicate won by the last step; the marked line is the mean with its 95% confidence interval.",
    ));
    let mut results = Table::new(
        "results",
        format!(
            "Final values after {} steps, over {} replicates",
            s.steps, s.replicates
        ),
        &[
            "metric",
            "mean",
            "95% CI of the mean",
            "5–95% of replicates",
        ],
    );
    for (name, m) in [
        ("conversions", &f.conversions),
        ("adopters", &f.adopters),
        ("aware", &f.aware),
    ] {
        results.row(
            name,
            vec![
                format!("{:.1}", m.mean),
                format!("{:.1} to {:.1}", m.ci95_low, m.ci95_high),
                format!("{:.0} to {:.0}", m.p05, m.p95),
            ],
        );
    }
    page.tables.push(results);
    let mut economics = Table::new(
        "economics",
        format!("Economics (money in {unit})"),
        &["item", "value"],
    );
    for (name, value) in [
        ("cost", format!("{:.2}", e.cost)),
        ("influencer fees", format!("{:.2}", e.influencer_fee)),
        (
            "advocate incentives",
            format!("{:.2}", e.advocate_incentives),
        ),
        ("recruited advocates", e.recruited_advocates.to_string()),
        (
            "value per conversion",
            format!("{:.2}", e.value_per_conversion),
        ),
        (
            "cost per conversion",
            opt(e.cost_per_conversion, |v| format!("{v:.2}")),
        ),
        ("ROI", opt(e.roi, |v| format!("{v:.2}"))),
    ] {
        economics.row(name, vec![value]);
    }
    page.tables.push(economics);
    let a = &s.attribution;
    let mut attribution = Table::new(
        "attribution",
        "Where the conversions came from (share of all conversions)",
        &["source", "share"],
    );
    for (name, v) in [
        ("influencers", a.influencer),
        ("recruited advocates", a.advocates),
        ("word of mouth", a.word_of_mouth),
        ("organic", a.organic),
    ] {
        attribution.row(name, vec![format!("{:.1}%", 100.0 * v)]);
    }
    page.tables.push(attribution);
    if !s.channels.is_empty() {
        page.tables.push(channels_table(
            "channels",
            format!("Channels (money in {unit})"),
            &s.channels,
        ));
    }
    page.inputs = inputs(&s.inputs, &[]);
    page.overrides = s.overrides.clone();
    let file = super::file_of(&s.inputs, 0);
    let mut words = vec!["run".to_string(), file];
    common_flags(&mut words, &s.overrides, dir);
    page.command = command(&words);
    page.version = s.wom_version;
    page.seed = Some(s.seed.to_string());
    Ok(page)
}
