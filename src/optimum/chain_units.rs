//! 2^k − 1 units against Δ^k in L2 and L1: the chain of cells under the K-unit condition, by a
//! Lagrangian.
//!
//! Δ^k has K = 2^k − 1 kinks, and a width-K net is either K kinks carried by K units — then an odd
//! alternating sum of g's link slopes vanishes, σ_{j_1} − σ_{j_2} + … = 0 ([`super::units`]) — or
//! has at most K − 1 kinks in (0,1). This bounds the error of width K from below, in nMSE:
//!
//! - **A cell without a kink inside.** With the cells of [`super::chain`] (cut at the crossings of
//!   ½), at most K kinks and no interior kink in some cell means g is affine on that cell: MSE ≥
//!   h/48 (the best constant on a tent of height ½), nMSE ≥ 2^{−k}/4. Otherwise every cell holds
//!   exactly one kink inside, none lies on a cut or in the end half-cells, so link i of g crosses cut
//!   c_i and **σ_i is the slope of g at c_i**: the slope of the last piece of the cell left of c_i
//!   and of the first piece of the cell right of it (the end half-cells are one line each).
//! - **A steep cut.** If some cut's slope lies in an unbounded interval (|slope| > 12 tent slopes),
//!   that cell alone costs at least the least one-kink entry over such states.
//! - **Otherwise, the slopes must move.** f's slope at cut c_i is s_i = ±1 (tent slopes,
//!   alternating), so for an odd index set J, Σ_r (−1)^r s_{J_r} is an odd integer, and the
//!   vanishing sum needs Σ_J |σ_j − s_j| ≥ 1; hence, whatever J is, **Σ_i min(|σ_i − s_i|, 1) ≥ 1
//!   over all cuts** (one capped term is 1 already). For every μ ≥ 0 the MSE is then at least
//!   μ + min_g (MSE(g) − μ Σ_i min(|σ_i − s_i|, 1)) (weak duality; μ times a quantity ≥ 0 was
//!   dropped). That minimum is bounded from below by the chain of [`super::chain`] (states of value
//!   and slope intervals at the cuts, each cell's two pieces costed apart with the kink's grid
//!   interval dropped), with the reward at each cut split in halves, −(μ/2)·min(|β − s_i|, 1) on the
//!   piece on each side of it (β that piece's own slope; in g both are σ_i). A piece's cost is then
//!   an exact minimum over a polygon of a convex quadratic plus the reward: on the slopes within 1 of
//!   s_i the reward is the smaller of two linear tilts, beyond them it is μ/2, so it is the least of
//!   four polygon minima (`capped_reward`); an empty piece (the kink in the grid interval at the
//!   cut) gets the largest reward its slope interval allows.
//!
//! Splitting the reward matters: with all of it on one side, a piece could turn inside its state's
//! box while its neighbour across the cut did not. So do fine value intervals near ½ (`VALUE_EDGES`,
//! 0.001 apart at first): a piece only pinned to a wide value interval at the cut turns about a point
//! inside the cell, for a quarter of the cost. μ is one value per k (`MU`, the best of a scan; any
//! μ ≥ 0 gives a bound). The bound at width K is nMSE 0.039, 0.0114 and 0.0029 for k = 2, 3, 4 (the
//! best K-unit nets known reach 0.0785, 0.0178 and 0.0045), which decides k = 3 at 0.01 and k = 4
//! at 0.001 (K + 1 units). For k = 5 it gives 0.00075 at best, below the 0.001 that would decide
//! [31, 32] (the best 31-unit net reaches 0.00101), so it is computed for k ≤ [`MAX_K`] only; k = 1
//! is decided exactly by monotonicity ([`crate::family::sawtooth::one_unit`]).
//!
//! **L1.** The same chain with each rewarded piece bounded by duality
//! ([`super::chain_l1`]'s patterns: per w, C − sup_V αA − sup_S (βB + m·min(|β − s|, 1)), the second
//! sup at S's finite ends or the breakpoints s, s ± 1), a kink-free cell costing h/8. The slope edges
//! go out to 12 (the steep branch bound L1 first: 0.0226 at k = 2 with edges to 4). μ = 0.12, 0.12,
//! 0.1 for k = 2, 3, 4 gives L1 0.0278, 0.0139 and 0.0062 (the explicit K-unit nets reach 0.064,
//! 0.031 and 0.016), which decides k = 2, 3 at L1 0.01 and k = 2..4 at 0.001; with μ = 0.1, k = 5
//! and 6 get 0.0031 and 0.0016 (explicit 0.0078 and 0.0039), which decides them at 0.001 too, so in
//! L1 it is computed for k ≤ [`MAX_K_L1`].
//!
//! The earlier form of this bound tracked the charged deviation in the state (the largest
//! |σ − s_i| over each state's slope interval) instead of a Lagrangian: 0.0197, 0.0031 and 0.00024
//! for k = 2, 3, 4.

