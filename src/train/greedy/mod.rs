//! The greedy trainer for one-hidden-layer nets on d > 1 inputs: what a good trainer reaches in
//! d dimensions, as `freeknot` is in 1-D.
//!
//! A d → m → 1 ReLU net is f(x) = c + Σ_j a_j σ(w_j·x + b_j). The trainer grows it one ridge unit
//! at a time from the best constant:
//!
//! 1. score many candidate units against the current residual (random and data-driven directions,
//!    every bias at once by sorted prefix sums) and refine the best by Levenberg–Marquardt with its
//!    output weight solved inside ([`candidate`]);
//! 2. insert it and solve the whole output layer (c, a) exactly by least squares ([`gram`]: the
//!    normal matrix grows by one row per unit; no ridge); a unit that repeats the others is dropped
//!    for the next candidate;
//! 3. every time m grows by a quarter (at least 4 units), polish all units by LM with the output
//!    layer solved inside, keeping only steps that lower the error ([`polish`]);
//! 4. report the net of every width m = 1, 2, … to the caller, which may stop the sweep.
//!
//! One sweep per seed gives the whole width → error curve, so every tolerance of a target is
//! answered by it. It is **data-driven**: it sees only the training samples (x_i, y_i), never the
//! target's formula or its construction; the loss is the sampled MSE, and no unit is spent on a
//! linear part (a unit whose kink lies outside the data is linear there, and is one candidate
//! among the others). The seed draws the samples and the random candidate directions.

pub mod candidate;
pub mod gram;
pub mod polish;
mod spec;

use crate::net::Mlp;
use candidate::Unit;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use super::kind::Control;
pub use spec::INFO;

/// Settings of a greedy sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GreedySettings {
    /// Random candidate directions per insertion (besides the data-driven ones).
    pub candidates: usize,
    /// LM iterations of each global polish.
    pub global_iters: usize,
}

impl Default for GreedySettings {
    fn default() -> Self {
        Self { candidates: 32, global_iters: 6 }
    }
}

/// Points the candidates are scored on.
const SCAN_POINTS: usize = 4096;
/// Points a chosen candidate is refined on.
const REFINE_POINTS: usize = 8192;
/// LM iterations of a candidate's refinement.
const REFINE_ITERS: usize = 12;

/// A growing net and its fit to the training data.
pub struct Ridge<'a> {
    xs: &'a [f64],
    y: &'a [f64],
    d: usize,
    n: usize,
    units: Vec<Unit>,
    /// Activations, column-major n × m.
    h: Vec<f64>,
    gram: gram::Gram,
    c: f64,
    a: Vec<f64>,
    /// Residual y − f on the training points.
    r: Vec<f64>,
    /// Squared error Σ r².
    sse: f64,
}

/// σ(w·x + b) at every point into `out`.
fn column(u: &Unit, xs: &[f64], d: usize, out: &mut [f64]) {
    for (o, x) in out.iter_mut().zip(xs.chunks_exact(d)) {
        *o = (gram::dot(&u.w, x) + u.b).max(0.0);
    }
}

/// y − c − H·a.
fn residual(y: &[f64], h: &[f64], c: f64, a: &[f64]) -> Vec<f64> {
    let n = y.len();
    let mut r: Vec<f64> = y.iter().map(|v| v - c).collect();
    for (aj, col) in a.iter().zip(h.chunks_exact(n)) {
        for (ri, hi) in r.iter_mut().zip(col) {
            *ri -= aj * hi;
        }
    }
    r
}

impl<'a> Ridge<'a> {
    /// The best constant on (xs, y) with `d` inputs.
    pub fn constant(xs: &'a [f64], y: &'a [f64], d: usize) -> Self {
        let n = y.len();
        let gram = gram::Gram::constant(y);
        let c = y.iter().sum::<f64>() / n as f64;
        let r: Vec<f64> = y.iter().map(|v| v - c).collect();
        let sse = gram::dot(&r, &r);
        Self { xs, y, d, n, units: vec![], h: vec![], gram, c, a: vec![], r, sse }
    }

    /// Units in the net.
    pub fn width(&self) -> usize {
        self.units.len()
    }

    /// Training MSE.
    pub fn mse(&self) -> f64 {
        self.sse / self.n as f64
    }

    /// Insert `u` and solve the output layer; false (and nothing changed) when the solve refuses it.
    pub fn insert(&mut self, u: Unit) -> bool {
        let mut col = vec![0.0; self.n];
        column(&u, self.xs, self.d, &mut col);
        self.gram.push(&self.h, &col, self.y);
        let Some((c, a)) = self.gram.solve() else {
            self.gram.pop();
            return false;
        };
        self.h.extend_from_slice(&col);
        self.units.push(u);
        self.r = residual(self.y, &self.h, c, &a);
        (self.c, self.a, self.sse) = (c, a, gram::dot(&self.r, &self.r));
        true
    }

    /// Grow by one unit: the best candidate that the output solve accepts. When every best candidate
    /// repeats the net (in practice: a linear unit, once the net spans the linear functions), the
    /// candidates are drawn again among units with a kink inside the data, and a refined unit that
    /// ends up linear on the refinement points (inactive on fewer than [`candidate::MIN_ACTIVE`]) is
    /// passed over. False when still none is accepted.
    pub fn grow(&mut self, cfg: &GreedySettings, rng: &mut ChaCha8Rng) -> bool {
        self.grow_from(cfg, false, rng) || self.grow_from(cfg, true, rng)
    }

