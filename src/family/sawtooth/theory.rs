//! The bounds of THEORY.md §1–3 for width-m shallow nets against the sawtooth Δ^k.
//!
//! Lower bound (certified; any continuous g with t affine pieces on \[0,1\]):
//! ∫|Δ^k − g| ≥ (1/8)(1 − (t+1)/2^{k−1}), ∫(Δ^k − g)² ≥ (1/24)(1 − (t+1)/2^{k−1}); a width-m shallow
//! net has t ≤ m + 1. Upper bound (constructive, [`upper_bound_net`]): follow Δ^k up to its crossing
//! of ½ at a = (2j+1)/2^{k+1}, then stay at ½, with m = j + 2 units:
//! UB_L1 = (1/4)(1 − (2m−3)/2^{k+1}), UB_MSE = (1/12)(1 − (2m−3)/2^{k+1}) for 2 ≤ m < 2^k; 0 for
//! m ≥ 2^k; the constant's ¼ and 1/12 for m ≤ 1. In normalised MSE (÷ 1/12) the MSE bounds read
//! LB = ½(1 − (m+2)/2^{k−1}) and UB = 1 − (2m−3)/2^{k+1}.
//!
//! Bracket on the minimal width m*(k, ε) that can reach error ε: the smallest m whose lower bound is
//! ≤ ε, and the smallest m whose upper bound is ≤ ε. At ε = 0 the exact answer is m* = 2^k.
//!
//! ```
//! use depthsep::family::sawtooth::theory::bracket;
//! use depthsep::train::Metric;
//! let b = bracket(6, 0.0, Metric::Nmse);
//! assert!(b.lower <= 64 && 64 <= b.upper);
//! assert_eq!(b.upper, 64);
//! ```

//! The bounds on the best error of a width-m one-hidden-layer net against the sawtooth Δ^k, and the
//! certified bracket on the minimal width (THEORY.md §1–3, tightened here).
//!
//! **Lower bound, sign changes** (Telgarsky; any continuous g with t affine pieces on \[0,1\]):
//! ∫|Δ^k − g| ≥ (1/8)(1 − (t+1)/2^{k−1}), ∫(Δ^k − g)² ≥ (1/24)(1 − (t+1)/2^{k−1}); a width-m shallow
//! net has t ≤ m + 1, so nMSE ≥ ½(1 − (m+2)/2^{k−1}).
//!
//! **Lower bound, kink-free tents** [derived here]. Cut \[0,1\] at the crossings of ½,
//! (2j+1)/2^{k+1}: the 2^k − 1 cells between them are centred on the interior knots j/2^k, and on
//! each Δ^k − ½ is a tent of height ½ over a base h = 2^{−k}. A width-m net has at most m kinks in
//! (0,1), so at least 2^k − 1 − m cells hold no kink, and on those g is affine. Against a symmetric
//! tent of height H the best affine function in L2 or L1 is a constant (reflect a line about the
//! tent's centre and average: by convexity no worse), the tent's mean H/2 (L2) or median H/2 (L1);
//! the tent's values are uniform on [0, H], so the squared error is h·H²/12 = h/48 and the absolute
//! error h·H/4 = h/8. Hence
//! MSE ≥ (2^k − 1 − m)·2^{−k}/48, i.e. **nMSE ≥ ¼(1 − (m+1)/2^k)**, and **L1 ≥ (1/8)(1 − (m+1)/2^k)**.
//! The L1 bound dominates the sign-change one for every m; in nMSE the larger of the two is taken
//! (the new one wins from m ≥ (2^k − 7)/3). Checked against brute force over knot sets
//! (`tests/it/optimum.rs`).
//!
//! **Upper bound** (constructive, [`upper_bound_net`]): follow Δ^k up to its crossing of ½ at
//! a = (2j+1)/2^{k+1}, then stay at ½, with m = j + 2 units: UB_L1 = (1/4)(1 − (2m−3)/2^{k+1}),
//! UB_nMSE = 1 − (2m−3)/2^{k+1} for 2 ≤ m < 2^k; 0 for m ≥ 2^k; the constant's for m ≤ 1; tightened
//! by the optimised weights of [`super::optimized`] and the carried ones of [`super::carried`]
//! (m units carrying m kinks) where they do better (k ≤ 16).
//!
//! **Sup norm.** For ε < ½ a g within ε must be ≤ ε at the 2^{k−1} + 1 valleys and ≥ 1 − ε > ε at
//! the 2^{k−1} peaks between them, so it has 2^k monotone stretches and at least 2^k − 1 kinks; Δ^k's
//! own 2^k − 1 kinks suffice. So the minimal width is in [2^k − 1, 2^k] (2^k − 1 units would need
//! an odd alternating sum of slopes to vanish, [`crate::optimum::units`]); for ε ≥ ½ the constant ½
//! does it. (The minimal-link algorithm of [`crate::optimum::tube`] reproduces this, tested.)
//!
//! Bracket on the minimal width m*(k, ε): the smallest m whose lower bound is ≤ ε, and the smallest
//! m whose upper bound is ≤ ε. At ε = 0 the exact answer is m* = 2^k.
//!
//! ```
//! use depthsep::family::sawtooth::theory::bracket;
//! use depthsep::train::Metric;
//! let b = bracket(6, 0.0, Metric::Nmse);
//! assert!(b.lower <= 64 && 64 <= b.upper);
//! assert_eq!(b.upper, 64);
//! ```

