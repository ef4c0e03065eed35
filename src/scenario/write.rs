//! Resolved [`Scenario`] → scenario-file TOML: every value explicit, in the shape a
//! user writes (and `wom validate --explain` prints), so the text can be saved and
//! run as it is. Reading the text back gives the same scenario (tested).

use super::*;
use toml::{Table, Value};

/// The scenario as a scenario file, with every default filled in. Paths are the
/// resolved ones (relative to the current folder, or absolute), so the text runs
/// from anywhere only when they are absolute.
pub fn to_toml(s: &Scenario) -> String {
    let mut top = Table::new();
    top.insert("name".into(), s.name.clone().into());
    top.insert("description".into(), s.description.clone().into());
    top.insert("simulation".into(), Value::Table(simulation(&s.simulation)));
    top.insert("population".into(), Value::Table(population(&s.population)));
    top.insert(
        "word_of_mouth".into(),
        Value::Table(word_of_mouth(&s.word_of_mouth)),
    );
    if s.market.customers > 0.0 {
        let mut market = Table::new();
        market.insert("customers".into(), s.market.customers.into());
        top.insert("market".into(), Value::Table(market));
    }
    if s.influencers.iter().any(|i| i.reach == Reach::ByAudience) {
        let bands = s
            .engagement
            .bands
            .iter()
            .map(|&(bound, reach)| Value::Array(vec![bound.into(), reach.into()]))
            .collect();
        let mut engagement = Table::new();
        engagement.insert("bands".into(), Value::Array(bands));
        top.insert("engagement".into(), Value::Table(engagement));
    }
    // One channel keeping its default name is written as a single table, as the
    // shipped scenarios are; several as an array of named tables.
    match s.influencers.as_slice() {
        [] => {}
        [one] if one.name == "influencer" => {
            top.insert("influencer".into(), Value::Table(influencer(one, false)));
        }
        many => {
            let tables = many.iter().map(|i| Value::Table(influencer(i, true)));
            top.insert("influencer".into(), Value::Array(tables.collect()));
        }
    }
    match s.programmes.as_slice() {
        [] => {}
        [one] if one.name == "advocates" => {
            top.insert("advocates".into(), Value::Table(advocates(one, false)));
        }
        many => {
            let tables = many.iter().map(|a| Value::Table(advocates(a, true)));
            top.insert("advocates".into(), Value::Array(tables.collect()));
        }
    }
    let mut economics = Table::new();
    economics.insert(
        "value_per_conversion".into(),
        s.economics.value_per_conversion.into(),
    );
    if let Some(currency) = &s.economics.currency {
        economics.insert("currency".into(), currency.clone().into());
    }
    top.insert("economics".into(), Value::Table(economics));
    if !s.uncertain.is_empty() {
        let uncertain = s
            .uncertain
            .iter()
            .map(|(key, d)| (key.clone(), Value::Table(d.to_toml())))
            .collect();
        top.insert("uncertain".into(), Value::Table(uncertain));
    }
    toml::to_string(&top).expect("a table of plain values serialises")
}

fn int(v: impl Into<u64>) -> Value {
    let v: u64 = v.into();
    match i64::try_from(v) {
        Ok(i) => Value::Integer(i),
        // TOML integers stop at 2^63 - 1; the scenario reads larger ones as text.
        Err(_) => Value::String(v.to_string()),
    }
}

/// [`to_toml`] with every path made absolute (joined to the current folder, not
/// resolved through links), so that the text runs as it is wherever it is saved:
/// what `wom validate --explain` prints. A path that cannot be made absolute (no
/// current folder) is printed as resolved.
pub fn to_toml_absolute(s: &Scenario) -> String {
    let mut s = s.clone();
    let absolute = |p: &mut PathBuf| {
        if let Ok(a) = std::path::absolute(&*p) {
            *p = a;
        }
    };
    if let PopulationSpec::EdgeList { path, .. } = &mut s.population {
        absolute(path);
    }
    for programme in &mut s.programmes {
        if let AdvocateChoice::File { path } = &mut programme.choice {
            absolute(path);
        }
    }
    to_toml(&s)
}

