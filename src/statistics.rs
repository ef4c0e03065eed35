//! Statistics of a sample, for every stage: the mean, the sample variance, the
//! normal-approximation 95% confidence interval of a mean ([`Z95`]), percentiles,
//! and [`Summary`], which gathers them.
//!
//! [`percentile`] is THE one definition of a percentile in wom: linear
//! interpolation between order statistics (Hyndman & Fan type 7, numpy's default),
//! for results over replicates and for `wom graph`'s degree percentiles alike
//! ([`percentile_of`] reads the order statistics through a function, so sorted
//! degrees need no copy). [`bands`] computes the same values by selection.

use serde::Serialize;

/// The standard normal's two-sided 95% quantile, as used in every confidence
/// interval wom reports: mean ± `Z95` · std / √n.
pub const Z95: f64 = 1.96;

/// The arithmetic mean of `values` (NaN when there are none).
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample variance of `values` about their `mean`, with n − 1 in the
/// denominator (0 for fewer than two values).
pub fn variance(values: &[f64], mean: f64) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (values.len() as f64 - 1.0)
}

/// The 95% confidence interval (low, high) of a mean of `n` values with standard
/// deviation `std`: mean ± [`Z95`] · std / √n (normal approximation).
pub fn ci95(mean: f64, std: f64, n: usize) -> (f64, f64) {
    let half = Z95 * std / (n as f64).sqrt();
    (mean - half, mean + half)
}

/// Mean, standard deviation, 95% CI of the mean, and percentiles of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// The sample mean.
    pub mean: f64,
    /// The sample standard deviation (n − 1).
    pub std: f64,
    /// Lower bound of the 95% CI of the mean.
    pub ci95_low: f64,
    /// Upper bound of the 95% CI of the mean.
    pub ci95_high: f64,
    /// 5% percentile (type 7).
    pub p05: f64,
    /// Median (type 7).
    pub p50: f64,
    /// 95% percentile (type 7).
    pub p95: f64,
}

impl Summary {
    /// Summarise `values` (sorted in place). The CI is [`ci95`] (normal
    /// approximation); std uses n − 1 ([`variance`]).
    pub fn of(values: &mut [f64]) -> Summary {
        // Sorted first, so that the sums (and their last bits) do not depend on
        // the order the values came in (the bands leave them reordered).
        values.sort_by(f64::total_cmp);
        let mean = mean(values);
        let std = variance(values, mean).sqrt();
        let (ci95_low, ci95_high) = ci95(mean, std, values.len());
        Summary {
            mean,
            std,
            ci95_low,
            ci95_high,
            p05: percentile(values, 0.05),
            p50: percentile(values, 0.50),
            p95: percentile(values, 0.95),
        }
    }
}

/// Percentile of sorted values by linear interpolation between order statistics
/// (numpy's default, Hyndman & Fan type 7).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    percentile_of(sorted.len(), |i| sorted[i], q)
}

