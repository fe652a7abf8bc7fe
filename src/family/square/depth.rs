//! x² at every depth, sized to a tolerance in normalised MSE: explicit depth-D nets with few
//! parameters (the depth profile's constructed column, [`crate::profile`]).
//!
//! **The identity** [derived here, after Yarotsky 2017]. Let Δ be the tent map, y_S = Δ^S(x) and
//! I_S(x) = x − Σ_{s=1..S} 4^{−s} Δ^s(x), the interpolant of x² at the grid 2^{−S}. Since
//! x − x² = Σ_{s≥1} 4^{−s} Δ^s(x) and Δ^{S+j} = Δ^j ∘ Δ^S,
//!
//! x² = I_S(x) − 4^{−S} (y_S − y_S²),   I_{S+a}(x) = I_S(x) − 4^{−S} (y_S − I_a(y_S)).
//!
//! **The net.** With parts a_1 + … + a_{D−1} = S (all ≥ 1) and S_i = a_1 + … + a_i:
//! - layer 1 has the 2^{a_1} units σ(x − j·2^{−a_1}); Δ^{a_1}(x) and I_{a_1}(x) are linear in them;
//! - layer i < D has σ(y_{i−1} − j·2^{−a_i}), j < 2^{a_i}, and one unit σ(I_{S_{i−1}}) carrying the
//!   interpolant (≥ 0, so σ is the identity on it); y_i = Δ^{a_i}(y_{i−1}) and, by the identity,
//!   I_{S_i} = I_{S_{i−1}} − 4^{−S_{i−1}} (y_{i−1} − I_{a_i}(y_{i−1})) are linear in them;
//! - layer D has the m units σ(y − j/m) of the shallow upper net q for y² (the interpolant at m
//!   uniform pieces shifted down by h²/6, h = 1/m, [`super::theory::upper_net`]) and the carry; the
//!   output is I_S(x) − 4^{−S} (y_S − q(y_S)).
//!
//! The output minus x² is 4^{−S}(q(y_S) − y_S²). The tent map preserves Lebesgue measure on \[0,1\]
//! (each of its two pieces maps an interval of length ½ onto \[0,1\] with slope ±2), so
//! ∫ φ(Δ^S(x)) dx = ∫ φ(y) dy and the MSE is 16^{−S} times q's, 1/(180 m⁴): the normalised MSE is
//! exactly 16^{−S} / (16 m⁴) (checked piece by piece in the tests). At D = 1 the net is q for x² itself.
//! Hidden widths are 2^{a_1}, 2^{a_i} + 1 (1 < i < D) and m + 1; every S ≥ D − 1, split and the
//! smallest m reaching the tolerance are tried, and the net with the fewest parameters kept.

use crate::family::iterate::compositions;
use crate::net::Mlp;
use crate::profile::bound::params;
use crate::train::Metric;

/// The exact normalised MSE of the depth-D net with S exact tent levels and m last units.
pub fn nmse(s: u32, m: u64) -> f64 {
    16f64.powi(-(s as i32)) / (16.0 * (m as f64).powi(4))
}

/// The smallest m ≥ 1 with [`nmse`](s, m) ≤ `eps`.
fn last_width(s: u32, eps: f64) -> u64 {
    // nmse(s, m) ≤ ε ⇔ m ≥ (16^{1−S}·… )^{1/4}: start from the real root, then correct for rounding.
    let root = (16f64.powi(-(s as i32)) / (16.0 * eps)).powf(0.25);
    let mut m = (root.ceil() as u64).max(1);
    while m > 1 && nmse(s, m - 1) <= eps {
        m -= 1;
    }
    while nmse(s, m) > eps {
        m += 1;
    }
    m
}

/// Hidden widths of the net with `parts` (a_1, …, a_{D−1}) and last width m.
fn widths(parts: &[u32], m: u64) -> Vec<usize> {
    crate::family::levels::widths(parts, m as usize)
}

/// The depth-`depth` net for x² with normalised MSE ≤ `eps` and the fewest parameters among the
/// nets of the module docs, with how it was built; `None` for other metrics.
pub fn at_depth(depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
    (metric == Metric::Nmse && depth >= 1 && eps > 0.0).then(|| best(depth, eps))
}

fn best(depth: usize, eps: f64) -> anyhow::Result<(Mlp, String)> {
    anyhow::ensure!(depth <= 24, "x² nets are built up to depth 24");
    let mut best: Option<(u64, Vec<u32>, u64)> = None;
    let mut s = depth as u32 - 1;
    loop {
        let m = last_width(s, eps);
        for parts in compositions(s, depth - 1) {
            let p = params(&widths(&parts, m));
            if best.as_ref().is_none_or(|(bp, _, _)| p < *bp) {
                best = Some((p, parts, m));
            }
        }
        // More exact levels only add units once the last layer is a single unit.
        if m == 1 || s >= 40 {
            break;
        }
        s += 1;
    }
    let (_, parts, m) = best.expect("S = depth − 1 has a composition");
    let net = build(&parts, m)?;
    let s: u32 = parts.iter().sum();
    let how = if parts.is_empty() {
        format!("the shifted interpolant at {m} pieces")
    } else {
        let blocks: Vec<String> = parts.iter().map(|a| format!("Δ^{a}")).collect();
        format!(
            "{} exactly with the interpolant at 2^-{s} carried, then the shifted interpolant of y² at {m} pieces (nMSE 16^-{s}/(16·{m}⁴))",
            blocks.join(", ")
        )
    };
    Ok((net, how))
}

