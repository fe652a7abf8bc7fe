//! The sawtooth's chain of cells in L1: [`super::chain`]'s λ bound with each piece's L1 cost bounded
//! from below by duality.
//!
//! **A piece's cost.** For a line ℓ(x) = α + β(x − x₀) on \[s, e\] and any w with |w| ≤ 1,
//! ∫|f − ℓ| ≥ ∫w(f − ℓ) = C − αA − βB with A = ∫w, B = ∫w·(x − x₀), C = ∫w·f. Over a state's box
//! (α ∈ V, β ∈ S) the least of the right side is C − sup_V αA − sup_S βB, finite when A and B have
//! the sign that keeps an unbounded end from paying (an A within 10⁻¹² of 0 counts only on a
//! bounded interval). The bound is the largest over a family of w: every ±1 function with at most
//! two sign changes at the points of a grid of [`PATTERN_GRID`] intervals (f − ℓ changes sign at
//! most twice on a cell, so w = sign(f − ℓ*) of the best constrained ℓ* is near one of them), and
//! the canonical w (+1 on the outer quarters, −1 in the middle half), orthogonal to every line, so
//! |∫w·f| bounds any box, unbounded or not (as in [`super::cells`]). All of it is exact arithmetic
//! on piecewise-linear integrals.
//!
//! **The cell table.** As in [`super::chain`], with three relaxations more (each only lowers an
//! entry): a cell without a kink inside is charged the larger of its line's cost from the left
//! state alone and from the right state alone (not both at once); a piece after a kink on the right
//! cut (slope free) only by the canonical w; two kinks inside drop the piece between them. Then
//! the λ bound (weak duality over the kink count, runs of [`super::chain::RUN`] cells) is the
//! L2 chain's, with a λ grid scaled to L1 costs.

use super::chain::{CellTable, State, peak, states, valley};
use std::sync::OnceLock;

/// Pattern grid intervals per piece.
pub const PATTERN_GRID: usize = 32;
/// Grid intervals per cell for the kinks inside it.
const GRID: usize = 32;
/// Relative shrink of every bound (rounding cannot lift it).
const MARGIN: f64 = 1e-9;

/// (∫1, ∫(x − x₀), ∫f) over \[a, b\], f affine on each side of 0: exact.
fn moments(f: fn(f64) -> f64, a: f64, b: f64, x0: f64) -> [f64; 3] {
    let mut parts = vec![a];
    if a < 0.0 && 0.0 < b {
        parts.push(0.0);
    }
    parts.push(b);
    let mut m = [0.0; 3];
    for w in parts.windows(2) {
        let (u, v) = (w[0], w[1]);
        let len = v - u;
        m[0] += len;
        m[1] += len * (0.5 * (u + v) - x0);
        m[2] += len * 0.5 * (f(u) + f(v));
    }
    m
}

/// The duality bounds of a line on \[s, e\] anchored at `x0` against f: the patterns' (A, B, C),
/// and the canonical |∫w·f|.
pub(crate) struct Piece {
    patterns: Vec<[f64; 3]>,
    canonical: f64,
}

impl Piece {
    pub(crate) fn new(f: fn(f64) -> f64, s: f64, e: f64, x0: f64) -> Self {
        Self::with_grid(f, s, e, x0, PATTERN_GRID)
    }

