//! Continuous piecewise-linear functions on \[0,1\] and their exact errors.
//!
//! A [`Pwl`] is given by knots 0 = x_0 < x_1 < … < x_n = 1 and values y_j; it is affine between
//! knots. The difference e = f − g of two such functions is affine on every interval of the merged
//! knot set, so on an interval of length h with end values e_0, e_1:
//!
//! - ∫ e² = h·(e_0² + e_0·e_1 + e_1²)/3;
//! - ∫ |e| = h·(|e_0| + |e_1|)/2 when e_0·e_1 ≥ 0, else h·(e_0² + e_1²)/(2(|e_0| + |e_1|));
//! - sup |e| = max(|e_0|, |e_1|).
//!
//! Summing gives the exact L1, MSE and sup errors over \[0,1\] (exact up to floating-point rounding).
//!
//! ```
//! use depthsep::net::Pwl;
//! let f = Pwl::new(vec![0.0, 1.0], vec![0.0, 1.0]); // f(x) = x
//! let g = Pwl::new(vec![0.0, 1.0], vec![0.5, 0.5]); // g(x) = ½
//! let e = f.errors(&g);
//! assert!((e.mse - 1.0 / 12.0).abs() < 1e-15 && (e.l1 - 0.25).abs() < 1e-15 && e.sup == 0.5);
//! ```

use serde::{Deserialize, Serialize};

/// A continuous piecewise-linear function on \[0,1\].
#[derive(Debug, Clone, PartialEq)]
pub struct Pwl {
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// Exact errors between two functions on \[0,1\] under the uniform measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExactErrors {
    /// ∫|f − g|.
    pub l1: f64,
    /// ∫(f − g)².
    pub mse: f64,
    /// max |f − g|.
    pub sup: f64,
}

/// Slopes closer than this (relative to max(1, |slope|)) count as one affine piece.
const SLOPE_RTOL: f64 = 1e-9;

