//! A path carried by one ReLU unit per kink: when an odd-length alternating sum of its slopes over
//! increasing link indices vanishes, σ_{i_1} − σ_{i_2} + … = 0, the units facing left (kinks up to
//! the first index and in each (i_{2m}, i_{2m+1}\]) carry the first slope and no unit is spent on the
//! affine part ([`crate::optimum::units`] proves when that is possible). Used by the exact sup width,
//! the L2 certificates and `freeknot`'s last phase.

use super::{Mlp, Pwl};

/// K ReLU units computing the path `g` (K interior kinks) whose slopes' alternating sum over `set`
/// vanishes: kinks up to the first index and in each (i_{2m}, i_{2m+1}\] face left.
pub fn carried_net(g: &Pwl, set: &[usize]) -> anyhow::Result<Mlp> {
    let (t, s) = (g.xs(), g.slopes());
    let k = t.len() - 2;
    anyhow::ensure!(k >= 1 && set.len() % 2 == 1, "a carried net needs kinks and an odd index set");
    let mut left = vec![false; k + 1]; // left[i]: kink i (1-based) faces left
    let mut ranges: Vec<(usize, usize)> = set[1..].chunks(2).map(|c| (c[0] + 1, c[1])).collect();
    if set[0] > 0 {
        ranges.push((1, set[0]));
    }
    for (a, b) in ranges {
        left[a..=b].iter_mut().for_each(|l| *l = true);
    }
    let (mut w, mut b, mut a) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let mut c = g.ys()[0];
    for i in 1..=k {
        let jump = s[i] - s[i - 1];
        (w[i - 1], b[i - 1], a[i - 1]) = if left[i] { (-1.0, t[i], jump) } else { (1.0, -t[i], jump) };
        if left[i] {
            c -= jump * t[i];
        }
    }
    let mut net = Mlp::with_hidden(1, &[k])?;
    net.set_layer(0, &w, &b);
    net.set_layer(1, &a, &[c]);
    Ok(net)
}
