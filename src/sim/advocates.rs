//! How an advocate programme recruits: its plan, prepared once per population
//! (`ProgrammePlan::new`: degree orders and bands, advocate files, the
//! `choose = "influence"` choice), and each replicate's draw (`AdvocatePlan::draw`).

use std::sync::Arc;
use std::time::Instant;

use super::campaign::{
    channel_field, sample_from, sample_range, stream_key, too_many, Marks, ProgrammePlan,
    SeedingScratch,
};
use super::influence::{self, rr::RrSets, with_in_arcs};
use crate::error::{Diagnostic, Result, WomError};
use crate::graph::{Population, Topology};
use crate::rng::{self, Stream, WomRng};
use crate::scenario::{AdvocateChoice, Pool, Recruits, Scenario};

/// What `choose = "influence"` chose for one programme, for the run's outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct InfluenceChoice {
    /// The programme's index in the scenario.
    pub programme: usize,
    /// The chosen advocates in order of choice (with `pool = "customers"`, the
    /// choice among replicate 0's customers; other replicates choose among theirs).
    pub advocates: Vec<u32>,
    /// RR sets sampled.
    pub rr_sets: usize,
    /// Expected conversions of the choice on those sets (slightly optimistic,
    /// since the same sets chose it).
    pub estimated_conversions: f64,
    /// Wall-clock seconds the choice took.
    pub seconds: f64,
}

/// How one programme's advocates are drawn in each replicate.
#[derive(Debug, Clone)]
pub(super) enum AdvocatePlan {
    /// `count` drawn uniformly from `pool` (all nodes when `pool` is None).
    FromPool { pool: Option<Vec<u32>>, count: u32 },
    /// `count` drawn uniformly from the replicate's existing customers.
    FromCustomers { count: u32 },
    /// The `certain` highest-degree nodes, plus `extra` drawn from the tied group.
    TopDegree {
        certain: Vec<u32>,
        tied: Vec<u32>,
        extra: u32,
    },
    /// `count` nodes far apart, greedily.
    Spread { count: u32 },
    /// A fixed list (an advocate file, or `choose = "influence"` among anyone).
    Fixed(Vec<u32>),
    /// `choose = "influence"` among the replicate's existing customers: the
    /// greedy maximum coverage of IMM's RR sets, restricted to them.
    InfluentialCustomers { sets: Arc<RrSets>, count: u32 },
}