use super::chain::{State, state_halves};
use super::polygon::{Half, Quadratic, between, min_on_polygon, min_on_polygon_signed};
use crate::train::Metric;
use std::sync::OnceLock;

/// Largest k with this bound in nMSE (the chain has 2^k − 1 cells, run whole).
pub const MAX_K: u32 = 4;
/// Largest k with this bound in L1.
pub const MAX_K_L1: u32 = 6;
/// Value edges: ½ ± these, 0.001 apart near ½ (module docs).
const VALUE_EDGES: [f64; 22] = [
    0.0, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.055, 0.07, 0.1, 0.14,
    0.18, 0.23, 0.3, 0.4, 0.6,
];
/// Slope edges (tent slopes): ± these, out to 12 (beyond: the steep states).
pub const SLOPE_EDGES: [f64; 17] =
    [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0];
/// The multiplier μ per k (index k; unit-cell MSE per tent slope), the best of a scan.
const MU: [f64; 5] = [0.0, 0.0, 0.02, 0.015, 0.008];
/// The multiplier μ per k in L1 (unit-cell L1 per tent slope), the best of a scan.
const MU_L1: [f64; 7] = [0.0, 0.0, 0.12, 0.12, 0.1, 0.1, 0.1];
/// Pattern grid of the L1 pieces ([`super::chain_l1`]).
const L1_PATTERNS: usize = 16;
/// Grid intervals per cell for its kink.
const GRID: usize = 32;
/// Relative shrink of the bound (rounding cannot lift it).
const MARGIN: f64 = 1e-9;

/// The least error (nMSE, or L1) of a width-(2^k − 1) net against Δ^k, from below (module docs); 0
/// for k outside 2..=[`MAX_K`] (L1: [`MAX_K_L1`]) and in sup. Computed once per k and metric.
pub fn sawtooth_width_k_bound(k: u32, metric: Metric) -> f64 {
    static CACHE: OnceLock<std::sync::Mutex<std::collections::HashMap<(u32, bool), f64>>> = OnceLock::new();
    let l1 = metric == Metric::L1;
    if !(2..=if l1 { MAX_K_L1 } else { MAX_K }).contains(&k) || metric == Metric::Sup {
        return 0.0;
    }
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&(k, l1)) {
        return *v;
    }
    let v = compute(k, if l1 { MU_L1[k as usize] } else { MU[k as usize] }, metric);
    cache.lock().unwrap().insert((k, l1), v);
    v
}

/// The states: (value interval, slope interval), value-major.
fn states() -> &'static Vec<State> {
    static CACHE: OnceLock<Vec<State>> = OnceLock::new();
    CACHE.get_or_init(|| super::chain::states_from(&VALUE_EDGES, &SLOPE_EDGES))
}

/// Whether a state's slope interval is bounded (not steep).
fn bounded(a: &State) -> bool {
    a.1.0.is_finite() && a.1.1.is_finite()
}

