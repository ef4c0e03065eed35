//! A comparison as text: `comparison.csv` and the table `wom compare` prints.

use super::{Comparison, Difference, Estimate};
use crate::results::aggregate::num;

/// `comparison.csv`: one row per scenario.
pub fn comparison_csv(c: &Comparison) -> String {
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header = String::from(
        "scenario,stem,replicates,paired_with_first,conversions_mean,conversions_ci95_low,conversions_ci95_high,aware_mean,aware_ci95_low,aware_ci95_high,cost,cost_per_conversion,cost_per_conversion_ci95_low,cost_per_conversion_ci95_high,roi_mean,roi_ci95_low,roi_ci95_high,steps_to_half_mean,steps_to_half_ci95_low,steps_to_half_ci95_high,conversions_per_1000_mean,conversions_per_1000_ci95_low,conversions_per_1000_ci95_high,diff_conversions_mean,diff_conversions_ci95_low,diff_conversions_ci95_high,diff_aware_mean,diff_aware_ci95_low,diff_aware_ci95_high,beats_first_share,ties_share,diff_roi_mean,diff_roi_ci95_low,diff_roi_ci95_high,diff_conversions_paired_ci95_low,diff_conversions_paired_ci95_high,diff_conversions_unpaired_ci95_low,diff_conversions_unpaired_ci95_high,unpaired_reason",
    );
    csv.write_record(header.split(','))
        .expect("writing to memory cannot fail");
    let opt = |v: Option<f64>| v.map_or_else(String::new, num);
    let est = |e: Option<Estimate>| -> [String; 3] {
        [
            opt(e.map(|e| e.mean)),
            opt(e.map(|e| e.ci95_low)),
            opt(e.map(|e| e.ci95_high)),
        ]
    };
    for s in &c.scenarios {
        let mut cells: Vec<String> = vec![
            s.name.clone(),
            s.stem.clone(),
            s.replicates.to_string(),
            s.paired_with_first.to_string(),
        ];
        cells.extend(est(Some(s.conversions)));
        cells.extend(est(Some(s.aware)));
        cells.push(num(s.cost));
        let cpc = s.cost_per_conversion;
        cells.push(opt(cpc.map(|c| c.0)));
        cells.push(opt(cpc.and_then(|c| c.1)));
        cells.push(opt(cpc.and_then(|c| c.2)));
        cells.extend(est(s.roi));
        cells.extend(est(s.steps_to_half));
        cells.extend(est(s.conversions_per_1000));
        let v = s.versus_first.as_ref();
        let diff = |d: Option<&Difference>| {
            [
                opt(d.map(|d| d.mean)),
                opt(d.map(|d| d.ci95_low)),
                opt(d.map(|d| d.ci95_high)),
            ]
        };
        cells.extend(diff(v.map(|v| &v.conversions)));
        cells.extend(diff(v.map(|v| &v.aware)));
        cells.push(opt(v.map(|v| v.beats_first_share)));
        cells.push(opt(v.map(|v| v.ties_share)));
        cells.extend(diff(v.and_then(|v| v.roi.as_ref())));
        let conv = v.map(|v| &v.conversions);
        cells.push(opt(conv.and_then(|d| d.paired_ci95_low)));
        cells.push(opt(conv.and_then(|d| d.paired_ci95_high)));
        cells.push(opt(conv.map(|d| d.unpaired_ci95_low)));
        cells.push(opt(conv.map(|d| d.unpaired_ci95_high)));
        cells.push(s.unpaired_reason.clone().unwrap_or_default());
        csv.write_record(&cells)
            .expect("writing to memory cannot fail");
    }
    let bytes = csv.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

/// The most channel lines the printed table shows under one scenario.
const TABLE_CHANNELS: usize = 12;

/// The short table printed on stdout.
pub fn table(c: &Comparison) -> String {
    let money = crate::scenario::money_unit(c.currency.as_deref());
    let mut rows: Vec<[String; 7]> = vec![[
        "scenario".into(),
        "conversions (95% CI)".into(),
        "aware".into(),
        format!("cost ({money})"),
        format!("per 1,000 {money}"),
        "ROI".into(),
        "vs first: conversions (95% CI), beats first".into(),
    ]];
    for s in &c.scenarios {
        let versus = match &s.versus_first {
            None => "(reference)".to_string(),
            Some(v) => format!(
                "{:+.1} ({:+.1} to {:+.1}) {}, {:.0}%",
                v.conversions.mean,
                v.conversions.ci95_low,
                v.conversions.ci95_high,
                if s.paired_with_first {
                    "paired"
                } else {
                    "unpaired"
                },
                100.0 * v.beats_first_share
            ),
        };
        rows.push([
            s.name.clone(),
            format!(
                "{:.1} ({:.1} to {:.1})",
                s.conversions.mean, s.conversions.ci95_low, s.conversions.ci95_high
            ),
            format!("{:.1}", s.aware.mean),
            format!("{:.2}", s.cost),
            s.conversions_per_1000
                .map_or("n/a".into(), |e| format!("{:.2}", e.mean)),
            s.roi.map_or("n/a".into(), |e| format!("{:.2}", e.mean)),
            versus,
        ]);
        // A portfolio's channels, one line each, under the scenario (up to
        // TABLE_CHANNELS of them; all are in comparison.json and channels.csv).
        if s.channels.len() > TABLE_CHANNELS {
            rows.push([
                format!("  {} channels: see its channels.csv", s.channels.len() - 1),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for ch in s
            .channels
            .iter()
            .filter(|_| s.channels.len() <= TABLE_CHANNELS)
        {
            rows.push([
                format!("  {}", ch.channel),
                format!(
                    "{:.1} ({:.1} to {:.1})",
                    ch.conversions_mean, ch.conversions_ci95_low, ch.conversions_ci95_high
                ),
                String::new(),
                format!("{:.2}", ch.cost),
                if ch.cost > 0.0 {
                    format!("{:.2}", 1000.0 * ch.conversions_mean / ch.cost)
                } else {
                    String::new()
                },
                ch.roi.map_or(String::new(), |r| format!("{r:.2}")),
                String::new(),
            ]);
        }
    }
    let widths: Vec<usize> = (0..7)
        .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let notes: Vec<String> = c
        .scenarios
        .iter()
        .filter_map(|s| {
            s.unpaired_reason
                .as_ref()
                .map(|why| format!("{} is unpaired with the first: {why}\n", s.name))
        })
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(j, cell)| {
                let pad = widths[j] - cell.chars().count();
                if j == 0 || j == 6 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    for note in notes {
        out.push_str(&note);
    }
    if !c.overrides.is_empty() {
        out.push_str(&format!("every scenario with {}\n", c.overrides.join(", ")));
    }
    out
}
