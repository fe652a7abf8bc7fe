//! Choosing the next unit: the ridge unit σ(w·x + b) that best fits the current residual.
//!
//! For a unit direction u the projections t_i = u·x_i are sorted once; a unit facing right,
//! φ = (t − β)₊, or left, φ = (β − t)₊, fitted with a free constant to the residual r, gains
//!
//! gain(β) = cov(r, φ)² / var(φ)
//!
//! in squared error, and every β at a data point is scored in one pass of suffix (or prefix) sums of
//! 1, t, t², r and r·t (O(n log n) a direction, for the sort). β below every projection gives the
//! linear unit u·x − β. Directions come from the data and the residual only: random directions,
//! the residual's linear trend Σ r_i (x_i − x̄), the points of largest |r| seen from the centroid, and
//! perturbed copies of units already in the net. The best direction and bias are then refined by
//! Levenberg–Marquardt on (w, b) with the unit's output weight and a constant solved inside
//! (variable projection). The scan and the refinement use the first `ns` training points (a uniform
//! sample: the points are i.i.d.), the output solve that follows uses all.

use crate::train::damping::{Damping, Rule, Trial};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// A hidden unit σ(w·x + b).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Input weights (length d).
    pub w: Vec<f64>,
    /// Bias.
    pub b: f64,
}

/// Fewest points a candidate must be active on (of the scanned sample); with `kinked`, also the
/// fewest it must be inactive on.
pub const MIN_ACTIVE: usize = 8;

/// The best few candidate units for residual `r` (first `r.len()` points of `xs`), best first.
///
/// With `kinked` set, a unit must have its kink inside the data, with at least [`MIN_ACTIVE`]
/// points on either side: the linear unit, and units linear on the data, are not scored. [`super::Ridge::grow`] asks for these when every best candidate
/// repeated the net, as a linear unit does once the net spans the linear functions: the scan's
/// sample residual is not exactly orthogonal to them, so a linear unit can outscore every kinked one.
pub fn candidates(
    xs: &[f64],
    d: usize,
    r: &[f64],
    units: &[Unit],
    random: usize,
    kinked: bool,
    rng: &mut ChaCha8Rng,
) -> Vec<Unit> {
    let n = r.len();
    let mut dirs: Vec<Vec<f64>> = (0..random).map(|_| gaussian(d, rng)).collect();
    let mean: Vec<f64> = (0..d).map(|k| xs[..n * d].iter().skip(k).step_by(d).sum::<f64>() / n as f64).collect();
    let mut trend = vec![0.0; d];
    for (x, ri) in xs.chunks_exact(d).zip(r) {
        for k in 0..d {
            trend[k] += ri * (x[k] - mean[k]);
        }
    }
    dirs.push(trend);
    let mut big: Vec<usize> = (0..n).collect();
    big.sort_by(|&a, &b| r[b].abs().total_cmp(&r[a].abs()).then(a.cmp(&b)));
    for &i in big.iter().take(4) {
        dirs.push((0..d).map(|k| xs[i * d + k] - mean[k]).collect());
    }
    for _ in 0..units.len().min(8) {
        let u = &units[rng.random_range(0..units.len())];
        let norm = u.w.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-300);
        let g = gaussian(d, rng);
        dirs.push(u.w.iter().zip(&g).map(|(w, e)| w / norm + 0.5 * e / (d as f64).sqrt()).collect());
    }
    let mut scored: Vec<(f64, Unit)> = Vec::new();
    let (mut t, mut order) = (vec![0.0; n], Vec::with_capacity(n));
    for u in dirs {
        let norm = u.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !(norm.is_finite() && norm > 0.0) {
            continue;
        }
        let u: Vec<f64> = u.iter().map(|v| v / norm).collect();
        for (ti, x) in t.iter_mut().zip(xs.chunks_exact(d)) {
            *ti = super::gram::dot(&u, x);
        }
        if let Some((gain, beta, right)) = best_bias(&t, r, kinked, &mut order) {
            let unit =
                if right { Unit { w: u, b: -beta } } else { Unit { w: u.iter().map(|v| -v).collect(), b: beta } };
            scored.push((gain, unit));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, u)| u).collect()
}

fn gaussian(d: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..d).map(|_| rng.sample::<f64, _>(StandardNormal)).collect()
}

