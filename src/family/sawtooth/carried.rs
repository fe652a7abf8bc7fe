//! K-unit certificates for Δ^k in L2 and L1: m units carrying m kinks.
//!
//! The optimised certificate ([`super::optimized`]) spends one of its m units on the affine part:
//! m − 1 kinks and σ(x). By [`crate::optimum::units`], m units carry m kinks exactly when an
//! odd-length alternating sum of the path's slopes vanishes, and then every unit is a kink
//! ([`crate::optimum::exact::carried_net`]). Two such paths, each the exact L2 projection of Δ^k onto
//! the paths with its knots *subject to* the vanishing sum ([`crate::optimum::project::project_carried`]):
//!
//! - **flat tail** (m < 2^k − 1 as well): the knots of the optimised certificate of width m + 1
//!   (follow m − 1 kinks of the teeth, a last knot τ), with the last link flat (the set {m}); the
//!   projection of the many teeth right of τ is nearly the constant ½ anyway, so the flat link costs
//!   almost nothing and saves the unit. τ is searched as for the optimised certificate.
//! - **all but one** (m = 2^k − 1): the 2^k − 1 kinks of Δ^k, the alternating sum over every link but
//!   one, d. The slopes alternate ±2^k, so that sum is an odd multiple of 2^k before the fit; with all
//!   but one link in it the correction spreads over 2^k − 1 slopes. Every d is tried at the target's
//!   kinks, then, for k ≤ [`MAX_MOVED_K`], each knot is moved in turn by golden-section search on the
//!   constrained L2 error (coordinate descent, a few sweeps).
//!
//! Whatever the searches find, the certificate is the net: its weights are built from the path and
//! its errors are computed exactly from them. Results are cached per (k, m).

use super::optimized::{knots, minimise_tau};
use crate::family::Objective;
use crate::net::{ExactErrors, Mlp, Pwl};
use crate::optimum::{exact::carried_net, project::project_carried};
use crate::train::shallow_pwl;

/// Largest k whose 2^k − 1 knots are moved (the coordinate descent costs O(4^k) per sweep).
pub const MAX_MOVED_K: u32 = 9;
/// Largest k with carried certificates (as the optimised ones).
pub const MAX_CARRIED_K: u32 = super::optimized::MAX_OPTIMISED_K;

/// The width-m carried net for Δ^k (1 ≤ m ≤ 2^k − 1, k ≤ [`MAX_CARRIED_K`]): the better of the
/// flat-tail and (at m = 2^k − 1) all-but-one paths, as m ReLU units, and its exact errors.
pub fn certificate(k: u32, m: u64) -> anyhow::Result<(Mlp, ExactErrors)> {
    let n = 1u64 << k;
    anyhow::ensure!(
        (1..=MAX_CARRIED_K).contains(&k) && m >= 1 && m < n,
        "carried certificate needs 1 ≤ m < 2^k, k ≤ 16"
    );
    let f = super::Sawtooth::new(k)?.pwl().expect("k ≤ 16 has an exact form");
    let mut paths: Vec<(Pwl, Vec<usize>)> = Vec::new();
    // Flat tail: m kinks (m − 1 followed, τ), the last link m flat.
    let flat = vec![m as usize];
    let cost = |tau: f64| project_carried(&f, &knots(k, m + 1, tau), &flat).map_or(f64::INFINITY, |g| f.errors(&g).mse);
    let tau = minimise_tau(k, m + 1, &cost);
    if let Some(g) = project_carried(&f, &knots(k, m + 1, tau), &flat) {
        paths.push((g, flat));
    }
    if m == n - 1 {
        paths.extend(all_but_one(&f, k));
    }
    let mut best: Option<(Mlp, ExactErrors)> = None;
    for (g, set) in paths {
        let net = carried_net(&g, &set)?;
        anyhow::ensure!(net.hidden() == [m as usize], "a carried path of {m} kinks is {m} units");
        let e = shallow_pwl(&net)?.errors(&f);
        if best.as_ref().is_none_or(|(_, b)| e.mse < b.mse) {
            best = Some((net, e));
        }
    }
    best.ok_or_else(|| anyhow::anyhow!("no carried path for Δ^{k} at width {m}"))
}

