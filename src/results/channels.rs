//! Per-channel results: each creator's and programme's cost, the conversions it
//! set off (directly, and by the word of mouth that followed) with their 95% CI,
//! cost per conversion and ROI; `channels.csv` and `summary.json.channels`.
//!
//! Conversions are credited to the channel whose seed started their chain
//! (docs/model.md, "Attribution"); the `organic` row holds the rest, so the rows
//! add up to all conversions in every replicate.

use crate::error::Result;
use crate::results::files;
use crate::scenario::Scenario;
use crate::sim::engine::ChannelCounts;
use crate::sim::runner::Built;
use crate::statistics;
use serde::Serialize;
use std::path::Path;

/// Streaming sums of each channel's conversions over replicates (in replicate
/// order, so the results do not depend on the thread count).
#[derive(Debug, Clone, Default)]
pub struct ChannelTotals {
    replicates: u64,
    /// Per slot: Σ conversions, Σ conversions², Σ direct, Σ word of mouth.
    sums: Vec<[f64; 4]>,
}

impl ChannelTotals {
    /// Add one replicate's counts (the channels, then organic).
    pub fn push(&mut self, channels: &[ChannelCounts]) {
        if self.sums.len() < channels.len() {
            self.sums.resize(channels.len(), [0.0; 4]);
        }
        for (sum, c) in self.sums.iter_mut().zip(channels) {
            let all = f64::from(c.conversions());
            sum[0] += all;
            sum[1] += all * all;
            sum[2] += f64::from(c.direct);
            sum[3] += f64::from(c.word_of_mouth);
        }
        self.replicates += 1;
    }
}

/// One row of `channels.csv` (and of `summary.json.channels`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRow {
    /// The channel's name, or `organic`.
    pub channel: String,
    /// `influencer`, `advocates` or `organic`.
    pub kind: &'static str,
    /// What the channel costs: an influencer's fee, or a programme's incentive
    /// times its recruited advocates.
    pub cost: f64,
    /// Conversions the channel set off: mean over replicates.
    pub conversions_mean: f64,
    /// Lower bound of the 95% CI of `conversions_mean` (normal approximation).
    pub conversions_ci95_low: f64,
    /// Upper bound of the 95% CI of `conversions_mean`.
    pub conversions_ci95_high: f64,
    /// Converted by the channel's own posts or recruited advocates.
    pub direct_mean: f64,
    /// Converted by the word of mouth the channel set off.
    pub word_of_mouth_mean: f64,
    /// cost / conversions_mean (empty when there are none or the cost is 0).
    pub cost_per_conversion: Option<f64>,
    /// (value of conversions_mean − cost) / cost (empty when the cost is 0).
    pub roi: Option<f64>,
}

/// The rows of `channels.csv`: one per channel, then `organic`; empty for a
/// campaign without channels.
pub fn rows(scenario: &Scenario, built: &Built, totals: &ChannelTotals) -> Vec<ChannelRow> {
    if totals.sums.is_empty() || totals.replicates == 0 {
        return Vec::new();
    }
    let costs = built.channel_costs(scenario);
    let names = scenario
        .influencers
        .iter()
        .map(|i| (i.name.as_str(), "influencer"))
        .chain(
            scenario
                .programmes
                .iter()
                .map(|p| (p.name.as_str(), "advocates")),
        )
        .chain(std::iter::once(("organic", "organic")));
    let n = totals.replicates as f64;
    let value = scenario.economics.value_per_conversion;
    names
        .zip(&totals.sums)
        .enumerate()
        .map(|(i, ((name, kind), sum))| {
            let mean = sum[0] / n;
            let variance = if totals.replicates > 1 {
                ((sum[1] - sum[0] * sum[0] / n) / (n - 1.0)).max(0.0)
            } else {
                0.0
            };
            let (low, high) = statistics::ci95(mean, variance.sqrt(), totals.replicates as usize);
            let cost = costs.get(i).copied().unwrap_or(0.0);
            ChannelRow {
                channel: name.to_string(),
                kind,
                cost,
                conversions_mean: mean,
                conversions_ci95_low: low,
                conversions_ci95_high: high,
                direct_mean: sum[2] / n,
                word_of_mouth_mean: sum[3] / n,
                cost_per_conversion: (cost > 0.0 && mean > 0.0).then(|| cost / mean),
                roi: (cost > 0.0).then(|| (value * mean - cost) / cost),
            }
        })
        .collect()
}

/// Write `channels.csv` into `dir` (atomically), through the `csv` crate.
pub fn write_csv(dir: &Path, rows: &[ChannelRow]) -> Result<()> {
    let path = dir.join("channels.csv");
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .serialize(row)
            .map_err(|e| crate::error::WomError::Runtime(format!("channels.csv: {e}")))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| crate::error::WomError::Runtime(format!("channels.csv: {e}")))?;
    files::write_file(&path, &bytes)
}
