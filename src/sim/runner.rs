//! Many replicates in parallel, handed to a sink in replicate order.
//!
//! Each rayon thread simulates chunks of replicates, taken in order, and whoever
//! finishes the chunk that is next in line folds it (and any after it that are
//! done) into the sink. So the sink sees the replicates in order whatever the
//! thread count, no thread waits for the others at a batch boundary, and memory
//! holds a bounded window of chunks.

use crate::error::{Result, WomError};
use crate::graph::{self, Population};
use crate::scenario::Scenario;
use crate::sim::campaign::{CampaignPlan, InfluenceChoice};
use crate::sim::distribute::{self, Record, Words};
use crate::sim::engine::{
    self, ChannelCounts, Model, ReplicateOutcome, Scratch, StepCounts, World,
};
use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// The most replicates a thread simulates at a time (fewer towards the end).
const CHUNK: usize = 32;

/// Simulated chunks that may wait for an earlier one to be folded, per thread.
const WINDOW_PER_THREAD: usize = 4;

/// Build the population of replicate `replicate` and prepare the campaign on it.
fn world_for(scenario: &Scenario, replicate: u64) -> Result<World> {
    let population = graph::build(&scenario.population, scenario.simulation.seed, replicate)?;
    let plan = CampaignPlan::new(scenario, &population)?;
    Ok(World::new(population, plan))
}

/// The labels of `ids` in `population` (node ids for generated populations).
fn labels_of(population: &Population, ids: &[u32]) -> Vec<String> {
    ids.iter()
        .map(|&v| match &population.labels {
            Some(labels) => labels.label(v),
            None => v.to_string(),
        })
        .collect()
}

/// What was built before the replicates ran.
#[derive(Debug, Clone)]
pub struct Built {
    /// Consumers in replicate 0's population.
    pub nodes: u64,
    /// Ties in replicate 0's population (arcs when directed).
    pub ties: u64,
    /// Recruited advocates in every replicate.
    pub recruited: u32,
    /// Each programme's recruited advocates (in scenario order).
    pub programme_counts: Vec<u32>,
    /// Each influencer's followers and the reach of one post (in scenario order).
    pub audiences: Vec<(u32, f64)>,
    /// Existing customers at launch.
    pub customers: u32,
    /// What each `choose = "influence"` programme chose (replicate 0's population),
    /// with the chosen advocates' labels.
    pub influence: Vec<(InfluenceChoice, Vec<String>)>,
    /// Wall-clock seconds spent building replicate 0's population and plan.
    pub build_seconds: f64,
}

impl Built {
    /// The cost of each channel of `scenario` as built: influencers' fees first,
    /// then each programme's incentive × its recruited advocates.
    pub fn channel_costs(&self, scenario: &Scenario) -> Vec<f64> {
        let fees = scenario.influencers.iter().map(|i| i.fee);
        let incentives = scenario
            .programmes
            .iter()
            .zip(&self.programme_counts)
            .map(|(p, &n)| p.incentive * f64::from(n));
        fees.chain(incentives).collect()
    }

    /// The campaign's total cost (summed from +0.0: an empty float sum is −0.0).
    pub fn cost(&self, scenario: &Scenario) -> f64 {
        self.channel_costs(scenario).iter().fold(0.0, |a, b| a + b)
    }
}

/// One chunk's results: curves (replicate-major, `steps` each) and outcomes.
struct ChunkBuffers {
    /// The chunk's replicates.
    replicates: std::ops::Range<usize>,
    curves: Vec<StepCounts>,
    finals: Vec<ReplicateOutcome>,
    /// Each replicate's conversions by channel (`slots` each).
    channels: Vec<ChannelCounts>,
}

/// The chunks in flight, shared by the threads (under one lock).
struct Chunks {
    /// Chunks handed out so far.
    claimed: usize,
    /// The first replicate not yet handed out.
    unclaimed: usize,
    /// The next chunk to fold.
    folded: usize,
    /// Simulated chunks waiting for an earlier one.
    ready: BTreeMap<usize, ChunkBuffers>,
    /// Whether a thread is folding now (only one at a time, in order).
    folding: bool,
    /// Buffers of folded chunks, to reuse.
    spare: Vec<ChunkBuffers>,
    /// The first error; the threads stop at their next chunk.
    failed: Option<WomError>,
}

