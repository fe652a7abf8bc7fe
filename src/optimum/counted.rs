//! The chain of [`super::chain`] with the kinks counted exactly and the end half-cells charged: the
//! sawtooth's L2 lower bound where few kinks are missing (k ≤ [`COUNTED_K`]).
//!
//! The λ bound of the chain is weak duality: it sees the lower convex hull of the least cost as a
//! function of the kink count m. For small k that function is far from convex (Δ³: dropping one
//! of 7 kinks costs nMSE 0.29, dropping all 7 only 1), so the hull loses most of it, and the chain
//! dropped the two end half-cells \[0, h/2\] and \[1 − h/2, 1\] entirely, where a cell next to
//! them can end at any value and slope for free.
//!
//! **Counted.** A shortest path over (state, deficit) through the same cell tables, the deficit
//! being the cells so far minus the kinks so far, gives the least Σ_c D(j_c; a_{c−1}, a_c) for
//! every final deficit n − Σ j_c; bound(m) = min over deficits ≥ n − m. No λ, no duality gap. The
//! deficit is tracked exactly from −[`EXCESS`] to [`DEFICIT`]: more kinks than that are clipped
//! (counted fewer) and a larger deficit goes to one absorbed class that counts for every m, both
//! only lowering the bound; below n − DEFICIT kinks the λ bound takes over. Run for
//! k ≤ [`COUNTED_K`] (k = 8: 255 cells, 30 classes, 484 states; a few seconds once per process).
//!
//! **The end half-cells.** The left one is \[0, c_1\] with the first cut c_1 (a kink on c_1 counts
//! for it, by the chain's rule). Without a kink there, g is one line on it, and that line leaves
//! c_1 in the first state: its cost is the least of ∫(f − ℓ)² over lines ℓ in that state
//! ([`super::chain::anchored_cost`], f rising from 0 to ½ on it). With one kink or more, at least 0
//! and one kink more. The right one, (c_n, 1\], the same with the last state and f falling from ½
//! to 0 (n = 2^k − 1 is odd, the last cell a peak). So every g with at most m kinks in (0,1) pays at
//! least bound(m) · h in MSE.
//!
//! With the pieces joined in each cell ([`super::joined`]) this closes Δ³ at nMSE 0.1 (one kink
//! missing costs at least 0.213; the best 6-kink fit found costs 0.286) and Δ⁴ (0.107; 0.143), and
//! Δ^6, Δ^7 and Δ^8 at 0.01 (one kink missing: 0.0266, 0.0133, 0.0102).

use super::chain::{State, anchored_cost, states, tables};
use std::sync::OnceLock;

/// Relative shrink of every bound (rounding cannot lift it).
const MARGIN: f64 = 1e-9;

/// Largest k whose chain is also solved with the kinks counted exactly.
pub const COUNTED_K: u32 = 8;

/// Deficits (cells so far minus kinks so far) tracked exactly: up to this many missing …
pub const DEFICIT: usize = 24;
/// … and this many kinks more than cells; beyond, the excess is clipped (kinks undercounted) and a
/// larger deficit is absorbed into one class counted as any number of kinks (both only lower the
/// bound).
pub const EXCESS: usize = 4;

/// The chain's least cost (unit-cell MSE) per final deficit class, index deficit + [`EXCESS`]
/// (deficit −EXCESS..=DEFICIT), and last the absorbed class (module docs), for the n = 2^k − 1
/// cells of Δ^k starting with a peak: the shortest path over (state, deficit), no λ.
fn counted(k: u32) -> Vec<f64> {
    use rayon::prelude::*;
    let n = (1usize << k) - 1;
    let (peak, valley) = tables();
    let p = peak.states;
    let absorbed = DEFICIT + EXCESS + 1;
    let width = absorbed + 1;
    // The class after `j` more kinks in one more cell (j = 0 → the deficit grows by one).
    let step = |i: usize, cells: usize, j: usize| {
        if i == absorbed { absorbed } else { (i + cells).saturating_sub(j).min(absorbed) }
    };
    let st: Vec<State> = states();
    // The end half-cells, charged here: without a kink, the line through the first (last) cut, in
    // its state, against f rising on [−1, −½] (falling on [½, 1]: the last cell is a peak, n odd);
    // with one (or a kink on the first cut) at least 0. They are not cells: a kink there counts.
    let left = |a: usize| anchored_cost(|x| x + 1.0, (-1.0, -0.5, -0.5), st[a]);
    let right = |b: usize| anchored_cost(|x| 1.0 - x, (0.5, 1.0, 0.5), st[b]);
    // cost[a * width + i]: cheapest path to the current cut in state a with deficit class i.
    let mut cost = vec![f64::INFINITY; p * width];
    for a in 0..p {
        cost[a * width + EXCESS] = left(a);
        cost[a * width + EXCESS - 1] = 0.0;
    }
    for c in 0..n {
        let t = &if c % 2 == 0 { peak } else { valley }.t;
        // Three kinks or more: at least 0, from the cheapest state to any.
        let floor: Vec<f64> =
            (0..width).map(|i| (0..p).map(|a| cost[a * width + i]).fold(f64::INFINITY, f64::min)).collect();
        let mut next = vec![f64::INFINITY; p * width];
        next.par_chunks_mut(width).enumerate().for_each(|(b, out)| {
            for (i, &v) in floor.iter().enumerate() {
                let o = &mut out[step(i, 1, 3)];
                *o = o.min(v);
            }
            for a in 0..p {
                let ix = a * p + b;
                let from = &cost[a * width..(a + 1) * width];
                for (d, j) in [(t[0][0][ix], 0), (t[0][1][ix], 1), (t[1][0][ix], 1), (t[1][1][ix], 2), (t[2][0][ix], 2)]
                {
                    if !d.is_finite() {
                        continue;
                    }
                    // Classes lo..=hi move by 1 − j unclipped (one shifted run); the rest one by one
                    // (j = 0: the last exact class is absorbed; j = 2: class 0 is clipped; the
                    // absorbed class stays).
                    let (lo, hi) = match j {
                        0 => (0, absorbed - 2),
                        1 => (0, absorbed - 1),
                        _ => (1, absorbed - 1),
                    };
                    for (o, &v) in out[lo + 1 - j..=hi + 1 - j].iter_mut().zip(&from[lo..=hi]) {
                        *o = o.min(v + d);
                    }
                    for i in (0..lo).chain(hi + 1..width) {
                        let o = &mut out[step(i, 1, j)];
                        *o = o.min(from[i] + d);
                    }
                }
            }
        });
        cost = next;
    }
    let rights: Vec<f64> = (0..p).map(right).collect();
    let mut out = vec![f64::INFINITY; width];
    for b in 0..p {
        for i in 0..width {
            let v = cost[b * width + i];
            out[i] = out[i].min(v + rights[b]);
            let kinked = &mut out[step(i, 0, 1)];
            *kinked = kinked.min(v);
        }
    }
    out
}