use super::optimized::{MAX_OPTIMISED_K, certificate_errors};
use crate::family::{Bound, Bracket};
use crate::net::{Mlp, Pwl};
use crate::optimum::Certified;
use crate::train::Metric;

fn teeth(k: u32) -> f64 {
    2f64.powi(k as i32 - 1)
}

/// Telgarsky's lower bound on the error of any continuous g with `t` affine pieces against Δ^k
/// (sign changes; nMSE or L1; 0 for sup, which [`error_bound`] treats apart).
pub fn lower_bound_pieces(t: f64, k: u32, metric: Metric) -> f64 {
    let frac = (1.0 - (t + 1.0) / teeth(k)).max(0.0);
    match metric {
        Metric::L1 => frac / 8.0,
        Metric::Nmse => frac / 2.0, // (1/24)/(1/12)
        Metric::Sup => 0.0,
    }
}

/// The kink-free-tent lower bound on the error of any continuous g with at most `kinks` kinks in
/// (0,1) against Δ^k (module docs; nMSE or L1; 0 for sup).
pub fn lower_bound_kinks(kinks: f64, k: u32, metric: Metric) -> f64 {
    let frac = (1.0 - (kinks + 1.0) / 2f64.powi(k as i32)).max(0.0);
    match metric {
        Metric::L1 => frac / 8.0,
        Metric::Nmse => frac / 4.0,
        Metric::Sup => 0.0,
    }
}

/// The kink-free cells charged by blocks of 2, 3 and 4 (the largest of the three;
/// [`crate::optimum::blocks`]) on the error of any continuous g with at most `kinks` kinks in (0,1)
/// against Δ^k (nMSE or L1; k ≤ 16; 0 otherwise). Computed once per (k, metric).
pub fn lower_bound_blocks(kinks: u64, k: u32, metric: Metric) -> f64 {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<(u32, bool), Arc<Vec<f64>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    if metric == Metric::Sup || !(1..=16).contains(&k) {
        return 0.0;
    }
    let l1 = metric == Metric::L1;
    let per_m = {
        let cache = CACHE.get_or_init(Default::default);
        let hit = cache.lock().unwrap().get(&(k, l1)).cloned();
        match hit {
            Some(v) => v,
            None => {
                let n = 1usize << k;
                let f =
                    Pwl::new((0..=n).map(|i| i as f64 / n as f64).collect(), (0..=n).map(|i| (i % 2) as f64).collect());
                // The crossings of ½ between consecutive kinks: one-kink cells.
                let mut cuts = vec![0.0];
                cuts.extend((1..n - 1).map(|j| (2 * j + 1) as f64 / (2 * n) as f64));
                cuts.push(1.0);
                let scale = if l1 { 1.0 } else { 1.0 / 12.0 };
                let mut best = vec![0.0f64; n];
                for b in [2, 3, 4] {
                    if let Some(v) = crate::optimum::blocks::bound(&f, &cuts, b, metric, scale) {
                        best.iter_mut().zip(&v).for_each(|(x, y): (&mut f64, &f64)| *x = x.max(*y));
                    }
                }
                let v = Arc::new(best);
                cache.lock().unwrap().insert((k, l1), v.clone());
                v
            }
        }
    };
    per_m.get(kinks as usize).copied().unwrap_or(0.0)
}

