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
    sum_net(k, |s| f64::from(a).powi(-(s as i32)), false)
}

/// The depth-K net computing (x +) Σ_{s=1..K} c_s Δ^s(x) on \[0,1\] (x included when `with_x`),
/// valid when every partial sum (x +) Σ_{s ≤ l} c_s Δ^s is ≥ 0 on \[0,1\] (σ must pass the
/// accumulator). Without x, hidden layer 1 is (σ(x), σ(x − ½)) and the accumulator starts in layer
/// 2 (widths 2, 3, …, 3); with x, layer 1 also holds σ(x) = x as the accumulator (width 3 throughout).
pub fn sum_net(k: u32, c: impl Fn(usize) -> f64, with_x: bool) -> anyhow::Result<Mlp> {
    anyhow::ensure!(k >= 1, "sum_net needs K ≥ 1");
    let k = k as usize;
    let width = |l: usize| if l == 0 && !with_x { 2 } else { 3 };
    let hidden: Vec<usize> = (0..k).map(width).collect();
    let mut net = Mlp::with_hidden(1, &hidden)?;
    if with_x {
        net.set_layer(0, &[1.0, 1.0, 1.0], &[0.0, -0.5, 0.0]);
    } else {
        net.set_layer(0, &[1.0, 1.0], &[0.0, -0.5]);
    }
    // Rows (outputs) over columns (inputs p, q[, r]): D = 2p − 4q is Δ^l of the layer below.
    let row = |l: usize, cl: f64| -> Vec<f64> {
        if width(l - 1) == 2 { vec![2.0 * cl, -4.0 * cl] } else { vec![2.0 * cl, -4.0 * cl, 1.0] }
    };
    for l in 1..k {
        let mut w = row(l, 1.0);
        w.iter_mut().skip(2).for_each(|v| *v = 0.0); // the tent pair ignores r
        let mut w2 = w.clone();
        w.append(&mut w2);
        w.extend(row(l, c(l)));
        net.set_layer(l, &w, &[0.0, -0.5, 0.0]);
    }
    net.set_layer(k, &row(k, c(k)), &[0.0]);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{Objective, takagi::Takagi};
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
