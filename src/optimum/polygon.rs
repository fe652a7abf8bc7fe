//! The least value of a convex quadratic in two variables over a polygon, exactly: the costs of
//! the affine pieces of [`super::chain`], a piece's value and slope at an anchor constrained to
//! intervals.
//!
//! A line ℓ(x) = α + β(x − x₀) against a target f on \[s, e\] costs ∫(f − ℓ)² = zᵀHz − 2rᵀz + c in
//! z = (α, β), with H the moments of x − x₀ (positive definite when s < e). Over a polygon (finitely
//! many half-planes n·z ≤ b) the minimum of a convex quadratic is the free minimiser when that is
//! feasible, and otherwise lies on an edge: on each constraint's line the feasible part is an
//! interval (the other half-planes cut it), on which q is a convex parabola, minimised in closed form.

/// The cost of ℓ(x) = α + β(x − x₀) against f on \[s, e\] as a quadratic in z = (α, β):
/// zᵀHz − 2rᵀz + c, exact (f is affine on each side of its one kink at 0, so Simpson's rule is).
#[derive(Debug, Clone, Copy)]
pub struct Quadratic {
    h: [[f64; 2]; 2],
    r: [f64; 2],
    c: f64,
}

impl Quadratic {
    /// The cost of a line anchored at `x0` on \[s, e\] against `f` (affine on either side of 0).
    pub fn new(f: fn(f64) -> f64, s: f64, e: f64, x0: f64) -> Self {
        let mut q = Quadratic { h: [[0.0; 2]; 2], r: [0.0; 2], c: 0.0 };
        let mut parts = vec![s];
        if s < 0.0 && 0.0 < e {
            parts.push(0.0);
        }
        parts.push(e);
        for w in parts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = b - a;
            for (x, wt) in [(a, 1.0), (0.5 * (a + b), 4.0), (b, 1.0)] {
                let (u, y, wt) = (x - x0, f(x), wt * len / 6.0);
                q.h[0][0] += wt;
                q.h[0][1] += wt * u;
                q.h[1][1] += wt * u * u;
                q.r[0] += wt * y;
                q.r[1] += wt * y * u;
                q.c += wt * y * y;
            }
        }
        q.h[1][0] = q.h[0][1];
        q
    }

    /// The same cost plus gᵀz + c₀ (a linear tilt: a Lagrangian term; the minimum may then be
    /// negative, see [`min_on_polygon_signed`]).
    pub fn tilted(&self, g: [f64; 2], c0: f64) -> Self {
        Quadratic { h: self.h, r: [self.r[0] - 0.5 * g[0], self.r[1] - 0.5 * g[1]], c: self.c + c0 }
    }

    /// Its value at z.
    pub fn at(&self, z: [f64; 2]) -> f64 {
        let hz = [self.h[0][0] * z[0] + self.h[0][1] * z[1], self.h[1][0] * z[0] + self.h[1][1] * z[1]];
        z[0] * hz[0] + z[1] * hz[1] - 2.0 * (self.r[0] * z[0] + self.r[1] * z[1]) + self.c
    }
}

/// A half-plane n·z ≤ b.
pub type Half = ([f64; 2], f64);

/// The half-planes lo ≤ n·z ≤ hi (infinite ends omitted).
pub fn between(n: [f64; 2], (lo, hi): (f64, f64)) -> Vec<Half> {
    let mut out = Vec::new();
    if hi.is_finite() {
        out.push((n, hi));
    }
    if lo.is_finite() {
        out.push(([-n[0], -n[1]], -lo));
    }
    out
}

/// Up to eight half-planes on the stack: the hot loops' polygons, built without allocating (the
/// same half-planes in the same order as [`between`] gives), grown and cut back in place.
#[derive(Debug, Clone, Copy)]
pub struct Polygon {
    halves: [Half; 8],
    len: usize,
}

impl Polygon {
    /// The half-planes `base` (at most eight).
    pub fn of(base: &[Half]) -> Self {
        let mut halves = [([0.0; 2], 0.0); 8];
        halves[..base.len()].copy_from_slice(base);
        Polygon { halves, len: base.len() }
    }

    /// Adds lo ≤ n·z ≤ hi, as [`between`]. Panics beyond eight half-planes.
    pub fn push_between(&mut self, n: [f64; 2], (lo, hi): (f64, f64)) {
        if hi.is_finite() {
            self.halves[self.len] = (n, hi);
            self.len += 1;
        }
        if lo.is_finite() {
            self.halves[self.len] = ([-n[0], -n[1]], -lo);
            self.len += 1;
        }
    }

    /// Its number of half-planes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has none (the whole plane).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keeps its first `len` half-planes.
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Its half-planes.
    pub fn halves(&self) -> &[Half] {
        &self.halves[..self.len]
    }
}

/// The minimum of the convex quadratic `q` over the polygon ∩ `halves` (∞ when empty), clamped at 0.
/// Exact: the free minimiser when it is feasible, else the minimum lies on an edge, and on each
/// constraint's line the feasible part is an interval on which q is a convex parabola.
pub fn min_on_polygon(q: &Quadratic, halves: &[Half]) -> f64 {
    min_on_polygon_signed(q, halves).max(0.0)
}

