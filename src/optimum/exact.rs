//! The exact minimal one-hidden-layer width in the sup norm: K or K + 1, decided.
//!
//! Let K be the fewest interior kinks of a continuous piecewise-linear g within ε of the target
//! ([`super::tube::min_link`]). A width-m net has at most m kinks in (0,1), so m ≥ K, and K + 1 units
//! always suffice. By [`super::units`], a g with exactly K kinks is computed by K units **exactly
//! when an odd-length alternating sum σ_{i_1} − σ_{i_2} + … + σ_{i_{2r+1}} of its slopes, over
//! increasing link indices, vanishes** (r = 0: a flat link). A K-unit net within ε has at most K
//! kinks, so it is such a g. The minimal width is therefore K iff some K-kink path in the ε-tube
//! carries such a sum, else K + 1.
//!
//! **The lower end K + 1 (a proof).** Let V_j be the points reachable from the left edge with at
//! most j links, bounded by the window w_j of the greedy construction (Imai & Iri), and V'_j the same
//! from the right edge with window w'_j. In a K-kink path, kink j (the end of link j − 1) lies in
//! V_j and in V'_{K+1−j}, and kink j + 1 does not lie in V_j: else j links reach it and K − j more
//! reach the right edge, K − 1 kinks in all. So link j crosses w_j, starts at an x no larger than
//! the far end of w_j and ends at an x no smaller than the near end of w'_{K−j}. Every line that
//! crosses w_j and stays in the tube over that span has a slope in a range \[lo_j, hi_j\]
//! ([`super::tube::slope_range`]; the same from the right, mirrored, and the two intersected). If no
//! odd-length alternating sum of values drawn from these ranges contains 0, no K-kink path in the tube
//! is carried by K units, and the minimal width is K + 1. The sums are tracked as unions of intervals,
//! link by link (odd and even length apart); merging intervals only enlarges the sets, so a `0 ∉`
//! answer stays a proof. For the sawtooth at small ε the slopes are ±2^k(1 + O(ε 2^k)) and every odd
//! alternating sum is an odd multiple of 2^k up to that error: this is how `bounds` proves 2^k.
//!
//! **The upper end K (explicit weights).** The same interval bookkeeping, bucketed by nominal value,
//! proposes index sets whose ranges can sum to 0 (widest first). For each, with the kinks fixed at
//! those of a minimal-link path (several are tried, and the target's own kinks when it has K), the
//! values at the kinks are chosen by a linear program minimising the sup error subject to the sum
//! vanishing. The path becomes K ReLU units (kinks left of the first index and in each
//! (i_{2m}, i_{2m+1}\] face left, the rest right), whose exact sup error is checked ≤ ε.
//!
//! **Rounding.** The proof runs in the tube of ε(1 + 10⁻⁶) (a larger tube holds every path of the
//! smaller one) and only when K is the same there; slope ranges are widened by 10⁻⁹ relative and
//! every interval sum by 10⁻¹². When neither end is reached the bracket stays \[K, K + 1\] and says so.

use super::tube::{min_link, slope_range, windows};
pub use crate::net::carried::carried_net;
use crate::net::{Mlp, Pwl};
use crate::train::shallow_pwl;
use std::collections::BTreeMap;

/// A union of closed intervals.
type Intervals = Vec<(f64, f64)>;

/// Relative widening of ε for the proof (see the module docs).
const PROOF_MARGIN: f64 = 1e-6;
/// Interval lists longer than this are coarsened (sound: merging only enlarges).
const CAP: usize = 4096;
/// Index sets tried per kink placement.
const TRIES: usize = 6;
/// Kink moves are tried up to this K, with at most this many linear programs.
const MOVE_MAX_K: usize = 64;
const MOVE_SOLVES: usize = 2000;

/// The target mirrored left to right, x ↦ 1 − x.
pub fn mirror(f: &Pwl) -> Pwl {
    let mut xs: Vec<f64> = f.xs().iter().rev().map(|x| 1.0 - x).collect();
    let ys: Vec<f64> = f.ys().iter().rev().copied().collect();
    xs[0] = 0.0;
    *xs.last_mut().unwrap() = 1.0;
    Pwl::new(xs, ys)
}