/// [`counted`] for k in 1..=[`COUNTED_K`], computed once each and only when asked for (k = 8 is
/// half the work of all eight; a suite of small k pays for its own k only).
fn counted_costs(k: u32) -> &'static [f64] {
    static CACHE: [OnceLock<Vec<f64>>; COUNTED_K as usize] = [const { OnceLock::new() }; COUNTED_K as usize];
    CACHE[k as usize - 1].get_or_init(|| counted(k))
}

/// The MSE bound of the counted chain for a g with at most `kinks` kinks in (0,1) against Δ^k;
/// 0 for k outside 1..=[`COUNTED_K`].
pub fn sawtooth_mse_bound(kinks: u64, k: u32) -> f64 {
    if !(1..=COUNTED_K).contains(&k) {
        return 0.0;
    }
    let h = 1.0 / (1u64 << k) as f64;
    let n = (1usize << k) - 1;
    // Classes with a deficit of at least n − kinks, and the absorbed one (any count).
    let classes = counted_costs(k);
    let need = n.saturating_sub(kinks as usize);
    let least = classes[classes.len() - 1].min(
        classes[..classes.len() - 1]
            .iter()
            .enumerate()
            .filter(|&(i, _)| i >= EXCESS && i - EXCESS >= need)
            .map(|(_, &v)| v)
            .fold(f64::INFINITY, f64::min),
    );
    // Rounding in the tables (≈ 10⁻¹⁶ each) cannot lift the bound: an absolute margin too.
    (least - 1e-12 * n as f64).max(0.0) * h * (1.0 - MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::Objective;
    use crate::optimum::project::project;

    #[test]
    fn one_missing_kink_rules_out_nmse_a_tenth_on_delta3_and_delta4_and_no_fit_beats_it() {
        // Every fit with one of Δ^k's kinks dropped (the L2-best g on the rest, shifted knots too)
        // stays above the bound at K − 1 kinks; the bound rules out 0.1 for k = 3 and 4.
        for (k, at_least) in [(2u32, 0.4), (3, 0.2), (4, 0.1), (5, 0.05)] {
            let n = (1usize << k) - 1;
            let h = 1.0 / (n + 1) as f64;
            let f = crate::family::sawtooth::Sawtooth::new(k).unwrap().pwl().unwrap();
            let bound = sawtooth_mse_bound(n as u64 - 1, k) * 12.0;
            assert!(bound > at_least, "k={k}: {bound}");
            for drop in 0..n {
                for shift in [-0.3, 0.0, 0.3] {
                    let knots: Vec<f64> =
                        (1..=n).filter(|&i| i != drop + 1).map(|i| (i as f64 + shift * (i % 2) as f64) * h).collect();
                    let e = f.errors(&project(&f, &knots).unwrap()).mse * 12.0;
                    assert!(e >= bound, "k={k} drop {drop} shift {shift}: nMSE {e} < {bound}");
                }
            }
        }
    }

    #[test]
    fn the_counted_bound_falls_with_every_kink_allowed_and_is_zero_with_all() {
        for k in 1..=COUNTED_K {
            let n = (1u64 << k) - 1;
            // Exact down to DEFICIT missing kinks; below, the absorbed class (a constant).
            let b: Vec<f64> = (n.saturating_sub(DEFICIT as u64)..=n).map(|m| sawtooth_mse_bound(m, k)).collect();
            assert!(b.windows(2).all(|w| w[1] < w[0]), "k={k}: {b:?}");
            assert_eq!(b[b.len() - 1], 0.0, "k={k}");
        }
        assert_eq!(sawtooth_mse_bound(3, COUNTED_K + 1), 0.0);
    }
}