/// The net of the module docs for `parts` (a_1, …, a_{D−1}) and last width m: a level sum
/// ([`crate::family::levels`], α = 1, β = −1, a = 4) whose tail block is y − q(y) on the units
/// σ(y − j/m): 1 − h on unit 0, −2h on the others, bias h²/6.
pub fn build(parts: &[u32], m: u64) -> anyhow::Result<Mlp> {
    anyhow::ensure!(m >= 1 && parts.iter().all(|&a| (1..=20).contains(&a)), "parts in 1..=20 and m ≥ 1");
    if parts.is_empty() {
        return super::theory::upper_net(m as usize);
    }
    let m = m as usize;
    let h = 1.0 / m as f64;
    let mut tail = Mlp::with_hidden(1, &[m])?;
    let b: Vec<f64> = (0..m).map(|j| -(j as f64) * h).collect();
    tail.set_layer(0, &vec![1.0; m], &b);
    let a: Vec<f64> = (0..m).map(|j| if j == 0 { 1.0 - h } else { -2.0 * h }).collect();
    tail.set_layer(1, &a, &[h * h / 6.0]);
    crate::family::levels::build(crate::family::levels::LevelSum { a: 4.0, alpha: 1.0, beta: -1.0 }, parts, &tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::pieces::pwl_of;
    use crate::net::quadratic::errors_vs_quadratic;

    fn exact_nmse(net: &Mlp) -> f64 {
        errors_vs_quadratic(&pwl_of(net).unwrap(), [1.0, 0.0, 0.0]).mse / (4.0 / 45.0)
    }

    #[test]
    fn every_split_has_exactly_its_closed_form_error() {
        for (parts, m) in [(vec![1u32], 1u64), (vec![1], 3), (vec![2, 1], 5), (vec![3, 1, 2], 2), (vec![1, 1, 1, 1], 7)]
        {
            let net = build(&parts, m).unwrap();
            let s: u32 = parts.iter().sum();
            let (got, want) = (exact_nmse(&net), nmse(s, m));
            assert!((got / want - 1.0).abs() < 1e-6, "{parts:?} m={m}: {got:e} vs {want:e}");
            assert_eq!(net.hidden(), widths(&parts, m).as_slice());
        }
    }

    #[test]
    fn without_the_last_layers_shift_the_net_is_the_interpolant_at_the_finer_grid() {
        // The carried interpolant is exact at every grid point 2^{−S} where q is (m = 1: q(y) = y − 1/6,
        // so the output is I_S(x) − 4^{−S}/6; add it back and compare with x² at the grid).
        for parts in [vec![1u32], vec![2, 1], vec![1, 2, 1]] {
            let s: u32 = parts.iter().sum();
            let g = pwl_of(&build(&parts, 1).unwrap()).unwrap();
            let n = 1u32 << s;
            for j in 0..=n {
                let x = j as f64 / n as f64;
                let v = g.eval(x) + 4f64.powi(-(s as i32)) / 6.0;
                assert!((v - x * x).abs() < 1e-12, "{parts:?} at {x}: {v} vs {}", x * x);
            }
        }
    }

    #[test]
    fn the_best_net_reaches_the_tolerance_and_is_no_larger_than_yarotskys() {
        for l in 1..=8i32 {
            let eps = 0.375 * 16f64.powi(-l); // the error of Yarotsky's depth-L, width-3 net
            for depth in 1..=l as usize {
                let (net, how) = at_depth(depth, eps, Metric::Nmse).unwrap().unwrap();
                assert_eq!(net.hidden().len(), depth);
                let e = exact_nmse(&net);
                assert!(e <= eps * (1.0 + 1e-9), "L={l} D={depth}: {e:e} > {eps:e} ({how})");
            }
            let (deep, _) = at_depth(l as usize, eps, Metric::Nmse).unwrap().unwrap();
            assert!(deep.n_params() <= 12 * l as usize - 2, "L={l}: {} parameters", deep.n_params());
            // Depth 1 is the shallow bracket's upper end.
            let (one, _) = at_depth(1, eps, Metric::Nmse).unwrap().unwrap();
            assert_eq!(one.hidden()[0] as u64, super::super::theory::bracket(eps).upper, "L={l}");
        }
        assert!(at_depth(2, 0.01, Metric::Sup).is_none());
    }

    #[test]
    fn the_last_width_is_the_smallest_reaching_the_tolerance() {
        for s in 0..6u32 {
            for eps in [1e-1, 1e-3, 2.3e-8] {
                let m = last_width(s, eps);
                assert!(nmse(s, m) <= eps && (m == 1 || nmse(s, m - 1) > eps), "S={s} ε={eps}: m={m}");
            }
        }
    }
}
