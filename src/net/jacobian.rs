//! Residuals and their Jacobian on the layered path: what Gauss–Newton and Levenberg–Marquardt
//! need.
//!
//! r_i = f(x_i) − y_i and J_ip = ∂r_i/∂θ_p = ∂f(x_i)/∂θ_p, with θ in the flat layout of [`Mlp`].
//! Backpropagating the unit vector of sample i gives row i: with δ_L = 1 at the output and
//! δ_{l−1} = (W_lᵀ δ_l) ⊙ [h_{l−1} > 0], the entries of layer l are ∂W_l = δ_l h_{l−1}ᵀ and
//! ∂b_l = δ_l. So Jᵀr · 2/n is the MSE gradient of [`Mlp::loss_grad`] (tested).
//! Time: O(n·P) for n points and P parameters, after one forward pass.

use super::{Mlp, Workspace};

impl Mlp {
    /// Residuals f(x_i) − y_i into `out` (resized to n).
    pub fn residuals(&self, xs: &[f64], ys: &[f64], out: &mut Vec<f64>) {
        out.resize(ys.len(), 0.0);
        self.forward(xs, out);
        out.iter_mut().zip(ys).for_each(|(o, y)| *o -= y);
    }

    /// The Jacobian of the residuals at `xs`, `n × n_params` row-major, into `jac`.
    pub fn jacobian(&self, xs: &[f64], jac: &mut Vec<f64>, ws: &mut Workspace) {
        let d = self.input_dim();
        let n = xs.len() / d;
        let p = self.n_params();
        self.forward_ws(xs, ws);
        jac.clear();
        jac.resize(n * p, 0.0);
        let widest = self.dims().iter().copied().max().unwrap_or(1);
        let (mut delta, mut prev) = (Vec::with_capacity(widest), Vec::with_capacity(widest));
        for (i, row) in jac.chunks_exact_mut(p).enumerate() {
            delta.clear();
            delta.push(1.0);
            for l in (0..self.n_layers()).rev() {
                let (a, b) = (self.dims()[l], self.dims()[l + 1]);
                let off = self.offset(l);
                let input = if l == 0 { &xs[i * d..(i + 1) * d] } else { &ws.acts[l - 1][i * a..(i + 1) * a] };
                for r in 0..b {
                    for c in 0..a {
                        row[off + r * a + c] = delta[r] * input[c];
                    }
                    row[off + a * b + r] = delta[r];
                }
                if l == 0 {
                    break;
                }
                let (w, _) = self.layer(l);
                prev.clear();
                prev.extend(
                    (0..a).map(
                        |c| {
                            if input[c] > 0.0 { (0..b).map(|r| delta[r] * w[r * a + c]).sum::<f64>() } else { 0.0 }
                        },
                    ),
                );
                std::mem::swap(&mut delta, &mut prev);
            }
        }
    }
}
