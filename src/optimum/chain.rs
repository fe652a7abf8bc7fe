//! The sawtooth's one-kink cells linked by g's value and slope where they meet: an L2 lower bound
//! that charges a missing kink what it costs its neighbours too.
//!
//! Cut \[0,1\] at the crossings of ½ of Δ^k: the 2^k − 1 cells between are the same tent (a peak
//! 1 − |x|, or a valley |x|, on \[−½, ½\] after scaling x by h = 2^{−k}; an L2 cost scales by h).
//! [`super::blocks`] charges blocks of cells each on its own, so a block may end at any value and
//! slope, and a neighbour pays nothing for it. Here the cells are charged in a chain.
//!
//! **The state.** At each cut c, g has a value g(c) and the slope of its piece right of c. Both are
//! only known to lie in one of finitely many intervals: value intervals V_a and slope intervals
//! S_a (edges `VALUE_EDGES` and `SLOPE_EDGES` around ½ and 0, the outer ones unbounded), so a
//! state is a pair (V, S).
//!
//! **One cell.** A kink of g on a cut counts for the cell left of it. For a cell from state
//! (V_a, S_a) to (V_b, S_b) with j kinks, D(j; a, b) is bounded from below as follows. g's first
//! piece on the cell is ℓ(x) = α + β(x + ½) with α ∈ V_a, β ∈ S_a. Its last piece ends at ½ with a
//! value in V_b, and either no kink on the cut (its slope then lies in S_b) or one (counted). With no
//! kink inside, first and last piece are one line and its cost is the minimum of a convex quadratic
//! in (α, β) over a polygon ([`min_on_polygon`], exact: the free minimiser if feasible, else the
//! best point of an edge). With kinks inside, on a grid −½ = x_0 < … < x_G = ½: if g's first kink
//! lies in \[x_i, x_{i+1}\] and its last in \[x_{i'}, x_{i'+1}\], g equals its first piece on
//! \[x_0, x_i\] and its last on \[x_{i'+1}, x_G\], and (with exactly two kinks) is affine on
//! \[x_{i+1}, x_{i'}\]; dropping continuity there and the cost of the two grid intervals leaves a sum
//! of costs of affine pieces on disjoint intervals, each minimised under its own constraints (a cost
//! never rises when its interval shrinks). Three kinks or more: cost ≥ 0. With one or two kinks
//! inside, [`super::joined`] bounds the same minimum with the pieces meeting at each kink (to a box
//! of position and value); a table entry is the larger of the two.
//!
//! **The chain.** A g with at most m kinks in (0,1) has, in each cell, some count j_c with Σ j_c ≤ m
//! (kinks in the two end half-cells \[0, h/2\] and \[1 − h/2, 1\] are not counted; their cost is
//! dropped), and passes through one state at every cut. So its MSE is at least h · min Σ_c D(j_c;
//! a_{c−1}, a_c) over all state sequences and counts with Σ j_c ≤ m. For every λ ≥ 0 that minimum is at
//! least C(λ) − λm with C(λ) = min Σ_c (D(j_c) + λ j_c) (weak duality), a shortest path over the
//! states computed cell by cell; the bound is the largest over a grid of λ. For a long chain the
//! cells are split into runs of at most [`RUN`] cells, each charged from any state on (dropping the
//! links between runs only lowers the minimum); peak and valley runs are computed apart.
//!
//! A cell without kinks next to cells that follow f must turn away from f somewhere, and the turn
//! is a kink: this is what blocks cannot see, and why a removed kink costs here about 0.075h in MSE
//! against 0.042h from blocks (the flat tail of the construction pays h/12 ≈ 0.083h). For
//! k ≤ [`super::counted::COUNTED_K`], [`super::counted`] solves the same chain with the kinks counted
//! exactly (no λ) and the end half-cells charged, which is far tighter where few kinks are missing.

use super::polygon::{Half, Quadratic, between, min_on_polygon};
use std::sync::OnceLock;

