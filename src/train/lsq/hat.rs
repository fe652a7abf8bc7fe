//! Output solve of a 1→m→1 net in the hat (nodal) basis.
//!
//! On the interval [A, B] = [min(0, x_min), max(1, x_max)] unit j, σ(w_j x + b_j), is
//! - a **knot unit** when its kink t_j = −b_j/w_j lies in (A, B): w_j (x − t_j)_+ for w_j > 0,
//!   |w_j| (t_j − x)_+ for w_j < 0;
//! - a **linear unit** when it is active on all of [A, B] (w_j > 0, t_j ≤ A, or w_j < 0, t_j ≥ B):
//!   w_j x + b_j;
//! - **dead** otherwise (zero on [A, B], or constant when w_j = 0).
//!
//! With the distinct knots τ_1 < … < τ_K the span of the units and the constant is the space of
//! continuous piecewise-linear g on A = τ_0 < … < τ_{K+1} = B — all of it when a linear unit exists
//! or some knot carries units of both signs ((x − τ)_+ − (τ − x)_+ = x − τ), and otherwise the
//! hyperplane where the first slope is α_0 = −Σ_{i negative} J_i (J_i the slope jump at τ_i, a knot
//! being *negative* when its units have w < 0).
//!
//! **Least squares** over the nodal values u: min ‖Φu − y‖², Φ the hats at the samples, with normal
//! matrix M = ΦᵀΦ tridiagonal. The constraint ℓᵀu = 0 (when present) is imposed exactly:
//! u = u₀ − M⁻¹ℓ (ℓᵀu₀)/(ℓᵀM⁻¹ℓ), u₀ = M⁻¹Φᵀy — two Thomas solves, O(n log n + K) with the sort.
//! Knots the data cannot determine (no Schoenberg–Whitney assignment of increasing samples to the
//! hats, found greedily left to right) or closer than [`MIN_GAP`] to the previous one are dropped
//! (their units get output weight 0), which keeps M non-singular and the ReLU form free of
//! cancellation.
//!
//! **Back to ReLU weights**, exactly: knot i's first unit j gets a_j = J_i/|w_j|; a negative one
//! adds −J_i (x − τ_i), which with g(A) + α_0 (x − A) leaves a line βx + γ. A linear unit j takes
//! a_j = β/w_j; without one, a both-sign knot's negative unit takes the line; without either,
//! β = 0 by the constraint. The output bias is what is left.

use crate::train::freeknot::MIN_GAP;
use crate::train::freeknot::spline::{Samples, Spline, thomas};

enum Kind {
    Knot(f64),
    Linear,
    Dead,
}

fn kind(w: f64, b: f64, lo: f64, hi: f64) -> Kind {
    if w == 0.0 {
        return Kind::Dead;
    }
    let t = -b / w;
    if t > lo && t < hi {
        Kind::Knot(t)
    } else if (w > 0.0 && t <= lo) || (w < 0.0 && t >= hi) {
        Kind::Linear
    } else {
        Kind::Dead
    }
}