fn path(p: &Path) -> Value {
    Value::String(p.to_string_lossy().into_owned())
}

fn steps(posts: &[u32]) -> Value {
    Value::Array(posts.iter().map(|&p| int(p)).collect())
}

fn simulation(s: &Simulation) -> Table {
    let mut t = Table::new();
    t.insert("replicates".into(), int(s.replicates));
    t.insert("steps".into(), int(s.steps));
    t.insert("seed".into(), int(s.seed));
    t.insert(
        "new_graph_each_replicate".into(),
        s.new_graph_each_replicate.into(),
    );
    t
}

fn population(p: &PopulationSpec) -> Table {
    let mut t = Table::new();
    t.insert("generator".into(), p.generator_name().into());
    match p {
        PopulationSpec::ErdosRenyi { nodes, mean_degree } => {
            t.insert("nodes".into(), int(*nodes));
            t.insert("mean_degree".into(), (*mean_degree).into());
        }
        PopulationSpec::BarabasiAlbert { nodes, attach } => {
            t.insert("nodes".into(), int(*nodes));
            t.insert("attach".into(), int(*attach));
        }
        PopulationSpec::WattsStrogatz {
            nodes,
            neighbors,
            rewire,
        } => {
            t.insert("nodes".into(), int(*nodes));
            t.insert("neighbors".into(), int(*neighbors));
            t.insert("rewire".into(), (*rewire).into());
        }
        PopulationSpec::Configuration { nodes, degrees } => {
            t.insert("nodes".into(), int(*nodes));
            match degrees {
                DegreeDistribution::Table(rows) => {
                    let shares: Table = rows
                        .iter()
                        .map(|(d, s)| (d.to_string(), Value::Float(*s)))
                        .collect();
                    t.insert("degrees".into(), Value::Table(shares));
                }
                DegreeDistribution::PowerLaw { exponent, min, max } => {
                    let mut law = Table::new();
                    law.insert("exponent".into(), (*exponent).into());
                    law.insert("min".into(), int(*min));
                    law.insert("max".into(), int(*max));
                    t.insert("power_law".into(), Value::Table(law));
                }
            }
        }
        PopulationSpec::StochasticBlock {
            blocks,
            p_in,
            p_out,
        } => {
            t.insert(
                "blocks".into(),
                Value::Array(blocks.iter().map(|&b| int(b)).collect()),
            );
            t.insert("p_in".into(), (*p_in).into());
            t.insert("p_out".into(), (*p_out).into());
        }
        PopulationSpec::Complete { nodes } => {
            t.insert("nodes".into(), int(*nodes));
        }
        PopulationSpec::EdgeList {
            path: p,
            directed,
            weighted,
        } => {
            t.insert("path".into(), path(p));
            t.insert("directed".into(), (*directed).into());
            t.insert("weighted".into(), (*weighted).into());
        }
    }
    t
}

fn word_of_mouth(w: &WordOfMouth) -> Table {
    let mut t = Table::new();
    match w.rule {
        Rule::Cascade => {
            t.insert("rule".into(), "cascade".into());
        }
        Rule::Threshold { threshold } => {
            t.insert("rule".into(), "threshold".into());
            let v = match threshold {
                Threshold::Fixed(x) => Value::Float(x),
                Threshold::Uniform => "uniform".into(),
            };
            t.insert("threshold".into(), v);
        }
        Rule::Bass { p, q, dt } => {
            t.insert("rule".into(), "bass".into());
            t.insert("p".into(), p.into());
            t.insert("q".into(), q.into());
            t.insert("dt".into(), dt.into());
        }
    }
    t.insert("reach".into(), w.reach.into());
    t.insert("trust".into(), w.trust.into());
    let mode = match w.trust_mode {
        TrustMode::Consumer => "consumer",
        TrustMode::Exposure => "exposure",
    };
    t.insert("trust_mode".into(), mode.into());
    t.insert("conversion".into(), w.conversion.into());
    t.insert("advocacy".into(), w.advocacy.into());
    t.insert("active_steps".into(), int(w.active_steps));
    t.insert("external".into(), w.external.into());
    t
}