    pub(crate) fn with_grid(f: fn(f64) -> f64, s: f64, e: f64, x0: f64, g: usize) -> Self {
        let x: Vec<f64> = (0..=g).map(|i| s + (e - s) * i as f64 / g as f64).collect();
        let mut prefix = vec![[0.0; 3]; g + 1];
        for i in 0..g {
            let m = moments(f, x[i], x[i + 1], x0);
            prefix[i + 1] = [prefix[i][0] + m[0], prefix[i][1] + m[1], prefix[i][2] + m[2]];
        }
        let seg = |i: usize, j: usize| -> [f64; 3] { std::array::from_fn(|c| prefix[j][c] - prefix[i][c]) };
        let mut patterns = Vec::new();
        for i1 in 0..=g {
            for i2 in i1..=g {
                let (l, mid, r) = (seg(0, i1), seg(i1, i2), seg(i2, g));
                let w: [f64; 3] = std::array::from_fn(|c| l[c] - mid[c] + r[c]);
                patterns.push(w);
                patterns.push([-w[0], -w[1], -w[2]]);
            }
        }
        let q = |t: f64| s + (e - s) * t;
        let canon = moments(f, s, q(0.25), x0)[2] - moments(f, q(0.25), q(0.75), x0)[2] + moments(f, q(0.75), e, x0)[2];
        Piece { patterns, canonical: canon.abs() }
    }

    /// The least cost over lines with α ∈ `v` and β ∈ `sl`, from below.
    fn over(&self, (v, sl): &State) -> f64 {
        self.patterns
            .iter()
            .filter_map(|&[a, b, c]| Some(c - sup(a, *v)? - sup(b, *sl)?))
            .fold(self.canonical, f64::max)
    }