impl ProgrammePlan {
    /// Prepare programme `i` of `scenario` on `population`, with `customers`
    /// existing customers in every replicate; also what `choose = "influence"`
    /// chose (only when `choose`: otherwise its count is checked and nobody is
    /// chosen). Fails (as bad input) when the programme does not fit the
    /// population.
    pub(super) fn new(
        scenario: &Scenario,
        population: &Population,
        i: usize,
        customers: u32,
        choose: bool,
    ) -> Result<(Self, Option<InfluenceChoice>)> {
        let prog = &scenario.programmes[i];
        let nodes = population.nodes() as u32;
        let many = scenario.programmes.len() > 1;
        let field = channel_field(scenario, "advocates", i, many, "count");
        let degree = |v: u32| -> u32 {
            match &population.topology {
                Topology::Network(g) => g.degree(v) as u32,
                Topology::Complete { nodes } => nodes - 1,
            }
        };
        let (pool, what) = match prog.pool {
            Pool::Anyone => (nodes, "the population has"),
            Pool::Customers => (customers, "the pool of customers has"),
        };
        let count_of = |amount: &Recruits| -> Result<u32> {
            let count = amount.resolve(u64::from(nodes), u64::from(pool), prog.incentive);
            if count > u64::from(pool) {
                let limit = u64::from(pool);
                return Err(too_many(scenario, &field, count, limit, what, "share"));
            }
            Ok(count as u32)
        };
        let key = stream_key(&prog.name, "advocates");
        let mut chosen = None;
        let plan = match &prog.choice {
            AdvocateChoice::Random { amount } if prog.pool == Pool::Customers => {
                AdvocatePlan::FromCustomers {
                    count: count_of(amount)?,
                }
            }
            AdvocateChoice::Random { amount } => AdvocatePlan::FromPool {
                pool: None,
                count: count_of(amount)?,
            },
            AdvocateChoice::TopDegree { amount } => {
                let count = count_of(amount)? as usize;
                let mut order: Vec<u32> = (0..nodes).collect();
                // Highest degree first; equal degrees by id, then drawn at random.
                order.sort_unstable_by_key(|&v| (std::cmp::Reverse(degree(v)), v));
                if count == 0 {
                    AdvocatePlan::TopDegree {
                        certain: vec![],
                        tied: vec![],
                        extra: 0,
                    }
                } else {
                    let boundary = degree(order[count - 1]);
                    let first_tied = order.partition_point(|&v| degree(v) > boundary);
                    let end_tied = order.partition_point(|&v| degree(v) >= boundary);
                    AdvocatePlan::TopDegree {
                        certain: order[..first_tied].to_vec(),
                        tied: order[first_tied..end_tied].to_vec(),
                        extra: (count - first_tied) as u32,
                    }
                }
            }
            AdvocateChoice::DegreeBand {
                amount,
                min_degree,
                max_degree,
            } => {
                let band: Vec<u32> = (0..nodes)
                    .filter(|&v| (*min_degree..=*max_degree).contains(&degree(v)))
                    .collect();
                let count = count_of(amount)?;
                if count as usize > band.len() {
                    return Err(WomError::input(
                        scenario.diagnostic(&field, format!(
                            "asks for {count} advocates but only {} consumers have degree {min_degree} to {max_degree}",
                            band.len()
                        ))
                        .help("lower the count or widen the band (`min_degree`, `max_degree`)"),
                    ));
                }
                AdvocatePlan::FromPool {
                    pool: Some(band),
                    count,
                }
            }
            AdvocateChoice::Spread { amount } => AdvocatePlan::Spread {
                count: count_of(amount)?,
            },
            AdvocateChoice::Influence { amount, .. } if !choose => {
                count_of(amount)?;
                AdvocatePlan::Fixed(Vec::new())
            }
            AdvocateChoice::Influence { amount, epsilon } => {
                let count = count_of(amount)?;
                let (plan, choice) =
                    choose_influential(scenario, population, i, count, *epsilon, &key)?;
                chosen = Some(choice);
                plan
            }
            AdvocateChoice::File { path } => {
                AdvocatePlan::Fixed(read_advocate_file(path, population)?)
            }
        };
        let count = match &plan {
            AdvocatePlan::FromPool { count, .. }
            | AdvocatePlan::FromCustomers { count }
            | AdvocatePlan::Spread { count }
            | AdvocatePlan::InfluentialCustomers { count, .. } => *count,
            AdvocatePlan::TopDegree { certain, extra, .. } => certain.len() as u32 + extra,
            AdvocatePlan::Fixed(list) => list.len() as u32,
        };
        Ok((ProgrammePlan { key, plan, count }, chosen))
    }
}