/// The best (gain, β, faces right) over both orientations and every β at a projection.
fn best_bias(t: &[f64], r: &[f64], kinked: bool, order: &mut Vec<usize>) -> Option<(f64, f64, bool)> {
    let n = t.len();
    order.clear();
    order.extend(0..n);
    order.sort_by(|&a, &b| t[a].total_cmp(&t[b]));
    let nf = n as f64;
    let rt: f64 = r.iter().sum();
    let score = |s0: f64, s1: f64, s2: f64, sr: f64, srt: f64, beta: f64, sign: f64| {
        // φ = sign·(t − β) on the active set: Σφ, Σφ², Σrφ.
        let sp = sign * (s1 - beta * s0);
        let spp = s2 - 2.0 * beta * s1 + beta * beta * s0;
        let srp = sign * (srt - beta * sr);
        let cov = srp - rt * sp / nf;
        let var = spp - sp * sp / nf;
        if var > 1e-12 * spp.max(1e-300) && var > 0.0 { cov * cov / var } else { 0.0 }
    };
    let mut best: Option<(f64, f64, bool)> = None;
    let mut take = |g: f64, beta: f64, right: bool| {
        if g.is_finite() && best.is_none_or(|b| g > b.0) {
            best = Some((g, beta, right));
        }
    };
    // Right-facing: active set = the points above β = t_(k) (suffix k+1..).
    let (mut s0, mut s1, mut s2, mut sr, mut srt) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (pos, &k) in order.iter().enumerate().rev() {
        let inside = !kinked || pos + 1 >= MIN_ACTIVE;
        if inside && s0 as usize >= MIN_ACTIVE && pos + 1 < n && t[order[pos + 1]] > t[k] {
            take(score(s0, s1, s2, sr, srt, t[k], 1.0), t[k], true);
        }
        s0 += 1.0;
        s1 += t[k];
        s2 += t[k] * t[k];
        sr += r[k];
        srt += r[k] * t[k];
    }
    // β just below the smallest projection: the linear unit.
    if !kinked {
        let lo = t[order[0]] - 1e-9 * (1.0 + t[order[0]].abs());
        take(score(s0, s1, s2, sr, srt, lo, 1.0), lo, true);
    }
    // Left-facing: active set = the points below β = t_(k) (prefix ..k).
    let (mut s0, mut s1, mut s2, mut sr, mut srt) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (pos, &k) in order.iter().enumerate() {
        let inside = !kinked || n - pos >= MIN_ACTIVE;
        if inside && s0 as usize >= MIN_ACTIVE && pos > 0 && t[order[pos - 1]] < t[k] {
            take(score(s0, s1, s2, sr, srt, t[k], -1.0), t[k], false);
        }
        s0 += 1.0;
        s1 += t[k];
        s2 += t[k] * t[k];
        sr += r[k];
        srt += r[k] * t[k];
    }
    best
}

/// A candidate's damping: λ from 10⁻³, ×4 per rejected step, ÷3 per accepted one (at least 10⁻¹²),
/// 6 tries per iteration; a singular system ends the refinement.
const REFINE_DAMPING: Rule = Rule {
    start: 1e-3,
    grow: 4.0,
    grow_singular: None,
    shrink: 3.0,
    floor: 1e-12,
    cap: f64::INFINITY,
    tries: 6,
    give_up_at: f64::INFINITY,
};

/// Refine `unit` against residual `r` (first `r.len()` points of `xs`) by `iters` LM steps on
/// (w, b), the unit's output weight and a constant solved inside; every accepted step lowers the fit's
/// squared error.
pub fn refine(unit: &mut Unit, xs: &[f64], d: usize, r: &[f64], iters: usize) {
    let p = d + 1;
    let mut sse = fit_one(unit, xs, d, r).0;
    let mut damping = Damping::new(REFINE_DAMPING);
    for _ in 0..iters {
        let (_, alpha, gamma) = fit_one(unit, xs, d, r);
        let mut a = vec![0.0; p * p];
        let mut g = vec![0.0; p];
        for (x, ri) in xs.chunks_exact(d).zip(r) {
            let z = super::gram::dot(&unit.w, x) + unit.b;
            let phi = z.max(0.0);
            let e = ri - alpha * phi - gamma;
            if z <= 0.0 {
                continue;
            }
            accumulate(&mut a, &mut g, x, alpha, e);
        }
        let improved = damping.attempt(|lambda| {
            let Some(step) = damped_solve(&a, &g, p, lambda) else { return Trial::Singular };
            let trial = Unit { w: unit.w.iter().zip(&step).map(|(w, s)| w + s).collect(), b: unit.b + step[d] };
            let s = fit_one(&trial, xs, d, r).0;
            if s < sse {
                (*unit, sse) = (trial, s);
                Trial::Accepted
            } else {
                Trial::Rejected
            }
        });
        if !improved {
            break;
        }
    }
}

/// Add one active point's Gauss–Newton terms for a unit of output weight `scale`: with v = (x, 1),
/// the lower triangle of A += scale²·v·vᵀ (p × p, p = d + 1) and g += scale·e·v.
pub(super) fn accumulate(a: &mut [f64], g: &mut [f64], x: &[f64], scale: f64, e: f64) {
    let (d, p) = (x.len(), x.len() + 1);
    for i in 0..p {
        let vi = if i < d { x[i] } else { 1.0 };
        g[i] += scale * vi * e;
        for j in 0..=i {
            let vj = if j < d { x[j] } else { 1.0 };
            a[i * p + j] += scale * scale * vi * vj;
        }
    }
}

