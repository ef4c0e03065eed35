//! `summary.json`: what a run reports (docs/outputs.md), built from the
//! aggregates and the scenario.

use crate::results::aggregate::Aggregates;
use crate::results::channels::ChannelRow;
use crate::results::inputs::{input, ScenarioInput};
use crate::scenario::Scenario;
use crate::sim::runner::Built;
use crate::statistics::Summary;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finals {
    pub adopters: Summary,
    pub conversions: Summary,
    pub aware: Summary,
}

/// Share of all conversions by source (0 when there are none).
#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    pub influencer: f64,
    pub advocates: f64,
    pub word_of_mouth: f64,
    pub organic: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Economics {
    /// Influencer fees plus incentives for the recruited advocates.
    pub cost: f64,
    /// All influencers' fees.
    pub influencer_fee: f64,
    pub advocate_incentives: f64,
    pub recruited_advocates: u32,
    pub value_per_conversion: f64,
    /// Cost over mean conversions; null when there are none.
    pub cost_per_conversion: Option<f64>,
    /// (value of mean conversions − cost) / cost; null when the cost is 0.
    pub roi: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub build_seconds: f64,
    pub simulate_seconds: f64,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    /// Command-line overrides applied to the scenario file (`key=value`, in order;
    /// empty when the file ran as written).
    pub overrides: Vec<String>,
    pub wom_version: &'static str,
    pub seed: u64,
    pub replicates: u32,
    pub steps: u32,
    pub nodes: u64,
    pub ties: u64,
    /// Whether every replicate ran on its own freshly generated graph.
    pub new_graph_each_replicate: bool,
    #[serde(rename = "final")]
    pub finals: Finals,
    pub attribution: Attribution,
    pub economics: Economics,
    /// One row per channel, then organic (empty without channels): the
    /// contents of `channels.csv`.
    pub channels: Vec<ChannelRow>,
    pub timing: Timing,
    /// The scenario file, every resolved parameter and its source.
    pub inputs: Vec<ScenarioInput>,
    pub resolved_scenario: Scenario,
}

impl RunSummary {
    pub fn new(
        scenario: &Scenario,
        aggregates: &Aggregates,
        built: &Built,
        channels: Vec<ChannelRow>,
        timing: Timing,
    ) -> Self {
        let (nodes, ties, recruited) = (built.nodes, built.ties, built.recruited);
        let finals = aggregates.finals.clone();
        let totals = aggregates.from_totals;
        let all: f64 = totals.iter().sum();
        let share = |x: f64| if all > 0.0 { x / all } else { 0.0 };
        let costs = built.channel_costs(scenario);
        let (fees, incentives) = costs.split_at(scenario.influencers.len());
        // Folded from +0.0 (an empty `sum` of floats is -0.0).
        let fee = fees.iter().fold(0.0, |a, b| a + b);
        let incentives = incentives.iter().fold(0.0, |a, b| a + b);
        let cost = fee + incentives;
        let mean_conversions = finals.conversions.mean;
        let value = scenario.economics.value_per_conversion;
        RunSummary {
            scenario: scenario.name.clone(),
            overrides: scenario.overrides(),
            wom_version: env!("CARGO_PKG_VERSION"),
            seed: scenario.simulation.seed,
            replicates: scenario.simulation.replicates,
            steps: scenario.simulation.steps,
            nodes,
            ties,
            new_graph_each_replicate: scenario.simulation.new_graph_each_replicate,
            attribution: Attribution {
                influencer: share(totals[0]),
                advocates: share(totals[1]),
                word_of_mouth: share(totals[2]),
                organic: share(totals[3]),
            },
            economics: Economics {
                cost,
                influencer_fee: fee,
                advocate_incentives: incentives,
                recruited_advocates: recruited,
                value_per_conversion: value,
                cost_per_conversion: (mean_conversions > 0.0).then(|| cost / mean_conversions),
                roi: (cost > 0.0).then(|| (value * mean_conversions - cost) / cost),
            },
            finals,
            channels,
            timing,
            inputs: vec![input("scenario", scenario)],
            resolved_scenario: scenario.clone(),
        }
    }
}
