//! Campaign seeding: who follows the influencer, who is recruited as an advocate.
//!
//! A [`CampaignPlan`] is prepared once per population (degree orders, degree bands,
//! labels read from an advocate file) and checked against it; then each replicate
//! draws its followers and advocates from its own `followers` and `advocates`
//! streams into reusable buffers, in time proportional to what it picks (except
//! `follower_choice = "by_degree"`, which is O(n) per replicate).

use crate::error::{Diagnostic, Result, WomError};
use crate::graph::{self, Csr, Population, Topology};
use crate::rng::{self, WomRng};
use crate::scenario::{AdvocateChoice, FollowerChoice, Pool, PopulationSpec, Recruits, Scenario};

/// Epoch-stamped marks over node ids: clearing is O(1).
#[derive(Debug, Clone)]
pub struct Marks {
    stamp: Vec<u32>,
    epoch: u32,
}

impl Marks {
    pub fn new(nodes: usize) -> Self {
        Marks {
            stamp: vec![0; nodes],
            epoch: 1,
        }
    }

    /// Unmark everything.
    pub fn clear(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
    }

    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.stamp[i] == self.epoch
    }

    #[inline]
    pub fn set(&mut self, i: usize) {
        self.stamp[i] = self.epoch;
    }
}

/// Buffers a replicate's seeding reuses.
#[derive(Debug, Clone)]
pub struct SeedingScratch {
    pub marks: Marks,
    /// Consumers recruited by a programme in this replicate.
    pub recruited: Marks,
    keys: Vec<(bool, f64, u32)>,
    /// One programme's draw, before those recruited earlier are skipped.
    fresh: Vec<u32>,
    /// Breadth-first layers of a niche audience.
    layer: Vec<u32>,
    next_layer: Vec<u32>,
    fresh_layer: Vec<u32>,
    /// A virtual permutation for partial Fisher–Yates: position i holds
    /// `permuted[i]` when `moved` marks it, else i.
    permuted: Vec<u32>,
    moved: Marks,
}

impl SeedingScratch {
    pub fn new(nodes: usize) -> Self {
        SeedingScratch {
            marks: Marks::new(nodes),
            recruited: Marks::new(nodes),
            keys: Vec::new(),
            fresh: Vec::new(),
            layer: Vec::new(),
            next_layer: Vec::new(),
            fresh_layer: Vec::new(),
            permuted: vec![0; nodes],
            moved: Marks::new(nodes),
        }
    }
}

/// How one programme's advocates are drawn in each replicate.
#[derive(Debug, Clone)]
enum AdvocatePlan {
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
    /// A fixed list.
    Fixed(Vec<u32>),
}

/// One creator, prepared for a population.
#[derive(Debug, Clone)]
pub struct InfluencerPlan {
    /// The key of its random streams: empty for the single-table form's default
    /// name (the plain streams), else its name.
    pub key: String,
    /// Followers in every replicate.
    pub followers: u32,
    choice: FollowerChoice,
    /// The share of followers who see one post (resolved from the audience size
    /// for `reach = "by_audience"`).
    pub reach: f64,
}

/// One advocate programme, prepared for a population.
#[derive(Debug, Clone)]
pub struct ProgrammePlan {
    /// The key of its random stream (as for [`InfluencerPlan::key`]).
    pub key: String,
    plan: AdvocatePlan,
    /// Advocates it sets out to recruit in every replicate (fewer only when an
    /// earlier programme already recruited some of the same consumers).
    pub count: u32,
}

/// The campaign of a scenario, prepared for one population.
#[derive(Debug, Clone)]
pub struct CampaignPlan {
    nodes: u32,
    /// Existing customers at launch.
    pub customers: u32,
    /// The creators, in scenario order.
    pub influencers: Vec<InfluencerPlan>,
    /// The programmes, in scenario order.
    pub programmes: Vec<ProgrammePlan>,
    /// Recruited advocates in every replicate, all programmes together.
    pub advocate_count: u32,
}

/// Check that the campaign of `scenario` fits its population, as a run would find
/// when it starts: audiences and counts against an edge list's consumers, degree
/// bands against the degrees, advocate files against the labels. Builds the
/// population only when these depend on it (an edge list, a degree band or an
/// advocate file); otherwise validation has already checked them.
pub fn check_fits(scenario: &Scenario) -> Result<()> {
    let needs_graph = matches!(scenario.population, PopulationSpec::EdgeList { .. })
        || scenario.programmes.iter().any(|p| {
            matches!(
                p.choice,
                AdvocateChoice::DegreeBand { .. } | AdvocateChoice::File { .. }
            )
        });
    if !needs_graph {
        return Ok(());
    }
    let population = graph::build(&scenario.population, scenario.simulation.seed, 0)?;
    CampaignPlan::new(scenario, &population).map(|_| ())
}

