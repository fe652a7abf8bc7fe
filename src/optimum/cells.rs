//! The certified bracket on the minimal one-hidden-layer width in normalised MSE and L1, for every
//! piecewise-linear 1-D target: kink-free cells below, explicit refits above.
//!
//! **Lower end: kink-free cells.** Let f have interior kinks x_1 < … < x_n. Cut \[0,1\] at
//! c_1 < … < c_{n−1} with x_i < c_i < x_{i+1} (c_0 = 0, c_n = 1), so that the cell
//! C_i = \[c_{i−1}, c_i\] holds exactly one kink of f. A continuous piecewise-linear g with at most m
//! kinks has a kink inside at most m cells (their interiors are disjoint); on each of the other
//! n − m cells g is affine, so it pays at least the cell's *kink-free cost*
//! κ_i = min over affine ℓ of ∫_{C_i} |f − ℓ|^p. Hence, **for any choice of cuts**,
//! ‖f − g‖ ≥ the sum of the n − m smallest κ_i, and a width-m net (at most m kinks in (0,1)) is
//! bound by it. The costs:
//!
//! - **L2**: with r = f minus its chord on the cell (the best affine fit does not see an affine
//!   shift), L the cell's length and u = x − its centre, κ = ∫r² − (∫r)²/L − 12(∫u·r)²/L³, exact
//!   (r is piecewise linear, every integral closed form);
//! - **L1**: let s = +1, −1, +1 on the cell's first quarter, middle half and last quarter. Then
//!   ∫s = ∫s·u = 0, so for every affine ℓ, ∫|f − ℓ| ≥ |∫ s·(f − ℓ)| = |∫ s·f|: a lower bound on κ
//!   for any f, and equal to it when f is convex or concave on the cell (one kink), where the best L1
//!   line interpolates f at the quarter points (Markov's criterion). It is the cost used.
//!
//! The cells need not hold one kink each: the argument holds for every partition of \[0,1\] into
//! intervals (a cell with several kinks of f costs more, but there are fewer cells). Several
//! partitions are tried and the bound at each m is the largest: uniform cells of width 2^{−j} for
//! every j from 0 (the whole interval: the bound is exact at m = 0) up to twice the kinks' count,
//! each also shifted by half a cell, which catches targets with structure at several scales (Takagi
//! sums) and clustered kinks (a trained net's), and one-kink cells cut at
//! the midpoints between kinks, or at *balanced* cuts (each c_i moved by bisection until its two
//! cells cost alike, three sweeps from the midpoints; each cost is monotone in its cut in L2). For
//! Δ^k the midpoints are the crossings of ½, every interior cell is a tent of height ½ and base
//! 2^{−k} (κ = 2^{−k}/48 in MSE, 2^{−k}/8 in L1), and the end cells cost more: the bound is at least
//! the closed form of [`crate::family::sawtooth::theory`] (tested). The costs are shrunk by a
//! relative 10⁻⁹ before use, so rounding cannot lift the bound.
//!
//! **Upper end: the costliest kinks kept, the rest refitted.** Rank f's kinks by κ (midpoint cuts),
//! keep the K costliest and project f in L2 onto the continuous piecewise-linear functions with
//! those knots ([`super::project::project`], exact). The kept sets are nested as K grows, so the L2
//! error never rises with K, and the smallest K reaching ε is found by bisection (in L1 the
//! bisection keeps a width that reaches ε, not always the smallest). The refit is written as ReLU
//! weights ([`super::units::to_relu`]: K + 1 units, K when a piece is flat) and its error computed
//! exactly from the weights; f's own kinks as weights are exact (n or n + 1 units). Beside it, a
//! sup error s bounds the MSE by s² and the L1 error by s, so the sup certificates of
//! [`super::sup`] (the minimal-link path as weights) are tried from s₀ = √(ε·Var f) (nMSE) or ε
//! (L1) upwards by factors 1.2, each with its exact error in the metric; at the largest s that
//! passed, the exact sup width (K units carrying K kinks, [`super::exact`]) for targets of at most
//! 1024 kinks. The narrowest weights within ε are the upper end.
//!
//! ```
//! use depthsep::net::Pwl;
//! use depthsep::optimum::cells::certify_pwl;
//! use depthsep::train::Metric;
//! // Δ², four teeth: in nMSE (variance 1/12) any g within 0.1 needs at least two kinks.
//! let d2 = Pwl::new(vec![0.0, 0.25, 0.5, 0.75, 1.0], vec![0.0, 1.0, 0.0, 1.0, 0.0]);
//! let (c, net) = certify_pwl(&d2, 0.1, Metric::Nmse, 1.0 / 12.0).unwrap();
//! assert!(c.bracket.lower >= 2 && c.bracket.upper == net.hidden()[0] as u64);
//! ```