/// The all-but-one path (module docs) with the best dropped link, knots moved for k ≤ [`MAX_MOVED_K`].
fn all_but_one(f: &Pwl, k: u32) -> Option<(Pwl, Vec<usize>)> {
    let n = 1usize << k;
    let set = |d: usize| (0..n).filter(|&i| i != d).collect::<Vec<usize>>();
    let mse = |t: &[f64], s: &[usize]| project_carried(f, t, s).map_or(f64::INFINITY, |g| f.errors(&g).mse);
    let mut t: Vec<f64> = (1..n).map(|i| i as f64 / n as f64).collect();
    // Every dropped link when the knots are moved too, else the ends and the middle (O(4^k) otherwise).
    let drops: Vec<usize> = if k <= MAX_MOVED_K { (0..n).collect() } else { vec![0, n / 2 - 1, n / 2, n - 1] };
    let d = drops.into_iter().min_by(|&a, &b| mse(&t, &set(a)).total_cmp(&mse(&t, &set(b))))?;
    let s = set(d);
    if k <= MAX_MOVED_K {
        let all: Vec<usize> = (0..t.len()).collect();
        descend(&mut t, &all, 1.0 / n as f64, 6, &|t: &[f64]| mse(t, &s));
    }
    project_carried(f, &t, &s).map(|g| (g, s))
}

/// Coordinate descent: each knot `t[i]`, i in `which`, moved in turn by golden-section search on
/// `cost` within half a tooth (`h`) of where it stands and between its neighbours, kept when it
/// lowers the cost; at most `sweeps` sweeps, fewer once a sweep gains less than 10⁻⁴ relative.
pub(super) fn descend(t: &mut [f64], which: &[usize], h: f64, sweeps: usize, cost: &dyn Fn(&[f64]) -> f64) -> f64 {
    let mut cur = cost(t);
    for _sweep in 0..sweeps {
        let before = cur;
        for &i in which {
            let lo = if i == 0 { 0.0 } else { t[i - 1] }.max(t[i] - 0.5 * h) + 1e-6 * h;
            let hi = if i + 1 == t.len() { 1.0 } else { t[i + 1] }.min(t[i] + 0.5 * h) - 1e-6 * h;
            let mut at = |x: f64| {
                let old = t[i];
                t[i] = x;
                let c = cost(t);
                t[i] = old;
                c
            };
            let (x, c) = golden(lo, hi, 24, &mut at);
            if c < cur {
                t[i] = x;
                cur = c;
            }
        }
        if cur > before * (1.0 - 1e-4) {
            break;
        }
    }
    cur
}

/// Golden-section search for the minimum of `cost` on [a, b]: (argmin, min) after `iters` steps.
pub(super) fn golden(mut a: f64, mut b: f64, iters: usize, cost: &mut dyn FnMut(f64) -> f64) -> (f64, f64) {
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - r * (b - a), a + r * (b - a));
    let (mut fc, mut fd) = (cost(c), cost(d));
    for _ in 0..iters {
        if fc < fd {
            (b, d, fd) = (d, c, fc);
            c = b - r * (b - a);
            fc = cost(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + r * (b - a);
            fd = cost(d);
        }
    }
    if fc < fd { (c, fc) } else { (d, fd) }
}

/// The exact errors of [`certificate`], cached.
pub fn certificate_errors(k: u32, m: u64) -> Option<ExactErrors> {
    static CACHE: super::optimized::ErrorCache = std::sync::OnceLock::new();
    super::optimized::cached(&CACHE, k, m, certificate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_to_the_k_minus_one_units_reach_the_audits_errors() {
        // The independent audit's (2^k − 1)-unit nets: nMSE 0.078, 0.0177, 0.0045, 0.00101 for
        // k = 2..5 (closed form and 2·10⁶ points); ours must be at least as good, and m units.
        for (k, audit) in [(2u32, 0.0785), (3, 0.0178), (4, 0.0046), (5, 0.00102)] {
            let m = (1u64 << k) - 1;
            let (net, e) = certificate(k, m).unwrap();
            assert_eq!(net.hidden(), &[m as usize]);
            assert!(e.mse * 12.0 <= audit, "k={k}: nMSE {} > {audit}", e.mse * 12.0);
        }
    }

    #[test]
    fn the_flat_tail_saves_a_unit_over_the_optimised_certificate() {
        // m carried units do at least as well as the optimised m + 1 (m kinks plus σ(x)) up to the
        // tail's flattening, and better than the optimised m.
        for (k, m) in [(5u32, 12u64), (6, 30), (8, 100)] {
            let (_, c) = certificate(k, m).unwrap();
            let (_, o1) = super::super::optimized::certificate(k, m + 1).unwrap();
            let (_, o0) = super::super::optimized::certificate(k, m).unwrap();
            assert!(c.mse < o0.mse, "k={k} m={m}: {} vs optimised m {}", c.mse, o0.mse);
            assert!(c.mse <= o1.mse * 1.05, "k={k} m={m}: {} vs optimised m+1 {}", c.mse, o1.mse);
        }
    }
}
