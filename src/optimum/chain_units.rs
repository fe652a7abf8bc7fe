//! 2^k − 1 units against Δ^k in L2: the chain of cells under the K-unit condition.
//!
//! Δ^k has K = 2^k − 1 kinks, and a width-K net is either K kinks carried by K units — then an odd
//! alternating sum of g's link slopes vanishes, σ_{j_1} − σ_{j_2} + … = 0 ([`super::units`]) — or
//! has at most K − 1 kinks in (0,1). This bounds the error of width K from below, in nMSE:
//!
//! - **A cell without a kink inside.** With the cells of [`super::chain`] (cut at the crossings of
//!   ½), at most K kinks and no interior kink in some cell means g is affine on that cell: MSE ≥
//!   h/48 (the best constant on a tent of height ½), nMSE ≥ 2^{−k}/4. Otherwise every cell holds
//!   exactly one kink inside, none lies on a cut or in the end half-cells, so link i of g crosses cut
//!   c_i and **σ_i is the slope of g at c_i**, the slope coordinate of the chain's state there, and
//!   g is affine on each end half-cell.
//! - **A steep cut.** If some state's slope lies in an unbounded interval (|slope| > 2 tent slopes),
//!   that cell alone costs at least the least one-kink entry over such states.
//! - **Otherwise, the slopes must move.** f's slope at cut c_i is s_i = ±1 (tent slopes,
//!   alternating), so for an odd index set J, Σ_r (−1)^r s_{J_r} is an odd integer, and the
//!   vanishing sum needs Σ_J |σ_j − s_j| ≥ 1, hence **Σ_i |σ_i − s_i| ≥ 1 over all cuts**, whatever J
//!   is. A state only knows its slope interval, so it is charged the largest |σ − s_i| over it (an
//!   overestimate, so no feasible g is lost), rounded up to 1/[`STEPS`]. A shortest path over (state,
//!   charged deviation) through the cells' one-kink tables and the two end half-cells (one line
//!   each, anchored at the first and last cut), ending with a deviation of at least 1, is a lower
//!   bound. The slope edges are finer near ±1 here ([`SLOPE_EDGES`]) so the overestimate stays small.
//!
//! The bound at width K is the least of the three: nMSE 0.072, 0.0197 and 0.0031 for k = 1, 2, 3
//! (the best K-unit nets known reach 0.0785 at k = 2 and 0.0178 at k = 3), which decides k = 1 at
//! 0.01, k = 2 at 0.01 and k = 1..3 at 0.001 (K + 1 units). With the slope edges every 0.05 near 1
//! (they were 0.015 apart at 1 but 0.15 apart at 1.1–1.25, and the path used exactly those) it rose
//! from 0.028, 0.0057 and 0.0020; every 0.02 gives k = 2 only 0.0215, k = 3 (every 0.025) 0.0050, and
//! k = 4 (every 0.05) 0.00024, below the tolerances where those cells are open, so it is computed
//! for k ≤ [`MAX_K`] only.
//! The tables here are the unjoined ones: joining each cell's two pieces at its kink
//! ([`super::joined`]) leaves this bound unchanged for k ≤ 3 (measured), and costs seconds.

use super::chain::{CellTable, State, anchored_cost, cell_table_unjoined, states_from};
use std::sync::OnceLock;

/// Largest k with this bound (the chain has 2^k − 1 cells, run whole).
pub const MAX_K: u32 = 3;
/// Value edges: ½ ± these.
const VALUE_EDGES: [f64; 11] = [0.0, 0.02, 0.04, 0.07, 0.1, 0.14, 0.18, 0.23, 0.3, 0.4, 0.6];
/// Slope edges (tent slopes): ± these, every 0.05 from 0.7 to 1.3 (a state is charged the largest
/// deviation its interval allows, so wide intervals near 1 let slopes move for free: with edges at
/// 1.1 and 1.25, a slope of 1.1 counted as 0.25), and out to 4 (the steep states).
pub const SLOPE_EDGES: [f64; 22] = [
    0.0, 0.2, 0.4, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.4, 1.5, 2.0, 3.0, 4.0,
];
/// Deviation steps per tent slope.
pub const STEPS: usize = 128;
/// Relative shrink of the bound (rounding cannot lift it).
const MARGIN: f64 = 1e-9;

/// The states and the peak's and valley's tables over them, computed once.
fn tables() -> &'static (Vec<State>, CellTable, CellTable) {
    static CACHE: OnceLock<(Vec<State>, CellTable, CellTable)> = OnceLock::new();
    CACHE.get_or_init(|| {
        let st = states_from(&VALUE_EDGES, &SLOPE_EDGES);
        let (p, v) = (cell_table_unjoined(super::chain::peak, &st), cell_table_unjoined(super::chain::valley, &st));
        (st, p, v)
    })
}

/// The least nMSE of a width-(2^k − 1) net against Δ^k, from below (module docs); 0 for k outside
/// 1..=[`MAX_K`]. Computed once per k.
pub fn sawtooth_width_k_bound(k: u32) -> f64 {
    static CACHE: OnceLock<std::sync::Mutex<std::collections::HashMap<u32, f64>>> = OnceLock::new();
    if !(1..=MAX_K).contains(&k) {
        return 0.0;
    }
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&k) {
        return *v;
    }
    let v = compute(k);
    cache.lock().unwrap().insert(k, v);
    v
}

