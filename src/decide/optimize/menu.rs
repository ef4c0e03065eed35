//! The menu of `wom optimize`: what a budget can buy from a scenario's channels.
//!
//! Every creator (`[[influencer]]`) is one item, bought or not, at its `fee`.
//! Every programme (`[[advocates]]`) is a ladder of levels, any one of which (or
//! none) is bought:
//! - a programme with a `count` or `share` of N advocates: counts
//!   round(N·k/L) for k = 1..L (L = `levels`, fewer when N < L), at `incentive`
//!   each;
//! - a programme with an `acceptance` curve and incentive I: incentives
//!   I·k/L (to the cent), each recruiting round(pool × acceptance(incentive));
//! - a programme with `choose = "file"`: on or off.
//!
//! A level's cost is its incentive × its planned count (the count the run plans,
//! as `summary.json` costs it). A mix is one level index per channel (0 = not
//! bought); [`Menu::scenario`] turns it into the scenario that runs it. Channels
//! keep their names, and each channel's random streams are keyed by its name, so
//! a channel draws the same audience or advocates in every mix: mixes are paired
//! replicate by replicate (common random numbers).

use crate::error::{Diagnostic, Result, WomError};
use crate::graph::Population;
use crate::scenario::{AdvocateChoice, Advocates, Amount, Recruits, Scenario};
use crate::sim::campaign::CampaignPlan;

/// The most levels a programme's ladder may have.
pub const MAX_LEVELS: u32 = 100;

/// One channel of the menu.
#[derive(Debug, Clone)]
pub struct Channel {
    /// The channel's name in the scenario.
    pub name: String,
    /// A creator (bought or not) or a programme (a ladder of levels).
    pub creator: bool,
    /// The levels above "not bought", cheapest first.
    pub levels: Vec<Level>,
}

/// One level of a channel.
#[derive(Debug, Clone)]
pub struct Level {
    /// How the level reads in a plan: "bought", "120 advocates", "incentive
    /// 12.5 (2,400 advocates)".
    pub label: String,
    /// What the level costs.
    pub cost: f64,
    /// The programme at this level (None for a creator).
    programme: Option<Advocates>,
}

/// A scenario's channels as a menu of purchases.
#[derive(Debug, Clone)]
pub struct Menu {
    /// The scenario without its channels.
    base: Scenario,
    /// The scenario's creators, in file order.
    creators: Vec<crate::scenario::Influencer>,
    /// Creators first (file order), then programmes (file order).
    pub channels: Vec<Channel>,
}

/// A mix: one level index per channel of the menu (0: not bought).
pub type Mix = Vec<usize>;

fn with_amount(choice: &AdvocateChoice, amount: Recruits) -> AdvocateChoice {
    match choice.clone() {
        AdvocateChoice::Random { .. } => AdvocateChoice::Random { amount },
        AdvocateChoice::TopDegree { .. } => AdvocateChoice::TopDegree { amount },
        AdvocateChoice::DegreeBand {
            min_degree,
            max_degree,
            ..
        } => AdvocateChoice::DegreeBand {
            amount,
            min_degree,
            max_degree,
        },
        AdvocateChoice::Spread { .. } => AdvocateChoice::Spread { amount },
        other => other,
    }
}

fn amount_of(choice: &AdvocateChoice) -> Option<&Recruits> {
    match choice {
        AdvocateChoice::Random { amount }
        | AdvocateChoice::TopDegree { amount }
        | AdvocateChoice::DegreeBand { amount, .. }
        | AdvocateChoice::Spread { amount } => Some(amount),
        _ => None,
    }
}

