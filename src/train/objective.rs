//! What training and evaluation need of a target: the function, its input distribution, the best
//! constant's errors and, where they exist, its exact forms.
//!
//! Every [`crate::family::Target`] is an [`Objective`] (it is the supertrait), so a `&dyn Target`
//! passes wherever a `&dyn Objective` is asked for. Training sees only this: the function's values
//! at sampled points and the closed forms that make its errors exact, never a family's
//! construction or theory.

use crate::net::Pwl;

/// A function on `\[0,1\]^dim` with its input distribution, as training and evaluation see it.
pub trait Objective: Send + Sync {
    /// Input dimension d ≥ 1.
    fn dim(&self) -> usize;
    /// Evaluate at `n = xs.len() / dim` points stored row-major (point i is `xs[i*dim..(i+1)*dim]`).
    fn eval_batch(&self, xs: &[f64], out: &mut [f64]);
    /// `n` input points (row-major) from the target's input distribution: by default uniform on
    /// `\[0,1\]^d` (one `random()` per coordinate, in order). Training sets and held-out Monte Carlo
    /// sets are drawn by this.
    fn sample(&self, n: usize, rng: &mut rand_chacha::ChaCha8Rng) -> Vec<f64> {
        use rand::RngExt;
        (0..n * self.dim()).map(|_| rng.random()).collect()
    }
    /// `n` points from the distribution held-out errors are measured on: by default the input
    /// distribution ([`Objective::sample`]); a table of samples keeps its held-out rows apart.
    fn sample_heldout(&self, n: usize, rng: &mut rand_chacha::ChaCha8Rng) -> Vec<f64> {
        self.sample(n, rng)
    }
    /// Mean of the target under its input distribution (the best constant predictor).
    fn mean(&self) -> f64;
    /// Variance under the input distribution: the MSE of the best constant predictor.
    fn variance(&self) -> f64;
    /// L1 error of the best constant (median) predictor, when known in closed form.
    fn constant_l1(&self) -> Option<f64> {
        None
    }
    /// Sup error of the best constant ((max − min)/2), when known in closed form: by default from
    /// the exact piecewise-linear form.
    fn constant_sup(&self) -> Option<f64> {
        let p = self.pwl()?;
        let (lo, hi) = p.ys().iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
        Some((hi - lo) / 2.0)
    }
    /// The exact continuous piecewise-linear form on \[0,1\] (1-D piecewise-linear targets), or
    /// `None`: errors are then sampled.
    fn pwl(&self) -> Option<Pwl>;
    /// The target as one quadratic q(x) = αx² + βx + γ on \[0,1\] (`[α, β, γ]`), when it is one:
    /// errors are then exact too ([`crate::net::quadratic`]).
    fn quadratic(&self) -> Option<[f64; 3]> {
        None
    }
    /// Linear pieces of the target on \[0,1\] (its complexity: 1-D training data scale with it).
    fn pieces(&self) -> usize;
    /// Identity as text, e.g. `"sawtooth k=5"`. Stable: it names RNG streams (the held-out set's).
    fn label(&self) -> String;
}
