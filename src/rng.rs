//! Named random streams and the few draws the simulator needs.
//!
//! Every random number wom draws comes from a stream that is a pure function of
//! (master seed, replicate, stream name), so adding a draw in one subsystem never
//! shifts another, and results do not depend on the thread count. The generator is
//! xoshiro256++ from `rand_xoshiro`, whose output is fixed by its published algorithm;
//! the draws below are written here (not taken from `rand`'s distributions) so that
//! an upgrade of `rand` cannot change a result either.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The random generator used everywhere in wom.
pub type WomRng = Xoshiro256PlusPlus;

/// The named random streams. Each subsystem draws only from its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Building a generated population.
    Graph,
    /// Consumer traits: who trusts peers, who trusts influencers, thresholds.
    Traits,
    /// Which consumers follow the influencer.
    Followers,
    /// Which consumers are recruited as advocates.
    Advocates,
    /// The step-by-step dynamics.
    Dynamics,
    /// Sampling done by `wom graph` statistics (never by a simulation).
    Statistics,
    /// A fit's own draws: parameter values and their moves (`wom fit`).
    Calibration,
}

impl Stream {
    /// The stream's stable name; its hash keys the stream.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Graph => "graph",
            Stream::Traits => "traits",
            Stream::Followers => "followers",
            Stream::Advocates => "advocates",
            Stream::Dynamics => "dynamics",
            Stream::Statistics => "statistics",
            Stream::Calibration => "calibration",
        }
    }
}

/// SplitMix64 finaliser: a bijective 64-bit mixer.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a, for hashing stream names into keys.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The random stream `stream` of replicate `replicate` under master seed `seed`.
pub fn stream(seed: u64, replicate: u64, stream: Stream) -> WomRng {
    let key = mix64(
        mix64(mix64(seed) ^ replicate.wrapping_add(0x9e37_79b9_7f4a_7c15))
            ^ fnv1a(stream.name().as_bytes()),
    );
    WomRng::seed_from_u64(key)
}

/// The stream `stream` of one campaign channel, keyed by the channel's name: the
/// default names of the single-table forms (`""`) give the plain stream, so a
/// scenario written with one `[influencer]` or `[advocates]` table draws exactly
/// as before, and adding, removing or reordering other channels moves no draw of
/// this one (common random numbers across portfolios).
pub fn channel_stream(seed: u64, replicate: u64, stream: Stream, channel: &str) -> WomRng {
    if channel.is_empty() {
        return self::stream(seed, replicate, stream);
    }
    let key = mix64(
        mix64(mix64(seed) ^ replicate.wrapping_add(0x9e37_79b9_7f4a_7c15))
            ^ fnv1a(stream.name().as_bytes())
            ^ mix64(fnv1a(channel.as_bytes())),
    );
    WomRng::seed_from_u64(key)
}

