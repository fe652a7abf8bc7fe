//! Exact errors of a continuous piecewise-linear g against a quadratic q(x) = αx² + βx + γ on
//! \[0,1\] (for targets such as x², THEORY.md §4, §7).
//!
//! On each interval [x_0, x_0 + h] of g's knots, with u = x − x_0, the difference is a quadratic
//! e(u) = A u² + B u + C, A = −α, B = s − (2αx_0 + β) (s the slope of g there), C = g(x_0) − q(x_0):
//!
//! - ∫e² by 3-point Gauss–Legendre quadrature, exact for polynomials of degree ≤ 5;
//! - ∫|e| by splitting at the roots of e inside the interval and integrating the antiderivative
//!   A u³/3 + B u²/2 + C u exactly on each part;
//! - sup |e| over the end points and the vertex u* = −B/(2A) when it lies inside.
//!
//! Exact up to rounding; tested against the interpolant's closed forms (THEORY §4) and dense sampling.

use super::{ExactErrors, Pwl};

/// Gauss–Legendre nodes and weights on \[0,1\] (3 points).
const GL: [(f64, f64); 3] =
    [(0.112_701_665_379_258_31, 5.0 / 18.0), (0.5, 8.0 / 18.0), (0.887_298_334_620_741_7, 5.0 / 18.0)];

/// L1, MSE and sup errors of g against q = [α, β, γ] on \[0,1\].
pub fn errors_vs_quadratic(g: &Pwl, q: [f64; 3]) -> ExactErrors {
    let [alpha, beta, gamma] = q;
    let qx = |x: f64| (alpha * x + beta) * x + gamma;
    let (mut l1, mut mse, mut sup) = (0.0, 0.0, 0.0f64);
    for (x, y) in g.xs().windows(2).zip(g.ys().windows(2)) {
        let h = x[1] - x[0];
        let s = (y[1] - y[0]) / h;
        let (a, b, c) = (-alpha, s - (2.0 * alpha * x[0] + beta), y[0] - qx(x[0]));
        let e = |u: f64| (a * u + b) * u + c;
        mse += h * GL.iter().map(|&(t, w)| w * e(t * h).powi(2)).sum::<f64>();
        let mut cuts = vec![0.0];
        cuts.extend(roots(a, b, c).into_iter().filter(|&r| r > 0.0 && r < h));
        cuts.push(h);
        cuts.sort_by(f64::total_cmp);
        let anti = |u: f64| ((a / 3.0 * u + b / 2.0) * u + c) * u;
        l1 += cuts.windows(2).map(|p| (anti(p[1]) - anti(p[0])).abs()).sum::<f64>();
        sup = sup.max(e(0.0).abs()).max(e(h).abs());
        if a != 0.0 {
            let v = -b / (2.0 * a);
            if v > 0.0 && v < h {
                sup = sup.max(e(v).abs());
            }
        }
    }
    ExactErrors { l1, mse, sup }
}

/// Real roots of a u² + b u + c (a may be 0), by the cancellation-free formula.
fn roots(a: f64, b: f64, c: f64) -> Vec<f64> {
    if a == 0.0 {
        return if b != 0.0 { vec![-c / b] } else { vec![] };
    }
    let d = b * b - 4.0 * a * c;
    if d < 0.0 {
        return vec![];
    }
    let qq = -0.5 * (b + b.signum() * d.sqrt());
    if qq == 0.0 {
        return vec![0.0];
    }
    vec![qq / a, c / qq]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpolant(n: usize) -> Pwl {
        let xs: Vec<f64> = (0..=n).map(|j| j as f64 / n as f64).collect();
        let ys = xs.iter().map(|x| x * x).collect();
        Pwl::new(xs, ys)
    }

    #[test]
    fn the_interpolant_of_x_squared_has_the_closed_form_errors() {
        // THEORY §4: with h = 1/n, sup h²/4, MSE h⁴/30, L1 h²/6.
        for n in [1usize, 2, 4, 16, 256, 4096] {
            let h = 1.0 / n as f64;
            let e = errors_vs_quadratic(&interpolant(n), [1.0, 0.0, 0.0]);
            assert!((e.sup - h * h / 4.0).abs() <= 1e-12 * h * h, "n={n} sup {}", e.sup);
            assert!((e.mse - h.powi(4) / 30.0).abs() <= 1e-9 * h.powi(4), "n={n} mse {}", e.mse);
            assert!((e.l1 - h * h / 6.0).abs() <= 1e-12 * h * h, "n={n} l1 {}", e.l1);
        }
    }

    #[test]
    fn errors_agree_with_dense_sampling_on_sign_changing_differences() {
        // Random-ish knots and values, a general quadratic: e changes sign inside intervals.
        let xs = vec![0.0, 0.13, 0.4, 0.41, 0.77, 1.0];
        let ys = vec![0.3, -0.2, 0.5, 0.45, 0.1, 0.9];
        let g = Pwl::new(xs, ys);
        let q = [1.7, -0.9, 0.05];
        let e = errors_vs_quadratic(&g, q);
        let n = 2_000_000;
        let (mut l1, mut mse, mut sup) = (0.0, 0.0, 0.0f64);
        for i in 0..n {
            let x = (i as f64 + 0.5) / n as f64;
            let d = g.eval(x) - ((q[0] * x + q[1]) * x + q[2]);
            l1 += d.abs() / n as f64;
            mse += d * d / n as f64;
            sup = sup.max(d.abs());
        }
        assert!((e.l1 - l1).abs() < 1e-9, "{} vs {l1}", e.l1);
        assert!((e.mse - mse).abs() < 1e-9, "{} vs {mse}", e.mse);
        assert!(e.sup >= sup && e.sup - sup < 1e-6, "{} vs {sup}", e.sup);
    }
}
