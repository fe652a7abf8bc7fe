//! Kink-free cells charged jointly: blocks of b consecutive one-kink cells, each with the fewest
//! kinks a function needs there to reach an error, so that removing kinks costs what it really costs
//! where the cells of [`super::cells`] charge each cell alone.
//!
//! **One block.** Let B = \[X_0, X_1\] hold b one-kink cells of f, and let D_B(j) be the least error
//! on B of a continuous piecewise-linear g with at most j kinks inside B. Drop continuity at g's
//! kinks: then g is affine on each of at most j + 1 consecutive pieces, and its error is at least the
//! sum of the pieces' kink-free costs κ (best affine fit, [`super::cells::cell_cost`]). That
//! relaxation is bounded from below on a grid X_0 = x_0 < x_1 < … < x_P = X_1 (G points per cell)
//! by dynamic programming: with L_0(e) = κ(x_0, x_e) and
//!
//! L_j(e) = min( L_{j−1}(e), min_{i<e} L_{j−1}(i) + κ(x_{i+1}, x_e) ),
//!
//! L_j(e) ≤ D_{[x_0, x_e]}(j): if g's last kink before x_e lies in \[x_i, x_{i+1}\], g is affine on
//! \[x_{i+1}, x_e\] (a cost never rises when its interval shrinks: κ of the smaller interval), and
//! has at most j − 1 kinks on \[x_0, x_i\] (by induction); with no kink before x_e the first term
//! holds. So D_B(j) ≥ L_j(P), and D_B(b) ≥ 0 (f's own kinks).
//!
//! **All blocks.** A g with at most m kinks puts j_B of them inside block B, Σ j_B ≤ m (a kink on a
//! block boundary is inside none), so its error is at least min Σ_B D_B(j_B). Replace each
//! j ↦ D_B(j) by its lower convex minorant on 0..b and let j_B be real: the minimum then takes the
//! steepest unit decreases first, over all blocks, a lower bound on the integer minimum. So with the
//! n decreases sorted, bound(m) = Σ_B D_B(0) − (the m largest decreases).
//!
//! For Δ^k with b = 3 a removed kink costs at least 0.042·2^{−k} in MSE against 2^{−k}/48 = 0.021
//! for one cell alone; the continuous optimum (without the relaxation) is near 0.051.
//!
//! Blocks of the same shape (equal up to translation, scaling of x and y, reflection y ↦ −y and an
//! added affine function, none of which changes a cost but by the scale) are computed once.

use super::cells::cell_cost;
use crate::net::Pwl;
use crate::train::Metric;
use std::collections::HashMap;

/// Grid points per cell.
const PER_CELL: usize = 24;
/// Relative shrink of every bound (rounding cannot lift it).
const MARGIN: f64 = 1e-9;
/// Most distinct block shapes computed per bound (beyond it the bound is not computed).
const MAX_SHAPES: usize = 256;

/// D_B(j) for j = 0..b, from below, on the block \[cuts\[0\], cuts\[b\]\] (cells between cuts).
fn block_costs(f: &Pwl, cuts: &[f64], metric: Metric) -> Vec<f64> {
    let b = cuts.len() - 1;
    let mut x = vec![cuts[0]];
    for w in cuts.windows(2) {
        x.extend(
            (1..=PER_CELL)
                .map(|g| if g == PER_CELL { w[1] } else { w[0] + (w[1] - w[0]) * g as f64 / PER_CELL as f64 }),
        );
    }
    let p = x.len() - 1;
    // κ(x_s, x_e) for every s ≤ e.
    let mut kappa = vec![0.0; (p + 1) * (p + 1)];
    for s in 0..p {
        for e in s + 1..=p {
            kappa[s * (p + 1) + e] = cell_cost(f, x[s], x[e], metric);
        }
    }
    let k = |s: usize, e: usize| kappa[s * (p + 1) + e];
    let mut out = Vec::with_capacity(b + 1);
    let mut prev: Vec<f64> = (0..=p).map(|e| k(0, e)).collect();
    out.push(prev[p]);
    for _ in 1..b {
        let cur: Vec<f64> = (0..=p)
            .map(|e| (0..e).map(|i| prev[i] + if i + 1 < e { k(i + 1, e) } else { 0.0 }).fold(prev[e], f64::min))
            .collect();
        out.push(cur[p]);
        prev = cur;
    }
    out.push(0.0);
    out
}

/// The block's shape: its nodes with x scaled to \[0,1\], the chord removed, y scaled to max |y| = 1
/// and its sign fixed, rounded; and the y scale.
fn shape(f: &Pwl, cuts: &[f64]) -> (Vec<i64>, f64) {
    let (a, b) = (cuts[0], cuts[cuts.len() - 1]);
    let (fa, fb) = (f.eval(a), f.eval(b));
    let xs = f.xs();
    let mut pts: Vec<f64> = cuts.to_vec();
    pts.extend_from_slice(&xs[xs.partition_point(|&x| x <= a)..xs.partition_point(|&x| x < b)]);
    pts.sort_by(f64::total_cmp);
    pts.dedup();
    let r: Vec<(f64, f64)> =
        pts.iter().map(|&x| ((x - a) / (b - a), f.eval(x) - fa - (fb - fa) * (x - a) / (b - a))).collect();
    let (big, at) = r.iter().fold((0.0f64, 0.0), |(m, v), &(_, y)| if y.abs() > m { (y.abs(), y) } else { (m, v) });
    let scale = if big > 0.0 { big } else { 1.0 };
    let sign = if at < 0.0 { -1.0 } else { 1.0 };
    let q = |v: f64| (v * 1e9).round() as i64;
    (r.iter().flat_map(|&(x, y)| [q(x), q(sign * y / scale)]).collect(), scale)
}