/// The stream key of a channel: empty for the single-table form's default name.
fn stream_key(name: &str, default: &str) -> String {
    if name == default {
        String::new()
    } else {
        name.to_string()
    }
}

/// The field a channel's message points at: `influencer.followers` for the
/// single-table form, `influencer[i].followers` for an array.
fn channel_field(scenario: &Scenario, kind: &str, index: usize, many: bool, key: &str) -> String {
    let _ = scenario;
    if many {
        format!("{kind}[{index}].{key}")
    } else {
        format!("{kind}.{key}")
    }
}

impl CampaignPlan {
    /// Prepare the campaign of `scenario` on `population`. Fails (as bad input) when
    /// the campaign does not fit the population: more followers or advocates than
    /// consumers, a degree band with too few members, unknown labels in an advocate
    /// file.
    pub fn new(scenario: &Scenario, population: &Population) -> Result<Self> {
        let nodes = population.nodes() as u32;
        let too_many = |field: &str, asked: u64, limit: u64, what: &str, alternative: &str| {
            WomError::input(
                scenario
                    .diagnostic(
                        field,
                        format!("asks for {asked} consumers but {what} {limit}"),
                    )
                    .help(format!("lower it or use `{alternative}`")),
            )
        };
        let customers = (scenario.market.customers * f64::from(nodes)).round() as u32;
        let degree = |v: u32| -> u32 {
            match &population.topology {
                Topology::Network(g) => g.degree(v) as u32,
                Topology::Complete { nodes } => nodes - 1,
            }
        };
        let many = scenario.influencers.len() > 1;
        let mut influencers = Vec::with_capacity(scenario.influencers.len());
        for (i, inf) in scenario.influencers.iter().enumerate() {
            let f = inf.followers.resolve(u64::from(nodes));
            if f > u64::from(nodes) {
                let field = channel_field(scenario, "influencer", i, many, "followers");
                let what = "the population has";
                return Err(too_many(
                    &field,
                    f,
                    u64::from(nodes),
                    what,
                    "follower_share",
                ));
            }
            influencers.push(InfluencerPlan {
                key: stream_key(&inf.name, "influencer"),
                followers: f as u32,
                choice: inf.follower_choice,
                reach: inf.reach.resolve(f, &scenario.engagement),
            });
        }
        let many = scenario.programmes.len() > 1;
        let mut programmes = Vec::with_capacity(scenario.programmes.len());
        for (i, prog) in scenario.programmes.iter().enumerate() {
            let field = channel_field(scenario, "advocates", i, many, "count");
            let (pool, what) = match prog.pool {
                Pool::Anyone => (nodes, "the population has"),
                Pool::Customers => (customers, "the pool of customers has"),
            };
            let count_of = |amount: &Recruits| -> Result<u32> {
                let count = amount.resolve(u64::from(nodes), u64::from(pool), prog.incentive);
                if count > u64::from(pool) {
                    return Err(too_many(&field, count, u64::from(pool), what, "share"));
                }
                Ok(count as u32)
            };
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
                AdvocateChoice::File { path } => {
                    AdvocatePlan::Fixed(read_advocate_file(path, population)?)
                }
            };
            let count = match &plan {
                AdvocatePlan::FromPool { count, .. }
                | AdvocatePlan::FromCustomers { count }
                | AdvocatePlan::Spread { count } => *count,
                AdvocatePlan::TopDegree { certain, extra, .. } => certain.len() as u32 + extra,
                AdvocatePlan::Fixed(list) => list.len() as u32,
            };
            programmes.push(ProgrammePlan {
                key: stream_key(&prog.name, "advocates"),
                plan,
                count,
            });
        }
        Ok(CampaignPlan {
            nodes,
            customers,
            advocate_count: programmes.iter().map(|p| p.count).sum(),
            influencers,
            programmes,
        })
    }

    /// Draw the existing customers of a replicate into `out` (cleared first).
    pub fn choose_customers(
        &self,
        rng: &mut WomRng,
        scratch: &mut SeedingScratch,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        sample_range(self.nodes, self.customers, rng, scratch, out);
    }

    /// Append influencer `i`'s followers to `out`.
    pub fn choose_followers(
        &self,
        i: usize,
        population: &Population,
        rng: &mut WomRng,
        scratch: &mut SeedingScratch,
        out: &mut Vec<u32>,
    ) {
        let plan = &self.influencers[i];
        if plan.followers == 0 {
            return;
        }
        match (&population.topology, plan.choice) {
            (Topology::Network(g), FollowerChoice::ByDegree) => {
                // Weighted sampling without replacement, weight = degree
                // (Efraimidis & Spirakis 2006, with exponential keys E/w: smallest win).
                // The key is (isolated?, E / degree or E): every connected consumer
                // comes before any isolated one, and isolated ones in random order.
                scratch.keys.clear();
                for v in 0..self.nodes {
                    let e = -(-rng::unit(rng)).ln_1p();
                    let d = g.degree(v) as f64;
                    let key = if d > 0.0 { e / d } else { e };
                    scratch.keys.push((d == 0.0, key, v));
                }
                let order = |a: &(bool, f64, u32), b: &(bool, f64, u32)| {
                    a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
                };
                let k = plan.followers as usize;
                if k < scratch.keys.len() {
                    scratch.keys.select_nth_unstable_by(k, order);
                }
                // Sort the chosen ones so their order does not depend on how the
                // standard library's selection leaves them.
                scratch.keys[..k].sort_unstable_by(order);
                out.extend(scratch.keys[..k].iter().map(|&(_, _, v)| v));
            }
            (Topology::Network(g), FollowerChoice::Niche) => {
                niche(g, plan.followers, rng, scratch, out)
            }
            _ => sample_range(self.nodes, plan.followers, rng, scratch, out),
        }
    }

    /// Append programme `p`'s recruited advocates to `out`, skipping consumers
    /// already in `out` (recruited by an earlier programme, marked in
    /// `scratch.recruited`); `customers` are this replicate's existing customers.
    pub fn choose_advocates(
        &self,
        p: usize,
        population: &Population,
        customers: &[u32],
        rng: &mut WomRng,
        scratch: &mut SeedingScratch,
        out: &mut Vec<u32>,
    ) {
        let start = out.len();
        if start == 0 {
            // A new replicate's first programme (or the first to recruit anyone).
            scratch.recruited.clear();
        }
        let mut fresh = Vec::new();
        std::mem::swap(&mut fresh, &mut scratch.fresh);
        fresh.clear();
        match &self.programmes[p].plan {
            AdvocatePlan::FromPool { pool: None, count } => {
                sample_range(self.nodes, *count, rng, scratch, &mut fresh)
            }
            AdvocatePlan::FromPool {
                pool: Some(pool),
                count,
            } => sample_from(pool, *count, rng, scratch, &mut fresh),
            AdvocatePlan::FromCustomers { count } => {
                sample_from(customers, *count, rng, scratch, &mut fresh)
            }
            AdvocatePlan::TopDegree {
                certain,
                tied,
                extra,
            } => {
                fresh.extend_from_slice(certain);
                sample_from(tied, *extra, rng, scratch, &mut fresh);
            }
            AdvocatePlan::Spread { count } => spread(population, *count, rng, scratch, &mut fresh),
            AdvocatePlan::Fixed(list) => fresh.extend_from_slice(list),
        }
        if start == 0 {
            // The first programme: nobody to skip.
            out.extend_from_slice(&fresh);
        } else {
            let taken = &scratch.recruited;
            out.extend(fresh.iter().copied().filter(|&v| !taken.get(v as usize)));
        }
        for &v in &out[start..] {
            scratch.recruited.set(v as usize);
        }
        scratch.fresh = fresh;
    }
}

