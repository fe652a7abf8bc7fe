//! The exact output solve of a one-hidden-layer net on d inputs, with the hidden units fixed.
//!
//! With activations H (n × m, one column per unit) the output (c, a) minimises ‖c·1 + H·a − y‖².
//! The normal matrix G = [1 H]ᵀ[1 H] is kept (columns in insertion order, the constant first) and
//! grown by one row and column per inserted unit (O(n·m)); a polish that moves every unit rebuilds
//! it with one GEMM (O(n·m²)). G is solved by Cholesky after scaling to a unit diagonal; no ridge is
//! added. A G that is not positive definite (a unit that repeats the others on the data) is refused
//! and the caller drops that unit.

use nalgebra::{DMatrix, DVector};

/// Normal equations of the output layer.
#[derive(Debug, Clone, Default)]
pub struct Gram {
    /// [1 H]ᵀ[1 H], (m + 1) × (m + 1).
    g: DMatrix<f64>,
    /// [1 H]ᵀ y.
    gy: DVector<f64>,
}

impl Gram {
    /// The system of the constant alone on `y`.
    pub fn constant(y: &[f64]) -> Self {
        Self { g: DMatrix::from_element(1, 1, y.len() as f64), gy: DVector::from_element(1, y.iter().sum()) }
    }

    /// Append unit column `h` (length n), given every earlier column (`cols`, column-major n × m).
    pub fn push(&mut self, cols: &[f64], h: &[f64], y: &[f64]) {
        let (n, m) = (h.len(), self.g.nrows());
        let mut row = vec![h.iter().sum::<f64>()];
        row.extend(cols.chunks_exact(n).map(|c| dot(c, h)));
        row.push(dot(h, h));
        let mut g = std::mem::replace(&mut self.g, DMatrix::zeros(0, 0)).resize(m + 1, m + 1, 0.0);
        for (j, v) in row.iter().enumerate() {
            g[(m, j)] = *v;
            g[(j, m)] = *v;
        }
        self.g = g;
        self.gy = std::mem::replace(&mut self.gy, DVector::zeros(0)).resize_vertically(m + 1, 0.0);
        self.gy[m] = dot(h, y);
    }

    /// Rebuild from all columns (column-major n × m) after the units moved.
    pub fn rebuild(cols: &[f64], n: usize, y: &[f64]) -> Self {
        let m = cols.len() / n;
        let mut g = DMatrix::zeros(m + 1, m + 1);
        g[(0, 0)] = n as f64;
        for j in 0..m {
            let s: f64 = cols[j * n..(j + 1) * n].iter().sum();
            g[(0, j + 1)] = s;
            g[(j + 1, 0)] = s;
        }
        let mut hh = vec![0.0; m * m];
        if m > 0 {
            // HᵀH with H column-major n × m: as row-major, H is m × n; C = H·Hᵀ (m × m).
            unsafe {
                matrixmultiply::dgemm(
                    m,
                    n,
                    m,
                    1.0,
                    cols.as_ptr(),
                    n as isize,
                    1,
                    cols.as_ptr(),
                    1,
                    n as isize,
                    0.0,
                    hh.as_mut_ptr(),
                    m as isize,
                    1,
                );
            }
        }
        for i in 0..m {
            for j in 0..m {
                g[(i + 1, j + 1)] = hh[i * m + j];
            }
        }
        let mut gy = DVector::zeros(m + 1);
        gy[0] = y.iter().sum();
        for j in 0..m {
            gy[j + 1] = dot(&cols[j * n..(j + 1) * n], y);
        }
        Self { g, gy }
    }

    /// Units in the system.
    pub fn units(&self) -> usize {
        self.g.nrows() - 1
    }

    /// Drop the last unit.
    pub fn pop(&mut self) {
        let m = self.g.nrows() - 1;
        self.g = std::mem::replace(&mut self.g, DMatrix::zeros(0, 0)).resize(m, m, 0.0);
        self.gy = std::mem::replace(&mut self.gy, DVector::zeros(0)).resize_vertically(m, 0.0);
    }

    /// The least-squares (c, a), or `None` when G is not positive definite or the solution not finite.
    pub fn solve(&self) -> Option<(f64, Vec<f64>)> {
        let k = self.g.nrows();
        let s: Vec<f64> = (0..k).map(|i| self.g[(i, i)].sqrt()).collect();
        if s.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return None;
        }
        let scaled = DMatrix::from_fn(k, k, |i, j| self.g[(i, j)] / (s[i] * s[j]));
        let chol = scaled.cholesky()?;
        // A pivot this small means a column repeats the others to 1e-6.5 relative: refuse it.
        if (0..k).any(|i| chol.l_dirty()[(i, i)].powi(2) < 1e-13) {
            return None;
        }
        let rhs = DVector::from_fn(k, |i, _| self.gy[i] / s[i]);
        let z = chol.solve(&rhs);
        let theta: Vec<f64> = (0..k).map(|i| z[i] / s[i]).collect();
        theta.iter().all(|v| v.is_finite()).then(|| (theta[0], theta[1..].to_vec()))
    }
}

/// Σ a_i b_i in four lanes.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grown_and_rebuilt_systems_give_the_same_exact_fit() {
        // y = 2 + 3·h1 − h2 exactly: the solve recovers the coefficients.
        let n = 50;
        let h1: Vec<f64> = (0..n).map(|i| (i as f64 / 7.0).sin().max(0.0)).collect();
        let h2: Vec<f64> = (0..n).map(|i| ((i as f64) / n as f64 - 0.3).max(0.0)).collect();
        let y: Vec<f64> = (0..n).map(|i| 2.0 + 3.0 * h1[i] - h2[i]).collect();
        let mut g = Gram::constant(&y);
        g.push(&[], &h1, &y);
        g.push(&h1, &h2, &y);
        let cols: Vec<f64> = h1.iter().chain(&h2).copied().collect();
        for sys in [g, Gram::rebuild(&cols, n, &y)] {
            let (c, a) = sys.solve().unwrap();
            assert!((c - 2.0).abs() < 1e-10 && (a[0] - 3.0).abs() < 1e-10 && (a[1] + 1.0).abs() < 1e-10);
        }
    }

    #[test]
    fn a_repeated_unit_is_refused() {
        let h: Vec<f64> = (0..20).map(|i| i as f64).collect();
        let mut g = Gram::constant(&h);
        g.push(&[], &h, &h);
        g.push(&h, &h, &h);
        assert!(g.solve().is_none());
        g.pop();
        assert!(g.solve().is_some() && g.units() == 1);
    }
}