/// Value edges: ½ ± these.
const VALUE_EDGES: [f64; 11] = [0.0, 0.02, 0.04, 0.07, 0.1, 0.14, 0.18, 0.23, 0.3, 0.4, 0.6];
/// Slope edges (units of the tent's slope): ± these.
const SLOPE_EDGES: [f64; 11] = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0];
/// Grid intervals per cell for the kinks inside it.
const GRID: usize = 32;
/// Grid intervals per cell for two kinks joined ([`super::joined::two_kinks`]).
const GRID2: usize = 16;
/// Longest run of cells charged as one chain.
pub const RUN: usize = 63;
/// Relative shrink of every bound (rounding cannot lift it).
const MARGIN: f64 = 1e-9;

/// Closed intervals from sorted edges, the outer two unbounded.
fn intervals(edges: &[f64]) -> Vec<(f64, f64)> {
    let mut out = vec![(f64::NEG_INFINITY, edges[0])];
    out.extend(edges.windows(2).map(|w| (w[0], w[1])));
    out.push((edges[edges.len() - 1], f64::INFINITY));
    out
}

/// One cell's lower bounds D(j; a, b) for j = 0, 1, 2 kinks inside and no kink (0) or a kink (1) on
/// its right cut: `t[j][flag][a * states + b]`.
pub struct CellTable {
    /// Number of states.
    pub states: usize,
    /// The bounds.
    pub t: [[Vec<f64>; 2]; 3],
}

/// The peak cell 1 − |x| on \[−½, ½\].
pub fn peak(x: f64) -> f64 {
    1.0 - x.abs()
}

/// The valley cell |x| on \[−½, ½\].
pub fn valley(x: f64) -> f64 {
    x.abs()
}

/// A state: (value interval, slope interval).
pub type State = ((f64, f64), (f64, f64));

/// The states from value and slope edges (each mirrored: ½ ± and ±; the outer intervals
/// unbounded), value-major.
pub fn states_from(value_edges: &[f64], slope_edges: &[f64]) -> Vec<State> {
    let mirror = |c: f64, e: &[f64]| {
        let mut v: Vec<f64> = e.iter().flat_map(|d| [c - d, c + d]).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        intervals(&v)
    };
    let (v, s) = (mirror(0.5, value_edges), mirror(0.0, slope_edges));
    v.iter().flat_map(|&a| s.iter().map(move |&b| (a, b))).collect()
}

/// The chain's states (value interval, slope interval), value-major.
pub fn states() -> Vec<State> {
    states_from(&VALUE_EDGES, &SLOPE_EDGES)
}

/// A state's polygon in z = (value at the anchor, slope): the value in V, the slope in S.
pub fn state_halves(&(v, sl): &State) -> Vec<Half> {
    [between([1.0, 0.0], v), between([0.0, 1.0], sl)].concat()
}

/// The cost of a line on \[s, e\] against `f` anchored at `x0`, its value there in `v` and its slope
/// in `s` (the end half-cells of [`super::chain_units`]).
pub fn anchored_cost(f: fn(f64) -> f64, (s, e, x0): (f64, f64, f64), state: State) -> f64 {
    min_on_polygon(&Quadratic::new(f, s, e, x0), &state_halves(&state))
}

/// The table of one cell shape over the chain's states (module docs).
pub fn cell_table(f: fn(f64) -> f64) -> CellTable {
    cell_table_over(f, &states())
}

/// The table of one cell shape over the states `st` (module docs), one-kink entries joined
/// ([`super::joined`]).
pub fn cell_table_over(f: fn(f64) -> f64, st: &[State]) -> CellTable {
    let joined = (super::joined::one_kink(f, st, GRID), super::joined::two_kinks(f, st, GRID2));
    table_with(f, st, Some(&joined))
}

/// The table with the one-kink entries unjoined: the two pieces need not meet.
pub fn cell_table_unjoined(f: fn(f64) -> f64, st: &[State]) -> CellTable {
    table_with(f, st, None)
}

