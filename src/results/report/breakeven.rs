//! The report of a break-even folder (`breakeven.json`).

use super::{
    command, common_flags, figure, inputs, metric_label, parse, unit, InputJson, Page, Table,
};
use crate::error::Result;
use crate::results::sweep::axis_number;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Side {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Evaluated {
    x: f64,
    b_mean: f64,
    diff_mean: f64,
    diff_ci95_low: f64,
    diff_ci95_high: f64,
    p_better: f64,
}

#[derive(Debug, Deserialize)]
struct Breakeven {
    wom_version: String,
    key: String,
    value: Option<f64>,
    ci95_low: Option<f64>,
    ci95_high: Option<f64>,
    reason: Option<String>,
    metric: String,
    #[serde(default)]
    currency: Option<String>,
    a_mean: f64,
    a_ci95_low: f64,
    a_ci95_high: f64,
    a: Side,
    b: Side,
    b_current: Option<f64>,
    range: [f64; 2],
    paired: bool,
    unpaired_reason: Option<String>,
    method: String,
    #[serde(default)]
    notes: Vec<String>,
    seed: u64,
    replicates: u64,
    #[serde(default)]
    overrides: Vec<String>,
    evaluations: Vec<Evaluated>,
    #[serde(default)]
    inputs: Vec<InputJson>,
}

impl Breakeven {
    /// The metric as shown: with its currency when it is money.
    fn shown(&self) -> String {
        metric_label(&self.metric, unit(&self.currency))
    }

    /// The solved key as shown: with its currency when it is money.
    fn key_shown(&self) -> String {
        crate::scenario::field_label(&self.key, unit(&self.currency))
    }
}

/// A CI end as `wom breakeven` prints it.
fn end(v: Option<f64>) -> String {
    v.map_or("open (beyond the range)".to_string(), axis_number)
}

fn headline(r: &Breakeven) -> String {
    match r.value {
        Some(v) => format!(
            "“{}” matches the mean {} of “{}” ({}) at {} = {} (95% CI {} to {}).",
            r.b.name,
            r.shown(),
            r.a.name,
            axis_number(r.a_mean),
            r.key_shown(),
            axis_number(v),
            end(r.ci95_low),
            end(r.ci95_high)
        ),
        None => format!(
            "No break-even: {}.",
            r.reason.as_deref().unwrap_or("no crossing in the range")
        ),
    }
}

pub(super) fn page(dir: &Path, text: &str) -> Result<Page> {
    let r: Breakeven = parse(dir, "breakeven.json", text)?;
    let mut page = Page::new(
        format!("Break-even of {} against {}: {}", r.b.name, r.a.name, r.key),
        headline(&r),
    );
    page.fact(
        "A",
        format!(
            "“{}”: mean {} {} (95% CI {} to {})",
            r.a.name,
            r.shown(),
            axis_number(r.a_mean),
            axis_number(r.a_ci95_low),
            axis_number(r.a_ci95_high)
        ),
    );
    page.fact(
        "B",
        format!(
            "“{}”, whose {} is {} in its file",
            r.b.name,
            r.key,
            r.b_current.map_or("unset".to_string(), axis_number)
        ),
    );
    page.fact(
        "searched",
        format!(
            "{} = {} to {}",
            r.key_shown(),
            axis_number(r.range[0]),
            axis_number(r.range[1])
        ),
    );
    page.fact(
        "replicates",
        format!(
            "{} per evaluation, {}",
            r.replicates,
            if r.paired {
                "paired"
            } else {
                "unpaired (Welch)"
            }
        ),
    );
    page.figures.push(figure(
        dir,
        "breakeven",
        &format!("B's mean {} minus A's against {}, with 95% CIs, and the break-even", r.shown(), r.key_shown()),
        "Each point is one evaluation of B; whiskers are the 95% CI of the difference from A. The break-even is where the difference crosses 0.",
    ));
    let key_head = r.key_shown();
    let mut table = Table::new(
        "evaluations",
        format!("Every evaluation of B, by {}", r.key),
        &[
            key_head.as_str(),
            &format!("B's mean {}", r.shown()),
            "B − A (95% CI)",
            "B better in (share of replicates)",
        ],
    );
    let mut evaluations: Vec<&Evaluated> = r.evaluations.iter().collect();
    evaluations.sort_by(|a, b| a.x.total_cmp(&b.x));
    for e in evaluations {
        table.row(
            axis_number(e.x),
            vec![
                axis_number(e.b_mean),
                format!(
                    "{} ({} to {})",
                    axis_number(e.diff_mean),
                    axis_number(e.diff_ci95_low),
                    axis_number(e.diff_ci95_high)
                ),
                format!("{:.2}", e.p_better),
            ],
        );
    }
    page.tables.push(table);
    page.notes = r.notes.clone();
    if let Some(why) = &r.unpaired_reason {
        page.notes.push(format!("Not paired: {why}."));
    }
    page.method = Some(r.method.clone());
    page.inputs = inputs(&r.inputs, &[]);
    // The key solved for is B's (the second input) only.
    if let Some(b) = page.inputs.get_mut(1) {
        for row in b.rows.iter_mut().filter(|row| row.key == r.key) {
            row.role = Some("solved for by this break-even".to_string());
        }
    }
    page.overrides = r.overrides.clone();
    let mut words = vec![
        "breakeven".to_string(),
        super::file_of(&r.inputs, 0),
        super::file_of(&r.inputs, 1),
        "--solve".into(),
        r.key.clone(),
        "--range".into(),
        format!("{}..{}", r.range[0], r.range[1]),
        "--metric".into(),
        r.metric.clone(),
    ];
    common_flags(&mut words, &r.overrides, dir);
    page.command = command(&words);
    page.version = r.wom_version;
    page.seed = Some(r.seed.to_string());
    Ok(page)
}