    fn grow_from(&mut self, cfg: &GreedySettings, kinked: bool, rng: &mut ChaCha8Rng) -> bool {
        let (d, ns, nr) = (self.d, self.n.min(SCAN_POINTS), self.n.min(REFINE_POINTS));
        let (xs, r) = (&self.xs[..ns * d], &self.r[..ns]);
        for mut u in candidate::candidates(xs, d, r, &self.units, cfg.candidates, kinked, rng) {
            candidate::refine(&mut u, &self.xs[..nr * d], d, &self.r[..nr], REFINE_ITERS);
            let inactive = || self.xs[..nr * d].chunks_exact(d).filter(|x| gram::dot(&u.w, x) + u.b <= 0.0).count();
            if kinked && inactive() < candidate::MIN_ACTIVE {
                continue;
            }
            if self.insert(u) {
                return true;
            }
        }
        false
    }

    /// The net as weights.
    pub fn to_mlp(&self) -> anyhow::Result<Mlp> {
        let m = self.units.len();
        let mut net = Mlp::with_hidden(self.d, &[m])?;
        let w: Vec<f64> = self.units.iter().flat_map(|u| u.w.iter().copied()).collect();
        let b: Vec<f64> = self.units.iter().map(|u| u.b).collect();
        net.set_layer(0, &w, &b);
        net.set_layer(1, &self.a, &[self.c]);
        Ok(net)
    }
}

/// Grow from the best constant to at most `m_max` units on (xs, y) with `d` inputs, calling
/// `on_width(m, &net)` for every width m = 1, 2, … reached. Returns the last width reached; stops
/// early when `on_width` says so or when no candidate can be inserted.
pub fn sweep(
    xs: &[f64],
    y: &[f64],
    d: usize,
    cfg: &GreedySettings,
    m_max: usize,
    rng: &mut ChaCha8Rng,
    mut on_width: impl FnMut(usize, &Mlp) -> anyhow::Result<Control>,
) -> anyhow::Result<usize> {
    let mut net = Ridge::constant(xs, y, d);
    let mut next_global = 1;
    while net.width() < m_max {
        if !net.grow(cfg, rng) {
            break;
        }
        let m = net.width();
        if m >= next_global {
            net.polish(cfg.global_iters);
            next_global = if m < 8 { m + 1 } else { m + (m / 4).max(4) };
        }
        if on_width(m, &net.to_mlp()?)? == Control::Stop {
            break;
        }
    }
    Ok(net.width())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use rand::RngExt;

    fn data(d: usize, n: usize, f: impl Fn(&[f64]) -> f64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = run_rng(3, "greedy data");
        let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
        let y = xs.chunks_exact(d).map(f).collect();
        (xs, y)
    }

    #[test]
    fn the_sweep_fits_max_of_two_inputs_to_round_off_scale_by_four_units() {
        // max(x₁, x₂) = x₁ + σ(x₂ − x₁) is two units (σ(x₁) = x₁ on the cube); the greedy choice
        // does not find that pair, but every width lowers the error and four units fit it closely.
        let (xs, y) = data(2, 4096, |x| x[0].max(x[1]));
        let mut errors = vec![];
        sweep(&xs, &y, 2, &GreedySettings::default(), 4, &mut run_rng(1, "t"), |_, net| {
            let mut out = vec![0.0; y.len()];
            net.forward(&xs, &mut out);
            errors.push(out.iter().zip(&y).map(|(o, v)| (o - v).powi(2)).sum::<f64>() / y.len() as f64);
            Ok(Control::Continue)
        })
        .unwrap();
        assert!(errors.windows(2).all(|w| w[1] <= w[0]), "{errors:?}");
        // Var(max) = 1/18: 4 units reach nMSE 1e-3, one unit cannot be within 1e-2.
        assert!(errors[3] < 1e-3 / 18.0 && errors[0] > 1e-2 / 18.0, "{errors:?}");
    }

    #[test]
    fn every_width_lowers_the_training_error_and_the_net_is_what_was_fitted() {
        let (xs, y) = data(4, 8192, |x| (3.0 * x[0] - 2.0 * x[1]).sin() + x[2] * x[3]);
        let mut net = Ridge::constant(&xs, &y, 4);
        let mut last = net.mse();
        let mut rng = run_rng(2, "t");
        for _ in 0..12 {
            assert!(net.grow(&GreedySettings::default(), &mut rng));
            net.polish(3);
            assert!(net.mse() < last, "{} !< {last}", net.mse());
            last = net.mse();
        }
        let mut out = vec![0.0; y.len()];
        net.to_mlp().unwrap().forward(&xs, &mut out);
        let mse = out.iter().zip(&y).map(|(o, v)| (o - v).powi(2)).sum::<f64>() / y.len() as f64;
        assert!((mse - net.mse()).abs() < 1e-12 * (1.0 + mse), "weights give the fitted error: {mse} vs {}", net.mse());
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64;
        assert!(last < 0.05 * var, "12 units fit a smooth 4-D target: MSE {last}, variance {var}");
    }
}