#[allow(clippy::type_complexity)]
fn table_with(f: fn(f64) -> f64, st: &[State], joined: Option<&([Vec<f64>; 2], [Vec<f64>; 2])>) -> CellTable {
    let p = st.len();
    let x: Vec<f64> = (0..=GRID).map(|i| -0.5 + i as f64 / GRID as f64).collect();
    // First piece on [−½, x_i], anchored left: α ∈ V, β ∈ S.
    let first: Vec<Vec<f64>> = (0..=GRID)
        .map(|i| {
            if i == 0 {
                return vec![0.0; p];
            }
            let q = Quadratic::new(f, -0.5, x[i], -0.5);
            st.iter().map(|a| min_on_polygon(&q, &state_halves(a))).collect()
        })
        .collect();
    // Last piece on [x_i, ½], anchored right: value at ½ in V, slope in S (flag 0) or free (flag 1).
    let last: Vec<[Vec<f64>; 2]> = (0..=GRID)
        .map(|i| {
            if i == GRID {
                return [vec![0.0; p], vec![0.0; p]];
            }
            let q = Quadratic::new(f, x[i], 0.5, 0.5);
            let kept = st.iter().map(|a| min_on_polygon(&q, &state_halves(a)));
            let free = st.iter().map(|&(v, _)| min_on_polygon(&q, &between([1.0, 0.0], v)));
            [kept.collect(), free.collect()]
        })
        .collect();
    // A free piece on [x_i, x_j].
    let mid = |i: usize, j: usize| {
        if j <= i {
            return 0.0;
        }
        min_on_polygon(&Quadratic::new(f, x[i], x[j], x[i]), &[])
    };
    let mids: Vec<Vec<f64>> = (0..=GRID).map(|i| (0..=GRID).map(|j| mid(i, j)).collect()).collect();
    // w[i'][a] = min over i < i' of first[i][a] + mid(i + 1, i'): the first two pieces of two kinks.
    let w: Vec<Vec<f64>> = (0..=GRID)
        .map(|ip| {
            (0..p)
                .map(|a| (0..ip).map(|i| first[i][a] + mids[(i + 1).min(ip)][ip]).fold(f64::INFINITY, f64::min))
                .collect()
        })
        .collect();
    let whole = Quadratic::new(f, -0.5, 0.5, -0.5);
    let mut t: [[Vec<f64>; 2]; 3] = std::array::from_fn(|_| [vec![0.0; p * p], vec![0.0; p * p]]);
    for (a, &(va, sa)) in st.iter().enumerate() {
        let left = [between([1.0, 0.0], va), between([0.0, 1.0], sa)].concat();
        for (b, &(vb, sb)) in st.iter().enumerate() {
            // No kink inside: one line, α ∈ V_a, β ∈ S_a, α + β ∈ V_b (and β ∈ S_b without a kink on the cut).
            let one = [left.clone(), between([1.0, 1.0], vb)].concat();
            let d0 = [
                min_on_polygon(&whole, &[one.clone(), between([0.0, 1.0], sb)].concat()),
                min_on_polygon(&whole, &one),
            ];
            for flag in 0..2 {
                // Unjoined, then joined where computed: both bound the same minimum, the larger holds.
                let mut d1 = (0..GRID).map(|i| first[i][a] + last[i + 1][flag][b]).fold(d0[flag], f64::min);
                let mut d2 = (1..GRID).map(|ip| w[ip][a] + last[ip + 1][flag][b]).fold(d1, f64::min);
                if let Some((one, two)) = joined {
                    d1 = d1.max(one[flag][a * p + b].min(d0[flag]));
                    d2 = d2.max(two[flag][a * p + b].min(d1));
                }
                t[0][flag][a * p + b] = d0[flag];
                t[1][flag][a * p + b] = d1;
                t[2][flag][a * p + b] = d2;
            }
        }
    }
    CellTable { states: p, t }
}

/// The transfer costs at λ: min over the kink counts (inside, and on the cut) of D + λ·count. Three
/// kinks or more cost at least 3λ from any state to any other; only the pairs below that are kept,
/// row by row (a is the row).
fn transfer(c: &CellTable, lambda: f64) -> Vec<Vec<(u32, f64)>> {
    let (t, p) = (&c.t, c.states);
    (0..p)
        .map(|a| {
            (0..p)
                .filter_map(|b| {
                    let i = a * p + b;
                    let v = [
                        t[0][0][i],
                        t[0][1][i] + lambda,
                        t[1][0][i] + lambda,
                        t[1][1][i] + 2.0 * lambda,
                        t[2][0][i] + 2.0 * lambda,
                    ]
                    .into_iter()
                    .fold(f64::INFINITY, f64::min);
                    (v < 3.0 * lambda).then_some((b as u32, v))
                })
                .collect()
        })
        .collect()
}

