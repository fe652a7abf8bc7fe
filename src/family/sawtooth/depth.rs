//! The sawtooth at every depth, sized to a tolerance: the fewest pieces any approximation within ε
//! must have, and explicit depth-L nets that reach ε with few parameters.
//!
//! **Fewest pieces** [from [`super::theory`]]. A continuous g with t pieces has t − 1 kinks, so
//! nMSE ≥ max(½(1 − (t + 1)/2^{k−1}), ¼(1 − t/2^k)) and L1 ≥ ⅛ of the same fractions (sign changes,
//! kink-free tents), and the blocks' and the chain's bounds on t − 1 kinks; in sup the minimal-link
//! path (any 1-D piecewise-linear target). The fewest pieces P_ε is the smallest t those bounds
//! allow; a one-hidden-layer net has m + 1 pieces, which gives the shallow bracket's lower end
//! m = P_ε − 1, or P_ε where 2^k − 1 units cannot carry the 2^k − 1 kinks ([`crate::optimum::chain_units`]).
//!
//! **Depth-L nets** [derived here]. Δ^k = Δ^j ∘ Δ^{a_{L−1}} ∘ … ∘ Δ^{a_1} with a_1 + … + a_{L−1} + j = k,
//! all parts ≥ 1. Layer i (< L) computes Δ^{a_i} of the previous layer's output exactly with the
//! 2^{a_i} units of the exact one-hidden-layer net ([`super::construct::exact_shallow`]; its linear
//! readout is folded into the next layer's weights), and the last layer is a width-m
//! approximation h of Δ^j: the shallow bracket's constructive upper end at ε (the explicit,
//! optimised or carried weights of [`super::theory`], or Δ^j's exact net). The tent map preserves Lebesgue
//! measure on \[0,1\] (each of its pieces maps an interval of length ½ onto \[0,1\] with slope ±2),
//! so for every φ, ∫ φ(Δ^a(x)) dx = ∫ φ(u) du, and
//!
//! ‖h ∘ Δ^{k−j} − Δ^k‖ = ‖(h − Δ^j) ∘ Δ^{k−j}‖ = ‖h − Δ^j‖ in L1, L2 and sup,
//!
//! with the same variance 1/12 for every k: the depth-L net has exactly the error of the last
//! layer's shallow approximation of Δ^j (checked exactly, piece by piece, in the tests). Every split
//! (a_1, …, a_{L−1}, j) is tried and the one with the fewest parameters kept.

use super::construct::exact_shallow;
use super::optimized::certificate;
use super::theory::{bracket, upper_bound_net};
use crate::net::Mlp;
use crate::train::Metric;

/// The fewest pieces of any continuous piecewise-linear g within `eps` of Δ^k in nMSE or L1
/// (`None` for sup, which the minimal-link default handles), with the argument.
pub fn fewest_pieces(k: u32, eps: f64, metric: Metric) -> Option<(u64, String)> {
    if metric == Metric::Sup {
        return None;
    }
    let n = 1u64 << k;
    let allowed = |t: u64| super::theory::lower_bound_any_g(t - 1, k, metric) <= eps * (1.0 + 1e-12);
    let t = (1..=n).find(|&t| allowed(t)).unwrap_or(n);
    Some((
        t,
        "sign changes, kink-free tents, blocks and the chain of cells (any g with t pieces has t − 1 kinks)".into(),
    ))
}

/// The width-m one-hidden-layer approximation of Δ^j with error ≤ `eps`, for the smallest m the
/// shallow bracket certifies, with how it was built.
fn last_layer(j: u32, eps: f64, metric: Metric) -> anyhow::Result<(Mlp, String)> {
    let m = bracket(j, eps, metric).upper;
    if m >= 1 << j {
        return Ok((exact_shallow(j)?, format!("Δ^{j} exactly ({m} units)")));
    }
    let plain = upper_bound_net(m as usize, j)?;
    let t = super::Sawtooth::new(j)?;
    let ev = crate::train::Evaluator::new(&t, metric);
    if ev.eval(&plain)?.value <= eps {
        return Ok((plain, format!("Δ^{j} followed to ½ ({m} units)")));
    }
    if let Ok((opt, _)) = certificate(j, m)
        && ev.eval(&opt)?.value <= eps
    {
        return Ok((opt, format!("Δ^{j} by optimised weights ({m} units)")));
    }
    let (carried, _) = super::carried::certificate(j, m)?;
    anyhow::ensure!(ev.eval(&carried)?.value <= eps, "no explicit width-{m} net for Δ^{j} at {eps}");
    Ok((carried, format!("Δ^{j} by {m} units carrying {m} kinks")))
}

pub use crate::family::iterate::compose;
use crate::family::iterate::compositions;

/// The depth-`depth` net for Δ^k with error ≤ `eps` and the fewest parameters among the splits of
/// the module docs, with how it was built; `None` when depth > k.
pub fn at_depth(k: u32, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
    (depth >= 1 && depth <= k as usize).then(|| best_split(k, depth, eps, metric))
}

