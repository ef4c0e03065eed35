//! Work split across the processes of an MPI job (the cargo feature `mpi`;
//! docs/cluster.md), and a single process without it.
//!
//! Under `mpirun -n N` every process (rank) runs the same command on the same
//! arguments. Where a command has independent work — the replicates of a
//! simulation — it asks [`gather`] to map indices `0..n` to fixed-size
//! [`Record`]s: each rank computes one fixed contiguous [`block`] of the indices
//! (on its own rayon threads), and every rank receives all `n` records in index
//! order. What follows (folding the records into aggregates, in index order) is
//! then the same code, on the same values, as in one process, so the files are
//! byte-identical for any number of ranks and threads. Only rank 0 prints and
//! writes files ([`is_root`]); the others return once their work is done.
//!
//! A new command plugs in with one call: `gather(n, |block| ...)` returning one
//! record per index of `block`, in order (see `sim::runner::simulate_on`).
//!
//! **Failures.** Every exchange starts with a small header from each rank (what
//! it is doing, and how it ended), so a rank that failed — while computing its
//! block, or before it reached the exchange — stops every rank at their next
//! exchange instead of leaving them waiting: rank 0 then returns the failing
//! rank's message as an error (exit 1), and the others exit quietly. At the end
//! of a command every rank calls [`finish`], which is the same kind of exchange,
//! so rank 0 failing alone (an output folder that already holds results) also
//! releases ranks still waiting for it.
//!
//! Without the feature (or with one process) [`size`] is 1, [`gather`] calls
//! `compute(0..n)` directly, and nothing is exchanged.

use crate::error::{Result, WomError};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// This process's rank and the job's size, set once by [`start`].
static RANK: AtomicUsize = AtomicUsize::new(0);
static SIZE: AtomicUsize = AtomicUsize::new(1);
/// Exchanges made so far (to catch two ranks in different exchanges).
static EXCHANGES: AtomicU64 = AtomicU64::new(0);
/// Whether an exchange has stopped the job: no more exchanges then.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The exit code the job stopped with, as rank 0 decided it.
static STOP_CODE: AtomicUsize = AtomicUsize::new(1);
/// Whether this rank is computing its block of a [`gather`]: a gather made
/// inside it runs whole on this rank.
static INSIDE: AtomicBool = AtomicBool::new(false);

/// This process's rank (0 without MPI).
pub fn rank() -> usize {
    RANK.load(Ordering::Relaxed)
}

/// The number of processes in the job (1 without MPI).
pub fn size() -> usize {
    SIZE.load(Ordering::Relaxed)
}

/// Whether a [`gather`] made now splits its indices across ranks: with more
/// than one rank, and not inside another gather's block (which this rank
/// computes whole, without exchanging).
pub fn splits() -> bool {
    size() > 1 && !INSIDE.load(Ordering::Relaxed)
}

/// Whether this process prints and writes files: rank 0.
pub fn is_root() -> bool {
    rank() == 0
}

/// The contiguous block of `0..n` that rank `rank` of `size` computes: the
/// first `n % size` ranks get one index more than the others.
pub fn block(n: usize, rank: usize, size: usize) -> Range<usize> {
    let (each, extra) = (n / size, n % size);
    let start = rank * each + rank.min(extra);
    start..start + each + usize::from(rank < extra)
}

/// A result that travels between processes: the same number of bytes for every
/// index of one [`gather`].
pub trait Record: Sized {
    /// Append the record's bytes to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// The record from exactly the bytes [`Record::encode`] wrote.
    fn decode(bytes: &[u8]) -> Self;
}

/// Little-endian words for [`Record`] implementations.
pub struct Words<'a>(pub &'a [u8]);

impl Words<'_> {
    /// The next 4 bytes as a `u32`.
    pub fn u32(&mut self) -> u32 {
        let (head, rest) = self.0.split_at(4);
        self.0 = rest;
        u32::from_le_bytes(head.try_into().expect("4 bytes"))
    }

    /// The next 8 bytes as an `f64`.
    pub fn f64(&mut self) -> f64 {
        let (head, rest) = self.0.split_at(8);
        self.0 = rest;
        f64::from_le_bytes(head.try_into().expect("8 bytes"))
    }
}

/// What a rank tells the others at an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    /// 0: gathering records; 1: finished the command.
    kind: u64,
    /// Exchanges this rank has made before this one.
    sequence: u64,
    /// 0, or the exit code of this rank's failure (its payload is then the message).
    code: u64,
    /// Records this rank computed (gathering).
    records: u64,
    /// Bytes of the payload.
    bytes: u64,
}