/// Append the `k` consumers nearest to a random centre, breadth-first: whole
/// layers while they fit, then the rest drawn at random from the last layer; when
/// the centre's component runs out, another random centre not yet taken.
fn niche(g: &Csr, k: u32, rng: &mut WomRng, scratch: &mut SeedingScratch, out: &mut Vec<u32>) {
    let n = g.node_count() as u32;
    let start = out.len();
    let want = |out: &Vec<u32>| (k as usize).saturating_sub(out.len() - start);
    scratch.marks.clear();
    let mut layer = std::mem::take(&mut scratch.layer);
    let mut next = std::mem::take(&mut scratch.next_layer);
    while want(out) > 0 {
        let mut centre = rng::below(rng, u64::from(n)) as u32;
        // A centre already taken: the next free id (a free one exists, since
        // fewer than n are taken).
        while scratch.marks.get(centre as usize) {
            centre = (centre + 1) % n;
        }
        layer.clear();
        layer.push(centre);
        scratch.marks.set(centre as usize);
        while !layer.is_empty() && want(out) > 0 {
            let need = want(out);
            if layer.len() <= need {
                out.extend_from_slice(&layer);
            } else {
                // Ties at the frontier: a uniform subset of the layer.
                let mut picked = Vec::new();
                std::mem::swap(&mut picked, &mut scratch.fresh_layer);
                picked.clear();
                sample_from(&layer, need as u32, rng, scratch, &mut picked);
                out.extend_from_slice(&picked);
                scratch.fresh_layer = picked;
                break;
            }
            next.clear();
            for &u in &layer {
                for &v in g.neighbors(u) {
                    if !scratch.marks.get(v as usize) {
                        scratch.marks.set(v as usize);
                        next.push(v);
                    }
                }
            }
            std::mem::swap(&mut layer, &mut next);
        }
    }
    scratch.layer = layer;
    scratch.next_layer = next;
}