impl Pwl {
    /// Build from knots; panics unless `xs` starts at 0, ends at 1 and strictly increases.
    pub fn new(xs: Vec<f64>, ys: Vec<f64>) -> Self {
        assert_eq!(xs.len(), ys.len(), "knots and values differ in length");
        assert!(xs.len() >= 2 && xs[0] == 0.0 && *xs.last().unwrap() == 1.0, "knots must span [0,1]");
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "knots must strictly increase");
        Self { xs, ys }
    }

    /// Knot positions.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }
    /// Values at the knots.
    pub fn ys(&self) -> &[f64] {
        &self.ys
    }

    /// Value at `x` ∈ \[0,1\] by interpolation. Time: O(log n).
    pub fn eval(&self, x: f64) -> f64 {
        let j = self.xs.partition_point(|&k| k <= x).clamp(1, self.xs.len() - 1);
        lerp(self.xs[j - 1], self.ys[j - 1], self.xs[j], self.ys[j], x)
    }

    /// Slope of each interval between consecutive knots.
    pub fn slopes(&self) -> Vec<f64> {
        self.xs.windows(2).zip(self.ys.windows(2)).map(|(x, y)| (y[1] - y[0]) / (x[1] - x[0])).collect()
    }

    /// Mean and variance under the uniform measure on \[0,1\], exactly: on a piece of length h
    /// with end values y_0, y_1, ∫f = h(y_0 + y_1)/2 and ∫f² = h(y_0² + y_0y_1 + y_1²)/3.
    pub fn moments(&self) -> (f64, f64) {
        let (mut m1, mut m2) = (0.0, 0.0);
        for (x, y) in self.xs.windows(2).zip(self.ys.windows(2)) {
            let h = x[1] - x[0];
            m1 += h * (y[0] + y[1]) / 2.0;
            m2 += h * (y[0] * y[0] + y[0] * y[1] + y[1] * y[1]) / 3.0;
        }
        (m1, m2 - m1 * m1)
    }

    /// Number of maximal affine pieces: intervals whose slopes differ are separate pieces.
    pub fn pieces(&self) -> usize {
        let s = self.slopes();
        1 + s.windows(2).filter(|w| (w[1] - w[0]).abs() > SLOPE_RTOL * w[0].abs().max(w[1].abs()).max(1.0)).count()
    }

    /// The interior knots where the slope changes (as [`Pwl::pieces`] counts them), with their values.
    pub fn kinks(&self) -> Vec<(f64, f64)> {
        let s = self.slopes();
        (1..self.xs.len() - 1)
            .filter(|&i| (s[i] - s[i - 1]).abs() > SLOPE_RTOL * s[i].abs().max(s[i - 1].abs()).max(1.0))
            .map(|i| (self.xs[i], self.ys[i]))
            .collect()
    }

    /// The same function with collinear knots dropped: one knot per kink, plus the ends.
    pub fn merged(&self) -> Pwl {
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = self.kinks().into_iter().unzip();
        xs.insert(0, 0.0);
        ys.insert(0, self.ys[0]);
        xs.push(1.0);
        ys.push(*self.ys.last().unwrap());
        Pwl::new(xs, ys)
    }

    /// Exact L1, MSE and sup errors between `self` and `other` over \[0,1\]. Time: O(n + m).
    pub fn errors(&self, other: &Pwl) -> ExactErrors {
        let (mut l1, mut mse, mut sup) = (0.0, 0.0, 0.0f64);
        let (mut i, mut j) = (1, 1);
        let mut x0 = 0.0;
        let mut e0 = self.ys[0] - other.ys[0];
        while i < self.xs.len() && j < other.xs.len() {
            let x1 = self.xs[i].min(other.xs[j]);
            let f1 = if self.xs[i] == x1 {
                self.ys[i]
            } else {
                lerp(self.xs[i - 1], self.ys[i - 1], self.xs[i], self.ys[i], x1)
            };
            let g1 = if other.xs[j] == x1 {
                other.ys[j]
            } else {
                lerp(other.xs[j - 1], other.ys[j - 1], other.xs[j], other.ys[j], x1)
            };
            let e1 = f1 - g1;
            let h = x1 - x0;
            mse += h * (e0 * e0 + e0 * e1 + e1 * e1) / 3.0;
            l1 += if e0 * e1 >= 0.0 {
                h * (e0.abs() + e1.abs()) / 2.0
            } else {
                h * (e0 * e0 + e1 * e1) / (2.0 * (e0.abs() + e1.abs()))
            };
            sup = sup.max(e0.abs()).max(e1.abs());
            if self.xs[i] == x1 {
                i += 1;
            }
            if other.xs[j] == x1 {
                j += 1;
            }
            x0 = x1;
            e0 = e1;
        }
        ExactErrors { l1, mse, sup }
    }
}

fn lerp(x0: f64, y0: f64, x1: f64, y1: f64, x: f64) -> f64 {
    y0 + (y1 - y0) * ((x - x0) / (x1 - x0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_of_a_sign_changing_line_is_the_two_triangles() {
        // e(x) = x − ½ on [0,1]: L1 = 2·(½·½·½) = ¼, MSE = 1/12, sup = ½.
        let f = Pwl::new(vec![0.0, 0.3, 1.0], vec![-0.5, -0.2, 0.5]);
        let zero = Pwl::new(vec![0.0, 1.0], vec![0.0, 0.0]);
        let e = f.errors(&zero);
        assert!((e.l1 - 0.25).abs() < 1e-15);
        assert!((e.mse - 1.0 / 12.0).abs() < 1e-15);
        assert_eq!(e.sup, 0.5);
    }

    #[test]
    fn collinear_knots_do_not_count_as_pieces() {
        let f = Pwl::new(vec![0.0, 0.25, 0.5, 1.0], vec![0.0, 0.25, 0.5, 0.0]);
        assert_eq!(f.pieces(), 2);
        assert_eq!(f.eval(0.75), 0.25);
    }
}
