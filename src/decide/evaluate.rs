//! One scenario evaluated the way every decision command needs it: the per-replicate
//! values of a metric, in replicate order, from the same simulation as `wom run`
//! (so a sweep point's numbers equal those of `wom run --set` at that point), with
//! the population built once when the caller passes one in.

use crate::error::Result;
use crate::graph::Population;
use crate::scenario::Scenario;
use crate::sim::runner::simulate_outcomes_on;
use indicatif::ProgressBar;

/// What a decision is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Conversions (new customers).
    Conversions,
    /// (value of the conversions − cost) / cost.
    Roi,
    /// Value of the conversions − cost.
    Profit,
}

impl Metric {
    /// The metric's name as written on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Conversions => "conversions",
            Metric::Roi => "roi",
            Metric::Profit => "profit",
        }
    }
}

/// A scenario's replicates, reduced to what decisions compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Final conversions, adopters and aware consumers, one per replicate.
    pub conversions: Vec<f64>,
    /// Final adopters (existing customers, recruited advocates and conversions),
    /// one per replicate.
    pub adopters: Vec<f64>,
    /// Final aware consumers, one per replicate.
    pub aware: Vec<f64>,
    /// The campaign's cost (fees plus incentives).
    pub cost: f64,
    /// Margin per conversion.
    pub value_per_conversion: f64,
}

impl Evaluation {
    /// The per-replicate values of `metric` (ROI is `None` when the cost is 0).
    pub fn metric(&self, metric: Metric) -> Option<Vec<f64>> {
        let (cost, value) = (self.cost, self.value_per_conversion);
        match metric {
            Metric::Conversions => Some(self.conversions.clone()),
            Metric::Profit => Some(self.conversions.iter().map(|c| value * c - cost).collect()),
            Metric::Roi => (cost > 0.0).then(|| {
                self.conversions
                    .iter()
                    .map(|c| (value * c - cost) / cost)
                    .collect()
            }),
        }
    }
}

/// Simulate `scenario` (on `population` when given; see
/// [`crate::sim::runner::simulate_on`]) on the current rayon pool; under MPI
/// every rank gets the whole evaluation (`sim::distribute`).
pub fn evaluate(
    scenario: &Scenario,
    population: Option<&Population>,
    progress: &ProgressBar,
) -> Result<Evaluation> {
    let n = scenario.simulation.replicates as usize;
    let mut e = Evaluation {
        conversions: Vec::with_capacity(n),
        adopters: Vec::with_capacity(n),
        aware: Vec::with_capacity(n),
        cost: 0.0,
        value_per_conversion: scenario.economics.value_per_conversion,
    };
    let built = simulate_outcomes_on(scenario, population, progress, |_, outcome| {
        e.conversions.push(f64::from(outcome.conversions));
        e.adopters.push(f64::from(outcome.adopters));
        e.aware.push(f64::from(outcome.aware));
        Ok(())
    })?;
    e.cost = built.cost(scenario);
    Ok(e)
}
