//! Takagi sums at every depth, sized to a tolerance: exact tent blocks carrying the partial sum,
//! then a one-hidden-layer approximation of the tail ([`crate::family::levels`]:
//! T_{a,K} = T_{a,S} + a^{−S} T_{a,K−S} ∘ Δ^S).
//!
//! The tail's candidates are T_{a,j} itself and its sup-norm certificates along a ladder of
//! tolerances ([`crate::family::iterate`]'s, narrowest first), or nothing when j = 0 (the sum is
//! truncated at S levels). By the tent map's measure preservation the composite's error is the
//! tail's scaled by a^{−S} (L1, sup) or a^{−2S} (MSE), so each (S, candidate) is judged without
//! building it; of those within the tolerance the net with the fewest parameters over every split
//! is built and its error computed exactly from its weights.

use super::Takagi;
use crate::family::iterate::{candidates, compositions};
use crate::family::levels::{LevelSum, build, widths};
use crate::family::{Objective, Target};
use crate::net::{ExactErrors, Mlp};
use crate::train::{Evaluator, Metric, shallow_pwl};

/// The depth-`depth` net for `t` with error ≤ `eps` in `metric` and the fewest parameters, with how
/// it was built; `None` when depth > K.
pub fn at_depth(t: &Takagi, depth: usize, eps: f64, metric: Metric) -> Option<anyhow::Result<(Mlp, String)>> {
    (depth >= 1 && depth <= t.k as usize).then(|| search(t, depth, eps, metric))
}

fn zero_block() -> anyhow::Result<Mlp> {
    let mut z = Mlp::with_hidden(1, &[1])?;
    z.set_layer(1, &[0.0], &[0.0]);
    Ok(z)
}

fn search(t: &Takagi, depth: usize, eps: f64, metric: Metric) -> anyhow::Result<(Mlp, String)> {
    let (a, k) = (t.a, t.k);
    let base = f64::from(a);
    let ev = Evaluator::new(t, metric);
    // (params, parts, tail, how).
    let mut best: Option<(u64, Vec<u32>, Mlp, String)> = None;
    let s_range = if depth == 1 { 0..=0 } else { depth as u32 - 1..=k };
    for s in s_range {
        let j = k - s;
        let scale = base.powi(-(s as i32));
        // The tail's candidates with their errors against T_{a,j}; none is left when j = 0.
        let tails: Vec<(Mlp, String, ExactErrors)> = if j == 0 {
            let none = ExactErrors { l1: 0.0, mse: 0.0, sup: 0.0 };
            vec![(zero_block()?, format!("the complete sum carried after {s} levels"), none)]
        } else {
            let fj = Takagi::new(a, j)?.pwl().ok_or_else(|| anyhow::anyhow!("T_{{a,j}} is piecewise linear"))?;
            let exact = crate::optimum::units::to_relu(&fj)?;
            let iterate = |i: u32| Ok(Takagi::new(a, i)?.pwl().expect("piecewise linear"));
            let (from, to) = (format!("f^{j}"), format!("T_{{{a},{j}}}"));
            candidates(&t.id().series(), j, &exact, &iterate)?
                .into_iter()
                .map(|(q, how)| -> anyhow::Result<_> {
                    let e = shallow_pwl(&q)?.errors(&fj);
                    Ok((q, how.replace(&from, &to), e))
                })
                .collect::<anyhow::Result<_>>()?
        };
        let pick = tails.into_iter().find(|(_, _, e)| composite(&ev, *e, scale) <= eps * (1.0 - 1e-9));
        let Some((q, how, _)) = pick else { continue };
        for parts in compositions(s, depth - 1) {
            let p = crate::profile::bound::params(&widths(&parts, q.hidden()[0]));
            if best.as_ref().is_none_or(|b| p < b.0) {
                best = Some((p, parts, q.clone(), how.clone()));
            }
        }
    }
    let (_, parts, q, how) =
        best.ok_or_else(|| anyhow::anyhow!("no depth-{depth} net for {} within {eps}", t.label()))?;
    let net = build(LevelSum { a: base, alpha: 0.0, beta: 1.0 }, &parts, &q)?;
    let e = ev.eval(&net)?.value;
    anyhow::ensure!(e <= eps * (1.0 + 1e-9), "{} at depth {depth}: built {e:e} > {eps:e}", t.label());
    let blocks: Vec<String> = parts.iter().map(|a| format!("Δ^{a}")).collect();
    let how = if blocks.is_empty() {
        how
    } else {
        format!("{} exactly carrying the partial sum, then {how}", blocks.join(", "))
    };
    Ok((net, how))
}

/// The composite's error in the evaluator's metric when its tail has errors `e` against T_{a,j} and
/// enters scaled by a^{−S} = `scale`: the tent map preserves measure, so L1 and sup scale by a^{−S}
/// and the MSE by a^{−2S}.
fn composite(ev: &Evaluator, e: ExactErrors, scale: f64) -> f64 {
    ev.from_errors(ExactErrors { l1: e.l1 * scale, mse: e.mse * scale * scale, sup: e.sup * scale }, None).value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takagi_nets_at_every_depth_reach_the_tolerance_and_depth_pays_at_fine_tolerances() {
        for (a, k, eps) in [(2u32, 8u32, 0.01), (2, 8, 1e-4), (4, 8, 1e-8), (3, 6, 1e-3)] {
            let t = Takagi::new(a, k).unwrap();
            let ev = Evaluator::new(&t, Metric::Nmse);
            let mut params = Vec::new();
            for depth in 1..=k as usize {
                let (net, how) = at_depth(&t, depth, eps, Metric::Nmse).unwrap().unwrap();
                assert_eq!(net.hidden().len(), depth, "{how}");
                let e = ev.eval(&net).unwrap().value;
                assert!(e <= eps * (1.0 + 1e-9), "a={a} K={k} D={depth}: {e} > {eps} ({how})");
                params.push(net.n_params());
            }
            // Depth pays where the tolerance asks for the fine levels (a = 2, K = 8 at 1e-4: 574 → 71),
            // not at 0.01, where one hidden layer of a coarse certificate is the smallest.
            if eps <= 1e-4 {
                assert!(params.iter().min().unwrap() * 3 < params[0], "a={a} K={k} ε={eps}: {params:?}");
            }
        }
    }

    #[test]
    fn truncating_the_sum_leaves_exactly_the_scaled_tail() {
        // T_{2,6} − T_{2,2} = ¼ T_{2,4} ∘ Δ²: its nMSE against T_{2,6} from the pieces and by formula.
        let t = Takagi::new(2, 6).unwrap();
        let trunc = Takagi::new(2, 2).unwrap().pwl().unwrap();
        let e = trunc.errors(&t.pwl().unwrap()).mse / t.variance();
        let zero = crate::net::Pwl::new(vec![0.0, 1.0], vec![0.0, 0.0]);
        let tail = zero.errors(&Takagi::new(2, 4).unwrap().pwl().unwrap());
        let by_formula = composite(&Evaluator::new(&t, Metric::Nmse), tail, 0.25);
        assert!((e - by_formula).abs() < 1e-12 * e.max(1e-30), "{e}");
    }
}