/// Squared error of the best α·σ(w·x + b) + γ against `r`, with α and γ.
fn fit_one(unit: &Unit, xs: &[f64], d: usize, r: &[f64]) -> (f64, f64, f64) {
    let (mut sp, mut spp, mut srp, mut sr, mut srr) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (x, ri) in xs.chunks_exact(d).zip(r) {
        let phi = (super::gram::dot(&unit.w, x) + unit.b).max(0.0);
        sp += phi;
        spp += phi * phi;
        srp += ri * phi;
        sr += ri;
        srr += ri * ri;
    }
    let n = r.len() as f64;
    let var = spp - sp * sp / n;
    // Written so that a NaN variance counts as degenerate too.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    if !(var > 1e-12 * spp.max(1e-300)) {
        return (srr - sr * sr / n, 0.0, sr / n);
    }
    let alpha = (srp - sr * sp / n) / var;
    let gamma = (sr - alpha * sp) / n;
    let cov = srp - sr * sp / n;
    (srr - sr * sr / n - cov * cov / var, alpha, gamma)
}

/// (A + λ·diag(A))·s = g for the lower triangle of a symmetric `p × p` A, by Cholesky.
pub(super) fn damped_solve(a: &[f64], g: &[f64], p: usize, lambda: f64) -> Option<Vec<f64>> {
    let m = nalgebra::DMatrix::from_fn(p, p, |i, j| {
        let v = if j <= i { a[i * p + j] } else { a[j * p + i] };
        if i == j { v * (1.0 + lambda) + 1e-300 } else { v }
    });
    let s = m.cholesky()?.solve(&nalgebra::DVector::from_column_slice(g));
    s.iter().all(|v| v.is_finite()).then(|| s.iter().copied().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn the_scan_finds_a_planted_ridge_unit() {
        // r = 2·σ(x₁ − x₂ − 0.1) on 3 inputs: the best candidate's refined fit explains it.
        let (d, n) = (3, 4000);
        let mut rng = run_rng(7, "planted");
        let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
        let r: Vec<f64> = xs.chunks_exact(d).map(|x| 2.0 * (x[0] - x[1] - 0.1).max(0.0)).collect();
        let mean = r.iter().sum::<f64>() / n as f64;
        let total: f64 = r.iter().map(|v| (v - mean).powi(2)).sum();
        let mut best = candidates(&xs, d, &r, &[], 64, false, &mut rng).remove(0);
        let before = fit_one(&best, &xs, d, &r).0;
        refine(&mut best, &xs, d, &r, 30);
        let after = fit_one(&best, &xs, d, &r).0;
        assert!(before < 0.5 * total, "the scan explains over half: {before} of {total}");
        assert!(after <= before && after < 1e-6 * total, "refined to the planted unit: {after} of {total}");
    }

    #[test]
    fn the_scan_scores_every_bias_as_a_direct_fit_would() {
        // For one direction the prefix-sum gain equals the explained sum of squares of a direct fit.
        let t: Vec<f64> = (0..40).map(|i| ((i * 7919) % 40) as f64 / 40.0).collect();
        let r: Vec<f64> = t.iter().map(|v| (0.6 - v).max(0.0) * 3.0 + 0.1 * (v * 17.0).sin()).collect();
        let (gain, beta, right) = best_bias(&t, &r, false, &mut vec![]).unwrap();
        let unit = if right { Unit { w: vec![1.0], b: -beta } } else { Unit { w: vec![-1.0], b: beta } };
        let n = r.len() as f64;
        let total = r.iter().map(|v| v * v).sum::<f64>() - r.iter().sum::<f64>().powi(2) / n;
        assert!((total - fit_one(&unit, &t, 1, &r).0 - gain).abs() < 1e-9 * total);
        assert!(!right && (beta - 0.6).abs() < 0.05, "the planted left-facing kink at 0.6: {beta} {right}");
    }

    #[test]
    fn a_kinked_scan_never_offers_the_linear_unit_that_a_plain_scan_prefers() {
        // r = t exactly: the linear unit explains everything and wins the plain scan; the kinked
        // scan must put its kink inside the data, so its unit is inactive on some points.
        let t: Vec<f64> = (0..64).map(|i| i as f64 / 63.0).collect();
        let r = t.clone();
        let (gain, beta, right) = best_bias(&t, &r, false, &mut vec![]).unwrap();
        // The plain scan's unit is linear on the data (its kink at or below the smallest point).
        assert!(right && beta <= t[0], "the linear unit: β = {beta} at or below every projection");
        let n = r.len() as f64;
        let total = r.iter().map(|v| v * v).sum::<f64>() - r.iter().sum::<f64>().powi(2) / n;
        assert!((gain - total).abs() < 1e-9 * total);
        let (kgain, kbeta, kright) = best_bias(&t, &r, true, &mut vec![]).unwrap();
        let active = t.iter().filter(|&&v| if kright { v > kbeta } else { v < kbeta }).count();
        assert!(active >= MIN_ACTIVE && t.len() - active >= MIN_ACTIVE, "kink inside the data: {active} active");
        assert!(kgain < gain && kgain > 0.5 * total, "{kgain} of {total}");
    }
}
