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

use crate::family::{Bound, Bracket};
use crate::net::Mlp;
use crate::train::Metric;

fn teeth(k: u32) -> f64 {
    2f64.powi(k as i32 - 1)
}

/// Lower bound on the error of any continuous g with `t` affine pieces against Δ^k.
pub fn lower_bound_pieces(t: f64, k: u32, metric: Metric) -> f64 {
    let frac = (1.0 - (t + 1.0) / teeth(k)).max(0.0);
    match metric {
        Metric::L1 => frac / 8.0,
        Metric::Nmse => frac / 2.0, // (1/24)/(1/12)
    }
}

/// The best error a width-m shallow net can reach against Δ^k lies in [lower, upper] = [`error_bound`].
pub fn error_bound(side: Bound, m: u64, k: u32, metric: Metric) -> f64 {
    let constant = match metric {
        Metric::L1 => 0.25,
        Metric::Nmse => 1.0,
    };
    match side {
        Bound::Lower => lower_bound_pieces(m as f64 + 1.0, k, metric),
        Bound::Upper if m <= 1 => constant,
        Bound::Upper if m >= 1u64 << k => 0.0,
        Bound::Upper => constant * (1.0 - (2.0 * m as f64 - 3.0) / (2.0 * 2f64.powi(k as i32))),
    }
}

/// Closed-form bracket: lower = max(1, ⌈2^{k−1}(1 − cε) − 2⌉) with c = 8 (L1) or 2 (normalised
/// MSE); upper = min(2^k, max(1, ⌈2^k(1 − ε/C) + 3/2⌉)) with C the constant's error (¼ or 1).
pub fn bracket(k: u32, eps: f64, metric: Metric) -> Bracket {
    let (c_lo, constant) = match metric {
        Metric::L1 => (8.0, 0.25),
        Metric::Nmse => (2.0, 1.0),
    };
    let lower = (teeth(k) * (1.0 - c_lo * eps) - 2.0).ceil().max(1.0) as u64;
    let upper = if eps >= constant {
        1
    } else {
        let n = 2f64.powi(k as i32);
        ((n * (1.0 - eps / constant) + 1.5).ceil().max(1.0) as u64).min(1u64 << k)
    };
    Bracket { lower, upper }
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