/// min over the polygon `h` of q(α, β) − m·min(|β − s|, 1), exactly: on the slopes within 1 of s
/// the reward is the smaller of two linear tilts, beyond them it is m.
fn capped_reward(q: &Quadratic, h: &[Half], m: f64, s: f64) -> f64 {
    let near = [h, &between([0.0, 1.0], (s - 1.0, s + 1.0))].concat();
    let tilts = [1.0, -1.0]
        .iter()
        .map(|&sign| min_on_polygon_signed(&q.tilted([0.0, -sign * m], sign * m * s), &near))
        .fold(f64::INFINITY, f64::min);
    let far = [between([0.0, 1.0], (s + 1.0, f64::INFINITY)), between([0.0, 1.0], (f64::NEG_INFINITY, s - 1.0))]
        .iter()
        .map(|b| min_on_polygon(q, &[h, b.as_slice()].concat()) - m)
        .fold(f64::INFINITY, f64::min);
    tilts.min(far)
}

/// One cell's one-kink table (a kink inside, none on its right cut) with g's slope at each cut
/// rewarded: min over g's two pieces of their costs (L2 or L1) − m·min(|β − s|, 1) for its first piece
/// (slope β, f's slope `s.0` at the left cut) and for its last (f's slope `s.1` at the right cut).
/// Entry a · p + b, from state a to state b.
fn one_kink(f: fn(f64) -> f64, m: f64, s: (f64, f64), metric: Metric) -> Vec<f64> {
    use rayon::prelude::*;
    let st = states();
    let p = st.len();
    let x: Vec<f64> = (0..=GRID).map(|i| -0.5 + i as f64 / GRID as f64).collect();
    // An empty piece: the largest reward its slope interval allows.
    let empty = |s: f64| -> Vec<f64> {
        st.iter().map(|&(_, (lo, hi))| -m * (lo - s).abs().max((hi - s).abs()).min(1.0)).collect()
    };
    // first[i]: the first piece on [−½, x_i] (kink in [x_i, x_{i+1}]); last[i]: the last on [x_{i+1}, ½].
    let first: Vec<Vec<f64>> = (0..GRID)
        .into_par_iter()
        .map(|i| {
            if i == 0 {
                return empty(s.0);
            }
            piece_row(f, (-0.5, x[i], -0.5), m, s.0, metric)
        })
        .collect();
    let last: Vec<Vec<f64>> = (1..=GRID)
        .into_par_iter()
        .map(|i| {
            if i == GRID {
                return empty(s.1);
            }
            piece_row(f, (x[i], 0.5, 0.5), m, s.1, metric)
        })
        .collect();
    let mut t = vec![f64::INFINITY; p * p];
    t.par_chunks_mut(p).enumerate().for_each(|(a, row)| {
        for (fi, li) in first.iter().zip(&last) {
            let fa = fi[a];
            for (r, &l) in row.iter_mut().zip(li) {
                *r = r.min(fa + l);
            }
        }
    });
    t
}

/// A rewarded piece on \[s0, e0\] anchored at x0 over every state: the exact polygon minimum in L2
/// ([`capped_reward`]), the duality bound in L1 ([`super::chain_l1`]).
fn piece_row(f: fn(f64) -> f64, (s0, e0, x0): (f64, f64, f64), m: f64, s: f64, metric: Metric) -> Vec<f64> {
    let st = states();
    if metric == Metric::L1 {
        let piece = super::chain_l1::Piece::with_grid(f, s0, e0, x0, L1_PATTERNS);
        st.iter().map(|a| piece.rewarded(a, m, s)).collect()
    } else {
        let q = Quadratic::new(f, s0, e0, x0);
        st.iter().map(|a| capped_reward(&q, &state_halves(a), m, s)).collect()
    }
}

/// The least one-kink cost of a unit cell with a cut in an unbounded slope interval, unrewarded:
/// it depends on the metric alone, so it is computed once per metric.
fn steep(metric: Metric) -> f64 {
    static CACHE: [OnceLock<f64>; 2] = [OnceLock::new(), OnceLock::new()];
    *CACHE[usize::from(metric == Metric::L1)].get_or_init(|| {
        let st = states();
        let p = st.len();
        let plain = [
            one_kink(super::chain::peak, 0.0, (1.0, -1.0), metric),
            one_kink(super::chain::valley, 0.0, (-1.0, 1.0), metric),
        ];
        plain
            .iter()
            .flat_map(|t| (0..p * p).filter(|i| !bounded(&st[i / p]) || !bounded(&st[i % p])).map(move |i| t[i]))
            .fold(f64::INFINITY, f64::min)
    })
}

