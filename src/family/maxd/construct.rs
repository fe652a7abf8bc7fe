//! The exact deep net for max(x_1, …, x_d) on \[0,1\]^d: a binary tree of max(a, b) = a + σ(b − a)
//! (Safran, Reichman & Valiant, SODA 2024, arXiv:2307.09212; THEORY.md §7).
//!
//! Each hidden layer halves the number of live values v_1 … v_n (all ≥ 0, so σ(v) = v passes a value
//! unchanged): a pair (a, b) becomes two units σ(a) and σ(b − a), whose sum is max(a, b); an odd value
//! out becomes one unit σ(v). The next layer reads each value as a sum of units of the layer below.
//! ⌈log₂ d⌉ hidden layers; layer l has n_l units for n_l live values (d in the first).

use crate::net::Mlp;

/// The tree net computing max(x_1, …, x_d) exactly on \[0,1\]^d, d ≥ 2.
pub fn max_tree(d: usize) -> anyhow::Result<Mlp> {
    anyhow::ensure!(d >= 2, "max_tree needs d ≥ 2");
    // Each live value as a linear combination of the current inputs (the previous layer's units).
    let mut values: Vec<Vec<(usize, f64)>> = (0..d).map(|i| vec![(i, 1.0)]).collect();
    let mut inputs = d;
    let mut layers: Vec<(Vec<f64>, Vec<f64>)> = Vec::new(); // row-major W (units × inputs), b
    while values.len() > 1 {
        let mut w: Vec<f64> = Vec::new();
        let mut next: Vec<Vec<(usize, f64)>> = Vec::new();
        let mut push_row = |terms: &[(usize, f64)]| {
            let start = w.len();
            w.resize(start + inputs, 0.0);
            for &(i, c) in terms {
                w[start + i] += c;
            }
            start / inputs
        };
        for pair in values.chunks(2) {
            if let [a, b] = pair {
                // σ(a) = a and σ(b − a): their sum is max(a, b).
                let b_minus_a: Vec<(usize, f64)> = b.iter().copied().chain(a.iter().map(|&(i, c)| (i, -c))).collect();
                let (u, v) = (push_row(a), push_row(&b_minus_a));
                next.push(vec![(u, 1.0), (v, 1.0)]);
            } else {
                let u = push_row(&pair[0]);
                next.push(vec![(u, 1.0)]);
            }
        }
        let unit = w.len() / inputs;
        layers.push((w, vec![0.0; unit]));
        values = next;
        inputs = unit;
    }
    let hidden: Vec<usize> = layers.iter().map(|(_, b)| b.len()).collect();
    let mut net = Mlp::with_hidden(d, &hidden)?;
    for (l, (w, b)) in layers.iter().enumerate() {
        net.set_layer(l, w, b);
    }
    let mut out = vec![0.0; inputs];
    for &(i, c) in &values[0] {
        out[i] += c;
    }
    net.set_layer(hidden.len(), &out, &[0.0]);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use rand::RngExt;

    #[test]
    fn the_tree_computes_the_max_exactly_at_random_points() {
        for d in [2usize, 3, 4, 5, 7, 8, 13, 16, 33, 64] {
            let net = max_tree(d).unwrap();
            assert_eq!(net.hidden().len(), (d as f64).log2().ceil() as usize, "d={d}: depth ⌈log₂ d⌉");
            assert_eq!(net.hidden()[0], d, "d={d}: the first layer has one unit per input");
            let n = 100_000;
            let mut rng = run_rng(d as u64, "max tree");
            let xs: Vec<f64> = (0..n * d).map(|_| rng.random()).collect();
            let mut out = vec![0.0; n];
            net.forward(&xs, &mut out);
            let worst = xs
                .chunks(d)
                .zip(&out)
                .map(|(p, o)| (p.iter().copied().fold(f64::MIN, f64::max) - o).abs())
                .fold(0.0, f64::max);
            assert!(worst <= 1e-15, "d={d}: error {worst:e} at 10⁵ points");
        }
    }
}