const GATHER: u64 = 0;
const FINISH: u64 = 1;

impl Header {
    fn words(self) -> [u64; 5] {
        [
            self.kind,
            self.sequence,
            self.code,
            self.records,
            self.bytes,
        ]
    }

    fn from_words(w: &[u64]) -> Header {
        Header {
            kind: w[0],
            sequence: w[1],
            code: w[2],
            records: w[3],
            bytes: w[4],
        }
    }
}

/// Map the indices `0..n` to records: this rank computes its [`block`] with
/// `compute` (one record per index, in order), and every rank receives all `n`
/// records in index order.
///
/// With one process this is `compute(0..n)`, and so is a gather made inside
/// `compute` (a rank's block of work that itself simulates replicates: they run
/// whole on this rank's threads, exchanging nothing). With several, a failure of
/// `compute` on any rank is an error on every rank: rank 0 returns its own error
/// as it was, or the failing rank's message (exit 1); the job is then stopped
/// (later exchanges fail at once, and [`finish`] exchanges nothing).
///
/// # Panics
/// When `compute` returns a number of records other than its block's length, or
/// records of different lengths (a bug in the caller).
pub fn gather<R: Record>(
    n: usize,
    compute: impl FnOnce(Range<usize>) -> Result<Vec<R>>,
) -> Result<Vec<R>> {
    if !splits() {
        return compute(0..n);
    }
    let size = size();
    if STOPPED.load(Ordering::Relaxed) {
        return Err(stopped());
    }
    let mine = block(n, rank(), size);
    INSIDE.store(true, Ordering::Relaxed);
    let computed = compute(mine.clone());
    INSIDE.store(false, Ordering::Relaxed);
    let mut payload = Vec::new();
    let (code, records) = match &computed {
        Ok(records) => {
            assert_eq!(records.len(), mine.len(), "one record per index");
            for r in records {
                r.encode(&mut payload);
            }
            (0, records.len())
        }
        Err(e) => {
            payload.extend_from_slice(e.to_string().as_bytes());
            (e.exit_code().max(1) as u64, 0)
        }
    };
    let (headers, all) = exchange(GATHER, code, records, payload)?;
    if let Some(failure) = failure(&headers, &all, GATHER) {
        STOPPED.store(true, Ordering::Relaxed);
        return Err(match computed {
            Err(e) if is_root() => e,
            _ => failure,
        });
    }
    let mut out = Vec::with_capacity(n);
    let mut at = 0;
    for (r, h) in headers.iter().enumerate() {
        let (count, bytes) = (h.records as usize, h.bytes as usize);
        assert_eq!(count, block(n, r, size).len(), "rank {r} sent its block");
        if count > 0 {
            assert_eq!(bytes % count, 0, "records of one length");
            let width = bytes / count;
            out.extend(all[at..at + bytes].chunks(width).map(R::decode));
        }
        at += bytes;
    }
    Ok(out)
}

/// What a stopped job's later exchanges return (never printed: only rank 0
/// prints, and it has the first failure's message).
fn stopped() -> WomError {
    WomError::Runtime("the job was stopped by a failure on another rank".into())
}

/// The first failure that the headers (and their payloads) tell of, as an
/// error; None when every rank is making the same exchange of `kind` and none
/// failed.
fn failure(headers: &[Header], payloads: &[u8], kind: u64) -> Option<WomError> {
    let size = headers.len();
    let message = |r: usize| {
        let at: u64 = headers[..r].iter().map(|h| h.bytes).sum();
        let bytes = &payloads[at as usize..(at + headers[r].bytes) as usize];
        String::from_utf8_lossy(bytes).into_owned()
    };
    let code = headers[0].code;
    STOP_CODE.store(if code == 0 { 1 } else { code as usize }, Ordering::Relaxed);
    if let Some(r) = headers.iter().position(|h| h.code != 0) {
        return Some(WomError::Runtime(match r {
            0 => message(0),
            r => format!("rank {r} of {size} failed: {}", message(r)),
        }));
    }
    let sequence = headers[0].sequence;
    if let Some(r) = headers
        .iter()
        .position(|h| h.kind != kind || h.sequence != sequence)
    {
        let (ours, theirs) = (&headers[0], &headers[r]);
        return Some(WomError::Runtime(format!(
            "rank {r} of {size} is at exchange {} ({}) while rank 0 is at exchange {} ({}); \
             the ranks ran different work (a bug: please report it with the command)",
            theirs.sequence,
            what(theirs.kind),
            ours.sequence,
            what(ours.kind)
        )));
    }
    STOP_CODE.store(1, Ordering::Relaxed);
    None
}