/// Simulate every replicate of `scenario` on the current rayon pool, handing each
/// one's curve and outcome to `sink` in replicate order.
///
/// Each thread takes the next chunk of replicates, simulates it with its own
/// scratch, and hands it in. A chunk is a share of what is left, at most
/// `CHUNK`, so chunks shrink towards the end and the threads finish together
/// (a chunk of long replicates can take a tenth of a second). The thread that
/// hands in the chunk next in line folds it and every later one that is
/// already done, so the serial fold runs on whichever thread is free and no
/// thread waits at a batch boundary (on BA with two threads, batches with a join
/// between them gave 1.83× one thread's throughput, chunks 1.94×). A thread
/// more than `WINDOW_PER_THREAD` chunks per thread ahead of the fold waits,
/// which bounds memory. The threads run nothing else while they work (no nested
/// parallelism), so that wait cannot hold up the chunk it waits for.
pub fn simulate(
    scenario: &Scenario,
    progress: &ProgressBar,
    sink: impl FnMut(u64, &[StepCounts], &ReplicateOutcome, &[ChannelCounts]) -> Result<()> + Send,
) -> Result<Built> {
    simulate_on(scenario, None, progress, sink)
}

/// [`simulate`] on a population built beforehand (when `population` is given and
/// the scenario keeps one graph for every replicate): a sweep whose points vary
/// no population key builds the population once. The population must be the one
/// the scenario's own `[population]` builds (replicate 0), or results differ from
/// a `wom run` of the scenario.
///
/// Under MPI ([`distribute`]) every rank simulates its contiguous block of the
/// replicates and every rank's sink then gets all of them, in replicate order
/// (see [`simulate_outcomes_on`] for the outcomes alone).
pub fn simulate_on(
    scenario: &Scenario,
    population: Option<&Population>,
    progress: &ProgressBar,
    sink: impl FnMut(u64, &[StepCounts], &ReplicateOutcome, &[ChannelCounts]) -> Result<()> + Send,
) -> Result<Built> {
    simulate_distributed(scenario, population, true, progress, sink)
}

/// [`simulate_on`] for a sink that needs only the outcomes: under MPI the ranks
/// exchange the outcome of each replicate (48 bytes), not its curve.
pub fn simulate_outcomes_on(
    scenario: &Scenario,
    population: Option<&Population>,
    progress: &ProgressBar,
    mut sink: impl FnMut(u64, &ReplicateOutcome) -> Result<()> + Send,
) -> Result<Built> {
    simulate_distributed(scenario, population, false, progress, |r, _, o, _| {
        sink(r, o)
    })
}

/// One replicate's results as ranks exchange them: the outcome, and with
/// `curves` the curve and the conversions by channel.
struct ReplicateRecord {
    outcome: ReplicateOutcome,
    curve: Vec<StepCounts>,
    channels: Vec<ChannelCounts>,
}