/// The one-kink cells linked by g's value and slope at every cut ([`crate::optimum::chain`], in L1
/// [`crate::optimum::chain_l1`]) on the error of any continuous g with at most `kinks` kinks against
/// Δ^k: nMSE and L1 (0 in sup, and for k > 16).
pub fn lower_bound_chain(kinks: u64, k: u32, metric: Metric) -> f64 {
    if !(1..=16).contains(&k) {
        return 0.0;
    }
    match metric {
        Metric::Nmse => crate::optimum::chain::sawtooth_mse_bound(kinks, k) * 12.0,
        Metric::L1 => crate::optimum::chain_l1::sawtooth_l1_bound(kinks, k),
        Metric::Sup => 0.0,
    }
}

/// The error of any continuous g with at most `kinks` kinks (so `kinks` + 1 pieces) against Δ^k,
/// from below: sign changes, kink-free tents, blocks and (nMSE) the chain of cells. A bound on
/// pieces, used by the shallow bracket and by the fewest pieces at every depth.
pub fn lower_bound_any_g(kinks: u64, k: u32, metric: Metric) -> f64 {
    lower_bound_pieces(kinks as f64 + 1.0, k, metric)
        .max(lower_bound_kinks(kinks as f64, k, metric))
        .max(lower_bound_blocks(kinks, k, metric))
        .max(lower_bound_chain(kinks, k, metric))
}

/// At width m = 2^k − 1 only: for k = 1 the best monotone fit ([`super::one_unit`]); in nMSE and L1
/// for 2 ≤ k ≤ 4 (L1: 6) a kink-free cell, or the chain under the condition that 2^k − 1 units carry 2^k − 1
/// kinks ([`crate::optimum::chain_units`]); 0 otherwise.
pub fn lower_bound_width_k(m: u64, k: u32, metric: Metric) -> f64 {
    if m + 1 != 1u64 << k {
        return 0.0;
    }
    if k == 1 {
        return super::one_unit::one_unit_error(metric);
    }
    crate::optimum::chain_units::sawtooth_width_k_bound(k, metric)
}

/// The error of THEORY §3's width-m construction ([`upper_bound_net`]) against Δ^k, in closed form.
pub fn construction_error(m: u64, k: u32, metric: Metric) -> f64 {
    let constant = match metric {
        Metric::L1 => 0.25,
        Metric::Nmse => 1.0,
        Metric::Sup => 0.5,
    };
    match metric {
        _ if m >= 1u64 << k => 0.0,
        _ if m <= 1 => constant,
        Metric::Sup => constant,
        _ => constant * (1.0 - (2.0 * m as f64 - 3.0) / (2.0 * 2f64.powi(k as i32))),
    }
}

/// The optimised certificate's error at width m, when there is one (k ≤ 16, 2 ≤ m < 2^k).
fn optimised_error(m: u64, k: u32, metric: Metric) -> Option<f64> {
    if metric == Metric::Sup || k > MAX_OPTIMISED_K || m < 2 || m >= 1u64 << k {
        return None;
    }
    let e = certificate_errors(k, m)?;
    Some(if metric == Metric::L1 { e.l1 } else { e.mse * 12.0 })
}

/// The carried certificate's error at width m (m units carrying m kinks, [`super::carried`]), when
/// there is one (k ≤ 16, 1 ≤ m < 2^k).
fn carried_error(m: u64, k: u32, metric: Metric) -> Option<f64> {
    if metric == Metric::Sup || k > super::carried::MAX_CARRIED_K || m < 1 || m >= 1u64 << k {
        return None;
    }
    let e = super::carried::certificate_errors(k, m)?;
    Some(if metric == Metric::L1 { e.l1 } else { e.mse * 12.0 })
}

/// The best explicit width-m certificate's error: the construction, the optimised and the carried weights.
fn certified_error(m: u64, k: u32, metric: Metric) -> f64 {
    let c = construction_error(m, k, metric);
    [optimised_error(m, k, metric), carried_error(m, k, metric)].into_iter().flatten().fold(c, f64::min)
}

/// The best error a width-m shallow net can reach against Δ^k lies in [lower, upper] = [`error_bound`].
pub fn error_bound(side: Bound, m: u64, k: u32, metric: Metric) -> f64 {
    match (side, metric) {
        (Bound::Lower, Metric::Sup) => {
            if m + 1 < 1u64 << k {
                0.5
            } else {
                0.0
            }
        }
        (Bound::Lower, _) => lower_bound_any_g(m, k, metric).max(lower_bound_width_k(m, k, metric)),
        (Bound::Upper, _) => certified_error(m, k, metric),
    }
}