/// [`percentile`] of `len` sorted values read through `value(i)` (the i-th
/// smallest), for sorted data of another type.
pub fn percentile_of(len: usize, value: impl Fn(usize) -> f64, q: f64) -> f64 {
    if len == 0 {
        return f64::NAN;
    }
    let h = (len - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(len - 1);
    value(lo) + (h - lo as f64) * (value(hi) - value(lo))
}

/// The `q` quantile of a weighted sample of (value, weight) pairs (weights >= 0,
/// not all 0): the smallest value whose share of the total weight at or below it
/// reaches q, the inverse of the weighted empirical distribution function. With
/// equal weights this is Hyndman & Fan type 1, not the type 7 of [`percentile`]:
/// a weighted sample has no order statistics to interpolate between. Used for
/// posterior summaries and tolerances of a fit (`pairs` is left sorted by value,
/// ties kept in their order). NaN when there are no pairs.
pub fn weighted_quantile(pairs: &mut [(f64, f64)], q: f64) -> f64 {
    if pairs.is_empty() {
        return f64::NAN;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let target = q * total;
    let mut cumulative = 0.0;
    for &(value, weight) in pairs.iter() {
        cumulative += weight;
        if weight > 0.0 && cumulative >= target {
            return value;
        }
    }
    pairs[pairs.len() - 1].0
}

/// The 5%, 50% and 95% percentiles of `values`, equal to [`percentile`] of the
/// sorted values bit for bit, found by selection in O(n) instead of a sort
/// (`values` is left reordered). The median is selected first and the other two
/// within the halves it leaves, and each percentile's next order statistic is
/// the least value between it and the next one placed: about 2n comparisons
/// and one pass over the values instead of 3n and 1.5 passes.
pub fn bands(values: &mut [f64]) -> [f64; 3] {
    let Some(last) = values.len().checked_sub(1) else {
        return [f64::NAN; 3];
    };
    let rank = |q: f64| {
        let h = last as f64 * q;
        (h, h.floor() as usize)
    };
    let [(h05, lo), (h50, mid), (h95, hi)] = [0.05, 0.50, 0.95].map(rank);
    values.select_nth_unstable_by(mid, f64::total_cmp);
    if lo < mid {
        values[..mid].select_nth_unstable_by(lo, f64::total_cmp);
    }
    if hi > mid {
        values[mid + 1..].select_nth_unstable_by(hi - mid - 1, f64::total_cmp);
    }
    // values[lo], values[mid] and values[hi] are now in their sorted places,
    // and every value between two of those places lies between their values, so
    // the order statistic after place k is the least value from k + 1 up to the
    // next place (or to the end after the last).
    let places = [lo, mid, hi];
    let interpolate = |which: usize, h: f64| {
        let at = places[which];
        let bound = places[which + 1..]
            .iter()
            .copied()
            .find(|&p| p > at)
            .unwrap_or(last);
        let at_lo = values[at];
        let at_hi = values[at + 1..=bound]
            .iter()
            .copied()
            .min_by(f64::total_cmp)
            .unwrap_or(at_lo);
        at_lo + (h - at as f64) * (at_hi - at_lo)
    };
    [
        interpolate(0, h05),
        interpolate(1, h50),
        interpolate(2, h95),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_quantiles_invert_the_weighted_distribution() {
        let mut pairs = vec![(3.0, 0.25), (1.0, 0.25), (2.0, 0.5), (9.0, 0.0)];
        assert_eq!(weighted_quantile(&mut pairs, 0.0), 1.0);
        assert_eq!(weighted_quantile(&mut pairs, 0.25), 1.0);
        assert_eq!(weighted_quantile(&mut pairs, 0.26), 2.0);
        assert_eq!(weighted_quantile(&mut pairs, 0.75), 2.0);
        assert_eq!(weighted_quantile(&mut pairs, 0.76), 3.0);
        // A value of weight 0 is never a quantile.
        assert_eq!(weighted_quantile(&mut pairs, 1.0), 3.0);
        // Equal weights: type 1, the ceil(n q)-th smallest.
        let mut equal: Vec<(f64, f64)> = (1..=10).map(|v| (f64::from(v), 1.0)).collect();
        assert_eq!(weighted_quantile(&mut equal, 0.5), 5.0);
        assert_eq!(weighted_quantile(&mut equal, 0.51), 6.0);
        assert!(weighted_quantile(&mut [], 0.5).is_nan());
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), 2.5);
        assert!((percentile(&v, 0.05) - 1.15).abs() < 1e-12);
        assert!((percentile(&v, 0.95) - 3.85).abs() < 1e-12);
        assert_eq!(percentile(&[7.0], 0.95), 7.0);
    }

    #[test]
    fn bands_by_selection_equal_percentiles_of_the_sorted_values() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        for len in (1..=64).chain([100, 1001, 10_000]) {
            for range in [3, 1_000_000] {
                let mut values: Vec<f64> =
                    (0..len).map(|_| rng.gen_range(0..range) as f64).collect();
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                let expected = [0.05, 0.5, 0.95].map(|q| percentile(&sorted, q));
                let got = bands(&mut values);
                assert_eq!(
                    got.map(f64::to_bits),
                    expected.map(f64::to_bits),
                    "{len} {range}"
                );
            }
        }
        assert!(bands(&mut []).iter().all(|b| b.is_nan()));
    }

    #[test]
    fn summaries_do_not_depend_on_the_order_of_the_values() {
        let mut values: Vec<f64> = (0..1000u32)
            .map(|i| f64::from(i * 7919 % 1013) / 3.0)
            .collect();
        let forward = Summary::of(&mut values.clone());
        values.reverse();
        let backward = Summary::of(&mut values);
        let bits = |s: &Summary| [s.mean, s.std, s.ci95_low, s.ci95_high].map(f64::to_bits);
        assert_eq!(bits(&forward), bits(&backward));
    }

    #[test]
    fn summary_of_a_constant_has_a_zero_width_ci() {
        let s = Summary::of(&mut [3.0, 3.0, 3.0]);
        assert_eq!(
            (s.mean, s.std, s.ci95_low, s.ci95_high),
            (3.0, 0.0, 3.0, 3.0)
        );
    }
}
