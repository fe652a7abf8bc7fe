//! The global polish: Levenberg–Marquardt on every unit's (w, b) with the output layer solved
//! exactly inside (variable projection, Golub & Pereyra 1973).
//!
//! With the output (c, a) fixed, the Jacobian of the net's output with respect to unit j's
//! parameters is a_j·1[w_j·x + b_j > 0]·(x, 1). The step solves the block-diagonal part of the
//! Gauss–Newton system, one (d + 1) × (d + 1) block per unit, damped by λ·diag: O(n·m·d²) a step
//! instead of O(n·(m·d)²) for the full system, which at m = 512 units on 8 inputs would be a
//! 4608-square system. After the step the output layer is solved again on all the data, and the
//! step is kept only if the squared error dropped (else λ grows and the step is retried), so the
//! polish never loses fit.

use super::Ridge;
use super::candidate::{Unit, accumulate, damped_solve};
use crate::train::damping::{Damping, Rule, Trial};

/// λ from 10⁻², ×4 per rejected or singular step, ÷3 per accepted one (at least 10⁻⁹), 5 tries per
/// iteration.
const POLISH_DAMPING: Rule = Rule {
    start: 1e-2,
    grow: 4.0,
    grow_singular: Some(4.0),
    shrink: 3.0,
    floor: 1e-9,
    cap: f64::INFINITY,
    tries: 5,
    give_up_at: f64::INFINITY,
};

/// Points the Gauss–Newton blocks are summed over (the acceptance test uses every point).
const BLOCK_POINTS: usize = 1 << 15;

impl Ridge<'_> {
    /// Up to `iters` accepted LM steps on every unit. Returns the number accepted.
    pub fn polish(&mut self, iters: usize) -> usize {
        let (d, n, m) = (self.d, self.n, self.units.len());
        if m == 0 {
            return 0;
        }
        let p = d + 1;
        let ns = n.min(BLOCK_POINTS);
        let mut damping = Damping::new(POLISH_DAMPING);
        let mut accepted = 0;
        for _ in 0..iters {
            let mut blocks = vec![0.0; m * p * p];
            let mut grads = vec![0.0; m * p];
            for j in 0..m {
                let (a, g) = (&mut blocks[j * p * p..(j + 1) * p * p], &mut grads[j * p..(j + 1) * p]);
                let aj = self.a[j];
                let col = &self.h[j * n..j * n + ns];
                for (i, &h) in col.iter().enumerate() {
                    if h <= 0.0 {
                        continue;
                    }
                    accumulate(a, g, &self.xs[i * d..(i + 1) * d], aj, self.r[i]);
                }
            }
            let kept = damping.attempt(|lambda| {
                let trial: Option<Vec<Unit>> = (0..m)
                    .map(|j| {
                        let u = &self.units[j];
                        if grads[j * p..(j + 1) * p].iter().all(|v| *v == 0.0) {
                            return Some(u.clone());
                        }
                        let s =
                            damped_solve(&blocks[j * p * p..(j + 1) * p * p], &grads[j * p..(j + 1) * p], p, lambda)?;
                        Some(Unit { w: u.w.iter().zip(&s).map(|(w, v)| w + v).collect(), b: u.b + s[d] })
                    })
                    .collect();
                match trial {
                    None => Trial::Singular,
                    Some(t) => {
                        if self.try_units(t) {
                            Trial::Accepted
                        } else {
                            Trial::Rejected
                        }
                    }
                }
            });
            if !kept {
                break;
            }
            accepted += 1;
        }
        accepted
    }

    /// Replace the units when the exact output solve on them lowers the squared error.
    fn try_units(&mut self, units: Vec<Unit>) -> bool {
        let n = self.n;
        let mut h = vec![0.0; units.len() * n];
        for (u, col) in units.iter().zip(h.chunks_exact_mut(n)) {
            super::column(u, self.xs, self.d, col);
        }
        let gram = super::gram::Gram::rebuild(&h, n, self.y);
        let Some((c, a)) = gram.solve() else { return false };
        let r = super::residual(self.y, &h, c, &a);
        let sse = super::gram::dot(&r, &r);
        // Written so that a NaN error is refused too.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !(sse < self.sse) {
            return false;
        }
        (self.units, self.h, self.gram, self.c, self.a, self.r, self.sse) = (units, h, gram, c, a, r, sse);
        true
    }
}