/// The largest k whose sup bracket is decided exactly (see [`certify`]).
pub const SUP_EXACT_MAX_K: u32 = 12;

/// The certified bracket on the minimal width reaching `eps`, with how each end was obtained.
pub fn certify(k: u32, eps: f64, metric: Metric) -> Certified {
    let n = 1u64 << k;
    // Sup: the exact width, K or K + 1 decided (optimum::exact), up to k = 12 (≈ 2 s there); the
    // closed form [2^k − 1, 2^k] beyond or when rounding defeats the certificate.
    if metric == Metric::Sup && eps < 0.5 && k <= SUP_EXACT_MAX_K {
        let xs: Vec<f64> = (0..=n).map(|i| i as f64 / n as f64).collect();
        let ys: Vec<f64> = (0..=n).map(|i| (i % 2) as f64).collect();
        if let Ok((c, _)) = crate::optimum::sup::certify_pwl(&Pwl::new(xs, ys), eps) {
            return c;
        }
    }
    // Rounding may only make the lower end smaller: compare with a relative margin.
    let lb = |m: u64| error_bound(Bound::Lower, m, k, metric) <= eps * (1.0 + 1e-12);
    let (lower, lower_how) = if metric == Metric::Sup {
        if eps >= 0.5 {
            (1, "ε ≥ ½: the constant ½".to_string())
        } else {
            (n - 1, "2^k monotone stretches below ½ + ε: at least 2^k − 1 kinks".to_string())
        }
    } else {
        let (c_lo, c_kink) = if metric == Metric::L1 { (8.0, 8.0) } else { (2.0, 4.0) };
        let telgarsky = (teeth(k) * (1.0 - c_lo * eps) - 2.0).ceil().max(1.0) as u64;
        let tents = (2f64.powi(k as i32) * (1.0 - c_kink * eps) - 1.0).ceil().max(1.0) as u64;
        let mut m = telgarsky.max(tents).min(n).saturating_sub(2).max(1);
        while !lb(m) {
            m += 1;
        }
        // Name the bound that rules out m − 1 (the tents' when both do, the blocks' when only they do).
        let above = |v: f64| v > eps * (1.0 + 1e-12);
        let binding_tents = m == 1 || above(lower_bound_kinks((m - 1) as f64, k, metric));
        let binding_blocks = !binding_tents
            && !above(lower_bound_pieces(m as f64, k, metric))
            && above(lower_bound_blocks(m - 1, k, metric));
        let binding_chain = !binding_tents
            && !binding_blocks
            && !above(lower_bound_pieces(m as f64, k, metric))
            && above(lower_bound_chain(m - 1, k, metric));
        let binding_units = m == n && above(lower_bound_width_k(n - 1, k, metric));
        let how = if binding_units {
            "2^k − 1 units: one unit is monotone (k = 1, the best monotone fit), else a kink-free cell or the chain under the vanishing alternating slope sum (optimum::chain_units)"
        } else if binding_chain && metric == Metric::L1 {
            "cells chained by g's value and slope at each cut, each piece's L1 cost bounded by duality (optimum::chain_l1: a cell without a kink makes its neighbours turn)"
        } else if binding_chain {
            "cells chained by g's value and slope at each cut, pieces joined at their kinks, kinks counted exactly for k ≤ 8 (optimum::chain, joined, counted: a cell without a kink makes its neighbours turn)"
        } else if binding_blocks {
            "kink-free cells charged by blocks of 2–4 cells (optimum::blocks: each block's fewest-kink error, discontinuous relaxation)"
        } else if binding_tents {
            "kink-free tents: nMSE ≥ ¼(1 − (m+1)/2^k), L1 ≥ ⅛(1 − (m+1)/2^k)"
        } else {
            "sign changes (Telgarsky): nMSE ≥ ½(1 − (m+2)/2^{k−1}), L1 ≥ ⅛(1 − (m+2)/2^{k−1})"
        };
        (m, how.to_string())
    };
    // The construction's width, then the optimised weights below it (their error only falls with m,
    // so the smallest width they certify is found by bisection; each width is checked exactly).
    let constant = construction_error(1, k, metric);
    let constructed = if eps >= constant {
        1
    } else if metric == Metric::Sup {
        n
    } else {
        let x = 2f64.powi(k as i32) * (1.0 - eps / constant) + 1.5;
        let mut m = (x.ceil().max(1.0) as u64).min(n).saturating_sub(2).max(1);
        while construction_error(m, k, metric) > eps {
            m += 1;
        }
        m
    };
    let fits = |m: u64| certified_error(m, k, metric) <= eps;
    let (mut lo, mut hi) = (lower.max(1), constructed);
    let upper = if hi > lo && fits(hi - 1) {
        hi -= 1;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) { hi = mid } else { lo = mid + 1 }
        }
        hi
    } else {
        constructed
    };
    let upper_how = if upper < constructed && carried_error(upper, k, metric).is_some_and(|e| e <= eps) {
        "m units carrying m kinks (an alternating slope sum vanishes): exact constrained L2 refit".to_string()
    } else if upper < constructed {
        "optimised weights: the construction's knots, the last one moved, exact L2 refit".to_string()
    } else if metric == Metric::Sup && eps < 0.5 {
        "the exact shallow net (2^k units)".to_string()
    } else {
        "construction (THEORY §3: follow the teeth, then ½)".to_string()
    };
    Certified { bracket: Bracket { lower, upper }, lower_how, upper_how }
}

