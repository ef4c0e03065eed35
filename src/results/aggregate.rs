//! Aggregates over replicates (docs/outputs.md): the streaming [`Aggregator`],
//! the rows of `curves.csv`, the histogram of final conversions, and the rows of
//! `replicates.csv`.
//!
//! Numbers are printed with Rust's shortest round-trip formatting (or [`num`]) and
//! rows in replicate order, so files are byte-identical for any thread count.

use crate::error::{Result, WomError};
use crate::results::files::write_error;
use crate::results::summary::Finals;
use crate::sim::engine::{ReplicateOutcome, StepCounts};
use crate::statistics::{bands, Summary};
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A number for a CSV cell: rounded to 9 decimals (hiding float noise such as
/// 164.04999999999995) and printed without trailing zeros.
pub fn num(v: f64) -> String {
    let rounded = (v * 1e9).round() / 1e9;
    let text = format!("{rounded:.9}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Bytes of per-step values held in memory at once while computing bands.
const BAND_MEMORY: usize = 64 << 20;

/// A scratch file that is removed when dropped.
struct SpillFile {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Collects replicate results in replicate order, in memory that does not grow
/// with the number of replicates.
///
/// Means are summed as results stream past. For the percentile bands, each
/// replicate's conversions and awareness per step (8 bytes a step) go to a scratch
/// file beside the outputs; [`Aggregator::finish`] reads it back a block of steps at
/// a time, at most 64 MiB (`BAND_MEMORY`) of values in memory, and removes it.
///
/// Most replicates settle long before the last step (a cascade dies out), and
/// from then on their curve repeats one value. That tail is handled once, not
/// step by step: its value is summed into `tails` at the step it starts (the
/// means add the tails up at the end), and only the steps up to it are spilled.
/// Otherwise the aggregation would cost more than a small cascade itself.
pub struct Aggregator {
    steps: usize,
    recruited: u32,
    replicates: usize,
    /// Sums over replicates of the values before each one's settled tail.
    sums: Vec<[f64; 5]>,
    /// Sums of the settled values, at the step each tail starts.
    tails: Vec<[f64; 5]>,
    /// The latest step at which a replicate's tail starts.
    latest_settled: usize,
    /// The record being spilled (reused).
    record: Vec<u8>,
    from: [f64; 4],
    spill: SpillFile,
    band_memory: usize,
}

/// One row of `curves.csv`: means and 5/50/95% percentiles over replicates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
///
/// Percentiles are Hyndman–Fan type 7 ([`crate::statistics::percentile`]).
pub struct CurveRow {
    /// 0 … steps − 1; step 0 is launch day.
    pub step: u32,
    /// Recruited advocates plus conversions so far: mean over replicates.
    pub adopters_mean: f64,
    /// Adopters: 5% percentile over replicates.
    pub adopters_p05: f64,
    /// Adopters: median over replicates.
    pub adopters_p50: f64,
    /// Adopters: 95% percentile over replicates.
    pub adopters_p95: f64,
    /// Conversions so far: mean over replicates.
    pub conversions_mean: f64,
    /// Conversions so far: 5% percentile.
    pub conversions_p05: f64,
    /// Conversions so far: median.
    pub conversions_p50: f64,
    /// Conversions so far: 95% percentile.
    pub conversions_p95: f64,
    /// Conversions during this step: mean over replicates.
    pub new_conversions_mean: f64,
    /// Consumers who know of the product so far: mean over replicates.
    pub aware_mean: f64,
    /// Aware: 5% percentile.
    pub aware_p05: f64,
    /// Aware: median.
    pub aware_p50: f64,
    /// Aware: 95% percentile.
    pub aware_p95: f64,
    /// Advocates recommending during this step: mean over replicates.
    pub active_advocates_mean: f64,
}

const CURVES_HEADER: &str = "step,adopters_mean,adopters_p05,adopters_p50,adopters_p95,conversions_mean,conversions_p05,conversions_p50,conversions_p95,new_conversions_mean,aware_mean,aware_p05,aware_p50,aware_p95,active_advocates_mean\n";

/// A histogram bin [low, high) with its count (the last bin includes `high`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// Lower bound, included.
    pub low: f64,
    /// Upper bound, excluded (included for the last bin).
    pub high: f64,
    /// Replicates whose final conversions fall in the bin.
    pub count: u32,
}

/// Bins of final conversions (whole numbers): equal whole-number widths, at most
/// 50 bins (one per value when the range allows), from the smallest value on.
pub fn histogram(sorted: &[f64]) -> Vec<Bin> {
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let span = (max - min) as u64 + 1;
    let width = span.div_ceil(50).max(1);
    let bins = span.div_ceil(width) as usize;
    let width = width as f64;
    let mut out: Vec<Bin> = (0..bins)
        .map(|i| Bin {
            low: min + i as f64 * width,
            high: min + (i + 1) as f64 * width,
            count: 0,
        })
        .collect();
    for &v in sorted {
        let i = (((v - min) / width) as usize).min(bins - 1);
        out[i].count += 1;
    }
    out
}

/// One step's values over replicates (in replicate order) and their 5/50/95%
/// bands, kept to recognise a step that repeats the previous one.
struct StepColumns {
    conversions: Vec<f64>,
    aware: Vec<f64>,
    bands: ([f64; 3], [f64; 3]),
}

/// What [`Aggregator::finish`] computes.
#[derive(Debug, Clone)]
pub struct Aggregates {
    /// The rows of `curves.csv`, one per step.
    pub rows: Vec<CurveRow>,
    /// Final adopters, conversions and awareness over replicates.
    pub finals: Finals,
    /// Conversions by source (influencer, advocates, word of mouth, organic),
    /// summed over replicates.
    pub from_totals: [f64; 4],
    /// Distribution of final conversions over replicates.
    pub histogram: Vec<Bin>,
    /// Replicates aggregated.
    pub replicates: usize,
}

impl Aggregates {
    /// `curves.csv`.
    pub fn curves_csv(&self) -> String {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(CURVES_HEADER.trim_end().split(','))
            .expect("writing to memory cannot fail");
        for row in &self.rows {
            let cells = [
                row.adopters_mean,
                row.adopters_p05,
                row.adopters_p50,
                row.adopters_p95,
                row.conversions_mean,
                row.conversions_p05,
                row.conversions_p50,
                row.conversions_p95,
                row.new_conversions_mean,
                row.aware_mean,
                row.aware_p05,
                row.aware_p50,
                row.aware_p95,
                row.active_advocates_mean,
            ];
            let record = std::iter::once(row.step.to_string()).chain(cells.map(num));
            csv.write_record(record)
                .expect("writing to memory cannot fail");
        }
        let bytes = csv.into_inner().expect("writing to memory cannot fail");
        String::from_utf8(bytes).expect("the cells are UTF-8")
    }
}

impl Aggregator {
    /// An aggregator whose scratch file lives in `dir`.
    pub fn new(steps: u32, dir: &Path) -> Result<Self> {
        let path = dir.join(format!(
            ".bands.{}.partial",
            crate::results::staging::unique_suffix()
        ));
        let file = File::create(&path).map_err(|e| write_error(&path, e))?;
        Ok(Aggregator {
            steps: steps as usize,
            recruited: 0,
            replicates: 0,
            sums: vec![[0.0; 5]; steps as usize],
            tails: vec![[0.0; 5]; steps as usize],
            latest_settled: 0,
            record: Vec::new(),
            from: [0.0; 4],
            spill: SpillFile {
                path,
                writer: BufWriter::with_capacity(1 << 16, file),
            },
            band_memory: BAND_MEMORY,
        })
    }

    /// Limit the memory used for bands (to test the block-wise pass).
    pub fn with_band_memory(mut self, bytes: usize) -> Self {
        self.band_memory = bytes;
        self
    }

    /// Add the next replicate (in order); `curve` has one entry per step.
    pub fn push(&mut self, curve: &[StepCounts], outcome: &ReplicateOutcome) -> Result<()> {
        assert_eq!(curve.len(), self.steps, "one entry per step");
        let Some(last) = curve.last() else {
            self.replicates += 1;
            return Ok(());
        };
        // The curve repeats curve[settled] from step `settled` on.
        let settled = curve.len()
            - 1
            - curve
                .iter()
                .rev()
                .skip(1)
                .take_while(|c| *c == last)
                .count();
        let add = |sum: &mut [f64; 5], c: &StepCounts| {
            sum[0] += f64::from(c.adopters);
            sum[1] += f64::from(c.conversions);
            sum[2] += f64::from(c.new_conversions);
            sum[3] += f64::from(c.aware);
            sum[4] += f64::from(c.active_advocates);
        };
        for (sum, c) in self.sums.iter_mut().zip(&curve[..settled]) {
            add(sum, c);
        }
        add(&mut self.tails[settled], last);
        self.latest_settled = self.latest_settled.max(settled);
        for (total, &f) in self.from.iter_mut().zip(&outcome.from) {
            *total += f64::from(f);
        }
        // The spilled record: the settled step, then the values up to it.
        let record = &mut self.record;
        record.clear();
        record.extend_from_slice(&(settled as u32).to_le_bytes());
        for c in &curve[..=settled] {
            record.extend_from_slice(&c.conversions.to_le_bytes());
            record.extend_from_slice(&c.aware.to_le_bytes());
        }
        self.spill
            .writer
            .write_all(record)
            .map_err(|e| write_error(&self.spill.path, e))?;
        self.replicates += 1;
        Ok(())
    }

    /// The number of recruited advocates (adopters who are not conversions).
    pub fn set_recruited(&mut self, recruited: u32) {
        self.recruited = recruited;
    }

    /// Compute the curves (`curves.csv`) and the final summaries.
    pub fn finish(mut self) -> Result<Aggregates> {
        use std::io::{BufReader, Read};
        let path = self.spill.path.clone();
        let read_err = |e| WomError::Runtime(format!("cannot read back {}: {e}", path.display()));
        self.spill
            .writer
            .flush()
            .map_err(|e| write_error(&path, e))?;
        let (r, steps) = (self.replicates, self.steps);
        assert!(r > 0 && steps > 0, "a run has a replicate and a step");
        let recruited = f64::from(self.recruited);
        // Every replicate repeats itself after step `live - 1`, so the later
        // steps' values, and bands, are those of step `live - 1`.
        let live = (self.latest_settled + 1).min(steps);
        let mut bands_by_step: Vec<([f64; 3], [f64; 3])> = Vec::with_capacity(steps);
        let mut bins = Vec::new();
        let block = (self.band_memory / (8 * r.max(1))).clamp(1, live.max(1));
        let mut finals = None;
        let mut previous: Option<StepColumns> = None;
        let mut record = vec![0u8; 8 * live];
        for first in (0..live).step_by(block) {
            let width = block.min(live - first);
            // Column-major: values of step first + j for replicate i at j * r + i.
            let mut conversions = vec![0f64; width * r];
            let mut aware = vec![0f64; width * r];
            let mut reader =
                BufReader::with_capacity(1 << 16, File::open(&path).map_err(read_err)?);
            let word = |record: &[u8], k: usize| {
                u32::from_le_bytes(record[k..k + 4].try_into().expect("4 bytes"))
            };
            for i in 0..r {
                let mut header = [0u8; 4];
                reader.read_exact(&mut header).map_err(read_err)?;
                let settled = u32::from_le_bytes(header) as usize;
                if settled >= live {
                    return Err(not_ours(&path));
                }
                let record = &mut record[..8 * (settled + 1)];
                reader.read_exact(record).map_err(read_err)?;
                for j in 0..width {
                    let at = 8 * (first + j).min(settled);
                    conversions[j * r + i] = f64::from(word(record, at));
                    aware[j * r + i] = f64::from(word(record, at + 4));
                }
            }
            if first == 0 && reader.read(&mut [0u8; 1]).map_err(read_err)? != 0 {
                return Err(not_ours(&path));
            }
            // Where every replicate has settled, a step repeats the previous one
            // and so do its bands. Compared before the bands reorder the columns.
            let column =
                |values: &[f64], j: usize| -> Vec<f64> { values[j * r..(j + 1) * r].to_vec() };
            let repeats: Vec<bool> = (0..width)
                .map(|j| {
                    let (conv, awa) =
                        (&conversions[j * r..(j + 1) * r], &aware[j * r..(j + 1) * r]);
                    if j == 0 {
                        previous.as_ref().is_some_and(|p| {
                            p.conversions[..] == conv[..] && p.aware[..] == awa[..]
                        })
                    } else {
                        conv[..] == conversions[(j - 1) * r..j * r]
                            && awa[..] == aware[(j - 1) * r..j * r]
                    }
                })
                .collect();
            let last_columns = (column(&conversions, width - 1), column(&aware, width - 1));
            // The bands of the other steps, in parallel (each step's on its own).
            let fresh: Vec<Option<([f64; 3], [f64; 3])>> = conversions
                .par_chunks_mut(r)
                .zip(aware.par_chunks_mut(r))
                .zip(repeats.par_iter())
                .map(|((conv, awa), &repeated)| (!repeated).then(|| (bands(conv), bands(awa))))
                .collect();
            let mut band = previous.as_ref().map(|p| p.bands);
            for fresh in fresh {
                band = fresh.or(band);
                bands_by_step.push(band.expect("a step that repeats has one before it"));
            }
            if first + width == live {
                // The last live step's values are every replicate's final ones.
                let j = width - 1;
                let conv = &mut conversions[j * r..(j + 1) * r];
                let awa = &mut aware[j * r..(j + 1) * r];
                let mut adopters: Vec<f64> = conv.iter().map(|c| c + recruited).collect();
                finals = Some(Finals {
                    adopters: Summary::of(&mut adopters),
                    conversions: Summary::of(conv),
                    aware: Summary::of(awa),
                });
                // Summary::of sorted conv.
                bins = histogram(conv);
            }
            previous = Some(StepColumns {
                conversions: last_columns.0,
                aware: last_columns.1,
                bands: band.expect("set in the loop"),
            });
        }
        let settled_bands = *bands_by_step.last().expect("at least one step");
        bands_by_step.resize(steps, settled_bands);
        // The means: each replicate's values before its tail, plus the tails
        // that started at or before the step.
        let mut tails = [0.0; 5];
        let mut rows = Vec::with_capacity(steps);
        for (t, (cb, ab)) in bands_by_step.into_iter().enumerate() {
            for (k, tail) in tails.iter_mut().enumerate() {
                *tail += self.tails[t][k];
            }
            let mean = |k: usize| (self.sums[t][k] + tails[k]) / r as f64;
            rows.push(CurveRow {
                step: t as u32,
                adopters_mean: mean(0),
                adopters_p05: cb[0] + recruited,
                adopters_p50: cb[1] + recruited,
                adopters_p95: cb[2] + recruited,
                conversions_mean: mean(1),
                conversions_p05: cb[0],
                conversions_p50: cb[1],
                conversions_p95: cb[2],
                new_conversions_mean: mean(2),
                aware_mean: mean(3),
                aware_p05: ab[0],
                aware_p50: ab[1],
                aware_p95: ab[2],
                active_advocates_mean: mean(4),
            });
        }
        Ok(Aggregates {
            rows,
            finals: finals.expect("at least one step"),
            from_totals: self.from,
            histogram: bins,
            replicates: r,
        })
    }
}

/// The header of `replicates.csv`.
pub const REPLICATES_HEADER: &str =
    "replicate,adopters,conversions,aware,from_influencer,from_advocates,from_word_of_mouth,from_organic,peak_step,half_step\n";

/// A scratch file that does not hold what this run wrote (another process wrote it).
fn not_ours(path: &Path) -> WomError {
    WomError::Runtime(format!(
        "the scratch file {} does not hold what this run wrote (did another process write to it?)",
        path.display()
    ))
}

/// One row of `replicates.csv`.
pub fn replicate_row(
    out: &mut impl Write,
    replicate: u64,
    o: &ReplicateOutcome,
) -> std::io::Result<()> {
    let half = o.half_step.map_or_else(String::new, |s| s.to_string());
    writeln!(
        out,
        "{replicate},{},{},{},{},{},{},{},{},{half}",
        o.adopters, o.conversions, o.aware, o.from[0], o.from[1], o.from[2], o.from[3], o.peak_step
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::percentile;

    #[test]
    fn numbers_hide_float_noise() {
        assert_eq!(num(164.04999999999995), "164.05");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.0), "0");
    }

    #[test]
    fn settled_tails_aggregate_like_every_step() {
        // Replicates that settle at different steps (the tail repeats one value),
        // against means and bands computed step by step from the whole curves.
        let dir = tempfile::tempdir().unwrap();
        let steps = 12u32;
        let mut rng = crate::rng::stream(5, 0, crate::rng::Stream::Statistics);
        let curves: Vec<Vec<StepCounts>> = (0..40)
            .map(|_| {
                let settle = crate::rng::below(&mut rng, u64::from(steps) + 1) as u32;
                let mut conversions = 0;
                (0..steps)
                    .map(|t| {
                        let new = if t < settle {
                            crate::rng::below(&mut rng, 5) as u32
                        } else {
                            0
                        };
                        conversions += new;
                        StepCounts {
                            adopters: conversions + 1,
                            conversions,
                            new_conversions: new,
                            aware: 2 * conversions + u32::from(t < settle),
                            active_advocates: u32::from(t < settle) * 3,
                        }
                    })
                    .collect()
            })
            .collect();
        for budget in [8 * 40, 1 << 20] {
            let mut agg = Aggregator::new(steps, dir.path())
                .unwrap()
                .with_band_memory(budget);
            agg.set_recruited(1);
            for c in &curves {
                agg.push(c, &ReplicateOutcome::default()).unwrap();
            }
            let got = agg.finish().unwrap();
            for (t, row) in got.rows.iter().enumerate() {
                let column = |f: fn(&StepCounts) -> u32| -> Vec<f64> {
                    let mut v: Vec<f64> = curves.iter().map(|c| f64::from(f(&c[t]))).collect();
                    v.sort_by(f64::total_cmp);
                    v
                };
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
                let conversions = column(|c| c.conversions);
                let aware = column(|c| c.aware);
                assert_eq!(row.adopters_mean, mean(&column(|c| c.adopters)), "step {t}");
                assert_eq!(row.conversions_mean, mean(&conversions));
                assert_eq!(
                    row.new_conversions_mean,
                    mean(&column(|c| c.new_conversions))
                );
                assert_eq!(row.aware_mean, mean(&aware));
                assert_eq!(
                    row.active_advocates_mean,
                    mean(&column(|c| c.active_advocates))
                );
                assert_eq!(row.conversions_p05, percentile(&conversions, 0.05));
                assert_eq!(row.conversions_p50, percentile(&conversions, 0.5));
                assert_eq!(row.aware_p95, percentile(&aware, 0.95));
                assert_eq!(row.adopters_p95, percentile(&conversions, 0.95) + 1.0);
            }
            let mut finals: Vec<f64> = curves
                .iter()
                .map(|c| f64::from(c[steps as usize - 1].conversions))
                .collect();
            assert_eq!(got.finals.conversions, Summary::of(&mut finals));
        }
    }

    #[test]
    fn bands_are_the_same_whatever_the_memory_budget() {
        let dir = tempfile::tempdir().unwrap();
        let steps = 7;
        let mut rng = crate::rng::stream(3, 0, crate::rng::Stream::Statistics);
        let curves: Vec<Vec<StepCounts>> = (0..50)
            .map(|_| {
                let mut conversions = 0;
                (0..steps)
                    .map(|_| {
                        let new = crate::rng::below(&mut rng, 20) as u32;
                        conversions += new;
                        StepCounts {
                            adopters: conversions + 2,
                            conversions,
                            new_conversions: new,
                            aware: 3 * conversions,
                            active_advocates: new,
                        }
                    })
                    .collect()
            })
            .collect();
        let aggregate = |budget: usize| {
            let mut agg = Aggregator::new(steps, dir.path())
                .unwrap()
                .with_band_memory(budget);
            agg.set_recruited(2);
            for c in &curves {
                let outcome = ReplicateOutcome {
                    conversions: c[6].conversions,
                    ..Default::default()
                };
                agg.push(c, &outcome).unwrap();
            }
            agg.finish().unwrap()
        };
        // 8 bytes x 50 replicates x 2 steps: three passes of two steps and one of one.
        let small = aggregate(800);
        let large = aggregate(1 << 20);
        assert_eq!(small.curves_csv(), large.curves_csv());
        assert_eq!(small.finals.conversions, large.finals.conversions);
        assert_eq!(small.histogram, large.histogram);
        assert_eq!(small.curves_csv().lines().count(), 8);
        let counted: u32 = small.histogram.iter().map(|b| b.count).sum();
        assert_eq!(counted, 50);
        // The scratch file is gone.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
