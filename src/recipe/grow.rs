//! Growing a 1-input net by one layer at its input, without changing the function on \[0,1\].
//!
//! The new first layer has the old first layer's width w. Its unit 0 is σ(x) = x on x ≥ 0; units
//! 1..w have random breakpoints in \[0,1\] (as the `breakpoint` initialisation draws them). The
//! old first layer, which read x, now reads the new layer: its column 0 holds its old weights and
//! its other columns are zero. So the grown net computes exactly the old function on \[0,1\]
//! (checked in a test), and gradients reach every new weight from the first step.

use crate::net::Mlp;
use rand::RngExt;
use rand_distr::StandardNormal;

/// The net `old` (1 input) with one hidden layer of its first layer's width prepended.
pub fn prepend_layer<R: rand::Rng>(old: &Mlp, rng: &mut R) -> anyhow::Result<Mlp> {
    anyhow::ensure!(old.input_dim() == 1 && !old.hidden().is_empty(), "only 1-input nets with a hidden layer grow");
    let w = old.hidden()[0];
    let mut hidden = vec![w];
    hidden.extend_from_slice(old.hidden());
    let mut net = Mlp::with_hidden(1, &hidden)?;
    let (mut w0, mut b0) = (vec![0.0; w], vec![0.0; w]);
    w0[0] = 1.0;
    for j in 1..w {
        w0[j] = 2f64.sqrt() * rng.sample::<f64, _>(StandardNormal);
        b0[j] = -w0[j] * rng.random::<f64>();
    }
    net.set_layer(0, &w0, &b0);
    let (a, b) = old.layer(0);
    let mut w1 = vec![0.0; w * w];
    for (r, &v) in a.iter().enumerate() {
        w1[r * w] = v;
    }
    net.set_layer(1, &w1, b);
    for l in 1..old.n_layers() {
        let (a, b) = old.layer(l);
        net.set_layer(l + 1, a, b);
    }
    Ok(net)
}