fn what(kind: u64) -> &'static str {
    if kind == GATHER {
        "gathering results"
    } else {
        "finished"
    }
}

/// Tell every rank how this one ended its command (`outcome`), and return the
/// exit code for this process and, on rank 0, a failure of another rank to
/// print. With one process, or after a stop, nothing is exchanged.
pub fn finish(outcome: &Result<()>) -> (i32, Option<String>) {
    let local = outcome.as_ref().err().map_or(0, |e| e.exit_code());
    if size() == 1 {
        return (local, None);
    }
    if STOPPED.swap(true, Ordering::Relaxed) {
        // Rank 0 printed its own error; the others exit as rank 0 does.
        return match is_root() {
            true => (local.max(1), None),
            false => (STOP_CODE.load(Ordering::Relaxed) as i32, None),
        };
    }
    let (code, payload) = match outcome {
        Ok(()) => (0, Vec::new()),
        Err(e) => (e.exit_code().max(1) as u64, e.to_string().into_bytes()),
    };
    let exchanged = exchange(FINISH, code, 0, payload);
    let Ok((headers, payloads)) = exchanged else {
        return (local.max(1), None);
    };
    match failure(&headers, &payloads, FINISH) {
        None => (0, None),
        Some(e) if is_root() => match local {
            0 => (1, Some(e.to_string())),
            code => (code, None),
        },
        Some(_) => (STOP_CODE.load(Ordering::Relaxed) as i32, None),
    }
}

/// One exchange: every rank's header, then every rank's payload, in rank order.
fn exchange(
    kind: u64,
    code: u64,
    records: usize,
    payload: Vec<u8>,
) -> Result<(Vec<Header>, Vec<u8>)> {
    let header = Header {
        kind,
        sequence: EXCHANGES.fetch_add(1, Ordering::Relaxed),
        code,
        records: records as u64,
        bytes: payload.len() as u64,
    };
    let (words, payloads) = transport::all_gather(&header.words(), &payload)?;
    let headers = words.chunks(5).map(Header::from_words).collect();
    Ok((headers, payloads))
}

/// Start this process's part of the job: with the feature, initialise MPI (once
/// per process) and learn the rank and size. Keep the returned guard until the
/// command has ended and [`finish`] was called; dropping it finalises MPI.
pub fn start() -> Result<Job> {
    transport::start()
}

pub use transport::Job;

#[cfg(feature = "mpi")]
mod transport {
    //! The exchanges over MPI (rsmpi): an all-gather of the headers, then a
    //! variable-count all-gather of the payloads.
    use super::{RANK, SIZE};
    use crate::error::{Result, WomError};
    use mpi::datatype::PartitionMut;
    use mpi::environment::{Threading, Universe};
    use mpi::topology::SimpleCommunicator;
    use mpi::traits::*;
    use mpi::Count;
    use std::sync::atomic::Ordering;

    /// MPI for as long as it is held (finalised when dropped).
    pub struct Job {
        _universe: Option<Universe>,
    }

    pub fn start() -> Result<Job> {
        if mpi::environment::is_initialized() {
            // Started before in this process (a test calling the command line
            // twice): MPI cannot start again, so this one runs alone.
            return Ok(Job { _universe: None });
        }
        // Exchanges run on whichever thread runs the command (a rayon thread
        // with --threads), one at a time: MPI_THREAD_SERIALIZED.
        let (universe, level) = mpi::initialize_with_threading(Threading::Serialized)
            .ok_or_else(|| WomError::Runtime("MPI could not be initialised".into()))?;
        if level < Threading::Serialized {
            return Err(WomError::Runtime(format!(
                "the MPI library offers thread support {level:?}, and wom needs Serialized"
            )));
        }
        let world = universe.world();
        RANK.store(world.rank() as usize, Ordering::Relaxed);
        SIZE.store(world.size() as usize, Ordering::Relaxed);
        Ok(Job {
            _universe: Some(universe),
        })
    }