impl Record for ReplicateRecord {
    fn encode(&self, out: &mut Vec<u8>) {
        let o = &self.outcome;
        let words = [
            self.curve.len() as u32,
            self.channels.len() as u32,
            o.adopters,
            o.conversions,
            o.aware,
            o.from[0],
            o.from[1],
            o.from[2],
            o.from[3],
            o.peak_step,
            u32::from(o.half_step.is_some()),
            o.half_step.unwrap_or(0),
        ];
        let curve = self.curve.iter().flat_map(|c| {
            [
                c.adopters,
                c.conversions,
                c.new_conversions,
                c.aware,
                c.active_advocates,
            ]
        });
        let channels = self
            .channels
            .iter()
            .flat_map(|c| [c.direct, c.word_of_mouth]);
        for w in words.into_iter().chain(curve).chain(channels) {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut w = Words(bytes);
        let (steps, slots) = (w.u32() as usize, w.u32() as usize);
        let mut outcome = ReplicateOutcome {
            adopters: w.u32(),
            conversions: w.u32(),
            aware: w.u32(),
            ..ReplicateOutcome::default()
        };
        for f in &mut outcome.from {
            *f = w.u32();
        }
        outcome.peak_step = w.u32();
        let (has_half, half) = (w.u32(), w.u32());
        outcome.half_step = (has_half == 1).then_some(half);
        let curve = (0..steps)
            .map(|_| StepCounts {
                adopters: w.u32(),
                conversions: w.u32(),
                new_conversions: w.u32(),
                aware: w.u32(),
                active_advocates: w.u32(),
            })
            .collect();
        let channels = (0..slots)
            .map(|_| ChannelCounts {
                direct: w.u32(),
                word_of_mouth: w.u32(),
            })
            .collect();
        ReplicateRecord {
            outcome,
            curve,
            channels,
        }
    }
}

/// [`simulate_on`], keeping (and under MPI exchanging) the curves and channel
/// counts only when `curves`; the sink gets empty ones otherwise.
fn simulate_distributed(
    scenario: &Scenario,
    population: Option<&Population>,
    curves: bool,
    progress: &ProgressBar,
    mut sink: impl FnMut(u64, &[StepCounts], &ReplicateOutcome, &[ChannelCounts]) -> Result<()> + Send,
) -> Result<Built> {
    let replicates = scenario.simulation.replicates as usize;
    if !distribute::splits() {
        let built = simulate_range(scenario, population, 0..replicates, progress, sink)?;
        progress.finish_and_clear();
        return Ok(built);
    }
    let mut built = None;
    let records = distribute::gather(replicates, |block| {
        let mut records = Vec::with_capacity(block.len());
        let keep = |_, curve: &[StepCounts], outcome: &ReplicateOutcome, channels: &[_]| {
            records.push(ReplicateRecord {
                outcome: *outcome,
                curve: if curves { curve.to_vec() } else { Vec::new() },
                channels: if curves {
                    channels.to_vec()
                } else {
                    Vec::new()
                },
            });
            Ok(())
        };
        built = Some(simulate_range(scenario, population, block, progress, keep)?);
        Ok(records)
    })?;
    let mine = distribute::block(replicates, distribute::rank(), distribute::size());
    progress.inc((replicates - mine.len()) as u64);
    for (replicate, r) in records.iter().enumerate() {
        sink(replicate as u64, &r.curve, &r.outcome, &r.channels)?;
    }
    progress.finish_and_clear();
    Ok(built.expect("every rank simulates its block"))
}

/// Simulate the replicates `range` of `scenario` (see [`simulate_on`]), handing
/// each to `sink` in replicate order.
fn simulate_range(
    scenario: &Scenario,
    population: Option<&Population>,
    range: std::ops::Range<usize>,
    progress: &ProgressBar,
    sink: impl FnMut(u64, &[StepCounts], &ReplicateOutcome, &[ChannelCounts]) -> Result<()> + Send,
) -> Result<Built> {
    let build_start = Instant::now();
    let model = Model::new(scenario);
    let first = match population {
        Some(p) if !scenario.simulation.new_graph_each_replicate => {
            let plan = CampaignPlan::new(scenario, p)?;
            World::new(p.clone(), plan)
        }
        _ => world_for(scenario, 0)?,
    };
    let built = Built {
        nodes: first.population.nodes(),
        ties: first.population.ties(),
        recruited: first.plan.advocate_count,
        programme_counts: first.plan.programmes.iter().map(|p| p.count).collect(),
        audiences: first
            .plan
            .influencers
            .iter()
            .map(|i| (i.followers, i.reach))
            .collect(),
        customers: first.plan.customers,
        influence: first
            .plan
            .influence
            .iter()
            .map(|c| (c.clone(), labels_of(&first.population, &c.advocates)))
            .collect(),
        build_seconds: 0.0,
    };
    let shared = (!scenario.simulation.new_graph_each_replicate).then_some(first);
    let built = Built {
        build_seconds: build_start.elapsed().as_secs_f64(),
        ..built
    };

    let replicates = range.end;
    let steps = model.steps as usize;
    let slots = model.channel_slots();
    let threads = rayon::current_num_threads().max(1);
    let window = WINDOW_PER_THREAD * threads;
    let chunks = Mutex::new(Chunks {
        claimed: 0,
        unclaimed: range.start,
        folded: 0,
        ready: BTreeMap::new(),
        folding: false,
        spare: Vec::new(),
        failed: None,
    });
    let folded_one = Condvar::new();
    let sink = Mutex::new(sink);
    let lock = || chunks.lock().expect("the chunk list");
    // Simulate the chunk of `into` into it with `scratch`.
    let simulate_chunk = |into: &mut ChunkBuffers, scratch: &mut Scratch| -> Result<()> {
        let replicates = into.replicates.clone();
        into.curves
            .resize(replicates.len() * steps, StepCounts::default());
        into.finals
            .resize(replicates.len(), ReplicateOutcome::default());
        into.channels
            .resize(replicates.len() * slots, ChannelCounts::default());
        let outputs = into.curves.chunks_mut(steps).zip(&mut into.finals).zip(
            into.channels
                .chunks_mut(slots.max(1))
                .chain(std::iter::repeat_with(|| &mut [][..])),
        );
        for (replicate, ((curve, outcome), channels)) in replicates.zip(outputs) {
            let replicate = replicate as u64;
            let channels = &mut channels[..slots];
            *outcome = match &shared {
                Some(world) => {
                    engine::simulate_replicate(&model, world, replicate, scratch, curve, channels)
                }
                None => {
                    let world = world_for(scenario, replicate)?;
                    engine::simulate_replicate(&model, &world, replicate, scratch, curve, channels)
                }
            };
        }
        Ok(())
    };
    // Hand the chunk's replicates from `from` to the sink, in order.
    let fold = |from: &ChunkBuffers| -> Result<()> {
        let mut sink = sink.lock().expect("the sink");
        let curves = from.curves.chunks(steps);
        let replicates = from.replicates.clone();
        for (i, ((replicate, curve), outcome)) in
            replicates.zip(curves).zip(&from.finals).enumerate()
        {
            let channels = &from.channels[i * slots..(i + 1) * slots];
            sink(replicate as u64, curve, outcome, channels)?;
        }
        progress.inc(from.finals.len() as u64);
        Ok(())
    };
    let work = || {
        // Made when the thread gets its first chunk: with more threads than
        // chunks, the idle ones allocate nothing.
        let mut scratch = None;
        loop {
            let (c, mut buffers) = {
                let mut state = lock();
                while state.failed.is_none() && state.claimed - state.folded >= window {
                    state = folded_one.wait(state).expect("the chunk list");
                }
                let left = replicates - state.unclaimed;
                if state.failed.is_some() || left == 0 {
                    return;
                }
                let len = left.div_ceil(2 * threads).min(CHUNK);
                let mut buffers = state.spare.pop().unwrap_or_else(|| ChunkBuffers {
                    replicates: 0..0,
                    curves: Vec::new(),
                    finals: Vec::new(),
                    channels: Vec::new(),
                });
                buffers.replicates = state.unclaimed..state.unclaimed + len;
                state.unclaimed += len;
                state.claimed += 1;
                (state.claimed - 1, buffers)
            };
            let scratch = scratch.get_or_insert_with(|| Scratch::new(built.nodes as usize));
            let simulated = simulate_chunk(&mut buffers, scratch);
            let mut state = lock();
            if let Err(e) = simulated {
                state.failed.get_or_insert(e);
                folded_one.notify_all();
                return;
            }
            if state.failed.is_some() {
                return;
            }
            state.ready.insert(c, buffers);
            if state.folding {
                continue;
            }
            state.folding = true;
            while state.failed.is_none() {
                let c = state.folded;
                let Some(buffers) = state.ready.remove(&c) else {
                    break;
                };
                drop(state);
                let result = fold(&buffers);
                state = lock();
                state.folded += 1;
                state.spare.push(buffers);
                if let Err(e) = result {
                    state.failed.get_or_insert(e);
                }
                folded_one.notify_all();
            }
            state.folding = false;
        }
    };
    rayon::scope(|s| {
        for _ in 0..threads {
            s.spawn(|_| work());
        }
    });
    let state = chunks.into_inner().expect("the chunk list");
    if let Some(e) = state.failed {
        return Err(e);
    }
    debug_assert_eq!(
        (state.folded, state.unclaimed),
        (state.claimed, replicates),
        "every replicate folded"
    );
    Ok(built)
}

/// One replicate's result, kept in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateResult {
    /// Final values.
    pub outcome: ReplicateOutcome,
    /// Counts at the end of each step, one per step.
    pub curve: Vec<StepCounts>,
    /// Conversions by channel, then organic (empty without channels).
    pub channels: Vec<ChannelCounts>,
}

