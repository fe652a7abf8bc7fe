//! Nets of any depth for sums over tent levels, F(x) = α·x + β·Σ_{s≥1} a^{−s} Δ^s(x) truncated or
//! approximated: the Takagi sums T_{a,K} (α = 0, β = 1) and x² = x − Σ 4^{−s}Δ^s (α = 1, β = −1,
//! [`super::square::depth`]).
//!
//! **The identity.** With T_j = Σ_{s=1..j} a^{−s} Δ^s and Δ^{S+s} = Δ^s ∘ Δ^S,
//! T_{S+j}(x) = T_S(x) + a^{−S} T_j(Δ^S(x)). So a depth-D net computes, with parts a_1 + … + a_{D−1}
//! = S (all ≥ 1) and S_i = a_1 + … + a_i:
//! - layer 1: the units σ(x − i·2^{−a_1}), i < 2^{a_1}; y_1 = Δ^{a_1}(x) and the running sum
//!   c_1 = α·x + β T_{a_1}(x) are linear in them (both are piecewise linear on that grid; x is unit 0);
//! - layer i < D: σ(y_{i−1} − i·2^{−a_i}) and one unit σ(c_{i−1}) carrying the running sum (it must be
//!   ≥ 0 on \[0,1\], true for both families: the partial sums of x² are its interpolants); y_i =
//!   Δ^{a_i}(y_{i−1}) and c_i = c_{i−1} + β a^{−S_{i−1}} T_{a_i}(y_{i−1});
//! - layer D: the units of a one-hidden-layer net q on y = y_{D−1} and the carry; the output is
//!   c_{D−1} + β a^{−S} q(y).
//!
//! If q approximates the tail G (T_j for the truncated sums, y − y² for x²), the output minus the
//! target is β a^{−S} (q − G)(Δ^S(x)); the tent map preserves Lebesgue measure on \[0,1\], so the error
//! is a^{−S} times q's against G in L1 and sup, and a^{−2S} times in MSE: the choice of q is a
//! one-hidden-layer problem on G, and the split only changes the parameter count (hidden widths
//! 2^{a_1}, 2^{a_i} + 1, width(q) + 1).

use crate::net::Mlp;

/// The level sum's shape: F = α·x + β·Σ a^{−s} Δ^s.
#[derive(Debug, Clone, Copy)]
pub struct LevelSum {
    /// The base a (≥ 2).
    pub a: f64,
    /// The coefficient of x.
    pub alpha: f64,
    /// The coefficient of the sum.
    pub beta: f64,
}

/// Hidden widths of the net with `parts` and a last block of `last` units.
pub fn widths(parts: &[u32], last: usize) -> Vec<usize> {
    let mut hidden: Vec<usize> = parts.iter().enumerate().map(|(i, &a)| (1usize << a) + usize::from(i > 0)).collect();
    hidden.push(last + usize::from(!parts.is_empty()));
    hidden
}

/// Coefficients over the units σ(y − i/n), i < n, and the value at 0, of the piecewise-linear
/// function with values `v(i/n)`, i = 0..=n: the first slope, then the slope jumps.
fn coefficients(n: usize, v: impl Fn(f64) -> f64) -> (Vec<f64>, f64) {
    let slope = |i: usize| (v((i + 1) as f64 / n as f64) - v(i as f64 / n as f64)) * n as f64;
    let w = (0..n).map(|i| if i == 0 { slope(0) } else { slope(i) - slope(i - 1) }).collect();
    (w, v(0.0))
}

/// The tent map's level a as a function of y ∈ \[0,1\], and T_a.
fn tent(a: u32, y: f64) -> f64 {
    let n = (1u64 << a) as f64;
    let z = (y * n).rem_euclid(2.0);
    if z <= 1.0 { z } else { 2.0 - z }
}

fn partial_sum(base: f64, j: u32, y: f64) -> f64 {
    (1..=j).map(|s| tent(s, y) / base.powi(s as i32)).sum()
}