    /// Every rank's `header` words and then `payload` bytes, in rank order.
    pub fn all_gather(header: &[u64], payload: &[u8]) -> Result<(Vec<u64>, Vec<u8>)> {
        let world = SimpleCommunicator::world();
        let size = world.size() as usize;
        let mut headers = vec![0u64; header.len() * size];
        world.all_gather_into(header, &mut headers[..]);
        let lengths: Vec<u64> = headers.chunks(header.len()).map(|h| h[4]).collect();
        let total: u64 = lengths.iter().sum();
        if total > Count::MAX as u64 {
            // Every rank sees the same sizes, so every rank stops here.
            return Err(WomError::Runtime(format!(
                "one exchange would carry {total} bytes of results, more than MPI's limit \
                 of {} in one message; use fewer replicates per run",
                Count::MAX
            )));
        }
        let counts: Vec<Count> = lengths.iter().map(|&l| l as Count).collect();
        let displs: Vec<Count> = counts
            .iter()
            .scan(0, |at, &c| {
                let d = *at;
                *at += c;
                Some(d)
            })
            .collect();
        // Buffers one byte longer than their contents: an empty Vec<u8> points
        // at address 1, which Open MPI reads as MPI_IN_PLACE.
        let mut send = Vec::with_capacity(payload.len() + 1);
        send.extend_from_slice(payload);
        send.push(0);
        let mut all = vec![0u8; total as usize + 1];
        {
            let mut partition = PartitionMut::new(&mut all[..], counts, &displs[..]);
            world.all_gather_varcount_into(&send[..payload.len()], &mut partition);
        }
        all.truncate(total as usize);
        Ok((headers, all))
    }
}

#[cfg(not(feature = "mpi"))]
mod transport {
    //! One process: nothing to exchange.
    use crate::error::Result;

    /// Nothing to hold without MPI.
    pub struct Job;

    pub fn start() -> Result<Job> {
        Ok(Job)
    }

    /// Never called: with one process nothing is exchanged.
    pub fn all_gather(header: &[u64], payload: &[u8]) -> Result<(Vec<u64>, Vec<u8>)> {
        Ok((header.to_vec(), payload.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_contiguous_cover_every_index_once_and_differ_by_at_most_one() {
        for n in [0, 1, 2, 5, 9, 400, 401] {
            for size in 1..=7 {
                let blocks: Vec<Range<usize>> = (0..size).map(|r| block(n, r, size)).collect();
                assert_eq!(blocks[0].start, 0);
                assert_eq!(blocks[size - 1].end, n);
                for w in blocks.windows(2) {
                    assert_eq!(w[0].end, w[1].start, "n {n} size {size}");
                }
                let lens: Vec<usize> = blocks.iter().map(|b| b.len()).collect();
                let (lo, hi) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
                assert!(hi - lo <= 1, "n {n} size {size}: {lens:?}");
            }
        }
        assert_eq!(block(10, 0, 3), 0..4);
        assert_eq!(block(10, 1, 3), 4..7);
        assert_eq!(block(10, 2, 3), 7..10);
    }

    #[test]
    fn a_single_process_computes_everything_in_one_call() {
        struct Two(u32);
        impl Record for Two {
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.0.to_le_bytes());
            }
            fn decode(bytes: &[u8]) -> Self {
                Two(Words(bytes).u32())
            }
        }
        let mut calls = Vec::new();
        let got = gather(5, |b| {
            calls.push(b.clone());
            Ok(b.map(|i| Two(2 * i as u32)).collect())
        })
        .unwrap();
        assert_eq!(calls, vec![0..5]);
        assert_eq!(got.iter().map(|t| t.0).collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
        let mut bytes = Vec::new();
        Two(7).encode(&mut bytes);
        assert_eq!(Two::decode(&bytes).0, 7);
    }

    #[test]
    fn failures_name_the_first_failing_rank_and_mismatched_exchanges() {
        let h = |kind, sequence, code, bytes| Header {
            kind,
            sequence,
            code,
            records: 0,
            bytes,
        };
        let ok = [h(GATHER, 3, 0, 0), h(GATHER, 3, 0, 0)];
        assert!(failure(&ok, &[], GATHER).is_none());
        let failed = [h(GATHER, 3, 0, 0), h(GATHER, 3, 1, 4), h(GATHER, 3, 2, 2)];
        let e = failure(&failed, b"diskno", GATHER).unwrap();
        assert_eq!(e.to_string(), "rank 1 of 3 failed: disk");
        let apart = [h(FINISH, 4, 0, 0), h(GATHER, 3, 0, 0)];
        let e = failure(&apart, &[], FINISH).unwrap().to_string();
        assert!(
            e.contains("rank 1 of 2 is at exchange 3 (gathering results)"),
            "{e}"
        );
    }
}