    /// The least of cost − m·min(|β − s|, 1) over lines in the box `st`, from below (the rewarded
    /// pieces of [`super::chain_units`] in L1): per w, C − sup_V αA − sup_S (βB + m·min(|β − s|, 1)),
    /// the second sup at S's finite ends or the breakpoints s, s ± 1 inside it.
    pub(crate) fn rewarded(&self, (v, sl): &State, m: f64, s: f64) -> f64 {
        let (lo, hi) = *sl;
        let phi = |beta: f64, b: f64| beta * b + m * (beta - s).abs().min(1.0);
        let at_candidates = |b: f64| {
            [lo, hi, s - 1.0, s, s + 1.0]
                .into_iter()
                .filter(|&x| x.is_finite() && lo <= x && x <= hi)
                .map(|x| phi(x, b))
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let reward_sup = |b: f64| -> Option<f64> {
            let bounded = lo.is_finite() && hi.is_finite();
            if b.abs() <= 1e-12 {
                return bounded.then(|| at_candidates(b) + 1e-12 * lo.abs().max(hi.abs()));
            }
            // On an unbounded side βb must fall; the sup is then at a finite candidate.
            let open = if b > 0.0 { hi.is_infinite() } else { lo.is_infinite() };
            (!open).then(|| at_candidates(b))
        };
        // The canonical w is orthogonal to every line: only the reward is left to subtract.
        let largest_reward = if lo.is_finite() && hi.is_finite() { at_candidates(0.0) } else { m };
        self.patterns
            .iter()
            .filter_map(|&[a, b, c]| Some(c - sup(a, *v)? - reward_sup(b)?))
            .fold(self.canonical - largest_reward, f64::max)
    }

    /// The least cost of one line across the cell (this piece is \[−½, ½\] anchored at −½) from
    /// state `a` at −½ to state `b` at ½, its slope in b's interval too when `flag` is 0, from below:
    /// for each w the least of three sups over supersets of the polygon (one constraint dropped).
    /// +∞ when no such line exists.
    fn across(&self, a: &State, b: &State, flag: usize) -> f64 {
        let ((va, sa), (vb, sb)) = (*a, *b);
        let s = if flag == 0 { (sa.0.max(sb.0), sa.1.min(sb.1)) } else { sa };
        if s.0 > s.1 {
            return f64::INFINITY;
        }
        self.patterns
            .iter()
            .filter_map(|&[pa, pb, c]| {
                // ℓ = α + β(x + ½) = γ + β(x − ½) with γ = α + β the value at ½.
                let values = sup(pa - pb, va).zip(sup(pb, vb)).map(|(x, y)| x + y);
                let left = sup(pa, va).zip(sup(pb, s)).map(|(x, y)| x + y);
                let right = if flag == 0 { sup(pa, vb).zip(sup(pb - pa, s)).map(|(x, y)| x + y) } else { None };
                let least = [values, left, right].into_iter().flatten().fold(f64::INFINITY, f64::min);
                least.is_finite().then_some(c - least)
            })
            .fold(self.canonical, f64::max)
    }
}

/// sup of a·x over x in (lo, hi): `None` when unbounded (a within 10⁻¹² of 0 counts only on a
/// bounded interval, and then with a margin).
fn sup(a: f64, (lo, hi): (f64, f64)) -> Option<f64> {
    if a.abs() <= 1e-12 {
        return (lo.is_finite() && hi.is_finite()).then(|| (lo * a).max(hi * a) + 1e-12 * lo.abs().max(hi.abs()));
    }
    let end = if a > 0.0 { hi } else { lo };
    end.is_finite().then_some(end * a)
}

/// The L1 table of one cell shape over the states `st` (module docs), in the layout of
/// [`CellTable`]: `t[j][flag][a * p + b]`.
pub fn cell_table_l1(f: fn(f64) -> f64, st: &[State]) -> CellTable {
    use rayon::prelude::*;
    let p = st.len();
    let x: Vec<f64> = (0..=GRID).map(|i| -0.5 + i as f64 / GRID as f64).collect();
    // First piece on [−½, x_i] (α, β at −½ in state a); last on [x_i, ½] (at ½ in state b, or slope free).
    let first: Vec<Vec<f64>> = (0..=GRID)
        .into_par_iter()
        .map(|i| {
            if i == 0 {
                return vec![0.0; p];
            }
            let piece = Piece::new(f, -0.5, x[i], -0.5);
            st.iter().map(|a| piece.over(a)).collect()
        })
        .collect();
    let last: Vec<[Vec<f64>; 2]> = (0..=GRID)
        .into_par_iter()
        .map(|i| {
            if i == GRID {
                return [vec![0.0; p], vec![0.0; p]];
            }
            let piece = Piece::new(f, x[i], 0.5, 0.5);
            [st.iter().map(|b| piece.over(b)).collect(), vec![piece.canonical; p]]
        })
        .collect();
    // Two kinks: the first piece up to the first kink's interval, the last from the second's.
    let w: Vec<Vec<f64>> = (0..=GRID)
        .map(|ip| (0..p).map(|a| (0..ip).map(|i| first[i][a]).fold(f64::INFINITY, f64::min)).collect())
        .collect();
    let mut t: [[Vec<f64>; 2]; 3] = std::array::from_fn(|_| [vec![0.0; p * p], vec![0.0; p * p]]);
    let whole = Piece::with_grid(f, -0.5, 0.5, -0.5, PATTERN_GRID / 2);
    for flag in 0..2 {
        let rows: Vec<[Vec<f64>; 3]> = (0..p)
            .into_par_iter()
            .map(|a| {
                let mut r: [Vec<f64>; 3] = std::array::from_fn(|_| vec![0.0; p]);
                for b in 0..p {
                    let d0 = whole.across(&st[a], &st[b], flag);
                    let d1 = (0..GRID).map(|i| first[i][a] + last[i + 1][flag][b]).fold(d0, f64::min);
                    let d2 = (1..GRID).map(|ip| w[ip][a] + last[ip + 1][flag][b]).fold(d1, f64::min);
                    r[0][b] = d0;
                    r[1][b] = d1;
                    r[2][b] = d2;
                }
                r
            })
            .collect();
        for (a, r) in rows.iter().enumerate() {
            for j in 0..3 {
                t[j][flag][a * p..(a + 1) * p].copy_from_slice(&r[j]);
            }
        }
    }
    CellTable { states: p, t }
}

/// The λ grid (unit-cell L1 per kink; a kink-free cell costs ⅛ there).
fn lambdas() -> Vec<f64> {
    (0..=40).map(|i| 0.5 * i as f64 / 40.0).collect()
}

/// Per λ: the run costs of [`super::chain`] over the L1 tables. Computed once.
fn run_costs() -> &'static Vec<[Vec<f64>; 2]> {
    static CACHE: OnceLock<Vec<[Vec<f64>; 2]>> = OnceLock::new();
    CACHE.get_or_init(|| {
        use rayon::prelude::*;
        let st = states();
        let (p, v) = (cell_table_l1(peak, &st), cell_table_l1(valley, &st));
        lambdas().into_par_iter().map(|l| super::chain::run_costs_at(&p, &v, l)).collect()
    })
}

