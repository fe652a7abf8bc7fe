//! Exact linear pieces of a 1-input ReLU net on \[0,1\], by propagating piecewise-linear functions.
//!
//! Invariant kept layer by layer: on a sorted knot set 0 = x_0 < … < x_n = 1, every unit of the
//! current layer is affine between consecutive knots, so it is fully described by its values at the
//! knots. The next pre-activation z = W·h + b is then affine on each interval too; σ(z) adds a knot
//! wherever some unit's z changes sign strictly inside an interval, at x* = x_0 + (x_1−x_0)·z_0/(z_0−z_1),
//! where all units are interpolated. No sampling is involved: the result is exact up to rounding, and
//! the number of knots is the number of pieces the net can have (before merging collinear ones).
//!
//! Time: O(Σ_l K_l · n_{l−1} · n_l) for K_l knots at layer l.

use super::{Mlp, Pwl};

/// One layer's units as functions of x on a common knot set.
#[derive(Debug, Clone)]
pub struct LayerKnots {
    /// Knots, sorted, spanning \[0,1\].
    pub xs: Vec<f64>,
    /// Values at the knots, `xs.len() × width` row-major.
    pub values: Vec<f64>,
    /// Number of units.
    pub width: usize,
}

impl LayerKnots {
    /// Unit `j` of the layer as a function of x.
    pub fn unit(&self, j: usize) -> Pwl {
        let ys = self.values.chunks_exact(self.width).map(|r| r[j]).collect();
        Pwl::new(self.xs.clone(), ys)
    }
    /// The linear readout x ↦ Σ_j a_j·h_j(x) + c of the layer.
    pub fn readout(&self, a: &[f64], c: f64) -> Pwl {
        assert_eq!(a.len(), self.width);
        let ys = self.values.chunks_exact(self.width).map(|r| c + dot(a, r)).collect();
        Pwl::new(self.xs.clone(), ys)
    }
}

/// Every hidden layer's post-activations, then the output, as exact functions of x on \[0,1\].
pub fn propagate(net: &Mlp) -> anyhow::Result<Vec<LayerKnots>> {
    anyhow::ensure!(net.input_dim() == 1, "exact 1-D analysis needs a 1-input net, got d = {}", net.input_dim());
    let mut cur = LayerKnots { xs: vec![0.0, 1.0], values: vec![0.0, 1.0], width: 1 };
    let mut out = Vec::with_capacity(net.n_layers());
    for l in 0..net.n_layers() {
        let (w, b) = net.layer(l);
        let width = b.len();
        let z: Vec<f64> = cur
            .values
            .chunks_exact(cur.width)
            .flat_map(|h| (0..width).map(move |i| b[i] + dot(&w[i * cur.width..(i + 1) * cur.width], h)))
            .collect();
        let mut next = LayerKnots { xs: vec![], values: vec![], width };
        if l + 1 == net.n_layers() {
            next.xs = cur.xs.clone();
            next.values = z;
        } else {
            split_at_sign_changes(&cur.xs, &z, width, &mut next);
            next.values.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        out.push(next.clone());
        cur = next;
    }
    Ok(out)
}

/// The net as an exact piecewise-linear function on \[0,1\].
pub fn pwl_of(net: &Mlp) -> anyhow::Result<Pwl> {
    let layers = propagate(net)?;
    Ok(layers.last().unwrap().unit(0))
}

/// Insert a knot wherever a unit of `z` changes sign strictly inside an interval.
fn split_at_sign_changes(xs: &[f64], z: &[f64], width: usize, next: &mut LayerKnots) {
    let mut cross: Vec<(f64, usize)> = Vec::new();
    for k in 0..xs.len() {
        let zk = &z[k * width..(k + 1) * width];
        next.xs.push(xs[k]);
        next.values.extend_from_slice(zk);
        if k + 1 == xs.len() {
            break;
        }
        let zn = &z[(k + 1) * width..(k + 2) * width];
        cross.clear();
        for j in 0..width {
            let (a, b) = (zk[j], zn[j]);
            if (a < 0.0 && b > 0.0) || (a > 0.0 && b < 0.0) {
                cross.push((a / (a - b), j));
            }
        }
        cross.sort_by(|p, q| p.0.total_cmp(&q.0));
        let (x0, x1) = (xs[k], xs[k + 1]);
        for &(t, j) in &cross {
            let x = x0 + (x1 - x0) * t;
            if x <= *next.xs.last().unwrap() || x >= x1 {
                continue; // rounding put it on an existing knot: σ already sees the sign there.
            }
            next.xs.push(x);
            let start = next.values.len();
            next.values.extend(zk.iter().zip(zn).map(|(&a, &b)| a + (b - a) * t));
            next.values[start + j] = 0.0;
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
