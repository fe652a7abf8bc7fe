//! The triangle-wave parametrisation (Milkert, Hyde & Laine, ICML 2025, arXiv:2311.18022).
//!
//! x_0 = x, x_i = T_{a_i}(x_{i−1}) with T_a(y) = y/a for y < a and (1 − y)/(1 − a) for y ≥ a, and
//! the output s·x_L + c. Each T_a maps \[0,1\] onto itself twice, so x_L has exactly 2^L linear
//! pieces for every a ∈ (0,1)^L: the parametrisation cannot lose pieces while training.
//!
//! Pretraining: Adam (lr 10⁻², β = 0.9, 0.999) on the a's, with (s, c) solved exactly by least
//! squares at every step (variable projection), so the gradient is
//! ∂L/∂a_i = mean(2(o − y)·s·∂x_L/∂a_i), by backpropagation through the layers:
//! ∂T_a/∂y = 1/a or −1/(1 − a), ∂T_a/∂a = −y/a² or (1 − y)/(1 − a)². The a's stay in \[0.02, 0.98\].
//!
//! As a ReLU net ([`to_mlp`]): layer i has units p_i = σ(x_{i−1}) and q_i = σ(x_{i−1} − a_i) and
//! x_i = p_i/a_i − q_i·(1/a_i + 1/(1 − a_i)), folded into the next layer's weights; the other w − 2
//! units of each layer get random breakpoints and zero outgoing weights.

pub mod recipes;

use crate::net::Mlp;
use crate::train::Data;
use crate::train::adam_update::{BETA1, BETA2, Coefficients, update};
use rand::RngExt;
use rand_distr::StandardNormal;

fn tri(a: f64, y: f64) -> f64 {
    if y < a { y / a } else { (1.0 - y) / (1.0 - a) }
}

/// x_L at every point of `data`.
pub fn forward(a: &[f64], xs: &[f64]) -> Vec<f64> {
    xs.iter().map(|&x| a.iter().fold(x, |y, &ai| tri(ai, y))).collect()
}

/// The least-squares (s, c) of y ≈ s·x_L + c.
pub fn output_fit(a: &[f64], data: &Data) -> (f64, f64) {
    let z = forward(a, &data.xs);
    let n = z.len() as f64;
    let (mz, my) = (z.iter().sum::<f64>() / n, data.ys.iter().sum::<f64>() / n);
    let (mut szz, mut szy) = (0.0, 0.0);
    for (zi, yi) in z.iter().zip(&data.ys) {
        szz += (zi - mz) * (zi - mz);
        szy += (zi - mz) * (yi - my);
    }
    let s = if szz > 0.0 { szy / szz } else { 0.0 };
    (s, my - s * mz)
}

/// The training MSE of the parametrised net with its exact output fit.
pub fn loss(a: &[f64], data: &Data) -> f64 {
    let (s, c) = output_fit(a, data);
    let z = forward(a, &data.xs);
    z.iter().zip(&data.ys).map(|(z, y)| (s * z + c - y).powi(2)).sum::<f64>() / z.len() as f64
}

/// The exact gradient of [`loss`] with respect to the a's.
pub fn gradient(a: &[f64], data: &Data) -> Vec<f64> {
    let (s, c) = output_fit(a, data);
    let l = a.len();
    let n = data.ys.len() as f64;
    let mut g = vec![0.0; l];
    let mut xs = vec![0.0; l + 1];
    for (&x, &y) in data.xs.iter().zip(&data.ys) {
        xs[0] = x;
        for i in 0..l {
            xs[i + 1] = tri(a[i], xs[i]);
        }
        let mut back = 2.0 * (s * xs[l] + c - y) * s / n; // ∂loss/∂x_L
        for i in (0..l).rev() {
            let (ai, yi) = (a[i], xs[i]);
            let (dy, da) = if yi < ai {
                (1.0 / ai, -yi / (ai * ai))
            } else {
                (-1.0 / (1.0 - ai), (1.0 - yi) / ((1.0 - ai) * (1.0 - ai)))
            };
            g[i] += back * da;
            back *= dy;
        }
    }
    g
}

/// Adam on the a's from index `from` on (the others frozen) for `steps` steps; returns the steps
/// taken.
pub fn pretrain(a: &mut [f64], from: usize, data: &Data, steps: usize) -> usize {
    let (mut m, mut v) = (vec![0.0; a.len()], vec![0.0; a.len()]);
    for t in 1..=steps {
        let g = gradient(a, data);
        if g.iter().any(|x| !x.is_finite()) {
            return t;
        }
        // The shared Adam with this recipe's own factors 0.1 and 0.001 (not 1 − β computed in f64;
        // see `adam_update`), then the a's kept inside the unit interval.
        let correction = (1.0 - BETA1.powi(t as i32), 1.0 - BETA2.powi(t as i32));
        let coef = Coefficients { beta1: (BETA1, 0.1), beta2: (BETA2, 0.001), correction, eps: 1e-12, lr: 1e-2 };
        update(&mut a[from..], &g[from..], &mut m[from..], &mut v[from..], coef);
        for ai in &mut a[from..] {
            *ai = ai.clamp(0.02, 0.98);
        }
    }
    steps
}

/// The parametrised net as a ReLU net of `width` ≥ 2 units per layer (same function on \[0,1\]).
pub fn to_mlp<R: rand::Rng>(a: &[f64], s: f64, c: f64, width: usize, rng: &mut R) -> anyhow::Result<Mlp> {
    anyhow::ensure!(width >= 2 && !a.is_empty(), "the triangle parametrisation needs width ≥ 2 and depth ≥ 1");
    let l = a.len();
    let mut net = Mlp::with_hidden(1, &vec![width; l])?;
    // Coefficients of x_{i} in terms of (p_i, q_i).
    let coef = |ai: f64| (1.0 / ai, -(1.0 / ai + 1.0 / (1.0 - ai)));
    for i in 0..l {
        let fan_in = if i == 0 { 1 } else { width };
        let mut w = vec![0.0; width * fan_in];
        let mut b = vec![0.0; width];
        for r in 2..width {
            for f in 0..fan_in {
                w[r * fan_in + f] = (2.0 / fan_in as f64).sqrt() * rng.sample::<f64, _>(StandardNormal);
            }
            b[r] = -(0..fan_in).map(|f| w[r * fan_in + f] * rng.random::<f64>()).sum::<f64>();
        }
        if i == 0 {
            w[0] = 1.0;
            w[1] = 1.0;
        } else {
            let (al, be) = coef(a[i - 1]);
            w[0] = al;
            w[1] = be;
            w[fan_in] = al;
            w[fan_in + 1] = be;
        }
        b[0] = 0.0;
        b[1] = -a[i];
        net.set_layer(i, &w, &b);
    }
    let (al, be) = coef(a[l - 1]);
    let mut out = vec![0.0; width];
    out[0] = s * al;
    out[1] = s * be;
    net.set_layer(l, &out, &[c]);
    Ok(net)
}
