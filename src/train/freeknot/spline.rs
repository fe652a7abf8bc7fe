//! A continuous piecewise-linear fit to sorted 1-D samples in the hat (nodal) basis.
//!
//! Knots 0 = t_0 < t_1 < … < t_K < t_{K+1} = 1 and nodal values u_i give g(x) = Σ_i u_i φ_i(x), with
//! φ_i the hat that is 1 at t_i and 0 at the other knots. A sample x lies in interval j when
//! t_j ≤ x < t_{j+1}; there g(x) = u_j (t_{j+1} − x)/h_j + u_{j+1} (x − t_j)/h_j.
//!
//! **Least squares** for the nodal values of a range of nodes (the others fixed) has a tridiagonal
//! normal matrix (each sample touches two hats), solved by the Thomas algorithm in O(n + K). In this
//! basis the normal matrix is well conditioned (after diagonal scaling, about 3 for evenly spread
//! samples), so no ridge is added. It is non-singular exactly when the Schoenberg–Whitney condition
//! holds (increasing samples ξ_i in the open support of each free hat φ_i, [`Spline::solvable`]);
//! the trainer keeps it true.

/// The fit: knots and nodal values on \[0,1\].
#[derive(Debug, Clone, PartialEq)]
pub struct Spline {
    /// t_0 = 0 < t_1 < … < t_{K+1} = 1.
    pub t: Vec<f64>,
    /// Nodal values u_0..u_{K+1}.
    pub u: Vec<f64>,
}

/// Sorted samples (x increasing in [0,1)).
#[derive(Debug, Clone)]
pub struct Samples {
    /// Points, increasing.
    pub xs: Vec<f64>,
    /// Values.
    pub ys: Vec<f64>,
}

impl Samples {
    /// Sort the pairs by x.
    pub fn new(xs: &[f64], ys: &[f64]) -> Self {
        let mut idx: Vec<usize> = (0..xs.len()).collect();
        idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
        Self { xs: idx.iter().map(|&i| xs[i]).collect(), ys: idx.iter().map(|&i| ys[i]).collect() }
    }
    /// Index of the first sample ≥ x.
    pub fn first_at(&self, x: f64) -> usize {
        self.xs.partition_point(|&p| p < x)
    }
}

impl Spline {
    /// The affine fit's shape: no interior knot.
    pub fn affine() -> Self {
        Self { t: vec![0.0, 1.0], u: vec![0.0, 0.0] }
    }

    /// Interior knots K.
    pub fn interior(&self) -> usize {
        self.t.len() - 2
    }

    /// Sample index range of interval j (t_j ≤ x < t_{j+1}; the last interval takes x = 1 too).
    pub fn range(&self, s: &Samples, j: usize) -> std::ops::Range<usize> {
        let end = if j + 2 == self.t.len() { s.xs.len() } else { s.first_at(self.t[j + 1]) };
        s.first_at(self.t[j])..end
    }

    /// Sample index range of intervals lo..hi (exclusive).
    pub fn span(&self, s: &Samples, lo: usize, hi: usize) -> std::ops::Range<usize> {
        let end = if hi + 1 >= self.t.len() { s.xs.len() } else { s.first_at(self.t[hi]) };
        s.first_at(self.t[lo])..end
    }

    /// g at x inside interval j.
    #[inline]
    pub fn at(&self, j: usize, x: f64) -> f64 {
        let h = self.t[j + 1] - self.t[j];
        (self.u[j] * (self.t[j + 1] - x) + self.u[j + 1] * (x - self.t[j])) / h
    }

    /// Σ (g − y)² over the samples in intervals lo..hi.
    pub fn sse(&self, s: &Samples, lo: usize, hi: usize) -> f64 {
        let mut total = 0.0;
        for j in lo..hi {
            for p in self.range(s, j) {
                let e = self.at(j, s.xs[p]) - s.ys[p];
                total += e * e;
            }
        }
        total
    }

    /// Whether the least-squares problem for the nodal values of nodes lo..=hi is non-singular:
    /// increasing samples ξ_i with t_{i−1} < ξ_i < t_{i+1} (Schoenberg–Whitney).
    pub fn solvable(&self, s: &Samples, lo: usize, hi: usize) -> bool {
        let last = self.t.len() - 1;
        let mut next = 0usize;
        for i in lo..=hi {
            let left = if i == 0 { 0 } else { s.xs.partition_point(|&p| p <= self.t[i - 1]) };
            let p = next.max(left);
            let inside = p < s.xs.len() && (i == last || s.xs[p] < self.t[i + 1]);
            if !inside {
                return false;
            }
            next = p + 1;
        }
        true
    }

