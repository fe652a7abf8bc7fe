//! Least-squares solve of the output layer (the hybrid least-squares/gradient scheme of Cyr, Gulian,
//! Patel, D'Elia & Trask, 2019, "Robust training and initialization of deep neural networks: an
//! adaptive basis viewpoint").
//!
//! With the hidden layers fixed, the output is linear in (a, c): f = H·a + c·1 for the last hidden
//! layer's activations H (n × w). The best MSE output layer solves the ridge-stabilised normal
//! equations (GᵀG + λI)·θ = Gᵀy, G = [H 1], λ = 1e−10 · tr(GᵀG)/(w+1), by Cholesky.
//! Time: O(n·w² + w³).

use crate::net::{Mlp, Workspace};
use matrixmultiply::dgemm;
use nalgebra::{DMatrix, DVector};

/// Replace the output layer of `net` by the least-squares fit to (xs, ys). Returns false (and leaves
/// the net unchanged) when the system cannot be solved or the solution is not finite; the hybrid
/// trainer counts those failures in the run's results.
pub fn solve_output_layer(net: &mut Mlp, xs: &[f64], ys: &[f64], ws: &mut Workspace) -> bool {
    let n = ys.len();
    let l = net.n_layers() - 1;
    let w = net.dims()[l];
    let h: &[f64] = if l == 0 {
        xs
    } else {
        net.forward_ws(xs, ws);
        ws.hidden(l - 1)
    };
    let p = w + 1;
    let mut g = vec![0.0; p * p];
    // HᵀH into the top-left w×w block of the p×p row-major matrix.
    unsafe {
        dgemm(w, n, w, 1.0, h.as_ptr(), 1, w as isize, h.as_ptr(), w as isize, 1, 0.0, g.as_mut_ptr(), p as isize, 1);
    }
    let mut rhs = vec![0.0; p];
    let mut colsum = vec![0.0; w];
    for (row, &y) in h.chunks_exact(w).zip(ys) {
        for j in 0..w {
            colsum[j] += row[j];
            rhs[j] += row[j] * y;
        }
        rhs[w] += y;
    }
    for j in 0..w {
        g[j * p + w] = colsum[j];
        g[w * p + j] = colsum[j];
    }
    g[w * p + w] = n as f64;
    let trace: f64 = (0..p).map(|i| g[i * p + i]).sum();
    let ridge = 1e-10 * trace / p as f64;
    for i in 0..p {
        g[i * p + i] += ridge;
    }
    let Some(chol) = DMatrix::from_row_slice(p, p, &g).cholesky() else {
        return false;
    };
    let theta = chol.solve(&DVector::from_vec(rhs));
    if !theta.iter().all(|v| v.is_finite()) {
        return false;
    }
    let (a, c) = net.layer_mut(l);
    a.copy_from_slice(&theta.as_slice()[..w]);
    c[0] = theta[w];
    true
}