fn compute(k: u32) -> f64 {
    use rayon::prelude::*;
    let n = (1usize << k) - 1;
    let h = 1.0 / (1u64 << k) as f64;
    let (st, peak, valley) = tables();
    let p = st.len();
    let bounded: Vec<bool> = st.iter().map(|&(_, (lo, hi))| lo.is_finite() && hi.is_finite()).collect();
    // One interior kink, no kink on the cut: the tables' j = 1, flag 0. Cells alternate from a peak.
    let one = |c: usize| if c.is_multiple_of(2) { &peak.t[1][0] } else { &valley.t[1][0] };
    let steep = [&peak.t[1][0], &valley.t[1][0]]
        .iter()
        .flat_map(|t| (0..p * p).filter(|i| !bounded[i / p] || !bounded[i % p]).map(move |i| t[i]))
        .fold(f64::INFINITY, f64::min);
    // Charged deviation of state a at cut i (f's slope there (−1)^i), in steps, rounded up.
    let charge = |a: usize, i: usize| {
        let s = if i.is_multiple_of(2) { 1.0 } else { -1.0 };
        let (lo, hi) = st[a].1;
        (((lo - s).abs().max((hi - s).abs())) * STEPS as f64 - 1e-9).ceil().max(0.0) as usize
    };
    // The end half-cells in the unit cell's coordinates: f rises on [−1, −½] before the first
    // cut, falls on [½, 1] after the last (n is odd: the last cell is a peak).
    let left = |a: usize| anchored_cost(|x| x + 1.0, (-1.0, -0.5, -0.5), st[a]);
    let right = |b: usize| anchored_cost(|x| 1.0 - x, (0.5, 1.0, 0.5), st[b]);
    let width = STEPS + 1;
    // cost[a * width + d]: cheapest path to the current cut in state a with charged deviation d (capped).
    let mut cost = vec![f64::INFINITY; p * width];
    for a in (0..p).filter(|&a| bounded[a]) {
        cost[a * width + charge(a, 0).min(STEPS)] = left(a);
    }
    for c in 0..n {
        let t = one(c);
        let mut next = vec![f64::INFINITY; p * width];
        next.par_chunks_mut(width).enumerate().filter(|(b, _)| bounded[*b]).for_each(|(b, out)| {
            let ch = charge(b, c + 1).min(STEPS);
            for a in 0..p {
                let (d0, from) = (t[a * p + b], &cost[a * width..(a + 1) * width]);
                // Deviations d + ch up to the cap move by ch; the rest land on the cap.
                for (o, &v) in out[ch..].iter_mut().zip(from) {
                    *o = o.min(v + d0);
                }
                let capped = from[width - ch..].iter().fold(f64::INFINITY, |m, &v| m.min(v));
                out[STEPS] = out[STEPS].min(capped + d0);
            }
        });
        cost = next;
    }
    let chain =
        (0..p).map(|b| cost[b * width + STEPS] + if bounded[b] { right(b) } else { 0.0 }).fold(f64::INFINITY, f64::min);
    let nmse = |unit_mse: f64| unit_mse * h * 12.0 * (1.0 - MARGIN);
    (h / 4.0 * (1.0 - MARGIN)).min(nmse(steep)).min(nmse(chain))
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
    fn no_k_unit_path_near_the_sawtooth_beats_the_width_k_bound() {
        // K kinks near Δ^k's own (each within ±0.45h, 1 500 random sets) or anywhere (500), every odd
        // index set of the K + 1 links: the constrained L2-best path never falls below the bound.
        for k in 1..=MAX_K {
            let n = 1usize << k;
            let h = 1.0 / n as f64;
            let f = crate::family::sawtooth::Sawtooth::new(k).unwrap().pwl().unwrap();
            let bound = sawtooth_width_k_bound(k);
            let sets: Vec<Vec<usize>> = (1u32..1 << n)
                .filter(|m| m.count_ones() % 2 == 1)
                .map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect())
                .collect();
            let mut rng = ChaCha8Rng::seed_from_u64(u64::from(k));
            let mut best = f64::INFINITY;
            for trial in 0..2000 {
                let mut t: Vec<f64> = if trial < 1500 {
                    (1..n).map(|i| (i as f64 + rng.random_range(-0.45..0.45)) * h).collect()
                } else {
                    (1..n).map(|_| rng.random_range(0.001..0.999)).collect()
                };
                t.sort_by(f64::total_cmp);
                if t.windows(2).any(|w| w[1] - w[0] < 1e-6) {
                    continue;
                }
                for s in &sets {
                    if let Some(g) = project_carried(&f, &t, s) {
                        let e = f.errors(&g).mse * 12.0;
                        assert!(e >= bound, "k={k} knots {t:?} set {s:?}: nMSE {e} < {bound}");
                        best = best.min(e);
                    }
                }
            }
            assert!(bound > 0.0 && best < 40.0 * bound, "k={k}: bound {bound}, best sampled {best}");
        }
    }

    #[test]
    fn width_k_is_ruled_out_at_a_thousandth_for_k_up_to_3() {
        // k = 2 is ruled out at 0.01 too (3 units, the bracket [4, 4] there).
        for (k, at_least) in [(1u32, 0.05), (2, 0.015), (3, 0.0025)] {
            let b = sawtooth_width_k_bound(k);
            assert!(b > at_least, "k={k}: {b}");
            // The best explicit K-unit net stays above it.
            let (_, e) = crate::family::sawtooth::carried::certificate(k, (1u64 << k) - 1).unwrap();
            assert!(e.mse * 12.0 >= b, "k={k}: explicit {} below {b}", e.mse * 12.0);
        }
        assert_eq!(sawtooth_width_k_bound(MAX_K + 1), 0.0);
    }
}
