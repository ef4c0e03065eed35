//! A generation's candidates as the ranks of an MPI job exchange them
//! (`sim::distribute`): each rank proposes and simulates its own block of a
//! batch, and every rank gets the whole batch back in candidate order.

use crate::error::Result;
use crate::sim::distribute::{self, Record, Words};
use rayon::prelude::*;
use std::ops::Range;

/// A candidate's parameters and the distances of its simulations, as the ranks
/// of an MPI job exchange them (`sim::distribute`): 8 + 8 × (k + m) bytes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Proposal {
    /// Whether it fell inside the prior's support (and was simulated).
    pub inside: bool,
    /// Its parameters (zeros when outside: not needed).
    pub theta: Vec<f64>,
    /// The distance of each of its simulations (zeros when outside).
    pub distances: Vec<f64>,
}

impl Proposal {
    pub fn inside(theta: Vec<f64>, distances: Vec<f64>) -> Proposal {
        Proposal {
            inside: true,
            theta,
            distances,
        }
    }

    /// A candidate outside the prior, with as many bytes as one inside.
    pub fn outside(k: usize, m: usize) -> Proposal {
        Proposal {
            inside: false,
            theta: vec![0.0; k],
            distances: vec![0.0; m],
        }
    }
}

impl Record for Proposal {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&u32::from(self.inside).to_le_bytes());
        out.extend_from_slice(&(self.theta.len() as u32).to_le_bytes());
        for x in self.theta.iter().chain(&self.distances) {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut w = Words(bytes);
        let inside = w.u32() == 1;
        let k = w.u32() as usize;
        let theta = (0..k).map(|_| w.f64()).collect();
        let m = (bytes.len() - 8) / 8 - k;
        let distances = (0..m).map(|_| w.f64()).collect();
        Proposal {
            inside,
            theta,
            distances,
        }
    }
}

/// `propose(c)` for every candidate `c` of `candidates`, in candidate order, on
/// the current rayon pool. Under MPI each rank proposes (and simulates) its own
/// block of the candidates and every rank gets them all; the exchange is made
/// here, outside the parallel loop, so every rank makes the same exchanges.
/// The first failing candidate's error is returned.
pub(super) fn proposals(
    candidates: Range<u64>,
    k: usize,
    m: usize,
    propose: impl Fn(u64) -> Result<Proposal> + Sync,
) -> Result<Vec<Proposal>> {
    let first = candidates.start;
    let n = (candidates.end - candidates.start) as usize;
    let all = distribute::gather(n, |block| {
        let made: Vec<Result<Proposal>> = (first + block.start as u64..first + block.end as u64)
            .into_par_iter()
            .map(&propose)
            .collect();
        made.into_iter().collect()
    })?;
    debug_assert!(all
        .iter()
        .all(|p| p.theta.len() == k && p.distances.len() == m));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals_travel_whole_inside_or_outside_the_prior() {
        for p in [
            Proposal::inside(vec![0.25, -3.5e-9], vec![1.0, f64::MAX, 0.0]),
            Proposal::outside(2, 3),
        ] {
            let mut bytes = Vec::new();
            p.encode(&mut bytes);
            assert_eq!(bytes.len(), 8 + 8 * (2 + 3));
            assert_eq!(Proposal::decode(&bytes), p);
        }
        // One process: every candidate, in order, by its own index.
        let got = proposals(5..9, 1, 1, |c| {
            Ok(Proposal::inside(vec![c as f64], vec![0.5]))
        })
        .unwrap();
        let thetas: Vec<f64> = got.iter().map(|p| p.theta[0]).collect();
        assert_eq!(thetas, [5.0, 6.0, 7.0, 8.0]);
    }
}
