//! Nets of any depth for an iterated map f^t of \[0,1\] into itself (the golden-ratio map; the
//! sawtooth has a sharper one of its own, [`super::sawtooth::depth`]), sized to a tolerance.
//!
//! f^t = f^j ∘ f^{a_{L−1}} ∘ … ∘ f^{a_1} with all parts ≥ 1. Layer i < L computes f^{a_i} of the
//! previous layer's output exactly (the one-hidden-layer weights of the exact piecewise-linear
//! f^{a_i}, [`crate::optimum::units::to_relu`], its readout folded into the next layer); the last
//! layer is a one-hidden-layer h close to f^j: f^j itself, or the sup-norm certificate of
//! [`crate::optimum::sup::certify_pwl`] at a tolerance δ from a ladder. The exact blocks compute
//! f^{t−j} whatever their split, so the net's error is that of h ∘ f^{t−j}, computed exactly from the
//! composite's pieces; of the candidates within the tolerance, the net with the fewest parameters
//! over every j, h and split is kept. (The sawtooth needs no such search: the tent map preserves
//! Lebesgue measure, so its error is the last layer's alone.)

use crate::net::{Mlp, Pwl};
use crate::train::{Evaluator, Metric};
use std::collections::BTreeMap;

/// Compose one-hidden-layer blocks, each applied to the previous block's output: the hidden
/// layers of the result are the blocks' hidden layers, each block's linear readout folded into
/// the next block's first weights.
pub fn compose(blocks: &[Mlp]) -> anyhow::Result<Mlp> {
    anyhow::ensure!(!blocks.is_empty(), "compose needs a block");
    anyhow::ensure!(
        blocks.iter().all(|b| b.hidden().len() == 1 && b.input_dim() == 1),
        "one-input, one-hidden-layer blocks"
    );
    let hidden: Vec<usize> = blocks.iter().map(|b| b.hidden()[0]).collect();
    let mut net = Mlp::with_hidden(1, &hidden)?;
    let (w0, b0) = blocks[0].layer(0);
    net.set_layer(0, w0, b0);
    for i in 1..blocks.len() {
        let (a, c) = blocks[i - 1].layer(1);
        let (w, b) = blocks[i].layer(0);
        // Unit u of block i sees w_u·(a·h + c) + b_u.
        let weights: Vec<f64> = w.iter().flat_map(|&wu| a.iter().map(move |&aj| wu * aj)).collect();
        let bias: Vec<f64> = w.iter().zip(b).map(|(&wu, &bu)| wu * c[0] + bu).collect();
        net.set_layer(i, &weights, &bias);
    }
    let (a, c) = blocks[blocks.len() - 1].layer(1);
    net.set_layer(blocks.len(), a, c);
    Ok(net)
}

/// Every way to write k as an ordered sum of `parts` positive integers.
pub fn compositions(k: u32, parts: usize) -> Vec<Vec<u32>> {
    if parts == 0 {
        return if k == 0 { vec![vec![]] } else { vec![] };
    }
    if parts == 1 {
        return if k >= 1 { vec![vec![k]] } else { vec![] };
    }
    (1..=k.saturating_sub(parts as u32 - 1))
        .flat_map(|first| {
            compositions(k - first, parts - 1).into_iter().map(move |mut rest| {
                rest.insert(0, first);
                rest
            })
        })
        .collect()
}

/// The sup tolerances of the last layer's candidates (with f^j itself).
const LADDER: [f64; 14] = [0.45, 0.35, 0.28, 0.22, 0.18, 0.14, 0.11, 0.09, 0.07, 0.05, 0.035, 0.025, 0.015, 0.008];

/// The last layer's candidates for f^j, narrowest first (one per width): f^j exactly and its sup
/// certificates along [`LADDER`]; cached per family series and j (they do not depend on t, the
/// depth or the tolerance).
pub(crate) fn candidates(
    series: &str,
    j: u32,
    exact: &Mlp,
    iterate: &dyn Fn(u32) -> anyhow::Result<Pwl>,
) -> anyhow::Result<Vec<(Mlp, String)>> {
    type Cache = std::sync::Mutex<BTreeMap<(String, u32), Vec<(Mlp, String)>>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap().get(&(series.to_string(), j)) {
        return Ok(c.clone());
    }
    let fj = iterate(j)?;
    let mut cands: Vec<(Mlp, String)> = vec![(exact.clone(), format!("f^{j} exactly"))];
    for &delta in &LADDER {
        if let Ok((_, h)) = crate::optimum::sup::certify_pwl(&fj, delta) {
            cands.push((h, format!("f^{j} within sup {delta}")));
        }
    }
    cands.sort_by_key(|(h, _)| h.hidden()[0]);
    cands.dedup_by_key(|(h, _)| h.hidden()[0]);
    cache.lock().unwrap().insert((series.to_string(), j), cands.clone());
    Ok(cands)
}

/// The depth-`depth` net for `target` = f^t with error ≤ `eps` in `metric` and the fewest
/// parameters, with how it was built; `iterate(a)` is the exact piecewise-linear f^a. `None` when
/// depth > t.
pub fn at_depth(
    target: &dyn crate::family::Target,
    t: u32,
    depth: usize,
    eps: f64,
    metric: Metric,
    iterate: &dyn Fn(u32) -> anyhow::Result<Pwl>,
) -> Option<anyhow::Result<(Mlp, String)>> {
    (depth >= 1 && depth <= t as usize).then(|| search(target, t, depth, eps, metric, iterate))
}

