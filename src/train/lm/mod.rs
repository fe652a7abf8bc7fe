//! Levenberg–Marquardt on every parameter of a net (Levenberg 1944, Marquardt 1963): Gauss–Newton
//! steps damped towards gradient descent, for the small deep references (hundreds of parameters).
//!
//! One step: residuals r and Jacobian J on the whole training set ([`Mlp::jacobian`]), then
//! (JᵀJ + λ·diag(JᵀJ) + λ·10⁻⁹·I) δ = −Jᵀr by Cholesky, tried with λ growing ×4 until the loss
//! decreases (then λ shrinks ÷3); a step that finds no decrease within 12 tries leaves the net
//! unchanged. Cost per step O(n·P²) for n points and P parameters: the config's `steps` for LM
//! should be in the hundreds, not thousands.

use super::damping::{Damping, Rule, Trial};
use super::trainer::{Data, Trainer};
use crate::net::{Mlp, Workspace};
use nalgebra::{DMatrix, DVector};
use rand_chacha::ChaCha8Rng;

mod spec;
pub use spec::{INFO, LmSettings};

/// The damped Gauss–Newton trainer.
pub struct LmTrainer {
    damping: Damping,
    jac: Vec<f64>,
    resid: Vec<f64>,
}

/// λ from 10⁻³, ×4 per rejected or singular step (at most 10¹²), ÷3 per accepted one (at least
/// 10⁻¹²), 12 tries per step.
const DAMPING: Rule = Rule {
    start: 1e-3,
    grow: 4.0,
    grow_singular: Some(4.0),
    shrink: 3.0,
    floor: 1e-12,
    cap: 1e12,
    tries: 12,
    give_up_at: f64::INFINITY,
};

impl Default for LmTrainer {
    fn default() -> Self {
        Self { damping: Damping::new(DAMPING), jac: Vec::new(), resid: Vec::new() }
    }
}

fn mean_sq(r: &[f64]) -> f64 {
    r.iter().map(|e| e * e).sum::<f64>() / r.len().max(1) as f64
}

impl Trainer for LmTrainer {
    fn step(&mut self, net: &mut Mlp, data: &Data, _step: usize, _rng: &mut ChaCha8Rng, ws: &mut Workspace) -> f64 {
        let (n, p) = (data.ys.len(), net.n_params());
        net.residuals(&data.xs, &data.ys, &mut self.resid);
        let loss0 = mean_sq(&self.resid);
        if !loss0.is_finite() {
            return f64::NAN;
        }
        net.jacobian(&data.xs, &mut self.jac, ws);
        // JᵀJ (p × p) and Jᵀr, with J row-major n × p.
        let mut jtj = vec![0.0; p * p];
        // SAFETY: the slices hold n·p, n·p and p·p elements with the strides given.
        unsafe {
            matrixmultiply::dgemm(
                p,
                n,
                p,
                1.0,
                self.jac.as_ptr(),
                1,
                p as isize,
                self.jac.as_ptr(),
                p as isize,
                1,
                0.0,
                jtj.as_mut_ptr(),
                p as isize,
                1,
            );
        }
        let mut g = vec![0.0; p];
        for (row, r) in self.jac.chunks_exact(p).zip(&self.resid) {
            g.iter_mut().zip(row).for_each(|(gi, j)| *gi += j * r);
        }
        let a = DMatrix::from_row_slice(p, p, &jtj);
        let rhs = -DVector::from_vec(g);
        let start = net.params().to_vec();
        let mut trial = Vec::new();
        let mut kept = loss0;
        let accepted = self.damping.attempt(|lambda| {
            let mut m = a.clone();
            for i in 0..p {
                m[(i, i)] += lambda * (a[(i, i)] + 1e-9);
            }
            let Some(delta) = m.cholesky().map(|c| c.solve(&rhs)) else { return Trial::Singular };
            net.params_mut().iter_mut().zip(start.iter().zip(delta.iter())).for_each(|(q, (s, d))| *q = s + d);
            net.residuals(&data.xs, &data.ys, &mut trial);
            let loss = mean_sq(&trial);
            if loss.is_finite() && loss < loss0 {
                kept = loss;
                Trial::Accepted
            } else {
                Trial::Rejected
            }
        });
        if !accepted {
            net.params_mut().copy_from_slice(&start);
        }
        kept
    }
}
