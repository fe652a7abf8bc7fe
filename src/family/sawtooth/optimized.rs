//! Optimised explicit weights for Δ^k: a tighter constructive upper end of the L2 and L1 brackets.
//!
//! THEORY §3's width-m construction follows Δ^k exactly up to tooth j = m − 2, kinks once more where
//! it crosses ½ and stays at ½. Here the same m − 1 interior knots are placed with knowledge of the
//! target, but the values are the exact L2 projection of Δ^k onto the continuous piecewise-linear
//! functions with those knots ([`crate::optimum::project`]), and the last knot τ is moved to
//! minimise the projected error (a 9-point scan of the two half-teeth after the followed ones, then
//! golden-section search). The result is written as m ReLU units ([`crate::optimum::units`]) and
//! its error is computed exactly from those weights: a certificate, whatever the search found.
//! Tested against the construction: never worse (nMSE) on the widths checked.
//!
//! Results are cached per (k, m), since brackets for many tolerances share them.

use crate::family::Objective;
use crate::net::{ExactErrors, Mlp};
use crate::optimum::{project::project, units::to_relu};
use crate::train::shallow_pwl;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Largest k with optimised certificates (the projection costs O(2^k) per evaluation).
pub const MAX_OPTIMISED_K: u32 = 16;

/// The m − 1 interior knots of the width-m certificate: the first m − 2 kinks of Δ^k, then τ.
pub(super) fn knots(k: u32, m: u64, tau: f64) -> Vec<f64> {
    let n = (1u64 << k) as f64;
    let mut t: Vec<f64> = (1..m.saturating_sub(1)).map(|i| i as f64 / n).collect();
    if m >= 2 {
        t.push(tau);
    }
    t
}

/// The optimised width-m weights for Δ^k (1 ≤ m < 2^k, k ≤ [`MAX_OPTIMISED_K`]) and their exact
/// errors.
pub fn certificate(k: u32, m: u64) -> anyhow::Result<(Mlp, ExactErrors)> {
    anyhow::ensure!(
        k <= MAX_OPTIMISED_K && m >= 1 && m < 1u64 << k,
        "optimised certificate needs 1 ≤ m < 2^k, k ≤ {MAX_OPTIMISED_K}"
    );
    let f = super::Sawtooth::new(k)?.pwl().expect("k ≤ 16 has an exact form");
    let cost = |tau: f64| project(&f, &knots(k, m, tau)).map_or(f64::INFINITY, |g| f.errors(&g).mse);
    let tau = minimise_tau(k, m, &cost);
    let g = project(&f, &knots(k, m, tau)).ok_or_else(|| anyhow::anyhow!("projection failed (k = {k}, m = {m})"))?;
    let net = to_relu(&g)?;
    let errors = shallow_pwl(&net)?.errors(&f);
    Ok((net, errors))
}

/// The last knot τ of [`knots`]`(k, m, τ)` minimising `cost`: a 9-point scan of the two half-teeth
/// after the followed ones, then golden-section search (0 when m < 2: there is no τ).
pub(super) fn minimise_tau(k: u32, m: u64, cost: &dyn Fn(f64) -> f64) -> f64 {
    if m < 2 {
        return 0.0;
    }
    let n = (1u64 << k) as f64;
    let j = (m - 2) as f64;
    let (lo, hi) = (j / n, ((j + 2.0) / n).min(1.0));
    let grid: Vec<f64> = (1..=9).map(|i| lo + (hi - lo) * i as f64 / 10.0).collect();
    let best = (0..grid.len()).min_by(|&a, &b| cost(grid[a]).total_cmp(&cost(grid[b]))).unwrap();
    let step = (hi - lo) / 10.0;
    super::carried::golden(grid[best] - step, grid[best] + step, 30, &mut |x| cost(x)).0
}

/// A per-(k, m) cache of a certificate's exact errors (brackets for many tolerances share them).
pub(super) type ErrorCache = OnceLock<Mutex<HashMap<(u32, u64), Option<ExactErrors>>>>;

/// The errors of `make(k, m)` from `cache`, computed once.
pub(super) fn cached(
    cache: &ErrorCache,
    k: u32,
    m: u64,
    make: fn(u32, u64) -> anyhow::Result<(Mlp, ExactErrors)>,
) -> Option<ExactErrors> {
    let cache = cache.get_or_init(Default::default);
    if let Some(e) = cache.lock().unwrap().get(&(k, m)) {
        return *e;
    }
    let e = make(k, m).ok().map(|(_, e)| e);
    cache.lock().unwrap().insert((k, m), e);
    e
}

/// The exact errors of [`certificate`], cached.
pub fn certificate_errors(k: u32, m: u64) -> Option<ExactErrors> {
    static CACHE: ErrorCache = OnceLock::new();
    cached(&CACHE, k, m, certificate)
}