fn search(
    target: &dyn crate::family::Target,
    t: u32,
    depth: usize,
    eps: f64,
    metric: Metric,
    iterate: &dyn Fn(u32) -> anyhow::Result<Pwl>,
) -> anyhow::Result<(Mlp, String)> {
    let ev = Evaluator::new(target, metric);
    let exact: BTreeMap<u32, Mlp> =
        (1..=t).map(|a| Ok((a, crate::optimum::units::to_relu(&iterate(a)?)?))).collect::<anyhow::Result<_>>()?;
    let width = |a: u32| exact[&a].hidden()[0];
    // (params, exact parts, description, last layer).
    let mut best: Option<(u64, Vec<u32>, String, Mlp)> = None;
    let j_lo = if depth == 1 { t } else { 1 };
    for j in j_lo..=t - (depth as u32 - 1) {
        let mut cands = candidates(&target.id().series(), j, &exact[&j], iterate)?;
        // At depth 1 the net is the shallow bracket's upper end: its explicit weights in this
        // metric (the cells' refit, [`crate::optimum::cells::certify_pwl`]) join the candidates.
        if depth == 1 && metric != Metric::Sup {
            let scale = if metric == Metric::Nmse { target.variance() } else { 1.0 };
            if let Ok((_, h)) = crate::optimum::cells::certify_pwl(&iterate(t)?, eps, metric, scale) {
                cands.push((h, format!("f^{t} by the bracket's upper-end weights")));
                cands.sort_by_key(|(h, _)| h.hidden()[0]);
            }
        }
        // The narrowest candidate whose composite reaches the tolerance.
        let inner = (j < t).then(|| exact[&(t - j)].clone());
        let mut pick = None;
        for (h, how) in cands {
            let net = match &inner {
                Some(g) => compose(&[g.clone(), h.clone()])?,
                None => h.clone(),
            };
            if ev.eval(&net)?.value <= eps {
                pick = Some((h, how));
                break;
            }
        }
        let Some((h, how)) = pick else { continue };
        for parts in compositions(t - j, depth - 1) {
            let mut hidden: Vec<usize> = parts.iter().map(|&a| width(a)).collect();
            hidden.push(h.hidden()[0]);
            let p = crate::profile::bound::params(&hidden);
            if best.as_ref().is_none_or(|b| p < b.0) {
                best = Some((p, parts, how.clone(), h.clone()));
            }
        }
    }
    let (_, parts, how, h) = best.ok_or_else(|| anyhow::anyhow!("no depth-{depth} net within {eps}"))?;
    let mut blocks: Vec<Mlp> = parts.iter().map(|a| exact[a].clone()).collect();
    blocks.push(h);
    let exact_part: Vec<String> = parts.iter().map(|a| format!("f^{a}")).collect();
    let how = if exact_part.is_empty() { how } else { format!("{} exactly, then {how}", exact_part.join(", ")) };
    Ok((compose(&blocks)?, how))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositions_are_all_ordered_sums() {
        assert_eq!(compositions(4, 2), vec![vec![1, 3], vec![2, 2], vec![3, 1]]);
        assert_eq!(compositions(5, 3).len(), 6);
        assert_eq!(compositions(3, 3), vec![vec![1, 1, 1]]);
        assert_eq!(compositions(0, 0), vec![Vec::<u32>::new()]);
    }

    #[test]
    fn at_depth_one_the_golden_net_is_no_wider_than_the_brackets_upper_end() {
        use crate::family::{Target, golden::Golden};
        for (t, eps) in [(8u32, 0.01), (10, 0.01), (12, 0.01), (10, 0.1)] {
            let g = Golden::new(t).unwrap();
            let (net, how) = g.construct_at_depth(1, eps, Metric::Nmse).unwrap().unwrap();
            let upper = g.certify(eps, Metric::Nmse).unwrap().bracket.upper;
            assert!(
                net.hidden()[0] as u64 <= upper,
                "t={t} at {eps}: {} units ({how}) > upper end {upper}",
                net.hidden()[0]
            );
            assert!(Evaluator::new(&g, Metric::Nmse).eval(&net).unwrap().value <= eps * (1.0 + 1e-9));
        }
    }

    #[test]
    fn golden_nets_at_every_depth_reach_the_tolerance_and_shrink_with_depth() {
        use crate::family::{Objective, Target, golden::Golden};
        let t = Golden::new(9).unwrap();
        let ev = Evaluator::new(&t, Metric::Nmse);
        let mut params = Vec::new();
        for depth in 1..=9 {
            let (net, how) = t.construct_at_depth(depth, 0.01, Metric::Nmse).unwrap().unwrap();
            assert_eq!(net.hidden().len(), depth);
            let e = ev.eval(&net).unwrap().value;
            assert!(e <= 0.01, "depth {depth}: {e} ({how})");
            params.push(net.n_params());
        }
        assert!(params[8] * 3 < params[0], "{params:?}");
        // Exact blocks compose to the exact iterate.
        let g = compose(&[
            crate::optimum::units::to_relu(&Golden::new(2).unwrap().pwl().unwrap()).unwrap(),
            crate::optimum::units::to_relu(&Golden::new(3).unwrap().pwl().unwrap()).unwrap(),
        ])
        .unwrap();
        let e = crate::net::pieces::pwl_of(&g).unwrap().errors(&Golden::new(5).unwrap().pwl().unwrap());
        assert!(e.sup < 1e-9, "f^3 ∘ f^2 = f^5: {}", e.sup);
    }
}