/// Simulate `scenario` and keep every replicate in memory (for tests and analyses
/// that need them all; `results::run` streams instead).
pub fn simulate_in_memory(scenario: &Scenario) -> Result<(Built, Vec<ReplicateResult>)> {
    let mut results = Vec::with_capacity(scenario.simulation.replicates as usize);
    let built = simulate(
        scenario,
        &ProgressBar::hidden(),
        |_, curve, outcome, channels| {
            results.push(ReplicateResult {
                outcome: *outcome,
                curve: curve.to_vec(),
                channels: channels.to_vec(),
            });
            Ok(())
        },
    )?;
    Ok((built, results))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn cascade_on_er(replicates: u32) -> Scenario {
        let text = format!(
            "[simulation]\nreplicates = {replicates}\nsteps = 40\nseed = 11\n\
             [population]\ngenerator = \"erdos_renyi\"\nnodes = 2000\nmean_degree = 6\n\
             [word_of_mouth]\nrule = \"cascade\"\nreach = 1.0\ntrust = 1.0\n\
             trust_mode = \"exposure\"\nconversion = 0.2\nadvocacy = 1.0\nactive_steps = 1\n\
             [advocates]\ncount = 3\n"
        );
        crate::scenario::parse(&text, Path::new("test.toml"), &[]).expect("a valid scenario")
    }

    /// Every replicate handed to the sink of `simulate` on a pool of `threads`.
    fn sunk(scenario: &Scenario, threads: usize) -> Vec<(u64, Vec<StepCounts>, ReplicateOutcome)> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut seen = Vec::new();
        pool.install(|| {
            simulate(
                scenario,
                &ProgressBar::hidden(),
                |replicate, curve, outcome, _| {
                    seen.push((replicate, curve.to_vec(), *outcome));
                    Ok(())
                },
            )
        })
        .expect("simulates");
        seen
    }

    #[test]
    fn the_sink_gets_every_replicate_in_order_whatever_the_threads() {
        // 1,000 replicates are over 32 chunks: with 3 and 8 threads chunks
        // finish out of order and wait for earlier ones, and the last ones are
        // short.
        let scenario = cascade_on_er(1000);
        let one = sunk(&scenario, 1);
        let order: Vec<u64> = one.iter().map(|(r, _, _)| *r).collect();
        assert_eq!(order, (0..1000).collect::<Vec<u64>>());
        for threads in [3, 8] {
            assert!(sunk(&scenario, threads) == one, "{threads} threads");
        }
    }

    #[test]
    fn replicate_records_travel_whole() {
        let (_, results) = simulate_in_memory(&cascade_on_er(3)).expect("simulates");
        for r in &results {
            let mut outcome = r.outcome;
            outcome.half_step = outcome.half_step.or(Some(7));
            for (curve, channels) in [
                (
                    r.curve.clone(),
                    vec![ChannelCounts {
                        direct: 3,
                        word_of_mouth: 9,
                    }],
                ),
                (Vec::new(), Vec::new()),
            ] {
                let record = ReplicateRecord {
                    outcome,
                    curve,
                    channels,
                };
                let mut bytes = Vec::new();
                record.encode(&mut bytes);
                assert_eq!(
                    bytes.len(),
                    48 + 20 * record.curve.len() + 8 * record.channels.len()
                );
                let back = ReplicateRecord::decode(&bytes);
                assert_eq!(
                    (back.outcome, &back.curve, &back.channels),
                    (record.outcome, &record.curve, &record.channels)
                );
            }
            let record = ReplicateRecord {
                outcome: ReplicateOutcome {
                    half_step: None,
                    ..outcome
                },
                curve: Vec::new(),
                channels: Vec::new(),
            };
            let mut bytes = Vec::new();
            record.encode(&mut bytes);
            assert_eq!(ReplicateRecord::decode(&bytes).outcome.half_step, None);
        }
    }

    #[test]
    fn a_failing_sink_stops_the_run_with_its_error() {
        let scenario = cascade_on_er(1000);
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut calls = 0;
            let result = pool.install(|| {
                simulate(&scenario, &ProgressBar::hidden(), |replicate, _, _, _| {
                    calls += 1;
                    match replicate {
                        100 => Err(WomError::Runtime("disk full".into())),
                        _ => Ok(()),
                    }
                })
            });
            assert!(matches!(result, Err(WomError::Runtime(m)) if m == "disk full"));
            assert_eq!(
                calls, 101,
                "{threads} threads: no replicate after the failure"
            );
        }
    }
}