/// C(λ) for every run length 1..=`len` starting with a peak (index 0) and with a valley (index 1).
fn runs(peak: &[Vec<(u32, f64)>], valley: &[Vec<(u32, f64)>], lambda: f64, len: usize) -> [Vec<f64>; 2] {
    let p = peak.len();
    let mut out: [Vec<f64>; 2] = [Vec::with_capacity(len), Vec::with_capacity(len)];
    for (start, o) in out.iter_mut().enumerate() {
        let mut cost = vec![0.0; p];
        for c in 0..len {
            let m = if (c + start) % 2 == 0 { peak } else { valley };
            let floor = super::minplus::min_of(&cost) + 3.0 * lambda;
            let mut next = vec![floor; p];
            for (row, &ca) in m.iter().zip(&cost) {
                for &(b, r) in row {
                    let v = ca + r;
                    if v < next[b as usize] {
                        next[b as usize] = v;
                    }
                }
            }
            cost = next;
            o.push(super::minplus::min_of(&cost));
        }
    }
    out
}

/// The λ grid (units of the unit cell's cost per kink).
fn lambdas() -> Vec<f64> {
    (0..=40).map(|i| 0.2 * i as f64 / 40.0).collect()
}

/// The peak's and the valley's tables, computed once.
pub fn tables() -> &'static (CellTable, CellTable) {
    static CACHE: OnceLock<(CellTable, CellTable)> = OnceLock::new();
    CACHE.get_or_init(|| (cell_table(peak), cell_table(valley)))
}

/// Per λ: C(λ) of every run of 1..=[`RUN`] cells, peak-first and valley-first. Computed once.
fn run_costs() -> &'static Vec<[Vec<f64>; 2]> {
    static CACHE: OnceLock<Vec<[Vec<f64>; 2]>> = OnceLock::new();
    CACHE.get_or_init(|| {
        let (p, v) = tables();
        use rayon::prelude::*;
        lambdas().into_par_iter().map(|l| run_costs_at(p, v, l)).collect()
    })
}

/// C(λ) of every run of 1..=[`RUN`] cells over the peak's and valley's tables `p`, `v` (any metric
/// whose cost scales by h, as L2 and L1 do).
pub(crate) fn run_costs_at(p: &CellTable, v: &CellTable, lambda: f64) -> [Vec<f64>; 2] {
    runs(&transfer(p, lambda), &transfer(v, lambda), lambda, RUN)
}

/// The chain's cost at λ for Δ^k with at most `kinks` kinks, from the run costs `r` at λ:
/// C(λ) − λ·kinks, scaled by h (not clamped at 0).
pub(crate) fn chain_total(r: &[Vec<f64>; 2], lambda: f64, kinks: u64, k: u32) -> f64 {
    let n = (1usize << k) - 1;
    let h = 1.0 / (1u64 << k) as f64;
    let (full, rest) = (n / RUN, n % RUN);
    // Runs alternate their first cell when RUN is odd; charge each by its own start.
    let mut total = 0.0;
    let mut start = 0;
    for _ in 0..full {
        total += r[start][RUN - 1];
        start = (start + RUN) % 2;
    }
    if rest > 0 {
        total += r[start][rest - 1];
    }
    // Rounding in the tables (≈ 10⁻¹⁶ each) cannot lift the bound: an absolute margin too.
    (total - lambda * kinks as f64 - 1e-12 * n as f64) * h
}

/// A lower bound on the MSE of any continuous piecewise-linear g with at most `kinks` kinks in
/// (0,1) against Δ^k (k ≥ 1), by the chain of cells (module docs): for k ≤
/// [`super::counted::COUNTED_K`] the larger of the λ bound and the kinks counted exactly.
pub fn sawtooth_mse_bound(kinks: u64, k: u32) -> f64 {
    let lambda = lambda_bound(kinks, k);
    lambda.max(super::counted::sawtooth_mse_bound(kinks, k))
}

