//! Greedy growth: where to insert the next knot.
//!
//! Inserting a knot at c in interval j = [t_j, t_{j+1}] adds to the spline space exactly the hat ψ_c
//! that is 0 at t_j and t_{j+1} and 1 at c. With the other coefficients held, the best multiple of
//! ψ_c removes (Σ r ψ_c)² / Σ ψ_c² from the squared error, r = y − g. Over the candidates c halfway
//! between consecutive samples of the interval (so each side keeps a sample and c never lands on a
//! knot), prefix sums of r(x − t_j), r(t_{j+1} − x), (x − t_j)² and (t_{j+1} − x)² give every gain in
//! one pass: O(samples in the interval). Only the samples' residuals are read, never the target.

use super::spline::{Samples, Spline};

/// The best split of interval j: (gain, position), or `None` when it holds fewer than 2 samples.
pub fn best_split(sp: &Spline, s: &Samples, j: usize) -> Option<(f64, f64)> {
    let r = sp.range(s, j);
    if r.len() < 2 {
        return None;
    }
    let (t0, t1) = (sp.t[j], sp.t[j + 1]);
    let (mut al, mut ql) = (0.0, 0.0);
    let (mut ar, mut qr) = (0.0, 0.0);
    let res = |p: usize| s.ys[p] - sp.at(j, s.xs[p]);
    for p in r.clone() {
        let (x, e) = (s.xs[p], res(p));
        ar += e * (t1 - x);
        qr += (t1 - x) * (t1 - x);
    }
    let mut best: Option<(f64, f64)> = None;
    for p in r.start..r.end - 1 {
        let (x, e) = (s.xs[p], res(p));
        al += e * (x - t0);
        ql += (x - t0) * (x - t0);
        ar -= e * (t1 - x);
        qr -= (t1 - x) * (t1 - x);
        let c = 0.5 * (x + s.xs[p + 1]);
        if !(c - t0 >= super::MIN_GAP && t1 - c >= super::MIN_GAP && c > x) {
            continue; // no room: knots closer than MIN_GAP make slopes that rounding cannot carry
        }
        let (dl, dr) = (c - t0, t1 - c);
        let num = al / dl + ar / dr;
        let den = ql / (dl * dl) + qr / (dr * dr);
        if den > 0.0 {
            let gain = num * num / den;
            if best.is_none_or(|(g, _)| gain > g) {
                best = Some((gain, c));
            }
        }
    }
    best
}