/// Slope ranges of links 0..=K of every path with the fewest kinks K in the `eps`-tube, or `None`
/// when the two directions disagree on K or a range is empty (no proof then).
pub fn link_slopes(f: &Pwl, eps: f64) -> anyhow::Result<Option<Vec<(f64, f64)>>> {
    let m = mirror(f);
    let (fwd, bwd) = (windows(f, eps)?, windows(&m, eps)?);
    if fwd.len() != bwd.len() {
        return Ok(None);
    }
    let k = fwd.len() - 1;
    let far = |w: (f64, f64)| w.0.max(w.1);
    let mut out = Vec::with_capacity(k + 1);
    for j in 0..=k {
        let shrink = |x: f64| (x - 1e-12).max(0.0);
        let Some((l1, h1)) = slope_range(f, eps, fwd[j], shrink(1.0 - far(bwd[k - j]))) else { return Ok(None) };
        let Some((l2, h2)) = slope_range(&m, eps, bwd[k - j], shrink(1.0 - far(fwd[j]))) else { return Ok(None) };
        let (lo, hi) = (l1.max(-h2), h1.min(-l2));
        if lo > hi {
            return Ok(None);
        }
        let pad = 1e-9 * lo.abs().max(hi.abs()).max(1.0);
        out.push((lo - pad, hi + pad));
    }
    Ok(Some(out))
}

fn pad(l: f64, h: f64) -> (f64, f64) {
    let p = 1e-12 * l.abs().max(h.abs());
    (l - p, h + p)
}

/// Sorts and merges overlapping intervals, then merges across the smallest gaps until at most
/// [`CAP`] remain (the union only grows).
fn normalise(mut v: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let merge = |v: Vec<(f64, f64)>, gap: f64| {
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(v.len());
        for (l, h) in v {
            match out.last_mut() {
                Some(last) if l <= last.1 + gap => last.1 = last.1.max(h),
                _ => out.push((l, h)),
            }
        }
        out
    };
    let mut out = merge(v, 0.0);
    if out.len() > CAP {
        let mut gaps: Vec<f64> = out.windows(2).map(|w| w[1].0 - w[0].1).collect();
        gaps.sort_by(f64::total_cmp);
        out = merge(out, gaps[gaps.len() - CAP]);
    }
    out
}

/// Whether an odd-length alternating sum of values from `ranges` (increasing indices) may vanish.
/// Over-approximated: `false` is a proof that none does.
pub fn alternating_zero(ranges: &[(f64, f64)]) -> bool {
    let (mut odd, mut even): (Intervals, Intervals) = (vec![], vec![]);
    for &(lo, hi) in ranges {
        let mut o = odd.clone();
        o.push((lo, hi));
        o.extend(even.iter().map(|&(l, h)| pad(l + lo, h + hi)));
        let mut e = even.clone();
        e.extend(odd.iter().map(|&(l, h)| pad(l - hi, h - lo)));
        (odd, even) = (normalise(o), normalise(e));
        if odd.iter().any(|&(l, h)| l <= 0.0 && 0.0 <= h) {
            return true;
        }
    }
    false
}

