//! One kink inside a cell with its two pieces joined: continuity restored at the kink, to a box.
//!
//! [`super::chain`] charges a cell of the sawtooth holding one kink of g from its first piece ℓ₁
//! (on \[−½, x_i\], entering in state a) and its last piece ℓ₂ (on \[x_{i+1}, ½\], leaving in state
//! b) when the kink lies in the grid interval \[x_i, x_{i+1}\], each piece minimised on its own: the
//! two lines need not meet, so a piece thrown off by its neighbour cell is caught up by the other at
//! no cost, and a missing kink is charged too little. Here they must meet.
//!
//! **The kink box.** g's kink is a point (p, v) on both lines, p ∈ \[x_i, x_{i+1}\]. Cut the values
//! into intervals W_c (edges [`KINK_VALUES`], the outer two unbounded): (p, v) lies in some box
//! B_{ic} = \[x_i, x_{i+1}\] × W_c, and both lines meet it. So
//!
//! D₁(a, b) ≥ min over (i, c) of L(a; i, c) + R(b; i, c),
//!
//! with L(a; i, c) the least cost on \[−½, x_i\] of a line in state a that meets B_{ic}, and R the same
//! for the last piece (its value at ½ in V_b, its slope in S_b, or free with a kink on the cut). A
//! line meets the box iff its values u, w at x_i and x_{i+1} satisfy max(u, w) ≥ inf W_c and
//! min(u, w) ≤ sup W_c, the union of the four polygons {u or w ≥ inf W_c} ∩ {u or w ≤ sup W_c}: each
//! cost is the least of four exact minima of a convex quadratic over a polygon
//! ([`super::polygon::min_on_polygon`]; +∞ when a polygon is empty, as no such line exists).
//!
//! As the boxes shrink this tends to the cost with continuity at the kink; the unjoined bound is
//! the same minimum without the box, so this one is never lower.

use super::chain::{State, state_halves};
use super::polygon::{Half, Polygon, Quadratic, between, min_on_polygon};
use rayon::prelude::*;

/// Kink values (in units of the tent's height): the edges of the intervals W_c.
pub const KINK_VALUES: [f64; 31] = [
    -0.5, -0.3, -0.2, -0.15, -0.1, -0.06, -0.03, 0.0, 0.03, 0.06, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75,
    0.8, 0.85, 0.9, 0.94, 0.97, 1.0, 1.03, 1.06, 1.1, 1.2, 1.5,
];

/// The intervals W_c: between consecutive edges, and the two unbounded ends.
fn boxes() -> Vec<(f64, f64)> {
    let e = &KINK_VALUES;
    let mut out = vec![(f64::NEG_INFINITY, e[0])];
    out.extend(e.windows(2).map(|w| (w[0], w[1])));
    out.push((e[e.len() - 1], f64::INFINITY));
    out
}

/// Least cost of a line z = (value at its anchor x0, slope) under `base` that meets the box
/// \[xa, xb\] × w: the four polygons of the module docs.
fn meeting(q: &Quadratic, base: &[Half], x0: f64, (xa, xb): (f64, f64), w: (f64, f64)) -> f64 {
    let (nu, nw) = ([1.0, xa - x0], [1.0, xb - x0]);
    let mut poly = Polygon::of(base);
    let mut best = f64::INFINITY;
    for lo in [nu, nw] {
        poly.truncate(base.len());
        poly.push_between(lo, (w.0, f64::INFINITY));
        let at_least = poly.len();
        for hi in [nu, nw] {
            poly.truncate(at_least);
            poly.push_between(hi, (f64::NEG_INFINITY, w.1));
            best = best.min(min_on_polygon(q, poly.halves()));
        }
    }
    best
}

/// The pieces' costs against the kink boxes of a cell `f` over the states `st`, `grid` intervals:
/// `left[a][i·|W| + c]` = L(a; i, c), and `right[flag][b][…]` = R(b; i, c) with the slope in S_b
/// (flag 0) or free (flag 1).
#[allow(clippy::type_complexity)]
fn ends(f: fn(f64) -> f64, st: &[State], grid: usize) -> (Vec<Vec<f64>>, [Vec<Vec<f64>>; 2]) {
    let x: Vec<f64> = (0..=grid).map(|i| -0.5 + i as f64 / grid as f64).collect();
    let w = boxes();
    let piece = |base: Vec<Half>, right: bool| -> Vec<f64> {
        let x0 = if right { 0.5 } else { -0.5 };
        (0..grid)
            .flat_map(|i| {
                let q = if right { Quadratic::new(f, x[i + 1], 0.5, x0) } else { Quadratic::new(f, -0.5, x[i], x0) };
                let (base, x) = (base.clone(), &x);
                w.iter().map(move |&wc| meeting(&q, &base, x0, (x[i], x[i + 1]), wc))
            })
            .collect()
    };
    let left = st.par_iter().map(|s| piece(state_halves(s), false)).collect();
    let right = [false, true].map(|free| {
        st.par_iter().map(|s| piece(if free { between([1.0, 0.0], s.0) } else { state_halves(s) }, true)).collect()
    });
    (left, right)
}