fn amount(t: &mut Table, a: Amount, count_key: &str, share_key: &str) {
    match a {
        Amount::Count(n) => t.insert(count_key.into(), int(n)),
        Amount::Share(s) => t.insert(share_key.into(), s.into()),
    };
}

fn influencer(i: &Influencer, named: bool) -> Table {
    let mut t = Table::new();
    if named {
        t.insert("name".into(), i.name.clone().into());
    }
    amount(&mut t, i.followers, "followers", "follower_share");
    let choice = match i.follower_choice {
        FollowerChoice::Random => "random",
        FollowerChoice::ByDegree => "by_degree",
        FollowerChoice::Niche => "niche",
    };
    t.insert("follower_choice".into(), choice.into());
    let reach = match i.reach {
        Reach::Fixed(r) => Value::Float(r),
        Reach::ByAudience => "by_audience".into(),
    };
    t.insert("reach".into(), reach);
    t.insert("trust".into(), i.trust.into());
    t.insert("posts".into(), steps(&i.posts));
    t.insert("fee".into(), i.fee.into());
    t.insert("fatigue".into(), i.fatigue.into());
    t
}

fn recruits(t: &mut Table, r: &Recruits) {
    match r {
        Recruits::Amount(a) => amount(t, *a, "count", "share"),
        Recruits::Acceptance { acceptance } => {
            let points = acceptance
                .iter()
                .map(|&(x, y)| Value::Array(vec![x.into(), y.into()]))
                .collect();
            t.insert("acceptance".into(), Value::Array(points));
        }
    }
}

fn advocates(a: &Advocates, named: bool) -> Table {
    let mut t = Table::new();
    if named {
        t.insert("name".into(), a.name.clone().into());
    }
    let pool = match a.pool {
        Pool::Anyone => "anyone",
        Pool::Customers => "customers",
    };
    t.insert("pool".into(), pool.into());
    match &a.choice {
        AdvocateChoice::Random { amount: n } => {
            t.insert("choose".into(), "random".into());
            recruits(&mut t, n);
        }
        AdvocateChoice::TopDegree { amount: n } => {
            t.insert("choose".into(), "top_degree".into());
            recruits(&mut t, n);
        }
        AdvocateChoice::DegreeBand {
            amount: n,
            min_degree,
            max_degree,
        } => {
            t.insert("choose".into(), "degree_band".into());
            recruits(&mut t, n);
            t.insert("min_degree".into(), int(*min_degree));
            t.insert("max_degree".into(), int(*max_degree));
        }
        AdvocateChoice::Spread { amount: n } => {
            t.insert("choose".into(), "spread".into());
            recruits(&mut t, n);
        }
        AdvocateChoice::Influence { amount: n, epsilon } => {
            t.insert("choose".into(), "influence".into());
            recruits(&mut t, n);
            t.insert("epsilon".into(), (*epsilon).into());
        }
        AdvocateChoice::File { path: p } => {
            t.insert("choose".into(), "file".into());
            t.insert("path".into(), path(p));
        }
    }
    t.insert("posts".into(), steps(&a.posts));
    t.insert("incentive".into(), a.incentive.into());
    t.insert("trust_factor".into(), a.trust_factor.into());
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_survives_a_round_trip() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<PathBuf> = Vec::new();
        for dir in ["scenarios", "scenarios/validation", "tests/fixtures"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = entry.unwrap().path();
                if p.extension().is_some_and(|e| e == "toml") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut checked = 0;
        for file in files {
            let Ok(s) = load(&file, &[]) else { continue };
            let text = to_toml(&s);
            // Resolved paths are relative to the current folder: read the text as
            // if it stood there.
            let again = parse(&text, Path::new(&format!("{}.toml", s.stem)), &[])
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", file.display()));
            assert_eq!(again, s, "{}\n{text}", file.display());
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} scenarios checked");
    }
}