/// `choose = "influence"` for programme `i`: IMM on the population's in-arcs,
/// its RR sets drawn from the programme's `advocates` stream (replicate 0, channel
/// `influence/<name>`). Among anyone, the choice is fixed for the run; among
/// customers, IMM sizes the RR sets for replicate 0's customers (every
/// replicate's pool has the same size) and each replicate chooses among its own.
fn choose_influential(
    scenario: &Scenario,
    population: &Population,
    i: usize,
    count: u32,
    epsilon: f64,
    key: &str,
) -> Result<(AdvocatePlan, InfluenceChoice)> {
    let prog = &scenario.programmes[i];
    let Topology::Network(g) = &population.topology else {
        // Validation refuses a complete population.
        return Err(WomError::Runtime(
            "choose = \"influence\" needs a network population".into(),
        ));
    };
    let started = Instant::now();
    let model = influence::Model::new(scenario, prog);
    let seed = scenario.simulation.seed;
    let rr_key = rng::channel_key(seed, 0, Stream::Advocates, &format!("influence/{key}"));
    let pool: Option<Vec<u32>> = (prog.pool == Pool::Customers).then(|| {
        // Replicate 0's customers, drawn exactly as the replicate draws them.
        let plan_customers = (scenario.market.customers * g.node_count() as f64).round() as u32;
        let mut scratch = SeedingScratch::new(g.node_count());
        let mut market = rng::channel_stream(seed, 0, Stream::Advocates, "market");
        let mut out = Vec::new();
        sample_range(
            g.node_count() as u32,
            plan_customers,
            &mut market,
            &mut scratch,
            &mut out,
        );
        out
    });
    let memory = crate::graph::available_memory();
    let many = scenario.programmes.len() > 1;
    let choice = with_in_arcs(g, |arcs| {
        influence::imm(
            &arcs,
            &model,
            count as usize,
            epsilon,
            rr_key,
            pool.as_deref(),
            memory,
        )
    })
    .map_err(|e| {
        let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
        WomError::input(
            scenario
                .diagnostic(
                    &channel_field(scenario, "advocates", i, many, "choose"),
                    format!(
                        "is \"influence\", which needs about {:.1} GiB for {} RR sets of {:.0} consumers on average, but {:.1} GiB are available",
                        gib(e.bytes),
                        e.sets,
                        e.mean_size,
                        gib(e.available)
                    ),
                )
                .help(
                    "raise `epsilon` (memory falls as 1/epsilon^2), or choose = \"top_degree\"; large cascades (each advocate converting a sizeable share of the market) need many large RR sets",
                ),
        )
    })?;
    let report = InfluenceChoice {
        programme: i,
        advocates: choice.seeds.clone(),
        rr_sets: choice.sets.len(),
        estimated_conversions: choice.estimated_conversions,
        seconds: started.elapsed().as_secs_f64(),
    };
    let plan = match pool {
        None => AdvocatePlan::Fixed(choice.seeds),
        Some(_) => AdvocatePlan::InfluentialCustomers {
            sets: Arc::new(choice.sets),
            count,
        },
    };
    Ok((plan, report))
}

impl AdvocatePlan {
    /// Append this replicate's draw to `fresh`: among `nodes` consumers of
    /// `population`, with this replicate's existing `customers`.
    pub(super) fn draw(
        &self,
        nodes: u32,
        population: &Population,
        customers: &[u32],
        rng: &mut WomRng,
        scratch: &mut SeedingScratch,
        fresh: &mut Vec<u32>,
    ) {
        match self {
            AdvocatePlan::FromPool { pool: None, count } => {
                sample_range(nodes, *count, rng, scratch, fresh)
            }
            AdvocatePlan::FromPool {
                pool: Some(pool),
                count,
            } => sample_from(pool, *count, rng, scratch, fresh),
            AdvocatePlan::FromCustomers { count } => {
                sample_from(customers, *count, rng, scratch, fresh)
            }
            AdvocatePlan::TopDegree {
                certain,
                tied,
                extra,
            } => {
                fresh.extend_from_slice(certain);
                sample_from(tied, *extra, rng, scratch, fresh);
            }
            AdvocatePlan::Spread { count } => spread(population, *count, rng, scratch, fresh),
            AdvocatePlan::Fixed(list) => fresh.extend_from_slice(list),
            AdvocatePlan::InfluentialCustomers { sets, count } => {
                let allowed = &mut scratch.allowed;
                allowed.clear();
                allowed.resize(nodes as usize, false);
                for &v in customers {
                    allowed[v as usize] = true;
                }
                let chosen =
                    influence::greedy(sets, nodes as usize, *count as usize, Some(allowed));
                fresh.extend_from_slice(&chosen.seeds);
            }
        }
    }
}

/// Append `k` advocates far apart: random candidates are accepted only if no
/// advocate is within two ties (so no two share a friend); when candidates run out,
/// within one tie, and finally anywhere. On a complete graph this is random.
fn spread(
    population: &Population,
    k: u32,
    rng: &mut WomRng,
    scratch: &mut SeedingScratch,
    out: &mut Vec<u32>,
) {
    let n = population.nodes() as u32;
    let Topology::Network(g) = &population.topology else {
        return sample_range(n, k, rng, scratch, out);
    };
    let marks = &mut scratch.marks;
    // marks: consumers within `radius` ties of a chosen advocate.
    let exclude = |marks: &mut Marks, v: u32, radius: u32| {
        marks.set(v as usize);
        if radius >= 1 {
            for &u in g.neighbors(v) {
                marks.set(u as usize);
                if radius >= 2 {
                    for &w in g.neighbors(u) {
                        marks.set(w as usize);
                    }
                }
            }
        }
    };
    for radius in [2u32, 1, 0] {
        // Exclusion zones of the advocates chosen so far, at this radius.
        marks.clear();
        for &v in out.iter() {
            exclude(marks, v, radius);
        }
        let attempts = 20 * u64::from(k) + 1000;
        for _ in 0..attempts {
            if out.len() as u32 == k {
                return;
            }
            let v = rng::below(rng, u64::from(n)) as u32;
            if marks.get(v as usize) {
                continue;
            }
            out.push(v);
            exclude(marks, v, radius);
        }
    }
    // Anything still missing: the first unchosen ids in a random rotation.
    let start = rng::below(rng, u64::from(n)) as u32;
    for i in 0..n {
        if out.len() as u32 == k {
            break;
        }
        let v = (start + i) % n;
        if !marks.get(v as usize) {
            marks.set(v as usize);
            out.push(v);
        }
    }
}