/// A uniform draw from [0, 1) with 53 random bits.
#[inline]
pub fn unit(rng: &mut WomRng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// True with probability `p` (`p` outside [0, 1] is clamped by the comparison).
#[inline]
pub fn chance(rng: &mut WomRng, p: f64) -> bool {
    unit(rng) < p
}

/// A uniform integer in `0..n` (Lemire's nearly divisionless method). `n` must be > 0.
#[inline]
pub fn below(rng: &mut WomRng, n: u64) -> u64 {
    debug_assert!(n > 0);
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as u64
}

/// Shuffle a slice in place (Fisher–Yates) with [`below`].
pub fn shuffle<T>(rng: &mut WomRng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// Number of failures before the first success in Bernoulli(p) trials, for skipping
/// over absent pairs in sparse generators. Returns `u64::MAX` when `p` is 0.
#[inline]
pub fn geometric_skip(rng: &mut WomRng, log_q: f64) -> u64 {
    // log_q = ln(1 - p); for p = 1 it is -inf and every trial succeeds.
    if log_q == 0.0 {
        return u64::MAX;
    }
    let u = 1.0 - unit(rng); // (0, 1]
    let skip = (u.ln() / log_q).floor();
    if skip >= u64::MAX as f64 {
        u64::MAX
    } else {
        skip as u64
    }
}

/// Gaps between successes in Bernoulli(p) trials with p fixed: the number of
/// failures before the next success, G = ⌊ln(x) / ln(1 − p)⌋ for a uniform x in
/// (0, 1]. Used to skip over the ties a recommendation does not convert instead
/// of drawing once per tie.
///
/// A logarithm is slow (about 7 ns a call in a profile on this project's machine,
/// enough to make skipping slower than one draw per tie), so the draw is read
/// from a table instead: x's top 12 bits pick one of 4,096 buckets, and in every bucket
/// where the formula gives the same G at both ends it gives that G throughout (it
/// is monotone in x). Only draws that land in a bucket straddling a step of G (a
/// few percent for the p that matter; all of them below p ≈ 0.003, where draws
/// come once per few hundred ties anyway) evaluate the formula. The result is the
/// formula's, bit for bit, given a monotone `ln` (glibc's is; the unit test
/// checks 200,000 draws for each of several p).
#[derive(Debug, Clone)]
pub struct Gaps {
    /// 1 / ln(1 − p): -inf for p = 0, -0 for p = 1.
    inv_log_miss: f64,
    /// G for each bucket of x, or [`Gaps::STRADDLES`].
    table: Box<[u32]>,
}

impl Gaps {
    const BUCKET_BITS: u32 = 12;
    const STRADDLES: u32 = u32::MAX;

    /// Gaps for success probability `p` in [0, 1].
    pub fn new(p: f64) -> Self {
        let mut gaps = Gaps {
            inv_log_miss: 1.0 / (-p).ln_1p(),
            table: Box::new([]),
        };
        let shift = 64 - Self::BUCKET_BITS;
        gaps.table = (0..1u64 << Self::BUCKET_BITS)
            .map(|bucket| {
                let first = gaps.by_formula(bucket << shift);
                let last = gaps.by_formula((bucket << shift) | ((1 << shift) - 1));
                if first == last && first < Self::STRADDLES as usize {
                    first as u32
                } else {
                    Self::STRADDLES
                }
            })
            .collect();
        gaps
    }

    /// Whether every trial fails (p = 0).
    pub fn never(&self) -> bool {
        self.inv_log_miss == f64::NEG_INFINITY
    }

    /// The number of failures before the next success (`usize::MAX` when p = 0).
    #[inline]
    pub fn draw(&self, rng: &mut WomRng) -> usize {
        let bits = rng.next_u64();
        match self.table[(bits >> (64 - Self::BUCKET_BITS)) as usize] {
            Self::STRADDLES => self.by_formula(bits),
            gap => gap as usize,
        }
    }

    /// G for the 64 random bits `bits` (x from their top 53), from the formula.
    #[cold]
    fn by_formula(&self, bits: u64) -> usize {
        if self.never() {
            return usize::MAX;
        }
        // x in (0, 1]; the product below is >= 0, so truncation is the floor
        // (saturating at the top).
        let x = 1.0 - (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        (x.ln() * self.inv_log_miss) as usize
    }
}

/// The key of a counter-based stream: draws indexed by consumer id, for traits that
/// are read in any order and only for the consumers a replicate touches.
pub fn stream_key(seed: u64, replicate: u64, stream: Stream) -> u64 {
    mix64(
        mix64(mix64(seed) ^ replicate.wrapping_add(0x9e37_79b9_7f4a_7c15))
            ^ fnv1a(stream.name().as_bytes()),
    )
}

/// The key of channel `channel`'s stream `stream` in replicate `replicate`, for
/// [`item_stream`]: the seed of [`channel_stream`] with the same arguments, so a
/// family of item streams belongs to that channel's stream and to no other.
pub fn channel_key(seed: u64, replicate: u64, stream: Stream, channel: &str) -> u64 {
    mix64(
        mix64(mix64(seed) ^ replicate.wrapping_add(0x9e37_79b9_7f4a_7c15))
            ^ fnv1a(stream.name().as_bytes())
            ^ mix64(fnv1a(channel.as_bytes())),
    )
}

/// Generator number `index` of the family `key`: a pure function of both, so
/// items drawn in parallel (each from its own generator) come out the same for any
/// thread count.
#[inline]
pub fn item_stream(key: u64, index: u64) -> WomRng {
    WomRng::seed_from_u64(mix64(
        key ^ mix64(index.wrapping_mul(0xd1b5_4a32_d192_ed03)),
    ))
}

/// A uniform draw from [0, 1) for item `index` of the counter-based stream `key`,
/// trait `salt`: a pure function of its arguments, so a consumer's trait is the same
/// whenever and in whatever order it is read.
#[inline]
pub fn counter_unit(key: u64, index: u64, salt: u64) -> f64 {
    let bits = mix64(key ^ mix64(index.wrapping_mul(0xd1b5_4a32_d192_ed03) ^ salt));
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_pure_functions_of_their_key() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 3, Stream::Graph), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(stream(7, 3, Stream::Graph), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        let mut other_name = stream(7, 3, Stream::Traits);
        let mut other_rep = stream(7, 4, Stream::Graph);
        let mut other_seed = stream(8, 3, Stream::Graph);
        assert_ne!(a[0], other_name.next_u64());
        assert_ne!(a[0], other_rep.next_u64());
        assert_ne!(a[0], other_seed.next_u64());
    }

    #[test]
    fn below_is_uniform_enough() {
        let mut rng = stream(1, 0, Stream::Statistics);
        let mut counts = [0u32; 6];
        let draws = 600_000;
        for _ in 0..draws {
            counts[below(&mut rng, 6) as usize] += 1;
        }
        // Each count is Binomial(600000, 1/6): sd ~ 289; allow 5 sd.
        for c in counts {
            assert!((c as f64 - 100_000.0).abs() < 5.0 * 289.0, "{counts:?}");
        }
    }

    #[test]
    fn gap_table_gives_the_formula_bit_for_bit() {
        for p in [1e-6, 0.003, 0.05, 0.2, 0.5, 0.93, 1.0] {
            let gaps = Gaps::new(p);
            let mut rng = stream(3, 0, Stream::Statistics);
            let mut straddling = 0;
            for _ in 0..200_000 {
                let bits = rng.clone().next_u64();
                let g = gaps.draw(&mut rng);
                assert_eq!(g, gaps.by_formula(bits), "p = {p}");
                straddling += usize::from(gaps.table[(bits >> 52) as usize] == Gaps::STRADDLES);
            }
            // The table must spare the logarithm for most draws where the draws are
            // frequent (for small p they come once per 1/p ties anyway).
            if (0.02..=0.5).contains(&p) {
                assert!(straddling < 200_000 / 10, "p = {p}: {straddling}");
            }
        }
        assert_eq!(
            Gaps::new(0.0).draw(&mut stream(1, 0, Stream::Statistics)),
            usize::MAX
        );
        assert!(Gaps::new(0.0).never());
    }

    #[test]
    fn gaps_are_geometric() {
        // P(G = k) = (1 - p)^k p: check the mean and P(G = 0) for p = 0.2.
        let p = 0.2;
        let gaps = Gaps::new(p);
        let mut rng = stream(4, 0, Stream::Statistics);
        let n = 400_000;
        let draws: Vec<usize> = (0..n).map(|_| gaps.draw(&mut rng)).collect();
        let mean = draws.iter().sum::<usize>() as f64 / n as f64;
        // Mean (1-p)/p = 4, variance (1-p)/p^2 = 20: se = sqrt(20/n) ~ 0.0071.
        assert!((mean - 4.0).abs() < 5.0 * 0.0071, "{mean}");
        let zeros = draws.iter().filter(|&&g| g == 0).count() as f64 / n as f64;
        // se = sqrt(0.2 * 0.8 / n) ~ 0.00063.
        assert!((zeros - p).abs() < 5.0 * 0.00063, "{zeros}");
    }

    #[test]
    fn geometric_skip_has_the_right_mean() {
        let p: f64 = 0.1;
        let log_q = (-p).ln_1p();
        let mut rng = stream(2, 0, Stream::Statistics);
        let n = 200_000;
        let total: u64 = (0..n).map(|_| geometric_skip(&mut rng, log_q)).sum();
        let mean = total as f64 / n as f64;
        // Mean (1-p)/p = 9, variance (1-p)/p^2 = 90: se = sqrt(90/n) ~ 0.021.
        assert!((mean - 9.0).abs() < 5.0 * 0.0213, "{mean}");
    }
}
