//! The width-2, depth-t net computing f^t exactly on \[0,1\] (THEORY.md §7).
//!
//! One layer of width 2 computes f from z ∈ \[0,1\]: u_1 = σ(z) = z and u_2 = σ(φ − 1/φ² − 2φz) give
//! f(z) = φ − φ·u_1 − u_2 (u_2 > 0 exactly left of the peak at z = 1/φ²). Layer 1 reads z = x:
//! W = [1; −2φ], b = [0; φ − 1/φ²]. Every later layer reads z = φ − φu_1 − u_2 from the layer below:
//! W = [[−φ, −1], [2φ², 2φ]], b = [φ; φ − 1/φ² − 2φ²]. The output is a = [−φ, −1], c = φ.
//! 2t hidden units, 6t + 1 parameters.

use super::PHI;
use crate::net::Mlp;

/// The width-2, depth-t net computing f^t.
pub fn golden_deep(t: u32) -> anyhow::Result<Mlp> {
    anyhow::ensure!(t >= 1, "golden_deep needs t ≥ 1");
    let inv2 = 1.0 / (PHI * PHI);
    let mut net = Mlp::with_hidden(1, &vec![2; t as usize])?;
    net.set_layer(0, &[1.0, -2.0 * PHI], &[0.0, PHI - inv2]);
    for l in 1..t as usize {
        net.set_layer(l, &[-PHI, -1.0, 2.0 * PHI * PHI, 2.0 * PHI], &[PHI, PHI - inv2 - 2.0 * PHI * PHI]);
    }
    net.set_layer(t as usize, &[-PHI, -1.0], &[PHI]);
    Ok(net)
}
