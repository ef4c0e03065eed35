//! `summary.json`: what a run reports (docs/outputs.md), built from the
//! aggregates and the scenario.

use crate::results::aggregate::Aggregates;
use crate::results::channels::ChannelRow;
use crate::results::inputs::{input, ScenarioInput};
use crate::scenario::Scenario;
use crate::sim::runner::Built;
use crate::statistics::Summary;
use serde::Serialize;

/// Final values over replicates (`final` in `summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finals {
    /// Recruited advocates plus conversions at the last step.
    pub adopters: Summary,
    /// Consumers converted during the campaign.
    pub conversions: Summary,
    /// Consumers who know of the product at the last step.
    pub aware: Summary,
}

/// Share of all conversions by source (0 when there are none).
#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    /// Converted by a creator's post.
    pub influencer: f64,
    /// Converted directly by a recruited advocate.
    pub advocates: f64,
    /// Converted by an advocate who was converted during the campaign.
    pub word_of_mouth: f64,
    /// Converted without a recommendation (`external`).
    pub organic: f64,
}

/// Costs and returns, in the scenario's currency.
#[derive(Debug, Clone, Serialize)]
pub struct Economics {
    /// The currency of every amount here (`economics.currency`); null when the
    /// scenario names none (money in "units").
    pub currency: Option<String>,
    /// Influencer fees plus incentives for the recruited advocates.
    pub cost: f64,
    /// All influencers' fees.
    pub influencer_fee: f64,
    /// Each programme's incentive × its recruited advocates, summed.
    pub advocate_incentives: f64,
    /// Advocates recruited by all programmes (as planned for replicate 0).
    pub recruited_advocates: u32,
    /// Margin per conversion, from the scenario.
    pub value_per_conversion: f64,
    /// Cost over mean conversions; null when there are none.
    pub cost_per_conversion: Option<f64>,
    /// (value of mean conversions − cost) / cost; null when the cost is 0.
    pub roi: Option<f64>,
}

/// Wall-clock times: the one part of `summary.json` that changes between runs.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    /// Building the population and planning the campaign.
    pub build_seconds: f64,
    /// Running every replicate and folding its results.
    pub simulate_seconds: f64,
    /// Seconds spent choosing advocates by influence (part of `build_seconds`),
    /// present only when a programme has `choose = "influence"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choose_seconds: Option<f64>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The scenario's name.
    pub scenario: String,
    /// Command-line overrides applied to the scenario file (`key=value`, in order;
    /// empty when the file ran as written).
    pub overrides: Vec<String>,
    /// The version of wom that wrote the file.
    pub wom_version: &'static str,
    /// The master seed.
    pub seed: u64,
    /// Replicates run.
    pub replicates: u32,
    /// Steps per replicate.
    pub steps: u32,
    /// Consumers in the population (replicate 0's).
    pub nodes: u64,
    /// Ties in the population (arcs when directed; replicate 0's).
    pub ties: u64,
    /// Whether every replicate ran on its own freshly generated graph.
    pub new_graph_each_replicate: bool,
    /// Final adopters, conversions and awareness over replicates.
    #[serde(rename = "final")]
    pub finals: Finals,
    /// Shares of all conversions by source.
    pub attribution: Attribution,
    /// Cost, value and return.
    pub economics: Economics,
    /// One row per channel, then organic (empty without channels): the
    /// contents of `channels.csv`.
    pub channels: Vec<ChannelRow>,
    /// Wall-clock times.
    pub timing: Timing,
    /// The scenario file, every resolved parameter and its source.
    pub inputs: Vec<ScenarioInput>,
    /// The scenario with every default filled in.
    pub resolved_scenario: Scenario,
}

impl RunSummary {
    /// The summary of a run of `scenario`, from its aggregates, what was built and
    /// its channel rows.
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
                currency: scenario.economics.currency.clone(),
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