/// Index sets (increasing, odd length) whose ranges' alternating sum contains 0, widest first: the
/// candidates for a K-unit construction (heuristic; see the module docs).
pub fn candidate_sets(ranges: &[(f64, f64)], n: usize) -> Vec<Vec<usize>> {
    // Arena of (previous node, link index); bucket → (half-width, nominal, node).
    let mut nodes: Vec<(usize, usize)> = Vec::new();
    let widths: Vec<f64> = ranges.iter().map(|r| (r.1 - r.0) / 2.0).filter(|w| *w > 0.0).collect();
    let mut h = widths.iter().copied().fold(f64::INFINITY, f64::min).max(1e-12);
    let mut odd: BTreeMap<i64, (f64, f64, usize)> = BTreeMap::new();
    let mut even: BTreeMap<i64, (f64, f64, usize)> = BTreeMap::new();
    for (j, &(lo, hi)) in ranges.iter().enumerate() {
        let (c, w) = ((lo + hi) / 2.0, (hi - lo) / 2.0);
        let mut add = |map: &mut BTreeMap<i64, (f64, f64, usize)>, prev: usize, ww: f64, nn: f64| {
            let key = (nn / h).round() as i64;
            if map.get(&key).is_none_or(|e| e.0 < ww) {
                nodes.push((prev, j));
                map.insert(key, (ww, nn, nodes.len() - 1));
            }
        };
        let (o0, e0) = (odd.clone(), even.clone());
        add(&mut odd, usize::MAX, w, c);
        for (ww, nn, node) in e0.values() {
            add(&mut odd, *node, ww + w, nn + c);
        }
        for (ww, nn, node) in o0.values() {
            add(&mut even, *node, ww + w, nn - c);
        }
        while odd.len() + even.len() > 20_000 {
            h *= 2.0;
            let rebucket = |m: &BTreeMap<i64, (f64, f64, usize)>| {
                let mut out: BTreeMap<i64, (f64, f64, usize)> = BTreeMap::new();
                for e in m.values() {
                    let key = (e.1 / h).round() as i64;
                    if out.get(&key).is_none_or(|o| o.0 < e.0) {
                        out.insert(key, *e);
                    }
                }
                out
            };
            (odd, even) = (rebucket(&odd), rebucket(&even));
        }
    }
    let mut hits: Vec<(f64, usize)> =
        odd.values().filter(|e| e.1.abs() <= e.0).map(|e| (e.0 - e.1.abs(), e.2)).collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    hits.into_iter()
        .take(n)
        .map(|(_, mut node)| {
            let mut set = Vec::new();
            while node != usize::MAX {
                set.push(nodes[node].1);
                node = nodes[node].0;
            }
            set.reverse();
            set
        })
        .collect()
}

/// The path with kinks at `t` (interior, increasing) whose values minimise the sup error to `f`
/// subject to the alternating slope sum over `set` vanishing; `None` when the solver fails.
pub fn fit(f: &Pwl, t: &[f64], set: &[usize]) -> Option<(Pwl, f64)> {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let xs: Vec<f64> = std::iter::once(0.0).chain(t.iter().copied()).chain(std::iter::once(1.0)).collect();
    // A set from a path with more links than this placement has (the kink count can change between
    // ε and ε(1 + 10⁻⁹)) does not apply to it.
    if set.iter().any(|&i| i + 1 >= xs.len()) {
        return None;
    }
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let y: Vec<_> = xs.iter().map(|_| p.add_var(0.0, (f64::NEG_INFINITY, f64::INFINITY))).collect();
    let e = p.add_var(1.0, (0.0, f64::INFINITY));
    let mut pts: Vec<f64> = f.xs().iter().chain(t.iter()).copied().collect();
    pts.sort_by(f64::total_cmp);
    pts.dedup();
    for x in pts {
        let j = xs.partition_point(|&k| k <= x).clamp(1, xs.len() - 1) - 1;
        let l = ((x - xs[j]) / (xs[j + 1] - xs[j])).clamp(0.0, 1.0);
        let fx = f.eval(x);
        p.add_constraint([(y[j], 1.0 - l), (y[j + 1], l), (e, -1.0)], ComparisonOp::Le, fx);
        p.add_constraint([(y[j], 1.0 - l), (y[j + 1], l), (e, 1.0)], ComparisonOp::Ge, fx);
    }
    let mut row: BTreeMap<usize, f64> = BTreeMap::new();
    for (m, &i) in set.iter().enumerate() {
        let s = if m % 2 == 0 { 1.0 } else { -1.0 } / (xs[i + 1] - xs[i]);
        *row.entry(i + 1).or_default() += s;
        *row.entry(i).or_default() -= s;
    }
    let row: Vec<_> = row.into_iter().map(|(i, c)| (y[i], c)).collect();
    p.add_constraint(row, ComparisonOp::Eq, 0.0);
    let microlp::SolveOutcome::Solution(sol) = p.solve().ok()? else { return None };
    let ys: Vec<f64> = y.iter().map(|&v| sol[v]).collect();
    Some((Pwl::new(xs, ys), sol[e]))
}