use super::project::project;
use super::units::{flat_piece, to_relu};
use super::{Bracket, Certified};
use crate::net::{Mlp, Pwl};
use crate::train::{Metric, shallow_pwl};

/// Relative shrink of every cell cost (module docs).
const MARGIN: f64 = 1e-9;

/// f's nodes on \[a, b\]: its value at both ends and its knots strictly inside.
fn nodes(f: &Pwl, a: f64, b: f64) -> Vec<(f64, f64)> {
    let (xs, ys) = (f.xs(), f.ys());
    let mut v = vec![(a, f.eval(a))];
    let lo = xs.partition_point(|&x| x <= a);
    let hi = xs.partition_point(|&x| x < b);
    v.extend((lo..hi).map(|j| (xs[j], ys[j])));
    v.push((b, f.eval(b)));
    v
}

/// The kink-free cost of the cell \[a, b\] (module docs): min over affine ℓ of ∫(f − ℓ)² for
/// [`Metric::Nmse`], the lower bound |∫ s·f| on min ∫|f − ℓ| for [`Metric::L1`]; unnormalised.
pub fn cell_cost(f: &Pwl, a: f64, b: f64, metric: Metric) -> f64 {
    let p = nodes(f, a, b);
    let l = b - a;
    let (fa, fb) = (p[0].1, p[p.len() - 1].1);
    let r = |x: f64, y: f64| y - (fa + (fb - fa) * (x - a) / l);
    if metric == Metric::L1 {
        let (q1, q3) = (a + l / 4.0, a + 3.0 * l / 4.0);
        let mut total = 0.0;
        for w in p.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let at = |x: f64| r(x, y0 + (y1 - y0) * (x - x0) / (x1 - x0));
            let mut cuts = vec![x0];
            cuts.extend([q1, q3].into_iter().filter(|&q| q > x0 && q < x1));
            cuts.push(x1);
            for c in cuts.windows(2) {
                let mid = (c[0] + c[1]) / 2.0;
                let s = if mid < q1 || mid > q3 { 1.0 } else { -1.0 };
                total += s * (c[1] - c[0]) * (at(c[0]) + at(c[1])) / 2.0;
            }
        }
        return total.abs();
    }
    let centre = (a + b) / 2.0;
    let (mut i0, mut i1, mut i2) = (0.0, 0.0, 0.0);
    for w in p.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let h = x1 - x0;
        let (r0, r1) = (r(x0, y0), r(x1, y1));
        let (u0, u1) = (x0 - centre, x1 - centre);
        i0 += h * (r0 + r1) / 2.0;
        i1 += h * (2.0 * u0 * r0 + u0 * r1 + u1 * r0 + 2.0 * u1 * r1) / 6.0;
        i2 += h * (r0 * r0 + r0 * r1 + r1 * r1) / 3.0;
    }
    (i2 - i0 * i0 / l - 12.0 * i1 * i1 / (l * l * l)).max(0.0)
}

/// The kink-free-cell lower bound on the error of every continuous piecewise-linear g with at most
/// m kinks against one target (module docs).
#[derive(Debug, Clone)]
pub struct CellBound {
    /// Per cut rule: prefix sums of the ascending, normalised, shrunk costs.
    prefix: Vec<Vec<f64>>,
    /// The kinks by position with their midpoint-cut costs (for the upper end's ranking).
    ranked: Vec<(f64, f64)>,
}