fn best_split(k: u32, depth: usize, eps: f64, metric: Metric) -> anyhow::Result<(Mlp, String)> {
    // The last layer's width for each j, computed once.
    let widths: Vec<u64> = (1..=k).map(|j| bracket(j, eps, metric).upper).collect();
    let mut best: Option<(u64, Vec<u32>)> = None;
    for parts in compositions(k, depth) {
        let j = *parts.last().unwrap();
        let mut hidden: Vec<usize> = parts[..depth - 1].iter().map(|&a| 1usize << a).collect();
        hidden.push(widths[j as usize - 1] as usize);
        let p = crate::profile::bound::params(&hidden);
        if best.as_ref().is_none_or(|(bp, _)| p < *bp) {
            best = Some((p, parts));
        }
    }
    let (_, parts) = best.expect("k ≥ depth ≥ 1 has a composition");
    let j = *parts.last().unwrap();
    let mut blocks = parts[..depth - 1].iter().map(|&a| exact_shallow(a)).collect::<anyhow::Result<Vec<_>>>()?;
    let (last, how) = last_layer(j, eps, metric)?;
    blocks.push(last);
    let exact: Vec<String> = parts[..depth - 1].iter().map(|a| format!("Δ^{a}")).collect();
    let how = if exact.is_empty() { how } else { format!("{} exactly, then {how}", exact.join(", ")) };
    Ok((compose(&blocks)?, how))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::Objective;
    use crate::net::pieces::pwl_of;

    #[test]
    fn composing_exact_blocks_computes_the_sawtooth_exactly() {
        for parts in [vec![1u32, 1, 1], vec![2, 3], vec![1, 4, 2]] {
            let k: u32 = parts.iter().sum();
            let net = compose(&parts.iter().map(|&a| exact_shallow(a).unwrap()).collect::<Vec<_>>()).unwrap();
            let t = super::super::Sawtooth::new(k).unwrap();
            let e = pwl_of(&net).unwrap().errors(&t.pwl().unwrap());
            assert!(e.sup < 1e-9, "{parts:?}: sup error {}", e.sup);
        }
    }

    #[test]
    fn the_depth_l_net_has_exactly_its_last_layers_error_and_reaches_the_tolerance() {
        for metric in [Metric::Nmse, Metric::L1] {
            for (k, eps) in [(4u32, 0.1), (6, 0.1), (6, 0.01), (8, 0.01), (9, 0.001)] {
                let t = super::super::Sawtooth::new(k).unwrap();
                let ev = crate::train::Evaluator::new(&t, metric);
                for depth in 1..=k as usize {
                    let (net, how) = at_depth(k, depth, eps, metric).unwrap().unwrap();
                    assert_eq!(net.hidden().len(), depth);
                    let e = ev.eval(&net).unwrap().value;
                    assert!(e <= eps * (1.0 + 1e-9), "k={k} L={depth} {metric:?}: {e} > {eps} ({how})");
                }
                // Depth 1 is the shallow bracket's upper end.
                let (net1, _) = at_depth(k, 1, eps, metric).unwrap().unwrap();
                assert_eq!(net1.hidden()[0] as u64, bracket(k, eps, metric).upper);
            }
        }
    }

    #[test]
    fn a_composite_has_the_error_of_its_last_block_against_the_shorter_sawtooth() {
        for (a, j, m) in [(2u32, 3u32, 5usize), (3, 4, 9), (1, 5, 20)] {
            let tj = super::super::Sawtooth::new(j).unwrap();
            let tk = super::super::Sawtooth::new(a + j).unwrap();
            let h = upper_bound_net(m, j).unwrap();
            let net = compose(&[exact_shallow(a).unwrap(), h.clone()]).unwrap();
            let (e_h, e_net) =
                (pwl_of(&h).unwrap().errors(&tj.pwl().unwrap()), pwl_of(&net).unwrap().errors(&tk.pwl().unwrap()));
            assert!((e_h.mse - e_net.mse).abs() <= 1e-12, "a={a} j={j}: {} vs {}", e_h.mse, e_net.mse);
            assert!((e_h.l1 - e_net.l1).abs() <= 1e-12 && (e_h.sup - e_net.sup).abs() <= 1e-12);
            assert!(e_h.mse > 1e-4, "a non-trivial error is preserved");
        }
    }

    #[test]
    fn the_fewest_pieces_give_the_shallow_brackets_lower_end() {
        for k in 1..=12u32 {
            for eps in [0.1, 0.01, 0.001] {
                for metric in [Metric::Nmse, Metric::L1] {
                    let (p, _) = fewest_pieces(k, eps, metric).unwrap();
                    // One more unit where 2^k − 1 units cannot carry the 2^k − 1 kinks (k ≤ 4 in nMSE, k ≤ 6 in L1, and k = 1).
                    let n = (1u64 << k) - 1;
                    let units = p - 1 == n && super::super::theory::lower_bound_width_k(n, k, metric) > eps;
                    let expect = (p - 1).max(1) + u64::from(units);
                    assert_eq!(expect, bracket(k, eps, metric).lower, "k={k} ε={eps} {metric:?}");
                }
            }
        }
    }
}