/// A lower bound on the L1 error of any continuous piecewise-linear g with at most `kinks` kinks in
/// (0,1) against Δ^k (k ≥ 1), by the chain of cells in L1 (module docs).
pub fn sawtooth_l1_bound(kinks: u64, k: u32) -> f64 {
    let runs = run_costs();
    lambdas().iter().zip(runs).map(|(&l, r)| super::chain::chain_total(r, l, kinks, k)).fold(0.0f64, f64::max)
        * (1.0 - MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::Objective;
    use crate::train::Metric;
    use rand::RngExt;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    /// ∫|f − ℓ| on \[s, e\] for ℓ = α + β(x − x0), by a fine midpoint rule (2 000 intervals).
    fn l1(f: fn(f64) -> f64, s: f64, e: f64, x0: f64, al: f64, be: f64) -> f64 {
        let n = 2000;
        let dx = (e - s) / n as f64;
        (0..n).map(|i| s + (i as f64 + 0.5) * dx).map(|x| (f(x) - al - be * (x - x0)).abs() * dx).sum()
    }

    #[test]
    fn no_line_in_a_box_costs_less_than_its_piece_bound_and_the_bound_is_near_the_least() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut ratios = vec![];
        for trial in 0..120 {
            let f = if trial % 2 == 0 { peak } else { valley };
            let (s, e) = (-0.5, rng.random_range(-0.3..0.5));
            let piece = Piece::new(f, s, e, s);
            let a = rng.random_range(0.2..0.9);
            let b = rng.random_range(-2.0..2.0);
            let st: State = ((a, a + rng.random_range(0.01..0.2)), (b, b + rng.random_range(0.05..0.8)));
            let bound = piece.over(&st);
            let mut least = f64::INFINITY;
            for i in 0..=20 {
                for j in 0..=20 {
                    let al = st.0.0 + (st.0.1 - st.0.0) * i as f64 / 20.0;
                    let be = st.1.0 + (st.1.1 - st.1.0) * j as f64 / 20.0;
                    least = least.min(l1(f, s, e, s, al, be));
                }
            }
            // The midpoint rule errs by far less than 1e-6 here.
            assert!(bound <= least + 1e-6, "bound {bound} above a line's cost {least}");
            ratios.push(bound / least.max(1e-12));
        }
        ratios.sort_by(f64::total_cmp);
        // Not vacuous: the median box is bounded within 10% of its least grid cost.
        assert!(ratios[ratios.len() / 2] > 0.9, "median ratio {}", ratios[ratios.len() / 2]);
    }

    #[test]
    fn no_line_across_the_cell_costs_less_than_its_joint_bound() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let whole = Piece::with_grid(peak, -0.5, 0.5, -0.5, PATTERN_GRID / 2);
        for _ in 0..200 {
            // A line (α, β) and boxes around its value and slope at both ends.
            let (al, be) = (rng.random_range(0.0..1.0), rng.random_range(-1.5..1.5));
            let w = |c: f64, r: &mut ChaCha8Rng| (c - r.random_range(0.0..0.1), c + r.random_range(0.0..0.1));
            let a: State = (w(al, &mut rng), w(be, &mut rng));
            let b: State = (w(al + be, &mut rng), w(be, &mut rng));
            let cost = l1(peak, -0.5, 0.5, -0.5, al, be);
            for flag in 0..2 {
                let bound = whole.across(&a, &b, flag);
                assert!(bound <= cost + 1e-6, "flag {flag}: bound {bound} above the line's cost {cost}");
            }
        }
    }

    #[test]
    fn no_g_near_the_sawtooth_and_no_explicit_net_beats_the_l1_chain() {
        // Random knot sets near Δ^k's kinks (some dropped), g interpolating Δ^k at its knots: its L1
        // error is at least the bound at its kink count; and the explicit nets' too.
        for k in 2..=5u32 {
            let n = 1usize << k;
            let f = crate::family::sawtooth::Sawtooth::new(k).unwrap().pwl().unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(u64::from(k));
            for _ in 0..300 {
                let mut t = vec![];
                for i in 1..n {
                    if rng.random_bool(0.8) {
                        t.push((i as f64 + rng.random_range(-0.3..0.3)) / n as f64);
                    }
                }
                t.sort_by(f64::total_cmp);
                t.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
                let mut xs = vec![0.0];
                xs.extend(&t);
                xs.push(1.0);
                let ys: Vec<f64> = xs.iter().map(|&x| f.eval(x)).collect();
                let g = crate::net::Pwl::new(xs, ys);
                let e = f.errors(&g).l1;
                let b = sawtooth_l1_bound(t.len() as u64, k);
                assert!(e >= b, "k={k}, {} kinks: L1 {e} below the bound {b}", t.len());
            }
            for m in 1..n as u64 {
                let e = crate::family::sawtooth::theory::error_bound(crate::family::Bound::Upper, m, k, Metric::L1);
                let b = sawtooth_l1_bound(m, k);
                assert!(e >= b, "k={k}, width {m}: explicit L1 {e} below the bound {b}");
            }
        }
    }

    #[test]
    fn l1_refits_on_knot_grids_of_small_sawtooths_stay_above_the_chain() {
        // Knot sets near Δ^k's kinks (Δ², Δ³, every number of kinks below 2^k − 1), values fitted in L1
        // by coordinate descent from the L2 projection (L1 is convex in the values): never below the
        // bound at the kink count. (Coordinate descent stalls on L1's corners, so these refits stay
        // 1.4–5 times the bound; the explicit nets of the test above come closer.)
        for k in [2u32, 3] {
            let n = 1usize << k;
            let f = crate::family::sawtooth::Sawtooth::new(k).unwrap().pwl().unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(40 + u64::from(k));
            for m in 1..n - 1 {
                let b = sawtooth_l1_bound(m as u64, k);
                let mut best = f64::INFINITY;
                for _ in 0..60 {
                    // m of Δ^k's kinks, each moved by up to 0.3h.
                    let mut idx: Vec<usize> = (1..n).collect();
                    for i in (1..idx.len()).rev() {
                        idx.swap(i, rng.random_range(0..=i));
                    }
                    let mut t: Vec<f64> =
                        idx[..m].iter().map(|&i| (i as f64 + rng.random_range(-0.3..0.3)) / n as f64).collect();
                    t.sort_by(f64::total_cmp);
                    let Some(g) = crate::optimum::project::project(&f, &t) else { continue };
                    let xs = g.xs().to_vec();
                    let mut ys = g.ys().to_vec();
                    let err = |ys: &[f64]| f.errors(&crate::net::Pwl::new(xs.clone(), ys.to_vec())).l1;
                    for _ in 0..8 {
                        for j in 0..ys.len() {
                            let (mut lo, mut hi) = (ys[j] - 0.5, ys[j] + 0.5);
                            for _ in 0..40 {
                                let (m1, m2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
                                let (mut y1, mut y2) = (ys.clone(), ys.clone());
                                y1[j] = m1;
                                y2[j] = m2;
                                if err(&y1) < err(&y2) { hi = m2 } else { lo = m1 }
                            }
                            ys[j] = 0.5 * (lo + hi);
                        }
                    }
                    let e = err(&ys);
                    assert!(e >= b, "k={k}, m={m}, knots {t:?}: L1 {e} below the bound {b}");
                    best = best.min(e);
                }
                assert!(best < 6.0 * b, "k={k}, m={m}: bound {b}, best refit {best}");
            }
        }
    }
}