/// Append `k` distinct positions drawn uniformly from `0..n`, by a partial
/// Fisher–Yates shuffle over a virtual identity permutation: O(k) time, no O(n)
/// reset. The first k draws do not depend on k, so a scenario with more advocates
/// (or followers) recruits a superset of a smaller one's: common random numbers
/// keep comparisons of sizes paired.
fn sample_positions(
    n: u32,
    k: u32,
    rng: &mut WomRng,
    scratch: &mut SeedingScratch,
    mut emit: impl FnMut(u32),
) {
    let SeedingScratch {
        permuted, moved, ..
    } = scratch;
    moved.clear();
    let at = |permuted: &[u32], moved: &Marks, i: u32| {
        if moved.get(i as usize) {
            permuted[i as usize]
        } else {
            i
        }
    };
    for j in 0..k {
        let r = j + rng::below(rng, u64::from(n - j)) as u32;
        let (a, b) = (at(permuted, moved, j), at(permuted, moved, r));
        permuted[r as usize] = a;
        moved.set(r as usize);
        permuted[j as usize] = b;
        moved.set(j as usize);
        emit(b);
    }
}

/// Append `k` distinct ids drawn uniformly from `0..n`.
fn sample_range(
    n: u32,
    k: u32,
    rng: &mut WomRng,
    scratch: &mut SeedingScratch,
    out: &mut Vec<u32>,
) {
    sample_positions(n, k, rng, scratch, |v| out.push(v));
}

/// Append `k` distinct members of `pool` drawn uniformly.
fn sample_from(
    pool: &[u32],
    k: u32,
    rng: &mut WomRng,
    scratch: &mut SeedingScratch,
    out: &mut Vec<u32>,
) {
    sample_positions(pool.len() as u32, k, rng, scratch, |i| {
        out.push(pool[i as usize])
    });
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
/// from `path`), with the rules of [`read_advocate_file`]: one label per line
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Stream};

    #[test]
    fn larger_samples_extend_smaller_ones() {
        let mut scratch = SeedingScratch::new(1000);
        let (mut small, mut large) = (Vec::new(), Vec::new());
        sample_range(
            1000,
            50,
            &mut stream(9, 4, Stream::Advocates),
            &mut scratch,
            &mut small,
        );
        sample_range(
            1000,
            80,
            &mut stream(9, 4, Stream::Advocates),
            &mut scratch,
            &mut large,
        );
        assert_eq!(small[..], large[..50]);
        let everyone = {
            let mut all = Vec::new();
            sample_range(
                1000,
                1000,
                &mut stream(9, 4, Stream::Advocates),
                &mut scratch,
                &mut all,
            );
            all.sort_unstable();
            all
        };
        assert_eq!(everyone, (0..1000).collect::<Vec<u32>>());
    }

    #[test]
    fn samples_are_distinct_and_uniform() {
        let mut rng = stream(1, 0, Stream::Advocates);
        let mut scratch = SeedingScratch::new(10);
        let mut counts = [0u32; 10];
        let mut out = Vec::new();
        let rounds = 20_000;
        for _ in 0..rounds {
            out.clear();
            sample_range(10, 3, &mut rng, &mut scratch, &mut out);
            let mut sorted = out.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 3);
            for &v in &out {
                counts[v as usize] += 1;
            }
        }
        // Each id is picked with probability 3/10: count ~ Binomial(20000, 0.3), sd ~ 65.
        for c in counts {
            assert!((f64::from(c) - 6000.0).abs() < 5.0 * 65.0, "{counts:?}");
        }
    }
}