/// The output weights (a, c) of the least-squares fit; `None` when no fit exists (fewer than
/// two samples) or a pivot vanishes.
pub fn solve(w: &[f64], b: &[f64], xs: &[f64], ys: &[f64]) -> Option<(Vec<f64>, f64)> {
    let s = Samples::new(xs, ys);
    let (lo, hi) = (s.xs.first()?.min(0.0), s.xs.last()?.max(1.0));
    let kinds: Vec<Kind> = w.iter().zip(b).map(|(&w, &b)| kind(w, b, lo, hi)).collect();
    let mut knots: Vec<(f64, usize)> = kinds
        .iter()
        .enumerate()
        .filter_map(|(j, k)| if let Kind::Knot(t) = k { Some((*t, j)) } else { None })
        .collect();
    knots.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
    // Distinct knots kept, each with its units. Left to right, the hat of the last kept node takes
    // the first unused sample inside its support up to the candidate knot; a candidate that leaves
    // it none is dropped (Schoenberg–Whitney, greedily), as is one closer than MIN_GAP.
    let mut kept: Vec<(f64, Vec<usize>)> = Vec::new();
    let (mut node, mut left, mut next) = (lo, None::<f64>, 0usize);
    for (t, j) in knots {
        if let Some(last) = kept.last_mut().filter(|k| k.0 == t) {
            last.1.push(j);
            continue;
        }
        let first = left.map_or(0, |l| s.xs.partition_point(|&x| x <= l));
        let p = next.max(first);
        if t - node >= MIN_GAP && p < s.xs.len() && s.xs[p] < t {
            kept.push((t, vec![j]));
            (left, node, next) = (Some(node), t, p + 1);
        }
    }
    let mut sp = Spline { t: Vec::new(), u: Vec::new() };
    loop {
        sp.t = std::iter::once(lo).chain(kept.iter().map(|k| k.0)).chain(std::iter::once(hi)).collect();
        sp.u = vec![0.0; sp.t.len()];
        let last_ok = hi - sp.t[sp.t.len() - 2] >= MIN_GAP;
        if (last_ok && sp.solvable(&s, 0, sp.t.len() - 1)) || kept.is_empty() {
            break;
        }
        kept.pop();
    }
    let neg = |units: &[usize]| w[units[0]] < 0.0;
    let both = |units: &[usize]| units.iter().any(|&j| w[j] > 0.0) && units.iter().any(|&j| w[j] < 0.0);
    let linear_unit = kinds.iter().position(|k| matches!(k, Kind::Linear));
    let both_knot = kept.iter().position(|k| both(&k.1));
    let u = fit(&sp, &s, (linear_unit.is_none() && both_knot.is_none()).then(|| constraint(&sp, &kept, neg)))?;
    // Slopes and jumps of the fit.
    let t = &sp.t;
    let alpha: Vec<f64> = (0..t.len() - 1).map(|i| (u[i + 1] - u[i]) / (t[i + 1] - t[i])).collect();
    let mut a = vec![0.0; w.len()];
    // The line left after the knot units: g(A) + α_0 (x − A) + Σ_neg J_i (x − τ_i) = βx + γ.
    let (mut beta, mut gamma) = (alpha[0], u[0] - alpha[0] * lo);
    for (i, (tau, units)) in kept.iter().enumerate() {
        let jump = alpha[i + 1] - alpha[i];
        let j = units[0];
        a[j] = jump / w[j].abs();
        if w[j] < 0.0 {
            beta += jump;
            gamma -= jump * tau;
        }
    }
    if let Some(j) = linear_unit {
        a[j] = beta / w[j];
        gamma -= a[j] * b[j];
    } else if let Some(i) = both_knot {
        // Adding −β/|w_q| to the negative unit q adds −β(τ − x)_+ = −β(x − τ)_+ + β(x − τ); adding
        // β/w_p to the positive unit p adds β(x − τ)_+: together β(x − τ).
        let (tau, units) = &kept[i];
        let p = *units.iter().find(|&&j| w[j] > 0.0)?;
        let q = *units.iter().find(|&&j| w[j] < 0.0)?;
        a[q] -= beta / w[q].abs();
        a[p] += beta / w[p];
        gamma += beta * tau;
    }
    Some((a, gamma))
}

/// ℓ with ℓᵀu = α_0 + Σ_{i negative} J_i, α_i = (u_{i+1} − u_i)/h_i and J_i = α_i − α_{i−1}.
fn constraint(sp: &Spline, kept: &[(f64, Vec<usize>)], neg: impl Fn(&[usize]) -> bool) -> Vec<f64> {
    let t = &sp.t;
    let mut l = vec![0.0; t.len()];
    let mut add_slope = |i: usize, c: f64| {
        let h = t[i + 1] - t[i];
        l[i + 1] += c / h;
        l[i] -= c / h;
    };
    add_slope(0, 1.0);
    for (i, (_, units)) in kept.iter().enumerate() {
        if neg(units) {
            add_slope(i + 1, 1.0);
            add_slope(i, -1.0);
        }
    }
    l
}

/// Least-squares nodal values on all nodes, subject to ℓᵀu = 0 when ℓ is given.
fn fit(sp: &Spline, s: &Samples, l: Option<Vec<f64>>) -> Option<Vec<f64>> {
    let sys = sp.normal_equations(s, 0, sp.t.len() - 1);
    let mut u = sys.rhs.clone();
    thomas(&sys.diag, &sys.off, &mut u)?;
    let Some(l) = l else { return Some(u) };
    let mut z = l.clone();
    thomas(&sys.diag, &sys.off, &mut z)?;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let (lu, lz) = (dot(&l, &u), dot(&l, &z));
    if lz.is_nan() || lz <= 0.0 {
        return None;
    }
    for (ui, zi) in u.iter_mut().zip(&z) {
        *ui -= zi * lu / lz;
    }
    Some(u)
}