/// D₁(a, b) for a cell `f` on \[−½, ½\] with the kink inside in one of the `grid` intervals, over the
/// states `st`, for no kink (index 0) and a kink (index 1) on the right cut: `[flag][a · p + b]`,
/// with p = `st.len()`; +∞ where no such g exists (module docs).
pub fn one_kink(f: fn(f64) -> f64, st: &[State], grid: usize) -> [Vec<f64>; 2] {
    let p = st.len();
    let (left, right) = ends(f, st, grid);
    right.map(|r| cheapest_meeting(&left, &r, p))
}

/// `[a · p + b]` = min over boxes j of `from[a][j] + to[b][j]`: the cheapest way from state a to
/// state b through a common kink box.
fn cheapest_meeting(from: &[Vec<f64>], to: &[Vec<f64>], p: usize) -> Vec<f64> {
    (0..p * p).into_par_iter().map(|ab| super::minplus::min_plus(&from[ab / p], &to[ab % p])).collect()
}

/// D₂(a, b): two kinks inside, in boxes B₁ = (i₁, c₁) and B₂ = (i₂, c₂) with i₁ ≤ i₂, the middle
/// piece a free line meeting both, charged on \[x_{i₁+1}, x_{i₂}\]; layout as [`one_kink`].
pub fn two_kinks(f: fn(f64) -> f64, st: &[State], grid: usize) -> [Vec<f64>; 2] {
    let p = st.len();
    let (left, right) = ends(f, st, grid);
    let x: Vec<f64> = (0..=grid).map(|i| -0.5 + i as f64 / grid as f64).collect();
    let w = boxes();
    let nw = w.len();
    let nb = grid * nw;
    // mid[b2 * nb + b1] for i1 ≤ i2 (else +∞), b1 fastest (a row per b2 for `through`).
    let mid: Vec<f64> = (0..nb * nb)
        .into_par_iter()
        .map(|j| {
            let (b2, b1) = (j / nb, j % nb);
            let ((i1, c1), (i2, c2)) = ((b1 / nw, b1 % nw), (b2 / nw, b2 % nw));
            if i1 > i2 {
                return f64::INFINITY;
            }
            let (s, e) = (x[i1 + 1].min(x[i2]), x[i2]);
            let q = Quadratic::new(f, s, e, s);
            let mut best = f64::INFINITY;
            for n1 in [x[i1] - s, x[i1 + 1] - s] {
                for m1 in [x[i1] - s, x[i1 + 1] - s] {
                    let mut poly = Polygon::of(&[]);
                    poly.push_between([1.0, n1], (w[c1].0, f64::INFINITY));
                    poly.push_between([1.0, m1], (f64::NEG_INFINITY, w[c1].1));
                    let one = poly.len();
                    for n2 in [x[i2] - s, x[i2 + 1] - s] {
                        for m2 in [x[i2] - s, x[i2 + 1] - s] {
                            poly.truncate(one);
                            poly.push_between([1.0, n2], (w[c2].0, f64::INFINITY));
                            poly.push_between([1.0, m2], (f64::NEG_INFINITY, w[c2].1));
                            best = best.min(min_on_polygon(&q, poly.halves()));
                        }
                    }
                }
            }
            best
        })
        .collect();
    // through[a][b2] = min over b1 of L(a; b1) + mid(b1, b2).
    let through: Vec<Vec<f64>> =
        left.par_iter().map(|l| mid.chunks_exact(nb).map(|row| super::minplus::min_plus(l, row)).collect()).collect();
    right.map(|r| cheapest_meeting(&through, &r, p))
}

#[cfg(test)]
mod tests {
    use crate::optimum::chain::peak;

    #[test]
    fn joining_the_pieces_never_lowers_a_cell_and_raises_many() {
        // The chain's table with one- and two-kink entries joined against the same table unjoined.
        let st = crate::optimum::chain::states();
        let p = st.len();
        let joined = crate::optimum::chain::cell_table_over(peak, &st);
        let unjoined = crate::optimum::chain::cell_table_unjoined(peak, &st);
        for j in 1..3 {
            let (mut raised, mut finite) = (0, 0);
            for flag in 0..2 {
                for ab in 0..p * p {
                    let (a, b) = (joined.t[j][flag][ab], unjoined.t[j][flag][ab]);
                    assert!(a >= b, "j={j} flag {flag} entry {ab}: joined {a} < unjoined {b}");
                    finite += usize::from(a.is_finite());
                    raised += usize::from(a.is_finite() && a > 1.5 * b + 1e-6);
                }
            }
            assert!(raised > finite / 10, "j={j}: only {raised} of {finite} entries raised by half");
        }
    }
}
