//! `inputs`: the scenarios a result was made from, each with every resolved
//! parameter and its source ([`crate::scenario::sources`]). Every result file that
//! comes from scenarios carries this list (`summary.json`, `comparison.json`,
//! `sweep.json`, `breakeven.json`, `sensitivity.json`, `optimize.json`, the
//! network fit's `fit.json`), so that the report
//! (`wom report`) can list every assumption behind its numbers.

use crate::scenario::sources::{assumptions, Assumption};
use crate::scenario::Scenario;
use serde::Serialize;

/// One scenario a result was made from.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInput {
    /// What it is in this result: `scenario`, `reference`, `against`, `A`, `B`.
    pub role: String,
    /// The scenario's `name`.
    pub name: String,
    /// The scenario file as given on the command line.
    pub file: String,
    /// Command-line overrides applied to it (`key=value`, in order).
    pub overrides: Vec<String>,
    /// Every resolved parameter, in file order.
    pub assumptions: Vec<Assumption>,
}

/// `s` as the input `role` of a result.
pub fn input(role: &str, s: &Scenario) -> ScenarioInput {
    ScenarioInput {
        role: role.to_string(),
        name: s.name.clone(),
        file: s.origin.path.display().to_string(),
        overrides: s.overrides(),
        assumptions: assumptions(s),
    }
}