impl CellBound {
    /// The bound for `f` in `metric` (nMSE or L1), errors divided by `scale` (the target's variance
    /// for nMSE, 1 for L1).
    pub fn new(f: &Pwl, metric: Metric, scale: f64) -> anyhow::Result<Self> {
        anyhow::ensure!(metric != Metric::Sup, "the cell bound is for nMSE and L1 (sup: optimum::sup)");
        anyhow::ensure!(scale.is_finite() && scale > 0.0, "the error scale must be finite and > 0, got {scale}");
        let kinks: Vec<f64> = f.kinks().into_iter().map(|(x, _)| x).collect();
        let n = kinks.len();
        let costs_of = |cuts: &[f64]| -> Vec<f64> {
            (0..n).map(|i| cell_cost(f, cuts[i], cuts[i + 1], metric) / scale * (1.0 - MARGIN)).collect()
        };
        let mut mid = vec![0.0];
        mid.extend(kinks.windows(2).map(|w| (w[0] + w[1]) / 2.0));
        mid.push(1.0);
        let mid_costs = costs_of(&mid);
        let balanced = balance(f, &kinks, mid.clone(), metric);
        let mut rules = vec![mid_costs.clone(), costs_of(&balanced)];
        // Uniform cells at every dyadic scale, from the whole interval (exact at m = 0) to twice
        // the kinks' count: cells that hold several kinks.
        // Each also shifted by half a cell, so that kinks at the dyadic points fall inside cells.
        let mut cells = 1usize;
        while cells <= n.max(1) * 2 && cells <= 1 << 16 {
            let plain: Vec<f64> = (0..=cells).map(|i| i as f64 / cells as f64).collect();
            let mut shifted = vec![0.0];
            shifted.extend((0..cells).map(|i| (i as f64 + 0.5) / cells as f64));
            shifted.push(1.0);
            for cuts in [plain, shifted] {
                rules
                    .push(cuts.windows(2).map(|w| cell_cost(f, w[0], w[1], metric) / scale * (1.0 - MARGIN)).collect());
            }
            cells *= 2;
        }
        let mut prefix = Vec::new();
        // Blocks of b one-kink cells charged jointly (super::blocks): already bounds per m.
        for b in [2, 3, 4] {
            if n >= b
                && let Some(per_m) = super::blocks::bound(f, &mid, b, metric, scale)
            {
                // Stored reversed as a "prefix" so that error_at reads p[len − 1 − m].
                prefix.push(per_m.into_iter().rev().collect());
            }
        }
        for mut costs in rules {
            costs.sort_by(f64::total_cmp);
            let mut p = vec![0.0];
            p.extend(costs.iter().scan(0.0, |s, c| {
                *s += c;
                Some(*s)
            }));
            prefix.push(p);
        }
        Ok(Self { prefix, ranked: kinks.into_iter().zip(mid_costs).collect() })
    }

    /// The target's kinks.
    pub fn kinks(&self) -> usize {
        self.ranked.len()
    }

    /// Certified: every continuous piecewise-linear g with at most `m` kinks in (0,1) has at least
    /// this error (normalised).
    pub fn error_at(&self, m: usize) -> f64 {
        self.prefix.iter().map(|p| p[(p.len() - 1).saturating_sub(m)]).fold(0.0, f64::max)
    }

    /// The fewest kinks any continuous piecewise-linear g within `eps` must have.
    pub fn fewest_kinks(&self, eps: f64) -> usize {
        (0..=self.kinks()).find(|&m| self.error_at(m) <= eps).unwrap_or(self.kinks())
    }
}

/// Balanced cuts: each c_i moved by bisection in (x_i, x_{i+1}) until its two cells cost alike,
/// three sweeps from `cuts`.
fn balance(f: &Pwl, kinks: &[f64], mut cuts: Vec<f64>, metric: Metric) -> Vec<f64> {
    for _ in 0..3 {
        for i in 1..kinks.len() {
            let (mut lo, mut hi) = (kinks[i - 1], kinks[i]);
            for _ in 0..40 {
                let c = (lo + hi) / 2.0;
                if cell_cost(f, cuts[i - 1], c, metric) < cell_cost(f, c, cuts[i + 1], metric) {
                    lo = c;
                } else {
                    hi = c;
                }
            }
            let c = (lo + hi) / 2.0;
            if c > kinks[i - 1] && c < kinks[i] {
                cuts[i] = c;
            }
        }
    }
    cuts
}

/// ReLU weights computing g (a flat g is the width-1 constant net).
fn weights(g: &Pwl) -> anyhow::Result<Mlp> {
    if g.xs().len() == 2 && flat_piece(g).is_some() { super::sup::constant_net(g.ys()[0]) } else { to_relu(g) }
}

