//! Levenberg–Marquardt on knot positions, nodal values re-solved after every step (variable
//! projection with Kaufman's simplification: the knot Jacobian is taken at fixed nodal values).
//!
//! Moving knot t_i with the nodal values fixed changes g only on [t_{i−1}, t_{i+1}]:
//! ∂g/∂t_i = −s_{i−1} φ_i(x) left of t_i and −s_i φ_i(x) right of it, s_j the slope of interval j.
//! So JᵀJ over the knots is tridiagonal and one iteration costs O(samples touched + knots).
//! A step (JᵀJ + λ·diag JᵀJ) δ = −Jᵀr is clamped so that no knot moves more than 45% of the gap
//! to a neighbour (order is kept), then the nodal values around the moved knots are re-solved and
//! the step is kept only if the squared error over the touched samples drops; otherwise λ grows.
//! With the nodal values held in the Jacobian the convergence is linear, so a polish runs until a
//! step gains less than 1e-9 of the error, up to its iteration cap.

use super::spline::{Samples, Spline, Tridiag, thomas};
use crate::train::damping::{Damping, Rule, Trial};

/// λ from 10⁻³, ×4 per rejected step and ×10 per singular system, ÷3 per accepted one (at least
/// 10⁻⁹); an iteration gives up once λ reaches 10⁸.
const DAMPING: Rule = Rule {
    start: 1e-3,
    grow: 4.0,
    grow_singular: Some(10.0),
    shrink: 3.0,
    floor: 1e-9,
    cap: f64::INFINITY,
    tries: usize::MAX,
    give_up_at: 1e8,
};

/// Outcome of a polish.
#[derive(Debug, Clone, Copy, Default)]
pub struct Polish {
    /// Steps kept.
    pub accepted: usize,
    /// Steps tried.
    pub tried: usize,
}

/// Up to `iters` LM steps on interior knots a..=b (1 ≤ a ≤ b ≤ K), stopping early once a step
/// gains less than 1e-9 of the error (converged) or no step is accepted. Never raises the error.
pub fn polish(sp: &mut Spline, s: &Samples, a: usize, b: usize, iters: usize) -> Polish {
    let k = sp.interior();
    let mut out = Polish::default();
    if k == 0 || a > b {
        return out;
    }
    let (a, b) = (a.max(1), b.min(k));
    // Nodes a−1..=b+1 are re-solved; the samples they touch lie in intervals a−2..b+2.
    let (nlo, nhi) = (a - 1, (b + 1).min(k + 1));
    let (ilo, ihi) = (nlo.saturating_sub(1), (nhi + 1).min(k + 1));
    let mut damping = Damping::new(DAMPING);
    let mut before = sp.sse(s, ilo, ihi);
    let mut converged = false;
    for _ in 0..iters {
        if converged || before <= f64::MIN_POSITIVE {
            break;
        }
        // JᵀJ (tridiagonal) and Jᵀr over knots a..=b.
        let mut sys = Tridiag::new(a, b);
        for j in a - 1..=b {
            let w = sp.t[j + 1] - sp.t[j];
            let slope = (sp.u[j + 1] - sp.u[j]) / w;
            for p in sp.range(s, j) {
                let x = s.xs[p];
                let r = sp.at(j, x) - s.ys[p];
                sys.add(j, -slope * (sp.t[j + 1] - x) / w, -slope * (x - sp.t[j]) / w, r);
            }
        }
        let (h, off, g) = (sys.diag, sys.off, sys.rhs);
        let scale = h.iter().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
        let done = damping.attempt(|lambda| {
            out.tried += 1;
            let diag: Vec<f64> = h.iter().map(|&v| v * (1.0 + lambda) + 1e-12 * scale).collect();
            let mut step: Vec<f64> = g.iter().map(|v| -v).collect();
            if thomas(&diag, &off, &mut step).is_none() {
                return Trial::Singular;
            }
            let (old_t, old_u) = (sp.t[a..=b].to_vec(), sp.u[nlo..=nhi].to_vec());
            for (i, d) in (a..=b).zip(&step) {
                let lo = -0.45 * (old_t[i - a] - if i == a { sp.t[i - 1] } else { old_t[i - 1 - a] });
                let hi = 0.45 * (if i == b { sp.t[i + 1] } else { old_t[i + 1 - a] } - old_t[i - a]);
                sp.t[i] = old_t[i - a] + d.clamp(lo, hi);
            }
            let ordered = (a - 1..=b).all(|i| sp.t[i + 1] - sp.t[i] >= super::MIN_GAP);
            if ordered && sp.solve(s, nlo, nhi) {
                let after = sp.sse(s, ilo, ihi);
                if after < before {
                    converged = before - after <= 1e-9 * before;
                    before = after;
                    out.accepted += 1;
                    return Trial::Accepted;
                }
            }
            sp.t[a..=b].copy_from_slice(&old_t);
            sp.u[nlo..=nhi].copy_from_slice(&old_u);
            Trial::Rejected
        });
        if !done {
            break;
        }
    }
    out
}
