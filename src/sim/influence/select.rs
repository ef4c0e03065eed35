//! Greedy maximum coverage over RR sets (the NodeSelection of IMM), with lazy
//! counts and ties broken by lowest node id.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::rr::RrSets;

/// The outcome of a greedy selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Chosen seeds, in order of choice.
    pub seeds: Vec<u32>,
    /// Number of RR sets that contain at least one seed.
    pub covered: usize,
}

/// Choose up to `k` nodes among those with `allowed[u]` (all when `None`) that
/// greedily maximise the number of RR sets covered.
///
/// Builds the inverted index (node → sets holding it) in O(n + Σ|R|), then each
/// choice marks its uncovered sets and decrements the counts of their members:
/// O(n + Σ|R|) over all choices, plus O((n + Σ|R|) log n) for the lazy heap (an
/// entry is re-pushed only when its count went stale). Memory: 4 bytes per set
/// member held by an allowed node, plus O(n + θ).
///
/// # Panics
/// If there are 2^32 or more RR sets (set ids are stored as `u32`).
pub fn greedy(sets: &RrSets, n: usize, k: usize, allowed: Option<&[bool]>) -> Coverage {
    assert!(sets.len() < u32::MAX as usize, "too many RR sets");
    let ok = |u: u32| allowed.map_or(true, |a| a[u as usize]);
    let mut start = vec![0u64; n + 1];
    for &u in &sets.nodes {
        if ok(u) {
            start[u as usize + 1] += 1;
        }
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut cursor: Vec<u64> = start[..n].to_vec();
    let mut index = vec![0u32; start[n] as usize];
    for i in 0..sets.len() {
        for &u in sets.set(i) {
            if ok(u) {
                index[cursor[u as usize] as usize] = i as u32;
                cursor[u as usize] += 1;
            }
        }
    }
    drop(cursor);
    let mut count: Vec<u64> = (0..n).map(|u| start[u + 1] - start[u]).collect();
    let mut heap: BinaryHeap<(u64, Reverse<u32>)> = (0..n as u32)
        .filter(|&u| ok(u))
        .map(|u| (count[u as usize], Reverse(u)))
        .collect();
    let mut covered = vec![false; sets.len()];
    let mut chosen = vec![false; n];
    let mut result = Coverage {
        seeds: Vec::with_capacity(k),
        covered: 0,
    };
    while result.seeds.len() < k {
        let Some((c, Reverse(u))) = heap.pop() else {
            break;
        };
        if chosen[u as usize] {
            continue;
        }
        if c != count[u as usize] {
            heap.push((count[u as usize], Reverse(u)));
            continue;
        }
        chosen[u as usize] = true;
        result.seeds.push(u);
        for &r in &index[start[u as usize] as usize..start[u as usize + 1] as usize] {
            if covered[r as usize] {
                continue;
            }
            covered[r as usize] = true;
            result.covered += 1;
            for &w in sets.set(r as usize) {
                if ok(w) {
                    count[w as usize] -= 1;
                }
            }
        }
    }
    result
}

/// Choose up to `k` of `pool` (repeats and ids past n ignored) that greedily
/// maximise the number of the `n`-node RR sets covered, in order of choice:
/// [`greedy`] restricted to the pool, O(n + Σ|R|) time.
pub fn greedy_among(sets: &RrSets, n: usize, k: usize, pool: &[u32]) -> Vec<u32> {
    let mut allowed = vec![false; n];
    for &u in pool {
        if let Some(a) = allowed.get_mut(u as usize) {
            *a = true;
        }
    }
    greedy(sets, n, k, Some(&allowed)).seeds
}

/// Number of the sets that contain a node of `seeds`. O(n + Σ|R|).
pub(crate) fn covered_by(sets: &RrSets, n: usize, seeds: &[u32]) -> usize {
    let mut is_seed = vec![false; n];
    for &s in seeds {
        is_seed[s as usize] = true;
    }
    (0..sets.len())
        .filter(|&i| sets.set(i).iter().any(|&u| is_seed[u as usize]))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(list: &[&[u32]]) -> RrSets {
        let mut s = RrSets::default();
        for set in list {
            s.nodes.extend_from_slice(set);
            s.offsets.push(s.nodes.len() as u64);
        }
        s
    }

    #[test]
    fn greedy_takes_the_largest_then_the_best_complement() {
        let s = sets(&[&[0, 1], &[1, 2], &[1], &[3], &[3, 4], &[4], &[2]]);
        let c = greedy(&s, 5, 2, None);
        // 1 covers 3 sets; then 3 and 4 each add 2, 2 adds 1: tie 3 vs 4 -> 3.
        assert_eq!(c.seeds, vec![1, 3]);
        assert_eq!(c.covered, 5);
        assert_eq!(covered_by(&s, 5, &c.seeds), 5);
        let allowed = [true, false, true, true, true];
        let c = greedy(&s, 5, 2, Some(&allowed));
        assert_eq!(c.seeds, vec![2, 3]);
        // Asking for more than there are takes everyone allowed, zero gains included.
        assert_eq!(greedy(&s, 5, 9, Some(&allowed)).seeds.len(), 4);
        assert_eq!(greedy_among(&s, 5, 2, &[4, 3, 3, 9]), vec![3, 4]);
    }
}