/// The error of `g` against `f` in `metric`, normalised by `scale`.
fn error(f: &Pwl, g: &Pwl, metric: Metric, scale: f64) -> f64 {
    let e = f.errors(g);
    if metric == Metric::L1 { e.l1 / scale } else { e.mse / scale }
}

/// The bracket on the minimal width reaching `eps` (nMSE: `scale` = the target's variance; L1:
/// `scale` = 1) against the piecewise-linear target `f`, with the weights of its upper end.
pub fn certify_pwl(f: &Pwl, eps: f64, metric: Metric, scale: f64) -> anyhow::Result<(Certified, Mlp)> {
    anyhow::ensure!(eps.is_finite() && eps >= 0.0, "tolerance must be finite and ≥ 0, got {eps}");
    let f = f.merged();
    let bound = CellBound::new(&f, metric, scale)?;
    let n = bound.kinks();
    let lower = (bound.fewest_kinks(eps) as u64).max(1);
    // The refit with the K costliest kinks, its weights and exact error; K = n is f itself.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| bound.ranked[b].1.total_cmp(&bound.ranked[a].1).then(a.cmp(&b)));
    let refit = |k: usize| -> anyhow::Result<(Mlp, f64)> {
        if k >= n {
            return Ok((weights(&f)?, 0.0));
        }
        let mut knots: Vec<f64> = order[..k].iter().map(|&i| bound.ranked[i].0).collect();
        knots.sort_by(f64::total_cmp);
        let g = project(&f, &knots).ok_or_else(|| anyhow::anyhow!("the L2 refit with {k} knots failed"))?;
        let net = weights(&g)?;
        let e = error(&f, &shallow_pwl(&net)?, metric, scale);
        Ok((net, e))
    };
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if refit(mid)?.1 <= eps { hi = mid } else { lo = mid + 1 }
    }
    let (mut net, err) = refit(hi)?;
    anyhow::ensure!(err <= eps, "the refit with {hi} kinks misses ε = {eps:e}: {err:e}");
    let mut how = if hi >= n {
        "the target's own kinks as ReLU weights (exact)".to_string()
    } else {
        "the costliest of the target's kinks kept, the rest refitted in L2 (exact projection)".to_string()
    };
    // A sup error s bounds the MSE by s² and the L1 error by s: the sup certificates at s₀ (that
    // bound met with equality) and at larger s (×1.2 each, until three in a row miss), each checked exactly in the metric.
    let s0 = if metric == Metric::L1 { eps * scale } else { (eps * scale).sqrt() };
    let mut passed = 0.0;
    if s0 > 0.0 {
        let mut misses = 0;
        for j in 0..16 {
            let Ok(cand) = super::sup::path_net(&f, s0 * 1.2f64.powi(j)) else { break };
            if error(&f, &shallow_pwl(&cand)?, metric, scale) > eps {
                misses += 1;
                if misses == 3 {
                    break;
                }
                continue;
            }
            misses = 0;
            passed = s0 * 1.2f64.powi(j);
            if cand.hidden()[0] < net.hidden()[0] {
                net = cand;
                how = "a sup certificate (minimal-link path) whose exact error is within ε".to_string();
            }
        }
    }
    // At the largest s that passed, the exact sup width may save the affine unit (K units carrying
    // K kinks, [`super::exact`]); its search is costly, so only for targets of at most 1024 kinks.
    if passed > 0.0
        && n <= 1024
        && let Ok((_, cand)) = super::sup::certify_pwl(&f, passed)
        && cand.hidden()[0] < net.hidden()[0]
        && error(&f, &shallow_pwl(&cand)?, metric, scale) <= eps
    {
        net = cand;
        how = "a sup certificate (minimal-link path) whose exact error is within ε".to_string();
    }
    let upper = net.hidden()[0] as u64;
    let lower_how = "kink-free cells: a width-m net is affine on all but m cells of a partition, each costing \
                     at least its best affine fit"
        .to_string();
    Ok((Certified { bracket: Bracket { lower: lower.min(upper), upper }, lower_how, upper_how: how }, net))
}

