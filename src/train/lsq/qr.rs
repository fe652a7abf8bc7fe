//! Least squares min ‖[H 1]θ − y‖ by Householder QR, accumulated over blocks of rows (TSQR): the
//! triangular factor R of the rows seen so far is stacked on the next block and factored again, and
//! the same reflections carry Qᵀy along. Columns are scaled to unit norm first and all-zero columns
//! (dead units) get coefficient 0; the p × p factor R is finally solved through its SVD, which
//! gives the minimum-norm solution when G is rank deficient. Time O(n·p² + p³), memory
//! O(p² + block·p), p = live columns + 1.

use nalgebra::{DMatrix, DVector};

/// Rows per block beyond the stacked R.
const BLOCK: usize = 512;

/// The output weights (a, c) of the least-squares fit (the minimum-norm one in the scaled columns
/// when G is rank deficient); `None` when the data are fewer than the columns.
pub fn solve(h: &[f64], w: usize, ys: &[f64]) -> Option<(Vec<f64>, f64)> {
    let n = ys.len();
    let mut norm = vec![0.0f64; w];
    for row in h.chunks_exact(w) {
        for (s, v) in norm.iter_mut().zip(row) {
            *s += v * v;
        }
    }
    let live: Vec<usize> = (0..w).filter(|&j| norm[j] > 0.0).collect();
    let scale: Vec<f64> = live.iter().map(|&j| 1.0 / norm[j].sqrt()).collect();
    let p = live.len() + 1;
    if n < p {
        return None;
    }
    let c_scale = 1.0 / (n as f64).sqrt();
    // Stacked system: the first `rows_r` rows are the current R and Qᵀy.
    let (mut r, mut qty) = (DMatrix::<f64>::zeros(0, p), DVector::<f64>::zeros(0));
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let rows_r = r.nrows();
        let mut g = DMatrix::<f64>::zeros(rows_r + end - start, p);
        let mut rhs = DVector::<f64>::zeros(rows_r + end - start);
        g.view_mut((0, 0), (rows_r, p)).copy_from(&r);
        rhs.rows_mut(0, rows_r).copy_from(&qty);
        for (i, row) in (start..end).enumerate() {
            let hr = &h[row * w..(row + 1) * w];
            for (col, (&j, &s)) in live.iter().zip(&scale).enumerate() {
                g[(rows_r + i, col)] = hr[j] * s;
            }
            g[(rows_r + i, p - 1)] = c_scale;
            rhs[rows_r + i] = ys[row];
        }
        let qr = g.qr();
        qr.q_tr_mul(&mut rhs);
        let keep = p.min(rhs.len());
        r = qr.r().rows(0, keep).into_owned();
        qty = rhs.rows(0, keep).into_owned();
    }
    // R is p × p: its SVD gives the minimum-norm solution when G is rank deficient (say two units
    // affine on all the data), dropping singular values below 1e−12·σ_max.
    let svd = r.svd(true, true);
    let tol = 1e-12 * svd.singular_values.max();
    let theta = svd.solve(&qty, tol).ok()?;
    let mut a = vec![0.0; w];
    for (col, (&j, &s)) in live.iter().zip(&scale).enumerate() {
        a[j] = theta[col] * s;
    }
    Some((a, theta[p - 1] * c_scale))
}