    /// Least-squares nodal values of nodes lo..=hi, the others fixed. Returns false (and changes
    /// nothing) when the system is singular: the Schoenberg–Whitney condition ([`Spline::solvable`])
    /// fails or a pivot vanishes. Time: O(samples in [t_{lo−1}, t_{hi+1}] + hi − lo).
    pub fn solve(&mut self, s: &Samples, lo: usize, hi: usize) -> bool {
        if !self.solvable(s, lo, hi) {
            return false;
        }
        let Tridiag { diag, off, mut rhs, .. } = self.normal_equations(s, lo, hi);
        match thomas(&diag, &off, &mut rhs) {
            Some(()) => {
                self.u[lo..=hi].copy_from_slice(&rhs);
                true
            }
            None => false,
        }
    }

    /// The normal equations for the nodal values of nodes lo..=hi, the others fixed.
    pub fn normal_equations(&self, s: &Samples, lo: usize, hi: usize) -> Tridiag {
        let mut sys = Tridiag::new(lo, hi);
        let first = lo.saturating_sub(1);
        let last = (hi + 1).min(self.t.len() - 2);
        for j in first..=last {
            let h = self.t[j + 1] - self.t[j];
            let (a_free, b_free) = ((lo..=hi).contains(&j), (lo..=hi).contains(&(j + 1)));
            for p in self.range(s, j) {
                let x = s.xs[p];
                let (pa, pb) = ((self.t[j + 1] - x) / h, (x - self.t[j]) / h);
                let mut y = s.ys[p];
                if !a_free {
                    y -= self.u[j] * pa;
                }
                if !b_free {
                    y -= self.u[j + 1] * pb;
                }
                sys.add(j, pa, pb, y);
            }
        }
        sys
    }

    /// Insert a knot at x in interval j with value g(x) (the function is unchanged).
    pub fn insert(&mut self, j: usize, x: f64) {
        let v = self.at(j, x);
        self.t.insert(j + 1, x);
        self.u.insert(j + 1, v);
    }
}

/// Normal equations over unknowns lo..=hi from samples that each touch two neighbours (j, j + 1)
/// with weights (a, b): diag += a², b²; off += a·b; rhs += a·y, b·y, for the unknowns among them.
pub struct Tridiag {
    lo: usize,
    hi: usize,
    /// Diagonal.
    pub diag: Vec<f64>,
    /// `off[i]` couples unknowns i and i + 1.
    pub off: Vec<f64>,
    /// Right-hand side.
    pub rhs: Vec<f64>,
}

impl Tridiag {
    /// An empty system over unknowns lo..=hi.
    pub fn new(lo: usize, hi: usize) -> Self {
        let n = hi - lo + 1;
        Self { lo, hi, diag: vec![0.0; n], off: vec![0.0; n], rhs: vec![0.0; n] }
    }

    /// One sample touching unknowns j (weight a) and j + 1 (weight b) with value y.
    #[inline]
    pub fn add(&mut self, j: usize, a: f64, b: f64, y: f64) {
        let (fa, fb) = ((self.lo..=self.hi).contains(&j), (self.lo..=self.hi).contains(&(j + 1)));
        if fa {
            self.diag[j - self.lo] += a * a;
            self.rhs[j - self.lo] += a * y;
        }
        if fb {
            self.diag[j + 1 - self.lo] += b * b;
            self.rhs[j + 1 - self.lo] += b * y;
        }
        if fa && fb {
            self.off[j - self.lo] += a * b;
        }
    }
}

/// Solve the symmetric tridiagonal system (diag, off) z = rhs in place; `off[i]` couples i and i+1.
/// `None` when a pivot vanishes (relative to the diagonal) or the solution is not finite.
pub fn thomas(diag: &[f64], off: &[f64], rhs: &mut [f64]) -> Option<()> {
    let n = diag.len();
    let mut c = vec![0.0; n];
    let mut prev = 0.0;
    for i in 0..n {
        let d = diag[i] - if i > 0 { off[i - 1] * c[i - 1] } else { 0.0 };
        // Written so that a NaN pivot is refused too.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        let singular = !(d > 1e-13 * diag[i].abs().max(f64::MIN_POSITIVE));
        if singular {
            return None;
        }
        c[i] = if i + 1 < n { off[i] / d } else { 0.0 };
        rhs[i] = (rhs[i] - if i > 0 { off[i - 1] * prev } else { 0.0 }) / d;
        prev = rhs[i];
    }
    for i in (0..n.saturating_sub(1)).rev() {
        rhs[i] -= c[i] * rhs[i + 1];
    }
    rhs.iter().all(|v| v.is_finite()).then_some(())
}