/// Kink placements to try for a K-kink construction: minimal-link paths in narrower tubes and the
/// target's own kinks, when they have K.
fn placements(f: &Pwl, eps: f64, k: usize) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = Vec::new();
    let inner = |g: &Pwl| g.xs()[1..g.xs().len() - 1].to_vec();
    for theta in [1.0 - 1e-9, 0.75, 0.5, 0.25] {
        for mirrored in [false, true] {
            let src = if mirrored { mirror(f) } else { f.clone() };
            if let Ok(ml) = min_link(&src, eps * theta)
                && ml.kinks == k
            {
                let p = if mirrored { mirror(&ml.path) } else { ml.path };
                out.push(inner(&p));
            }
        }
    }
    let own = f.merged();
    if own.xs().len() == k + 2 {
        out.push(inner(&own));
    }
    out.dedup();
    out
}

/// How the exact width was decided.
pub enum Decision {
    /// K units cannot: the proof of the module docs holds.
    NeedsAffine,
    /// K units suffice: these weights (exact sup error checked ≤ ε).
    Carried(Mlp),
    /// Neither was shown.
    Open,
}

/// Decides whether `k` (the fewest kinks within `eps`) units reach sup error `eps` on `f`.
pub fn decide(f: &Pwl, eps: f64, k: usize) -> anyhow::Result<Decision> {
    let wide = eps * (1.0 + PROOF_MARGIN);
    let proof = match min_link(f, wide)?.kinks == k {
        true => link_slopes(f, wide)?,
        false => None,
    };
    if let Some(r) = &proof
        && !alternating_zero(r)
    {
        return Ok(Decision::NeedsAffine);
    }
    let Some(r) = link_slopes(f, eps)? else { return Ok(Decision::Open) };
    let sets = candidate_sets(&r, TRIES);
    let mut best: Option<(f64, Vec<f64>, usize)> = None;
    for t in placements(f, eps, k) {
        for (i, set) in sets.iter().enumerate() {
            let Some((g, e)) = fit(f, &t, set) else { continue };
            if let Some(net) = verified(f, &g, e, eps, set)? {
                return Ok(Decision::Carried(net));
            }
            if best.as_ref().is_none_or(|b| e < b.0) {
                best = Some((e, t.clone(), i));
            }
        }
    }
    // Small K: move the kinks of the best attempt one at a time while the optimal error falls.
    let Some((mut e, mut t, i)) = best else { return Ok(Decision::Open) };
    if k > MOVE_MAX_K {
        return Ok(Decision::Open);
    }
    let set = &sets[i];
    let mut step = 0.25 * gaps(&t).into_iter().fold(f64::INFINITY, f64::min);
    let mut solves = 0;
    while step > 1e-7 && solves < MOVE_SOLVES {
        let mut moved = false;
        for j in 0..t.len() {
            for dir in [-1.0, 1.0] {
                let mut u = t.clone();
                u[j] += dir * step;
                if gaps(&u).into_iter().any(|g| g <= 0.0) {
                    continue;
                }
                solves += 1;
                let Some((g, eu)) = fit(f, &u, set) else { continue };
                if let Some(net) = verified(f, &g, eu, eps, set)? {
                    return Ok(Decision::Carried(net));
                }
                if eu < e {
                    (e, t, moved) = (eu, u, true);
                    break;
                }
            }
        }
        if !moved {
            step /= 2.0;
        }
    }
    Ok(Decision::Open)
}

/// The gaps between 0, the kinks `t` and 1.
fn gaps(t: &[f64]) -> Vec<f64> {
    std::iter::once(0.0)
        .chain(t.iter().copied())
        .chain(std::iter::once(1.0))
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect()
}

/// The K-unit net of a fitted path when its exact sup error is within `eps`.
fn verified(f: &Pwl, g: &Pwl, e: f64, eps: f64, set: &[usize]) -> anyhow::Result<Option<Mlp>> {
    if e > eps {
        return Ok(None);
    }
    let net = carried_net(g, set)?;
    Ok((shallow_pwl(&net)?.errors(f).sup <= eps).then_some(net))
}
