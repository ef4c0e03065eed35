//! The Saltelli design: the unit points at which the model is evaluated.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A uniform draw strictly inside (0, 1): 53 random bits, centred in their cell
/// (so that every quantile function is defined at it).
fn open_unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A Saltelli design: two independent N × k matrices A and B of uniform (0, 1)
/// numbers, and the k matrices A_B^(i) (A with column i taken from B), for
/// N (k + 2) model evaluations.
///
/// Evaluation index j = r (k + 2) + c for base row r in 0..N and column block c:
/// c = 0 is A_r, c = 1 is B_r, c = 2 + i is A_B^(i)_r (factor i in 0..k).
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    pub(super) n: usize,
    pub(super) k: usize,
    a: Vec<f64>,
    b: Vec<f64>,
}

impl SaltelliDesign {
    /// Draws the design from xoshiro256++ seeded with `seed` (`seed_from_u64`):
    /// for each row r in order, the k numbers of A_r then the k numbers of B_r,
    /// each (x >> 11 + 1/2) / 2^53 for a 64-bit draw x, so strictly inside (0, 1).
    /// The same seed gives the same design, and the design with N rows is the
    /// first N rows of any larger one with the same seed and k.
    ///
    /// # Panics
    /// If `n < 2`, `k == 0`, or N (k + 2) overflows `usize`.
    pub fn new(n: usize, k: usize, seed: u64) -> Self {
        assert!(
            n >= 2,
            "a Saltelli design needs at least 2 base rows, got {n}"
        );
        assert!(k >= 1, "a Saltelli design needs at least 1 factor");
        assert!(
            (k + 2).checked_mul(n).is_some(),
            "N (k + 2) overflows with N = {n}, k = {k}"
        );
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut a = Vec::with_capacity(n * k);
        let mut b = Vec::with_capacity(n * k);
        for _ in 0..n {
            a.extend((0..k).map(|_| open_unit(&mut rng)));
            b.extend((0..k).map(|_| open_unit(&mut rng)));
        }
        SaltelliDesign { n, k, a, b }
    }

    /// N, the number of base rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// k, the number of factors.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The number of model evaluations, N (k + 2).
    pub fn evaluations(&self) -> usize {
        self.n * (self.k + 2)
    }

    /// Row r of A (k numbers in (0, 1)).
    ///
    /// # Panics
    /// If `r >= n`.
    pub fn a_row(&self, r: usize) -> &[f64] {
        &self.a[r * self.k..(r + 1) * self.k]
    }

    /// Row r of B (k numbers in (0, 1)).
    ///
    /// # Panics
    /// If `r >= n`.
    pub fn b_row(&self, r: usize) -> &[f64] {
        &self.b[r * self.k..(r + 1) * self.k]
    }

    /// Writes the unit point of evaluation `j` (see the type's docs for the order)
    /// into `out`; map each coordinate through its factor's quantile function.
    ///
    /// # Panics
    /// If `j >= evaluations()` or `out.len() != k`.
    pub fn point_into(&self, j: usize, out: &mut [f64]) {
        assert!(j < self.evaluations(), "evaluation {j} is past the design");
        assert_eq!(out.len(), self.k, "point buffer has the wrong length");
        let (r, c) = (j / (self.k + 2), j % (self.k + 2));
        match c {
            0 => out.copy_from_slice(self.a_row(r)),
            1 => out.copy_from_slice(self.b_row(r)),
            _ => {
                out.copy_from_slice(self.a_row(r));
                out[c - 2] = self.b_row(r)[c - 2];
            }
        }
    }

    /// The unit point of evaluation `j`, as [`SaltelliDesign::point_into`].
    ///
    /// # Panics
    /// If `j >= evaluations()`.
    pub fn point(&self, j: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.k];
        self.point_into(j, &mut out);
        out
    }
}
