//! Campaign seeding: who follows the influencer, who is recruited as an advocate.
//!
//! A [`CampaignPlan`] is prepared once per population (degree orders, degree bands,
//! labels read from an advocate file) and checked against it; then each replicate
//! draws its followers and advocates from its own `followers` and `advocates`
//! streams into reusable buffers, in time proportional to what it picks (except
//! `follower_choice = "by_degree"`, which is O(n) per replicate).

use crate::error::{Diagnostic, Result, WomError};
use crate::graph::{self, Population, Topology};
use crate::rng::{self, WomRng};
use crate::scenario::{AdvocateChoice, FollowerChoice, PopulationSpec, Scenario};

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
    keys: Vec<(bool, f64, u32)>,
    /// A virtual permutation for partial Fisher–Yates: position i holds
    /// `permuted[i]` when `moved` marks it, else i.
    permuted: Vec<u32>,
    moved: Marks,
}

impl SeedingScratch {
    pub fn new(nodes: usize) -> Self {
        SeedingScratch {
            marks: Marks::new(nodes),
            keys: Vec::new(),
            permuted: vec![0; nodes],
            moved: Marks::new(nodes),
        }
    }
}

/// How the advocates of each replicate are drawn.
#[derive(Debug, Clone)]
enum AdvocatePlan {
    None,
    /// `count` drawn uniformly from `pool` (all nodes when `pool` is None).
    FromPool {
        pool: Option<Vec<u32>>,
        count: u32,
    },
    /// The `certain` highest-degree nodes, plus `extra` drawn from the tied group.
    TopDegree {
        certain: Vec<u32>,
        tied: Vec<u32>,
        extra: u32,
    },
    /// `count` nodes far apart, greedily.
    Spread {
        count: u32,
    },
    /// A fixed list.
    Fixed(Vec<u32>),
}

/// The campaign of a scenario, prepared for one population.
#[derive(Debug, Clone)]
pub struct CampaignPlan {
    nodes: u32,
    followers: u32,
    follower_choice: FollowerChoice,
    advocates: AdvocatePlan,
    /// Number of recruited advocates in every replicate.
    pub advocate_count: u32,
}

/// Check that the campaign of `scenario` fits its population, as a run would find
/// when it starts: audiences and counts against an edge list's consumers, degree
/// bands against the degrees, advocate files against the labels. Builds the
/// population only when these depend on it (an edge list, a degree band or an
/// advocate file); otherwise validation has already checked them.
pub fn check_fits(scenario: &Scenario) -> Result<()> {
    let needs_graph = matches!(scenario.population, PopulationSpec::EdgeList { .. })
        || matches!(
            scenario.advocates.as_ref().map(|a| &a.choice),
            Some(AdvocateChoice::DegreeBand { .. } | AdvocateChoice::File { .. })
        );
    if !needs_graph {
        return Ok(());
    }
    let population = graph::build(&scenario.population, scenario.simulation.seed, 0)?;
    CampaignPlan::new(scenario, &population).map(|_| ())
}