/// The net of the module docs for `parts` (a_1, …, a_{D−1}) and the last block `q` (one input, one
/// hidden layer); with no parts it is x ↦ α·x + β·q(x) as one hidden layer (q must then carry x:
/// only α = 0 is accepted).
pub fn build(sum: LevelSum, parts: &[u32], q: &Mlp) -> anyhow::Result<Mlp> {
    anyhow::ensure!(q.input_dim() == 1 && q.hidden().len() == 1, "the last block is one-input, one hidden layer");
    anyhow::ensure!(parts.iter().all(|&a| (1..=20).contains(&a)), "parts in 1..=20");
    let (qw, qb) = q.layer(0);
    let (qa, qc) = q.layer(1);
    if parts.is_empty() {
        anyhow::ensure!(sum.alpha == 0.0, "a depth-1 level sum with α ≠ 0 needs its own net");
        let mut net = q.clone();
        let a: Vec<f64> = qa.iter().map(|c| sum.beta * c).collect();
        net.set_layer(1, &a, &[sum.beta * qc[0]]);
        return Ok(net);
    }
    let hidden = widths(parts, q.hidden()[0]);
    let mut net = Mlp::with_hidden(1, &hidden)?;
    // Readouts over the previous layer of y and of the running sum (None before layer 1).
    let (mut y_w, mut y_b) = (vec![1.0], 0.0);
    let mut carry: Option<(Vec<f64>, f64)> = None;
    let mut s = 0u32;
    for (layer, &width) in hidden.iter().enumerate() {
        let prev = y_w.len();
        let mut w = vec![0.0; width * prev];
        let mut b = vec![0.0; width];
        let last = layer == parts.len();
        let units = if last { q.hidden()[0] } else { 1usize << parts[layer] };
        for u in 0..units {
            // Unit u sees (weight)·y + (bias): the grid σ(y − u/n), or q's unit on y.
            let (wu, bu) = if last { (qw[u], qb[u]) } else { (1.0, -(u as f64) / units as f64) };
            for (dst, src) in w[u * prev..(u + 1) * prev].iter_mut().zip(&y_w) {
                *dst = wu * src;
            }
            b[u] = wu * y_b + bu;
        }
        if let Some((cw, cb)) = &carry {
            w[units * prev..(units + 1) * prev].copy_from_slice(cw);
            b[units] = *cb;
        }
        net.set_layer(layer, &w, &b);
        let scale = sum.beta * sum.a.powi(-(s as i32));
        let carried = |mut v: Vec<f64>| {
            if carry.is_some() {
                v.push(1.0);
            }
            v
        };
        if last {
            let out = carried(qa.iter().map(|c| scale * c).collect());
            net.set_layer(layer + 1, &out, &[scale * qc[0]]);
        } else {
            let a = parts[layer];
            let (tw, _) = coefficients(units, |y| tent(a, y));
            let (mut cw, cb) = coefficients(units, |y| scale * partial_sum(sum.a, a, y));
            if carry.is_none() {
                cw[0] += sum.alpha; // α·x, x = unit 0 at layer 1
            }
            let cw = carried(cw);
            let mut tw = tw;
            tw.resize(width, 0.0);
            (y_w, y_b) = (tw, 0.0);
            carry = Some((cw, cb));
            s += a;
        }
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::Objective;
    use crate::family::takagi::Takagi;
    use crate::net::pieces::pwl_of;

    #[test]
    fn exact_blocks_and_an_exact_tail_compute_the_takagi_sum_exactly() {
        for (a, parts, j) in [(2u32, vec![1u32], 2u32), (4, vec![2, 1], 2), (3, vec![1, 1, 1], 1), (2, vec![3], 0)] {
            let k = parts.iter().sum::<u32>() + j;
            let target = Takagi::new(a, k).unwrap();
            let q = if j == 0 {
                // The zero tail: one unit with no output weight.
                let mut z = Mlp::with_hidden(1, &[1]).unwrap();
                z.set_layer(1, &[0.0], &[0.0]);
                z
            } else {
                crate::optimum::units::to_relu(&Takagi::new(a, j).unwrap().pwl().unwrap()).unwrap()
            };
            let sum = LevelSum { a: a as f64, alpha: 0.0, beta: 1.0 };
            let net = build(sum, &parts, &q).unwrap();
            assert_eq!(net.hidden(), widths(&parts, q.hidden()[0]).as_slice());
            let e = pwl_of(&net).unwrap().errors(&target.pwl().unwrap());
            assert!(e.sup < 1e-12, "a={a} {parts:?} j={j}: sup {}", e.sup);
        }
    }
}