/// The bound for every m = 0..=n (n = cells): blocks of `b` consecutive cells between `cuts` (the
/// one-kink cells' cuts, cuts\[0\] = 0, cuts\[n\] = 1), errors divided by `scale`. `None` when the
/// target has more than 256 distinct block shapes (`MAX_SHAPES`).
pub fn bound(f: &Pwl, cuts: &[f64], b: usize, metric: Metric, scale: f64) -> Option<Vec<f64>> {
    let n = cuts.len() - 1;
    let mut cache: HashMap<(usize, Vec<i64>), Vec<f64>> = HashMap::new();
    let (mut base, mut decreases) = (0.0, Vec::with_capacity(n));
    for start in (0..n).step_by(b.max(1)) {
        let c = &cuts[start..=(start + b).min(n)];
        let (key, ys) = shape(f, c);
        let w = c[c.len() - 1] - c[0];
        let unit = match cache.get(&(c.len(), key.clone())) {
            Some(d) => d.clone(),
            None => {
                if cache.len() >= MAX_SHAPES {
                    return None;
                }
                let d = block_costs(f, c, metric);
                let per = if metric == Metric::L1 { w * ys } else { w * ys * ys };
                let d: Vec<f64> = d.iter().map(|v| v / per).collect();
                cache.insert((c.len(), key), d.clone());
                d
            }
        };
        let per = if metric == Metric::L1 { w * ys } else { w * ys * ys };
        let d: Vec<f64> = unit.iter().map(|v| v * per / scale * (1.0 - MARGIN)).collect();
        base += d[0];
        decreases.extend(hull_decreases(&d));
    }
    decreases.sort_by(|a, b| b.total_cmp(a));
    let mut out = Vec::with_capacity(n + 1);
    let mut total = base;
    out.push(total.max(0.0));
    for d in decreases {
        total -= d;
        out.push(total.max(0.0));
    }
    Some(out)
}

/// The unit decreases of the lower convex minorant of j ↦ d\[j\] (nonincreasing in steepness).
fn hull_decreases(d: &[f64]) -> Vec<f64> {
    // Lower hull of the points (j, d[j]) by a monotone chain.
    let mut hull: Vec<usize> = Vec::new();
    for j in 0..d.len() {
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            // Drop b if it lies on or above the segment a–j.
            if (d[b] - d[a]) * (j - a) as f64 >= (d[j] - d[a]) * (b - a) as f64 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(j);
    }
    let mut out = Vec::new();
    for w in hull.windows(2) {
        let per = (d[w[0]] - d[w[1]]) / (w[1] - w[0]) as f64;
        out.extend(std::iter::repeat_n(per.max(0.0), w[1] - w[0]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_sawtooth_cells_cost_what_the_relaxation_costs() {
        // Δ³, the three cells around the kinks 2/8, 3/8, 4/8 (h = 1/8, tents of height ½). No kink:
        // the best affine fit over three alternating tents is 11h/48 exactly. One and two kinks: the
        // discontinuous relaxation's minimum over split points on a 40-point-per-cell grid is
        // 0.08720h and 0.04455h (numpy); the bound is below it and within 10% of it (measured
        // 0.0847h and 0.0422h).
        let n = 8;
        let f = Pwl::new((0..=n).map(|i| i as f64 / n as f64).collect(), (0..=n).map(|i| (i % 2) as f64).collect());
        let h = 1.0 / 8.0;
        let d = block_costs(&f, &[3.0 / 16.0, 5.0 / 16.0, 7.0 / 16.0, 9.0 / 16.0], Metric::Nmse);
        assert!((d[0] - 11.0 * h / 48.0).abs() < 1e-12, "{d:?}");
        for (j, relaxed) in [(1, 0.08720), (2, 0.04455)] {
            let v = d[j] / h;
            assert!(v <= relaxed + 1e-5 && v >= 0.9 * relaxed, "j={j}: {v} vs {relaxed}");
        }
    }

    #[test]
    fn the_hull_of_a_convex_sequence_is_the_sequence_and_of_a_concave_one_its_chord() {
        assert_eq!(hull_decreases(&[4.0, 2.0, 1.0, 0.0]), vec![2.0, 1.0, 1.0]);
        assert_eq!(hull_decreases(&[3.0, 2.9, 0.0]), vec![1.5, 1.5]);
    }

    #[test]
    fn a_block_with_no_kink_costs_its_best_affine_fit_and_with_all_its_kinks_nothing() {
        let f = Pwl::new(vec![0.0, 0.25, 0.5, 0.75, 1.0], vec![0.0, 1.0, 0.0, 1.0, 0.0]);
        let cuts = [0.125, 0.375, 0.625, 0.875];
        let d = block_costs(&f, &cuts, Metric::Nmse);
        assert_eq!(d.len(), 4);
        assert!((d[0] - cell_cost(&f, 0.125, 0.875, Metric::Nmse)).abs() < 1e-15);
        assert_eq!(d[3], 0.0);
        assert!(d[0] > d[1] && d[1] > d[2] && d[2] > 0.0, "{d:?}");
    }
}