/// The fewest pieces (kinks + 1) of any continuous piecewise-linear function within `eps` of `f`
/// (nMSE with `scale` = the variance, or L1 with `scale` = 1), by kink-free cells.
pub fn fewest_pieces(f: &Pwl, eps: f64, metric: Metric, scale: f64) -> anyhow::Result<u64> {
    Ok(CellBound::new(&f.merged(), metric, scale)?.fewest_kinks(eps) as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// min over (α, β) of ∫(f − α − βx)² on \[a, b\] by a fine midpoint sum and a 2×2 solve.
    fn brute_l2(f: &Pwl, a: f64, b: f64) -> f64 {
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|i| a + (b - a) * (i as f64 + 0.5) / n as f64).collect();
        let (mut s1, mut sx, mut sxx, mut sy, mut sxy, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for &x in &xs {
            let (u, y) = (x - (a + b) / 2.0, f.eval(x));
            s1 += 1.0;
            sx += u;
            sxx += u * u;
            sy += y;
            sxy += u * y;
            syy += y * y;
        }
        let det = s1 * sxx - sx * sx;
        let alpha = (sy * sxx - sx * sxy) / det;
        let beta = (s1 * sxy - sx * sy) / det;
        (syy - alpha * sy - beta * sxy) * (b - a) / n as f64
    }

    /// min over affine ℓ of ∫|f − ℓ| on \[a, b\] by a grid over (value at a, value at b).
    fn brute_l1(f: &Pwl, a: f64, b: f64) -> f64 {
        let n = 2000;
        let xs: Vec<f64> = (0..n).map(|i| a + (b - a) * (i as f64 + 0.5) / n as f64).collect();
        let ys: Vec<f64> = xs.iter().map(|&x| f.eval(x)).collect();
        let (lo, hi) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
        let grid = 240;
        let mut best = f64::INFINITY;
        for i in 0..=grid {
            for j in 0..=grid {
                let va = lo - 0.5 * (hi - lo) + 2.0 * (hi - lo) * i as f64 / grid as f64;
                let vb = lo - 0.5 * (hi - lo) + 2.0 * (hi - lo) * j as f64 / grid as f64;
                let e: f64 =
                    xs.iter().zip(&ys).map(|(&x, &y)| (y - va - (vb - va) * (x - a) / (b - a)).abs()).sum::<f64>();
                best = best.min(e * (b - a) / n as f64);
            }
        }
        best
    }

    #[test]
    fn the_l2_cell_cost_is_the_best_affine_fit_and_the_l1_one_matches_it_on_one_kink_cells() {
        let f = Pwl::new(vec![0.0, 0.3, 0.45, 0.8, 1.0], vec![0.2, 1.0, -0.4, 0.1, 0.9]);
        for (a, b) in [(0.1, 0.4), (0.35, 0.6), (0.0, 1.0), (0.5, 0.95)] {
            let (c, r) = (cell_cost(&f, a, b, Metric::Nmse), brute_l2(&f, a, b));
            assert!((c - r).abs() < 1e-6 * r.max(1e-6), "[{a}, {b}]: {c} vs brute {r}");
        }
        // One kink per cell: the quarter-point bound is the best L1 line (the grid's best is within
        // its resolution above it, never below).
        for (a, b) in [(0.1, 0.4), (0.35, 0.6), (0.6, 0.95)] {
            let (c, r) = (cell_cost(&f, a, b, Metric::L1), brute_l1(&f, a, b));
            assert!(c <= r + 1e-9 && r - c < 2e-3 * (b - a), "[{a}, {b}]: {c} vs brute {r}");
        }
        // Several kinks: still a lower bound.
        let (c, r) = (cell_cost(&f, 0.0, 1.0, Metric::L1), brute_l1(&f, 0.0, 1.0));
        assert!(c <= r + 1e-9, "{c} vs {r}");
    }

    #[test]
    fn a_symmetric_tent_cell_costs_h_over_48_in_mse_and_h_over_8_in_l1() {
        let h = 0.25;
        let tent = Pwl::new(vec![0.0, h / 2.0, h, 1.0], vec![0.5, 1.0, 0.5, 0.5]);
        assert!((cell_cost(&tent, 0.0, h, Metric::Nmse) - h / 48.0).abs() < 1e-15);
        assert!((cell_cost(&tent, 0.0, h, Metric::L1) - h / 8.0).abs() < 1e-15);
    }
}
