//! Small dense linear algebra for three unknowns.

/// Inverse of a symmetric positive (semi)definite 3x3 matrix, computed on the
/// diagonally scaled matrix D^{-1} A D^{-1} (D = sqrt(diag A)) by Gauss–Jordan
/// elimination with partial pivoting; `None` when it is numerically singular.
pub(super) fn scaled_inverse(a: &[[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let d: [f64; 3] = std::array::from_fn(|i| a[i][i].sqrt());
    if d.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return None;
    }
    let mut m: [[f64; 6]; 3] = [[0.0; 6]; 3];
    for i in 0..3 {
        for j in 0..3 {
            m[i][j] = a[i][j] / (d[i] * d[j]);
        }
        m[i][3 + i] = 1.0;
    }
    for col in 0..3 {
        let piv = (col..3).max_by(|&r, &s| m[r][col].abs().total_cmp(&m[s][col].abs()))?;
        if m[piv][col].abs() <= 1e-13 {
            return None;
        }
        m.swap(col, piv);
        let pv = m[col][col];
        m[col].iter_mut().for_each(|v| *v /= pv);
        for r in (0..3).filter(|&r| r != col) {
            let factor = m[r][col];
            let pivot_row = m[col];
            m[r].iter_mut()
                .zip(pivot_row)
                .for_each(|(v, pr)| *v -= factor * pr);
        }
    }
    Some(std::array::from_fn(|i| {
        std::array::from_fn(|j| m[i][3 + j] / (d[i] * d[j]))
    }))
}

/// Least squares y ~ X b for an n x 3 design by Householder QR on the
/// column-scaled design; `None` when X is numerically rank deficient.
pub(super) fn lstsq3(x: &[[f64; 3]], y: &[f64]) -> Option<[f64; 3]> {
    let scale: [f64; 3] =
        std::array::from_fn(|j| x.iter().map(|r| r[j].abs()).fold(0.0_f64, f64::max));
    if scale.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        return None;
    }
    let mut a: Vec<[f64; 3]> = x
        .iter()
        .map(|r| std::array::from_fn(|j| r[j] / scale[j]))
        .collect();
    let mut b = y.to_vec();
    let mut rdiag = [0.0; 3];
    for k in 0..3 {
        let norm = a[k..].iter().map(|r| r[k] * r[k]).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        let alpha = if a[k][k] > 0.0 { -norm } else { norm };
        // Householder vector v = a[k.., k] - alpha e_1, applied as I - 2 v v' / v'v.
        let mut v: Vec<f64> = a[k..].iter().map(|r| r[k]).collect();
        v[0] -= alpha;
        let vtv: f64 = v.iter().map(|t| t * t).sum();
        for j in k..3 {
            let dot: f64 = v.iter().zip(&a[k..]).map(|(vi, r)| vi * r[j]).sum();
            a[k..]
                .iter_mut()
                .zip(&v)
                .for_each(|(r, vi)| r[j] -= 2.0 * dot / vtv * vi);
        }
        let dot: f64 = v.iter().zip(&b[k..]).map(|(vi, bi)| vi * bi).sum();
        b[k..]
            .iter_mut()
            .zip(&v)
            .for_each(|(bi, vi)| *bi -= 2.0 * dot / vtv * vi);
        rdiag[k] = alpha;
    }
    let rmax = rdiag.iter().fold(0.0_f64, |m, r| m.max(r.abs()));
    if rdiag.iter().any(|r| r.abs() <= 1e-12 * rmax) {
        return None;
    }
    let mut coef = [0.0; 3];
    for k in (0..3).rev() {
        let tail: f64 = (k + 1..3).map(|j| a[k][j] * coef[j]).sum();
        coef[k] = (b[k] - tail) / a[k][k];
    }
    Some(std::array::from_fn(|j| coef[j] / scale[j]))
}