/// Round to 12 significant digits (sums of money print as they are written).
pub(super) fn clean(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// Money to the cent.
fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl Menu {
    /// The menu of `scenario`, with programme ladders of up to `levels` levels;
    /// `population` is the one the runs use (replicate 0's), for planned counts.
    ///
    /// Fails (exit 2) when the scenario has no channel, or `levels` is 0 or
    /// above [`MAX_LEVELS`].
    pub fn new(scenario: &Scenario, population: &Population, levels: u32) -> Result<Menu> {
        if levels == 0 || levels > MAX_LEVELS {
            return Err(WomError::input(
                Diagnostic::new(format!(
                    "{levels} levels per programme; allowed: 1 to {MAX_LEVELS}"
                ))
                .file("--levels")
                .help("give --levels N with N from 1 to 100"),
            ));
        }
        if scenario.influencers.is_empty() && scenario.programmes.is_empty() {
            return Err(WomError::input(
                Diagnostic::new("the scenario has no channel to buy")
                    .file(&scenario.origin.path)
                    .help(
                        "add [[influencer]] or [[advocates]] tables: each is an item of the menu",
                    ),
            ));
        }
        let mut base = scenario.clone();
        base.influencers.clear();
        base.programmes.clear();
        let mut channels: Vec<Channel> = scenario
            .influencers
            .iter()
            .map(|i| Channel {
                name: i.name.clone(),
                creator: true,
                levels: vec![Level {
                    label: "bought".into(),
                    cost: i.fee,
                    programme: None,
                }],
            })
            .collect();
        for p in &scenario.programmes {
            let planned = |prog: &Advocates| -> Result<u32> {
                let mut one = base.clone();
                one.programmes = vec![prog.clone()];
                Ok(CampaignPlan::new(&one, population)?.programmes[0].count)
            };
            let mut ladder: Vec<Level> = Vec::new();
            match amount_of(&p.choice) {
                Some(Recruits::Acceptance { .. }) if p.incentive > 0.0 => {
                    for k in 1..=levels {
                        let incentive = cents(p.incentive * f64::from(k) / f64::from(levels));
                        if incentive <= 0.0
                            || ladder.last().is_some_and(|l| {
                                l.programme.as_ref().map(|q| q.incentive) == Some(incentive)
                            })
                        {
                            continue;
                        }
                        let mut prog = p.clone();
                        prog.incentive = incentive;
                        let n = planned(&prog)?;
                        ladder.push(Level {
                            label: format!("incentive {incentive}, {n} advocates"),
                            cost: incentive * f64::from(n),
                            programme: Some(prog),
                        });
                    }
                }
                Some(Recruits::Amount(_)) => {
                    let full = planned(p)?;
                    let mut last = 0;
                    for k in 1..=levels {
                        let n =
                            ((f64::from(full) * f64::from(k)) / f64::from(levels)).round() as u32;
                        if n == 0 || n == last {
                            continue;
                        }
                        last = n;
                        let mut prog = p.clone();
                        prog.choice =
                            with_amount(&p.choice, Recruits::Amount(Amount::Count(u64::from(n))));
                        ladder.push(Level {
                            label: format!("{n} advocates"),
                            cost: p.incentive * f64::from(n),
                            programme: Some(prog),
                        });
                    }
                }
                _ => {
                    let n = planned(p)?;
                    ladder.push(Level {
                        label: format!("{n} advocates"),
                        cost: p.incentive * f64::from(n),
                        programme: Some(p.clone()),
                    });
                }
            }
            channels.push(Channel {
                name: p.name.clone(),
                creator: false,
                levels: ladder,
            });
        }
        Ok(Menu {
            base,
            creators: scenario.influencers.clone(),
            channels,
        })
    }

    /// The mix that buys nothing.
    pub fn empty(&self) -> Mix {
        vec![0; self.channels.len()]
    }

    /// What `mix` costs (to 12 significant digits, so that 316.23 + 31.62
    /// reads 347.85).
    pub fn cost(&self, mix: &[usize]) -> f64 {
        clean(
            self.channels
                .iter()
                .zip(mix)
                .filter(|(_, &l)| l > 0)
                .fold(0.0, |sum, (c, &l)| sum + c.levels[l - 1].cost),
        )
    }

    /// The scenario that runs `mix`: the base scenario with the bought creators
    /// and the programmes at their levels, in file order.
    pub fn scenario(&self, mix: &[usize]) -> Scenario {
        let mut s = self.base.clone();
        let creators = self.creators.len();
        s.influencers = self
            .creators
            .iter()
            .zip(mix)
            .filter(|(_, &l)| l > 0)
            .map(|(i, _)| i.clone())
            .collect();
        s.programmes = self.channels[creators..]
            .iter()
            .zip(&mix[creators..])
            .filter(|(_, &l)| l > 0)
            .filter_map(|(c, &l)| c.levels[l - 1].programme.clone())
            .collect();
        s
    }

    /// `mix` in words: "macro creator 1 + referral (120 advocates)", or
    /// "nothing".
    pub fn describe(&self, mix: &[usize]) -> String {
        let parts: Vec<String> = self
            .channels
            .iter()
            .zip(mix)
            .filter(|(_, &l)| l > 0)
            .map(|(c, &l)| {
                if c.creator {
                    c.name.clone()
                } else {
                    format!("{} ({})", c.name, c.levels[l - 1].label)
                }
            })
            .collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(" + ")
        }
    }

    /// How many mixes the menu has (saturating).
    pub fn size(&self) -> u64 {
        self.channels
            .iter()
            .fold(1u64, |n, c| n.saturating_mul(c.levels.len() as u64 + 1))
    }

    /// Every mix costing at most `budget`, in lexicographic order of the level
    /// indices, or None when there are more than `limit`.
    pub fn affordable(&self, budget: f64, limit: usize) -> Option<Vec<Mix>> {
        let mut out = Vec::new();
        let mut mix = self.empty();
        if !self.extend(&mut mix, 0, 0.0, budget, limit, &mut out) {
            return None;
        }
        Some(out)
    }

    fn extend(
        &self,
        mix: &mut Mix,
        at: usize,
        spent: f64,
        budget: f64,
        limit: usize,
        out: &mut Vec<Mix>,
    ) -> bool {
        if at == mix.len() {
            if out.len() == limit {
                return false;
            }
            out.push(mix.clone());
            return true;
        }
        for l in 0..=self.channels[at].levels.len() {
            let cost = if l == 0 {
                0.0
            } else {
                self.channels[at].levels[l - 1].cost
            };
            if !super::fits(spent + cost, budget) {
                continue;
            }
            mix[at] = l;
            if !self.extend(mix, at + 1, spent + cost, budget, limit, out) {
                mix[at] = 0;
                return false;
            }
        }
        mix[at] = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const MENU: &str = r#"
[simulation]
replicates = 2
steps = 3
[population]
generator = "erdos_renyi"
nodes = 1000
mean_degree = 4
[market]
customers = 0.1
[[influencer]]
name = "creator"
followers = 100
fee = 70.0
[[advocates]]
name = "referral"
pool = "customers"
acceptance = [[0.0, 0.0], [10.0, 0.5]]
incentive = 10.0
[[advocates]]
name = "ambassadors"
share = 0.01
incentive = 3.0
"#;

    fn menu(levels: u32) -> Menu {
        let s = crate::scenario::parse(MENU, Path::new("menu.toml"), &[]).unwrap();
        let p = crate::graph::build(&s.population, s.simulation.seed, 0).unwrap();
        Menu::new(&s, &p, levels).unwrap()
    }

    #[test]
    fn ladders_of_incentives_and_counts() {
        let m = menu(4);
        let costs =
            |c: usize| -> Vec<f64> { m.channels[c].levels.iter().map(|l| l.cost).collect() };
        assert_eq!(costs(0), vec![70.0]);
        // Incentives 2.5, 5, 7.5, 10: shares 0.125, 0.25, 0.375, 0.5 of the 100
        // customers, round() = 13 (12.5 rounds away from 0), 25, 38, 50.
        assert_eq!(
            costs(1),
            vec![2.5 * 13.0, 5.0 * 25.0, 7.5 * 38.0, 10.0 * 50.0]
        );
        // 10 ambassadors in 4 levels: 3, 5, 8, 10 at 3 each.
        assert_eq!(costs(2), vec![9.0, 15.0, 24.0, 30.0]);
        assert_eq!(m.size(), 2 * 5 * 5);
        let mix = vec![1, 2, 0];
        assert_eq!(m.cost(&mix), 70.0 + 125.0);
        assert_eq!(
            m.describe(&mix),
            "creator + referral (incentive 5, 25 advocates)"
        );
        let s = m.scenario(&mix);
        assert_eq!(s.influencers.len(), 1);
        assert_eq!(s.programmes.len(), 1);
        assert_eq!(s.programmes[0].incentive, 5.0);
        assert_eq!(m.describe(&m.empty()), "nothing");
    }

    #[test]
    fn affordable_mixes_respect_the_budget_and_the_limit() {
        let m = menu(2);
        let all = m.affordable(100.0, 1000).unwrap();
        assert!(all.iter().all(|x| m.cost(x) <= 100.0));
        let brute = (0..2)
            .flat_map(|a| (0..3).flat_map(move |b| (0..3).map(move |c| vec![a, b, c])))
            .filter(|x| m.cost(x) <= 100.0)
            .count();
        assert_eq!(all.len(), brute);
        assert!(m.affordable(100.0, brute - 1).is_none());
    }
}