/// The most unknown labels of one advocate file that are reported.
const MAX_REPORTED: usize = 50;

/// Read an advocate file: one node label per line, `#` comments and blank lines
/// skipped, repeated labels counted once; every unknown label is reported (up to
/// [`MAX_REPORTED`]), in file order. Linear in the file's length.
fn read_advocate_file(path: &std::path::Path, population: &Population) -> Result<Vec<u32>> {
    use std::io::Read as _;
    let cannot = |e: String| {
        WomError::input(
            Diagnostic::new(format!("cannot read the advocate file: {e}"))
                .file(path)
                .field("advocates.path"),
        )
    };
    // One label per consumer at most, with room for comments: a larger file (or
    // `/dev/zero`) is refused before it fills the memory.
    let limit = advocate_file_limit(population.nodes());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| cannot(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(cannot(format!(
            "it is larger than {limit} bytes, too large for a list of node labels of a population of {} consumers",
            population.nodes()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| cannot("it is not UTF-8 text".to_string()))?;
    parse_advocate_file(&text, path, population)
}

/// The largest advocate file read for a population of `nodes` consumers: 64 MiB
/// plus 256 bytes a consumer.
fn advocate_file_limit(nodes: u64) -> u64 {
    (64 << 20) + 256 * nodes
}

/// The ids of the advocates listed in `text` (an advocate file's contents, read
/// from `path`), with the rules of `read_advocate_file`: one label per line
/// (`\n`, `\r\n` or a lone `\r`), `#` comments, repeats counted once, every
/// unknown label reported (up to 50). Linear in the text's length.
pub fn parse_advocate_file(
    text: &str,
    path: &std::path::Path,
    population: &Population,
) -> Result<Vec<u32>> {
    let nodes = population.nodes();
    // One hash index for the whole file: linear in its length.
    let index = population.labels.as_ref().map(|labels| labels.lookup());
    let lookup = |label: &str| -> Option<u32> {
        match &index {
            Some(index) => index.get(label),
            // Generated populations: labels are the node ids 0..n.
            None => label
                .parse::<u64>()
                .ok()
                .filter(|&id| id < nodes)
                .map(|id| id as u32),
        }
    };
    let mut ids = Vec::new();
    let mut seen = Marks::new(nodes as usize);
    let mut problems = Vec::new();
    // "\n", "\r\n" and a lone "\r" each end one line.
    let text = text.replace("\r\n", "\n");
    for (i, line) in text.split(['\n', '\r']).enumerate() {
        let label = line.trim();
        if label.is_empty() || label.starts_with('#') {
            continue;
        }
        match lookup(label) {
            Some(id) if !seen.get(id as usize) => {
                seen.set(id as usize);
                ids.push(id);
            }
            Some(_) => {}
            None if problems.len() < MAX_REPORTED => problems.push(
                Diagnostic::new(format!(
                    "advocate \"{}\" is not a consumer of the population",
                    crate::error::echo(label)
                ))
                .file(path)
                .at(i + 1, Some(1))
                .help(match &population.labels {
                    Some(_) => {
                        "use node labels exactly as they appear in the edge list".to_string()
                    }
                    None => format!(
                        "generated populations are labelled 0 to {}",
                        nodes.saturating_sub(1)
                    ),
                }),
            ),
            None => {}
        }
    }
    if !problems.is_empty() {
        return Err(WomError::Input(problems));
    }
    Ok(ids)
}