impl CampaignPlan {
    /// Prepare the campaign of `scenario` on `population`. Fails (as bad input) when
    /// the campaign does not fit the population: more followers or advocates than
    /// consumers, a degree band with too few members, unknown labels in an advocate
    /// file.
    pub fn new(scenario: &Scenario, population: &Population) -> Result<Self> {
        let nodes = population.nodes() as u32;
        let too_many = |field: &str, asked: u64, alternative: &str| {
            WomError::input(
                scenario
                    .diagnostic(
                        field,
                        format!("asks for {asked} consumers but the population has {nodes}"),
                    )
                    .help(format!("lower it or use `{alternative}`")),
            )
        };
        let (followers, follower_choice) = match &scenario.influencer {
            Some(inf) => {
                let f = inf.followers.resolve(u64::from(nodes));
                if f > u64::from(nodes) {
                    return Err(too_many("influencer.followers", f, "follower_share"));
                }
                (f as u32, inf.follower_choice)
            }
            None => (0, FollowerChoice::Random),
        };
        let degree = |v: u32| -> u32 {
            match &population.topology {
                Topology::Network(g) => g.degree(v) as u32,
                Topology::Complete { nodes } => nodes - 1,
            }
        };
        let advocates = match scenario.advocates.as_ref().map(|a| &a.choice) {
            None => AdvocatePlan::None,
            Some(AdvocateChoice::Random { amount }) => {
                let count = amount.resolve(u64::from(nodes));
                if count > u64::from(nodes) {
                    return Err(too_many("advocates.count", count, "share"));
                }
                AdvocatePlan::FromPool {
                    pool: None,
                    count: count as u32,
                }
            }
            Some(AdvocateChoice::TopDegree { amount }) => {
                let count = amount.resolve(u64::from(nodes));
                if count > u64::from(nodes) {
                    return Err(too_many("advocates.count", count, "share"));
                }
                let mut order: Vec<u32> = (0..nodes).collect();
                // Highest degree first; equal degrees by id, then drawn at random below.
                order.sort_unstable_by_key(|&v| (std::cmp::Reverse(degree(v)), v));
                let count = count as usize;
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
            Some(AdvocateChoice::DegreeBand {
                amount,
                min_degree,
                max_degree,
            }) => {
                let pool: Vec<u32> = (0..nodes)
                    .filter(|&v| (*min_degree..=*max_degree).contains(&degree(v)))
                    .collect();
                let count = amount.resolve(u64::from(nodes));
                if count > pool.len() as u64 {
                    return Err(WomError::input(
                        scenario.diagnostic("advocates.count", format!(
                            "asks for {count} advocates but only {} consumers have degree {min_degree} to {max_degree}",
                            pool.len()
                        ))
                        .help("lower the count or widen the band (`min_degree`, `max_degree`)"),
                    ));
                }
                AdvocatePlan::FromPool {
                    pool: Some(pool),
                    count: count as u32,
                }
            }
            Some(AdvocateChoice::Spread { amount }) => {
                let count = amount.resolve(u64::from(nodes));
                if count > u64::from(nodes) {
                    return Err(too_many("advocates.count", count, "share"));
                }
                AdvocatePlan::Spread {
                    count: count as u32,
                }
            }
            Some(AdvocateChoice::File { path }) => {
                AdvocatePlan::Fixed(read_advocate_file(path, population)?)
            }
        };
        let advocate_count = match &advocates {
            AdvocatePlan::None => 0,
            AdvocatePlan::FromPool { count, .. } | AdvocatePlan::Spread { count } => *count,
            AdvocatePlan::TopDegree { certain, extra, .. } => certain.len() as u32 + extra,
            AdvocatePlan::Fixed(list) => list.len() as u32,
        };
        Ok(CampaignPlan {
            nodes,
            followers,
            follower_choice,
            advocates,
            advocate_count,
        })
    }

    /// Draw the influencer's followers into `out` (cleared first).
    pub fn choose_followers(
        &self,
        population: &Population,
        rng: &mut WomRng,
        scratch: &mut SeedingScratch,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        if self.followers == 0 {
            return;
        }
        match (&population.topology, self.follower_choice) {
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
                let k = self.followers as usize;
                if k < scratch.keys.len() {
                    scratch.keys.select_nth_unstable_by(k, order);
                }
                // Sort the chosen ones so their order does not depend on how the
                // standard library's selection leaves them.
                scratch.keys[..k].sort_unstable_by(order);
                out.extend(scratch.keys[..k].iter().map(|&(_, _, v)| v));
            }
            _ => sample_range(self.nodes, self.followers, rng, scratch, out),
        }
    }

    /// Draw the recruited advocates into `out` (cleared first).
    pub fn choose_advocates(
        &self,
        population: &Population,
        rng: &mut WomRng,
        scratch: &mut SeedingScratch,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        match &self.advocates {
            AdvocatePlan::None => {}
            AdvocatePlan::FromPool { pool: None, count } => {
                sample_range(self.nodes, *count, rng, scratch, out)
            }
            AdvocatePlan::FromPool {
                pool: Some(pool),
                count,
            } => sample_from(pool, *count, rng, scratch, out),
            AdvocatePlan::TopDegree {
                certain,
                tied,
                extra,
            } => {
                out.extend_from_slice(certain);
                sample_from(tied, *extra, rng, scratch, out);
            }
            AdvocatePlan::Spread { count } => spread(population, *count, rng, scratch, out),
            AdvocatePlan::Fixed(list) => out.extend_from_slice(list),
        }
    }
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
    let text = std::fs::read_to_string(path).map_err(|e| {
        WomError::input(
            Diagnostic::new(format!("cannot read the advocate file: {e}"))
                .file(path)
                .field("advocates.path"),
        )
    })?;
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
