//! Exact constructions of THEORY.md §1.
//!
//! **Deep (Telgarsky), width 2, k hidden layers.** Layer 1: W = [1; 1], b = [0; −½]; layers 2..k:
//! W = [[2, −4], [2, −4]], b = [0; −½]; output a = [2, −4], c = 0. Hidden layer l holds
//! (σ(z), σ(z−½)) with z = Δ^{l−1}(x), so its readout 2σ(z) − 4σ(z−½) = Δ^l(x) on \[0,1\].
//! 2k hidden units, 6k + 1 parameters.
//!
//! **Shallow, width 2^k.** Δ^k(x) = 2^k σ(x) + Σ_{j=1}^{2^k−1} (−1)^j 2^{k+1} σ(x − j/2^k) on \[0,1\]:
//! one unit per knot, each slope jump ±2^{k+1}.
//!
//! ```
//! use depthsep::family::sawtooth::construct;
//! use depthsep::net::pieces;
//! let net = construct::telgarsky_deep(3).unwrap();
//! assert_eq!(net.n_params(), 6 * 3 + 1);
//! assert_eq!(pieces::pwl_of(&net).unwrap().pieces(), 8);
//! ```

use crate::net::Mlp;

/// The width-2, depth-k net computing Δ^k exactly on \[0,1\].
pub fn telgarsky_deep(k: u32) -> anyhow::Result<Mlp> {
    anyhow::ensure!(k >= 1, "telgarsky_deep needs k ≥ 1");
    let mut net = Mlp::with_hidden(1, &vec![2; k as usize])?;
    net.set_layer(0, &[1.0, 1.0], &[0.0, -0.5]);
    for l in 1..k as usize {
        net.set_layer(l, &[2.0, -4.0, 2.0, -4.0], &[0.0, -0.5]);
    }
    net.set_layer(k as usize, &[2.0, -4.0], &[0.0]);
    Ok(net)
}

/// The one-hidden-layer net of width 2^k computing Δ^k exactly on \[0,1\].
pub fn exact_shallow(k: u32) -> anyhow::Result<Mlp> {
    anyhow::ensure!((1..=24).contains(&k), "exact_shallow needs 1 ≤ k ≤ 24, got {k}");
    let m = 1usize << k;
    let mut net = Mlp::with_hidden(1, &[m])?;
    let w = vec![1.0; m];
    let b: Vec<f64> = (0..m).map(|j| -(j as f64) / m as f64).collect();
    let slope = m as f64;
    let a: Vec<f64> = (0..m)
        .map(|j| {
            if j == 0 {
                slope
            } else if j % 2 == 1 {
                -2.0 * slope
            } else {
                2.0 * slope
            }
        })
        .collect();
    net.set_layer(0, &w, &b);
    net.set_layer(1, &a, &[0.0]);
    Ok(net)
}