/// The explicit width-m net behind [`error_bound`]'s upper side (the construction, the optimised
/// or the carried weights, whichever is best) and its error in `metric`, computed exactly from its
/// weights: the weights behind every constructive upper end (k ≤ 16).
pub fn certified_net(m: u64, k: u32, metric: Metric) -> anyhow::Result<(Mlp, f64)> {
    let f = crate::family::Objective::pwl(&super::Sawtooth::new(k)?)
        .ok_or_else(|| anyhow::anyhow!("k ≤ 16 has an exact form"))?;
    let n = 1u64 << k;
    let mut nets = vec![upper_bound_net(m.min(n) as usize, k)?];
    if m < n {
        nets.extend(super::optimized::certificate(k, m).ok().map(|(net, _)| net));
        nets.extend(super::carried::certificate(k, m).ok().map(|(net, _)| net));
    }
    let mut best: Option<(Mlp, f64)> = None;
    for net in nets {
        let e = crate::train::shallow_pwl(&net)?.errors(&f);
        let v = match metric {
            Metric::Nmse => e.mse * 12.0,
            Metric::L1 => e.l1,
            Metric::Sup => e.sup,
        };
        if best.as_ref().is_none_or(|(_, b)| v < *b) {
            best = Some((net, v));
        }
    }
    best.ok_or_else(|| anyhow::anyhow!("no net of width {m} for Δ^{k}"))
}

/// The certified bracket on the minimal width reaching `eps` ([`certify`] without the provenance).
pub fn bracket(k: u32, eps: f64, metric: Metric) -> Bracket {
    certify(k, eps, metric).bracket
}

/// The constructive upper-bound net of width m ≥ 1 for Δ^k (1 ≤ m ≤ 2^k; m = 2^k is exact).
pub fn upper_bound_net(m: usize, k: u32) -> anyhow::Result<Mlp> {
    let n = 1usize << k;
    anyhow::ensure!(m >= 1 && m <= n, "upper_bound_net needs 1 ≤ m ≤ 2^k, got m = {m}, k = {k}");
    if m == n {
        return super::construct::exact_shallow(k);
    }
    let mut net = Mlp::with_hidden(1, &[m])?;
    if m == 1 {
        net.set_layer(0, &[0.0], &[0.0]);
        net.set_layer(1, &[0.0], &[0.5]);
        return Ok(net);
    }
    let j = m - 2;
    let s = n as f64;
    let (mut w, mut b, mut a) = (vec![1.0; m], vec![0.0; m], vec![0.0; m]);
    a[0] = s;
    for i in 1..=j {
        b[i] = -(i as f64) / s;
        a[i] = if i % 2 == 1 { -2.0 * s } else { 2.0 * s };
    }
    // At the crossing a = (2j+1)/2^{k+1} the slope is +s (j even) or −s (j odd): cancel it.
    b[m - 1] = -((2 * j + 1) as f64) / (2.0 * s);
    a[m - 1] = if j.is_multiple_of(2) { -s } else { s };
    w[m - 1] = 1.0;
    net.set_layer(0, &w, &b);
    net.set_layer(1, &a, &[0.0]);
    Ok(net)
}
