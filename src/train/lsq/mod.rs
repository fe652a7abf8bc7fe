//! Least-squares solve of the output layer, with the hidden layers fixed (the hybrid
//! least-squares/gradient scheme of Cyr, Gulian, Patel, Perego & Trask, 2019, "Robust training and
//! initialization of deep neural networks: an adaptive basis viewpoint").
//!
//! With the hidden layers fixed, the output is linear in (a, c): f = H·a + c·1 for the last hidden
//! layer's activations H (n × w). The best MSE output layer minimises ‖Gθ − y‖², G = [H 1]. It is
//! solved **without a ridge** (a ridge λ = 1e−10·tr(GᵀG)/(w+1) on the normal equations capped the
//! error from k ≈ 9 on the sawtooth: `../shared/TRAINERS.md` §1), in a basis where the problem is
//! well conditioned:
//!
//! - **1→m→1 nets** ([`hat`]): the span of the units on the data's interval is a space of
//!   continuous piecewise-linear functions on the units' knots; least squares in the hat (nodal)
//!   basis has a tridiagonal normal matrix (condition ≈ 3 after scaling, where the ReLU basis's
//!   GᵀG reaches 1e14–3e20), solved in O(n log n + m), then converted back to the units' output
//!   weights exactly.
//! - **any other net** ([`qr`]): Householder QR of the column-scaled G, accumulated over blocks of
//!   rows (TSQR, memory O(w²)); the error of the solution grows with cond(G), not cond(G)².
//!
//! A solve that cannot be done (rank-deficient G on the generic path, non-finite data or solution)
//! leaves the net unchanged and returns false; the hybrid trainer counts those in `solve_failures`.

mod hat;
mod qr;

use crate::net::{Mlp, Workspace};

/// Replace the output layer of `net` by the least-squares fit to (xs, ys). Returns false (and leaves
/// the net unchanged) when the system cannot be solved or the solution is not finite.
pub fn solve_output_layer(net: &mut Mlp, xs: &[f64], ys: &[f64], ws: &mut Workspace) -> bool {
    if !ys.iter().chain(xs).all(|v| v.is_finite()) {
        return false;
    }
    let l = net.n_layers() - 1;
    let solved = if net.dims() == [1, net.dims()[1], 1] {
        let (w, b) = net.layer(0);
        hat::solve(w, b, xs, ys)
    } else {
        let w = net.dims()[l];
        let h: &[f64] = if l == 0 {
            xs
        } else {
            net.forward_ws(xs, ws);
            ws.hidden(l - 1)
        };
        qr::solve(h, w, ys)
    };
    let Some((a, c)) = solved else { return false };
    if !(a.iter().all(|v| v.is_finite()) && c.is_finite()) {
        return false;
    }
    let (wa, wc) = net.layer_mut(l);
    wa.copy_from_slice(&a);
    wc[0] = c;
    true
}