/// The λ bound (weak duality, runs of [`RUN`] cells).
fn lambda_bound(kinks: u64, k: u32) -> f64 {
    let runs = run_costs();
    lambdas().iter().zip(runs).map(|(&l, r)| chain_total(r, l, kinks, k)).fold(0.0f64, f64::max) * (1.0 - MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    /// ∫ (f − g)² over \[−½, ½\] for g through `pts` (x increasing from −½ to ½), exactly: on
    /// every piece between f's and g's breakpoints the integrand is a quadratic (Simpson).
    fn cost(f: fn(f64) -> f64, pts: &[(f64, f64)]) -> f64 {
        let g = |x: f64| {
            let i = pts.partition_point(|p| p.0 <= x).clamp(1, pts.len() - 1);
            let ((x0, y0), (x1, y1)) = (pts[i - 1], pts[i]);
            y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        };
        let mut cuts: Vec<f64> = pts.iter().map(|p| p.0).chain([0.0]).collect();
        cuts.sort_by(f64::total_cmp);
        cuts.windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let d = |x: f64| (f(x) - g(x)).powi(2);
                (b - a) / 6.0 * (d(a) + 4.0 * d(0.5 * (a + b)) + d(b))
            })
            .sum()
    }

    fn state_of(value: f64, slope: f64) -> usize {
        let inside = |x: f64, (lo, hi): (f64, f64)| lo <= x && x <= hi;
        states().iter().position(|&(v, s)| inside(value, v) && inside(slope, s)).unwrap()
    }

    #[test]
    fn no_function_on_a_cell_costs_less_than_its_table_entry() {
        // Random continuous g on a cell with 0, 1 or 2 kinks inside, then a kink on the right cut or
        // none: its exact cost is at least the table's entry for its states and counts.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for (f, table) in [(peak as fn(f64) -> f64, cell_table(peak)), (valley, cell_table(valley))] {
            let p = table.states;
            let mut tight = 0;
            for trial in 0..3000 {
                let j = trial % 3;
                let mut xs: Vec<f64> = (0..j).map(|_| rng.random_range(-0.5..0.5)).collect();
                xs.sort_by(f64::total_cmp);
                let mut pts = vec![(-0.5, 0.0)];
                pts.extend(xs.iter().map(|&x| (x, 0.0)));
                pts.push((0.5, 0.0));
                // Near the tent (mostly), so the small entries are exercised too.
                let spread = [0.02, 0.1, 0.5][trial % 3];
                for pt in pts.iter_mut() {
                    pt.1 = f(pt.0) + rng.random_range(-spread..spread);
                }
                let n = pts.len();
                let first = (pts[1].1 - pts[0].1) / (pts[1].0 - pts[0].0);
                let last = (pts[n - 1].1 - pts[n - 2].1) / (pts[n - 1].0 - pts[n - 2].0);
                let flag = trial % 2;
                let next = if flag == 0 { last } else { rng.random_range(-2.5..2.5) };
                let (a, b) = (state_of(pts[0].1, first), state_of(pts[n - 1].1, next));
                let c = cost(f, &pts);
                let entry = table.t[j][flag][a * p + b];
                assert!(c >= entry - 1e-12, "j={j} flag={flag}: g {pts:?} costs {c} < {entry}");
                tight += usize::from(entry > 0.5 * c && c > 1e-4);
            }
            assert!(tight > 100, "only {tight} entries within half of their function's cost");
        }
    }

    #[test]
    fn a_missing_kink_costs_more_in_the_chain_than_in_blocks_and_less_than_the_flat_tail() {
        // Per missing kink where the bound is near nMSE 0.1 (a tenth to a fifth of the kinks gone),
        // in MSE units of h: blocks ≈ 0.042, the flat tail of the construction h/12 ≈ 0.083 (it is
        // reached, so the chain cannot exceed it). The λ bound: the counted chain's window ends
        // before a tenth of the kinks is gone from k = 8 on.
        for k in [6u32, 8, 10] {
            let n = (1u64 << k) - 1;
            let h = 1.0 / (1u64 << k) as f64;
            let (a, b) = (lambda_bound(n - n / 5, k), lambda_bound(n - n / 10, k));
            let per_kink = (a - b) / (n / 5 - n / 10) as f64 / h;
            assert!((0.07..0.0834).contains(&per_kink), "k={k}: {per_kink}");
        }
        // With every kink there is nothing to charge.
        assert_eq!(sawtooth_mse_bound(255, 8), 0.0);
    }
}
