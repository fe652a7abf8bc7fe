//! The deep net computing T_{a,K} = Σ_{s=1..K} a^{−s} Δ^s exactly on \[0,1\] (THEORY.md §4, §7):
//! the sawtooth's tent pair plus a running sum.
//!
//! Hidden layer 1 holds (p, q) = (σ(x), σ(x − ½)), so D = 2p − 4q = Δ(x). Every later hidden layer
//! l + 1 (l = 1..K−1) reads (p, q) and, from layer 2 on, an accumulator r, and holds
//! (σ(D), σ(D − ½), σ(r + a^{−l}·D)): the next tent pair and r' = Σ_{s ≤ l} a^{−s}Δ^s, which is ≥ 0,
//! so σ passes it unchanged. The output is r + a^{−K}·D. Widths 2, 3, …, 3 (K hidden layers):
//! 3K − 1 units, 12K − 7 parameters for K ≥ 2 (7 for K = 1).

use crate::net::Mlp;

/// The width-3, depth-K net computing T_{a,K}.
pub fn takagi_deep(a: u32, k: u32) -> anyhow::Result<Mlp> {
    anyhow::ensure!(k >= 1 && a >= 2, "takagi_deep needs a ≥ 2 and K ≥ 1");
    let k = k as usize;
    let c = |s: usize| f64::from(a).powi(-(s as i32));
    let hidden: Vec<usize> = (0..k).map(|l| if l == 0 { 2 } else { 3 }).collect();
    let mut net = Mlp::with_hidden(1, &hidden)?;
    net.set_layer(0, &[1.0, 1.0], &[0.0, -0.5]);
    for l in 1..k {
        // Rows (outputs) over columns (inputs p, q[, r]).
        let w: Vec<f64> = if l == 1 {
            vec![2.0, -4.0, 2.0, -4.0, 2.0 * c(1), -4.0 * c(1)]
        } else {
            vec![2.0, -4.0, 0.0, 2.0, -4.0, 0.0, 2.0 * c(l), -4.0 * c(l), 1.0]
        };
        net.set_layer(l, &w, &[0.0, -0.5, 0.0]);
    }
    let out: Vec<f64> = if k == 1 { vec![2.0 * c(1), -4.0 * c(1)] } else { vec![2.0 * c(k), -4.0 * c(k), 1.0] };
    net.set_layer(k, &out, &[0.0]);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{Target, takagi::Takagi};
    use crate::net::pieces::pwl_of;

    #[test]
    fn the_deep_net_computes_the_sum_exactly_with_3k_minus_1_units() {
        for a in [2, 3, 4] {
            for k in 1..=12 {
                let t = Takagi::new(a, k).unwrap();
                let net = takagi_deep(a, k).unwrap();
                let units: usize = net.hidden().iter().sum();
                assert_eq!(units, 3 * k as usize - 1);
                assert_eq!(net.n_params(), if k == 1 { 7 } else { 12 * k as usize - 7 });
                let e = pwl_of(&net).unwrap().errors(&t.pwl().unwrap());
                assert!(e.sup < 1e-12, "a={a} k={k}: sup error {:e}", e.sup);
                // And at 10^5 sampled points, against the sum itself.
                let xs: Vec<f64> = (0..100_000).map(|i| (i as f64 + 0.37) / 100_000.0).collect();
                let mut out = vec![0.0; xs.len()];
                net.forward(&xs, &mut out);
                let worst =
                    xs.iter().zip(&out).map(|(&x, y)| (super::super::value(a, k, x) - y).abs()).fold(0.0, f64::max);
                assert!(worst < 1e-12, "a={a} k={k}: sampled error {worst:e}");
            }
        }
    }
}