/// The bound at width 2^k − 1 with multiplier `mu` (module docs): the least of the three branches.
fn compute(k: u32, mu: f64, metric: Metric) -> f64 {
    use rayon::prelude::*;
    let n = (1usize << k) - 1;
    let h = 1.0 / (1u64 << k) as f64;
    let st = states();
    let p = st.len();
    let m = mu / 2.0;
    // Peak cells rise at their left cut and fall at their right; valleys the other way.
    let (peak, valley) =
        (one_kink(super::chain::peak, m, (1.0, -1.0), metric), one_kink(super::chain::valley, m, (-1.0, 1.0), metric));
    let steep = steep(metric);
    // The end half-cells in the unit cell's coordinates: f rises on [−1, −½] before the first cut
    // (slope 1), falls on [½, 1] after the last (n is odd: the last cell is a peak).
    let left = piece_row(|x| x + 1.0, (-1.0, -0.5, -0.5), m, 1.0, metric);
    let right = piece_row(|x| 1.0 - x, (0.5, 1.0, 0.5), m, -1.0, metric);
    let mut cost: Vec<f64> = (0..p).map(|a| if bounded(&st[a]) { left[a] } else { f64::INFINITY }).collect();
    for c in 0..n {
        let t = if c % 2 == 0 { &peak } else { &valley };
        cost = (0..p)
            .into_par_iter()
            .map(|b| {
                if !bounded(&st[b]) {
                    return f64::INFINITY;
                }
                (0..p).map(|a| cost[a] + t[a * p + b]).fold(f64::INFINITY, f64::min)
            })
            .collect();
    }
    let chain = (0..p).filter(|&b| bounded(&st[b])).map(|b| cost[b] + right[b]).fold(f64::INFINITY, f64::min) + mu;
    // A kink-free cell: nMSE ≥ h/4 (MSE h/48), L1 ≥ h/8. Unit-cell costs scale by h (nMSE: × 12).
    let (scale, kink_free) = if metric == Metric::L1 { (h, h / 8.0) } else { (h * 12.0, h / 4.0) };
    (kink_free * (1.0 - MARGIN)).min(steep * scale * (1.0 - MARGIN)).min(chain * scale * (1.0 - MARGIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::Objective;
    use crate::optimum::project::project_carried;
    use rand::RngExt;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn the_capped_reward_is_the_least_value_on_a_fine_grid_of_the_polygon() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for _ in 0..200 {
            let e = rng.random_range(-0.4..0.5);
            let q = Quadratic::new(crate::optimum::chain::peak, -0.5, e, -0.5);
            let (a, b) = (rng.random_range(0.0..1.0), rng.random_range(-3.0..3.0));
            let (av, bv) = ((a, a + rng.random_range(0.001..0.2)), (b, b + rng.random_range(0.01..1.5)));
            let (m, s) = (rng.random_range(0.0..0.05), if rng.random_bool(0.5) { 1.0 } else { -1.0 });
            let exact = capped_reward(&q, &state_halves(&(av, bv)), m, s);
            let mut grid = f64::INFINITY;
            for i in 0..=100 {
                for j in 0..=400 {
                    let z = [av.0 + (av.1 - av.0) * i as f64 / 100.0, bv.0 + (bv.1 - bv.0) * j as f64 / 400.0];
                    grid = grid.min(q.at(z) - m * (z[1] - s).abs().min(1.0));
                }
            }
            assert!(exact <= grid + 1e-12, "min {exact} above a point of the polygon {grid}");
            assert!(exact >= grid - 1e-4 * (1.0 + grid.abs()), "min {exact} far below the grid's {grid}");
        }
    }

    #[test]
    fn no_k_unit_path_near_the_sawtooth_beats_the_width_k_bound() {
        // K kinks near Δ^k's own (each within ±0.45h, 3/4 of the sets) or anywhere, every odd index
        // set of the K + 1 links (k ≤ 3; 48 random ones per knot set for k = 4): the constrained
        // L2-best path never falls below the bound.
        for k in 2..=MAX_K {
            let n = 1usize << k;
            let h = 1.0 / n as f64;
            let f = crate::family::sawtooth::Sawtooth::new(k).unwrap().pwl().unwrap();
            let (bound, bound_l1) = (sawtooth_width_k_bound(k, Metric::Nmse), sawtooth_width_k_bound(k, Metric::L1));
            let odd: Vec<u32> = (1u32..1 << n).filter(|m| m.count_ones() % 2 == 1).collect();
            let set = |m: u32| -> Vec<usize> { (0..n).filter(|i| m >> i & 1 == 1).collect() };
            let mut rng = ChaCha8Rng::seed_from_u64(u64::from(k));
            let trials = if k <= 3 { 2000 } else { 400 };
            let mut best = f64::INFINITY;
            for trial in 0..trials {
                let mut t: Vec<f64> = if trial < trials * 3 / 4 {
                    (1..n).map(|i| (i as f64 + rng.random_range(-0.45..0.45)) * h).collect()
                } else {
                    (1..n).map(|_| rng.random_range(0.001..0.999)).collect()
                };
                t.sort_by(f64::total_cmp);
                if t.windows(2).any(|w| w[1] - w[0] < 1e-6) {
                    continue;
                }
                let sets: Vec<Vec<usize>> = if k <= 3 {
                    odd.iter().map(|&m| set(m)).collect()
                } else {
                    (0..48).map(|_| set(odd[rng.random_range(0..odd.len())])).collect()
                };
                for s in &sets {
                    if let Some(g) = project_carried(&f, &t, s) {
                        let (e, e1) = (f.errors(&g).mse * 12.0, f.errors(&g).l1);
                        assert!(e >= bound, "k={k} knots {t:?} set {s:?}: nMSE {e} < {bound}");
                        assert!(e1 >= bound_l1, "k={k} knots {t:?} set {s:?}: L1 {e1} < {bound_l1}");
                        best = best.min(e);
                    }
                }
            }
            // Not vacuous: the samples come near the bound (k ≤ 3; for k = 4 random sets rarely hit a
            // good one, and the explicit net of the next test is the witness).
            assert!(bound > 0.0 && (k > 3 || best < 4.0 * bound), "k={k}: bound {bound}, best sampled {best}");
        }
    }

    #[test]
    fn width_k_is_ruled_out_at_a_hundredth_for_k_3_and_a_thousandth_for_k_4() {
        // nMSE: the cells [8, 8] at 0.01 (k = 3) and [16, 16] at 0.001 (k = 4); k = 2 at 0.01 too.
        // L1: [4, 4] and [8, 8] at 0.01 (k = 2, 3), [16, 16] at 0.001 (k = 4).
        // L1 also [32, 32] and [64, 64] at 0.001 (k = 5, 6).
        for (metric, floors) in
            [(Metric::Nmse, vec![0.035, 0.011, 0.0025]), (Metric::L1, vec![0.025, 0.012, 0.006, 0.003, 0.0015])]
        {
            for (k, at_least) in (2u32..).zip(floors) {
                let b = sawtooth_width_k_bound(k, metric);
                assert!(b > at_least, "{metric:?} k={k}: {b}");
                // The best explicit K-unit net stays above it.
                let (_, e) = crate::family::sawtooth::carried::certificate(k, (1u64 << k) - 1).unwrap();
                let e = if metric == Metric::L1 { e.l1 } else { e.mse * 12.0 };
                assert!(e >= b, "{metric:?} k={k}: explicit {e} below {b}");
            }
            assert_eq!(sawtooth_width_k_bound(1, metric), 0.0);
            assert_eq!(sawtooth_width_k_bound(MAX_K_L1 + 1, metric), 0.0);
        }
    }
}