/// [`min_on_polygon`] without the clamp at 0 (for a [`Quadratic::tilted`] cost, which may be
/// negative).
pub fn min_on_polygon_signed(q: &Quadratic, halves: &[Half]) -> f64 {
    const TOL: f64 = 1e-12;
    let det = q.h[0][0] * q.h[1][1] - q.h[0][1] * q.h[1][0];
    if det > 0.0 {
        let z = [(q.h[1][1] * q.r[0] - q.h[0][1] * q.r[1]) / det, (q.h[0][0] * q.r[1] - q.h[1][0] * q.r[0]) / det];
        if halves.iter().all(|(n, b)| n[0] * z[0] + n[1] * z[1] <= b + TOL) {
            return q.at(z);
        }
    }
    let mut best = f64::INFINITY;
    for (i, (n, b)) in halves.iter().enumerate() {
        let nn = n[0] * n[0] + n[1] * n[1];
        let p0 = [n[0] * b / nn, n[1] * b / nn];
        let d = [-n[1], n[0]];
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut empty = false;
        for (j, (m, c)) in halves.iter().enumerate() {
            if j == i {
                continue;
            }
            let md = m[0] * d[0] + m[1] * d[1];
            let rhs = c - (m[0] * p0[0] + m[1] * p0[1]);
            if md.abs() < 1e-15 {
                empty |= rhs < -TOL;
            } else if md > 0.0 {
                hi = hi.min(rhs / md);
            } else {
                lo = lo.max(rhs / md);
            }
        }
        if empty || lo > hi + TOL {
            continue;
        }
        // q(p0 + t d) = a2 t² + a1 t + q(p0).
        let hd = [q.h[0][0] * d[0] + q.h[0][1] * d[1], q.h[1][0] * d[0] + q.h[1][1] * d[1]];
        let a2 = d[0] * hd[0] + d[1] * hd[1];
        let a1 = 2.0 * (p0[0] * hd[0] + p0[1] * hd[1]) - 2.0 * (q.r[0] * d[0] + q.r[1] * d[1]);
        let t = if a2 > 0.0 { -a1 / (2.0 * a2) } else { 0.0 };
        let t = t.clamp(lo, hi.max(lo));
        let t = if t.is_finite() {
            t
        } else if lo.is_finite() {
            lo
        } else {
            hi
        };
        if t.is_finite() {
            best = best.min(q.at([p0[0] + t * d[0], p0[1] + t * d[1]]));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimum::chain::peak;
    use rand::RngExt;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn a_polygon_grown_and_cut_in_place_holds_what_between_gives_in_the_same_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let end =
            |rng: &mut ChaCha8Rng, inf: f64| if rng.random::<f64>() < 0.3 { inf } else { rng.random_range(-2.0..2.0) };
        for _ in 0..200 {
            let cuts: Vec<([f64; 2], (f64, f64))> = (0..4)
                .map(|_| {
                    (
                        [rng.random_range(-1.0..1.0), 1.0],
                        (end(&mut rng, f64::NEG_INFINITY), end(&mut rng, f64::INFINITY)),
                    )
                })
                .collect();
            let base = between(cuts[0].0, cuts[0].1);
            let mut poly = Polygon::of(&base);
            poly.push_between(cuts[3].0, cuts[3].1);
            poly.truncate(base.len());
            for &(n, w) in &cuts[1..] {
                poly.push_between(n, w);
            }
            let want: Vec<Half> = cuts.iter().flat_map(|&(n, w)| between(n, w)).collect();
            assert_eq!(poly.halves(), &want[..]);
            assert_eq!(poly.len(), want.len());
        }
    }

    #[test]
    fn the_polygon_minimum_is_the_least_value_on_a_fine_grid_of_the_polygon() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..300 {
            let (s, e) = (rng.random_range(-0.5..0.3), 0.0);
            let e = rng.random_range(s + 0.05..0.5f64.max(e));
            let q = Quadratic::new(peak, s, e, s);
            let a = rng.random_range(-0.5..1.5);
            let b = rng.random_range(-2.0..2.0);
            let (av, bv) = ((a, a + rng.random_range(0.0..0.3)), (b, b + rng.random_range(0.0..0.6)));
            let halves = [between([1.0, 0.0], av), between([0.0, 1.0], bv)].concat();
            let exact = min_on_polygon(&q, &halves);
            let mut grid = f64::INFINITY;
            for i in 0..=200 {
                for j in 0..=200 {
                    let z = [av.0 + (av.1 - av.0) * i as f64 / 200.0, bv.0 + (bv.1 - bv.0) * j as f64 / 200.0];
                    grid = grid.min(q.at(z));
                }
            }
            assert!(exact <= grid + 1e-12, "min on the polygon {exact} above a point of it {grid}");
            assert!(exact >= grid - 1e-4 * (1.0 + grid), "min {exact} far below the grid's {grid}");
        }
    }
}
